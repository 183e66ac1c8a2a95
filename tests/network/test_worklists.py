"""Routing, visit plans and the work lists of a Posyandu, a Pustu and a kader."""

from __future__ import annotations

import pendulum
import pytest

from ilp import Cluster, NetworkError, PointOfCare, national
from ilp.clusters import Support
from ilp.lifecycle import LifeStage, Status, due
from ilp.network._routing import can_give, places_for
from ilp.network._targets import (
    PosyanduStep,
    family_due,
    home_visits,
    targets,
    weekly_list,
)
from ilp.network._visit import visit_plan

from .sample import BABY, ELDER, FATHER, MOTHER, NETWORK, ON, PREGNANT, REGISTER


class TestCanGive:
    def test_defaults_follow_the_catalogue_points_of_care(self) -> None:
        """A Posyandu gives immunization but not ANC; a Puskesmas gives both."""
        cat = national()
        pos, pkm = NETWORK.facility("pos-a1"), NETWORK.facility("pkm")
        assert can_give(pos, cat.service("BCG"))
        assert not can_give(pos, cat.service("ANC-K1"))
        assert can_give(pkm, cat.service("ANC-K1"))

    def test_facility_may_remove_a_default(self) -> None:
        """services_removed takes a service away from a facility."""
        assert not can_give(NETWORK.facility("pos-a2"), national().service("GROWTH"))


class TestPlacesFor:
    def test_nearest_first_with_next_opening(self) -> None:
        """For a Dusun A1 child, BCG is at Posyandu Mawar (11 Nov), then Pustu A, then the Puskesmas."""
        places = places_for(NETWORK, "dusun-a1", national().service("BCG"), ON)
        ids = [p.facility.id for p in places if p.facility]
        assert ids[:3] == ["pos-a1", "pustu-a", "pkm"]
        assert places[0].next_open == pendulum.Date(2025, 11, 11)
        assert places[1].next_open == ON

    def test_school_services_start_at_school(self) -> None:
        """A school service lists the school first."""
        places = places_for(NETWORK, "dusun-a1", national().service("BIAS-MR"), ON)
        assert places[0].point_of_care is PointOfCare.SCHOOL

    def test_unknown_residence_falls_back_to_the_puskesmas(self) -> None:
        """Without a known home, the Puskesmas (and referral) remain."""
        places = places_for(NETWORK, None, national().service("ANC-K1"), ON)
        assert places[0].facility is not None
        assert places[0].facility.id == "pkm"


class TestVisitPlan:
    def test_pregnant_woman_at_the_puskesmas(self) -> None:
        """ANC goes to cluster 2 at the Puskesmas; dental care moves to cross-cluster there."""
        plan = visit_plan(PREGNANT, ON, NETWORK.facility("pkm"), NETWORK, residence="dusun-a1")
        clusters = {c.cluster: [i.code for i in c.items] for c in plan.clusters}
        assert any(code.startswith("ANC-") for code in clusters[Cluster.MOTHER_CHILD])
        assert "DENTAL-BUMIL" in clusters.get(Cluster.CROSS_CLUSTER, [])
        assert Support.LABORATORY in plan.support or Support.PHARMACY in plan.support
        assert "Registration" in plan.summary()

    def test_what_a_posyandu_cannot_give_is_referred(self) -> None:
        """At a Posyandu, ANC is sent elsewhere, nearest first."""
        plan = visit_plan(PREGNANT, ON, NETWORK.facility("pos-a1"), NETWORK, residence="dusun-a1")
        anc = [r for r in plan.elsewhere if r.item.code.startswith("ANC-")]
        assert anc
        best = anc[0].best
        assert best is not None
        assert best.facility is not None
        assert best.facility.id in {"pustu-a", "pkm"}
        assert plan.as_dict()["elsewhere"]

    def test_older_people_have_priority(self) -> None:
        """A person of 60 or more is served first."""
        assert visit_plan(ELDER, ON, NETWORK.facility("pkm"), NETWORK).priority
        assert not visit_plan(FATHER, ON, NETWORK.facility("pkm"), NETWORK).priority


