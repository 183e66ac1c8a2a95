"""Saved populations and simulation results are checked before use (issue 13, item 7)."""

from __future__ import annotations

import io
import json
import warnings
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pendulum
import pytest

from ilp.errors import PopulationError
from ilp.population import History, Population, SimParams, SimResult
from ilp.population._npz import open_npz
from ilp.population.simulation._result import (
    COVERAGE_DTYPE,
    DEMAND_DTYPE,
    PARTITION_DTYPE,
    PEOPLE_DTYPE,
)


def _npy(
    array: np.ndarray[Any, Any] | None = None, *, header: dict[str, Any] | None = None
) -> bytes:
    """The bytes of a .npy member: a real array, or a header alone (with no data)."""
    buf = io.BytesIO()
    if header is None:
        np.lib.format.write_array(buf, array, allow_pickle=True)
    else:
        np.lib.format.write_array_header_1_0(buf, header)
    return buf.getvalue()


def _zip(path: Path, members: dict[str, bytes], *, compress: bool = False) -> Path:
    kind = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with zipfile.ZipFile(path, "w", kind) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def _population(n: int = 3) -> Population:
    return Population(
        ids=np.array([f"p{i}" for i in range(n)], dtype=object),
        birth=np.full(n, 738_000, dtype=np.int32),
        sex=np.zeros(n, dtype=np.int8),
    )


class TestNpzFiles:
    def test_an_empty_file_is_refused(self, tmp_path: Path) -> None:
        """Reproducer 7: an empty file is a PopulationError, not an EOFError."""
        (tmp_path / "empty.npz").write_bytes(b"")
        with pytest.raises(PopulationError, match="not a saved population"):
            Population.load(tmp_path / "empty.npz")

    def test_a_zero_dimensional_array_is_refused(self, tmp_path: Path) -> None:
        """Reproducer 7: a 0-d array is named, not a TypeError later."""
        np.savez(tmp_path / "p.npz", ilp_population_format=np.array(1))
        with pytest.raises(PopulationError, match="ilp_population_format' is a single value"):
            Population.load(tmp_path / "p.npz")

    def test_a_member_flagged_encrypted_is_refused(self, tmp_path: Path) -> None:
        """A fuzz finding: a member marked encrypted is a PopulationError, not a RuntimeError."""
        path = tmp_path / "p.npz"
        _population().save(path)
        data = bytearray(path.read_bytes())
        at = data.find(b"PK\x01\x02")  # the first central directory entry
        data[at + 8] |= 0x1  # its general purpose flags: encrypted
        path.write_bytes(bytes(data))
        with pytest.raises(PopulationError, match="is encrypted"):
            Population.load(path)

    def test_a_python_2_header_is_refused_without_a_warning(self, tmp_path: Path) -> None:
        """A header NumPy can read only by its Python 2 fallback is a PopulationError, never a warning."""
        text = b"{'descr': '<i4', 'fortran_order': False, 'shape': (3L,), }"
        text += b" " * (64 - (10 + len(text) + 1) % 64) + b"\n"
        member = b"\x93NUMPY\x01\x00" + len(text).to_bytes(2, "little") + text + bytes(12)
        path = _zip(tmp_path / "py2.npz", {"birth.npy": member})
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            with pytest.raises(PopulationError, match="written by Python 2"):
                Population.load(path)

    @pytest.mark.parametrize("compress", [False, True])
    def test_a_header_declaring_huge_arrays_is_refused_before_allocating(
        self, tmp_path: Path, compress: bool
    ) -> None:
        """Reproducer 7: a small file whose header claims 10**11 values allocates nothing."""
        header = {"descr": "<f4", "fortran_order": False, "shape": (10**11,)}
        path = _zip(tmp_path / "bomb.npz", {"birth.npy": _npy(header=header)}, compress=compress)
        assert path.stat().st_size < 1000
        with pytest.raises(PopulationError, match=r"declares shape \(100000000000,\)"):
            Population.load(path)

    def test_a_member_claiming_more_than_deflate_can_give_is_refused(self, tmp_path: Path) -> None:
        """The archive's own sizes must be possible for the bytes in the file."""
        path = _zip(tmp_path / "z.npz", {"a.npy": _npy(np.zeros(10, np.int8))})
        raw = bytearray(path.read_bytes())
        # the uncompressed size in the local and central headers: claim 4 GB - 1
        for sig in (b"PK\x03\x04", b"PK\x01\x02"):
            at = raw.index(sig)
            offset = 22 if sig == b"PK\x03\x04" else 24
            raw[at + offset : at + offset + 4] = (2**32 - 1).to_bytes(4, "little")
        path.write_bytes(bytes(raw))
        with pytest.raises(PopulationError, match="declares more bytes"):
            Population.load(path)

    def test_object_arrays_are_refused_without_unpickling(self, tmp_path: Path) -> None:
        """An array of Python objects (pickled) is never loaded."""
        members = {"ids.npy": _npy(np.array([{"a": 1}], dtype=object))}
        with pytest.raises(PopulationError, match="holds Python objects"):
            Population.load(_zip(tmp_path / "o.npz", members))

    def test_fortran_order_and_other_members_are_refused(self, tmp_path: Path) -> None:
        """Only C-ordered .npy members are ilp's."""
        fortran = np.asfortranarray(np.zeros((2, 3), np.int32))
        with pytest.raises(PopulationError, match="Fortran order"):
            Population.load(_zip(tmp_path / "f.npz", {"a.npy": _npy(fortran)}))
        with pytest.raises(PopulationError, match="is not a NumPy array"):
            Population.load(_zip(tmp_path / "t.npz", {"notes.txt": b"hello"}))
        with pytest.raises(PopulationError, match="far fewer"):
            Population.load(_zip(tmp_path / "m.npz", {f"a{i}.npy": b"" for i in range(300)}))

    @pytest.mark.parametrize(
        "data", [b"", b"\x93NUMPY\x01", b"\x93NUMPY\x03\x00" + b"x" * 20, b"not numpy at all"]
    )
    def test_broken_headers_are_refused(self, tmp_path: Path, data: bytes) -> None:
        """A member without a valid .npy header is named."""
        with pytest.raises(PopulationError, match="'birth'"):
            Population.load(_zip(tmp_path / "h.npz", {"birth.npy": data}))

    def test_a_single_npy_file_is_not_a_population(self, tmp_path: Path) -> None:
        """A bare .npy (not a zip) is refused."""
        np.save(tmp_path / "a.npy", np.arange(3))
        with pytest.raises(PopulationError, match="not a saved population"):
            Population.load(tmp_path / "a.npy")

    def test_a_missing_array_is_named(self, tmp_path: Path) -> None:
        """A population file without one of its arrays names it."""
        np.savez(tmp_path / "p.npz", ilp_population_format=np.array([1]))
        with pytest.raises(PopulationError, match="array 'ids' is missing"):
            Population.load(tmp_path / "p.npz")

    def test_a_damaged_member_is_a_population_error(self, tmp_path: Path) -> None:
        """Damaged compressed data is refused when read (CRC or inflate error)."""
        path = tmp_path / "p.npz"
        _population().save(path)
        raw = bytearray(path.read_bytes())
        at = raw.index(b"PK\x03\x04", 0) + 30 + len("ilp_population_format.npy") + 130
        raw[at : at + 4] = b"\xff\xff\xff\xff"
        path.write_bytes(bytes(raw))
        with pytest.raises(PopulationError):
            Population.load(path)

    def test_saved_files_still_load(self, tmp_path: Path) -> None:
        """Files saved by ilp load, with their arrays' shapes known up front."""
        population = _population(5)
        history = History.empty(population)
        population.save(tmp_path / "p.npz", history)
        assert len(Population.load(tmp_path / "p.npz")) == 5
        assert History.load(tmp_path / "p.npz").persons == 5
        with open_npz(tmp_path / "p.npz", "population") as data:
            assert data.shape("birth") == (5,)
            assert "birth" in data.files


