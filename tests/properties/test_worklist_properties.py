"""Invariants of work lists over generated people placed in the sample kecamatan.

The batch lists (``ilp.population.work_lists``) equal the per-person ones.
"""

from __future__ import annotations

import json
import tempfile
from importlib import resources

import attrs
import pendulum
from hypothesis import given, settings
from hypothesis import strategies as st

from ilp import Family, FamilyRegister, Member, ServiceRecord
from ilp.files import read_register_columns
from ilp.interop import write_register
from ilp.lifecycle import due
from ilp.network import AreaLevel, FacilityType, load_network
from ilp.network._json import home_visits_json, target_list_json
from ilp.network._routing import can_give, places_for
from ilp.network._targets import home_visits, targets, weekly_list
from ilp.population import work_lists
from ilp.population._worklist_rows import work_list_json
from ilp.testing import families, histories, persons

with resources.as_file(resources.files("ilp").joinpath("data/demo/kecamatan/network.yaml")) as _p:
    NETWORK = load_network(_p)
DUSUN = [a.id for a in NETWORK.areas if a.level is AreaLevel.DUSUN]
DESA = [a.id for a in NETWORK.areas if a.level is AreaLevel.DESA]
POSYANDU = NETWORK.of_type(FacilityType.POSYANDU)
PUSTU = NETWORK.of_type(FacilityType.PUSTU)
ON = pendulum.Date(2025, 11, 1)


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)


@st.composite
def registers(draw: st.DrawFn) -> FamilyRegister:
    """A few one-person households placed in dusun of the sample network."""
    people = draw(
        st.lists(persons(on=ON, alive=True), min_size=1, max_size=6, unique_by=lambda p: p.id)
    )
    families = tuple(
        Family(
            f"{3507990000000000 + n:016d}",
            [Member(attrs.evolve(p, residence=None), "head")],  # they live where the family does
            residence=draw(st.sampled_from(DUSUN)),
        )
        for n, p in enumerate(people)
    )
    return FamilyRegister(families, {})


@settings(max_examples=40)
@given(registers(), st.sampled_from(POSYANDU))
def test_everyone_on_a_target_list_is_due_there(register: FamilyRegister, site: object) -> None:
    """Each listed service is due or overdue on the list's day and given by that Posyandu."""
    tl = targets(NETWORK, register, ON, site=site)  # type: ignore[arg-type]
    area = {a.id for a in NETWORK.within(tl.site.area)}
    for t, item in tl.items:
        assert t.residence in area
        assert item.status.actionable
        assert can_give(tl.site, item.service)
        # the list takes the region of the person's home (JE in the endemic desa)
        home = NETWORK.region_of(t.residence) if t.residence else None
        fresh = due(t.person, tl.day, history=(), horizon=0, region=home).get(item.code)
        assert fresh is not None
        assert fresh.status.actionable
    for t in tl.targets:
        # opportunistic services never put a person on the list by themselves
        assert any(i.service.outreach(t.person, tl.day) for i in t.items)


@settings(max_examples=25)
@given(registers())
def test_nobody_due_at_their_nearest_posyandu_is_left_off(register: FamilyRegister) -> None:
    """Whoever is due a service whose nearest place is their Posyandu appears on its list.

    Unless all they are due there is opportunistic (offered when they come).
    """
    lists = {f.id: targets(NETWORK, register, ON, site=f) for f in POSYANDU}
    listed = {(f, t.person.id, i.code) for f, tl in lists.items() for t, i in tl.items}
    for family in register.families:
        person = family.head
        for fid, tl in lists.items():
            if tl.site.area != family.residence:
                continue
            home = NETWORK.region_of(family.residence)
            here = list(due(person, tl.day, horizon=0, region=home).actionable)
            if not any(
                i.service.outreach(person, tl.day) for i in here if can_give(tl.site, i.service)
            ):
                # only opportunistic services here: offered if they come, not listed
                assert all((f, pid) != (fid, person.id) for f, pid, _ in listed)
                continue
            for item in here:
                nearest = places_for(NETWORK, family.residence, item.service, tl.day)
                facilities = [p.facility for p in nearest if p.facility is not None]
                if facilities and facilities[0].id == fid:
                    assert (fid, person.id, item.code) in listed


