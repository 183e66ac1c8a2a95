"""``work_lists``: every list of a catchment from one batch evaluation per day.

The sample kecamatan (``ilp demo``) is listed both ways on its ``as_of`` date
and a week later: every target list, weekly list and home-visit list equals
what the per-person functions make for that site.
``tests/properties/test_worklist_properties.py`` checks the same on
generated registers.
"""

from __future__ import annotations

import json
import pickle
from importlib import resources
from pathlib import Path

import attrs
import numpy as np
import pendulum
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ilp import FamilyRegister, NetworkError, Region, ServiceRecord
from ilp.errors import InvalidRecordError
from ilp.files import load_data, read_register
from ilp.lifecycle import national
from ilp.network import ACTIONABLE, FacilityType, Network, can_give, load_network
from ilp.network._targets import home_visits, targets, weekly_list
from ilp.population import WorkLists, work_lists
from ilp.population._worklist_day import _lexsort
from ilp.population._worklist_register import _Register, _Slots
from ilp.population._worklist_rows import work_list_json
from ilp.population._worklists import _catalogue_of
from ilp.population.batch.plan import plan_of


@pytest.fixture(scope="module")
def demo() -> tuple[Network, FamilyRegister, pendulum.Date]:
    with resources.as_file(resources.files("ilp").joinpath("data/demo/kecamatan")) as path:
        folder = Path(path)
        manifest = load_data(folder / "demo.yaml")
        network = load_network(folder / str(manifest["network"]))
        register = read_register(folder / str(manifest["register"]))
    return network, register, pendulum.Date.fromisoformat(str(manifest["as_of"]))


def assert_equal_to_per_person(
    lists: WorkLists, network: Network, register: FamilyRegister
) -> None:
    """Each list of *lists* equals, field by field and reason by reason, the per-person one."""
    on = lists.on
    for site, tl in lists.targets.items():
        expected = targets(network, register, on, site=site)
        assert tl == expected
        assert tl.as_dict() == expected.as_dict()
    for site, tl in lists.weekly.items():
        expected = weekly_list(network, register, on, site=site)
        assert tl == expected
        assert tl.as_dict() == expected.as_dict()
    for area, visits in lists.home_visits.items():
        expected_visits = home_visits(network, register, on, area=area)
        assert visits == expected_visits
        assert [v.as_dict() for v in visits] == [v.as_dict() for v in expected_visits]


@pytest.mark.parametrize("days", [0, 7])
def test_the_sample_kecamatan_lists_equal_the_per_person_lists(
    demo: tuple[Network, FamilyRegister, pendulum.Date], days: int
) -> None:
    """Every Posyandu, Pustu and kader list of the sample equals the one made person by person."""
    network, register, as_of = demo
    lists = work_lists(network, register, as_of.add(days=days))
    assert set(lists.targets) == {f.id for f in network.of_type(FacilityType.POSYANDU)}
    assert set(lists.weekly) == {f.id for f in network.of_type(FacilityType.PUSTU)}
    assert set(lists.home_visits) == {f.area for f in network.of_type(FacilityType.POSYANDU)}
    assert sum(len(tl.targets) for tl in lists.targets.values()) > 0
    assert sum(len(tl.targets) for tl in lists.weekly.values()) > 0
    assert sum(len(v) for v in lists.home_visits.values()) > 0
    assert_equal_to_per_person(lists, network, register)


def test_any_site_and_area_may_be_asked_for(
    demo: tuple[Network, FamilyRegister, pendulum.Date],
) -> None:
    """A Puskesmas' target list, a desa's home visits and a Posyandu week are made on request."""
    network, register, as_of = demo
    pkm = network.of_type(FacilityType.PUSKESMAS)[0]
    posyandu = network.of_type(FacilityType.POSYANDU)[0]
    desa = network.facility(posyandu.parent or "").area if posyandu.parent else posyandu.area
    lists = work_lists(
        network,
        register,
        as_of.isoformat(),
        targets=[pkm.id],
        weekly=[posyandu],
        home_visits=[desa],
    )
    assert list(lists.targets) == [pkm.id]
    assert list(lists.weekly) == [posyandu.id]
    assert list(lists.home_visits) == [desa]
    assert_equal_to_per_person(lists, network, register)


