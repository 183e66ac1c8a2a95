"""A small network and register built in code, for work-list tests."""

from __future__ import annotations

import pendulum

from ilp import (
    Condition,
    Family,
    FamilyRegister,
    Household,
    Member,
    Person,
    Pregnancy,
    ServiceRecord,
)
from ilp.network._model import (
    Area,
    AreaLevel,
    Facility,
    FacilityType,
    Network,
    Opening,
    Staff,
    StaffRole,
)

AREAS = (
    Area("kab", "Kabupaten Contoh", AreaLevel.KABUPATEN),
    Area("kec", "Kecamatan Contoh", AreaLevel.KECAMATAN, parent="kab"),
    Area("desa-a", "Desa A", AreaLevel.DESA, parent="kec"),
    Area("desa-b", "Desa B", AreaLevel.DESA, parent="kec"),
    Area("dusun-a1", "Dusun A1", AreaLevel.DUSUN, parent="desa-a"),
    Area("dusun-a2", "Dusun A2", AreaLevel.DUSUN, parent="desa-a"),
    Area("dusun-b1", "Dusun B1", AreaLevel.DUSUN, parent="desa-b"),
)
FACILITIES = (
    Facility(
        "pkm",
        "Puskesmas Contoh",
        FacilityType.PUSKESMAS,
        "kec",
        staff=[Staff("dr", StaffRole.DOKTER), Staff("bd", StaffRole.BIDAN)],
        opening=Opening.every(0, 1, 2, 3, 4, 5),
        cluster_overrides={"DENTAL-BUMIL": 5},
    ),
    Facility(
        "pustu-a",
        "Pustu A",
        FacilityType.PUSTU,
        "desa-a",
        parent="pkm",
        staff=[Staff("bd-a", StaffRole.BIDAN), Staff("pr-a", StaffRole.PERAWAT)],
        opening=Opening.every(0, 1, 2, 3, 4),
    ),
    Facility(
        "pos-a1",
        "Posyandu Mawar",
        FacilityType.POSYANDU,
        "dusun-a1",
        parent="pustu-a",
        staff=[Staff(f"k{i}", StaffRole.KADER) for i in range(5)],
        opening=Opening.nth(2, 1),  # second Tuesday
    ),
    Facility(
        "pos-a2",
        "Posyandu Melati",
        FacilityType.POSYANDU,
        "dusun-a2",
        parent="pustu-a",
        opening=Opening.monthly(15),
        services_removed=["GROWTH"],
    ),
    Facility("rs", "RSUD Contoh", FacilityType.HOSPITAL, "kab"),
)
HOLIDAYS = frozenset({pendulum.Date(2025, 12, 25)})
NETWORK = Network(AREAS, FACILITIES, HOLIDAYS)

ON = pendulum.Date(2025, 11, 3)  # a Monday; the second Tuesday of November 2025 is the 11th

BABY = Person("baby", "F", "2025-07-01")
MOTHER = Person(
    "mother",
    "F",
    "1996-02-10",
    pregnancies=[Pregnancy("2024-09-20", delivery_date="2025-07-01")],
    ever_sexually_active=True,
)
FATHER = Person("father", "M", "1990-05-05", conditions=[Condition.HYPERTENSION])
PREGNANT = Person("pregnant", "F", "2000-03-03", pregnancies=[Pregnancy("2025-07-15")])
ELDER = Person("elder", "M", "1950-01-01")

FAMILIES = (
    Family(
        "3201010101010001",
        [Member(FATHER, "head"), Member(MOTHER, "spouse"), Member(BABY, "child")],
        household=Household(jkn=True),
        residence="dusun-a1",
        address="Jl. Mawar 1",
    ),
    Family(
        "3201010101010002", [Member(PREGNANT, "head")], residence="dusun-a1", address="Jl. Mawar 9"
    ),
    Family(
        "3201010101010003", [Member(ELDER, "head")], residence="dusun-b1", address="Jl. Kenanga 2"
    ),
)
HISTORIES = {
    "baby": (
        ServiceRecord("HB0", "2025-07-01"),
        ServiceRecord("BCG", "2025-07-20"),
        ServiceRecord("OPV-1", "2025-07-20"),
    ),
}
REGISTER = FamilyRegister(FAMILIES, HISTORIES)
