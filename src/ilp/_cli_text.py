"""What the ``ilp`` command prints for people: words in two languages, short service names, tables.

Tables fit the terminal: a table wider than the width wraps its last column;
if even that leaves it too narrow, each row becomes a block (first cells on
one line, the rest indented beneath). ``--narrow`` asks for 40 columns (a
phone). Decisions: docs/worklists.md, "Reading the lists".
"""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Sequence
from typing import Final, TextIO

from ilp.lifecycle import Service, Status

__all__ = [
    "NARROW",
    "line",
    "say",
    "service_name",
    "status_word",
    "supply_text",
    "table",
    "width_of",
]

#: Columns of ``--narrow`` (a phone held upright).
NARROW: Final = 40
#: The narrowest a wrapped last column may get before rows become blocks.
_MIN_LAST: Final = 24

_WORDS: Final[dict[str, tuple[str, str]]] = {
    # key: (Indonesian, English)
    "families": ("keluarga", "families"),
    "people": ("orang", "people"),
    "on": ("per", "on"),
    "posyandu_head": (
        "Posyandu, hari buka berikut dan sasaran:",
        "Posyandu, next opening day and people due:",
    ),
    "posyandu": ("posyandu", "posyandu"),
    "day": ("hari", "day"),
    "top": ("layanan terbanyak", "top services"),
    "person": ("id", "person"),
    "name": ("nama", "name"),
    "home": ("rumah", "home"),
    "services": ("layanan", "services"),
    "legend": ("! = terlambat", "! = overdue"),
    "by_step": ("per langkah Posyandu:", "by Posyandu step:"),
    "supplies": ("logistik:", "supplies:"),
    "home_visits": ("Kunjungan rumah kader", "Kader home visits"),
    "households": ("rumah tangga", "households"),
    "gaps": ("Kesenjangan jejaring:", "Network gaps:"),
    "no_gaps": ("tidak ada kesenjangan", "no gaps"),
    "pregnant_check": ("ibu hamil: pantau", "pregnant: check"),
    "never_recorded": ("belum pernah tercatat", "never recorded"),
    "more": ("lagi", "more"),
    "nothing": ("tidak ada layanan jatuh tempo", "nothing due, overdue or upcoming"),
    "status": ("status", "status"),
    "date": ("tanggal", "date"),
    "service": ("layanan", "service"),
    "cl": ("kl", "cl"),
    "why": ("keterangan", "why"),
    "born": ("lahir", "born"),
    "stages": ("tahap", "stages"),
}

_STATUS: Final = {
    Status.OVERDUE: ("terlambat", "overdue"),
    Status.DUE: ("jatuh tempo", "due"),
    Status.UPCOMING: ("akan datang", "upcoming"),
    Status.MISSED: ("terlewat", "missed"),
    Status.COMPLETED: ("selesai", "completed"),
}

