"""Words for reasons: durations and month lists in Indonesian and English."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from ilp.dates import Duration

__all__ = ["month_names", "words"]

_UNITS: Final = {"en": ("year", "month", "week", "day"), "id": ("tahun", "bulan", "minggu", "hari")}
_MONTHS: Final = {
    "en": "January February March April May June July August September October November December",
    "id": "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember",
}


def words(dur: Duration | None, lang: str) -> str:
    """*dur* in words of *lang* (``id`` or ``en``): ``2 months``, ``24 minggu 6 hari``."""
    if dur is None:
        return ""
    y_, mo_, w_, d_ = _UNITS[lang]
    parts = []
    y, mo = divmod(dur.months, 12)
    if y and not mo:
        parts.append((y, y_))
    elif dur.months:
        parts.append((dur.months, mo_))
    w, d = divmod(dur.days, 7)
    if dur.days and not d:
        parts.append((w, w_))
    elif dur.days >= 84:  # 24w6d reads better as weeks and days than as 174 days
        parts += [(w, w_), (d, d_)]
    elif dur.days:
        parts.append((dur.days, d_))
    if not parts:
        return "0 " + d_ + ("s" if lang == "en" else "")
    return " ".join(f"{n} {u}{'s' if lang == 'en' and n != 1 else ''}" for n, u in parts)


def month_names(months: Iterable[int], lang: str) -> str:
    """The names of *months* in *lang*, joined with "and" (or "every month")."""
    names = _MONTHS[lang].split()
    listed = [names[m - 1] for m in months]
    if len(listed) == 12:
        return "every month" if lang == "en" else "setiap bulan"
    joiner = " and " if lang == "en" else " dan "
    return joiner.join(listed)