START = pendulum.Date(2025, 1, 1)


def _result(**changes: Any) -> SimResult:
    demand = np.zeros(2, dtype=DEMAND_DTYPE)
    demand["month"] = [0, 1]
    demand["site"] = [0, -1]
    demand["service"] = [0, 1]
    demand["due"] = [3, 1]
    coverage = np.zeros(1, dtype=COVERAGE_DTYPE)
    people = np.zeros(2, dtype=PEOPLE_DTYPE)
    people["month"] = [0, 1]
    partitions = np.zeros(1, dtype=PARTITION_DTYPE)
    fields: dict[str, Any] = {
        "start": START,
        "months": [START, START.add(months=1)],
        "seed": 7,
        "codes": ["BCG", "HB0"],
        "code_groups": ["imunisasi", "imunisasi"],
        "groups": ["imunisasi"],
        "sites": ["pkm"],
        "site_types": ["puskesmas"],
        "site_puskesmas": [0],
        "desas": ["d1"],
        "demand": demand,
        "coverage": coverage,
        "people": people,
        "partitions": partitions,
        "params": SimParams(),
    }
    fields.update(changes)
    return SimResult(**fields)


def _resave(path: Path, **arrays: np.ndarray[Any, Any]) -> Path:
    """*path* with some arrays replaced (or added)."""
    with np.load(path, allow_pickle=False) as data:
        content = {k: data[k] for k in data.files}
    content.update(arrays)
    np.savez(path, **content)
    return path


