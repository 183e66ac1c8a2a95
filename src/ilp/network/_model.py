"""The ILP network as values: administrative areas, facilities, staff, opening days.

A :class:`Network` holds the areas (province → kabupaten/kota → kecamatan →
desa/kelurahan → dusun/RW) and the facilities that serve them (Puskesmas,
Pustu, Posyandu, private partners, referral hospitals). Nothing here reads
files; :func:`ilp.network.load_network` builds networks from YAML.
"""

from __future__ import annotations

import calendar
import datetime as _dt
import enum
from collections.abc import Iterable, Iterator, Mapping
from typing import Final

import attrs
import pendulum

from ilp._coerce import known_values, member_of
from ilp._vocabulary import Cluster, Label, PointOfCare
from ilp.dates import as_date, from_day
from ilp.errors import NetworkError
from ilp.lifecycle import Region

__all__ = [
    "Area",
    "AreaLevel",
    "AreaType",
    "Facility",
    "FacilityType",
    "Gap",
    "KaderLevel",
    "Network",
    "Opening",
    "OpeningKind",
    "Staff",
    "StaffRole",
]


class AreaLevel(enum.IntEnum):
    """Administrative levels, from the top down; the value is the depth."""

    PROVINCE = 1  #: provinsi
    KABUPATEN = 2  #: kabupaten/kota
    KECAMATAN = 3  #: kecamatan
    DESA = 4  #: desa/kelurahan
    DUSUN = 5  #: dusun/RW

    @classmethod
    def parse(cls, value: object) -> AreaLevel:
        """Read a level from its name (``desa``, ``kelurahan``, ``rw`` are accepted)."""
        if isinstance(value, AreaLevel):
            return value
        key = str(value).strip().lower()
        found = _LEVEL_WORDS.get(key)
        if found is None:
            msg = f"{value!r} is not an area level ({', '.join(_LEVEL_WORDS)})"
            raise ValueError(msg)
        return found


_LEVEL_WORDS: Final = {
    "province": AreaLevel.PROVINCE,
    "provinsi": AreaLevel.PROVINCE,
    "kabupaten": AreaLevel.KABUPATEN,
    "kota": AreaLevel.KABUPATEN,
    "kecamatan": AreaLevel.KECAMATAN,
    "desa": AreaLevel.DESA,
    "kelurahan": AreaLevel.DESA,
    "dusun": AreaLevel.DUSUN,
    "rw": AreaLevel.DUSUN,
}


class AreaType(enum.Enum):
    """Area character (Permenkes 43/2019 classes; staffing and access differ)."""

    PERKOTAAN = "perkotaan"  #: urban
    PERDESAAN = "perdesaan"  #: rural
    TERPENCIL = "terpencil"  #: remote
    SANGAT_TERPENCIL = "sangat_terpencil"  #: very remote


def _flag_map(value: Mapping[str, bool]) -> Mapping[str, bool]:
    return dict(value)


@attrs.frozen
class Area:
    """An administrative area. Compares by value; ``id`` is unique in a network."""

    id: str
    name: str
    level: AreaLevel
    parent: str | None = None
    #: Official code (Kemendagri), if known.
    code: str | None = None
    #: Area character; inherited from the parent when None.
    type: AreaType | None = None
    #: Region flags set here (``{"je_endemic": True}``); inherited down the tree,
    #: overridable lower down (see :meth:`Network.region_of`).
    flags: Mapping[str, bool] = attrs.field(factory=dict, converter=_flag_map, hash=False)


class FacilityType(enum.Enum):
    """Kinds of place in the ILP network."""

    PUSKESMAS = "puskesmas"  #: Puskesmas, per kecamatan
    PUSTU = "pustu"  #: Puskesmas Pembantu, per desa/kelurahan
    POSYANDU = "posyandu"  #: Posyandu ILP, per dusun/RW
    KLINIK_PRATAMA = "klinik_pratama"  #: private primary clinic (jejaring)
    PRAKTIK_DOKTER = "praktik_dokter"  #: praktik mandiri dokter (jejaring)
    PRAKTIK_BIDAN = "praktik_bidan"  #: praktik mandiri bidan (jejaring)
    HOSPITAL = "hospital"  #: FKRTL, referral hospital

    @property
    def point_of_care(self) -> PointOfCare:
        """The column of the KMK package tables this kind of place stands for."""
        return _POC[self]

    @property
    def is_partner(self) -> bool:
        """True for private primary-care partners (jejaring)."""
        return self in _PARTNERS


