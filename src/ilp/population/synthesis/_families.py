"""Families (kartu keluarga): couples, children matched to mothers, families joined to size."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

import attrs
import numpy as np

from ilp.people import Sex
from ilp.population._calendar import Arr, add_months
from ilp.population.columns import SEX_CODES
from ilp.population.synthesis._ages import _band
from ilp.population.synthesis._params import SynthParams

__all__ = ["DrawnFamilies"]

#: Unmarried people up to this age may still live with their mother.
_MAX_DEPENDENT_AGE: Final = 29
#: Retries when a person finds no partner or mother in the drawn age bucket.
_TRIES: Final = 4


@attrs.frozen
class DrawnFamilies:
    unit: Arr  # a representative row per family (before numbering)
    mother: Arr  # row of the mother at home, or -1
    ever_married: Arr  # women ever married
    married: Arr  # women living with a husband


#: Age buckets are clipped to this range (no one is older).
_BUCKETS: Final = 256


class _Pool:
    """Candidates sorted by age bucket, in a random order within each bucket."""

    def __init__(self, rng: np.random.Generator, rows: Arr, key: Arr) -> None:
        rows = rng.permutation(rows)
        order = np.argsort(np.clip(key[rows], 0, _BUCKETS - 1).astype(np.int16), kind="stable")
        self.rows = rows[order]
        self.key = key[self.rows]


def _match_once(rng: np.random.Generator, keys: Arr, cands: Arr, ck: Arr) -> Arr:
    """Give each requester a distinct candidate of its bucket (*keys*), at random.

    *cands* are sorted by bucket *ck*; each bucket is read from a random
    starting point, so repeated calls on one pool are independent draws.
    """
    out = np.full(len(keys), -1, dtype=np.int64)
    if not len(cands) or not len(keys):
        return out
    bucket = np.clip(keys, -1, _BUCKETS).astype(np.int16)
    ro = rng.permutation(len(keys))
    ro = ro[np.argsort(bucket[ro], kind="stable")]
    sk = bucket[ro]
    first = np.searchsorted(ck, sk, side="left")
    count = np.searchsorted(ck, sk, side="right") - first
    rank = np.arange(len(sk)) - np.searchsorted(sk, sk, side="left")
    start = np.floor(rng.random(_BUCKETS + 2)[sk + 1] * count).astype(np.int64)
    ok = rank < count
    out[ro[ok]] = cands[first[ok] + (start[ok] + rank[ok]) % count[ok]]
    return out


def _match(
    rng: np.random.Generator,
    requesters: Arr,
    *,
    draw: Callable[[Arr], Arr],
    accept: Callable[[Arr, Arr], Arr],
    pool: _Pool,
    available: Arr,
) -> Arr:
    """Match requesters to distinct available candidates by drawn age buckets, with retries."""
    out = np.full(len(requesters), -1, dtype=np.int64)
    todo = np.arange(len(requesters))
    for _ in range(_TRIES):
        if not len(todo):
            break
        free = available[pool.rows]
        got = _match_once(rng, draw(requesters[todo]), pool.rows[free], pool.key[free])
        hit = got >= 0
        hit[hit] = accept(requesters[todo[hit]], got[hit])
        out[todo[hit]] = got[hit]
        available[got[hit]] = False
        todo = todo[~hit]
    return out


def _families(
    rng: np.random.Generator, birth: Arr, sex: Arr, age: Arr, params: SynthParams
) -> DrawnFamilies:
    n = len(birth)
    female = sex == SEX_CODES[Sex.FEMALE]
    ever = female & (age >= 15) & (rng.random(n) < _band(age, params.ever_married))

    # couples: each ever-married woman looks for a man of her age plus the gap
    wives = np.flatnonzero(ever)

    def husband_age(rows: Arr) -> Arr:
        gap = rng.normal(params.spouse_age_gap, params.spouse_age_sd, len(rows))
        return age[rows] + np.rint(gap).astype(np.int64)

    def anyone(rows: Arr, cands: Arr) -> Arr:
        return np.ones(len(rows), dtype=bool)

    men = (~female) & (age >= 18)
    husband = _match(
        rng,
        wives,
        draw=husband_age,
        accept=anyone,
        pool=_Pool(rng, np.flatnonzero(men), age),
        available=men.copy(),
    )
    married = np.zeros(n, dtype=bool)
    married[wives[husband >= 0]] = True
    husbands = np.zeros(n, dtype=bool)
    husbands[husband[husband >= 0]] = True

    # children and young adults at home, cohort by cohort, to a woman 15-49 at their birth
    dependent = (age < 18) & ~ever & ~husbands
    young = (age >= 18) & (age <= _MAX_DEPENDENT_AGE) & ~ever & ~husbands
    dependent |= young & (rng.random(n) < params.stay_home)
    shape = np.array(params.fertility_shape) / sum(params.fertility_shape)
    mother = np.full(n, -1, dtype=np.int64)
    last_cohort = np.full(n, -10, dtype=np.int64)

    def mother_age(rows: Arr) -> Arr:
        group = rng.choice(7, size=len(rows), p=shape)
        return age[rows] + 15 + 5 * group + rng.integers(0, 5, size=len(rows))

    def fits(rows: Arr, cands: Arr) -> Arr:
        # 15 when the pregnancy began (10 months before the birth), under 50 at the birth
        mb, cb = birth[cands], birth[rows]
        return (add_months(mb, 15 * 12 + 10) <= cb) & (add_months(mb, 50 * 12) > cb)

    women = _Pool(rng, np.flatnonzero(ever), age)
    for c in range(_MAX_DEPENDENT_AGE + 1):
        kids = np.flatnonzero(dependent & (age == c))
        if not len(kids):
            continue
        free = ever & (last_cohort < c - 1)
        found = _match(rng, kids, draw=mother_age, accept=fits, pool=women, available=free)
        ok = found >= 0
        mother[kids[ok]] = found[ok]
        last_cohort[found[ok]] = c

    # families: couples, women with children at home, and everyone else alone
    unit = np.arange(n, dtype=np.int64)
    matched = wives[husband >= 0]
    unit[matched] = husband[husband >= 0]
    linked = mother >= 0
    unit[linked] = unit[mother[linked]]
    stray = (age < 18) & ~linked & ~ever  # children with no mother found: join a family
    unit[stray] = -1
    unit = _resize(rng, unit, age, linked, round(n / params.household_size))
    return DrawnFamilies(unit=unit, mother=mother, ever_married=ever, married=married)


def _resize(rng: np.random.Generator, unit: Arr, age: Arr, linked: Arr, target: int) -> Arr:
    """Merge small families into others (or let adult children leave) to reach *target*."""
    n = len(unit)
    target = max(1, min(target, n))
    heads, size = np.unique(unit[unit >= 0], return_counts=True)
    if not len(heads):  # only children: they live together
        return np.zeros(n, dtype=np.int64)
    extra = len(heads) - target
    if extra > 0:
        # small ones first, but not all of them: a family of one is three times as likely to
        # join another as a family of two, and sixty times as likely as a larger one (guess)
        weight = np.where(size == 1, 3.0, np.where(size == 2, 1.0, 0.05))
        key = rng.random(len(heads)) ** (1.0 / weight)  # weighted sampling without replacement
        go = np.argsort(-key, kind="stable")[: min(extra, len(heads) - 1)]
        keep = np.ones(len(heads), dtype=bool)
        keep[go] = False
        into = heads[keep][rng.integers(0, int(keep.sum()), size=len(go))]
        remap = np.arange(n, dtype=np.int64)
        remap[heads[go]] = into
        unit = np.where(unit >= 0, remap[np.maximum(unit, 0)], -1)
    elif extra < 0:
        grown = np.flatnonzero(linked & (age >= 18))
        leave = rng.permutation(grown)[:-extra]
        unit[leave] = leave
    stray = np.flatnonzero(unit < 0)
    if len(stray):
        heads = np.unique(unit[unit >= 0])
        unit[stray] = heads[rng.integers(0, len(heads), size=len(stray))]
    return unit


def _place(rng: np.random.Generator, unit: Arr, weights: Arr) -> tuple[Arr, Arr]:
    """Number the families in a random order and cut them into areas by people."""
    n = len(unit)
    if not n:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    _, family = np.unique(unit, return_inverse=True)
    sizes = np.bincount(family)
    order = rng.permutation(len(sizes))
    number = np.empty(len(sizes), dtype=np.int64)
    number[order] = np.arange(len(sizes))
    middle = np.cumsum(sizes[order]) - sizes[order] / 2.0
    cuts = np.cumsum(weights) / weights.sum() * n
    # the area whose share of people holds the family's middle (an area of weight 0 has none)
    area = np.minimum(np.searchsorted(cuts, middle, side="right"), len(weights) - 1)
    household = number[family]
    return household, area[household]
