"""Generate the sample kecamatan that ``ilp demo`` ships: a network and a family register.

Run from the repository root::

    python tools/make_demo.py                 # writes src/ilp/data/demo/kecamatan/
    python tools/make_demo.py --out some/folder --seed 7

The output is a pure function of the seed: one ``random.Random(seed)`` drives
every choice, nothing is read from the clock, and files are written with
``\\n`` line ends, so the same seed gives the same bytes.

What it writes (``--out``, by default ``src/ilp/data/demo/kecamatan``):

- ``network.yaml`` (format: ``docs/network.md``): Jawa Timur → Kabupaten Malang →
  Kecamatan Sukamaju (invented; code 35.07.99, beyond the kecamatan codes in use,
  so that no invented NIK or KK number is a real one) → a perkotaan kelurahan and
  three desa (one terpencil), 2-4 dusun/RW each with a Posyandu, Pustu, staff and
  kader, two private partners and a referral hospital;
- ``households.csv``, ``people.csv``, ``pregnancies.csv``, ``records.csv``
  (``ilp.files.read_register``): about 300 invented families;
- ``demo.yaml``: the manifest ``ilp demo`` reads (as_of, network, register).

Gaps built in on purpose (``ilp.network.gaps``): Desa Mulyoagung has no Pustu;
Pustu Gunungsari has a midwife but no nurse; Posyandu Asoka has no kader (its
dusun go to the Pustu instead); Posyandu with 3-4 kader fall below the old
minimum of 5.

Service histories follow the schedule itself. Each person is walked from
``max(birth, as_of - 3 years)`` to ``as_of`` over the opening days of their
Posyandu (monthly), every 14 days while pregnant, and daily for 30 days after
birth and after a delivery. Children who were under five when that window
opens are walked from birth, so that their infant schedule is whole; their
monthly weighing and vitamin A rounds before the window are then dropped, as
they change no later due date and would only swell the files. At each step
``ilp.due`` is asked what is due or overdue, and each item is given or not
with the coverage below. The decision is drawn once per item (once per period
for services that recur every few months or more), so a refused dose stays
overdue, as in a real register; a yearly backlog found when the window opens is
worked through over that first year. Routine care waits for the Posyandu day;
care around a birth and in pregnancy is given on any day. Records name the
place: the Posyandu (on its day, and only if it has kader), the Pustu (or, in
the desa without one, the praktik bidan for midwife care), the Puskesmas
(doctor visits, school and Puskesmas-only services), or the facility of birth.

Rates and their sources (``D`` = ``shared/domain/demography.md`` beside the checkout; "guess"
marks a rate that file does not give):

- Age and sex: D §1a, WPP2024, Indonesia about 1 Jan 2025 (table ``AGE_SEX``).
  Under-fives are spread evenly over their five years (stratified draw).
- Household size: D §2 gives 3.14 persons per family card (derived) and
  3.8-3.9 per census household [unconfirmed]. The register comes out between
  the two (about 3.6), from guesses on how adults pair and leave home
  (``MARRIED_BY_AGE``, ``STAY_HOME``, ``ELDER_WITH_CHILD``, ``SINGLE_JOINS``).
- Births: crude birth rate 15.54 per 1,000 (D §2, WPP2024 medium, 2025) sets the
  number of ongoing pregnancies; the infants come from the age table.
  Age-specific fertility shape (``FERTILITY``): guess.
- Facility delivery 79 % (D §4b, SDKI 2017); where: guess.
- Hypertension, diagnosed: 5.9 % at 18-59, 22.9 % at 60+ (D §3a, SKI 2023). The
  register holds known conditions, so the diagnosed figure is used, not the
  30.8 % measured prevalence.
- Diabetes, doctor-diagnosed: 2.0 % at 15+ (D §3a, Riskesdas 2018).
- Smoking: 60 % of men and 2 % of women 15+: guess (D has no figure).
- Tuberculosis under treatment: 354 per 100,000 a year (D §3b, WHO 2021) x case
  detection 0.74 (D §3b) x 6 months of treatment = 0.13 % [derived]; the
  expected number, rounded, is drawn among people 15+.
- Severe mental disorder: 1.8 per 1,000 persons (D §3b, Riskesdas 2018
  re-analysis), drawn the same way among people 15+.
- Immunization: a child is reached by the programme with 0.91 (BCG 90.86 %,
  D §4a, Susenas 2023); a reached child gets each dose with 0.97, an unreached
  one none, which gives DPT3 about 0.83 (Susenas 88.3 %, D §4a).
- School immunization (BIAS, HPV): 0.8, the 2023 programme target (D §4a,
  P41): a target used as a rate.
- ANC: K4 0.77 (D §4b, SDKI 2017), used for every contact from K2; K1 0.95: guess.
- KN1 0.841 and KN lengkap 0.435 (D §4b, Riskesdas 2018), so KN2 and KN3 each
  0.72 [derived: sqrt(0.435/0.841)]. KF uses the KN figures (D has none).
- Hypertension follow-up: 0.40 a month at 18-59, 0.48 at 60+ [derived: D §3a,
  return visits / diagnosed]; diabetes follow-up 0.45 (same source, guess).
- NCD screening (PTM-SCREEN) 0.40 a year (D §4d, 39.87 % ever screened); other
  adult screening 0.3 a year [D §4d: 37 % of adults had glucose checked].
- Guesses (D §4b-§4d list these as gaps): growth monitoring 0.75 a month,
  vitamin A and deworming 0.8, SDIDTK 0.6, PKAT 0.5; TTD 0.7 a month, triple
  elimination and anaemia tests 0.7, dental check 0.3 in pregnancy; postpartum
  family planning 0.4; Td for WUS 0.5; school screening 0.7, child mental
  screening 0.5, TTD for adolescent girls 0.3 a month, their Hb test 0.5,
  thalassaemia screening 0.3; fitness screening 0.2, doctor review of NCD 0.5
  a quarter, CKG 0.25, TB screening 0.3; newborn care 0.95 after a facility
  birth, 0.3 after a home birth (all in ``COVERAGE`` and ``NEWBORN_CARE``).
- A terpencil desa reaches 0.85 of these rates (guess; D §4a shows rural IDL
  at 0.92 of urban).
- Also guesses: school enrolment by level and repeating a grade, marriage by
  age, birth spacing (at least 14 months), where a facility birth takes place,
  kader levels, household facts (JKN 0.8, clean water 0.9, latrine 0.8, family
  planning 0.55). Exclusive breastfeeding 0.74 (D §4c, Susenas 2023).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ilp.lifecycle import CalendarRule, DueItem, RecurringRule, Region, Status, due, national
from ilp.people import Person, ServiceRecord

SEED = 20251101
AS_OF = dt.date(2025, 11, 1)
HISTORY_YEARS = 3
#: Children born this many years before as_of or later (under five when the history
#: window opens) are walked from birth, so that their infant schedule is whole.
FROM_BIRTH_YEARS = HISTORY_YEARS + 5
PEOPLE = 1100
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "src" / "ilp" / "data" / "demo" / "kecamatan"
SCHOOL_YEAR = AS_OF.year if AS_OF.month >= 7 else AS_OF.year - 1  # starts in July
KEC_CODE = "350799"  # Jawa Timur 35, Kabupaten Malang 07, invented kecamatan 99

# ---------------------------------------------------------------------------
# rates (sources in the module docstring)

#: D §1a: WPP2024, Indonesia about 1 Jan 2025, persons: (lowest age, male, female).
AGE_SEX: tuple[tuple[int, int, int], ...] = (
    (0, 11_351_090, 10_745_980),
    (5, 11_715_438, 11_113_518),
    (10, 12_493_320, 11_860_196),
    (15, 12_078_274, 11_475_371),
    (20, 11_293_209, 10_740_582),
    (25, 11_277_624, 10_762_183),
    (30, 10_861_148, 10_367_107),
    (35, 10_578_190, 10_135_554),
    (40, 10_592_584, 10_251_095),
    (45, 9_771_242, 9_623_271),
    (50, 8_720_528, 8_767_831),
    (55, 7_517_174, 7_763_516),
    (60, 5_931_742, 6_382_176),
    (65, 4_228_254, 4_853_268),
    (70, 2_605_142, 3_276_914),
    (75, 2_512_565, 4_075_150),
)
CBR = 15.54 / 1000  # D §2, WPP2024 medium, 2025
FACILITY_BIRTH = 0.79  # D §4b, SDKI 2017
HT_DIAGNOSED = ((18, 0.059), (60, 0.229))  # D §3a, SKI 2023: from age, share
DM_DIAGNOSED = 0.020  # D §3a, Riskesdas 2018, 15+
SMOKER = {"male": 0.60, "female": 0.02}  # guess
TB_ON_TREATMENT = 354e-5 * 0.74 * 0.5  # D §3b [derived]
SMD = 1.8e-3  # D §3b, Riskesdas 2018 re-analysis
EXCLUSIVE_BF = 0.7397  # D §4c, Susenas 2023

#: Guess: share of women of each age band who are (or were) married.
MARRIED_BY_AGE = ((15, 0.03), (18, 0.15), (20, 0.45), (25, 0.75), (30, 0.9), (60, 0.85))
#: Guess: chance an unmarried adult under 35 still lives with their mother.
STAY_HOME = 0.85
#: Guess: chance a person of 50+ without a spouse lives with a grown child.
ELDER_WITH_CHILD = 0.7
#: Guess: chance another single adult (25-49) lives in a relative's household; under 25
#: they always do.
SINGLE_JOINS = 0.6
#: Guess: relative fertility by the mother's age band (shape only).
FERTILITY = ((15, 0.3), (20, 1.0), (25, 1.1), (30, 0.9), (35, 0.5), (40, 0.15), (45, 0.03))
#: Guess: where a facility birth takes place (facility kind, weight).
BIRTH_PLACES = (("puskesmas", 0.5), ("praktik_bidan", 0.25), ("hospital", 0.15), ("klinik", 0.1))
#: Guess: chance a child of each school level has a recorded grade.
ENROLLED = ((1, 0.95), (7, 0.85), (10, 0.65))
HELD_BACK = 0.1  # guess
HOUSEHOLD_FACTS = {"jkn": 0.8, "clean_water": 0.9, "healthy_latrine": 0.8}  # guesses
FAMILY_PLANNING = 0.55  # guess
KADER_LEVELS = (("purwa", 0.5), ("madya", 0.35), ("utama", 0.15))  # guess
REMOTE_FACTOR = 0.85  # guess

IMMUNIZATION_REACH = 0.91  # D §4a, BCG 90.86 % (Susenas 2023)
DOSE_GIVEN = 0.97  # guess, gives DPT3 ≈ 0.83 (Susenas 88.3 %)
#: Chance a due or overdue item is given, by code (then by group, then DEFAULT).
COVERAGE: dict[str, float] = {
    "KN-1": 0.841,  # D §4b
    "KN-2": 0.72,  # D §4b [derived]
    "KN-3": 0.72,
    "KF-1": 0.841,  # KN figures as a proxy
    "KF-2": 0.72,
    "KF-3": 0.72,
    "KF-4": 0.72,
    "ANC-K1": 0.95,  # guess
    "ANC-K2": 0.77,  # D §4b, K4
    "ANC-K3": 0.77,
    "ANC-K4": 0.77,
    "ANC-K5": 0.77,
    "ANC-K6": 0.77,
    "ANC-TRIPLE-ELIM": 0.7,
    "ANEMIA-BUMIL": 0.7,
    "TTD-BUMIL": 0.7,
    "DENTAL-BUMIL": 0.3,
    "KB-PASCA-SALIN": 0.4,
    "TD-WUS": 0.5,
    "BIAS-MR": 0.8,  # D §4a, target
    "BIAS-DT": 0.8,
    "BIAS-TD-2": 0.8,
    "BIAS-TD-5": 0.8,
    "HPV-1": 0.8,
    "HPV-2": 0.8,
    "GROWTH": 0.75,
    "VITA-BLUE": 0.8,
    "VITA-RED": 0.8,
    "DEWORM": 0.8,
    "SDIDTK": 0.6,
    "PKAT": 0.5,
    "SCHOOL-SCREEN": 0.7,
    "MENTAL-SCREEN-CHILD": 0.5,
    "TTD-REMAJA": 0.3,
    "HB-REMAJA": 0.5,
    "THALASSAEMIA-SCREEN": 0.3,
    "PTM-SCREEN": 0.40,  # D §4d
    "FITNESS-SCREEN": 0.2,
    "DM-CONTROL": 0.45,
    "NCD-DOCTOR-REVIEW": 0.5,
    "CKG": 0.25,
    "TB-SCREEN": 0.3,
}
DEFAULT_COVERAGE = 0.3  # other adult screening, D §4d
HT_CONTROL = ((15, 0.40), (60, 0.48))  # D §3a [derived]
NEWBORN_CARE = {True: 0.95, False: 0.3}  # guess, by facility birth
NEWBORN_CODES = frozenset({"HB0", "VIT-K1", "EYE-PROPHYLAXIS", "SHK", "CKG-NEWBORN"})
#: Where a service that several levels give is usually given (guess).
PLACE_WEIGHTS = {"posyandu": 0.6, "pustu": 0.25, "puskesmas": 0.15}

# ---------------------------------------------------------------------------
# the network

#: Indicative national holidays (SKB 3 Menteri 2025 and 2026 as reported; cuti bersama
#: left out). Check the current SKB before relying on them.
HOLIDAYS = (
    "2025-01-01", "2025-01-27", "2025-01-29", "2025-03-29", "2025-03-31", "2025-04-01",
    "2025-04-18", "2025-04-20", "2025-05-01", "2025-05-12", "2025-05-29", "2025-06-01",
    "2025-06-06", "2025-06-27", "2025-08-17", "2025-09-05", "2025-12-25",
    "2026-01-01", "2026-01-16", "2026-02-17", "2026-03-19", "2026-03-21", "2026-03-22",
    "2026-04-03", "2026-04-05", "2026-05-01", "2026-05-14", "2026-05-27", "2026-05-31",
    "2026-06-01", "2026-06-16", "2026-08-17", "2026-08-25", "2026-12-25",
)  # fmt: skip
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Opening:
    """A monthly Posyandu day: the n-th weekday, or a day of the month."""

    nth: int | None = None
    weekday: int | None = None
    day: int | None = None

    def yaml(self) -> str:
        if self.day is not None:
            return f"{{day_of_month: {self.day}}}"
        return f"{{nth_weekday: {self.nth}, weekday: {WEEKDAYS[self.weekday or 0]}}}"

    def days(self, first: dt.date, last: dt.date, holidays: frozenset[dt.date]) -> list[dt.date]:
        """Opening days from *first* to *last*, moved past Sundays and holidays."""
        out: list[dt.date] = []
        y, m = first.year, first.month
        while (y, m) <= (last.year, last.month):
            if self.day is not None:
                day = dt.date(y, m, self.day)
            else:
                d1 = dt.date(y, m, 1)
                offset = ((self.weekday or 0) - d1.weekday()) % 7
                day = d1 + dt.timedelta(days=offset + 7 * ((self.nth or 1) - 1))
            while day in holidays or day.weekday() == 6:
                day += dt.timedelta(days=1)
            if first <= day <= last:
                out.append(day)
            y, m = (y, m + 1) if m < 12 else (y + 1, 1)
        return out


@dataclass(frozen=True)
class Dusun:
    """A dusun or RW and its Posyandu."""

    key: str
    name: str
    posyandu: str
    opening: Opening
    kader: int  # how many kader; 0 for the gap


@dataclass(frozen=True)
class Desa:
    """A desa or kelurahan, its Pustu staff (roles; empty = no Pustu) and dusun."""

    key: str
    name: str
    level: str
    type: str
    code: str
    weight: float  # share of the kecamatan's households
    pustu: tuple[str, ...]
    dusun: tuple[Dusun, ...]

    @property
    def id(self) -> str:
        return f"{'kel' if self.level == 'kelurahan' else 'desa'}-{self.key}"

    @property
    def pustu_id(self) -> str | None:
        return f"pustu-{self.key}" if self.pustu else None

    def dusun_id(self, d: Dusun) -> str:
        return f"{self.id}-{d.key}"


def _nth(n: int, weekday: str) -> Opening:
    return Opening(nth=n, weekday=WEEKDAYS.index(weekday))


def _dom(day: int) -> Opening:
    return Opening(day=day)


def _desa_list(rng: random.Random) -> tuple[Desa, ...]:
    def kader() -> int:
        return rng.randint(3, 6)

    return (
        Desa(
            "sukamaju", "Kelurahan Sukamaju", "kelurahan", "perkotaan", f"{KEC_CODE}1001", 0.34,
            ("perawat", "bidan"),
            (
                Dusun("rw01", "RW 01", "Melati", _nth(1, "tue"), kader()),
                Dusun("rw02", "RW 02", "Mawar", _nth(2, "tue"), kader()),
                Dusun("rw03", "RW 03", "Anggrek", _dom(10), kader()),
                Dusun("rw04", "RW 04", "Kenanga", _nth(3, "thu"), kader()),
            ),
        ),
        Desa(
            "sumberejo", "Desa Sumberejo", "desa", "perdesaan", f"{KEC_CODE}2002", 0.28,
            ("perawat", "bidan"),
            (
                Dusun("krajan", "Dusun Krajan", "Dahlia", _dom(5), kader()),
                Dusun("sumbersari", "Dusun Sumbersari", "Flamboyan", _nth(2, "thu"), kader()),
                Dusun("karanganyar", "Dusun Karanganyar", "Cempaka", _dom(20), kader()),
            ),
        ),
        Desa(
            "mulyoagung", "Desa Mulyoagung", "desa", "perdesaan", f"{KEC_CODE}2003", 0.21,
            (),  # gap: no Pustu
            (
                Dusun("krajan", "Dusun Krajan", "Teratai", _nth(1, "fri"), kader()),
                Dusun("ngadirejo", "Dusun Ngadirejo", "Seruni", _dom(15), kader()),
            ),
        ),
        Desa(
            "gunungsari", "Desa Gunungsari", "desa", "terpencil", f"{KEC_CODE}2004", 0.17,
            ("bidan",),  # gap: no nurse
            (
                Dusun("krajan", "Dusun Krajan", "Kamboja", _nth(3, "wed"), kader()),
                Dusun("watugede", "Dusun Watugede", "Asoka", _dom(25), 0),  # gap: no kader
                Dusun("sidomulyo", "Dusun Sidomulyo", "Wijaya Kusuma", _nth(4, "mon"), kader()),
            ),
        ),
    )  # fmt: skip


PKM = "pkm-sukamaju"
KLINIK = "klinik-sehat-sentosa"
PMB = "pmb-rukmini"
HOSPITAL = "rsud-sumberwaras"
PMB_DESA = "mulyoagung"  # the praktik bidan sits in the desa without a Pustu
#: Region flags of desa (illustrative: the remote desa stands for an endemic area)
DESA_FLAGS: dict[str, dict[str, bool]] = {
    "gunungsari": {"je_endemic": True, "malaria_endemic": True}
}
ANY_DAY_GROUPS = frozenset({"maternal", "newborn", "family_planning"})
ANY_DAY_CODES = frozenset({"HB0", "CKG-NEWBORN", "TTD-BUMIL"})
MIDWIFE_GROUPS = frozenset({"maternal", "newborn", "immunization", "family_planning"})

WOMEN = (
    "Siti", "Sri", "Dewi", "Nur", "Rina", "Ani", "Wati", "Lestari", "Endang", "Ratna", "Yuni",
    "Fitri", "Indah", "Putri", "Ayu", "Dian", "Rahayu", "Wulan", "Nanda", "Aisyah", "Zahra",
    "Nabila", "Kartini", "Tri", "Eka", "Maya", "Lina", "Intan", "Anisa", "Dwi"
)  # fmt: skip
WOMEN_2 = (
    "Aminah", "Rahmawati", "Lestari", "Wahyuni", "Handayani", "Astuti", "Sari", "Purwanti",
    "Kusumawati", "Susanti", "Maharani", "Safitri", "Anggraini", "Utami", "Pertiwi"
)  # fmt: skip
MEN = (
    "Budi", "Agus", "Slamet", "Joko", "Eko", "Bambang", "Hendra", "Rudi", "Wahyu", "Teguh",
    "Sugeng", "Heru", "Arif", "Rizky", "Fajar", "Dimas", "Bayu", "Andi", "Yusuf", "Ahmad",
    "Muhammad", "Imam", "Hadi", "Adi", "Dwi", "Galih", "Yoga", "Rio", "Dani", "Bagus"
)  # fmt: skip
MEN_2 = (
    "Santoso", "Wibowo", "Susanto", "Prasetyo", "Hidayat", "Saputra", "Setiawan", "Purnomo",
    "Kurniawan", "Nugroho", "Firmansyah", "Pratama", "Ramadhan", "Hermawan", "Suharto"
)  # fmt: skip
#: Older people often go by one name.
ELDERS = {
    "female": ("Sumarni", "Painem", "Sukini", "Tukiyem", "Suparmi", "Sarinah", "Juminah"),
    "male": ("Paiman", "Sukiman", "Tukijo", "Karto", "Sastro", "Wagiman", "Sarimin"),
}
STREETS = ("Jl. Merdeka", "Jl. Pahlawan", "Jl. Diponegoro", "Jl. Kartini", "Jl. Pemuda")


def _name(rng: random.Random, sex: str, age: float) -> str:
    if age >= 60 and rng.random() < 0.5:
        return rng.choice(ELDERS[sex])
    if sex == "female":
        return f"{rng.choice(WOMEN)} {rng.choice(WOMEN_2)}"
    return f"{rng.choice(MEN)} {rng.choice(MEN_2)}"


YAML_WORDS = frozenset({"yes", "no", "on", "off", "y", "n", "true", "false", "null"})


def _y(value: str) -> str:
    """A YAML scalar: plain when safe, else double-quoted."""
    plain = value.replace(" ", "").replace("-", "").replace(".", "").replace("(", "")
    plain = plain.replace(")", "")
    if plain.isalnum() and not value[0].isdigit() and value.lower() not in YAML_WORDS:
        return value
    return '"' + value.replace('"', '\\"') + '"'


def _staff_yaml(items: Sequence[tuple[str, str, str | None, str | None]]) -> list[str]:
    lines = ["    staff:"]
    for sid, role, name, level in items:
        parts = [f"id: {sid}", f"role: {role}"]
        if name:
            parts.append(f"name: {_y(name)}")
        if level:
            parts.append(f"level: {level}")
        lines.append("      - {" + ", ".join(parts) + "}")
    return lines


def _weighted(rng: random.Random, pairs: Sequence[tuple[str, float]]) -> str:
    return rng.choices([k for k, _ in pairs], weights=[w for _, w in pairs])[0]


def network_yaml(rng: random.Random, desas: Sequence[Desa], seed: int) -> str:
    """The network file text."""
    out = [
        "# Sample network of Puskesmas Sukamaju for `ilp demo` (format: docs/network.md).",
        f"# Generated by tools/make_demo.py (seed {seed}); invented places, people and staff.",
        "format: 1",
        "id: sukamaju",
        "# Indicative national holidays 2025-2026 (SKB 3 Menteri as reported, without",
        "# cuti bersama): check the current SKB before relying on them.",
        "holidays:",
    ]
    out += [f'  - "{h}"' for h in HOLIDAYS]
    out += [
        "areas:",
        '  - {id: jatim, name: Jawa Timur, level: province, code: "35"}',
        '  - {id: malang, name: Kabupaten Malang, level: kabupaten, parent: jatim, code: "3507"}',
        (
            "  - {id: sukamaju, name: Kecamatan Sukamaju, level: kecamatan, parent: malang,"
            f' type: perdesaan, code: "{KEC_CODE}"}}'
        ),
    ]
    for d in desas:
        flags = DESA_FLAGS.get(d.key)
        shown = ", ".join(f"{k}: {str(v).lower()}" for k, v in sorted((flags or {}).items()))
        out.append(
            f"  - {{id: {d.id}, name: {d.name}, level: {d.level}, parent: sukamaju,"
            f' type: {d.type}, code: "{d.code}"' + (f", flags: {{{shown}}}" if flags else "") + "}"
        )
        sub = "rw" if d.level == "kelurahan" else "dusun"
        out += [
            f"  - {{id: {d.dusun_id(u)}, name: {u.name}, level: {sub}, parent: {d.id}}}"
            for u in d.dusun
        ]
    out += [
        "facilities:",
        f"  - id: {PKM}",
        "    name: Puskesmas Sukamaju",
        "    type: puskesmas",
        "    area: sukamaju",
        "    opening: {weekdays: [mon, tue, wed, thu, fri, sat]}",
    ]
    pkm_staff = [
        ("dr-ani", "dokter", "dr. Ani Wulandari", None),
        ("dr-yoga", "dokter", "dr. Yoga Pratama", None),
        ("drg-sinta", "dokter_gigi", "drg. Sinta Maharani", None),
        ("bd-sri", "bidan", "Sri Rahayu, A.Md.Keb.", None),
        ("bd-lina", "bidan", "Lina Safitri, A.Md.Keb.", None),
        ("bd-nur", "bidan", "Nur Aini, S.Tr.Keb.", None),
        ("bd-eka", "bidan", "Eka Purwanti, A.Md.Keb.", None),
        ("pr-budi", "perawat", "Budi Hermawan, S.Kep.", None),
        ("pr-dian", "perawat", "Dian Utami, A.Md.Kep.", None),
        ("pr-agus", "perawat", "Agus Setiawan, S.Kep.", None),
        ("pr-maya", "perawat", "Maya Anggraini, A.Md.Kep.", None),
        ("gz-rina", "nutrisionis", "Rina Kusumawati, S.Gz.", None),
        ("lab-heru", "ahli_laboratorium", "Heru Nugroho, A.Md.AK.", None),
        ("apt-dewi", "apoteker", "apt. Dewi Lestari", None),
        ("sn-fajar", "sanitarian", "Fajar Ramadhan", None),
        ("pk-intan", "tenaga_promkes", "Intan Pertiwi", None),
    ]
    out += _staff_yaml(pkm_staff)
    pustu_names = {"perawat": ("Teguh", "Andi", "Rio"), "bidan": ("Yuni", "Ratna", "Wati")}
    for i, d in enumerate(desas):
        if not d.pustu:
            continue
        out += [
            f"  - id: {d.pustu_id}",
            f"    name: Pustu {d.name.split(' ', 1)[1]}",
            "    type: pustu",
            f"    area: {d.id}",
            f"    parent: {PKM}",
            "    opening: {weekdays: [mon, tue, wed, thu, fri]}",
        ]
        staff = []
        for role in d.pustu:
            first = pustu_names[role][i % 3]
            prefix = "pr" if role == "perawat" else "bd"
            staff.append((f"{prefix}-{first.lower()}-{d.key}", role, first, None))
        out += _staff_yaml(staff)
    for d in desas:
        for u in d.dusun:
            pid = f"psy-{u.posyandu.lower().replace(' ', '-')}"
            out += [
                f"  - id: {pid}",
                f"    name: Posyandu {u.posyandu}",
                "    type: posyandu",
                f"    area: {d.dusun_id(u)}",
                f"    parent: {d.pustu_id or PKM}",
                f"    opening: {u.opening.yaml()}",
            ]
            if u.kader:
                kader = []
                for k in range(u.kader):
                    level = _weighted(rng, KADER_LEVELS)
                    kader.append((f"{pid}-k{k + 1}", "kader", rng.choice(WOMEN), level))
                out += _staff_yaml(kader)
            else:
                out.append("    staff: []  # no kader: a gap")
    out += [
        f"  - id: {KLINIK}",
        "    name: Klinik Pratama Sehat Sentosa",
        "    type: klinik_pratama",
        "    area: kel-sukamaju",
        f"    parent: {PKM}",
        "    opening: {weekdays: [mon, tue, wed, thu, fri, sat]}",
    ]
    out += _staff_yaml(
        [
            ("kps-dr-rudi", "dokter", "dr. Rudi Hidayat", None),
            ("kps-pr-anisa", "perawat", "Anisa Sari", None),
            ("kps-bd-ayu", "bidan", "Ayu Lestari", None),
        ]
    )
    out += [
        f"  - id: {PMB}",
        "    name: Praktik Mandiri Bidan Rukmini",
        "    type: praktik_bidan",
        f"    area: desa-{PMB_DESA}",
        f"    parent: {PKM}",
        "    opening: {weekdays: [mon, tue, wed, thu, fri, sat]}",
    ]
    out += _staff_yaml([("pmb-bd-rukmini", "bidan", "Rukmini, A.Md.Keb.", None)])
    out += [
        f"  - id: {HOSPITAL}",
        "    name: RSUD Sumberwaras (rujukan)",
        "    type: hospital",
        "    area: malang",
        "    opening: {weekdays: [mon, tue, wed, thu, fri, sat, sun]}",
    ]
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------
# the population


@dataclass(eq=False)
class Resident:
    """One invented person while the register is being built."""

    sex: str
    birth: dt.date
    spouse: Resident | None = None
    mother: Resident | None = None
    children: list[Resident] = field(default_factory=list)
    ever_married: bool = False
    home: Home | None = None
    relation: str = ""
    name: str = ""
    pid: str = ""
    nik: str = ""
    conditions: list[str] = field(default_factory=list)
    grade: int | None = None
    birth_place: str | None = None  # facility id of a facility birth; "" = at home
    pregnancies: list[tuple[dt.date, dt.date | None, bool | None]] = field(default_factory=list)

    @property
    def age(self) -> float:
        return (AS_OF - self.birth).days / 365.2425


@dataclass(eq=False)
class Home:
    """A family (one family card) while the register is being built."""

    head: Resident
    members: list[Resident] = field(default_factory=list)
    desa: Desa | None = None
    dusun: Dusun | None = None
    kk: str = ""

    def add(self, r: Resident, relation: str) -> None:
        r.home, r.relation = self, relation
        self.members.append(r)


def _quotas(total: int) -> list[tuple[int, str, int]]:
    """People per (lowest age, sex), by largest remainder so they sum to *total*."""
    cells = [(lo, s, n) for lo, m, f in AGE_SEX for s, n in (("male", m), ("female", f))]
    whole = sum(n for _, _, n in cells)
    exact = [(lo, s, total * n / whole) for lo, s, n in cells]
    counts = [(lo, s, math.floor(x)) for lo, s, x in exact]
    short = total - sum(c for _, _, c in counts)
    by_rest = sorted(range(len(exact)), key=lambda i: -(exact[i][2] % 1))
    for i in by_rest[:short]:
        lo, s, c = counts[i]
        counts[i] = (lo, s, c + 1)
    return counts


def _born(age_years: float) -> dt.date:
    return AS_OF - dt.timedelta(days=max(0, int(age_years * 365.2425)))


def _band(value: float, table: Sequence[tuple[int, float]]) -> float:
    share = 0.0
    for lo, p in table:
        if value >= lo:
            share = p
    return share


def _people(rng: random.Random, total: int) -> list[Resident]:
    people = []
    for lo, sex, n in _quotas(total):
        for i in range(n):
            if lo == 0:  # under-fives spread evenly over the five years
                age = (i + rng.random()) / n * 5
            elif lo == 75:
                age = 75 + min(rng.expovariate(1 / 7), 24.5)
            else:
                age = lo + rng.random() * 5
            people.append(Resident(sex, _born(age)))
    people.sort(key=lambda r: (r.birth, r.sex))
    return people


def _marry(rng: random.Random, people: list[Resident]) -> None:
    women = [r for r in people if r.sex == "female" and r.age >= 15]
    rng.shuffle(women)
    men = [r for r in people if r.sex == "male" and r.age >= 17]
    for w in women:
        if rng.random() >= _band(w.age, MARRIED_BY_AGE):
            continue
        w.ever_married = True
        free = [m for m in men if m.spouse is None and -2 <= m.age - w.age <= 12]
        if not free:
            continue  # widowed or separated
        weights = [math.exp(-(((m.age - w.age - 4) / 3) ** 2) / 2) for m in free]
        m = rng.choices(free, weights=weights)[0]
        m.spouse, w.spouse, m.ever_married = w, m, True
    for m in men:
        if m.spouse is None and m.age >= 50 and rng.random() < 0.7:
            m.ever_married = True  # widowed


def _spaced(mother: Resident, child: Resident) -> bool:
    return all(abs((c.birth - child.birth).days) >= 420 for c in mother.children)


def _find_mothers(rng: random.Random, people: list[Resident]) -> list[Resident]:
    """Give each dependant a mother; return those for whom none fits."""
    women = [r for r in people if r.sex == "female" and r.age >= 16]
    dependants = [
        r
        for r in people
        if r.age < 18
        or (r.age < 35 and not r.ever_married and r.spouse is None and rng.random() < STAY_HOME)
    ]
    motherless = []
    for child in sorted(dependants, key=lambda r: r.birth):
        fits = [
            w
            for w in women
            if 16 <= w.age - child.age <= 44
            and w is not child
            and len(w.children) < 6
            and _spaced(w, child)
        ]
        weights = [
            math.exp(-(((w.age - child.age - 27) / 6) ** 2) / 2)
            * (1.0 if w.ever_married else 0.03)
            / (1 + 0.7 * len(w.children))
            for w in fits
        ]
        if not fits or sum(weights) == 0:
            motherless.append(child)
            continue
        mother = rng.choices(fits, weights=weights)[0]
        child.mother = mother
        mother.children.append(child)
    return motherless


def _households(rng: random.Random, people: list[Resident]) -> list[Home]:
    motherless = set(_find_mothers(rng, people))
    homes: list[Home] = []

    def own(r: Resident) -> Home:
        home = Home(r)
        home.add(r, "head")
        homes.append(home)
        return home

    for r in people:  # couples: the husband heads the card
        if r.sex == "male" and r.spouse is not None:
            own(r).add(r.spouse, "spouse")
    for r in people:  # unmarried mothers who are not themselves living with a parent
        if r.home is None and r.children and r.mother is None:
            own(r)

    def settle(r: Resident) -> None:
        """Place *r* (a child) in the mother's household, placing the mother first."""
        if r.home is not None or r.mother is None:
            return
        m = r.mother
        if m.home is None:
            settle(m)
        if m.home is None:
            own(m)
        assert m.home is not None
        m.home.add(r, "child" if m.relation in ("head", "spouse") else "other")

    for r in people:
        if r.mother is not None:
            settle(r)
    for r in people:
        if r.home is not None or r in motherless:
            continue
        if r.age >= 50 and rng.random() < ELDER_WITH_CHILD:
            hosts = [h for h in homes if 17 <= r.age - h.head.age <= 45]
            if hosts:
                rng.choice(hosts).add(r, "parent")
                continue
        if r.age < 50 and homes and (r.age < 25 or rng.random() < SINGLE_JOINS):
            rng.choice(homes).add(r, "other")
            continue
        own(r)
    for r in [p for p in people if p in motherless]:  # grandchildren, other young relatives
        hosts = [h for h in homes if h.head.age - r.age >= 35] or homes
        rng.choice(hosts).add(r, "other")
    return homes


