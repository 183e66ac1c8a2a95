"""A made-up network for the simulation benchmark and calibration.

``network(puskesmas)`` builds *puskesmas* kecamatan, each with one
Puskesmas, 8 desa (each with a Pustu) and 4 dusun per desa (each with a
Posyandu). Desa are perkotaan 11 times in 20, perdesaan 7, terpencil and
sangat terpencil once each, close to the urban share of SP2020 (about
56.7 %, demography.md §2 [unconfirmed]); the split of the rest is a guess.
People come from ``ilp.population.synthesize``.
"""

from __future__ import annotations

from ilp.network import Area, AreaLevel, AreaType, Facility, FacilityType, Network, Opening

# 11 perkotaan, 7 perdesaan, 1 terpencil, 1 sangat terpencil in every 20 desa
TYPES = (
    [AreaType.PERKOTAAN, AreaType.PERDESAAN] * 7
    + [AreaType.PERKOTAAN] * 4
    + [AreaType.TERPENCIL, AreaType.SANGAT_TERPENCIL]
)


def network(puskesmas: int, *, desa: int = 8, dusun: int = 4) -> Network:
    """A network of *puskesmas* kecamatan with *desa* desa each and *dusun* dusun per desa."""
    areas = [
        Area("prov", "Provinsi", AreaLevel.PROVINCE),
        Area("kab", "Kabupaten", AreaLevel.KABUPATEN, parent="prov"),
    ]
    facilities = []
    for k in range(puskesmas):
        kec = f"kec{k:04d}"
        areas.append(
            Area(kec, f"Kecamatan {k}", AreaLevel.KECAMATAN, parent="kab", type=AreaType.PERDESAAN)
        )
        pkm = f"pkm{k:04d}"
        facilities.append(
            Facility(
                pkm,
                f"Puskesmas {k}",
                FacilityType.PUSKESMAS,
                kec,
                opening=Opening.every(0, 1, 2, 3, 4, 5),
            )
        )
        for d in range(desa):
            ds = f"{kec}-d{d}"
            kind = TYPES[(k * desa + d) % len(TYPES)]
            areas.append(Area(ds, f"Desa {k}.{d}", AreaLevel.DESA, parent=kec, type=kind))
            pustu = f"pustu-{ds}"
            facilities.append(
                Facility(
                    pustu,
                    f"Pustu {k}.{d}",
                    FacilityType.PUSTU,
                    ds,
                    parent=pkm,
                    opening=Opening.every(0, 1, 2, 3, 4),
                )
            )
            for u in range(dusun):
                du = f"{ds}-u{u}"
                areas.append(Area(du, f"Dusun {k}.{d}.{u}", AreaLevel.DUSUN, parent=ds))
                facilities.append(
                    Facility(
                        f"psy-{du}",
                        f"Posyandu {k}.{d}.{u}",
                        FacilityType.POSYANDU,
                        du,
                        parent=pustu,
                        opening=Opening.nth(1 + u % 4, 1 + d % 5),
                    )
                )
    return Network(areas, facilities, id="bench")
