"""Occurrences over columns: the columnar ``occurrences`` of the per-person toolkit.

Shared by the rule kinds whose windows recur (``calendar``, ``followup``,
``birthday``, ``school``): find each row's previous, current and next
window, then :func:`decide` which one is listed and with what status, as
:func:`ilp.lifecycle.rules.person.occurrences` does per person.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

import numpy as np

from ilp.population._calendar import NO_DAY, Arr
from ilp.population.batch.cohort import Cohort, Segments, distinct
from ilp.population.batch.result import DUE, MISSED, NOT_LISTED, UPCOMING

if TYPE_CHECKING:
    from ilp.lifecycle import Entry
    from ilp.population.batch.run import Run

__all__ = [
    "Occurrence",
    "decide",
    "decide_by_day",
    "emit_occurrences",
    "find_scalar_windows",
    "find_windows",
    "occurrences",
    "scoped_occurrences",
]

#: An occurrence per row: (present, first day, last day) for the previous, current, next.
Occurrence = tuple[Arr, Arr, Arr]


def _sorted_disjoint(windows: Sequence[tuple[int, int]]) -> bool:
    return all(lo <= hi for lo, hi in windows) and all(
        a[1] < b[0] for a, b in itertools.pairwise(windows)
    )


def decide(  # noqa: PLR0917 - internal helper shared by four rule kinds
    run: Run,
    co: Cohort,
    code: str,
    sel: Arr | None,
    m: int,
    cur: Occurrence,
    nxt: Occurrence,
    prev: Occurrence,
) -> tuple[Arr, Arr, Arr, Arr | None]:
    """The end of ``occurrences`` per person: status, earliest, latest and given of each row.

    The current occurrence is completed by a record in it, unless the next
    one is within the horizon (then that one is upcoming); with no current
    occurrence, the next one within the horizon is upcoming, else the
    previous one is completed or missed.
    """
    d = run.d
    has_c, clo, chi = cur
    has_n, nlo, nhi = nxt
    has_p, plo, phi = prev
    soon = has_n & (nlo <= d + run.h)
    use_p = has_p & ~has_c & ~soon
    seg = run.segments(co, code)
    given = None
    if seg is None:
        use_n = soon & ~has_c
        use_c = has_c
        st = use_n.view(np.int8) * np.int8(UPCOMING)
        st += use_c.view(np.int8) * np.int8(DUE)
        st += use_p.view(np.int8) * np.int8(MISSED)
    else:
        # first records in the current and in the previous window (rows with no such
        # window have none)
        gc = _first_in(run, co, code, (clo, d), sel, valid=has_c)
        gp = _first_in(run, co, code, (plo, phi), sel, valid=use_p)
        got_c = gc != NO_DAY
        use_n = soon & (~has_c | got_c)
        use_c = has_c & ~use_n
        st = use_n.view(np.int8) * np.int8(UPCOMING)
        st += use_c.view(np.int8) * (np.int8(DUE) + got_c.view(np.int8) * np.int8(3))
        st += use_p.view(np.int8) * (np.int8(MISSED) + (gp != NO_DAY).view(np.int8))
        given = np.where(use_n, NO_DAY, np.where(has_c, gc, gp))
    e = np.where(use_n, nlo, np.where(has_c, clo, plo))
    latest = np.where(use_n, nhi, np.where(has_c, chi, phi))
    return st, e, latest, given


#: A row's window is found by a bisect in its records (``Run.first_from``) rather than
#: by a pass over all the code's records when the rows asked for are fewer than the
#: records over this.
_RECORDS_A_ROW: Final = 1


def _first_in(
    run: Run,
    co: Cohort,
    code: str,
    window: tuple[Arr | int, Arr | int],
    sel: Arr | None,
    *,
    valid: Arr,
) -> Arr:
    """``run.first_in(co, code, *window, sel, valid)``: none to look for when no row is valid.

    For a few rows beside the code's records (a school grade's rows in a
    cohort of all children), the first record on or after each row's first
    day is found by a bisect in that row's records and kept when it is on
    or before the last.
    """
    m = len(co) if sel is None else len(sel)
    if not valid.any():
        return np.full(m, NO_DAY, dtype=np.int32)
    lo, hi = window
    seg = run.segments(co, code)
    if seg is None or sel is None or _RECORDS_A_ROW * m > seg.size:
        return run.first_in(co, code, lo, hi, sel, valid)
    found = run.first_from(co, code, lo, sel)
    assert found is not None
    pos, z, days = found  # positions in the days returned
    day = days[np.minimum(pos, len(days) - 1)]
    ok = valid & (pos < z) & (day <= hi)
    first: Arr = np.where(ok, day, np.int32(NO_DAY))
    return first


def find_windows(
    run: Run,
    windows: Sequence[tuple[Arr | int, Arr | int, Arr | None]],
    start: Arr,
    end: Arr | None,
) -> tuple[Occurrence, Occurrence, Occurrence]:
    """The per-person ``occurrences`` loop over windows in date order: previous, current, next."""
    d, m = run.d, len(start)
    plo, phi, clo, chi, nlo, nhi = (np.zeros(m, dtype=np.int32) for _ in range(6))
    has_p, has_c, has_n = (np.zeros(m, dtype=np.bool_) for _ in range(3))
    for first, last, valid in windows:
        lo = np.maximum(start, first)
        hi = np.broadcast_to(last, (m,)) if end is None else np.minimum(end, last)
        ok = (lo <= hi) & ~has_n  # the loop stops at the first window ahead
        if valid is not None:
            ok &= valid
        before = hi < d
        p = ok & before
        c = ok & ~before & (lo <= d)
        n = ok & (lo > d)
        np.copyto(plo, lo, where=p)
        np.copyto(phi, hi, where=p)
        np.copyto(clo, lo, where=c)
        np.copyto(chi, hi, where=c)
        np.copyto(nlo, lo, where=n)
        np.copyto(nhi, hi, where=n)
        has_p |= p
        has_c |= c
        has_n |= n
    return (has_p, plo, phi), (has_c, clo, chi), (has_n, nlo, nhi)


def find_scalar_windows(
    run: Run, windows: Sequence[tuple[int, int]], start: Arr, end: Arr | None
) -> tuple[Occurrence, Occurrence, Occurrence]:
    """``windows`` for the same sorted, disjoint windows for every row, in closed form.

    Every row's end is on or after the date (the eligibility says so).
    """
    d, m = run.d, len(start)
    first = [w[0] for w in windows]
    last = [w[1] for w in windows]
    k = len(windows)
    kp = bisect.bisect_left(last, d) - 1  # the last window over before the date
    kn = bisect.bisect_right(first, d)  # the first window after it
    kc = kn - 1 if kn > 0 and last[kn - 1] >= d else -1  # the window holding it
    inside = start <= d
    if kc >= 0:
        has_c = inside
        clo = np.maximum(start, first[kc])
        chi = (
            np.broadcast_to(np.int32(last[kc]), (m,)) if end is None else np.minimum(end, last[kc])
        )
    else:
        has_c = np.zeros(m, dtype=np.bool_)
        clo = chi = np.zeros(m, dtype=np.int32)
    if kp >= 0:
        has_p = inside & (start <= last[kp])
        plo = np.maximum(start, first[kp])
        phi = np.broadcast_to(np.int32(last[kp]), (m,))
    else:
        has_p = np.zeros(m, dtype=np.bool_)
        plo = phi = np.zeros(m, dtype=np.int32)
    if kn < k:
        has_n = inside.copy() if end is None else inside & (end >= first[kn])
        nlo = np.full(m, first[kn], dtype=np.int32)
        nhi = np.full(m, last[kn], dtype=np.int32) if end is None else np.minimum(end, last[kn])
    else:
        has_n = np.zeros(m, dtype=np.bool_)
        nlo, nhi = np.zeros(m, dtype=np.int32), np.zeros(m, dtype=np.int32)
    ahead = np.flatnonzero(~inside)
    if len(ahead):
        # rows whose eligibility starts after the date: the first window reaching it
        s = start[ahead]
        t = None if end is None else end[ahead]
        j = np.searchsorted(np.asarray(last), s)
        ok = j < k
        jj = np.minimum(j, k - 1)
        lo = np.maximum(np.asarray(first)[jj], s)
        hi = np.asarray(last)[jj] if t is None else np.minimum(np.asarray(last)[jj], t)
        ok &= lo <= hi
        # has_n, nlo and nhi are new arrays here (nhi of the type of *end*)
        nhi = nhi.astype(np.int32, copy=False)
        has_n[ahead] = ok
        nlo[ahead] = lo
        nhi[ahead] = hi
    return (has_p, plo, phi), (has_c, clo, chi), (has_n, nlo, nhi)


def occurrences(  # noqa: PLR0917 - internal helper shared by two rule kinds
    run: Run,
    co: Cohort,
    code: str,
    sel: Arr | None,
    windows: Sequence[tuple[int, int]],
    start: Arr,
    end: Arr | None,
) -> tuple[Arr, Arr, Arr, Arr | None]:
    """``occurrences`` per person for windows that are the same for every row."""
    if _sorted_disjoint(windows) and (end is None or bool(np.all(end >= run.d))):
        prev, cur, nxt = find_scalar_windows(run, windows, start, end)
    else:
        prev, cur, nxt = find_windows(run, [(a, b, None) for a, b in windows], start, end)
    return decide(run, co, code, sel, len(start), cur, nxt, prev)


def scoped_occurrences(
    run: Run, entry: Entry, co: Cohort, code: str, windows: Sequence[tuple[int, int]]
) -> tuple[Arr, Arr, Arr, Arr | None]:
    """:func:`occurrences` of every cohort row over the entry's scope (``run.scope``).

    Without grades the scope is a function of the birth day, and so is what
    windows say before records: that is found once per birth day
    (``Cohort.runs``) and repeated over the rows; only the rows with a record
    in their current or previous window are decided again, one by one.
    """
    if entry.eligibility.grades or not _sorted_disjoint(windows):
        start, end = run.scope(entry, co)
        return occurrences(run, co, code, None, windows, start, end)
    heads, counts = co.runs()
    start, end = run.scope(entry, heads)
    if end is not None and not bool(np.all(end >= run.d)):
        start, end = run.scope(entry, co)
        return occurrences(run, co, code, None, windows, start, end)
    prev, cur, nxt = find_scalar_windows(run, windows, start, end)
    return decide_by_day(run, co, code, counts, cur, nxt, prev)


def decide_by_day(  # noqa: PLR0917 - internal helper shared by two rule kinds
    run: Run,
    co: Cohort,
    code: str,
    counts: Arr,
    cur: Occurrence,
    nxt: Occurrence,
    prev: Occurrence,
) -> tuple[Arr, Arr, Arr, Arr | None]:
    """:func:`decide` for every cohort row from windows found once per birth day.

    *cur*, *nxt* and *prev* are over the first rows of the cohort's runs of
    one birth day (``Cohort.runs``, whose lengths are *counts*): what they
    say before records is repeated over the rows, and only the rows with a
    record in their current or previous window are decided again.
    """
    soon = nxt[0] & (nxt[1] <= run.d + run.h)
    use_p = prev[0] & ~cur[0] & ~soon
    found = _open(cur, nxt, prev, soon & ~cur[0], use_p, None, None)
    st, e, latest = (np.repeat(x, counts) for x in found[:3])
    seg = run.segments(co, code)
    if seg is None:
        return st, e, latest, None
    given = np.full(len(co), NO_DAY, dtype=np.int32)
    _given_again(run, co, seg, (cur, nxt, prev, soon, use_p), (st, e, latest, given))
    return st, e, latest, given


def _open(  # noqa: PLR0917 - internal: decide's arithmetic, shared
    cur: Occurrence,
    nxt: Occurrence,
    prev: Occurrence,
    use_n: Arr,
    use_p: Arr,
    gc: Arr | None,
    gp: Arr | None,
) -> tuple[Arr, Arr, Arr, Arr | None]:
    """Status, earliest, latest and given from the windows and the records found in them."""
    has_c = cur[0]
    st = use_n.view(np.int8) * np.int8(UPCOMING)
    given = None
    if gc is None or gp is None:
        st += has_c.view(np.int8) * np.int8(DUE)
        st += use_p.view(np.int8) * np.int8(MISSED)
    else:
        use_c = has_c & ~use_n
        got_c = gc != NO_DAY
        st += use_c.view(np.int8) * (np.int8(DUE) + got_c.view(np.int8) * np.int8(3))
        st += use_p.view(np.int8) * (np.int8(MISSED) + (gp != NO_DAY).view(np.int8))
        given = np.where(use_n, NO_DAY, np.where(has_c, gc, gp))
    e = np.where(use_n, nxt[1], np.where(has_c, cur[1], prev[1]))
    latest = np.where(use_n, nxt[2], np.where(has_c, cur[2], prev[2]))
    return st, e, latest, given


def _given_again(
    run: Run,
    co: Cohort,
    seg: Segments,
    heads: tuple[Occurrence, Occurrence, Occurrence, Arr, Arr],
    out: tuple[Arr, Arr, Arr, Arr],
) -> None:
    """Decide again, into *out*, the rows with a record in their current or previous window.

    *heads* are the windows per birth day (as ``Cohort.runs``), with ``soon``
    and ``use_p`` of :func:`decide`; each row's records are consecutive and
    in day order, so the first passing one of each run of a row is its first.
    Records are up to the date: only those on or after the earliest day a
    window opens are looked at.
    """
    cur, nxt, prev, soon, use_p = heads
    found = []
    for has, first, hi in ((cur[0], cur[1], None), (use_p, prev[1], prev[2])):
        if not has.any():
            found.append((np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int32)))
            continue
        lo = np.where(has, first, NO_DAY)  # per birth day: no window, no record in it
        each = []
        for part in seg.parts():  # each row's records of a part after those of the one before
            idx = np.flatnonzero(part.day >= lo.min())
            loc, day = part.loc[idx], part.day[idx]
            head = co.head_of(loc)
            ok = day >= lo[head]
            if hi is not None:
                ok &= day <= hi[head]
            each.append(_first_of_each(loc, day, ok))
        found.append(each[0] if len(each) == 1 else _first_of_parts(*each))
    (rows_c, gc), (rows_p, gp) = found
    rows = _union(rows_c, rows_p, ascending=seg.ascending)
    if not len(rows):
        return
    h = co.head_of(rows)
    g_c = np.full(len(rows), NO_DAY, dtype=np.int32)
    g_c[np.searchsorted(rows, rows_c)] = gc
    g_p = np.full(len(rows), NO_DAY, dtype=np.int32)
    g_p[np.searchsorted(rows, rows_p)] = gp
    c, n, p = ((o[0][h], o[1][h], o[2][h]) for o in (cur, nxt, prev))
    use_n = soon[h] & (~c[0] | (g_c != NO_DAY))
    decided = _open(c, n, p, use_n, use_p[h], g_c, g_p)
    for column, values in zip(out, decided, strict=True):
        column[rows] = values


def _union(a: Arr, b: Arr, *, ascending: bool) -> Arr:
    """The sorted distinct rows of *a* and *b* (each distinct, and sorted when *ascending*)."""
    if ascending and not len(b):
        return a
    if ascending and not len(a):
        return b
    if ascending:  # two sorted runs: a stable sort merges them
        return distinct(np.sort(np.concatenate([a, b]), kind="stable"))
    return np.union1d(a, b)


def _first_of_parts(a: tuple[Arr, Arr], b: tuple[Arr, Arr]) -> tuple[Arr, Arr]:
    """The rows of *a* and *b* (each ascending, with a day each), each once: with its day in
    *a* when it has one there (the first part's records of a row are before its others)."""
    rows_a, day_a = a
    rows_b, day_b = b
    if not len(rows_b):
        return a
    if not len(rows_a):
        return b
    at = np.searchsorted(rows_a, rows_b)
    out = rows_a.take(np.minimum(at, len(rows_a) - 1)) != rows_b
    return np.insert(rows_a, at[out], rows_b[out]), np.insert(day_a, at[out], day_b[out])


def _first_of_each(loc: Arr, day: Arr, ok: Arr) -> tuple[Arr, Arr]:
    """The rows of the records where *ok*, each once, and the day of its first such record."""
    idx = np.flatnonzero(ok)
    if not len(idx):
        return idx, idx.astype(np.int32)
    a = loc[idx]
    first = np.empty(len(idx), dtype=np.bool_)
    first[0] = True
    np.not_equal(a[1:], a[:-1], out=first[1:])
    return a[first], day[idx[first]]


def emit_occurrences(
    run: Run, slot: int, co: Cohort, sel: Arr | None, found: tuple[Arr, Arr, Arr, Arr | None]
) -> None:
    """Emit what :func:`decide` found (rows it lists none for are left out)."""
    st, e, latest, given = found
    run.emit(slot, co, sel, st, e, e, None, latest, given, st != NOT_LISTED)