def _place_homes(rng: random.Random, homes: list[Home], desas: Sequence[Desa]) -> list[Home]:
    rng.shuffle(homes)
    weights = [d.weight for d in desas]
    for h in homes:
        h.desa = rng.choices(list(desas), weights=weights)[0]
        h.dusun = rng.choice(h.desa.dusun)
    order = {(d.key, u.key): (i, j) for i, d in enumerate(desas) for j, u in enumerate(d.dusun)}

    def where(h: Home) -> tuple[int, int]:
        assert h.desa is not None
        assert h.dusun is not None
        return order[h.desa.key, h.dusun.key]

    homes.sort(key=lambda h: (*where(h), h.head.birth, h.head.sex))
    return homes


def _conditions(rng: random.Random, people: list[Resident]) -> None:
    for r in people:
        if r.age >= 18 and rng.random() < _band(r.age, HT_DIAGNOSED):
            r.conditions.append("hypertension")
        if r.age >= 15 and rng.random() < DM_DIAGNOSED:
            r.conditions.append("diabetes")
        if r.age >= 15 and rng.random() < SMOKER[r.sex]:
            r.conditions.append("smoker")
    adults = [r for r in people if r.age >= 15]
    for condition, rate in (("tuberculosis", TB_ON_TREATMENT), ("severe_mental_disorder", SMD)):
        for r in rng.sample(adults, round(rate * len(people))):
            r.conditions.append(condition)
    for r in people:
        r.conditions.sort()