@pytest.mark.parametrize("days", [0, 3, 10])
def test_days_of_target_lists_alone_evaluate_what_their_sites_give(
    demo: tuple[Network, FamilyRegister, pendulum.Date], days: int
) -> None:
    """A day with target lists only evaluates the entries its sites give: the same lists.

    Every facility (Posyandu, Pustu, Puskesmas) asked for its target list, nothing else, so
    that every day, the first too, has target lists alone; the other entries are put out of
    force on the day, and the slots stay the catalogue's.
    """
    network, register, as_of = demo
    on = as_of.add(days=days)
    sites = list(network.facilities)
    lists = work_lists(network, register, on, targets=sites, weekly=(), home_visits=())
    assert sum(len(tl.targets) for tl in lists.targets.values()) > 0
    assert_equal_to_per_person(lists, network, register)
    catalogue = national()
    posyandu = network.of_type(FacilityType.POSYANDU)[0]
    day = network.next_opening(posyandu, on) or on
    evaluated = _catalogue_of(
        catalogue,
        _Slots(catalogue),
        [("targets", posyandu.id, [posyandu.area], ACTIONABLE)],
        {posyandu.id: posyandu},
        {},
    )
    assert plan_of(evaluated).codes == plan_of(catalogue).codes
    assert evaluated.codes == catalogue.codes
    given = [
        e.key for e in catalogue.entries_on(day) if any(can_give(posyandu, s) for s in e.services)
    ]
    assert [e.key for e in evaluated.entries_on(day)] == given
    assert 0 < len(given) < len(catalogue.entries_on(day))


def test_empty_selections_make_no_lists(
    demo: tuple[Network, FamilyRegister, pendulum.Date],
) -> None:
    """Passing () for a kind leaves that kind out."""
    network, register, as_of = demo
    lists = work_lists(network, register, as_of, targets=(), weekly=(), home_visits=())
    assert (lists.targets, lists.weekly, lists.home_visits) == ({}, {}, {})


def test_an_unknown_area_is_refused(demo: tuple[Network, FamilyRegister, pendulum.Date]) -> None:
    """A home-visit area that is not in the network raises NetworkError naming it."""
    network, register, as_of = demo
    with pytest.raises(NetworkError, match="'dusun-x'"):
        work_lists(network, register, as_of, home_visits=["dusun-x"])


def test_an_unknown_site_is_refused(demo: tuple[Network, FamilyRegister, pendulum.Date]) -> None:
    """A site id that is not in the network raises NetworkError naming it."""
    network, register, as_of = demo
    with pytest.raises(NetworkError, match="'pos-x'"):
        work_lists(network, register, as_of, targets=["pos-x"])


def test_a_record_before_birth_is_named(
    demo: tuple[Network, FamilyRegister, pendulum.Date],
) -> None:
    """A history record dated before its person's birth raises InvalidRecordError, as due() does."""
    network, register, as_of = demo
    person = register.families[0].members[0].person
    early = ServiceRecord("BCG", person.birth_date.subtract(days=1))
    broken = attrs.evolve(register, histories={**register.histories, person.id: (early,)})
    with pytest.raises(InvalidRecordError, match="before the date of birth"):
        work_lists(network, broken, as_of)


def test_histories_of_people_outside_the_register_are_ignored(
    demo: tuple[Network, FamilyRegister, pendulum.Date],
) -> None:
    """Records of an id no family holds change nothing, as for the per-person lists."""
    network, register, as_of = demo
    extra = attrs.evolve(
        register, histories={**register.histories, "nobody": (ServiceRecord("BCG", as_of),)}
    )
    lists = work_lists(network, extra, as_of, weekly=(), home_visits=())
    assert lists.targets == work_lists(network, register, as_of, weekly=(), home_visits=()).targets


def test_each_person_takes_the_region_of_their_area(
    demo: tuple[Network, FamilyRegister, pendulum.Date],
) -> None:
    """The endemic desa's lists carry JE both ways; a region passed by hand wins everywhere."""
    network, register, as_of = demo
    endemic = {a.id for a in network.within("desa-gunungsari")}
    lists = work_lists(network, register, as_of, weekly=(), home_visits=())
    with_je = {site for site, tl in lists.targets.items() if "JE" in tl.counts()}
    assert with_je
    assert all(lists.targets[site].site.area in endemic for site in with_je)
    plain = work_lists(network, register, as_of, weekly=(), home_visits=(), region=Region())
    assert not any("JE" in tl.counts() for tl in plain.targets.values())
    for site, tl in plain.targets.items():
        assert tl == targets(network, register, as_of, site=site, region=Region())