_PARTNERS: Final = frozenset(
    {FacilityType.KLINIK_PRATAMA, FacilityType.PRAKTIK_DOKTER, FacilityType.PRAKTIK_BIDAN}
)
_POC: Final = {
    FacilityType.PUSKESMAS: PointOfCare.PUSKESMAS,
    FacilityType.PUSTU: PointOfCare.PUSTU,
    FacilityType.POSYANDU: PointOfCare.POSYANDU,
    # partners give what a Puskesmas gives, as far as the package tables go
    FacilityType.KLINIK_PRATAMA: PointOfCare.PUSKESMAS,
    FacilityType.PRAKTIK_DOKTER: PointOfCare.PUSKESMAS,
    FacilityType.PRAKTIK_BIDAN: PointOfCare.PUSTU,
    FacilityType.HOSPITAL: PointOfCare.HOSPITAL,
}


class StaffRole(enum.Enum):
    """Who works at a facility (the same words as the catalogue's ``providers``)."""

    DOKTER = "dokter"  #: physician
    DOKTER_GIGI = "dokter_gigi"  #: dentist
    BIDAN = "bidan"  #: midwife
    PERAWAT = "perawat"  #: nurse
    KADER = "kader"  #: community health worker
    NUTRISIONIS = "nutrisionis"  #: nutritionist
    SANITARIAN = "sanitarian"  #: environmental health officer
    APOTEKER = "apoteker"  #: pharmacist
    AHLI_LABORATORIUM = "ahli_laboratorium"  #: laboratory technologist
    PSIKOLOG = "psikolog"  #: psychologist
    GURU = "guru"  #: teacher (school services)
    TENAGA_PROMKES = "tenaga_promkes"  #: health promotion officer


class KaderLevel(enum.Enum):
    """Kader competence levels (Kemenkes 2023: 25 basic competencies)."""

    PURWA = "purwa"  #: first level
    MADYA = "madya"  #: middle level
    UTAMA = "utama"  #: highest level


@attrs.frozen
class Staff:
    """A staff member or kader of a facility."""

    id: str
    role: StaffRole
    name: str | None = None
    #: For kader: their competence level.
    kader_level: KaderLevel | None = None


def _ints(value: Iterable[int]) -> tuple[int, ...]:
    return tuple(value)


class OpeningKind(enum.StrEnum):
    """The kinds of :class:`Opening` rule (a string enum: each equals its code)."""

    WEEKDAYS = "weekdays"
    NTH_WEEKDAY = "nth_weekday"
    DAY_OF_MONTH = "day_of_month"


def _opening_kind(value: OpeningKind | str) -> OpeningKind:
    try:
        return OpeningKind(value)
    except (ValueError, TypeError):
        msg = f"invalid opening rule: kind {value!r} is not one of {known_values(OpeningKind)}"
        raise NetworkError(msg, key="opening", value=value) from None


_NTHS: Final = (1, 2, 3, 4, 5, -1)


