"""Reading person, family and register files: good shapes load, every bad one is an InputFileError."""

from __future__ import annotations

from pathlib import Path

import pytest

from ilp import InputFileError, read_family_file, read_person_file, read_register

HOUSEHOLDS = "kk_number,address,residence,jkn\n3507990000000001,Jl. Mawar 1,dusun-a,ya\n"
PEOPLE = (
    "person_id,kk_number,relation,sex,birth_date,conditions,school_grade,school_year\n"
    "a,3507990000000001,head,L,1980-01-01,hypertension;smoker,,\n"
    "b,3507990000000001,spouse,P,1985-02-02,,,\n"
    "c,3507990000000001,child,P,2016-03-03,,3,2025\n"
)
PREGNANCIES = (
    "person_id,lmp,delivery_date,outcome,in_facility\nb,2015-06-01,2016-03-03,live_birth,yes\n"
)
RECORDS = (
    "person_id,code,date,place,value\nc,BCG,2016-04-01,pkm,\na,PTM-SCREEN,2025-01-05,pkm,140\n"
)


def _register(tmp_path: Path, **files: str) -> Path:
    contents = {
        "households.csv": HOUSEHOLDS,
        "people.csv": PEOPLE,
        "pregnancies.csv": PREGNANCIES,
        "records.csv": RECORDS,
    }
    contents.update({k.replace("_", ".", 1) if "_csv" in k else k: v for k, v in files.items()})
    for name, text in contents.items():
        if text is not None:
            (tmp_path / name).write_text(text, "utf-8")
    return tmp_path


class TestCsvRegister:
    def test_good_register_loads(self, tmp_path: Path) -> None:
        """Households, people, pregnancies and records come together into families with histories."""
        reg = read_register(_register(tmp_path))
        assert len(reg.families) == 1
        fam = reg.families[0]
        assert fam.household.jkn is True
        assert [p.id for p in reg.people] == ["a", "b", "c"]
        assert reg.family_of("c") is fam
        assert reg.residence_of(reg.people[2]) == "dusun-a"
        assert reg.people[1].pregnancies[0].in_facility is True
        assert reg.people[2].school is not None
        assert reg.history("a")[0].value == 140.0
        assert reg.history("nobody") == ()

    @pytest.mark.parametrize(
        ("name", "text", "expected"),
        [
            ("households.csv", "address\nx\n", "missing column 'kk_number'"),
            ("households.csv", "kk_number,colour\n1,red\n", "unknown column 'colour'"),
            ("households.csv", "kk_number,jkn\n3507990000000001,maybe\n", "'maybe'"),
            ("households.csv", "kk_number\n12\n", "'12'"),
            ("people.csv", PEOPLE.replace("1980-01-01", "1980-02-30"), "1980-02-30"),
            (
                "people.csv",
                PEOPLE.replace("3507990000000001,child", "3507990000000009,child"),
                "people.csv:4: kk_number '****************'",
            ),
            ("people.csv", PEOPLE.replace(",3,2025", ",three,2025"), "'three'"),
            ("people.csv", PEOPLE.replace("spouse", "cousin"), "cousin"),
            ("pregnancies.csv", PREGNANCIES.replace("b,", "z,"), "'z'"),
            ("pregnancies.csv", PREGNANCIES.replace("2016-03-03", "2015-05-01"), "before the HPHT"),
            ("records.csv", RECORDS.replace("c,BCG", "z,BCG"), "'z'"),
            ("records.csv", RECORDS.replace(",140", ",high"), "'high'"),
            ("records.csv", RECORDS.replace("BCG", "bcg"), "'bcg'"),
        ],
    )
    def test_bad_csv_names_file_and_value(
        self, tmp_path: Path, name: str, text: str, expected: str
    ) -> None:
        """Each bad file is an InputFileError naming the file and the offending value."""
        folder = _register(tmp_path)
        (folder / name).write_text(text, "utf-8")
        with pytest.raises(InputFileError) as info:
            read_register(folder)
        assert name in str(info.value)
        assert expected in str(info.value)

    def test_the_same_record_for_two_people_is_each_ones(self, tmp_path: Path) -> None:
        """A code and date given to two people (read once, shared as a value) is in both histories."""
        records = "person_id,code,date\na,PTM-SCREEN,2025-01-05\nb,PTM-SCREEN,2025-01-05\n"
        reg = read_register(_register(tmp_path, records_csv=records))
        assert reg.history("a") == reg.history("b")
        assert [(r.code, r.date.isoformat()) for r in reg.history("b")] == [
            ("PTM-SCREEN", "2025-01-05")
        ]
        assert reg.history("c") == ()

    def test_a_bad_record_after_good_ones_is_named_at_its_line(self, tmp_path: Path) -> None:
        """A bad date after the same code read well is still refused, on its own line."""
        records = "person_id,code,date\na,BCG,1980-02-01\nb,BCG,1985-02-30\n"
        folder = _register(tmp_path, records_csv=records)
        with pytest.raises(InputFileError, match=r"records\.csv:3: .*1985-02-30"):
            read_register(folder)

    def test_a_row_with_more_cells_than_columns_is_named(self, tmp_path: Path) -> None:
        """A row longer than the header is an InputFileError naming its line, not a crash."""
        households = HOUSEHOLDS.replace("dusun-a,ya", "dusun-a,ya,extra")
        folder = _register(tmp_path, households_csv=households)
        with pytest.raises(InputFileError, match=r"households\.csv:2: 5 cells where the header"):
            read_register(folder)

    def test_short_rows_and_blank_lines_are_read(self, tmp_path: Path) -> None:
        """Missing trailing cells are empty and blank lines are skipped."""
        households = HOUSEHOLDS.replace(",dusun-a,ya", ",dusun-a") + "\n"
        reg = read_register(_register(tmp_path, households_csv=households))
        assert reg.families[0].household.jkn is None
        assert reg.families[0].residence == "dusun-a"

    def test_missing_households_file(self, tmp_path: Path) -> None:
        """A folder without households.csv is named."""
        with pytest.raises(InputFileError, match=r"households\.csv"):
            read_register(tmp_path)

    def test_not_utf8(self, tmp_path: Path) -> None:
        """A CSV that is not UTF-8 is refused."""
        folder = _register(tmp_path)
        (folder / "people.csv").write_bytes(b"person_id\n\xff\xfe\n")
        with pytest.raises(InputFileError, match="UTF-8"):
            read_register(folder)

    def test_optional_files_may_be_absent(self, tmp_path: Path) -> None:
        """Without pregnancies.csv and records.csv the register still loads."""
        (tmp_path / "households.csv").write_text(HOUSEHOLDS, "utf-8")
        (tmp_path / "people.csv").write_text(PEOPLE, "utf-8")
        reg = read_register(tmp_path)
        assert reg.histories == {}