def _pregnancies(rng: random.Random, people: list[Resident]) -> None:
    """Deliveries of the children walked from birth who live with their mother; ongoing ones."""
    young = AS_OF.replace(year=AS_OF.year - FROM_BIRTH_YEARS)
    for child in people:
        if child.mother is None or child.birth < young:
            continue
        lmp = child.birth - dt.timedelta(days=rng.randint(259, 287))
        facility = rng.random() < FACILITY_BIRTH
        child.mother.pregnancies.append((lmp, child.birth, facility))
        child.birth_place = _birth_place(rng) if facility else ""
    window = 252  # an HPHT from 4 to 40 weeks before as_of
    n = round(CBR * len(people) * window / 365)
    free = [
        w
        for w in people
        if w.sex == "female"
        and w.spouse is not None
        and 15 <= w.age < 50
        and all((AS_OF - c.birth).days > 365 for c in w.children)
    ]
    weights = [_band(w.age, FERTILITY) for w in free]
    chosen: list[Resident] = []
    while len(chosen) < n and free:
        w = rng.choices(free, weights=weights)[0]
        i = free.index(w)
        free.pop(i)
        weights.pop(i)
        chosen.append(w)
    for i, w in enumerate(sorted(chosen, key=lambda r: r.birth)):
        lmp = AS_OF - dt.timedelta(days=28 + int((i + rng.random()) / n * window))
        w.pregnancies.append((lmp, None, None))
    for r in people:
        r.pregnancies.sort()


