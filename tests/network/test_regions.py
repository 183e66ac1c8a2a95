"""Region flags on network areas, and opportunistic services on work lists (issue 9).

Flags set on an area hold for every area below it unless one lower down
sets them otherwise; lists and visit plans take the region of the person's
home area. Opportunistic services go on lists with a person's other
services, and alone only for their priority groups.
"""

from __future__ import annotations

import attrs
import pendulum
import pytest

from ilp import Condition, Family, FamilyRegister, Member, Person
from ilp.errors import NetworkError
from ilp.lifecycle import Catalogue, Region, parse_catalogue
from ilp.lifecycle._loader import read_yaml
from ilp.network import (
    Network,
    dump_network,
    home_visits,
    parse_network,
    targets,
    visit_plan,
)

from .conftest import NETWORK_YAML, ORIGIN, edit, fails, line_of, parse
from .sample import NETWORK

FLAGGED = edit(
    "  - {id: kab, name: Kabupaten Contoh, level: kabupaten}",
    "  - {id: kab, name: Kabupaten Contoh, level: kabupaten, flags: {je_endemic: true}}",
)


class TestAreaFlags:
    """``flags`` on an area: read, inherited down the tree, overridable lower down."""

    def test_flags_are_inherited_down_the_area_tree(self) -> None:
        network = parse(FLAGGED)
        assert network.area("kab").flags == {"je_endemic": True}
        assert network.area("dusun").flags == {}
        for area in ("kab", "kec", "desa", "dusun"):
            assert network.region_of(area) == Region(flags={"je_endemic"})

    def test_an_area_lower_down_may_switch_a_flag_off(self) -> None:
        text = edit(
            "  - {id: desa, name: Desa Contoh, level: desa, parent: kec,",
            "  - {id: desa, name: Desa Contoh, level: desa, parent: kec, flags: {je_endemic: false},",
            FLAGGED,
        )
        network = parse(text)
        assert network.region_of("kec").flags == {"je_endemic"}
        assert network.region_of("desa").flags == frozenset()
        assert network.region_of("dusun").flags == frozenset()

    def test_areas_without_flags_have_no_region_flags(self) -> None:
        assert parse(NETWORK_YAML).region_of("dusun") == Region()

    def test_an_unknown_area_has_no_region(self) -> None:
        with pytest.raises(NetworkError, match="'nowhere'"):
            parse(NETWORK_YAML).region_of("nowhere")

    def test_a_flag_no_catalogue_entry_names_is_refused_at_its_line(self) -> None:
        text = edit("flags: {je_endemic: true}", "flags: {je_endemic: true, dengue: true}", FLAGGED)
        err = fails(text)
        assert len(err.problems) == 1
        problem = err.problems[0]
        assert problem.startswith(f"{ORIGIN}:{line_of(text, 'dengue')}: area[kab].flags.dengue: ")
        assert "unknown region flag 'dengue'" in problem
        assert "known: je_endemic, malaria_endemic" in problem

    def test_a_flag_must_be_true_or_false(self) -> None:
        text = edit("flags: {je_endemic: true}", "flags: {je_endemic: yes please}", FLAGGED)
        err = fails(text)
        assert "area[kab].flags.je_endemic" in err.problems[0]
        assert "true or false" in err.problems[0]

    def test_flags_must_be_a_mapping(self) -> None:
        text = edit("flags: {je_endemic: true}", "flags: [je_endemic]", FLAGGED)
        assert "area[kab].flags: expected a mapping" in fails(text).problems[0]

    def test_flags_are_checked_against_the_given_catalogue(self) -> None:
        """A catalogue that names no JE flag refuses an area that sets it."""
        mini = _catalogue("    rule: {kind: once}\n")
        with pytest.raises(NetworkError, match="catalogue 'mini'"):
            parse_network(read_yaml(FLAGGED, origin=ORIGIN), origin=ORIGIN, catalogue=mini)

    def test_dump_then_parse_keeps_the_flags(self) -> None:
        network = parse(FLAGGED)
        again = parse(dump_network(network))
        assert again.area("kab").flags == {"je_endemic": True}
        assert again.region_of("dusun") == network.region_of("dusun")


def _catalogue(rule_and_more: str) -> Catalogue:
    text = (
        "format: 1\nid: mini\ntitle: {id: Mini, en: Mini}\nedition: '2025-01-01'\nservices:\n"
        "  - code: TB-SCREEN\n    label: {id: TB, en: TB}\n    group: communicable\n"
        "    cluster: 4\n    points_of_care: [posyandu, puskesmas, pustu]\n    source: test\n"
        + rule_and_more
    )
    return parse_catalogue(read_yaml(text, origin="mini.yaml"), origin="mini.yaml")


ON = pendulum.Date(2025, 11, 3)
BABY = Person("je-baby", "F", "2024-12-15")  # 10 months on 2025-10-15: JE due in November


def _register(*people: tuple[Person, str]) -> FamilyRegister:
    families = [
        Family(f"32010101010199{n:02d}", [Member(p, "head")], residence=home, address=f"Jl. {n}")
        for n, (p, home) in enumerate(people)
    ]
    return FamilyRegister(families, {})


