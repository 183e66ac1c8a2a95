"""Work lists people can read: urgency first, Indonesian by default, names not codes, 80 columns."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import ilp
from ilp._cli_text import NARROW, service_name, status_word, supply_text, table
from ilp.cli import main
from ilp.lifecycle import Status
from ilp.network import Urgency, by_urgency, load_network, triage

KEC = Path(ilp.__file__).parent / "data" / "demo" / "kecamatan"
NET = str(KEC / "network.yaml")
ARGS = ["--network", NET, "--register", str(KEC), "--on", "2025-11-01"]


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    code = main(args)
    out, err = capsys.readouterr()
    assert (code, err) == (0, ""), err
    return out


@pytest.fixture(autouse=True)
def columns(monkeypatch: pytest.MonkeyPatch) -> None:
    """A terminal of 80 columns, whatever runs the tests."""
    monkeypatch.setenv("COLUMNS", "80")


class TestTriage:
    """Urgency is decided from the items alone (dates from the national catalogue)."""

    def test_a_zero_dose_child_is_a_child_dose_case_with_every_dose_counted(self) -> None:
        """A 3-year-old with no record: overdue catch-up doses put her among CHILD_DOSE."""
        child = ilp.Person("z", "P", "2022-09-01")
        items = ilp.due(child, "2025-11-01")
        tr = triage(child, items, "2025-11-01", recorded=set())
        assert tr.urgency is Urgency.CHILD_DOSE
        assert tr.overdue_doses >= 4
        assert tr.items[0].service.group == "immunization"

    def test_a_pregnant_woman_comes_before_other_adults(self) -> None:
        """Pregnancy (or the 42 days after delivery) ranks MOTHER."""
        mother = ilp.Person("m", "P", "1998-04-01", pregnancies=[ilp.Pregnancy("2025-08-01")])
        tr = triage(mother, ilp.due(mother, "2025-11-01"), "2025-11-01", recorded=set())
        assert tr.urgency is Urgency.MOTHER

    def test_a_newborn(self) -> None:
        """A baby 5 days old ranks NEWBORN (KN-2 window open)."""
        baby = ilp.Person("b", "L", "2025-10-27")
        tr = triage(baby, ilp.due(baby, "2025-11-01"), "2025-11-01", recorded=set())
        assert tr.urgency is Urgency.NEWBORN

    def test_a_rotavirus_dose_about_to_be_missed_comes_first(self) -> None:
        """RV's last day is 6 months 29 days: at 6 months 10 days it is missed within 30 days."""
        baby = ilp.Person("r", "P", "2025-04-20")
        items = ilp.due(baby, "2025-10-30")
        assert items.get("RV-1").latest <= ilp.dates.as_date("2025-11-29")
        tr = triage(baby, items, "2025-10-30", recorded=set())
        assert tr.urgency is Urgency.MISSED_SOON
        assert tr.items[0].code.startswith("RV")

    def test_a_screening_never_recorded_for_years_is_set_apart(self) -> None:
        """A 60-year-old never screened for NCD risk: 'never recorded', not 'overdue since 1980'."""
        old = ilp.Person("o", "L", "1965-01-01")
        items = ilp.due(old, "2025-11-01")
        ptm = items.get("PTM-SCREEN")
        assert ptm.status is Status.OVERDUE
        assert ptm.overdue.year == 1980
        tr = triage(old, items, "2025-11-01", recorded=set())
        assert "PTM-SCREEN" in [i.code for i in tr.never_recorded]
        assert "PTM-SCREEN" not in [i.code for i in tr.items]
        assert "SKILAS" in [i.code for i in tr.items]  # overdue since 2025: not for years

    def test_a_recorded_screening_is_never_set_apart(self) -> None:
        """The same item with any earlier record stays an ordinary overdue item."""
        old = ilp.Person("o", "L", "1965-01-01")
        items = ilp.due(old, "2025-11-01")
        tr = triage(old, items, "2025-11-01", recorded={"PTM-SCREEN"})
        assert "PTM-SCREEN" in [i.code for i in tr.items]
        assert tr.urgency is Urgency.OVERDUE

    def test_vaccine_doses_are_never_set_apart(self) -> None:
        """A zero-dose child's long-overdue doses stay in the list, never 'never recorded'."""
        child = ilp.Person("z", "P", "2021-01-01")
        tr = triage(child, ilp.due(child, "2025-11-01"), "2025-11-01", recorded=set())
        assert all(i.service.group != "immunization" for i in tr.never_recorded)

    def test_only_never_recorded_items(self) -> None:
        """Someone with nothing but never-recorded screenings ranks last."""
        old = ilp.Person("o", "L", "1965-01-01")
        items = ilp.due(old, "2025-11-01").filter(code="PTM-SCREEN")
        tr = triage(old, items, "2025-11-01", recorded=set())
        assert tr.urgency is Urgency.NEVER_RECORDED
        assert not tr.urgency.urgent
        assert Urgency.CHILD_DOSE.urgent
        assert tr.urgency.label.id != tr.urgency.label.en