@st.composite
def catchments(draw: st.DrawFn) -> tuple[FamilyRegister, pendulum.Date]:
    """Families placed in dusun of the sample network (some members living elsewhere), with histories."""
    on = draw(st.dates(pendulum.Date(2024, 1, 1), pendulum.Date(2026, 6, 30)))
    day = pendulum.Date(on.year, on.month, on.day)
    drawn = draw(
        st.lists(
            families(on=day, max_size=5), min_size=1, max_size=4, unique_by=lambda f: f.kk_number
        )
    )
    seen: set[str] = set()
    placed = []
    records: dict[str, tuple[ServiceRecord, ...]] = {}
    for family in drawn:
        members = []
        for m in family.members:
            if m.person.id in seen:
                continue
            seen.add(m.person.id)
            home = draw(st.sampled_from([None, None, *DUSUN]))  # mostly the family's home
            members.append(attrs.evolve(m, person=attrs.evolve(m.person, residence=home)))
            records[m.person.id] = draw(histories(m.person, on=day, max_size=12))
        if any(m.relation.value == "head" for m in members):
            placed.append(
                attrs.evolve(family, members=members, residence=draw(st.sampled_from(DUSUN)))
            )
    kept = {m.person.id for f in placed for m in f.members}
    register = FamilyRegister(tuple(placed), {k: v for k, v in records.items() if k in kept})
    return register, day


@settings(max_examples=30, deadline=None)
@given(catchments())
def test_batch_lists_equal_the_per_person_lists(case: tuple[FamilyRegister, pendulum.Date]) -> None:
    """work_lists makes, for every site and area, exactly the per-person functions' lists."""
    register, on = case
    # a desa's home visits gather households whose members live in several of its dusun
    areas = DUSUN + DESA
    lists = work_lists(NETWORK, register, on, targets=POSYANDU, weekly=PUSTU, home_visits=areas)
    for f in POSYANDU:
        expected = targets(NETWORK, register, on, site=f)
        assert lists.targets[f.id].as_dict() == expected.as_dict()
        assert lists.targets[f.id] == expected
        # what `ilp targets --format json` prints, written directly (network/_json.py),
        # and from the rows work_lists holds (population/_worklist_rows.py)
        assert target_list_json(lists.targets[f.id]) == _json(expected.as_dict())
        assert work_list_json(lists.targets, f.id) == _json(expected.as_dict())
    for f in PUSTU:
        expected = weekly_list(NETWORK, register, on, site=f)
        assert lists.weekly[f.id].as_dict() == expected.as_dict()
        assert target_list_json(lists.weekly[f.id]) == _json(expected.as_dict())
        assert work_list_json(lists.weekly, f.id) == _json(expected.as_dict())
    for area in areas:
        visits = home_visits(NETWORK, register, on, area=area)
        assert [v.as_dict() for v in lists.home_visits[area]] == [v.as_dict() for v in visits]
        assert home_visits_json(lists.home_visits[area]) == _json([v.as_dict() for v in visits])
        assert work_list_json(lists.home_visits, area) == _json([v.as_dict() for v in visits])
    # the same from the register's CSV files, read into columns (persons made on demand)
    with tempfile.TemporaryDirectory() as tmp:
        write_register(register, tmp)
        columns = read_register_columns(tmp)
    fast = work_lists(NETWORK, columns, on, targets=POSYANDU, weekly=PUSTU, home_visits=areas)
    # JSON from the rows before any list value is made: the same text
    for kind in ("targets", "weekly", "home_visits"):
        for key in getattr(fast, kind):
            made = getattr(lists, kind)[key]
            text = target_list_json(made) if kind != "home_visits" else home_visits_json(made)
            assert work_list_json(getattr(fast, kind), key) == text
    assert {k: v.as_dict() for k, v in fast.targets.items()} == {
        k: v.as_dict() for k, v in lists.targets.items()
    }
    assert {k: v.as_dict() for k, v in fast.weekly.items()} == {
        k: v.as_dict() for k, v in lists.weekly.items()
    }
    assert fast.home_visits == lists.home_visits
    for visits in fast.home_visits.values():
        for v in visits:
            for m in v.members:
                want = register.family_of(m.person.id).members
                assert [attrs.asdict(x.person, recurse=False) for x in v.family.members] == [
                    attrs.asdict(x.person, recurse=False) for x in want
                ]