#: Short names for lists, by code or by series (``{n}`` is the dose number).
_SHORT: Final[dict[str, tuple[str, str]]] = {
    "HB0": ("Hepatitis B lahir (HB0)", "Hep B birth dose (HB0)"),
    "VIT-K1": ("Vitamin K1", "Vitamin K1"),
    "EYE-PROPHYLAXIS": ("Salep mata", "Eye ointment"),
    "SHK": ("Skrining SHK", "SHK screening"),
    "CKG-NEWBORN": ("CKG bayi baru lahir", "CKG newborn"),
    "KN": ("Kunjungan neonatal KN{n}", "Neonatal visit KN{n}"),
    "BCG": ("BCG", "BCG"),
    "OPV": ("Polio tetes {n}", "Oral polio {n}"),
    "DPT-HB-HIB": ("Pentavalen {n}", "Pentavalent {n}"),
    "PCV": ("PCV {n}", "PCV {n}"),
    "RV": ("Rotavirus {n}", "Rotavirus {n}"),
    "IPV": ("Polio suntik {n}", "IPV {n}"),
    "MR": ("Campak-rubela {n}", "Measles-rubella {n}"),
    "JE": ("JE", "JE"),
    "GROWTH": ("Timbang & ukur", "Weigh & measure"),
    "VITA-BLUE": ("Vitamin A biru", "Vitamin A blue"),
    "VITA-RED": ("Vitamin A merah", "Vitamin A red"),
    "DEWORM": ("Obat cacing", "Deworming"),
    "PKAT": ("PKAT", "PKAT"),
    "SDIDTK": ("SDIDTK", "Development check"),
    "ANC": ("ANC K{n}", "ANC K{n}"),
    "ANC-TRIPLE-ELIM": ("Tes triple eliminasi", "Triple elimination test"),
    "ANEMIA-BUMIL": ("Hb ibu hamil", "Hb in pregnancy"),
    "TTD-BUMIL": ("TTD ibu hamil", "Iron tablets, pregnancy"),
    "DENTAL-BUMIL": ("Gigi ibu hamil", "Dental, pregnancy"),
    "TD-WUS": ("Td WUS {n}", "Td (WUS) {n}"),
    "KF": ("Kunjungan nifas KF{n}", "Postpartum visit KF{n}"),
    "KBPP": ("KB pasca salin", "Postpartum FP"),
    "BIAS-MR": ("BIAS MR", "School MR"),
    "BIAS-DT": ("BIAS DT", "School DT"),
    "BIAS-TD-2": ("BIAS Td kelas 2", "School Td grade 2"),
    "BIAS-TD-5": ("BIAS Td kelas 5", "School Td grade 5"),
    "HPV-1": ("HPV 1", "HPV 1"),
    "HPV-2": ("HPV 2", "HPV 2"),
    "HPV": ("HPV", "HPV"),
    "SCHOOL-SCREEN": ("Skrining sekolah", "School screening"),
    "MENTAL-SCREEN-CHILD": ("Skrining jiwa anak", "Child mental health"),
    "MENTAL-SCREEN-ADULT": ("Skrining jiwa", "Mental health"),
    "TTD-REMAJA": ("TTD remaja", "Iron tablet, teen girls"),
    "HB-REMAJA": ("Hb remaja", "Hb, teen girls"),
    "THALASSAEMIA-SCREEN": ("Skrining talasemia", "Thalassaemia"),
    "PTM-SCREEN": ("Skrining PTM", "NCD screening"),
    "CERVIX-SCREEN": ("Skrining serviks", "Cervical screening"),
    "BREAST-SCREEN": ("SADANIS", "Breast exam"),
    "COLORECTAL-SCREEN": ("Skrining kolorektal", "Colorectal screening"),
    "LUNG-CANCER-SCREEN": ("Risiko kanker paru", "Lung cancer risk"),
    "COPD-SCREEN": ("Skrining PPOK", "COPD screening"),
    "VISION-SCREEN": ("Skrining mata", "Vision screening"),
    "FITNESS-SCREEN": ("Kebugaran", "Fitness"),
    "HT-CONTROL": ("Kontrol hipertensi", "Hypertension follow-up"),
    "DM-CONTROL": ("Kontrol diabetes", "Diabetes follow-up"),
    "NCD-DOCTOR-REVIEW": ("Kontrol dokter PTM", "Doctor review, NCD"),
    "CVD-RISK-SCREEN": ("Risiko stroke/jantung", "Stroke/heart risk"),
    "DM-COMPLICATION-SCREEN": ("Komplikasi diabetes", "Diabetes complications"),
    "SKILAS": ("SKILAS", "SKILAS"),
    "CKG": ("Cek Kesehatan Gratis", "Free health check"),
    "TB-SCREEN": ("Skrining TBC", "TB screening"),
    "DENTAL-BALITA": ("Gigi balita", "Dental, under-fives"),
    "KELAS-BUMIL": ("Kelas ibu hamil {n}", "Pregnancy class {n}"),
    "MALARIA-BUMIL": ("Malaria ibu hamil", "Malaria test, pregnancy"),
    "LAB-LANSIA": ("Gula darah & kolesterol", "Glucose & cholesterol"),
}

