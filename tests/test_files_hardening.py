"""Every field of a person, family or register file is checked at the edge (issue 13, items 6, 8, 9; issue 14, items 4-5)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ilp import InputFileError, read_family_file, read_person_file, read_register
from ilp.errors import ILPError
from ilp.people import Member

NIK = "3507121204780003"
HOUSEHOLDS = "kk_number,address,residence,jkn\n3507990000000001,Jl. Mawar 1,dusun-a,ya\n"
PEOPLE = (
    "person_id,kk_number,relation,sex,birth_date\n"
    "a,3507990000000001,head,L,1980-01-01\n"
    "b,3507990000000001,spouse,P,1985-02-02\n"
)
RECORDS = "person_id,code,date,value\na,BCG,1980-02-01,\n"


def _folder(tmp_path: Path, **files: str) -> Path:
    contents = {"households.csv": HOUSEHOLDS, "people.csv": PEOPLE, "records.csv": RECORDS}
    contents.update({k.replace("_csv", ".csv"): v for k, v in files.items()})
    for name, text in contents.items():
        (tmp_path / name).write_text(text, "utf-8")
    return tmp_path


def _person_file(tmp_path: Path, text: str, name: str = "p.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


class TestCsvRegisterRows:
    @pytest.mark.parametrize(
        ("people", "expected"),
        [
            (PEOPLE + "c,,child,P,2016-03-03\n", "people.csv:4: kk_number: an empty cell"),
            (PEOPLE + "c,3507990000000001,child\n", "people.csv:4: birth_date: an empty cell"),
            (PEOPLE + "c,3507990000000001,child,P,2016-03-03,x\n", "people.csv:4: 6 cells where"),
            (PEOPLE.replace("a,", "a ,") + "\n\n", None),
            (PEOPLE + "c,3507990000000001,child,P,2016-03-03\n" * 2, "appears twice"),
            ("person_id,person_id,kk_number,relation,sex,birth_date\n", "named twice"),
            ("", "missing column"),
            (PEOPLE + "c,3507990000000001,child,P,2016-03-03\x00\n", "is not a date"),
        ],
    )
    def test_short_long_and_empty_rows_are_named(
        self, tmp_path: Path, people: str, expected: str | None
    ) -> None:
        """Reproducer 6: an empty required cell, a short row or an extra field names file and line."""
        folder = _folder(tmp_path, people_csv=people)
        if expected is None:
            assert len(read_register(folder).people) == 2
            return
        with pytest.raises(InputFileError, match=expected):
            read_register(folder)

    def test_a_duplicate_family_card_number_is_refused(self, tmp_path: Path) -> None:
        """Reproducer 6: two households with one kk_number are refused, not merged."""
        households = HOUSEHOLDS + "3507990000000001,Jl. Melati 2,dusun-b,tidak\n"
        with pytest.raises(
            InputFileError, match=r"households.csv:3: kk_number: the same .* line 2"
        ):
            read_register(_folder(tmp_path, households_csv=households))

    def test_a_csv_path_that_is_a_folder_is_refused(self, tmp_path: Path) -> None:
        """Reproducer 6: a folder where records.csv should be is an InputFileError."""
        folder = _folder(tmp_path)
        (folder / "records.csv").unlink()
        (folder / "records.csv").mkdir()
        with pytest.raises(InputFileError, match=r"records\.csv: is a directory"):
            read_register(folder)

    @pytest.mark.parametrize(
        ("records", "expected"),
        [
            ("person_id,code,date,value\na,BCG,1980-02-01,nan\n", "NaN and infinity"),
            ("person_id,code,date,value\na,BCG,1980-02-01,inf\n", "NaN and infinity"),
            ("person_id,code,date,value\na,BCG,1980-02-01," + "9" * 5000 + "\n", "more than 40"),
        ],
    )
    def test_values_that_are_not_finite_numbers_are_refused(
        self, tmp_path: Path, records: str, expected: str
    ) -> None:
        """Reproducer 9: NaN, infinity and endless digits are no measured values."""
        with pytest.raises(InputFileError, match=expected):
            read_register(_folder(tmp_path, records_csv=records))

    @pytest.mark.parametrize("cell", ["\uff13", "9" * 5000, "3.5"])
    def test_whole_number_cells_take_ascii_digits_only(self, tmp_path: Path, cell: str) -> None:
        """A school grade in full-width or endless digits is refused, quoted short."""
        people = "person_id,kk_number,relation,sex,birth_date,school_grade\n"
        people += f"a,3507990000000001,head,L,2015-01-01,{cell}\n"
        with pytest.raises(InputFileError, match="is not a whole number") as info:
            read_register(_folder(tmp_path, people_csv=people))
        assert len(str(info.value)) < 300

    def test_a_nik_in_the_wrong_column_is_masked(self, tmp_path: Path) -> None:
        """Reproducer 8: a NIK typed as the birth date is refused without showing it."""
        people = PEOPLE.replace("1980-01-01", NIK)
        with pytest.raises(InputFileError) as info:
            read_register(_folder(tmp_path, people_csv=people))
        assert NIK not in str(info.value)
        assert NIK not in repr(info.value.value)

    def test_a_huge_csv_file_is_refused_unread(self, tmp_path: Path) -> None:
        """A CSV file over its limit is refused before it is read."""
        folder = _folder(tmp_path)
        with (folder / "records.csv").open("r+b") as fh:
            fh.truncate(600 * 1024 * 1024)
        with pytest.raises(InputFileError, match="limit for a register CSV file is 512 MB"):
            read_register(folder)


PERSON = 'person:\n  id: x\n  sex: F\n  birth_date: "2015-01-10"\n'


class TestPersonFileLines:
    @pytest.mark.parametrize(
        ("extra", "expected"),
        [
            (
                "  school: 5\n",
                r"p\.yaml:5: person: unknown field 'school' \(known: birth_date.*school_grade, school_year",
            ),
            ("  nik: 3507121204780003\n", r"p\.yaml:5: person: nik: .* must be quoted"),
            (
                "  name: x\n  death_date: 2010-01-01\n",
                r"p\.yaml:6: person: death_date: .* is before",
            ),
            (
                "  pregnancies:\n    - {lmp: 2099-01-01, edd: 2099-01-02}\n",
                r"p\.yaml:6: person: edd",
            ),
        ],
    )
    def test_errors_name_the_line_of_the_key(
        self, tmp_path: Path, extra: str, expected: str
    ) -> None:
        """Issue 14 items 4-5: person-file errors carry the line, hints list documented keys."""
        with pytest.raises(InputFileError, match=expected):
            read_person_file(_person_file(tmp_path, PERSON + extra))

    def test_history_errors_name_the_line_of_the_record(self, tmp_path: Path) -> None:
        """A bad record names its own line."""
        text = (
            PERSON
            + "history:\n  - {code: BCG, date: 2015-02-01}\n  - {code: bcg, date: 2015-02-01}\n"
        )
        with pytest.raises(InputFileError, match=r"p\.yaml:7: history\[1\]: code: 'bcg'"):
            read_person_file(_person_file(tmp_path, text))

    def test_a_key_given_twice_is_refused(self, tmp_path: Path) -> None:
        """A person key given twice is an error, not last-one-wins."""
        with pytest.raises(InputFileError, match=r"p\.yaml:5: person: key 'sex' given twice"):
            read_person_file(_person_file(tmp_path, PERSON + "  sex: M\n"))


class TestStrictValues:
    @pytest.mark.parametrize(
        ("extra", "expected"),
        [
            ("  name: [a, b]\n", "name: expected non-empty text, got a list"),
            ("  name: 12\n", "name: expected non-empty text, got the number 12"),
            ("  name: '3507121204780003'\n", "name: holds 16 digits in a row, like a NIK"),
            ("  residence: {a: 1}\n", "residence: expected non-empty text, got a Map"),
            (
                "  ever_sexually_active: 'false'\n",
                "expected true or false .unquoted., got text 'false'",
            ),
            ("  ever_sexually_active: maybe\n", "got text 'maybe'"),
            ("  ever_sexually_active: 0\n", "got the number 0"),
            ("  conditions: 5\n", "conditions: expected a list"),
            ("  school_grade: 3\n  school_year: 99999\n", "school_year: 99999 is not a year"),
        ],
    )
    def test_values_of_the_wrong_type_are_refused(
        self, tmp_path: Path, extra: str, expected: str
    ) -> None:
        """Reproducer 9: strings where strings are meant, booleans strictly."""
        with pytest.raises(InputFileError, match=expected):
            read_person_file(_person_file(tmp_path, PERSON + extra))

    @pytest.mark.parametrize(
        ("record", "expected"),
        [
            ("{code: BCG, date: 2015-02-01, place: [x]}", "place: expected non-empty text"),
            ("{code: BCG, date: 2015-02-01, provider: 3}", "provider: expected non-empty text"),
            ("{code: BCG, date: 2015-02-01, result: true}", "result: expected non-empty text"),
            ("{code: BCG, date: 2015-02-01, value: .nan}", "NaN and infinity"),
        ],
    )
    def test_record_fields_are_typed(self, tmp_path: Path, record: str, expected: str) -> None:
        """Reproducer 9: place, provider and result are text; value a finite number."""
        with pytest.raises(InputFileError, match=expected):
            read_person_file(_person_file(tmp_path, PERSON + f"history:\n  - {record}\n"))

    @pytest.mark.parametrize("ident", ["yes", "true", "[a]", "{a: 1}", "''"])
    def test_an_id_that_is_not_text_is_refused(self, tmp_path: Path, ident: str) -> None:
        """Reproducer 9: ``id: yes`` is a boolean and refused, not the id 'True'."""
        text = PERSON.replace("id: x", f"id: {ident}")
        with pytest.raises(InputFileError, match="id: expected a non-empty text id"):
            read_person_file(_person_file(tmp_path, text))

    def test_a_number_id_is_text(self, tmp_path: Path) -> None:
        """A whole-number id is read as its digits (as before)."""
        text = PERSON.replace("id: x", "id: 12")
        assert read_person_file(_person_file(tmp_path, text)).person.id == "12"

    @pytest.mark.parametrize(
        ("region", "expected"),
        [
            ("{nik: '3507121204780003'}", "region.nik: expected true or false"),
            ("{je_endemic: 'true'}", "region.je_endemic: expected true or false"),
            ("{ages: [1]}", "region.ages: expected a mapping"),
            ("{1: true}", "region: a key must be text"),
            ("[je_endemic]", "region: expected a mapping"),
            ("{ages: {JE: 99999y}}", "longer than 200 years"),
        ],
    )
    def test_region_values_are_checked(self, tmp_path: Path, region: str, expected: str) -> None:
        """Reproducer 8: ``region: {nik: ...}`` is refused without showing the NIK."""
        with pytest.raises(InputFileError, match=expected) as info:
            read_person_file(_person_file(tmp_path, PERSON + f"region: {region}\n"))
        assert NIK not in str(info.value)

    @pytest.mark.parametrize("key", ["birth_date", "sex"])
    def test_a_misplaced_nik_is_never_printed(self, tmp_path: Path, key: str) -> None:
        """Reproducer 8: a NIK under birth_date or sex is masked; .value holds no mapping."""
        lines = {"id": "x", "sex": "F", "birth_date": '"2015-01-10"', key: f"'{NIK}'"}
        text = "person:\n" + "".join(f"  {k}: {v}\n" for k, v in lines.items())
        with pytest.raises(InputFileError) as info:
            read_person_file(_person_file(tmp_path, text))
        assert NIK not in str(info.value)
        assert NIK not in repr(info.value.value)
        assert not isinstance(info.value.value, dict)

    def test_a_nik_as_id_is_never_printed(self, tmp_path: Path) -> None:
        """Reproducer 8: a NIK used as the id is masked in every message about that person."""
        text = PERSON.replace("id: x", f"id: '{NIK}'") + "  sex: M\n"
        with pytest.raises(InputFileError) as info:
            read_person_file(_person_file(tmp_path, text))
        assert NIK not in str(info.value)
        text = PERSON.replace("id: x", f"id: '{NIK}'") + "  death_date: 2010-01-01\n"
        with pytest.raises(InputFileError) as info:
            read_person_file(_person_file(tmp_path, text))
        assert NIK not in str(info.value)

    def test_json_person_files_are_checked_the_same(self, tmp_path: Path) -> None:
        """JSON files go through the same checks (without line numbers)."""
        data = {"person": {"id": "x", "sex": "F", "birth_date": "2015-01-10", "name": NIK}}
        path = _person_file(tmp_path, json.dumps(data), "p.json")
        with pytest.raises(InputFileError, match=r"p\.json: person: name: holds 16 digits"):
            read_person_file(path)


FAMILY = """\
family:
  kk_number: '3507990000000001'
  members:
    - relation: head
      person: {id: a, sex: L, birth_date: 1980-01-01}
