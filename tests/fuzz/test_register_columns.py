"""The columnar register reader equals the reference reader, on good and broken registers.

``ilp.files.read_register_columns`` reads a CSV folder with pyarrow and checks
each column's distinct cells; ``reference_columns`` reads it row by row with
:func:`ilp.read_register` and turns the result into columns. On generated
registers, written in varied ways (column order, padding, CRLF, blank lines,
optional columns) and then broken by the fuzz mutations, both give equal
columns, persons and families, or raise the same error with the same message.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import random
from importlib import resources
from pathlib import Path

import attrs
import numpy as np
import pendulum
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ilp import _register_columns, _register_split
from ilp.dates import as_date
from ilp.errors import ILPError, InputFileError, PopulationError
from ilp.files import read_register, read_register_columns
from ilp.people import Family, FamilyRegister, ServiceRecord
from ilp.population import ColumnRegister
from ilp.testing import families, histories

from ._targets import (
    REGISTER_SEED,
    Workspace,
    assert_same_columns,
    mutate_csv,
    register_bytes,
    same_register_columns,
)

ON = pendulum.Date(2025, 11, 1)
#: How many of each file's first columns (as ``_tables`` writes them) are required.
_REQUIRED = {"households.csv": 1, "people.csv": 5, "pregnancies.csv": 2, "records.csv": 3}


@st.composite
def registers(draw: st.DrawFn) -> FamilyRegister:
    """Families with unique member ids and histories (some with places and values)."""
    drawn = draw(st.lists(families(on=ON, max_size=4), max_size=4, unique_by=lambda f: f.kk_number))
    seen: set[str] = set()
    placed: list[Family] = []
    records: dict[str, tuple[ServiceRecord, ...]] = {}
    for family in drawn:
        if any(m.person.id in seen for m in family.members):
            continue
        seen |= {m.person.id for m in family.members}
        placed.append(family)
        for m in family.members:
            history = draw(histories(m.person, on=ON, max_size=5))
            records[m.person.id] = tuple(
                attrs.evolve(r, place="pkm", value=draw(st.sampled_from([None, 12.5, 140.0])))
                if draw(st.booleans())
                else r
                for r in history
            )
    return FamilyRegister(tuple(placed), records)


def _flag(value: bool | None, words: tuple[str, str]) -> str:
    return "" if value is None else words[0] if value else words[1]


def _tables(register: FamilyRegister, words: tuple[str, str]) -> dict[str, list[list[str]]]:
    tables: dict[str, list[list[str]]] = {
        "households.csv": [["kk_number", "address", "residence", "jkn", "no_smoker"]],
        "people.csv": [
            [
                "person_id",
                "kk_number",
                "relation",
                "sex",
                "birth_date",
                "name",
                "nik",
                "death_date",
                "residence",
                "conditions",
                "school_grade",
                "school_year",
                "ever_sexually_active",
            ]
        ],
        "pregnancies.csv": [["person_id", "lmp", "edd", "delivery_date", "outcome", "in_facility"]],
        "records.csv": [["person_id", "code", "date", "place", "value"]],
    }
    for f in register.families:
        hh = f.household
        tables["households.csv"].append(
            [
                f.kk_number,
                f.address or "",
                f.residence or "",
                _flag(hh.jkn, words),
                _flag(hh.no_smoker, words),
            ]
        )
        for m in f.members:
            p = m.person
            school = p.school
            tables["people.csv"].append(
                [
                    p.id,
                    f.kk_number,
                    m.relation.value,
                    p.sex.value,
                    p.birth_date.isoformat(),
                    p.name or "",
                    p.nik or "",
                    p.death_date.isoformat() if p.death_date else "",
                    p.residence or "",
                    ";".join(sorted(c.value for c in p.conditions)),
                    str(school.grade) if school else "",
                    str(school.year) if school and school.year else "",
                    _flag(p.ever_sexually_active, words),
                ]
            )
            for q in p.pregnancies:
                tables["pregnancies.csv"].append(
                    [
                        p.id,
                        q.lmp.isoformat(),
                        q.edd.isoformat(),
                        q.delivery_date.isoformat() if q.delivery_date else "",
                        q.outcome.value if q.outcome else "",
                        _flag(q.in_facility, words),
                    ]
                )
            for r in register.history(p.id):
                value = "" if r.value is None else repr(r.value)
                tables["records.csv"].append(
                    [p.id, r.code, r.date.isoformat(), r.place or "", value]
                )
    return tables


@st.composite
def written(draw: st.DrawFn) -> bytes:
    """A generated register as CSV files (in the fuzz targets' folder format), written some way."""
    register = draw(registers())
    words = draw(st.sampled_from([("true", "false"), ("ya", "tidak"), ("Yes", "NO"), ("1", "0")]))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    pad = draw(st.sampled_from(["", " ", "\t"]))
    files = {}
    for name, rows in _tables(register, words).items():
        order = draw(st.permutations(range(len(rows[0]))))
        drop = {
            k
            for k in range(len(rows[0]))
            if k >= _REQUIRED[name] and all(not r[k] for r in rows[1:]) and draw(st.booleans())
        }
        keep = [k for k in order if k not in drop]
        out = io.StringIO()
        writer = csv.writer(out, lineterminator=newline)
        for i, row in enumerate(rows):
            writer.writerow([pad + row[k] + pad if i else row[k] for k in keep])
            if i and draw(st.integers(0, 9)) == 0:
                out.write(newline if draw(st.booleans()) else "," * (len(keep) - 1) + newline)
        if name in ("pregnancies.csv", "records.csv") and len(rows) == 1 and draw(st.booleans()):
            continue  # an optional file left out
        files[name] = out.getvalue()
    return b"\n===FILE===\n".join(f"{k}\n{v}".encode() for k, v in files.items())


_WS = Workspace()
SETTINGS = settings(
    max_examples=int(os.environ.get("ILP_COLUMNS_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@SETTINGS
@given(written())
def test_the_fast_reader_reads_what_the_reference_reads(data: bytes) -> None:
    """Generated registers: the columnar reader takes them, and equals the reference."""
    folder = _WS.folder(data)
    fast = _register_columns._Reader(folder).register()  # no decline: the fast path reads it
    assert_same_columns(fast, same_register_columns(folder))


@SETTINGS
@given(written(), st.lists(st.integers(0, 2**32 - 1), min_size=1, max_size=3))
def test_broken_registers_fail_the_same_way(data: bytes, seeds: list[int]) -> None:
    """Mutated registers: equal columns, or the same error class and message from both."""
    for seed in seeds:
        data = mutate_csv(data, random.Random(seed))
    folder = _WS.folder(data)
    with contextlib.suppress(ILPError):
        same_register_columns(folder)


def test_the_columns_give_back_the_register() -> None:
    """``to_register`` and ``person``/``family`` give what read_register gives, field by field."""
    folder = _WS.folder(register_bytes(REGISTER_SEED))
    cols = read_register_columns(folder)
    register = read_register(folder)
    back = cols.to_register()
    assert [f.kk_number for f in back.families] == [f.kk_number for f in register.families]
    for got, want in zip(back.families, register.families, strict=True):
        assert attrs.asdict(got, recurse=False).keys() == attrs.asdict(want, recurse=False).keys()
        assert (got.household, got.residence, got.address) == (
            want.household,
            want.residence,
            want.address,
        )
        for a, b in zip(got.members, want.members, strict=True):
            assert a.relation is b.relation
            assert attrs.asdict(a.person, recurse=False) == attrs.asdict(b.person, recurse=False)
    for pid, records in register.histories.items():
        assert back.history(pid) == tuple(sorted(records, key=lambda r: (r.date, r.code)))
    assert_same_columns(ColumnRegister.from_register(back), cols)
    assert repr(cols) == "ColumnRegister(1 families, 3 people, 2 records)"


@pytest.mark.parametrize(
    ("name", "body", "message"),
    [
        (
            "households.csv",
            "kk_number\n3507990000000001\n3507990000000001\n",
            "the same family card number is on line 2",
        ),
        ("people.csv", "person_id,kk_number,relation,sex,birth_date\n,x,head,L,1980-01-01\n", ""),
        ("records.csv", "person_id,code,date,value\na,BCG,2016-04-01,nan\n", "finite"),
        ("records.csv", "person_id,code,date\na,BCG,1899-12-31\n", "1900"),
        ("records.csv", "person_id,code,date\nc,BCG,2016-03-02\n", "before the date of birth"),
        ("records.csv", 'person_id,code,date\n"c",BCG,2016-04-01,x\n', "cells"),
        ("people.csv", "person_id,kk_number,relation,sex,birth_date,nik\n", ""),
    ],
)
def test_each_refusal_is_the_reference_s(name: str, body: str, message: str) -> None:
    """Broken files named by issue 13 fail on the fast path with the reference's error."""
    files = dict(REGISTER_SEED)
    files[name] = body
    with pytest.raises(ILPError) as raised:
        same_register_columns(_WS.folder(register_bytes(files)))
    assert message in str(raised.value)


def test_a_folder_in_place_of_a_file_and_a_nik_are_handled(tmp_path: Path) -> None:
    """A folder named records.csv is refused; a NIK in a wrong cell never shows whole."""
    folder = _WS.folder(register_bytes(REGISTER_SEED))
    (folder / "records.csv").unlink()
    (folder / "records.csv").mkdir()
    try:
        with pytest.raises(InputFileError, match="is a directory"):
            same_register_columns(folder)
    finally:
        (folder / "records.csv").rmdir()
    files = dict(REGISTER_SEED)
    files["people.csv"] = REGISTER_SEED["people.csv"].replace(
        "hypertension;smoker", "3507121204780003"
    )
    with pytest.raises(ILPError) as raised:
        same_register_columns(_WS.folder(register_bytes(files)))
    assert "3507121204780003" not in str(raised.value)


def test_a_yaml_register_and_a_folder_without_pyarrow(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A YAML register goes through read_register; without pyarrow the reference reads a folder."""
    family = yaml.safe_load(resources.files("ilp").joinpath("data/demo/family.yaml").read_text())
    path = tmp_path / "register.yaml"
    path.write_text(yaml.safe_dump({"families": [family["family"]]}), "utf-8")
    from_yaml = read_register_columns(path)
    assert_same_columns(from_yaml, ColumnRegister.from_register(read_register(path)))
    assert len(from_yaml) == len(read_register(path).people)
    folder = _WS.folder(register_bytes(REGISTER_SEED))
    expected = read_register_columns(folder)
    real = _register_columns.importlib.import_module

    def no_pyarrow(name: str) -> object:
        if name.startswith("pyarrow"):
            raise ImportError(name)
        return real(name)

    monkeypatch.setattr(_register_columns.importlib, "import_module", no_pyarrow)
    assert_same_columns(read_register_columns(folder), expected)


def test_columns_made_by_hand_are_checked() -> None:
    """Names, ids and NIKs are checked on making; pregnancies when the person is made."""
    cols = read_register_columns(_WS.folder(register_bytes(REGISTER_SEED)))
    names = cols.names.copy()
    names[0] = "Budi 3507121204780003"
    with pytest.raises(PopulationError, match="name: holds 16 digits"):
        attrs.evolve(cols, names=names)
    niks = cols.niks.copy()
    niks[1] = ["not", "text"]
    with pytest.raises(PopulationError, match="nik: a value that is not text"):
        attrs.evolve(cols, niks=niks)
    pop = cols.population
    lmp = pop.preg_lmp.copy()
    lmp[0] = pop.birth[pop.preg_person[0]] + 400  # a pregnancy at one year of age
    young = attrs.evolve(
        cols,
        population=attrs.evolve(pop, preg_lmp=lmp, preg_edd=lmp + 280, preg_delivery=lmp + 280),
    )
    with pytest.raises(PopulationError, match="before age 10"):
        young.person(int(pop.preg_person[0]))
    with pytest.raises(PopulationError, match="2 items where 3 are expected"):
        attrs.evolve(cols, relation=cols.relation[:2])


@given(
    st.lists(
        st.tuples(st.integers(0, 5), st.integers(0, 6), st.integers(738000, 738010)), max_size=60
    ),
    st.booleans(),
)
def test_records_are_put_in_the_order_of_the_three_key_sort(
    records: list[tuple[int, int, int]], by_person: bool
) -> None:
    """By code, person and day, ties in file order: as np.lexsort, the files in any order."""
    if by_person:  # as register files usually are: each person's records together, by date
        records = sorted(records, key=lambda r: (r[1], r[2]))
    code, person, day = (np.array([r[k] for r in records], np.int64) for k in range(3))
    expected = np.lexsort((day, person, code))
    assert _register_columns._record_order(code, person, day, 6).tolist() == expected.tolist()
    assert _register_columns._record_order(code, person, day, 40000).tolist() == expected.tolist()


def test_dictionary_indices_are_read_from_their_buffer() -> None:
    """Any integer width and a slice's offset; a null (never made by the split) declines."""
    pa = pytest.importorskip("pyarrow")
    for kind in (pa.int8(), pa.int16(), pa.int32(), pa.int64()):
        array = pa.array([5, -6, 7, 8], kind).slice(1, 2)
        found = _register_split.indices(array)
        assert found.dtype == np.int64
        assert found.tolist() == [-6, 7]
    with pytest.raises(_register_split.Decline):
        _register_split.indices(pa.array([1, None], pa.int32()))


_DATE_CHARS = st.sampled_from("0123456789-0123456789 ٣x")


_EDGE_DATES = ["2024-02-29", "2023-02-29", "1899-12-31", "2200-12-31"]


def _date_cells(min_text: int, extra: str) -> st.SearchStrategy[str]:
    """Cells that are dates, near-dates (any digits in the shape) and other text."""
    return st.one_of(
        st.dates().map(lambda d: d.isoformat()),
        st.text(_DATE_CHARS, min_size=min_text, max_size=11),
        st.tuples(st.integers(0, 9999), st.integers(0, 99), st.integers(0, 99)).map(
            lambda t: f"{t[0]:04d}-{t[1]:02d}-{t[2]:02d}"
        ),
        st.sampled_from([extra, *_EDGE_DATES]),
    )


@given(st.lists(_date_cells(8, ""), max_size=40))
def test_iso_dates_are_read_at_once_exactly_as_as_date_reads_them(values: list[str]) -> None:
    """A stripped cell is read at once when, and only when, as_date reads it, to the same day."""
    values = [v.strip() for v in values]
    found, read = _register_split.iso_days(values)
    for value, day, ok in zip(values, found.tolist(), read.tolist(), strict=True):
        try:
            expected = as_date(value).toordinal()
        except ILPError:
            assert not ok, value
        else:
            assert ok, value
            assert day == expected, value


@given(
    st.lists(
        _date_cells(1, "NULL"),
        min_size=1,
        max_size=20,
    )
)
def test_a_date_column_pyarrow_reads_is_read_as_as_date_reads_it(values: list[str]) -> None:
    """When pyarrow reads every cell of a column as a date in range, as_date reads each the same."""
    pytest.importorskip("pyarrow")
    data = ("d\n" + "".join(f"{v}\n" for v in values)).encode()
    raw = _register_split.split_days(data, 1, {0})
    if raw is None:
        return  # read as text, each cell by its converter
    days = _register_split.days_of(raw[0]).tolist()
    body = [v for v in values if v.strip()]  # pyarrow skips empty lines, as csv does
    assert days == [as_date(v).toordinal() for v in body]
