"""The one reading path for YAML and JSON: bounds, safety, line numbers (issue 13, items 1-4)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from ilp import _yaml
from ilp._reader import show
from ilp._yaml import (
    MAX_ALIAS_VALUES,
    MAX_DEPTH,
    SIZE_LIMITS,
    Map,
    check_bounds,
    load_file,
    read_json,
    read_text,
    read_yaml,
)
from ilp.errors import CatalogueError, ILPError, InputFileError, PopulationError

NIK = "3507121204780003"

#: The 451-byte "billion laughs" of the issue: nine levels of ten aliases.
BILLION_LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{c}: &{c} [{', '.join([f'*{p}'] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True)
)


def _read(text: str) -> Any:
    return read_yaml(text, origin="f.yaml", error=InputFileError)


def _json(text: str) -> Any:
    return read_json(text, origin="f.json", error=InputFileError)


@pytest.fixture(params=["c", "python"])
def loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every YAML test runs on libyaml's C parser and on PyYAML's pure-Python one."""
    if request.param == "python":
        monkeypatch.setattr(_yaml, "_SAFE_LOADER", yaml.SafeLoader)
    return str(request.param)


class TestYaml:
    def test_the_c_parser_is_used_where_installed(self) -> None:
        """With libyaml installed, YAML is read by the C safe loader."""
        if yaml.__with_libyaml__:
            assert _yaml._SAFE_LOADER is yaml.CSafeLoader
        else:  # pragma: no cover - every CI machine has libyaml
            assert _yaml._SAFE_LOADER is yaml.SafeLoader

    def test_mappings_remember_their_lines(self, loader: str) -> None:
        """Each mapping knows its own line and the line of each key."""
        data = _read("a: 1\nb:\n  c: [1, 2]\n  d: x\n")
        assert isinstance(data, Map)
        assert (data.line, data.lines) == (1, {"a": 1, "b": 2})
        assert data["b"].lines == {"c": 3, "d": 4}
        assert data["b"]["c"] == [1, 2]

    def test_scalars_are_typed_and_dates_stay_text(self, loader: str) -> None:
        """Numbers, booleans and null are typed; dates stay text for as_date to read."""
        data = _read("i: 0x10\nf: 1.5\nb: true\nn: null\nd: 2024-02-30\ns: !!str 12\n")
        assert data == {"i": 16, "f": 1.5, "b": True, "n": None, "d": "2024-02-30", "s": "12"}

    def test_an_empty_document_is_none(self, loader: str) -> None:
        """An empty file reads as None (the loaders then say what they expected)."""
        assert _read("") is None
        assert _read("# only a comment\n") is None

    def test_duplicate_keys_are_recorded_with_their_line(self, loader: str) -> None:
        """A key given twice is kept last and listed in ``duplicates``."""
        data = _read("a: 1\nb: 2\na: 3\n")
        assert data["a"] == 3
        assert data.duplicates == [("a", 3)]

    def test_merge_keys_fill_missing_keys_only(self, loader: str) -> None:
        """``<<: *base`` merges keys the mapping does not give itself."""
        data = _read("base: &b {x: 1, y: 2}\nuse:\n  <<: *b\n  y: 3\nlist: [<<]\n")
        assert data["use"] == {"x": 1, "y": 3}
        assert data["list"] == ["<<"]

    def test_a_merge_of_a_non_mapping_is_refused(self, loader: str) -> None:
        """``<<`` takes mappings only."""
        with pytest.raises(InputFileError, match="merge"):
            _read("a:\n  <<: 5\n")

    def test_an_unhashable_key_is_refused_with_its_line(self, loader: str) -> None:
        """Reproducer 1: ``? [a]`` as a key is an error naming the line, not a TypeError."""
        with pytest.raises(InputFileError, match=r"f\.yaml:1: a key must be plain text") as info:
            _read("? [a]\n: 1\n")
        assert info.value.line == 1

    def test_a_mapping_alias_as_key_is_refused(self, loader: str) -> None:
        """An alias to a mapping cannot be a key either."""
        with pytest.raises(InputFileError, match="a key must be plain text"):
            _read("a: &m {x: 1}\n*m : 2\n")

    @pytest.mark.parametrize(
        "text",
        ["!!python/object/apply:os.system [echo hi]", "a: !!python/name:os.system ''", "!!set {a}"],
    )
    def test_unsafe_and_unknown_tags_are_refused(self, loader: str, text: str) -> None:
        """No ``!!python/...`` tag constructs anything; other unknown tags are refused too."""
        with pytest.raises(InputFileError, match="unsafe or unknown tag refused"):
            _read(text)

    def test_a_wrong_explicit_type_is_refused(self, loader: str) -> None:
        """``!!int abc`` names the value and the type."""
        with pytest.raises(InputFileError, match="'abc' is not a valid int"):
            _read("a: !!int abc\n")

    def test_integers_over_the_length_bound_are_refused(self, loader: str) -> None:
        """Reproducer 2: a 4,301-digit number is refused, not a ValueError."""
        with pytest.raises(InputFileError, match="more than 40 characters") as info:
            _read("a: " + "9" * 4301 + "\n")
        assert len(str(info.value)) < 200

    @pytest.mark.parametrize("text", [".nan", ".inf", "-.inf", "1.0e+999"])
    def test_nan_and_infinity_are_refused(self, loader: str, text: str) -> None:
        """Reproducer 9: NaN and infinity are no values ilp accepts."""
        with pytest.raises(InputFileError, match="NaN and infinity"):
            _read(f"value: {text}\n")

    def test_deep_nesting_is_refused_without_recursion_error(self, loader: str) -> None:
        """Reproducer 2: 5,000 nested ``[`` is an error naming the depth bound."""
        with pytest.raises(InputFileError, match=f"deeper than {MAX_DEPTH}"):
            _read("[" * 5000)

    def test_nesting_through_an_alias_counts(self, loader: str) -> None:
        """An alias placed deep adds its own depth to where it is placed."""
        deep = "[" * 40 + "1" + "]" * 40
        with pytest.raises(InputFileError, match=f"deeper than {MAX_DEPTH}"):
            _read(f"a: &d {deep}\nb: {'[' * 30}*d{']' * 30}\n")

    def test_a_billion_laughs_is_refused_quickly_and_shortly(self, loader: str) -> None:
        """Reproducer 3: the 451-byte alias bomb is refused, its message short."""
        assert len(BILLION_LAUGHS) < 500
        with pytest.raises(InputFileError, match=f"more than {MAX_ALIAS_VALUES:,} values") as info:
            _read(BILLION_LAUGHS)
        assert len(str(info.value)) < 200
        assert "lol" not in str(info.value)

    def test_small_aliases_are_fine(self, loader: str) -> None:
        """Aliases within the bound read as the values they name."""
        assert _read("a: &x [1, 2]\nb: *x\n") == {"a": [1, 2], "b": [1, 2]}

    @pytest.mark.parametrize("text", ["a: *nope\n", "a: &r [*r]\n"])
    def test_an_alias_to_nothing_defined_is_refused(self, loader: str, text: str) -> None:
        """An undefined or self-referring alias is an error (no recursive structures)."""
        with pytest.raises(InputFileError, match=r"alias|undefined"):
            _read(text)

    def test_more_than_one_document_is_refused(self, loader: str) -> None:
        """A file holds one document."""
        with pytest.raises(InputFileError, match="more than one document"):
            _read("a: 1\n---\nb: 2\n")

    def test_syntax_errors_name_the_line(self, loader: str) -> None:
        """A syntax error gives the file and line."""
        with pytest.raises(InputFileError, match="invalid YAML") as info:
            _read("a: 1\nb: [\n")
        assert info.value.path == "f.yaml"
        assert info.value.line is not None

    def test_control_characters_are_refused(self, loader: str) -> None:
        """Characters YAML does not allow are an InputFileError."""
        with pytest.raises(InputFileError, match="invalid YAML"):
            _read("a: \x00\n")

    def test_a_lone_surrogate_is_refused(self) -> None:
        """Text that cannot be encoded as UTF-8 is an error, not a UnicodeEncodeError."""
        with pytest.raises(InputFileError, match="UTF-8"):
            _read("a: \ud800\n")

    def test_a_nik_in_a_message_is_masked(self, loader: str) -> None:
        """Reproducer 8: a 16-digit run never appears in a message."""
        with pytest.raises(InputFileError) as info:
            _read(f"a: !!int x{NIK}\n")
        assert NIK not in str(info.value)
        assert "****************" in str(info.value)

    def test_errors_without_a_location_still_carry_it(self) -> None:
        """An error type without path/line gets them in its message."""
        with pytest.raises(PopulationError, match=r"^p\.yaml:1: a key must be plain"):
            read_yaml("? [a]\n: 1\n", origin="p.yaml", error=PopulationError)

    def test_the_default_error_is_a_catalogue_error(self) -> None:
        """Catalogue code reads with CatalogueError unless told otherwise."""
        with pytest.raises(CatalogueError):
            read_yaml("[", origin="c.yaml")


