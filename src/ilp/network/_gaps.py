"""Where a valid network falls short of the ILP standards, reported as data.

Each kind of gap has its own check; :func:`gaps` runs them all. The order is
fixed: by kind in the order of the table in ``docs/network.md`` ("Gaps"),
then by the order of the areas or facilities in the network.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Final

from ilp._vocabulary import Label
from ilp.network._model import Area, AreaLevel, Facility, FacilityType, Gap, Network, StaffRole

__all__ = ["MIN_KADER", "gaps"]

#: Kader per Posyandu below which ``posyandu_few_kader`` is reported: one per
#: step of the old five-table Posyandu (Pedoman Umum Pengelolaan Posyandu 2011;
#: ILP sets no new minimum).
MIN_KADER: Final = 5


def _named(thing: Area | Facility) -> str:
    return f"{thing.name} ({thing.id})"


def _served_by(network: Network, kind: FacilityType) -> set[str]:
    return {f.area for f in network.of_type(kind)}


def _desa_without_pustu(network: Network) -> Iterator[Gap]:
    served = _served_by(network, FacilityType.PUSTU)
    for a in network.areas:
        if a.level is AreaLevel.DESA and a.id not in served:
            yield Gap(
                "desa_without_pustu",
                a.id,
                Label(
                    f"{_named(a)} tidak dilayani Pustu",
                    f"{_named(a)} has no Pustu",
                ),
            )


def _pustu_understaffed(network: Network) -> Iterator[Gap]:
    for f in network.of_type(FacilityType.PUSTU):
        nurses, midwives = f.count(StaffRole.PERAWAT), f.count(StaffRole.BIDAN)
        if nurses < 1 or midwives < 1:
            yield Gap(
                "pustu_understaffed",
                f.id,
                Label(
                    f"{_named(f)} di bawah standar ketenagaan minimal: "
                    f"perawat {min(nurses, 1)}/1, bidan {min(midwives, 1)}/1",
                    f"{_named(f)} is below the minimum staffing: "
                    f"nurse {min(nurses, 1)}/1, midwife {min(midwives, 1)}/1",
                ),
            )


def _dusun_without_posyandu(network: Network) -> Iterator[Gap]:
    # a Posyandu of a whole desa/kelurahan serves every dusun/RW in it
    served = _served_by(network, FacilityType.POSYANDU)
    for a in network.areas:
        if a.level is AreaLevel.DUSUN and a.id not in served and a.parent not in served:
            yield Gap(
                "dusun_without_posyandu",
                a.id,
                Label(
                    f"{_named(a)} tidak dilayani Posyandu",
                    f"{_named(a)} has no Posyandu",
                ),
            )


def _posyandu_without_kader(network: Network) -> Iterator[Gap]:
    for f in network.of_type(FacilityType.POSYANDU):
        if f.count(StaffRole.KADER) == 0:
            yield Gap(
                "posyandu_without_kader",
                f.id,
                Label(f"{_named(f)} tidak memiliki kader", f"{_named(f)} has no kader"),
            )


def _posyandu_few_kader(network: Network) -> Iterator[Gap]:
    for f in network.of_type(FacilityType.POSYANDU):
        n = f.count(StaffRole.KADER)
        if 0 < n < MIN_KADER:
            yield Gap(
                "posyandu_few_kader",
                f.id,
                Label(
                    f"{_named(f)} hanya memiliki {n} kader "
                    f"(pedoman Posyandu 2011: paling sedikit {MIN_KADER})",
                    f"{_named(f)} has only {n} kader "
                    f"(2011 Posyandu guideline: at least {MIN_KADER})",
                ),
            )


def _no_opening_rule(network: Network) -> Iterator[Gap]:
    for f in network.facilities:
        if f.type in {FacilityType.POSYANDU, FacilityType.PUSTU} and f.opening is None:
            yield Gap(
                "no_opening_rule",
                f.id,
                Label(
                    f"{_named(f)} tidak memiliki jadwal hari buka",
                    f"{_named(f)} has no opening rule",
                ),
            )


_CHECKS: Final[tuple[Callable[[Network], Iterator[Gap]], ...]] = (
    _desa_without_pustu,
    _pustu_understaffed,
    _dusun_without_posyandu,
    _posyandu_without_kader,
    _posyandu_few_kader,
    _no_opening_rule,
)


def gaps(network: Network) -> tuple[Gap, ...]:
    """What *network* lacks by the ILP standards, as :class:`~ilp.network.Gap` values.

    The kinds, in the order reported:

    - ``desa_without_pustu``: a desa/kelurahan that no Pustu serves;
    - ``pustu_understaffed``: a Pustu without at least one perawat and one bidan
      (the minimum staffing the Kemenkes DREAMS dashboard scores);
    - ``dusun_without_posyandu``: a dusun/RW that no Posyandu serves (a Posyandu
      of the whole desa/kelurahan serves each dusun/RW in it);
    - ``posyandu_without_kader``: a Posyandu with no kader;
    - ``posyandu_few_kader``: a Posyandu with 1 to 4 kader (:data:`MIN_KADER`);
    - ``no_opening_rule``: a Posyandu or Pustu with no opening rule.

    Within a kind, gaps follow the order of the areas or facilities in the
    network. A gap is not an error: the network stays usable.
    """
    return tuple(g for check in _CHECKS for g in check(network))
