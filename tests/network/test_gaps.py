"""Gaps: where a valid network falls short of the ILP standards, reported as data."""

from __future__ import annotations

from ilp.network import Gap, Network, gaps

from .conftest import NETWORK_YAML, edit, parse

#: A second desa with a dusun, and no facility in either.
SECOND_DESA = (
    "  - {id: desa-2, name: Desa Kedua, level: desa, parent: kec}\n"
    "  - {id: dusun-2, name: Dusun Kidul, level: dusun, parent: desa-2}\n"
)


def _kinds(network: Network) -> list[tuple[str, str]]:
    return [(g.kind, g.id) for g in gaps(network)]


class TestNoGaps:
    def test_the_sample_network_has_no_gaps(self, network: Network) -> None:
        """A desa with a staffed Pustu and a dusun with a five-kader Posyandu leave no gap."""
        assert gaps(network) == ()

    def test_gaps_are_a_tuple_of_gap_values(self) -> None:
        """gaps returns Gap values that compare by value."""
        text = edit("facilities:\n", SECOND_DESA + "facilities:\n")
        found = gaps(parse(text))
        assert isinstance(found, tuple)
        assert all(isinstance(g, Gap) for g in found)
        assert found == gaps(parse(text))


class TestDesaWithoutPustu:
    def test_a_desa_no_pustu_serves_is_a_gap(self) -> None:
        """A desa without a Pustu is reported by its id and name, in both languages."""
        text = edit("facilities:\n", SECOND_DESA + "facilities:\n")
        found = [g for g in gaps(parse(text)) if g.kind == "desa_without_pustu"]
        assert [g.id for g in found] == ["desa-2"]
        assert found[0].message.id == "Desa Kedua (desa-2) tidak dilayani Pustu"
        assert found[0].message.en == "Desa Kedua (desa-2) has no Pustu"

    def test_a_network_with_no_pustu_at_all_reports_its_desa(self) -> None:
        """Without the Pustu (the Posyandu hangs on the Puskesmas), the desa is a gap."""
        start, end = NETWORK_YAML.index("  - id: pustu\n"), NETWORK_YAML.index("  - id: pos\n")
        text = NETWORK_YAML[:start] + NETWORK_YAML[end:]
        text = edit("    parent: pustu\n", "    parent: pkm\n", text)
        assert _kinds(parse(text)) == [("desa_without_pustu", "desa")]


class TestPustuUnderstaffed:
    def test_a_pustu_without_a_nurse_is_understaffed(self) -> None:
        """A Pustu with a bidan but no perawat is reported, counting each against one."""
        text = edit("[{id: bd, role: bidan}, {id: pr, role: perawat}]", "[{id: bd, role: bidan}]")
        found = gaps(parse(text))
        assert [(g.kind, g.id) for g in found] == [("pustu_understaffed", "pustu")]
        assert found[0].message.en == (
            "Pustu Contoh (pustu) is below the minimum staffing: nurse 0/1, midwife 1/1"
        )
        assert "perawat 0/1, bidan 1/1" in found[0].message.id

    def test_a_pustu_with_no_staff_lacks_both(self) -> None:
        """A Pustu with no staff lacks both the nurse and the midwife."""
        text = edit("    staff: [{id: bd, role: bidan}, {id: pr, role: perawat}]\n", "")
        found = gaps(parse(text))
        assert [(g.kind, g.id) for g in found] == [("pustu_understaffed", "pustu")]
        assert found[0].message.en.endswith("nurse 0/1, midwife 0/1")

    def test_a_doctor_does_not_stand_in_for_the_midwife(self) -> None:
        """The minimum is by role: a dokter and a perawat still lack a bidan."""
        text = edit("{id: bd, role: bidan}", "{id: dr-2, role: dokter}")
        assert _kinds(parse(text)) == [("pustu_understaffed", "pustu")]