_UNITS: Final = {
    "dose": "dosis",
    "tablet": "tablet",
    "capsule": "kapsul",
    "ampoule": "ampul",
    "sachet": "sachet",
    "test": "tes",
}

_ITEMS: Final = {
    "iron-folic acid tablet (TTD)": "tablet tambah darah (TTD)",
    "vitamin K1 injection 1 mg": "injeksi vitamin K1 1 mg",
    "hepatitis B vaccine (HB0, Uniject)": "vaksin hepatitis B (HB0, Uniject)",
    "albendazole 400 mg tablet": "tablet albendazol 400 mg",
    "vitamin A capsule, red (200,000 IU)": "kapsul vitamin A merah (200.000 IU)",
    "vitamin A capsule, blue (100,000 IU)": "kapsul vitamin A biru (100.000 IU)",
}


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "id" else pair[1]


def say(key: str, lang: str) -> str:
    """A fixed word or phrase of the output in *lang* (``id`` or ``en``)."""
    return _pick(_WORDS[key], lang)


def status_word(status: Status, lang: str) -> str:
    """A status as a word in *lang* (``terlambat`` / ``overdue``)."""
    return _pick(_STATUS[status], lang)


def service_name(service: Service, lang: str) -> str:
    """The short name of a service for lists; the catalogue label when it has none."""
    found = _SHORT.get(service.code) or (_SHORT.get(service.series) if service.series else None)
    if found is None:
        return service.label[lang]
    name = _pick(found, lang)
    return name.replace("{n}", str(service.dose or "")).strip()


def supply_text(item: str, unit: str, lang: str) -> tuple[str, str]:
    """A supply item and its unit in *lang*: ``("vaksin BCG", "dosis")`` for Indonesian."""
    if lang != "id":
        return item, unit
    if item in _ITEMS:
        named = _ITEMS[item]
    elif item.endswith(" vaccine"):
        named = "vaksin " + item.removesuffix(" vaccine")
    else:
        named = item
    return named, _UNITS.get(unit, unit)


def width_of(*, narrow: bool) -> int:
    """The width to print to: 40 for ``--narrow``, else the terminal's (80 when unknown)."""
    if narrow:
        return NARROW
    return max(NARROW, shutil.get_terminal_size((80, 24)).columns)


def line(out: TextIO, text: str, width: int, *, indent: str = "", more: str = "    ") -> None:
    """Print *text* wrapped to *width*: first line after *indent*, the rest after *indent + more*.

    An empty *text* prints an empty line.
    """
    lines = textwrap.wrap(
        text,
        width,
        initial_indent=indent,
        subsequent_indent=indent + more,
        break_on_hyphens=False,
        break_long_words=False,  # a path or an id stays whole
    )
    out.write("\n".join(lines or [""]) + "\n")


def table(rows: Sequence[Sequence[str]], out: TextIO, width: int, *, indent: str = "") -> None:
    """Print *rows* (the first is the header) as columns within *width*.

    The last column wraps. When the other columns leave it fewer than 24
    characters, each row (the header too) prints as a block: all cells but the last on one
    line (wrapped if need be), the last wrapped beneath, indented.
    """
    if not rows:
        return
    fixed = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    used = len(indent) + sum(w + 2 for w in fixed)
    last = width - used
    if last >= _MIN_LAST or all(used + len(r[-1]) <= width for r in rows):
        for r in rows:
            head = indent + "".join(c.ljust(w + 2) for c, w in zip(r[:-1], fixed, strict=True))
            lines = textwrap.wrap(r[-1], max(last, _MIN_LAST), break_on_hyphens=False) or [""]
            out.write((head + lines[0]).rstrip() + "\n")
            for text in lines[1:]:
                out.write(" " * len(head) + text + "\n")
        return
    for r in rows:
        head = "  ".join(c for c in r[:-1] if c)
        line(out, head, width, indent=indent, more="  ")
        pad = indent + "    "
        for text in textwrap.wrap(r[-1], width - len(pad), break_on_hyphens=False):
            out.write(pad + text + "\n")
