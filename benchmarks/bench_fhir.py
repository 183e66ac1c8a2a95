"""FHIR import and export throughput for a whole Puskesmas (about 100,000 resources).

A synthetic population (``ilp.population.synthesize``) is exported with
``ilp.interop.export_bundle``, written as JSON, and read back with
``read_bundle``, whole and streamed (ijson). Run by hand::

    python benchmarks/bench_fhir.py [--people 6500] [--repeat 3]

Prints the resource count and the best time of each step, with ``uptime``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
import time
from pathlib import Path

from ilp.interop import export_bundle, read_bundle
from ilp.population import synthesize


def best(fn, repeat: int) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return min(times), result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--people", type=int, default=6500)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    syn = synthesize(seed=12, on="2025-11-01", size=args.people)
    people = syn.population.to_people()
    histories = {p.id: syn.history.records_of(i) for i, p in enumerate(people)}
    print(
        "load before:",
        subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip(),
    )
    t_export, bundle = best(
        lambda: export_bundle(people, histories, organization="10000004"), args.repeat
    )
    n = len(bundle["entry"])  # type: ignore[index]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bundle.json"
        t_dump, _ = best(lambda: path.write_text(json.dumps(bundle), encoding="utf-8"), 1)
        size = os.path.getsize(path)
        t_read, got = best(lambda: read_bundle(path, stream=False), args.repeat)
        t_stream, _ = best(lambda: read_bundle(path, stream=True), args.repeat)
    assert len(got.people) == len(people)  # type: ignore[attr-defined]
    print(f"{len(people)} people, {n} resources, {size / 1e6:.1f} MB JSON")
    print(f"export_bundle:           {t_export:6.2f} s  {n / t_export:10,.0f} resources/s")
    print(f"json.dumps + write:      {t_dump:6.2f} s")
    print(f"read_bundle (json.load): {t_read:6.2f} s  {n / t_read:10,.0f} resources/s")
    print(f"read_bundle (ijson):     {t_stream:6.2f} s  {n / t_stream:10,.0f} resources/s")
    print(
        "load after: ",
        subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip(),
    )


if __name__ == "__main__":
    main()
