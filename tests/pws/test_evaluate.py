"""Indicators per area and month on small registers with dates from the domain documents."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from importlib import resources

import numpy as np
import pytest

from ilp.errors import MonitoringError
from ilp.files import read_register_columns
from ilp.network import Network
from ilp.people import (
    Condition,
    Family,
    FamilyRegister,
    Member,
    Person,
    Pregnancy,
    ServiceRecord,
    Sex,
)
from ilp.population import ColumnRegister, Population
from ilp.pws import (
    Assumptions,
    Evaluation,
    Level,
    RegisterColumns,
    Status,
    evaluate,
    parse_month,
    register_columns,
    status_of,
)
from ilp.pws._missing import missing, work_list

HOME = "desa-sumberejo-krajan"
DESA = "desa-sumberejo"


def ev_of(
    network: Network,
    people: Iterable[Person],
    records: dict[str, list[tuple[str, str]]] | None = None,
    *,
    year: int = 2025,
    assumptions: Assumptions | None = None,
) -> Evaluation:
    people = list(people)
    hist = {
        pid: tuple(ServiceRecord(c, d) for c, d in recs) for pid, recs in (records or {}).items()
    }
    pop, h = Population.from_people(people, hist)
    return evaluate(pop, h, network, year=year, assumptions=assumptions)


def row(ev: Evaluation, iid: str, area: str = DESA, level: str = "desa") -> int:
    return ev.grouping(level).ids.index(area)


def mother(pid: str = "m1", lmp: str = "2024-11-01", **kw: object) -> Person:
    return Person(
        pid,
        Sex.FEMALE,
        "1995-03-01",
        pregnancies=(Pregnancy(lmp, **kw),),  # type: ignore[arg-type]
        residence=HOME,
    )


@pytest.fixture
def net(demo: tuple[Network, FamilyRegister]) -> Network:
    return demo[0]


class TestPregnancy:
    def test_k4_needs_one_two_trimester_spread(self, net: Network) -> None:
        """K4 = 1 contact in T1 (to 12w6d), 1 in T2, 2 in T3 (decisions.md Time)."""
        m = mother(delivery_date="2025-08-05")
        lmp = dt.date(2024, 11, 1)
        visits = [lmp + dt.timedelta(days=d) for d in (90, 150, 200, 250)]
        recs = {"m1": [("ANC-K1", v.isoformat()) for v in visits]}
        ev = ev_of(net, [m], recs)
        v = ev.values("K4")
        r = row(ev, "K4")
        # served on the 4th visit: day 250 = 2025-07-09, month index 6
        assert v.numerator[r].tolist() == [0] * 6 + [1] + [0] * 5
        assert v.cumulative_denominator[r].tolist() == [1] * 12

    def test_day_91_is_trimester_two(self, net: Network) -> None:
        """A first contact on day 91 (13 weeks) is not K1 murni."""
        m = mother(delivery_date="2025-08-05")
        day = (dt.date(2024, 11, 1) + dt.timedelta(days=91)).isoformat()
        ev = ev_of(net, [m], {"m1": [("ANC-K1", day)]})
        assert ev.values("K1").cumulative_numerator[row(ev, "K1"), 11] == 1
        assert ev.values("K1-MURNI").cumulative_numerator[row(ev, "K1"), 11] == 0

    def test_a_contact_before_january_counts_in_january(self, net: Network) -> None:
        """K1 in December for a pregnancy ending in the year counts in January."""
        m = mother(delivery_date="2025-08-05")
        ev = ev_of(net, [m], {"m1": [("ANC-K1", "2024-12-10")]})
        assert ev.values("K1").numerator[row(ev, "K1"), 0] == 1

    def test_facility_delivery(self, net: Network) -> None:
        """PN counts deliveries in a facility in the month of delivery."""
        a = mother("a", delivery_date="2025-08-05", in_facility=True)
        b = mother("b", delivery_date="2025-08-06", in_facility=False)
        ev = ev_of(net, [a, b])
        v = ev.values("PN")
        assert v.numerator[row(ev, "PN"), 7] == 1
        assert v.cumulative_denominator[row(ev, "PN"), 7] == 2
        assert v.cumulative_denominator[row(ev, "PN"), 6] == 0

    def test_kf_windows_count_from_delivery(self, net: Network) -> None:
        """KF1 0–2, KF2 3–7, KF3 8–28, KF4 29–42 days; a KF3 on day 29 does not count."""
        m = mother(delivery_date="2025-08-01")
        good = {
            "m1": [
                ("KF-1", "2025-08-02"),
                ("KF-2", "2025-08-05"),
                ("KF-3", "2025-08-20"),
                ("KF-4", "2025-09-05"),
            ]
        }
        bad = {
            "m1": [
                ("KF-1", "2025-08-02"),
                ("KF-2", "2025-08-05"),
                ("KF-3", "2025-08-30"),
                ("KF-4", "2025-09-05"),
            ]
        }
        assert ev_of(net, [m], good).values("KF-LENGKAP").numerator[1, 8] == 1
        assert ev_of(net, [m], bad).values("KF-LENGKAP").cumulative_numerator[1, 11] == 0


class TestChildren:
    def test_idl_must_be_complete_before_the_first_birthday(self, net: Network) -> None:
        """IDL counts children reaching 12 months in the year, complete before that birthday."""
        codes = [
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
        ]
        early = Person("c1", Sex.MALE, "2024-03-10", residence=HOME)
        late = Person("c2", Sex.MALE, "2024-03-10", residence=HOME)
        recs = {
            "c1": [(c, "2024-08-01") for c in codes] + [("MR-1", "2025-03-09")],
            "c2": [(c, "2024-08-01") for c in codes] + [("MR-1", "2025-03-10")],
        }
        ev = ev_of(net, [early, late], recs)
        v = ev.values("IDL")
        r = row(ev, "IDL")
        assert v.cumulative_denominator[r, 0] == 2
        assert v.numerator[r].tolist() == [0, 0, 1] + [0] * 9

    def test_kn1_window(self, net: Network) -> None:
        """KN1 is 0–2 days after birth."""
        a = Person("a", Sex.FEMALE, "2025-05-01", residence=HOME)
        b = Person("b", Sex.FEMALE, "2025-05-01", residence=HOME)
        ev = ev_of(net, [a, b], {"a": [("KN-1", "2025-05-03")], "b": [("KN-1", "2025-05-04")]})
        v = ev.values("KN1")
        assert v.cumulative_numerator[row(ev, "KN1"), 11] == 1
        assert v.cumulative_denominator[row(ev, "KN1"), 4] == 2

    def test_balita_weighed_eight_times(self, net: Network) -> None:
        """Served on the 8th weighing of the year."""
        c = Person("c", Sex.MALE, "2023-01-15", residence=HOME)
        recs = {"c": [("GROWTH", f"2025-{m:02d}-10") for m in range(1, 9)]}
        v = ev_of(net, [c], recs).values("BALITA-TIMBANG-8")
        assert v.numerator[1].tolist() == [0] * 7 + [1] + [0] * 4

    def test_dropout_negative_is_reported(self, net: Network) -> None:
        """More DPT3 than DPT1 in a period gives a negative drop-out, reported as a data problem."""
        c = Person("c", Sex.MALE, "2024-09-01", residence=HOME)
        ev = ev_of(
            net, [c], {"c": [("DPT-HB-HIB-1", "2024-11-01"), ("DPT-HB-HIB-3", "2025-01-05")]}
        )
        v = ev.values("DO-DPT1-DPT3")
        assert v.cumulative_numerator[1, 0] == -1
        assert (DESA, 0) in v.negative()

    def test_skdn_n_needs_weights(self, net: Network) -> None:
        """N/D: gained on last month's weight; without weights there is nothing to count."""
        c = Person("c", Sex.MALE, "2024-01-15", residence=HOME)
        hist = {
            "c": (
                ServiceRecord("GROWTH", "2025-01-10", value=9.0),
                ServiceRecord("GROWTH", "2025-02-10", value=9.4),
                ServiceRecord("GROWTH", "2025-03-10", value=9.3),
            )
        }
        pop, h = Population.from_people([c], hist)
        no = evaluate(pop, h, net, year=2025).values("N-D")
        assert no.cumulative_denominator.sum() == 0
        w = np.array([9.0, 9.4, 9.3])
        v = evaluate(pop, h, net, year=2025, weights=w).values("N-D")
        assert v.numerator[1, :3].tolist() == [0, 1, 0]
        assert v.denominator[1, :3].tolist() == [1, 1, 1]
        strict = evaluate(
            pop, h, net, year=2025, weights=w, assumptions=Assumptions(skdn_nd_base="D-O-B")
        )
        assert strict.values("N-D").denominator[1, :3].tolist() == [0, 1, 1]