def _birth_place(rng: random.Random) -> str:
    kind = _weighted(rng, BIRTH_PLACES)
    return {"puskesmas": PKM, "praktik_bidan": PMB, "hospital": HOSPITAL, "klinik": KLINIK}[kind]


def _school(rng: random.Random, people: list[Resident]) -> None:
    july = dt.date(SCHOOL_YEAR, 7, 1)
    for r in people:
        age = (july - r.birth).days // 365.2425
        grade = int(age) - 6
        if not 1 <= grade <= 12 or rng.random() >= _band(grade, ENROLLED):
            continue
        if grade > 1 and rng.random() < HELD_BACK:
            grade -= 1
        r.grade = grade


def _ids(rng: random.Random, homes: list[Home]) -> None:
    serial = 0
    for i, h in enumerate(homes, start=1):
        issued = dt.date(2010, 1, 1) + dt.timedelta(days=rng.randint(0, 14 * 365))
        h.kk = f"{KEC_CODE}{issued:%d%m%y}{i:04d}"
        rank = {"head": 0, "spouse": 1, "child": 2, "parent": 3, "other": 4}
        h.members.sort(key=lambda r: (rank[r.relation], r.birth))
        for k, r in enumerate(h.members, start=1):
            serial += 1
            day = r.birth.day + (40 if r.sex == "female" else 0)
            r.nik = f"{KEC_CODE}{day:02d}{r.birth:%m%y}{serial:04d}"
            r.pid = f"p{i:03d}-{k}"
            r.name = _name(rng, r.sex, r.age)