@attrs.frozen
class Opening:
    """When a facility opens: a closed vocabulary of rules (*kind*, an :class:`OpeningKind`).

    - ``weekdays``: on the listed weekdays (0 = Monday), every week (Puskesmas, Pustu);
    - ``nth_weekday``: the *n*-th given weekday of each month (``n = -1``: the last),
      for example the second Tuesday;
    - ``day_of_month``: a fixed day of each month (the month's last day when shorter).

    Monthly openings that fall on a holiday or a Sunday move to the next
    day that is neither; weekly openings simply skip holidays.
    """

    kind: OpeningKind = attrs.field(converter=_opening_kind)
    weekdays: tuple[int, ...] = attrs.field(default=(), converter=_ints)
    n: int | None = None
    day: int | None = None

    def __attrs_post_init__(self) -> None:
        # a rule that can never open would make days() loop for ever: refuse it here
        problem = None
        if any(isinstance(w, bool) or w not in range(7) for w in self.weekdays):
            problem = f"weekdays {self.weekdays!r} are not all 0 (Monday) to 6 (Sunday)"
        elif self.kind is OpeningKind.WEEKDAYS and not self.weekdays:
            problem = "a weekly opening needs at least one weekday"
        elif self.kind is OpeningKind.NTH_WEEKDAY and len(self.weekdays) != 1:
            problem = f"an nth_weekday opening has one weekday, not {self.weekdays!r}"
        elif self.kind is OpeningKind.NTH_WEEKDAY and self.n not in _NTHS:
            problem = f"n={self.n!r} is not 1 to 5 or -1 (the last)"
        elif self.kind is OpeningKind.DAY_OF_MONTH and (
            isinstance(self.day, bool) or self.day not in range(1, 32)
        ):
            problem = f"day {self.day!r} is not a day of the month 1 to 31"
        if problem is not None:
            raise NetworkError(f"invalid opening rule: {problem}", key="opening", value=self)

    @classmethod
    def every(cls, *weekdays: int) -> Opening:
        """Open on these weekdays (0 = Monday) every week."""
        return cls(OpeningKind.WEEKDAYS, weekdays=tuple(sorted(set(weekdays))))

    @classmethod
    def nth(cls, n: int, weekday: int) -> Opening:
        """Open on the *n*-th *weekday* of each month (``n=-1`` for the last)."""
        return cls(OpeningKind.NTH_WEEKDAY, weekdays=(weekday,), n=n)

    @classmethod
    def monthly(cls, day: int) -> Opening:
        """Open on this day of each month (or the month's last day when shorter)."""
        return cls(OpeningKind.DAY_OF_MONTH, day=day)

    def describe(self) -> Label:
        """The rule in words, in Indonesian and English."""
        days_id = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
        days_en = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
        if self.kind is OpeningKind.WEEKDAYS:
            return Label(
                "setiap " + ", ".join(days_id[d] for d in self.weekdays),
                "every " + ", ".join(days_en[d] for d in self.weekdays),
            )
        if self.kind is OpeningKind.NTH_WEEKDAY:
            w = self.weekdays[0]
            nth_id = "terakhir" if self.n == -1 else f"ke-{self.n}"
            nth_en = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}.get(
                self.n or 0, f"{self.n}th"
            )
            return Label(
                f"hari {days_id[w]} {nth_id} setiap bulan",
                f"the {nth_en} {days_en[w]} of each month",
            )
        return Label(f"tanggal {self.day} setiap bulan", f"day {self.day} of each month")

    def _in_month(self, year: int, month: int) -> _dt.date | None:
        last = calendar.monthrange(year, month)[1]
        if self.kind is OpeningKind.DAY_OF_MONTH:
            assert self.day is not None
            return _dt.date(year, month, min(self.day, last))
        w, n = self.weekdays[0], self.n or 1
        days = [d for d in range(1, last + 1) if _dt.date(year, month, d).weekday() == w]
        if n == -1:
            return _dt.date(year, month, days[-1])
        return _dt.date(year, month, days[n - 1]) if n <= len(days) else None

    def days(
        self, start: _dt.date, holidays: frozenset[_dt.date] = frozenset()
    ) -> Iterator[pendulum.Date]:
        """Opening days on or after *start*, in order (an endless iterator)."""
        if self.kind is OpeningKind.WEEKDAYS:
            d = start.toordinal()
            if not self.weekdays:
                return
            while True:
                day = _dt.date.fromordinal(d)
                if day.weekday() in self.weekdays and day not in holidays:
                    yield from_day(d)
                d += 1
        year, month = start.year, start.month
        # a month's day may move into the next month: look one month back too
        year0, month0 = (year, month - 1) if month > 1 else (year - 1, 12)
        last: _dt.date | None = None
        for y, m in _months_from(year0, month0) if year0 >= 1 else _months_from(year, month):
            scheduled = self._in_month(y, m)
            if scheduled is None:
                continue
            # never on or before the previous month's (moved) day, so each month
            # keeps its own opening even when a long run of holidays pushes one on
            day = scheduled if last is None or scheduled > last else last + _ONE_DAY
            while day in holidays or day.weekday() == 6:
                day += _ONE_DAY
            last = day
            if day >= start:
                yield from_day(day.toordinal())

    def next_day(
        self, on: _dt.date, holidays: frozenset[_dt.date] = frozenset()
    ) -> pendulum.Date | None:
        """The first opening day on or after *on*, or None when the rule never opens."""
        return next(iter(self.days(on, holidays)), None)