class TestDusunWithoutPosyandu:
    def test_a_dusun_no_posyandu_serves_is_a_gap(self) -> None:
        """A second dusun in the desa, with no Posyandu, is reported."""
        extra = "  - {id: dusun-b, name: Dusun Baru, level: dusun, parent: desa}\n"
        found = gaps(parse(edit("facilities:\n", extra + "facilities:\n")))
        assert [(g.kind, g.id) for g in found] == [("dusun_without_posyandu", "dusun-b")]
        assert found[0].message.en == "Dusun Baru (dusun-b) has no Posyandu"

    def test_a_posyandu_of_the_whole_desa_serves_its_dusun(self) -> None:
        """A Posyandu whose area is the desa leaves no dusun of it without one."""
        extra = "  - {id: dusun-b, name: Dusun Baru, level: dusun, parent: desa}\n"
        text = edit("facilities:\n", extra + "facilities:\n")
        text = edit("    area: dusun\n", "    area: desa\n", text)
        assert gaps(parse(text)) == ()


class TestKader:
    def test_a_posyandu_without_kader_is_a_gap(self) -> None:
        """A Posyandu with no kader is reported as without kader, not as having few."""
        start = NETWORK_YAML.index("    staff:\n      - {id: k1")
        end = NETWORK_YAML.index("    services:")
        text = NETWORK_YAML[:start] + NETWORK_YAML[end:]
        found = gaps(parse(text))
        assert [(g.kind, g.id) for g in found] == [("posyandu_without_kader", "pos")]
        assert found[0].message.id == "Posyandu Mawar (pos) tidak memiliki kader"

    def test_a_posyandu_with_only_a_bidan_has_no_kader(self) -> None:
        """Staff who are not kader do not count as kader."""
        start = NETWORK_YAML.index("      - {id: k1")
        end = NETWORK_YAML.index("    services:")
        text = NETWORK_YAML[:start] + "      - {id: bd-2, role: bidan}\n" + NETWORK_YAML[end:]
        assert _kinds(parse(text)) == [("posyandu_without_kader", "pos")]

    def test_a_posyandu_with_fewer_than_five_kader_is_a_gap(self) -> None:
        """Three kader are fewer than the five of the 2011 guideline."""
        text = edit("      - {id: k4, role: kader}\n", "")
        text = edit("      - {id: k5, role: kader, level: utama}\n", "", text)
        found = gaps(parse(text))
        assert [(g.kind, g.id) for g in found] == [("posyandu_few_kader", "pos")]
        assert found[0].message.en == (
            "Posyandu Mawar (pos) has only 3 kader (2011 Posyandu guideline: at least 5)"
        )


class TestNoOpeningRule:
    def test_a_pustu_and_a_posyandu_without_a_rule_are_gaps(self) -> None:
        """A Pustu and a Posyandu with no opening rule are reported, in network order."""
        text = edit("    opening: {weekdays: [Senin, TUESDAY, wed, thu, jumat]}\n", "")
        text = edit("    opening: {nth_weekday: 2, weekday: tue}\n", "", text)
        assert _kinds(parse(text)) == [("no_opening_rule", "pustu"), ("no_opening_rule", "pos")]

    def test_a_puskesmas_without_a_rule_is_not_a_gap(self) -> None:
        """Only a Pustu or Posyandu needs an opening rule."""
        text = edit("    opening: {weekdays: [mon, tue, wed, thu, fri, sat]}\n", "")
        assert gaps(parse(text)) == ()


class TestOrder:
    def test_gaps_come_by_kind_in_table_order_then_network_order(self) -> None:
        """Kinds follow the docs table; within a kind, the network's order."""
        text = edit("facilities:\n", SECOND_DESA + "facilities:\n")
        text = edit("[{id: bd, role: bidan}, {id: pr, role: perawat}]", "[]", text)
        text = edit("      - {id: k5, role: kader, level: utama}\n", "", text)
        text = edit("    opening: {nth_weekday: 2, weekday: tue}\n", "", text)
        extra = "  - {id: pos-2, name: Posyandu Dua, type: posyandu, area: dusun, parent: pustu}\n"
        assert _kinds(parse(text + extra)) == [
            ("desa_without_pustu", "desa-2"),
            ("pustu_understaffed", "pustu"),
            ("dusun_without_posyandu", "dusun-2"),
            ("posyandu_without_kader", "pos-2"),
            ("posyandu_few_kader", "pos"),
            ("no_opening_rule", "pos"),
            ("no_opening_rule", "pos-2"),
        ]