# ---------------------------------------------------------------------------
# histories: walk the schedule


@dataclass
class Walk:
    """What the walk needs to know about one person."""

    person: Person
    resident: Resident
    desa: Desa
    posyandu: str | None  # None when the Posyandu has no kader
    pustu: str | None
    steps: list[dt.date]
    posyandu_days: frozenset[dt.date]
    reached: bool  # by the immunization programme


def _steps(r: Resident, monthly: frozenset[dt.date]) -> list[dt.date]:
    """The days the walk asks ``ilp.due``: Posyandu days, pregnancy fortnights, after births."""
    young = AS_OF.replace(year=AS_OF.year - FROM_BIRTH_YEARS)
    start = r.birth if r.birth >= young else AS_OF.replace(year=AS_OF.year - HISTORY_YEARS)
    days = set(monthly)
    days.update(r.birth + dt.timedelta(days=k) for k in range(31))
    for lmp, delivery, _ in r.pregnancies:
        end = delivery or AS_OF
        days.update(lmp + dt.timedelta(days=k) for k in range(28, (end - lmp).days, 14))
        if delivery is not None:
            days.update(delivery + dt.timedelta(days=k) for k in range(31))
    return sorted(d for d in days if max(start, r.birth) <= d <= AS_OF)


def _period(item: DueItem, rules: dict[str, object]) -> int | None:
    """Days after which a refused item is offered again (None: decided once)."""
    rule = rules.get(item.code)
    if isinstance(rule, RecurringRule):
        return max(28, rule.interval.months * 30 + rule.interval.days)
    return None