class TestMonthly:
    def test_hypertension_every_month(self, net: Network) -> None:
        """Cumulative: controlled in every month so far; a missed month stays missed."""
        p = Person("h", Sex.MALE, "1960-01-01", conditions=[Condition.HYPERTENSION], residence=HOME)
        recs = {
            "h": [
                ("HT-CONTROL", "2025-01-05"),
                ("HT-CONTROL", "2025-02-27"),
                ("HT-CONTROL", "2025-04-01"),
            ]
        }
        v = ev_of(net, [p], recs).values("HT-BULANAN")
        assert v.numerator[1, :4].tolist() == [1, 1, 0, 1]
        assert v.cumulative_numerator[1, :4].tolist() == [1, 1, 0, 0]
        assert v.cumulative_denominator[1, :4].tolist() == [1, 1, 1, 1]

    def test_a_death_ends_membership(self, net: Network) -> None:
        """Someone who died in March is in the group January to March only."""
        p = Person(
            "h",
            Sex.MALE,
            "1960-01-01",
            death_date="2025-03-15",
            conditions=[Condition.DIABETES],
            residence=HOME,
        )
        v = ev_of(net, [p]).values("DM-BULANAN")
        assert v.denominator[1].tolist() == [1, 1, 1] + [0] * 9


class TestLevelsAndTables:
    def test_levels_sum_to_the_puskesmas(self, demo_eval: Evaluation) -> None:
        """Desa values add up to the Puskesmas value (disjoint members)."""
        for iid in ("K4", "IDL", "HT-BULANAN", "D-S", "DO-DPT1-MR1", "SPM-6"):
            desa = demo_eval.values(iid, "desa")
            pkm = demo_eval.values(iid, "puskesmas")
            assert np.array_equal(
                desa.cumulative_numerator.sum(axis=0), pkm.cumulative_numerator[0]
            )
            kab = demo_eval.values(iid, "kabupaten")
            assert np.array_equal(kab.cumulative_denominator[0], pkm.cumulative_denominator[0])

    def test_dusun_level(self, demo_eval: Evaluation) -> None:
        """People are grouped by their dusun/RW."""
        v = demo_eval.values("D-S", "dusun")
        assert len(v.areas) == 12
        assert v.denominator.sum() > 0

    def test_pws_json_shape(self, demo_eval: Evaluation) -> None:
        """The contract of `ilp pws --format json`."""
        t = demo_eval.pws("K4", 10).as_dict()
        assert list(t) == ["indicator", "month", "target", "target_line", "rows"]
        assert t["target_line"] == round(95 * 10 / 12, 1)
        assert list(t["rows"][0]) == [
            "area",
            "level",
            "numerator",
            "denominator",
            "percent",
            "cumulative_numerator",
            "cumulative_denominator",
            "cumulative_percent",
            "previous_percent",
            "status",
        ]
        assert {r["status"] for r in t["rows"]} <= {"baik", "kurang", "cukup", "jelek", None}

    def test_estimated_denominator(self, demo_eval: Evaluation) -> None:
        """With the estimate as denominator, the annual sasaran is the CBR estimate."""
        t = demo_eval.pws("K1", 6, denominator="estimated")
        assert all(r.denominator == r.estimated for r in t.rows)

    def test_spm_rows(self, demo_eval: Evaluation) -> None:
        """12 services per area; the gap is sasaran minus served."""
        s = demo_eval.spm(10, levels=("puskesmas",))
        assert [r.service for r in s.rows] == list(range(1, 13))
        assert all(r.gap == r.sasaran - r.served for r in s.rows)
        assert s.as_dict()["through"] == "2025-10"

    def test_uci_counts_desa(self, demo_eval: Evaluation) -> None:
        """UCI at Puskesmas level: UCI desa over all desa."""
        v = demo_eval.values("UCI", "puskesmas")
        assert v.cumulative_denominator[0, 9] == 4

    def test_uci_threshold_is_a_parameter(self, demo: tuple[Network, FamilyRegister]) -> None:
        """A zero threshold makes every desa with infants UCI."""
        net, reg = demo
        cols = register_columns(reg, net)
        ev = evaluate(
            cols.population, cols.history, net, year=2025, assumptions=Assumptions(uci_threshold=0)
        )
        idl = ev.values("IDL")
        assert (
            ev.values("UCI").cumulative_numerator[:, 9].sum()
            == (idl.cumulative_denominator[:, 9] > 0).sum()
        )

    def test_frames_and_html(self, demo_eval: Evaluation) -> None:
        """Results convert to pandas and show as HTML tables in notebooks."""
        t = demo_eval.pws("IDL", 10)
        assert len(t.to_frame()) == 4
        assert "<table>" in t._repr_html_()
        s = demo_eval.spm(10)
        assert len(s.to_frame()) == 48
        assert "SPM 2025" in s._repr_html_()

    def test_missing_names_the_gap(
        self, demo_eval: Evaluation, demo: tuple[Network, FamilyRegister]
    ) -> None:
        """Those missing are exactly the sasaran minus the served, in the area asked."""
        t = demo_eval.pws("K4", 10)
        gap = sum(r.cumulative_denominator - r.cumulative_numerator for r in t.rows)
        found = missing(demo_eval, "K4", 10)
        assert len(found) == gap
        one = missing(demo_eval, "K4", 10, area=DESA)
        assert {x.area for x in one} == {DESA}
        rows = work_list(one, demo_eval.indicator("K4"), demo[1], demo[0], dt.date(2025, 10, 31))
        assert all(r["posyandu"] for r in rows)
        assert all(r["name"] for r in rows)

    def test_missing_for_monthly_and_dropout(self, demo_eval: Evaluation) -> None:
        """Monthly: in the group, not served this month; drop-out: first dose, no second."""
        t = demo_eval.pws("HT-BULANAN", 10)
        assert len(missing(demo_eval, "HT-BULANAN", 10)) == sum(
            r.denominator - r.numerator for r in t.rows
        )
        assert len(missing(demo_eval, "UCI", 10)) == len(missing(demo_eval, "IDL", 10))
        assert len(missing(demo_eval, "CONTINUUM-KIA", 10)) == len(
            missing(demo_eval, "KN-LENGKAP", 10)
        )
        assert missing(demo_eval, "DO-DPT1-MR1", 10)