"""


class TestFamilyFiles:
    @pytest.mark.parametrize(
        ("old", "new", "expected"),
        [
            (
                "'3507990000000001'",
                "3507990000000001",
                r"f\.yaml:2: family: kk_number: .* must be quoted",
            ),
            ("  members:", "  household: {jkn: 'yes'}\n  members:", "jkn: expected true or false"),
            ("  members:", "  household: {pets: true}\n  members:", "unknown key 'pets'"),
            ("  members:", "  household: [1]\n  members:", "household: expected a mapping"),
            ("  members:", "  address: '3507121204780003'\n  members:", "address: holds 16 digits"),
            ("relation: head", "relation: [head]", "relation: \\['head'\\] is not one of"),
            ("family:", "as_of: 9999-12-31\nfamily:", "as_of: '9999-12-31' is outside"),
        ],
    )
    def test_family_values_are_checked(
        self, tmp_path: Path, old: str, new: str, expected: str
    ) -> None:
        """Reproducer 9: kk_number as a YAML integer must be quoted; household facts are booleans."""
        path = _person_file(tmp_path, FAMILY.replace(old, new), "f.yaml")
        with pytest.raises(InputFileError, match=expected):
            read_family_file(path)

    def test_as_of_is_read_as_a_date(self, tmp_path: Path) -> None:
        """``as_of`` comes back as an ISO date."""
        path = _person_file(tmp_path, "as_of: 2025-01-01\n" + FAMILY, "f.yaml")
        assert read_family_file(path).as_of == "2025-01-01"

    def test_a_member_that_is_not_a_person_is_refused_quietly(self) -> None:
        """Reproducer 8: Member({"nik": ...}, "head") is an ILPError that does not quote it."""
        with pytest.raises(ILPError, match="person: expected a Person, got dict") as info:
            Member({"nik": NIK}, "head")  # type: ignore[arg-type]
        assert NIK not in str(info.value)
        assert info.value.value is None

    def test_a_register_file_with_one_card_twice_is_refused(self, tmp_path: Path) -> None:
        """Reproducer 6 for YAML registers: one family card number twice is refused."""
        family = (
            FAMILY.split("\n", 1)[1]
            .replace("\n  ", "\n    ")
            .replace("  kk_number", "  - kk_number", 1)
        )
        text = "families:\n" + family + family.replace("id: a", "id: b")
        path = _person_file(tmp_path, text, "r.yaml")
        with pytest.raises(InputFileError, match="family card number given twice"):
            read_register(path)