class TestJson:
    def test_objects_become_maps_without_lines(self) -> None:
        """JSON objects are Map objects, with duplicates recorded and no lines."""
        data = _json('{"a": {"b": [1, 2.5, true, null]}, "a2": 1, "a2": 2}')
        assert isinstance(data, Map)
        assert isinstance(data["a"], Map)
        assert data["a"]["b"] == [1, 2.5, True, None]
        assert data.duplicates == [("a2", None)]
        assert data.line is None
        assert data.line_of("a") is None

    def test_integers_over_the_length_bound_are_refused(self) -> None:
        """Reproducer 2: a 4,301-digit JSON number is refused."""
        with pytest.raises(InputFileError, match="more than 40 characters"):
            _json('{"a": ' + "9" * 4301 + "}")
        with pytest.raises(InputFileError, match="more than 40 characters"):
            _json("1." + "0" * 100)

    @pytest.mark.parametrize("text", ["NaN", "Infinity", "-Infinity", "1e999"])
    def test_nan_and_infinity_are_refused(self, text: str) -> None:
        """NaN and infinity are refused in JSON too."""
        with pytest.raises(InputFileError, match="NaN and infinity"):
            _json(f'{{"value": {text}}}')

    @pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 100_000])
    def test_deep_nesting_is_refused(self, depth: int) -> None:
        """Reproducer 2: 100,000 nested ``[`` is an error, not a RecursionError."""
        with pytest.raises(InputFileError, match=f"deeper than {MAX_DEPTH}"):
            _json("[" * depth + "]" * depth)

    def test_syntax_errors_name_the_line(self) -> None:
        """A JSON syntax error gives the line."""
        with pytest.raises(InputFileError, match="invalid JSON") as info:
            _json('{\n"a": }')
        assert info.value.line == 2


