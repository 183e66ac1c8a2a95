"""Fuzz targets: every file entry point of ilp, its valid seed, and how to mutate it.

Shared by the Hypothesis fuzz tests (``test_fuzz_loaders.py``) and the
atheris harness (``atheris_harness.py``). A target takes bytes, writes them
where the entry point reads (a file, or a register folder), calls the entry
point and uses what it returns a little (``due()`` on a person, the tables
of a result), and lets every exception through. The one rule checked is the
issue-13 promise: nothing but an :class:`ilp.ILPError` ever escapes.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import tempfile
import zipfile
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pytest
import yaml

import ilp
from ilp._register_columns import reference_columns
from ilp.cli import main as cli_main
from ilp.errors import ILPError
from ilp.files import read_register_columns
from ilp.interop import export_bundle, load_codemap, read_bundle
from ilp.lifecycle import load_catalogue
from ilp.network import gaps, load_network
from ilp.population import (
    ColumnRegister,
    History,
    Population,
    SimParams,
    SimResult,
    load_parquet,
    load_result_parquet,
    save_parquet,
    save_result_parquet,
)
from ilp.population.simulation._result import (
    COVERAGE_DTYPE,
    DEMAND_DTYPE,
    PARTITION_DTYPE,
    PEOPLE_DTYPE,
)
from ilp.pws import load_indicators

NIK = "3507121204780003"
#: Set ILP_FUZZ_LIGHT=1 to fuzz the loaders alone (what a long campaign needs), without
#: evaluating what they return (``ilp due`` still evaluates).
LIGHT = os.environ.get("ILP_FUZZ_LIGHT") == "1"
ON_DATES = ("2025-11-01", "2200-12-31")

#: Values that break naive loaders: wrong types, edges of every range, NIKs, bombs in small.
NASTY: list[Any] = [
    None,
    True,
    False,
    0,
    -1,
    2**70,
    10**45,
    1.5,
    -0.0,
    float("nan"),
    float("inf"),
    "",
    " ",
    "x" * 3000,
    NIK,
    int(NIK),
    "\uff13" * 16,
    "9999-12-31",
    "0001-01-01",
    "1900-01-01",
    "2200-12-31",
    "2024-02-30",
    "2025-01-01T10:00:00",
    "99999y",
    "200y",
    "-1m",
    "0d",
    "yes",
    "false",
    "maybe",
    "\x00",
    "<<",
    [],
    {},
    [[[[]]]],
    {"a": {"b": {"c": 1}}},
    [NIK],
    {"nik": NIK},
    ["once"],
    {"kind": ["once"]},
]


def _nasty(rng: random.Random) -> Any:
    """A copy of one of :data:`NASTY` (the lists and mappings there are never shared into inputs,
    where later mutations would change them for every input after, and could nest one in itself).
    """
    return _plain(rng.choice(NASTY))


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _paths(value: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [at]
    if isinstance(value, dict):
        for k, v in value.items():
            out.extend(_paths(v, (*at, k)))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out.extend(_paths(v, (*at, i)))
    return out


def mutate_data(data: Any, rng: random.Random, steps: int = 1) -> Any:
    """*data* (parsed YAML/JSON) with *steps* structured mutations at random places."""
    data = _plain(data)
    for _ in range(steps):
        paths = _paths(data)
        path = rng.choice(paths)
        if not path:
            data = _nasty(rng) if rng.random() < 0.1 else data
            continue
        parent = data
        for key in path[:-1]:
            parent = parent[key]
        key = path[-1]
        op = rng.randrange(6)
        if op == 0:
            parent[key] = _nasty(rng)
        elif op == 1 and isinstance(parent, dict):
            del parent[key]
        elif op == 1 and isinstance(parent, list):
            parent.pop(key)
        elif op == 2 and isinstance(parent, dict):
            parent[rng.choice(["colour", "school", "nik", "extra", 5])] = _nasty(rng)
        elif op == 3 and isinstance(parent, list):
            parent.insert(key, parent[key])
        elif op == 4:
            parent[key] = [parent[key]]
        else:
            donor = rng.choice(paths)
            value = data
            for k in donor:
                value = value[k]
            if not any(p[: len(donor)] == donor for p in [path]):
                parent[key] = _plain(value)
    return data


def dump(data: Any, kind: str) -> bytes:
    """*data* as YAML or JSON bytes (NaN written as the format allows)."""
    if kind == "json":
        return json.dumps(data, default=str).encode()
    try:
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode()
    except (yaml.YAMLError, ValueError, TypeError):  # pragma: no cover - odd keys
        return json.dumps(data, default=str).encode()


def mutate_bytes(seed: bytes, rng: random.Random) -> bytes:
    """*seed* with a few byte-level edits (insert, delete, replace, duplicate a slice)."""
    out = bytearray(seed)
    for _ in range(rng.randrange(1, 6)):
        if not out:
            out += bytes([rng.randrange(256)])
            continue
        i = rng.randrange(len(out))
        op = rng.randrange(5)
        if op == 0:
            out[i] = rng.randrange(256)
        elif op == 1:
            del out[i : i + rng.randrange(1, 16)]
        elif op == 2:
            out[i:i] = rng.choice(
                [
                    b"[",
                    b"{",
                    b"&a ",
                    b"*a",
                    b"!!python/name:os.system ",
                    b"9" * 50,
                    b"\n- ",
                    b": ",
                    b"'",
                    b"\xff",
                    NIK.encode(),
                ]
            )
        elif op == 3:
            j = rng.randrange(i, min(len(out), i + 64))
            out[i:i] = out[i:j]
        else:
            out[i:i] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 8)))
    return bytes(out)


# ---------------------------------------------------------------------------
# seeds


PERSON_SEED = {
    "person": {
        "id": "ayu",
        "sex": "P",
        "birth_date": "1995-01-10",
        "name": "Ayu",
        "nik": NIK,
        "conditions": ["hypertension"],
        "school_grade": 1,
        "school_year": 2026,
        "residence": "dusun-a",
        "ever_sexually_active": False,
        "pregnancies": [
            {
                "lmp": "2024-01-01",
                "delivery_date": "2024-10-01",
                "outcome": "live_birth",
                "in_facility": True,
            }
        ],
    },
    "history": [
        {"code": "HB0", "date": "1995-01-10", "place": "pkm"},
        {
            "code": "BCG",
            "date": "2020-02-10",
            "provider": "bidan",
            "result": "normal",
            "value": 3.5,
        },
    ],
    "region": {"je_endemic": True, "ages": {"JE": "9m"}},
}


def family_seed() -> Any:
    """The demo family with its first three members (small inputs fuzz faster)."""
    text = resources.files("ilp").joinpath("data/demo/family.yaml").read_text("utf-8")
    data = _plain(yaml.safe_load(text))
    data["family"]["members"] = data["family"]["members"][:3]
    return data


def catalogue_seed() -> Any:
    """A few entries of the national catalogue, one per rule kind."""
    text = resources.files("ilp.lifecycle").joinpath("data/national.yaml").read_text("utf-8")
    data = _plain(yaml.safe_load(text))
    kinds: dict[str, Any] = {}
    for entry in data["services"]:
        kind = entry.get("rule", {}).get("kind")
        if "region" not in entry.get("eligibility", {}):
            kinds.setdefault(kind, entry)
    data["services"] = list(kinds.values())[:6]
    data.pop("region_flags", None)
    return data


NETWORK_SEED = """\
format: 1
id: contoh
holidays: ["2025-12-25"]
areas:
  - {id: kab, name: Kabupaten Contoh, level: kabupaten}
  - {id: kec, name: Kecamatan Contoh, level: kecamatan, parent: kab, type: perdesaan}
  - {id: desa, name: Desa Contoh, level: desa, parent: kec, code: "3507121001"}
  - {id: dusun, name: Dusun Krajan, level: dusun, parent: desa}