class TestSimResultLoad:
    @pytest.fixture
    def saved(self, tmp_path: Path) -> Path:
        path = tmp_path / "run.npz"
        _result().save(path)
        return path

    def test_a_saved_result_round_trips(self, saved: Path) -> None:
        """What save wrote, load reads back the same."""
        assert SimResult.load(saved).same_as(_result())

    @pytest.mark.parametrize(
        ("name", "array", "expected"),
        [
            ("params", np.array([], dtype=str), "'params' holds 0 values where 1"),
            ("start", np.array([], dtype=str), "'start' holds 0 values where 1"),
            ("seed", np.array([], dtype=np.int64), "'seed' is not one whole number"),
            ("seed", np.array([-1]), "'seed' is not one whole number"),
            ("start", np.array(["9999-12-31"]), "outside the supported dates"),
            ("months", np.array(["2025-01-01", "2025-03-01"]), "months from the start"),
            ("months", np.array([], dtype=str), "holds 0 months"),
            ("codes", np.array(["BCG"]), "'code_groups' holds 2 names where 1"),
            ("codes", np.array([1, 2]), "'codes' is not a one-dimensional array of text"),
            ("site_types", np.array(["rumah"]), "'site_types' holds 'rumah'"),
            ("code_groups", np.array(["x", "y"]), "'code_groups' holds 'x', not in groups"),
            ("site_puskesmas", np.array([3], np.int32), "'site_puskesmas' holds 3"),
            ("site_puskesmas", np.array([0.5]), "'site_puskesmas' is not 1 whole numbers"),
            ("demand", np.zeros((2, 2), DEMAND_DTYPE), "'demand' is not a one-dimensional table"),
            ("demand", np.zeros(2, PEOPLE_DTYPE), "'demand' is not a one-dimensional table"),
            ("people", np.zeros(5, PEOPLE_DTYPE), "'people' does not hold one row per month"),
            ("params", np.array(["[1]"]), "'params' is not a JSON object"),
            ("params", np.array(['{"a": 1, "a": 2}']), "'params' gives 'a' twice"),
            ("params", np.array(['{"nope": 1}']), "'params' holds parameters ilp refuses"),
            ("params", np.array(['{"dropout": 2.0}']), "'params' holds parameters ilp refuses"),
            ("params", np.array(["{"]), "invalid JSON"),
        ],
    )
    def test_inconsistent_results_are_refused_naming_the_array(
        self, saved: Path, name: str, array: np.ndarray[Any, Any], expected: str
    ) -> None:
        """Reproducer 7: empty params/start/seed, a wrong demand, 1-entry codes are refused."""
        _resave(saved, **{name: array})
        with pytest.raises(PopulationError, match=expected.replace("(", r"\(").replace(")", r"\)")):
            SimResult.load(saved)

    @pytest.mark.parametrize(
        ("column", "value", "expected"),
        [
            ("month", 2, "'demand' holds 2, outside 0 to 1"),
            ("site", -2, "'demand' holds -2, outside -1 to 0"),
            ("service", 5, "'demand' holds 5, outside 0 to 1"),
            ("due", -1, "'demand' holds -1"),
            ("minutes", np.nan, "minutes that are negative or not finite"),
        ],
    )
    def test_indices_out_of_range_are_refused(
        self, saved: Path, column: str, value: float, expected: str
    ) -> None:
        """Every index of the demand table points into its names."""
        demand = _result().demand.copy()
        demand[column][0] = value
        _resave(saved, demand=demand)
        with pytest.raises(PopulationError, match=expected):
            SimResult.load(saved)

    def test_coverage_and_partitions_point_into_their_names(self, saved: Path) -> None:
        """A desa or Puskesmas index outside its list is refused."""
        coverage = np.zeros(1, COVERAGE_DTYPE)
        coverage["desa"] = 4
        _resave(saved, coverage=coverage)
        with pytest.raises(PopulationError, match="'coverage' holds 4"):
            SimResult.load(saved)
        _resave(
            saved, coverage=np.zeros(1, COVERAGE_DTYPE), partitions=np.full(1, -1, PARTITION_DTYPE)
        )
        with pytest.raises(PopulationError, match="'partitions' holds -1"):
            SimResult.load(saved)

    def test_a_long_params_text_is_refused(self, saved: Path) -> None:
        """Parameters longer than their limit are refused unparsed."""
        _resave(saved, params=np.array([json.dumps({"x": "y" * 1_100_000})]))
        with pytest.raises(PopulationError, match="longer than the limit"):
            SimResult.load(saved)


def test_an_unknown_compression_method_is_a_population_error(tmp_path: Path) -> None:
    """Found by fuzzing: a member whose compression method zipfile lacks is refused."""
    path = _zip(tmp_path / "c.npz", {"birth.npy": _npy(np.arange(3))})
    raw = bytearray(path.read_bytes())
    raw[8] = 99  # the local header's compression method
    raw[raw.index(b"PK\x01\x02") + 10] = 99  # and the central directory's
    path.write_bytes(bytes(raw))
    with pytest.raises(PopulationError, match="compression method"):
        Population.load(path)