@given(st.lists(st.sampled_from(list(Urgency)), max_size=30))
def test_by_urgency_is_a_stable_partition_in_urgency_order(urgencies: list[Urgency]) -> None:
    """Every row once, groups in urgency order, rows in their given order within a group."""
    rows = list(enumerate(urgencies))
    groups = by_urgency(rows, lambda row: row[1])
    assert [u for u, _ in groups] == sorted({u for _, u in rows})
    flat = [row for _, members in groups for row in members]
    assert sorted(flat) == rows
    for u, members in groups:
        assert members == [row for row in rows if row[1] is u]


class TestReadingTheLists:
    def test_demo_fits_80_columns_and_narrow_fits_a_phone(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """No line of `ilp demo` is wider than 80 (it printed 245); --narrow keeps to 40."""
        for args, width in ((["demo"], 80), (["demo", "--narrow"], NARROW)):
            out = run(args, capsys)
            widest = max(out.splitlines(), key=len)
            assert len(widest) <= width, widest

    def test_every_list_fits_in_narrow(self, capsys: pytest.CaptureFixture[str]) -> None:
        """targets, home-visits and due keep to --narrow too."""
        network = load_network(NET)
        dusun = network.facility("psy-teratai").area
        for args in (
            ["targets", *ARGS, "--site", "psy-teratai", "--narrow"],
            ["home-visits", *ARGS, "--area", dusun, "--narrow"],
        ):
            out = run(args, capsys)
            assert max(len(line) for line in out.splitlines()) <= NARROW, args[0]

    def test_indonesian_by_default_english_on_request(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Target lists speak Indonesian (statuses, headings, supplies) unless --lang en."""
        out = run(["targets", *ARGS, "--site", "psy-teratai"], capsys)
        assert "! = terlambat" in out
        assert "logistik:" in out
        assert "vaksin" in out
        assert "dosis" in out
        for english in ("overdue", "supplies", "dose ", "vaccine", "people"):
            assert english not in out, english
        out = run(["targets", *ARGS, "--site", "psy-teratai", "--lang", "en"], capsys)
        assert "! = overdue" in out
        assert "supplies:" in out

    def test_names_not_codes_and_area_names_not_ids(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """The services column names services; the home column names the dusun."""
        network = load_network(NET)
        out = run(["targets", *ARGS, "--site", "psy-teratai"], capsys)
        codes = {s.code for e in ilp.national().entries for s in e.services}
        words = set(re.findall(r"[A-Z][A-Z0-9-]+[A-Z0-9]", out))
        assert not (words & codes - {"BCG", "PCV", "JE", "PKAT", "SDIDTK", "SKILAS", "CKG"})
        assert "Skrining PTM" in out
        area_ids = {a.id for a in network.areas}
        assert not any(a in out for a in area_ids if len(a) > 6)
        assert network.area(network.facility("psy-teratai").area).name in out

    def test_posyandu_sorted_by_day_and_legend_before_the_table(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """The demo's Posyandu table runs in date order; the legend comes before any '!'."""
        out = run(["demo"], capsys)
        days = re.findall(r"^  \S.*?  (\d{4}-\d{2}-\d{2})  ", out, flags=re.MULTILINE)
        assert len(days) >= 10
        assert days == sorted(days)
        assert out.index("! = terlambat") < out.index("!,")

    def test_a_zero_dose_child_comes_before_adults_overdue_for_screenings(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """On the kader's list a zero-dose child's household comes first, adults' after."""
        dusun = load_network(NET).facility("psy-teratai").area
        register = tmp_path / "register.yaml"
        register.write_text(
            "families:\n"
            "  - kk_number: '3507990101010001'\n"
            f"    residence: {dusun}\n"
            "    address: Rumah A\n"
            "    members:\n"
            "      - {relation: head, person: {id: a1, sex: L, birth_date: '1960-01-01'}}\n"
            "      - {relation: spouse, person: {id: a2, sex: P, birth_date: '1962-01-01'}}\n"
            "  - kk_number: '3507990101010002'\n"
            f"    residence: {dusun}\n"
            "    address: Rumah B\n"
            "    members:\n"
            "      - {relation: head, person: {id: b1, sex: L, birth_date: '1990-01-01'}}\n"
            "      - {relation: child, person: {id: b2, name: Zero, sex: P,"
            " birth_date: '2023-03-01'}}\n",
            "utf-8",
        )
        args = ["home-visits", "--network", NET, "--register", str(register)]
        out = run([*args, "--on", "2025-11-01", "--area", dusun], capsys)
        child = out.index("Balita dengan imunisasi terlambat")
        assert child < out.index("Rumah B") < out.index("Rumah A")
        assert "Zero: Polio tetes 1!" in out

    def test_never_recorded_can_be_capped_shown_or_hidden(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """cap names two and counts the rest; show names all; hide drops them."""
        dusun = load_network(NET).facility("psy-teratai").area
        base = ["home-visits", *ARGS, "--area", dusun]
        capped = run(base, capsys)
        shown = run([*base, "--never-recorded", "show"], capsys)
        hidden = run([*base, "--never-recorded", "hide"], capsys)
        assert "+1 lagi" in capped or "+2 lagi" in capped
        assert "lagi" not in shown
        assert "belum pernah tercatat" in shown
        assert "belum pernah tercatat" not in hidden
        assert len(hidden) < len(capped) < len(shown)

    def test_visit_speaks_indonesian(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """`ilp visit` (default Indonesian): 'di … pada …', no English words."""
        network = load_network(NET)
        pkm = network.of_type(ilp.network.FacilityType.PUSKESMAS)[0]
        path = tmp_path / "p.yaml"
        path.write_text('person: {id: x, sex: P, birth_date: "2025-06-01"}\n', "utf-8")
        out = run(
            ["visit", str(path), "--network", NET, "--facility", pkm.id, "--on", "2025-11-03"],
            capsys,
        )
        assert f"x di {pkm.name} pada 2025-11-03" in out
        assert "Pendaftaran" in out
        assert " at " not in out


class TestText:
    def test_every_national_service_has_a_short_name_in_both_languages(self) -> None:
        """Lists use short names (src/ilp/_cli_text.py `_SHORT`): at most 24 characters."""
        for e in ilp.national().entries:
            for s in e.services:
                for lang in ("id", "en"):
                    name = service_name(s, lang)
                    assert len(name) <= 24, f"{s.code}: add a short name to _SHORT ({name!r})"
                    assert name, s.code
                    assert "{" not in name, s.code
                    assert len(name) <= len(s.label[lang]), (s.code, name)

    def test_an_unknown_service_falls_back_to_its_label(self) -> None:
        """A regional code without a short name shows the catalogue label."""
        import attrs

        bcg = ilp.national().service("BCG")
        other = attrs.evolve(bcg, code="REGIONAL-X", series=None)
        assert service_name(other, "id") == bcg.label.id

    def test_status_and_supply_words(self) -> None:
        """Statuses and supplies in Indonesian; English unchanged."""
        assert status_word(Status.OVERDUE, "id") == "terlambat"
        assert status_word(Status.OVERDUE, "en") == "overdue"
        assert supply_text("BCG vaccine", "dose", "id") == ("vaksin BCG", "dosis")
        assert supply_text("BCG vaccine", "dose", "en") == ("BCG vaccine", "dose")
        assert supply_text("something", "box", "id") == ("something", "box")

    def test_table_wraps_the_last_column_or_prints_blocks(self) -> None:
        """Wide enough: columns with the last one wrapped; too narrow: one block per row."""
        rows = [["id", "name", "services"], ["p1", "Siti Aminah", "Skrining TBC, " * 8]]
        out = io.StringIO()
        table(rows, out, 60)
        lines = out.getvalue().splitlines()
        assert all(len(line) <= 60 for line in lines)
        assert lines[0].startswith("id  name")
        assert lines[2].startswith(" " * len("p1  Siti Aminah  "))
        out = io.StringIO()
        table(rows, out, 30)
        lines = out.getvalue().splitlines()
        assert lines[:3] == ["id  name", "    services", "p1  Siti Aminah"]
        assert all(len(line) <= 30 for line in lines)
        assert all(line.startswith("    ") for line in lines[3:])