def test_the_mappings_behave_as_dicts_of_the_lists(
    demo: tuple[Network, FamilyRegister, pendulum.Date],
) -> None:
    """Lists made when first read compare, print and pickle as the dict of the lists."""
    network, register, on = demo
    lists = work_lists(network, register, on)
    made = work_lists(network, register, on)
    for kind in ("targets", "weekly", "home_visits"):
        lazy, plain = getattr(lists, kind), dict(getattr(made, kind))
        assert repr(lazy) == repr(plain)  # every list made on the way
        assert lazy == plain
        assert plain == lazy
        assert lazy != {**plain, "x": ()}
        assert list(lazy) == list(plain)
        assert len(lazy) == len(plain)
        key = next(iter(plain))
        assert lazy[key] is lazy[key]  # made once
        assert lazy.get("no such site") is None
        with pytest.raises(KeyError):
            lazy["no such site"]
        with pytest.raises(TypeError, match="unhashable"):
            hash(lazy)
        back = pickle.loads(pickle.dumps(lazy))
        assert type(back) is dict
        assert back == plain
    again = pickle.loads(pickle.dumps(lists))
    assert again.targets == made.targets
    assert again.home_visits == made.home_visits
    assert again.weekly == made.weekly
    assert again.on == lists.on
    assert repr(lists) == repr(made)  # repr(frozenset) may differ once unpickled: not compared


def test_json_from_the_rows_equals_json_of_the_lists(
    demo: tuple[Network, FamilyRegister, pendulum.Date],
) -> None:
    """What ``ilp targets``/``ilp home-visits`` print, written from the rows before any list is made."""
    network, register, on = demo
    lists = work_lists(network, register, on.add(days=7))
    for kind in ("targets", "weekly", "home_visits"):
        lazy = getattr(lists, kind)
        texts = {key: work_list_json(lazy, key) for key in lazy}
        assert lazy._made == {}
        for key, text in texts.items():
            value = lazy[key]
            if kind == "home_visits":
                assert text == json.dumps(
                    [v.as_dict() for v in value], ensure_ascii=False, indent=2
                )
            else:
                assert text == json.dumps(value.as_dict(), ensure_ascii=False, indent=2)
            assert work_list_json(dict(lazy), key) == text  # lists already made: the same text


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_a_day_takes_the_records_history_take_takes(
    demo: tuple[Network, FamilyRegister, pendulum.Date], data: st.DataObject
) -> None:
    """Each evaluation's history (gathered from its rows' own records) equals History.take."""
    register = demo[1]
    reg = _Register(register)
    n = len(reg.population)
    rows = data.draw(
        st.sampled_from([np.arange(n), np.arange(0), np.arange(n - 1)])
        | st.sets(st.integers(0, n - 1), max_size=200).map(lambda s: np.array(sorted(s), int))
    )
    mine, theirs = reg.history_of(rows), reg.history.take(rows)
    assert mine.codes == theirs.codes
    assert mine.persons == theirs.persons
    for name in ("rec_person", "rec_code", "rec_day", "offsets"):
        assert getattr(mine, name).dtype == getattr(theirs, name).dtype
        assert np.array_equal(getattr(mine, name), getattr(theirs, name)), name
    assert reg.population_of(rows).ids.tolist() == reg.population.take(rows).ids.tolist()


@given(
    st.lists(st.tuples(st.integers(-3, 3), st.integers(0, 2**20), st.integers(0, 5)), max_size=40),
    st.integers(0, 42),
)
@example([(0, 2**20, 1), (1, 0, 0)], 42)  # 64 bits: the second key alone takes 63
def test_items_are_sorted_as_lexsort_sorts_them(
    rows: list[tuple[int, int, int]], wide: int
) -> None:
    """The packed one-key sort of a day's items equals np.lexsort, ties and wide keys too."""
    keys = [np.array([r[k] for r in rows], np.int64) for k in range(3)]
    keys[1] = keys[1] << wide  # past 62 bits in all: np.lexsort itself
    assert _lexsort(keys).tolist() == np.lexsort(keys).tolist()