_ONE_DAY: Final = _dt.timedelta(days=1)


def _months_from(year: int, month: int) -> Iterator[tuple[int, int]]:
    while True:
        yield year, month
        month += 1
        if month == 13:
            year, month = year + 1, 1


def _staff(value: Iterable[Staff]) -> tuple[Staff, ...]:
    return tuple(value)


def _codes(value: Iterable[str]) -> frozenset[str]:
    return frozenset(value)


def _overrides(value: Mapping[str, Cluster | int]) -> Mapping[str, Cluster]:
    return {k: member_of(Cluster, v, field=f"cluster_overrides[{k!r}]") for k, v in value.items()}


@attrs.frozen(eq=False)
class Facility:
    """A place that gives services. Compares by ``id``.

    ``services_added`` and ``services_removed`` adjust the defaults from the
    catalogue's points of care; ``cluster_overrides`` moves a service to
    another cluster in this Puskesmas (dental care placed cross-cluster).
    """

    id: str
    name: str
    type: FacilityType
    #: The area it serves: kecamatan (Puskesmas), desa (Pustu), dusun/RW (Posyandu).
    area: str
    #: The facility above it in the network (Posyandu → Pustu → Puskesmas).
    parent: str | None = None
    staff: tuple[Staff, ...] = attrs.field(default=(), converter=_staff)
    opening: Opening | None = None
    services_added: frozenset[str] = attrs.field(default=frozenset(), converter=_codes)
    services_removed: frozenset[str] = attrs.field(default=frozenset(), converter=_codes)
    cluster_overrides: Mapping[str, Cluster] = attrs.field(
        factory=dict, converter=_overrides, hash=False
    )
    #: Line in the source file, for messages.
    line: int | None = attrs.field(default=None, repr=False)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Facility):
            return NotImplemented
        return self.id == other.id

    def __hash__(self) -> int:
        return hash(("Facility", self.id))

    def __repr__(self) -> str:
        return f"<Facility {self.id} {self.type.value} {self.name!r} in {self.area}>"

    def count(self, role: StaffRole) -> int:
        """How many staff of *role* work here."""
        return sum(1 for s in self.staff if s.role is role)


@attrs.frozen
class Gap:
    """Something the network lacks, reported as data (not an error)."""

    #: ``desa_without_pustu``, ``pustu_understaffed``, ``dusun_without_posyandu``,
    #: ``posyandu_without_kader``, ``posyandu_few_kader``, ``no_opening_rule``
    #: (see :func:`ilp.network.gaps`).
    kind: str
    #: The area or facility id concerned.
    id: str
    message: Label


def _areas(value: Iterable[Area]) -> tuple[Area, ...]:
    return tuple(value)


def _facilities(value: Iterable[Facility]) -> tuple[Facility, ...]:
    return tuple(value)


def _dates(value: Iterable[_dt.date]) -> frozenset[_dt.date]:
    return frozenset(value)