def _endemic(area: str) -> Network:
    """The sample network with *area* flagged JE-endemic."""
    areas = tuple(
        attrs.evolve(a, flags={"je_endemic": True}) if a.id == area else a for a in NETWORK.areas
    )
    return Network(areas, NETWORK.facilities, NETWORK.holidays)


class TestListsTakeTheRegionOfTheArea:
    """Target lists, home-visit lists and visit plans use the region of the person's home."""

    def test_a_target_list_offers_je_in_an_endemic_dusun_only(self) -> None:
        network = _endemic("desa-a")
        register = _register((BABY, "dusun-a1"))
        endemic = targets(network, register, ON, site="pos-a1")
        plain = targets(NETWORK, register, ON, site="pos-a1")
        assert "JE" in endemic.counts()
        assert "JE" not in plain.counts()

    def test_a_region_passed_by_hand_wins_over_the_areas(self) -> None:
        network = _endemic("desa-a")
        register = _register((BABY, "dusun-a1"))
        tl = targets(network, register, ON, site="pos-a1", region=Region())
        assert "JE" not in tl.counts()

    def test_a_visit_plan_takes_the_region_of_the_residence(self) -> None:
        network = _endemic("dusun-a1")
        baby = Person("je-baby", "F", "2024-12-15", residence="dusun-a1")
        pkm = network.facility("pkm")
        plan = visit_plan(baby, ON, pkm, network)
        codes = {i.code for c in plan.clusters for i in c.items}
        elsewhere = {r.item.code for r in plan.elsewhere}
        assert "JE" in codes | elsewhere
        outside = visit_plan(baby, ON, pkm, network, residence="dusun-b1")
        assert "JE" not in {i.code for c in outside.clusters for i in c.items}


PLAIN_TB = "    opportunistic: {priority: {conditions: [diabetes]}}\n"


class TestOpportunisticServicesOnLists:
    """An opportunistic service rides along; it calls nobody but its priority groups."""

    @pytest.fixture
    def cat(self) -> Catalogue:
        return _catalogue(
            PLAIN_TB
            + "    eligibility: {age: {from: 15y}}\n"
            + "    rule: {kind: recurring, interval: 1y, grace: 1m}\n"
            + "  - code: PTM-SCREEN\n    label: {id: PTM, en: PTM}\n    group: screening\n"
            + "    cluster: 3\n    points_of_care: [posyandu, puskesmas]\n    source: test\n"
            + "    eligibility: {age: {from: 15y}, conditions: [hypertension]}\n"
            + "    rule: {kind: recurring, interval: 1y, grace: 1m}\n"
        )

    def test_a_person_due_only_opportunistic_services_is_not_called(self, cat: Catalogue) -> None:
        adult = Person("adult", "M", "1980-01-01")
        register = _register((adult, "dusun-a1"))
        assert targets(NETWORK, register, ON, site="pos-a1", catalogue=cat).targets == ()
        assert home_visits(NETWORK, register, ON, area="dusun-a1", catalogue=cat) == ()

    def test_the_priority_groups_are_called_for_it(self, cat: Catalogue) -> None:
        diabetic = Person("dm", "M", "1980-01-01", conditions=[Condition.DIABETES])
        register = _register((diabetic, "dusun-a1"))
        tl = targets(NETWORK, register, ON, site="pos-a1", catalogue=cat)
        assert [t.person.id for t in tl.targets] == ["dm"]
        visits = home_visits(NETWORK, register, ON, area="dusun-a1", catalogue=cat)
        assert [i.code for v in visits for m in v.members for i in m.items] == ["TB-SCREEN"]

    def test_it_goes_with_the_persons_other_services(self, cat: Catalogue) -> None:
        hypertensive = Person("ht", "M", "1980-01-01", conditions=[Condition.HYPERTENSION])
        register = _register((hypertensive, "dusun-a1"))
        tl = targets(NETWORK, register, ON, site="pos-a1", catalogue=cat)
        assert tl.counts() == {"PTM-SCREEN": 1, "TB-SCREEN": 1}
        visits = home_visits(NETWORK, register, ON, area="dusun-a1", catalogue=cat)
        assert [i.code for v in visits for m in v.members for i in m.items] == ["PTM-SCREEN"]

    def test_a_visit_plan_lists_it(self) -> None:
        adult = Person("adult", "M", "1980-01-01", residence="dusun-a1")
        plan = visit_plan(adult, ON, NETWORK.facility("pkm"), NETWORK)
        assert "TB-SCREEN" in {i.code for c in plan.clusters for i in c.items}

    def test_national_tb_screening_never_lists_a_person_alone(self) -> None:
        """With the national catalogue, whoever is listed has something besides TB-SCREEN."""
        people = [Person(f"p{n}", "MF"[n % 2], f"{1950 + 7 * n}-01-01") for n in range(10)]
        register = _register(*((p, "dusun-a1") for p in people))
        tl = targets(NETWORK, register, ON, site="pos-a1")
        assert tl.targets
        for t in tl.targets:
            assert any(i.code != "TB-SCREEN" for i in t.items)