class TestYamlRegister:
    def test_families_file(self, tmp_path: Path) -> None:
        """A YAML file with families: [...] loads each family with its histories."""
        path = tmp_path / "reg.yaml"
        path.write_text(
            "as_of: 2025-11-01\nfamilies:\n"
            "  - kk_number: '3507990000000001'\n"
            "    members:\n"
            "      - relation: head\n"
            "        person: {id: a, sex: L, birth_date: 1980-01-01}\n"
            "        history: [{code: PTM-SCREEN, date: 2025-01-05}]\n",
            "utf-8",
        )
        reg = read_register(path)
        assert reg.as_of == "2025-11-01"
        assert reg.history("a")[0].code == "PTM-SCREEN"

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("families: 3\n", "list"),
            ("famlies: []\n", "famlies"),
            ("families: [{kk_number: '3507990000000001', members: 3}]\n", "members"),
            (
                "families: [{kk_number: '3507990000000001', household: [1], members: []}]\n",
                "household",
            ),
            (
                "families: [{kk_number: '3507990000000001', household: {wifi: true}, members: []}]\n",
                "wifi",
            ),
            ("families: [{kk_number: '3507990000000001', members: []}]\n", "0 heads"),
            (
                "families: [{kk_number: '1', members: [{relation: boss, person: {id: a, sex: L, birth_date: 1980-01-01}}]}]\n",
                "boss",
            ),
        ],
    )
    def test_bad_families_file(self, tmp_path: Path, text: str, expected: str) -> None:
        """A malformed families file is an InputFileError naming what is wrong."""
        path = tmp_path / "reg.yaml"
        path.write_text(text, "utf-8")
        with pytest.raises(InputFileError) as info:
            read_register(path)
        assert expected in str(info.value)

    def test_same_person_in_two_families(self, tmp_path: Path) -> None:
        """A person on two family cards is refused."""
        member = "{relation: head, person: {id: a, sex: L, birth_date: 1980-01-01}}"
        path = tmp_path / "reg.yaml"
        path.write_text(
            f"families:\n  - {{kk_number: '3507990000000001', members: [{member}]}}\n"
            f"  - {{kk_number: '3507990000000002', members: [{member}]}}\n",
            "utf-8",
        )
        with pytest.raises(Exception, match="'a'"):
            read_register(path)


class TestPersonAndFamilyFiles:
    def test_directory_instead_of_file(self, tmp_path: Path) -> None:
        """A directory given as a person file is named."""
        with pytest.raises(InputFileError, match="directory"):
            read_person_file(tmp_path)

    def test_history_not_a_list(self, tmp_path: Path) -> None:
        """history must be a list of records."""
        path = tmp_path / "p.yaml"
        path.write_text(
            "person: {id: a, sex: L, birth_date: 1980-01-01}\nhistory: {code: BCG}\n", "utf-8"
        )
        with pytest.raises(InputFileError, match="history"):
            read_person_file(path)

    def test_family_file_with_region(self, tmp_path: Path) -> None:
        """A family file carries its region and as_of."""
        path = tmp_path / "f.yaml"
        path.write_text(
            "as_of: 2025-11-01\nregion: {je_endemic: true}\nfamily:\n"
            "  kk_number: '3507990000000001'\n"
            "  members: [{relation: head, person: {id: a, sex: L, birth_date: 1980-01-01}}]\n",
            "utf-8",
        )
        ff = read_family_file(path)
        assert ff.as_of == "2025-11-01"
        assert "je_endemic" in ff.region.flags
