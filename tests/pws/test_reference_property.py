"""The columnar indicators equal the slow per-person reference on generated registers."""

from __future__ import annotations

import datetime as dt
import functools

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from tests.pws.reference import reference

from ilp._cli_network import demo_kecamatan
from ilp.errors import ILPError
from ilp.network import Network
from ilp.people import Condition, Person, Pregnancy, ServiceRecord, Sex
from ilp.population import Population
from ilp.pws import IndicatorKind, evaluate, indicators

YEAR = 2025
AREAS = (
    "kel-sukamaju-rw01",
    "kel-sukamaju",
    "desa-sumberejo-krajan",
    "desa-mulyoagung-ngadirejo",
    "desa-gunungsari-watugede",
)
CODES = (
    "ANC-K1",
    "ANC-K2",
    "ANC-K4",
    "ANC-K6",
    "KF-1",
    "KF-2",
    "KF-3",
    "KF-4",
    "KN-1",
    "KN-2",
    "KN-3",
    "HB0",
    "BCG",
    "DPT-HB-HIB-1",
    "DPT-HB-HIB-2",
    "DPT-HB-HIB-3",
    "OPV-1",
    "OPV-2",
    "OPV-3",
    "OPV-4",
    "IPV-1",
    "MR-1",
    "GROWTH",
    "VITA-BLUE",
    "VITA-RED",
    "HT-CONTROL",
    "DM-CONTROL",
    "PTM-SCREEN",
    "SKILAS",
    "TB-SCREEN",
    "ANC-TRIPLE-ELIM",
)


@functools.cache
def _network() -> Network:
    return demo_kecamatan()[0]


FIRST = dt.date(YEAR - 3, 1, 1).toordinal()
LAST = dt.date(YEAR, 12, 31).toordinal()


@st.composite
def person_and_records(draw: st.DrawFn, k: int) -> tuple[Person, tuple[ServiceRecord, ...]]:
    kind = draw(st.sampled_from(["child", "woman", "adult"]))
    young = kind == "child"
    if kind == "woman":
        lo, hi = dt.date(YEAR - 40, 1, 1), dt.date(YEAR - 18, 1, 1)
    elif young:
        lo, hi = dt.date(YEAR - 3, 1, 1), dt.date(YEAR, 12, 31)
    else:
        lo, hi = dt.date(YEAR - 75, 1, 1), dt.date(YEAR, 12, 31)
    birth = dt.date.fromordinal(draw(st.integers(lo.toordinal(), hi.toordinal())))
    sex = Sex.FEMALE if kind == "woman" else draw(st.sampled_from([Sex.FEMALE, Sex.MALE]))
    death = None
    if draw(st.integers(0, 5)) == 0:
        death = dt.date.fromordinal(draw(st.integers(birth.toordinal(), LAST)))
    conditions = draw(st.frozensets(st.sampled_from([Condition.HYPERTENSION, Condition.DIABETES])))
    pregnancies: list[Pregnancy] = []
    if sex is Sex.FEMALE and not young and birth.year < YEAR - 16:
        lmp = dt.date.fromordinal(draw(st.integers(FIRST, LAST - 30)))
        for _ in range(draw(st.integers(0, 2))):
            if death is not None and lmp > death:
                break
            length = draw(st.integers(150, 300))
            delivered = draw(st.booleans())
            dl = lmp + dt.timedelta(days=length) if delivered else None
            in_facility = draw(st.sampled_from([None, False, True])) if delivered else None
            pregnancies.append(Pregnancy(lmp, delivery_date=dl, in_facility=in_facility))
            if dl is None:
                break
            lmp = dl + dt.timedelta(days=draw(st.integers(30, 200)))
            if lmp.toordinal() > LAST:
                break
    end = min(LAST, death.toordinal() if death else LAST)
    day = st.integers(birth.toordinal(), end)
    records = draw(
        st.lists(
            st.builds(
                lambda c, d: ServiceRecord(c, dt.date.fromordinal(d)),
                st.sampled_from(CODES),
                day,
            ),
            max_size=25,
        )
    )
    # records near the days the windows count from: HPHT, delivery, birth
    gest = st.one_of(st.integers(0, 100), st.integers(80, 185), st.integers(170, 310))
    for q in pregnancies:
        for _ in range(draw(st.integers(0, 8))):
            d = q.lmp.toordinal() + draw(gest)
            if birth.toordinal() <= d <= end:
                code = draw(st.sampled_from(("ANC-K1", "ANC-K4", "ANC-K6", "ANC-TRIPLE-ELIM")))
                records.append(ServiceRecord(code, dt.date.fromordinal(d)))
    near: list[tuple[dt.date, tuple[str, ...], int]] = []
    near += [
        (q.delivery_date, ("KF-1", "KF-2", "KF-3", "KF-4"), 45)
        for q in pregnancies
        if q.delivery_date
    ]
    near.append((birth, ("KN-1", "KN-2", "KN-3", "HB0", "DPT-HB-HIB-1", "MR-1"), 400))
    for start, codes, span in near:
        for _ in range(draw(st.integers(0, 6))):
            d = start.toordinal() + draw(st.integers(0, span))
            if birth.toordinal() <= d <= end:
                records.append(ServiceRecord(draw(st.sampled_from(codes)), dt.date.fromordinal(d)))
    try:
        p = Person(
            f"p{k}",
            sex,
            birth,
            death_date=death,
            conditions=conditions,
            pregnancies=tuple(pregnancies),
            residence=draw(st.sampled_from(AREAS)),
        )
    except ILPError:
        assume(condition=False)
        raise
    return p, tuple(records)


@st.composite
def registers(draw: st.DrawFn) -> tuple[list[Person], dict[str, tuple[ServiceRecord, ...]]]:
    n = draw(st.integers(1, 16))
    pairs = [draw(person_and_records(k)) for k in range(n)]
    return [p for p, _ in pairs], {p.id: r for p, r in pairs if r}


CHECKED = [
    i.id
    for i in indicators().in_force(dt.date(YEAR, 12, 31))
    if i.kind
    in (IndicatorKind.COVERAGE, IndicatorKind.COUNTS, IndicatorKind.MONTHLY, IndicatorKind.DROPOUT)
    or i.measure == "D/S"
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reg=registers())
def test_columnar_indicators_equal_the_per_person_reference(
    reg: tuple[list[Person], dict[str, tuple[ServiceRecord, ...]]],
) -> None:
    """Every coverage, counts, monthly, drop-out and D/S indicator agrees per desa and month."""
    network = _network()
    people, histories = reg
    population, history = Population.from_people(people, histories)
    ev = evaluate(population, history, network, year=YEAR)
    for iid in CHECKED:
        v = ev.values(iid, "desa")
        areas, num, den, cnum, cden = reference(v.indicator, people, histories, network, YEAR)
        assert list(v.areas) == areas
        assert np.array_equal(v.numerator, num), iid
        assert np.array_equal(v.denominator, den), iid
        assert np.array_equal(v.cumulative_numerator, cnum), iid
        assert np.array_equal(v.cumulative_denominator, cden), iid


def test_the_property_covers_every_counting_kind() -> None:
    """The property checks at least one indicator of each kind it claims to."""
    kinds = {indicators().get(i, dt.date(YEAR, 12, 31)).kind for i in CHECKED}
    assert kinds == {
        IndicatorKind.COVERAGE,
        IndicatorKind.COUNTS,
        IndicatorKind.MONTHLY,
        IndicatorKind.DROPOUT,
        IndicatorKind.SKDN,
    }