def _coverage(item: DueItem, w: Walk, on: dt.date) -> float:
    code, group = item.code, item.service.group
    if code in NEWBORN_CODES:
        p = NEWBORN_CARE[bool(w.resident.birth_place)]
    elif code == "HT-CONTROL":
        p = _band((on - w.resident.birth).days / 365.2425, HT_CONTROL)
    elif code in COVERAGE:
        p = COVERAGE[code]
    elif group == "immunization":
        p = DOSE_GIVEN if w.reached else 0.0
    else:
        p = DEFAULT_COVERAGE
    return p * (REMOTE_FACTOR if w.desa.type == "terpencil" else 1.0)


def _place(rng: random.Random, item: DueItem, w: Walk, on: dt.date) -> str:
    code = item.code
    kinds = {p.value for p in item.points_of_care}
    near = w.pustu
    if near is None and w.desa.key == PMB_DESA and item.service.group in MIDWIFE_GROUPS:
        near = PMB  # the praktik bidan stands in for the missing Pustu, for midwife care
    if code in NEWBORN_CODES or code in ("KN-1", "KF-1"):
        place = _delivery_place(w, on) if code == "KF-1" else w.resident.birth_place
        if place:  # care around a facility birth is given where the baby was born
            return place
        return near if near and kinds & {"pustu", "home_visit"} else PKM
    if code in ("ANC-K1", "ANC-K5", "DENTAL-BUMIL", "NCD-DOCTOR-REVIEW") or not (
        kinds & {"posyandu", "pustu"}
    ):
        return PKM
    if code.startswith(("ANC", "KN", "KF", "KB")):
        return near if near and rng.random() < 0.8 else PKM
    options = [
        (fid, PLACE_WEIGHTS[kind])
        for kind, fid in (("posyandu", w.posyandu), ("pustu", near), ("puskesmas", PKM))
        if fid is not None and kind in kinds and (kind != "posyandu" or on in w.posyandu_days)
    ]
    return _weighted(rng, options) if options else PKM