class TestStatus:
    @pytest.mark.parametrize(
        ("cum", "this", "last", "expected"),
        [
            (50.0, 10.0, 8.0, Status.BAIK),
            (50.0, 10.0, 10.0, Status.BAIK),
            (50.0, 5.0, 8.0, Status.KURANG),
            (30.0, 10.0, 8.0, Status.CUKUP),
            (30.0, 5.0, 8.0, Status.JELEK),
            (30.0, None, 8.0, Status.CUKUP),
        ],
    )
    def test_four_statuses(
        self, cum: float, this: float | None, last: float | None, expected: Status
    ) -> None:
        """monitoring.md §3: target line 45 % (90 % by June)."""
        assert status_of(cum, 45.0, this, last) is expected

    def test_lower_is_better(self) -> None:
        """A drop-out under 5 % and falling is baik."""
        assert status_of(3.0, 5.0, 2.0, 4.0, lower_is_better=True) is Status.BAIK
        assert status_of(8.0, 5.0, 9.0, 4.0, lower_is_better=True) is Status.JELEK

    def test_no_value(self) -> None:
        """No denominator: no status."""
        assert status_of(None, 45.0, None, None) is None


class TestBadInput:
    @pytest.mark.parametrize("text", ["2025-13", "2025-1", "25-01", "2025/01", "", "abcd-ef"])
    def test_bad_month(self, text: str) -> None:
        """A malformed month raises MonitoringError naming it."""
        with pytest.raises(MonitoringError, match=repr(text)):
            parse_month(text)

    def test_good_month(self) -> None:
        """YYYY-MM."""
        assert parse_month("2025-06") == (2025, 6)

    def test_bad_level(self, demo_eval: Evaluation) -> None:
        """Unknown levels are named."""
        with pytest.raises(MonitoringError, match="'rt'"):
            demo_eval.values("K4", "rt")
        assert Level.parse(Level.DESA) is Level.DESA

    def test_bad_year(self, demo_eval: Evaluation) -> None:
        """A year must be a whole calendar year."""
        with pytest.raises(MonitoringError, match="year"):
            evaluate(demo_eval.population, demo_eval.history, demo_eval.network, year=True)

    def test_residence_outside_the_network(self, net: Network) -> None:
        """A home that is not an area of the network is named."""
        p = Person("x", Sex.MALE, "1990-01-01", residence="desa-atlantis")
        with pytest.raises(MonitoringError, match="'desa-atlantis'"):
            ev_of(net, [p])

    def test_record_place_outside_the_network(self, net: Network) -> None:
        """A record at a place the network does not know is named."""
        p = Person("x", Sex.MALE, "1990-01-01", residence=HOME)
        fam = Family("3507990101010001", [Member(p, "head")])
        reg = FamilyRegister(
            (fam,), {"x": (ServiceRecord("PTM-SCREEN", "2025-01-01", place="rs-nowhere"),)}
        )
        with pytest.raises(MonitoringError, match="'rs-nowhere'"):
            register_columns(reg, net)

    def test_records_of_someone_outside_the_register(self, net: Network) -> None:
        """Records must belong to a member of a family."""
        p = Person("x", Sex.MALE, "1990-01-01", residence=HOME)
        fam = Family("3507990101010001", [Member(p, "head")])
        reg = FamilyRegister((fam,), {"ghost": (ServiceRecord("PTM-SCREEN", "2025-01-01"),)})
        with pytest.raises(MonitoringError, match="'ghost'"):
            register_columns(reg, net)

    def test_weights_follow_their_records(self, net: Network) -> None:
        """Measured values stay with their records after sorting."""
        p = Person("x", Sex.MALE, "2024-01-01", residence=HOME)
        fam = Family("3507990101010001", [Member(p, "head")])
        recs = (
            ServiceRecord("GROWTH", "2025-03-01", value=9.5),
            ServiceRecord("BCG", "2024-01-02"),
            ServiceRecord("GROWTH", "2025-01-01", value=9.0),
        )
        cols = register_columns(FamilyRegister((fam,), {"x": recs}), net)
        growth = cols.history.codes.index("GROWTH")
        sel = cols.history.rec_code == growth
        assert cols.weights[sel].tolist() == [9.0, 9.5]
        assert np.isnan(cols.weights[~sel]).all()

    def test_bad_weights(self, demo_eval: Evaluation) -> None:
        """One weight per record."""
        with pytest.raises(MonitoringError, match="weights"):
            evaluate(
                demo_eval.population,
                demo_eval.history,
                demo_eval.network,
                year=2025,
                weights=np.zeros(2),
            )

    def test_bad_month_numbers(self, demo_eval: Evaluation) -> None:
        """Months are 1–12."""
        with pytest.raises(MonitoringError, match="13"):
            demo_eval.pws("K4", 13)
        with pytest.raises(MonitoringError, match="0"):
            demo_eval.spm(0)
        with pytest.raises(MonitoringError, match="13"):
            missing(demo_eval, "K4", 13)
        with pytest.raises(MonitoringError, match="'nowhere'"):
            missing(demo_eval, "K4", 3, area="nowhere")
        with pytest.raises(MonitoringError, match="'guessed'"):
            demo_eval.pws("K4", 3, denominator="guessed")

    @pytest.mark.parametrize(
        "kw",
        [{"cbr": -1}, {"uci_threshold": 120}, {"skdn_nd_base": "X"}, {"skdn_gain": "kbm"}],
    )
    def test_bad_assumptions(self, kw: dict[str, object]) -> None:
        """Each assumption is checked and named."""
        with pytest.raises(MonitoringError, match=next(iter(kw))):
            Assumptions(**kw)  # type: ignore[arg-type]