class TestTargets:
    LIST = targets(NETWORK, REGISTER, ON, site="pos-a1")

    def test_list_is_for_the_next_opening_day(self) -> None:
        """Posyandu Mawar's list is for its second Tuesday, 11 November 2025."""
        assert self.LIST.day == pendulum.Date(2025, 11, 11)

    def test_everyone_listed_lives_there_and_is_due_there(self) -> None:
        """Only Dusun A1 people, each with services due that day that a Posyandu gives."""
        ids = {t.person.id for t in self.LIST.targets}
        assert "elder" not in ids
        assert "baby" in ids
        for _, i in self.LIST.items:
            assert i.status.actionable
            assert PointOfCare.POSYANDU in i.points_of_care

    def test_nobody_due_there_is_left_off(self) -> None:
        """Everyone in the dusun with a Posyandu service due that day is on the list."""
        listed = {(t.person.id, i.code) for t, i in self.LIST.items}
        for person in (BABY, MOTHER, FATHER, PREGNANT):
            for item in due(
                person, self.LIST.day, history=REGISTER.history(person.id), horizon=0
            ).actionable:
                if PointOfCare.POSYANDU in item.points_of_care:
                    assert (person.id, item.code) in listed

    def test_grouped_by_stage_and_step_with_supplies(self) -> None:
        """The baby is under BAYI; growth is step 2, vaccines step 4; vaccine doses are counted."""
        by_stage = self.LIST.by_stage()
        assert any(t.person.id == "baby" for t in by_stage[LifeStage.BAYI])
        steps = self.LIST.by_step()
        assert any(i.code == "GROWTH" for _, i in steps[PosyanduStep.MEASURING])
        assert any(i.service.group == "immunization" for _, i in steps[PosyanduStep.SERVICES])
        supplies = {s.item: s.quantity for s in self.LIST.supplies()}
        assert supplies.get("DPT-HB-Hib vaccine") == 1
        assert self.LIST.as_dict()["counts"]["GROWTH"] >= 1

    def test_head_is_the_list_without_its_targets(self) -> None:
        """``head_dict()`` is ``as_dict()`` but for the targets, in the same key order."""
        whole = self.LIST.as_dict()
        head = self.LIST.head_dict()
        assert list(head) == [k for k in whole if k != "targets"]
        assert head == {k: v for k, v in whole.items() if k != "targets"}
        assert head["people"] == len(whole["targets"]) >= 1

    def test_unknown_site(self) -> None:
        """An unknown site id is a NetworkError naming it."""
        with pytest.raises(NetworkError, match="nope"):
            targets(NETWORK, REGISTER, ON, site="nope")


class TestWeeklyAndHomeVisits:
    def test_pustu_week_covers_the_whole_desa(self) -> None:
        """Pustu A's week lists Desa A people only, including upcoming items within 7 days."""
        week = weekly_list(NETWORK, REGISTER, ON, site="pustu-a")
        assert week.until == ON.add(days=6)
        ids = {t.person.id for t in week.targets}
        assert "elder" not in ids
        for _, i in week.items:
            assert i.earliest <= week.until

    def test_home_visits_group_by_household(self) -> None:
        """The kader list has the pregnant woman's household and flags overdue members."""
        visits = home_visits(NETWORK, REGISTER, ON, area="dusun-a1")
        kk = {v.family.kk_number for v in visits}
        assert "3201010101010002" in kk
        for v in visits:
            for member in v.members:
                for i in member.items:
                    assert i.status in (Status.DUE, Status.OVERDUE)

    def test_home_visits_unknown_area(self) -> None:
        """An unknown area is a NetworkError."""
        with pytest.raises(NetworkError, match="nowhere"):
            home_visits(NETWORK, REGISTER, ON, area="nowhere")

    def test_family_view(self) -> None:
        """The family view has every living member with their due list."""
        view = family_due(REGISTER.families[0], ON, histories=REGISTER.histories)
        assert [p.id for p, _ in view.members] == ["father", "mother", "baby"]
        assert view.as_dict()["kk_number"] == "3201010101010001"