def _any_day(item: DueItem) -> bool:
    """True for care given on any day (around a birth, in pregnancy), not only monthly."""
    return item.service.group in ANY_DAY_GROUPS or item.code in ANY_DAY_CODES


def _delivery_place(w: Walk, on: dt.date) -> str | None:
    """Where the woman gave birth, for a KF-1 given on *on* (None: at home)."""
    for child in w.resident.children:
        if 0 <= (on - child.birth).days <= 2:
            return child.birth_place or None
    return None


def walk(rng: random.Random, w: Walk, rules: dict[str, object]) -> list[ServiceRecord]:
    """Give each due or overdue item with its coverage, step by step."""
    history: list[ServiceRecord] = []
    decided: dict[tuple[str, int, int], int | None] = {}
    seen: dict[tuple[str, int], int] = {}
    first = w.steps[0] if w.steps else AS_OF
    flags = DESA_FLAGS.get(w.desa.key, {})
    region = Region(flags=[k for k, v in flags.items() if v])
    for on in w.steps:
        given: set[str] = set()
        items = due(w.person, on, history=history, horizon=0, region=region)
        # opportunistic services (TB symptom screening) only for those who come for something else
        for item in sorted(items, key=lambda i: i.service.opportunistic):
            if item.status not in (Status.DUE, Status.OVERDUE) or item.code in given:
                continue
            if item.service.opportunistic and not given:
                continue
            if on not in w.posyandu_days and not _any_day(item):
                continue  # routine care waits for the monthly Posyandu day
            instance = (item.code, item.earliest.toordinal())
            anchor = seen.setdefault(instance, on.toordinal())
            period = _period(item, rules)
            bucket = 0 if period is None else (on.toordinal() - anchor) // period
            key = (*instance, bucket)
            if key not in decided:
                if rng.random() < _coverage(item, w, on):
                    # a backlog at the start of the walk is worked through over a year
                    spread = 0 if period is None or period < 180 else 90
                    if item.earliest.toordinal() < first.toordinal() and period:
                        spread = int(period * 0.9)
                    decided[key] = on.toordinal() + rng.randint(0, spread)
                else:
                    decided[key] = None
            when = decided[key]
            if when is None or on.toordinal() < when:
                continue
            decided[key] = None  # given once per decision
            given.add(item.code)
            place = _place(rng, item, w, on)
            history.append(ServiceRecord(item.code, on.isoformat(), place=place))
    return history