facilities:
  - id: pkm
    name: Puskesmas Contoh
    type: puskesmas
    area: kec
    opening: {weekdays: [mon, tue, wed, thu, fri, sat]}
    staff: [{id: dr, role: dokter, name: dr. Ani}]
    cluster_overrides: {DENTAL-BUMIL: 5}
  - id: pustu
    name: Pustu Contoh
    type: pustu
    area: desa
    parent: pkm
    opening: {weekdays: [Senin, TUESDAY, wed, thu, jumat]}
    staff: [{id: bd, role: bidan}, {id: pr, role: perawat}]
  - id: pos
    name: Posyandu Mawar
    type: posyandu
    area: dusun
    parent: pustu
    opening: {nth_weekday: 2, weekday: tue}
    staff:
      - {id: k1, role: kader, level: madya}
      - {id: k2, role: kader}
      - {id: k3, role: kader}
      - {id: k4, role: kader}
      - {id: k5, role: kader, level: utama}
    services: {add: [BCG], remove: [PTM-SCREEN]}
"""


REGISTER_SEED = {
    "households.csv": "kk_number,address,residence,jkn\n3507990000000001,Jl. Mawar 1,dusun-a,ya\n",
    "people.csv": (
        "person_id,kk_number,relation,sex,birth_date,nik,conditions,school_grade,school_year\n"
        "a,3507990000000001,head,L,1980-01-01,3507121204780003,hypertension;smoker,,\n"
        "b,3507990000000001,spouse,P,1985-02-02,,,,\n"
        "c,3507990000000001,child,P,2016-03-03,,,3,2025\n"
    ),
    "pregnancies.csv": "person_id,lmp,delivery_date,outcome,in_facility\nb,2015-06-01,2016-03-03,live_birth,yes\n",
    "records.csv": "person_id,code,date,place,value\nc,BCG,2016-04-01,pkm,\na,PTM-SCREEN,2025-01-05,pkm,140\n",
}
_SEP = b"\n===FILE===\n"


def register_bytes(files: dict[str, str]) -> bytes:
    return _SEP.join(f"{k}\n{v}".encode() for k, v in files.items())


def _population_file(path: Path) -> None:
    ff = ilp.read_family_file(resources.files("ilp").joinpath("data/demo/family.yaml"))
    population, history = Population.from_people(ff.family.people, ff.histories)
    population.save(path, history)


def _result_file(path: Path) -> None:
    _small_result().save(path)


def _small_result() -> SimResult:
    start = ilp.dates.as_date("2025-01-01")
    demand = np.zeros(2, dtype=DEMAND_DTYPE)
    demand["month"], demand["site"], demand["service"], demand["due"] = (
        [0, 1],
        [0, -1],
        [0, 1],
        [3, 1],
    )
    people = np.zeros(2, dtype=PEOPLE_DTYPE)
    people["month"] = [0, 1]
    return SimResult(
        start=start,
        months=[start, start.add(months=1)],
        seed=7,
        codes=["BCG", "HB0"],
        code_groups=["imunisasi", "imunisasi"],
        groups=["imunisasi"],
        sites=["pkm"],
        site_types=["puskesmas"],
        site_puskesmas=[0],
        desas=["d1"],
        demand=demand,
        coverage=np.zeros(1, dtype=COVERAGE_DTYPE),
        people=people,
        partitions=np.zeros(1, dtype=PARTITION_DTYPE),
        params=SimParams(),
    )


_RESULT_TABLES = ("demand", "coverage", "people", "partitions")


def result_parquet_seed(ws: Workspace) -> bytes:
    """A small simulation result saved as a Parquet folder, packed as one input."""
    folder = ws.root / "seed-result"
    save_result_parquet(_small_result(), folder)
    files = {k: (folder / f"{k}.parquet").read_bytes() for k in _RESULT_TABLES}
    for kind in _RESULT_TABLES:
        (folder / f"{kind}.parquet").unlink()
    folder.rmdir()
    return _SEP.join(k.encode() + b"\n" + v for k, v in files.items())


def bundle_seed() -> Any:
    """A FHIR Bundle of the first two members of the demo family and their histories."""
    ff = ilp.read_family_file(resources.files("ilp").joinpath("data/demo/family.yaml"))
    people = ff.family.people[:2]
    histories = {p.id: ff.histories.get(p.id, ())[:4] for p in people}
    return export_bundle(people, histories)


def codemap_seed() -> Any:
    """The first rows of the shipped code map, one per kind of resource."""
    text = resources.files("ilp.interop").joinpath("data/codemap.yaml").read_text("utf-8")
    data = _plain(yaml.safe_load(text))
    data["services"] = data["services"][:4]
    data["conditions"] = data["conditions"][:2]
    return data


def indicators_seed() -> Any:
    """The shipped indicator file (its indicators refer to each other, so it stays whole)."""
    text = resources.files("ilp.pws").joinpath("data/indicators.yaml").read_text("utf-8")
    return _plain(yaml.safe_load(text))


_PARQUET_KINDS = ("people", "pregnancies", "records")


def parquet_seed(ws: Workspace) -> bytes:
    """The demo family saved as a Parquet dataset, packed as one input."""
    ff = ilp.read_family_file(resources.files("ilp").joinpath("data/demo/family.yaml"))
    population, history = Population.from_people(ff.family.people, ff.histories)
    folder = ws.root / "seed-parquet"
    save_parquet(folder, population, history)
    files = {k: (folder / k / "part-0.parquet").read_bytes() for k in _PARQUET_KINDS}
    for kind in _PARQUET_KINDS:
        (folder / kind / "part-0.parquet").unlink()
        (folder / kind).rmdir()
    folder.rmdir()
    return _SEP.join(k.encode() + b"\n" + v for k, v in files.items())


# ---------------------------------------------------------------------------
# targets


class Workspace:
    """A private folder where each input is written before its entry point reads it."""

    def __init__(self) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="ilp-fuzz-")
        self.root = Path(self._dir.name)

    def file(self, name: str, data: bytes) -> Path:
        path = self.root / name
        path.write_bytes(data)
        return path

    def folder(self, data: bytes) -> Path:
        folder = self.root / "register"
        folder.mkdir(exist_ok=True)
        for old in folder.iterdir():
            old.unlink()
        for part in data.split(_SEP):
            name, _, body = part.partition(b"\n")
            if name in (b"households.csv", b"people.csv", b"pregnancies.csv", b"records.csv"):
                (folder / name.decode()).write_bytes(body)
        return folder

    def result_folder(self, data: bytes) -> Path:
        """A simulation result folder holding the tables packed in *data*."""
        folder = self.root / "result"
        folder.mkdir(exist_ok=True)
        for old in folder.iterdir():
            old.unlink()
        for part in data.split(_SEP):
            name, _, body = part.partition(b"\n")
            if name.decode("utf-8", "replace") in _RESULT_TABLES:
                (folder / f"{name.decode()}.parquet").write_bytes(body)
        return folder

    def dataset(self, data: bytes) -> Path:
        """A Parquet dataset folder holding the parts packed in *data*."""
        folder = self.root / "dataset"
        for kind in _PARQUET_KINDS:
            sub = folder / kind
            sub.mkdir(parents=True, exist_ok=True)
            for old in sub.iterdir():
                old.unlink()
        for part in data.split(_SEP):
            name, _, body = part.partition(b"\n")
            if name.decode("utf-8", "replace") in _PARQUET_KINDS:
                (folder / name.decode() / "part-0.parquet").write_bytes(body)
        return folder


def _use_person(pf: ilp.PersonFile) -> None:
    if LIGHT:
        return
    for on in ON_DATES:
        with contextlib.suppress(ILPError):
            ilp.due(pf.person, on, history=pf.history, region=pf.region)


def person_yaml(ws: Workspace, data: bytes) -> None:
    _use_person(ilp.read_person_file(ws.file("p.yaml", data)))


def person_json(ws: Workspace, data: bytes) -> None:
    _use_person(ilp.read_person_file(ws.file("p.json", data)))


def family_yaml(ws: Workspace, data: bytes) -> None:
    ff = ilp.read_family_file(ws.file("f.yaml", data))
    for person in () if LIGHT else ff.family.people:
        with contextlib.suppress(ILPError):
            ilp.due(person, ON_DATES[0], history=ff.histories.get(person.id, ()), region=ff.region)


def family_json(ws: Workspace, data: bytes) -> None:
    ilp.read_family_file(ws.file("f.json", data))


def register_csv(ws: Workspace, data: bytes) -> None:
    register = ilp.read_register(ws.folder(data))
    for family in () if LIGHT else register.families:
        with contextlib.suppress(ILPError):
            ilp.assess_family(family, "2025-11-01", records=register.histories)


def register_columns(ws: Workspace, data: bytes) -> None:
    """The columnar reader equals the reference reader: the same columns, or the same error."""
    same_register_columns(ws.folder(data))


def same_register_columns(folder: Path) -> ColumnRegister:
    """Both register readers on *folder*: equal columns, or the same ILPError (raised again).

    An AssertionError when they differ in any way: one raises and the other
    does not, another error class or message, or any column, person or family.
    """
    refused: ILPError | None = None
    try:
        expected = reference_columns(folder)
    except ILPError as exc:
        refused = exc
    if refused is not None:
        with pytest.raises(ILPError) as raised:
            read_register_columns(folder)
        same = type(raised.value) is type(refused) and str(raised.value) == str(refused)
        assert same, (raised.value, refused)
        raise refused
    found = read_register_columns(folder)
    assert_same_columns(found, expected)
    return found


def assert_same_columns(a: ColumnRegister, b: ColumnRegister) -> None:
    """*a* and *b* hold the same people, families and records, field by field."""
    pa, pb = a.population, b.population
    for name in attrs.fields_dict(Population):
        if not name.startswith("_"):
            x, y = getattr(pa, name), getattr(pb, name)
            assert np.array_equal(x, y) if isinstance(x, np.ndarray) else x == y, name
            if isinstance(x, np.ndarray):
                assert x.dtype == y.dtype, name
    ha, hb = a.history, b.history
    assert ha.codes == hb.codes
    assert ha.persons == hb.persons
    for name in ("rec_person", "rec_code", "rec_day"):
        assert np.array_equal(getattr(ha, name), getattr(hb, name)), name
    for name in ("family", "relation", "names", "niks"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    for name in ("kk_numbers", "households", "residences", "addresses", "as_of"):
        assert getattr(a, name) == getattr(b, name), name
    assert np.array_equal(a.rec_value, b.rec_value, equal_nan=True)
    for name in ("rec_place", "rec_provider", "rec_result"):
        assert getattr(a, name).tolist() == getattr(b, name).tolist(), name
    for row in range(len(a)):
        assert attrs.asdict(a.person(row), recurse=False) == attrs.asdict(
            b.person(row), recurse=False
        )
    assert a.histories() == b.histories()


def catalogue(ws: Workspace, data: bytes) -> None:
    cat = load_catalogue(ws.file("c.yaml", data))
    people = (
        () if LIGHT else (ilp.Person("a", "F", "2024-01-01"), ilp.Person("b", "M", "1960-01-01"))
    )
    for person in people:
        with contextlib.suppress(ILPError):
            ilp.due(person, ON_DATES[0], catalogue=cat)


def network(ws: Workspace, data: bytes) -> None:
    net = load_network(ws.file("n.yaml", data))
    if not LIGHT:
        gaps(net)


def population_npz(ws: Workspace, data: bytes) -> None:
    path = ws.file("p.npz", data)
    population = Population.load(path)
    with contextlib.suppress(ILPError):
        History.load(path, population)
    population.to_people()


def result_npz(ws: Workspace, data: bytes) -> None:
    result = SimResult.load(ws.file("r.npz", data))
    repr(result)
    for table in ("demand", "coverage", "people", "partitions", "staff"):
        result.to_records(table)


def result_parquet(ws: Workspace, data: bytes) -> None:
    result = load_result_parquet(ws.result_folder(data))
    repr(result)
    for table in ("demand", "coverage", "people", "partitions", "staff"):
        result.to_records(table)


def fhir_bundle(ws: Workspace, data: bytes) -> None:
    path = ws.file("b.json", data)
    for stream in (False, True):
        got = read_bundle(path, stream=stream)
        if not LIGHT:
            for person in got.people:
                with contextlib.suppress(ILPError):
                    ilp.due(person, ON_DATES[0], history=got.history(person.id))


def codemap(ws: Workspace, data: bytes) -> None:
    load_codemap(ws.file("m.yaml", data))


def indicators(ws: Workspace, data: bytes) -> None:
    load_indicators(ws.file("i.yaml", data))


def population_parquet(ws: Workspace, data: bytes) -> None:
    population, history = load_parquet(ws.dataset(data))
    if not LIGHT:
        population.to_people()
        history.to_mapping(population)


def due_cli(ws: Workspace, data: bytes) -> None:
    path = ws.file("p.yaml", data)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err):
        code = cli_main(["due", str(path), "--on", "2025-11-01", "--format", "json"], out=out)
    if code not in (0, 2):
        msg = f"ilp due exited {code}"
        raise AssertionError(msg)
    if code == 2 and err.getvalue().count("\n") != 1:
        msg = f"ilp due printed more than one error line: {err.getvalue()[:200]!r}"
        raise AssertionError(msg)
    if NIK in err.getvalue():
        msg = "ilp due printed a NIK"
        raise AssertionError(msg)


Target = Callable[[Workspace, bytes], None]

#: name → (entry point, how to make the seed bytes, structured kind or None for binary)
TARGETS: dict[str, tuple[Target, Callable[[Workspace], bytes], str | None]] = {
    "person_yaml": (person_yaml, lambda ws: dump(PERSON_SEED, "yaml"), "yaml"),
    "person_json": (person_json, lambda ws: dump(PERSON_SEED, "json"), "json"),
    "family_yaml": (family_yaml, lambda ws: dump(family_seed(), "yaml"), "yaml"),
    "family_json": (family_json, lambda ws: dump(family_seed(), "json"), "json"),
    "register_csv": (register_csv, lambda ws: register_bytes(REGISTER_SEED), "csv"),
    "register_columns": (register_columns, lambda ws: register_bytes(REGISTER_SEED), "csv"),
    "catalogue": (catalogue, lambda ws: dump(catalogue_seed(), "yaml"), "yaml"),
    "network": (network, lambda ws: NETWORK_SEED.encode(), "yaml"),
    "population_npz": (population_npz, lambda ws: _seed_file(ws, _population_file), "npz"),
    "result_npz": (result_npz, lambda ws: _seed_file(ws, _result_file), "npz"),
    "due_cli": (due_cli, lambda ws: dump(PERSON_SEED, "yaml"), "yaml"),
    "fhir_bundle": (fhir_bundle, lambda ws: dump(bundle_seed(), "json"), "json"),
    "codemap": (codemap, lambda ws: dump(codemap_seed(), "yaml"), "yaml"),
    "indicators": (indicators, lambda ws: dump(indicators_seed(), "yaml"), "yaml"),
    "population_parquet": (population_parquet, parquet_seed, "parquet"),
    "result_parquet": (result_parquet, result_parquet_seed, "parquet"),
}


def _seed_file(ws: Workspace, make: Callable[[Path], None]) -> bytes:
    path = ws.root / "seed.npz"
    make(path)
    data = path.read_bytes()
    os.unlink(path)
    return data


def mutate_npz(seed: bytes, rng: random.Random) -> bytes:
    """*seed* (a zip of .npy members) re-zipped with one member edited: header or data."""
    with zipfile.ZipFile(io.BytesIO(seed)) as zf:
        members = {info.filename: zf.read(info) for info in zf.infolist()}
    name = rng.choice(sorted(members))
    body = members[name]
    op = rng.randrange(4)
    if op == 0:  # a header of another shape, dtype or order, over the same data
        header = {
            "descr": rng.choice(["<i4", "<f8", "|b1", "<U5", "|O", "<i2", "|V8", "<M8[D]"]),
            "fortran_order": rng.random() < 0.2,
            "shape": rng.choice([(), (0,), (1,), (2, 2), (10**11,), (len(body) // 4,), (3, 0)]),
        }
        buf = io.BytesIO()
        np.lib.format.write_array_header_1_0(buf, header)
        head_len = body.find(b"\n") + 1
        members[name] = buf.getvalue() + body[head_len:]
    elif op == 1:
        members[name] = mutate_bytes(body, rng)
    elif op == 2:
        del members[name]
    else:  # another member's bytes under this name
        members[name] = members[rng.choice(sorted(members))]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", rng.choice([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])) as zf:
        for member, data in members.items():
            zf.writestr(member, data)
    return out.getvalue()


def mutate_csv(seed: bytes, rng: random.Random) -> bytes:
    """A register with one cell, row or file changed."""
    files = {}
    for part in seed.split(_SEP):
        name, _, body = part.partition(b"\n")
        files[name.decode()] = body.decode("utf-8", "replace")
    name = rng.choice(sorted(files))
    rows = [line.split(",") for line in files[name].splitlines()]
    op = rng.randrange(5)
    if op == 0 and rows:
        row = rng.choice(rows)
        row[rng.randrange(len(row))] = str(rng.choice(NASTY)).replace(",", ";")
    elif op == 1 and rows:
        rows.append(list(rng.choice(rows)))
    elif op == 2 and rows:
        rng.choice(rows).append("extra")
    elif op == 3 and rows:
        row = rng.choice(rows)
        if row:
            row.pop()
    else:
        del files[name]
    if name in files:
        files[name] = "\n".join(",".join(r) for r in rows) + "\n"
    return register_bytes(files)


def _nasty_column(table: Any, column: str, rng: random.Random) -> Any:
    """*column* of *table* replaced: another type, nulls, or edge values of its own type."""
    import pyarrow as pa

    n = table.num_rows
    kind = str(table.schema.field(column).type)
    op = rng.randrange(4)
    if op == 0:
        values = pa.array([rng.choice(["", NIK, "x" * 3000, "2024-02-30", "\x00"])] * n)
    elif op == 1:
        values = pa.nulls(n, type=table.schema.field(column).type)
    elif op == 2 and kind == "date32[day]":
        days = [rng.choice([-(10**6), -1, 0, 3 * 10**6, 2**31 - 1]) for _ in range(n)]
        values = pa.array(days, type=pa.int32()).cast(pa.date32())
    elif op == 2:
        values = pa.array([rng.choice([NIK, "", "x" * 3000, "a"])] * n, type=pa.string())
    else:
        values = pa.array([rng.randrange(-(2**31), 2**31) for _ in range(n)], type=pa.int64())
    index = table.column_names.index(column)
    return table.set_column(index, pa.field(column, values.type), values)


def mutate_parquet(seed: bytes, rng: random.Random) -> bytes:
    """A packed Parquet dataset with one part changed: a column, rows, metadata or bytes."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    files = dict(part.partition(b"\n")[::2] for part in seed.split(_SEP))
    name = rng.choice(sorted(files))
    table = pq.read_table(pa.BufferReader(files[name]))
    op = rng.randrange(7)
    if op == 0:
        files[name] = mutate_bytes(files[name], rng)
        return _SEP.join(k + b"\n" + v for k, v in files.items())
    if op == 1:
        table = _nasty_column(table, rng.choice(table.column_names), rng)
    elif op == 2:
        table = table.drop_columns([rng.choice(table.column_names)])
    elif op == 3:
        table = pa.concat_tables([table, table])
    elif op == 4:
        meta = dict(table.schema.metadata or {})
        meta[rng.choice([b"ilp_kind", b"ilp_format", b"other"])] = rng.choice(
            [b"records", b"9", b""]
        )
        table = table.replace_schema_metadata(meta)
    elif op == 5:
        table = table.slice(0, rng.randrange(table.num_rows + 1))
    else:
        del files[name]
        return _SEP.join(k + b"\n" + v for k, v in files.items())
    out = pa.BufferOutputStream()
    pq.write_table(table, out)
    files[name] = out.getvalue().to_pybytes()
    return _SEP.join(k + b"\n" + v for k, v in files.items())


def mutant(seed: bytes, kind: str | None, rng: random.Random) -> bytes:
    """One input derived from *seed*: a structured mutation, byte edits, or random bytes."""
    choice = rng.random()
    if kind == "npz" and choice < 0.8:
        return mutate_npz(seed, rng)
    if kind == "csv" and choice < 0.6:
        return mutate_csv(seed, rng)
    if kind == "parquet" and choice < 0.8:
        return mutate_parquet(seed, rng)
    if kind in ("yaml", "json") and choice < 0.6:
        parsed = json.loads(seed) if kind == "json" else yaml.safe_load(seed)
        return dump(mutate_data(parsed, rng, rng.randrange(1, 4)), kind)
    if choice < 0.97:
        return mutate_bytes(seed, rng)
    return bytes(rng.randrange(256) for _ in range(rng.randrange(0, 200)))


def run_one(name: str, ws: Workspace, data: bytes) -> None:
    """Run target *name* on *data*: an ILPError is fine, anything else propagates."""
    target = TARGETS[name][0]
    with contextlib.suppress(ILPError):
        target(ws, data)
