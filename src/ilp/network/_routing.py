"""Point of care: which places can give a service to a person, nearest first, and when they open."""

from __future__ import annotations

import datetime as _dt

import attrs
import pendulum

from ilp._vocabulary import PointOfCare
from ilp.dates import as_date
from ilp.errors import NetworkError
from ilp.lifecycle import Service
from ilp.network._model import AreaLevel, Facility, FacilityType, Network

__all__ = ["Place", "can_give", "check_residence", "places_for"]


def can_give(facility: Facility, service: Service) -> bool:
    """True when *facility* gives *service*: its kind is among the service's points of care.

    ``services_added`` and ``services_removed`` on the facility change that.
    """
    if service.code in facility.services_removed:
        return False
    if service.code in facility.services_added:
        return True
    return facility.type.point_of_care in service.points_of_care


@attrs.frozen
class Place:
    """A place that can give a service: a facility (or a school or home visit), and its next day."""

    point_of_care: PointOfCare
    #: The facility; None for a school or a home visit, which the network does not list.
    facility: Facility | None
    #: The first day on or after the asked date it opens (None when no rule is known).
    next_open: pendulum.Date | None
    #: 0 for the person's own dusun, 1 desa, 2 kecamatan, 3 partners, 4 referral.
    rank: int

    def __repr__(self) -> str:
        where = self.facility.id if self.facility else self.point_of_care.value
        return f"<Place {where} next_open={self.next_open} rank={self.rank}>"

    def as_dict(self) -> dict[str, object]:
        """Plain data: point of care, facility id and name, next opening date."""
        return {
            "point_of_care": self.point_of_care.value,
            "facility": self.facility.id if self.facility else None,
            "name": self.facility.name if self.facility else None,
            "next_open": self.next_open.isoformat() if self.next_open else None,
        }


def check_residence(network: Network, residence: str | None) -> None:
    """Raise :class:`~ilp.errors.NetworkError` naming *residence* when it is not a network area.

    None (residence unknown) is allowed: such a person is routed to the Puskesmas.
    """
    if residence is not None and not network.has_area(residence):
        msg = (
            f"residence {residence!r} is not an area of network {network.id!r} "
            "(use the id of a dusun/RW, desa or kecamatan, or leave it out)"
        )
        raise NetworkError(msg, path=network.origin, key="residence", value=residence)


def _level_area(network: Network, area_id: str, level: AreaLevel) -> str | None:
    for a in network.ancestors(area_id):
        if a.level is level:
            return a.id
    return None


def places_for(
    network: Network,
    residence: str | None,
    service: Service,
    on: _dt.date | str,
) -> tuple[Place, ...]:
    """Places that give *service* to someone living in *residence*, nearest first.

    The order follows the network: the Posyandu of the person's dusun/RW, the
    Pustu of their desa, the Puskesmas of their kecamatan, then private
    partners of that Puskesmas, then referral hospitals. A school (for school
    services) and a home visit come where the catalogue lists them. Each
    place carries its next opening day on or after *on*. A *residence* that
    is not an area of the network raises :class:`~ilp.errors.NetworkError`;
    None (not known) routes to the Puskesmas.
    """
    on = as_date(on, field="on")
    check_residence(network, residence)
    if residence is None:
        chain: list[tuple[int, Facility]] = [
            (2, f) for f in network.of_type(FacilityType.PUSKESMAS)
        ]
    else:
        chain = []
        for a in network.ancestors(residence):
            rank = {AreaLevel.DUSUN: 0, AreaLevel.DESA: 1, AreaLevel.KECAMATAN: 2}.get(a.level)
            if rank is None:
                continue
            for f in network.serving(a.id):
                if f.type in (FacilityType.POSYANDU, FacilityType.PUSTU, FacilityType.PUSKESMAS):
                    chain.append((rank, f))
        kecamatan = _level_area(network, residence, AreaLevel.KECAMATAN)
        puskesmas = {f.id for _, f in chain if f.type is FacilityType.PUSKESMAS}
        within = {a.id for a in network.within(kecamatan)} if kecamatan else set()
        for f in network.facilities:
            if f.type.is_partner and (f.parent in puskesmas or f.area in within):
                chain.append((3, f))
    chain += [(4, f) for f in network.of_type(FacilityType.HOSPITAL)]
    out = [
        Place(f.type.point_of_care, f, network.next_opening(f, on), rank)
        for rank, f in chain
        if can_give(f, service)
    ]
    if PointOfCare.SCHOOL in service.points_of_care:
        out.insert(0, Place(PointOfCare.SCHOOL, None, None, 0))
    if PointOfCare.HOME_VISIT in service.points_of_care:
        out.append(Place(PointOfCare.HOME_VISIT, None, None, 0))
    seen: set[str] = set()
    unique = []
    for p in out:
        key = p.facility.id if p.facility else p.point_of_care.value
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return tuple(unique)