# ---------------------------------------------------------------------------
# writing


def _csv(rows: Iterable[Sequence[object]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])  # dates print as ISO
    return buf.getvalue()


def _flag(value: bool | None) -> str:
    return "" if value is None else str(value).lower()


HEADERS = {
    "households.csv": (
        "kk_number", "address", "residence", "family_planning", "no_smoker", "jkn",
        "clean_water", "healthy_latrine", "exclusive_breastfeeding",
    ),
    "people.csv": (
        "person_id", "kk_number", "relation", "name", "sex", "birth_date", "nik", "conditions",
        "school_grade", "school_year", "ever_sexually_active",
    ),
    "pregnancies.csv": ("person_id", "lmp", "delivery_date", "outcome", "in_facility"),
    "records.csv": ("person_id", "code", "date", "place"),
}  # fmt: skip


def _household_row(rng: random.Random, h: Home, d: Desa, u: Dusun) -> tuple[object, ...]:
    if d.level == "kelurahan":
        address = f"{rng.choice(STREETS)} No. {rng.randint(1, 120)}, {u.name}, {d.name}"
    else:
        address = f"{u.name} RT {rng.randint(1, 6):02d}, {d.name}"
    wife = next((r for r in h.members if r.relation == "spouse"), None)
    couple = wife is not None and wife.age < 50
    infant = any(7 <= (AS_OF - r.birth).days / 30.44 < 24 for r in h.members)
    return (
        h.kk,
        address,
        d.dusun_id(u),
        _flag(rng.random() < FAMILY_PLANNING) if couple else "",
        _flag(not any("smoker" in r.conditions for r in h.members)),
        _flag(rng.random() < HOUSEHOLD_FACTS["jkn"]),
        _flag(rng.random() < HOUSEHOLD_FACTS["clean_water"]),
        _flag(rng.random() < HOUSEHOLD_FACTS["healthy_latrine"]),
        _flag(rng.random() < EXCLUSIVE_BF) if infant else "",
    )


def _sexually_active(r: Resident) -> bool | None:
    """Known for women of 18 and over: married once, or a mother."""
    if r.sex != "female" or r.age < 18:
        return None
    return r.ever_married or bool(r.children)


def _person(r: Resident) -> Person:
    return Person.from_mapping(
        {
            "id": r.pid,
            "sex": r.sex,
            "birth_date": r.birth.isoformat(),
            "conditions": r.conditions,
            "school_grade": r.grade,
            "school_year": SCHOOL_YEAR if r.grade else None,
            "ever_sexually_active": _sexually_active(r),
            "pregnancies": [
                {"lmp": lmp.isoformat(), "delivery_date": dd and dd.isoformat()}
                for lmp, dd, _ in r.pregnancies
            ],
        }
    )


def build(seed: int = SEED) -> dict[str, str]:
    """Every output file's name and text, for *seed*."""
    rng = random.Random(seed)
    desas = _desa_list(rng)
    network = network_yaml(rng, desas, seed)
    people = _people(rng, PEOPLE)
    _marry(rng, people)
    homes = _place_homes(rng, _households(rng, people), desas)
    _conditions(rng, people)
    _pregnancies(rng, people)
    _school(rng, people)
    _ids(rng, homes)

    rows: dict[str, list[Sequence[object]]] = {name: [cols] for name, cols in HEADERS.items()}
    holidays = frozenset(dt.date.fromisoformat(h) for h in HOLIDAYS)
    opening_from = AS_OF.replace(year=AS_OF.year - FROM_BIRTH_YEARS)
    window = AS_OF.replace(year=AS_OF.year - HISTORY_YEARS)
    catalogue = national()
    rules: dict[str, object] = {s.code: e.rule for e in catalogue.entries for s in e.services}
    for h in homes:
        assert h.desa is not None
        assert h.dusun is not None
        d, u = h.desa, h.dusun
        rows["households.csv"].append(_household_row(rng, h, d, u))
        monthly = frozenset(u.opening.days(opening_from, AS_OF, holidays))
        posyandu = f"psy-{u.posyandu.lower().replace(' ', '-')}" if u.kader else None
        for r in h.members:
            rows["people.csv"].append(
                (
                    r.pid, h.kk, r.relation, r.name, r.sex, r.birth.isoformat(), r.nik,
                    ";".join(r.conditions), r.grade, SCHOOL_YEAR if r.grade else None,
                    _flag(_sexually_active(r)),
                )
            )  # fmt: skip
            rows["pregnancies.csv"] += [
                (r.pid, lmp, delivery, "live_birth" if delivery else None, _flag(facility))
                for lmp, delivery, facility in r.pregnancies
            ]
            reached = rng.random() < IMMUNIZATION_REACH
            w = Walk(_person(r), r, d, posyandu, d.pustu_id, _steps(r, monthly), monthly, reached)
            rows["records.csv"] += [
                (r.pid, s.code, s.date.isoformat(), s.place)
                for s in walk(rng, w, rules)
                # monthly weighing and vitamin A rounds before the window change no later
                # due date: drop them to keep the sample small
                if s.date >= window or not isinstance(rules[s.code], CalendarRule)
            ]
    files = {"network.yaml": network}
    files.update((name, _csv(table)) for name, table in rows.items())
    files["demo.yaml"] = (
        "# The sample kecamatan for `ilp demo`: invented people in an invented kecamatan.\n"
        f"# Generated by tools/make_demo.py with seed {seed}; do not edit by hand.\n"
        f'as_of: "{AS_OF.isoformat()}"\n'
        "network: network.yaml\n"
        'register: "."\n'
    )
    return files


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    parser.add_argument("--seed", type=int, default=SEED, help=f"random seed (default {SEED})")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, text in build(args.seed).items():
        (args.out / name).write_text(text, encoding="utf-8", newline="\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