@attrs.frozen(eq=False)
class Network:
    """Areas and facilities, with lookups; build one with :func:`~ilp.network.load_network`."""

    areas: tuple[Area, ...] = attrs.field(converter=_areas)
    facilities: tuple[Facility, ...] = attrs.field(converter=_facilities)
    holidays: frozenset[_dt.date] = attrs.field(default=frozenset(), converter=_dates)
    origin: str = "<memory>"
    #: The network's own id (the ``id`` key of its file).
    id: str = attrs.field(default="network", kw_only=True)
    _areas: dict[str, Area] = attrs.field(init=False, repr=False)
    _facilities: dict[str, Facility] = attrs.field(init=False, repr=False)
    _children: dict[str, tuple[Area, ...]] = attrs.field(init=False, repr=False)
    _serving: dict[str, tuple[Facility, ...]] = attrs.field(init=False, repr=False)
    _regions: dict[str, Region] = attrs.field(init=False, repr=False, factory=dict)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_areas", {a.id: a for a in self.areas})
        object.__setattr__(self, "_facilities", {f.id: f for f in self.facilities})
        children: dict[str, list[Area]] = {}
        for a in self.areas:
            if a.parent is not None:
                children.setdefault(a.parent, []).append(a)
        object.__setattr__(self, "_children", {k: tuple(v) for k, v in children.items()})
        serving: dict[str, list[Facility]] = {}
        for f in self.facilities:
            serving.setdefault(f.area, []).append(f)
        object.__setattr__(self, "_serving", {k: tuple(v) for k, v in serving.items()})

    def summary(self) -> dict[str, int]:
        """Counts: areas per level, facilities per type, staff and kader (for a notebook)."""
        out: dict[str, int] = {}
        for a in self.areas:
            key = f"areas: {a.level.name.lower()}"
            out[key] = out.get(key, 0) + 1
        for f in self.facilities:
            key = f"facilities: {f.type.value}"
            out[key] = out.get(key, 0) + 1
        out["staff"] = sum(len(f.staff) for f in self.facilities)
        return out

    def _repr_html_(self) -> str:
        from ilp._html import html_table  # noqa: PLC0415 - only notebooks need it

        return html_table(("what", "count"), self.summary().items(), caption=f"network {self.id}")

    def area(self, area_id: str) -> Area:
        """The area *area_id*; an unknown id raises :class:`~ilp.errors.NetworkError`."""
        found = self._areas.get(area_id)
        if found is None:
            msg = f"area id {area_id!r} is not in the network"
            raise NetworkError(msg, path=self.origin, key=area_id, value=area_id)
        return found

    def facility(self, facility_id: str) -> Facility:
        """The facility *facility_id*; unknown ids raise NetworkError."""
        found = self._facilities.get(facility_id)
        if found is None:
            msg = f"facility id {facility_id!r} is not in the network"
            raise NetworkError(msg, path=self.origin, key=facility_id, value=facility_id)
        return found

    def has_area(self, area_id: str) -> bool:
        """True when *area_id* is an area of the network."""
        return area_id in self._areas

    def children(self, area_id: str) -> tuple[Area, ...]:
        """The areas directly below *area_id*."""
        return self._children.get(area_id, ())

    def ancestors(self, area_id: str) -> tuple[Area, ...]:
        """The area itself and every area above it, nearest first."""
        out = []
        current: str | None = area_id
        while current is not None:
            a = self.area(current)
            out.append(a)
            current = a.parent
        return tuple(out)

    def area_type(self, area_id: str) -> AreaType | None:
        """The area's type, inherited from the nearest area above that has one."""
        return next((a.type for a in self.ancestors(area_id) if a.type is not None), None)

    def region_of(self, area_id: str) -> Region:
        """The region of *area_id*: each flag as the nearest area that sets it says.

        A flag set on a kabupaten holds for every desa and dusun in it unless
        an area lower down sets it to false. An unknown id raises
        :class:`~ilp.errors.NetworkError`.
        """
        found = self._regions.get(area_id)
        if found is None:
            flags: dict[str, bool] = {}
            for a in reversed(self.ancestors(area_id)):
                flags.update(a.flags)
            found = Region(k for k, v in flags.items() if v)
            self._regions[area_id] = found
        return found

    def serving(self, area_id: str) -> tuple[Facility, ...]:
        """Facilities whose service area is exactly *area_id*."""
        return self._serving.get(area_id, ())

    def of_type(self, kind: FacilityType) -> tuple[Facility, ...]:
        """Every facility of a kind, in network order."""
        return tuple(f for f in self.facilities if f.type is kind)

    def within(self, area_id: str) -> tuple[Area, ...]:
        """The area and every area below it."""
        out = [self.area(area_id)]
        i = 0
        while i < len(out):
            out.extend(self.children(out[i].id))
            i += 1
        return tuple(out)

    def next_opening(self, facility: Facility, on: _dt.date | str) -> pendulum.Date | None:
        """The facility's first opening day on or after *on* (holidays respected)."""
        if facility.opening is None:
            return None
        return facility.opening.next_day(as_date(on, field="on"), self.holidays)