class TestCheckBounds:
    """Values parsed elsewhere (a streamed FHIR entry) are held to the bounds of read_json."""

    def test_values_within_bounds_pass(self) -> None:
        """Nesting up to the limit, 40-digit numbers, booleans and text are fine."""
        nested: Any = 1
        for _ in range(MAX_DEPTH):
            nested = [nested]
        assert check_bounds(nested) is None
        assert check_bounds({"a": [10**39, -(10**39), True, 1.5, "x" * 5000]}) is None

    @pytest.mark.parametrize(
        ("value", "problem"),
        [
            ({"a": 10**40}, "more than 40 characters"),
            ([-(10**45)], "more than 40 characters"),
            ({"a": float("nan")}, "NaN and infinity"),
            ([float("-inf")], "NaN and infinity"),
            ([[[1]]], "deeper than 2"),
        ],
    )
    def test_values_out_of_bounds_are_named(self, value: Any, problem: str) -> None:
        """Each bound broken is named; the check does not recurse."""
        found = check_bounds(value, most_depth=2 if problem.startswith("deeper") else MAX_DEPTH)
        assert found is not None
        assert problem in found

    def test_a_very_deep_value_is_checked_without_recursion(self) -> None:
        """100,000 levels are reported, not a RecursionError."""
        nested: Any = []
        for _ in range(100_000):
            nested = [nested]
        assert check_bounds(nested) == f"lists and mappings nested deeper than {MAX_DEPTH} levels"


