"""Interop: SATUSEHAT (FHIR R4) in and out, and the code map between ilp and FHIR codings.

The core writes and reads plain JSON-ready dicts; ``fhir.resources`` (extra
``ilp[fhir]``) is needed only to validate them, and ``ijson`` to stream
large files. See ``docs/interop.md``.
"""

from ilp.interop._codemap import (
    CodeMap,
    ConditionCoding,
    Resource,
    ServiceCoding,
    default_codemap,
    load_codemap,
)
from ilp.interop._fhir_in import read_bundle
from ilp.interop._fhir_out import care_bundle, export_bundle, patient_id
from ilp.interop._fhir_result import FHIRImport, ImportReport, Skipped
from ilp.interop._frames import batch_frame, due_frame, target_frame, to_arrow
from ilp.interop._register import write_register

__all__ = [
    "CodeMap",
    "ConditionCoding",
    "FHIRImport",
    "ImportReport",
    "Resource",
    "ServiceCoding",
    "Skipped",
    "batch_frame",
    "care_bundle",
    "default_codemap",
    "due_frame",
    "export_bundle",
    "load_codemap",
    "patient_id",
    "read_bundle",
    "target_frame",
    "to_arrow",
    "write_register",
]