class TestColumnRegister:
    """register_columns of a ColumnRegister equals that of the FamilyRegister it holds."""

    @staticmethod
    def _same(a: RegisterColumns, b: RegisterColumns) -> None:
        for name in ("ids", "birth", "sex", "death", "conditions", "residence", "preg_lmp"):
            assert np.array_equal(getattr(a.population, name), getattr(b.population, name))
        assert a.population.areas == b.population.areas
        assert a.history.codes == b.history.codes
        for name in ("rec_person", "rec_code", "rec_day"):
            assert np.array_equal(getattr(a.history, name), getattr(b.history, name))
        assert np.array_equal(a.weights, b.weights, equal_nan=True)

    def test_the_demo_read_into_columns(self, demo: tuple[Network, FamilyRegister]) -> None:
        """The sample kecamatan: the same columns and weights from its files read as columns."""
        net, reg = demo
        root = resources.files("ilp").joinpath("data/demo/kecamatan")
        with resources.as_file(root) as folder:
            columns = read_register_columns(folder)
        self._same(register_columns(columns, net), register_columns(reg, net))
        self._same(
            register_columns(ColumnRegister.from_register(reg), net), register_columns(reg, net)
        )

    def test_a_bad_home_or_place_is_named_the_same_way(self, net: Network) -> None:
        """From columns, a home or record place outside the network raises the same error."""
        p = Person("x", Sex.MALE, "1990-01-01", residence=HOME)
        fam = Family("3507990101010001", [Member(p, "head")])
        bad_place = FamilyRegister(
            (fam,), {"x": (ServiceRecord("PTM-SCREEN", "2025-01-01", place="rs-nowhere"),)}
        )
        lost = Person("y", Sex.MALE, "1990-01-01", residence="desa-atlantis")
        bad_home = FamilyRegister((Family("3507990101010002", [Member(lost, "head")]),), {})
        for reg, name in ((bad_place, "'rs-nowhere'"), (bad_home, "'desa-atlantis'")):
            with pytest.raises(MonitoringError, match=name) as expected:
                register_columns(reg, net)
            with pytest.raises(MonitoringError) as found:
                register_columns(ColumnRegister.from_register(reg), net)
            assert str(found.value) == str(expected.value)