class TestFiles:
    def test_a_file_over_the_limit_is_refused_unread(self, tmp_path: Path) -> None:
        """Reproducer 4: a 100 MB person file is refused at once, the limit named."""
        big = tmp_path / "person.yaml"
        with big.open("wb") as fh:
            fh.truncate(100 * 1024 * 1024)
        with pytest.raises(
            InputFileError, match=r"is 100\.0 MB; the limit for a person file is 1 MB"
        ):
            load_file(big, kind="person file", error=InputFileError)

    def test_every_kind_has_a_limit(self) -> None:
        """The limits are whole megabytes, and person files are the smallest."""
        assert all(v % (1024 * 1024) == 0 and v > 0 for v in SIZE_LIMITS.values())
        assert SIZE_LIMITS["person file"] == min(SIZE_LIMITS.values())

    def test_a_device_that_never_ends_is_cut_at_the_limit(self) -> None:
        """A file whose size is not known in advance is read up to the limit only."""
        if not Path("/dev/zero").exists():  # pragma: no cover - every CI machine has it
            pytest.skip("no /dev/zero")
        with pytest.raises(InputFileError, match="larger than that"):
            read_text("/dev/zero", kind="person file", error=InputFileError)

    def test_json_or_yaml_by_name(self, tmp_path: Path) -> None:
        """A ``.json`` name is read as JSON, anything else as YAML."""
        (tmp_path / "a.json").write_text(json.dumps({"a": 1}), "utf-8")
        (tmp_path / "a.yaml").write_text("a: 1\n", "utf-8")
        assert load_file(tmp_path / "a.json", kind="network", error=InputFileError) == {"a": 1}
        assert load_file(tmp_path / "a.yaml", kind="network", error=InputFileError) == {"a": 1}

    @pytest.mark.parametrize(
        ("name", "content", "expected"),
        [
            ("missing.yaml", None, "no such file"),
            ("folder", "dir", "is a directory"),
            ("latin.yaml", b"a: 1\nb: caf\xe9\n", r"latin\.yaml:2: is not UTF-8"),
        ],
    )
    def test_unreadable_files_are_input_errors(
        self, tmp_path: Path, name: str, content: bytes | str | None, expected: str
    ) -> None:
        """A missing file, a folder and non-UTF-8 bytes are errors naming the path."""
        path = tmp_path / name
        if content == "dir":
            path.mkdir()
        elif isinstance(content, bytes):
            path.write_bytes(content)
        with pytest.raises(InputFileError, match=expected):
            read_text(path, kind="person file", error=InputFileError)

    def test_an_unreadable_file_names_the_reason(self, tmp_path: Path) -> None:
        """Another OS error names what went wrong."""
        link = tmp_path / "loop.yaml"
        link.symlink_to(link)
        with pytest.raises(InputFileError, match="cannot read"):
            read_text(link, kind="person file", error=InputFileError)


class TestShow:
    @pytest.mark.parametrize(
        ("value", "shown"),
        [
            ({"a": 1}, "a mapping"),
            ([1, 2], "[1, 2]"),
            (list(range(50)), "a list of 50"),
            ([{"a": 1}], "a list of 1"),
            (10**200, "a very large number"),
            ("x" * 500, "'" + "x" * 56 + "..."),
            (NIK, "'****************'"),
            ([NIK], "['****************']"),
        ],
    )
    def test_values_are_shown_short_and_masked(self, value: object, shown: str) -> None:
        """Messages quote a short, masked rendering, never an unbounded value."""
        assert show(value) == shown


def test_every_error_of_the_reader_is_an_ilp_error() -> None:
    """All reader errors share the root, so callers catch one class."""
    for text in ("? [a]\n: 1\n", "[" * 100, BILLION_LAUGHS, "a: .nan"):
        with pytest.raises(ILPError):
            _read(text)


_REIMPORTED = """
import sys
import yaml
for name in [m for m in sys.modules if m == "yaml" or m.startswith("yaml.")]:
    del sys.modules[name]
from ilp._yaml import read_yaml
from ilp.errors import CatalogueError
assert read_yaml("a: [1, {b: c}]\\n", origin="x") == {"a": [1, {"b": "c"}]}
try:
    read_yaml("a: [\\n", origin="x")
except CatalogueError as exc:
    assert "x:" in str(exc), exc
else:
    raise AssertionError("no error")
print("ok")
"""


def test_yaml_imported_again_still_reads() -> None:
    """After `yaml` is imported a second time (a reload, some coverage set-ups) files still parse and errors stay ILPErrors."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", _REIMPORTED], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
