"""Reading and validating indicator YAML (format: ``docs/monitoring.md``).

Read with the project's one YAML reader (:mod:`ilp._yaml`); validation
collects every problem with its file, line and key and raises one
:class:`~ilp.errors.IndicatorError` listing them all.
"""

from __future__ import annotations

import datetime as _dt
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Final

from ilp._reader import Reader, join
from ilp._reader import member as _member
from ilp._reader import text as _text
from ilp._reader import whole as _int
from ilp._vocabulary import Label
from ilp._yaml import Map, load_file, read_yaml
from ilp.dates import as_date
from ilp.errors import IndicatorError
from ilp.people import Condition
from ilp.pws._model import (
    Estimate,
    EstimateMethod,
    GroupKind,
    Indicator,
    IndicatorKind,
    IndicatorSet,
    Requirement,
    TargetGroup,
    Unit,
)

__all__ = ["indicators", "load_indicators", "parse_indicators"]

FORMAT: Final = 1
_KEYS: Final = (
    "label",
    "kind",
    "regulation",
    "source",
    "target",
    "group",
    "requires",
    "in_facility",
    "before_months",
    "codes",
    "from_code",
    "to_code",
    "steps",
    "measure",
    "of",
    "estimate",
    "spm",
    "effective",
    "confirmed",
    "note",
)
#: What each kind needs besides the common keys.
_NEEDS: Final = {
    IndicatorKind.COVERAGE: ("group",),
    IndicatorKind.COUNTS: ("group", "requires"),
    IndicatorKind.MONTHLY: ("group", "codes"),
    IndicatorKind.SKDN: ("group", "codes", "measure"),
    IndicatorKind.DROPOUT: ("from_code", "to_code"),
    IndicatorKind.CONTINUUM: ("steps",),
    IndicatorKind.UCI: ("of",),
}


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        msg = "expected a number"
        raise TypeError(msg)
    return float(value)


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        msg = "expected true or false"
        raise TypeError(msg)
    return value


def _codes(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        msg = "expected a non-empty list of codes"
        raise TypeError(msg)
    return tuple(_text(v) for v in value)


def _months(value: Any) -> int:
    n = _int(value)
    if n < 0:
        msg = "expected a number of months, 0 or more"
        raise ValueError(msg)
    return n


def _label(r: Reader, m: Map, where: str) -> Label | None:
    v = m.get("label")
    lm = r.mapping(v, join(where, "label"), m.lines.get("label"), required=("id", "en"))
    if lm is None:
        return None
    lid = r.get(lm, "id", join(where, "label"), _text, "text")
    len_ = r.get(lm, "en", join(where, "label"), _text, "text")
    return Label(lid, len_) if lid and len_ else None


def _group(r: Reader, m: Map, where: str) -> TargetGroup | None:
    w = join(where, "group")
    g = r.mapping(
        m["group"],
        w,
        m.lines.get("group"),
        required=("kind",),
        optional=("from_months", "to_months", "condition"),
    )
    if g is None:
        return None
    kind = r.get(g, "kind", w, _member(GroupKind), "a group kind")
    lo = r.get(g, "from_months", w, _months, "a number of months") or 0
    hi = r.get(g, "to_months", w, _months, "a number of months")
    cond = r.get(g, "condition", w, _member(Condition), "a condition")
    if hi is not None and hi <= lo:
        r.problem(join(w, "to_months"), g.lines.get("to_months"), f"{hi} is not above {lo}")
    if kind is GroupKind.CONDITION and cond is None:
        r.problem(join(w, "condition"), g.line, "a condition group needs a condition")
    return None if kind is None else TargetGroup(kind, lo, hi, cond)


def _requirement(r: Reader, value: Any, where: str, line: int | None) -> Requirement | None:
    q = r.mapping(
        value,
        where,
        line,
        required=("codes",),
        optional=("min", "trimester", "from_day", "to_day"),
    )
    if q is None:
        return None
    codes = r.get(q, "codes", where, _codes, "a list of codes")
    least = r.get(q, "min", where, _int, "a whole number")
    tri = r.get(q, "trimester", where, _int, "a whole number")
    lo = r.get(q, "from_day", where, _int, "a whole number")
    hi = r.get(q, "to_day", where, _int, "a whole number")
    if least is not None and least < 1:
        r.problem(join(where, "min"), q.lines.get("min"), f"{least} is not 1 or more")
    if tri is not None and tri not in (1, 2, 3):
        r.problem(join(where, "trimester"), q.lines.get("trimester"), f"{tri} is not 1, 2 or 3")
    if (lo is None) != (hi is None) or (lo is not None and hi is not None and not 0 <= lo <= hi):
        r.problem(where, q.line, "from_day and to_day go together, with 0 <= from_day <= to_day")
    if codes is None:
        return None
    return Requirement(codes, least or 1, tri, lo, hi)


def _estimate(r: Reader, m: Map, where: str) -> Estimate | None:
    w = join(where, "estimate")
    e = r.mapping(
        m["estimate"],
        w,
        m.lines.get("estimate"),
        required=("method",),
        optional=("factor", "parameter", "from_months"),
    )
    if e is None:
        return None
    method = r.get(e, "method", w, _member(EstimateMethod), "an estimate method")
    factor = r.get(e, "factor", w, _number, "a number")
    param = r.get(e, "parameter", w, _text, "text")
    lo = r.get(e, "from_months", w, _months, "a number of months") or 0
    if method is EstimateMethod.PREVALENCE and param is None:
        r.problem(join(w, "parameter"), e.line, "a prevalence estimate names its parameter")
    if method is None:
        return None
    return Estimate(method, 1.0 if factor is None else factor, param, lo)


def _indicator(r: Reader, value: Any, where: str, line: int | None) -> Indicator | None:
    m = r.mapping(
        value,
        where,
        line,
        required=("id", "label", "kind", "regulation", "source", "target", "effective"),
        optional=_KEYS,
    )
    if m is None:
        return None
    iid = r.get(m, "id", where, _text, "text")
    where = f"{where}({iid})" if iid else where
    label = _label(r, m, where) if "label" in m else None
    kind = r.get(m, "kind", where, _member(IndicatorKind), "an indicator kind")
    if kind is not None:
        for key in _NEEDS[kind]:
            if key not in m:
                r.problem(join(where, key), m.line, f"a {kind.value} indicator needs {key!r}")
    if kind is IndicatorKind.COVERAGE and "requires" not in m and not m.get("in_facility"):
        r.problem(join(where, "requires"), m.line, "a coverage indicator needs 'requires'")
    group = _group(r, m, where) if "group" in m else None
    requires = [
        q
        for v, w, ln in r.items(m, "requires", where)
        if (q := _requirement(r, v, w, ln)) is not None
    ]
    if any(q.trimester for q in requires) and (group is None or group.unit is not Unit.PREGNANCY):
        r.problem(join(where, "requires"), m.lines.get("requires"), "trimesters need pregnancies")
    measure = r.get(m, "measure", where, _text, "text")
    if measure is not None and measure not in ("D/S", "N/D"):
        r.problem(join(where, "measure"), m.lines.get("measure"), f"{measure!r} is not D/S or N/D")
    eff = m.get("effective")
    em = r.mapping(
        eff, join(where, "effective"), m.lines.get("effective"), optional=("from", "before")
    )
    lo = hi = None
    if em is not None:
        lo = r.get(em, "from", join(where, "effective"), _day, "a date 'YYYY-MM-DD'")
        hi = r.get(em, "before", join(where, "effective"), _day, "a date 'YYYY-MM-DD'")
        if lo is not None and hi is not None and hi <= lo:
            r.problem(join(where, "effective"), em.line, f"before {hi} is not after from {lo}")
    spm = r.get(m, "spm", where, _int, "a whole number")
    if spm is not None and not 1 <= spm <= 12:
        r.problem(join(where, "spm"), m.lines.get("spm"), f"{spm} is not an SPM service 1-12")
    common = {
        "regulation": r.get(m, "regulation", where, _text, "text"),
        "source": r.get(m, "source", where, _text, "text"),
        "target": r.get(m, "target", where, _number, "a number"),
    }
    if None in common.values() or iid is None or label is None or kind is None:
        return None
    return Indicator(
        id=iid,
        label=label,
        kind=kind,
        regulation=str(common["regulation"]),
        source=str(common["source"]),
        target=float(common["target"] or 0),
        group=group,
        requires=requires,
        in_facility=r.get(m, "in_facility", where, _flag, "true or false") or False,
        before_months=r.get(m, "before_months", where, _months, "a number of months"),
        codes=r.get(m, "codes", where, _codes, "a list of codes") or (),
        from_code=r.get(m, "from_code", where, _text, "a code"),
        to_code=r.get(m, "to_code", where, _text, "a code"),
        steps=r.get(m, "steps", where, _codes, "a list of indicator ids") or (),
        measure=measure,
        of=r.get(m, "of", where, _text, "an indicator id"),
        estimate=_estimate(r, m, where) if "estimate" in m else None,
        spm=spm,
        effective_from=lo,
        effective_before=hi,
        confirmed=r.get(m, "confirmed", where, _flag, "true or false") is not False,
        note=r.get(m, "note", where, _text, "text"),
        line=m.line,
    )


_MIN: Final = _dt.date.min
_MAX: Final = _dt.date.max


def _day(value: Any) -> _dt.date:
    return as_date(_text(value), field="effective")


def _check(r: Reader, found: list[Indicator]) -> None:
    ids = {i.id for i in found}
    for i in found:
        for ref in (*i.steps, *([i.of] if i.of else [])):
            if ref not in ids:
                r.problem(i.id, i.line, f"refers to indicator {ref!r}, which no entry defines")
        for j in found:
            if j is i or j.id != i.id or (j.line or 0) >= (i.line or 0):
                continue
            lo = max(i.effective_from or _MIN, j.effective_from or _MIN)
            hi = min(i.effective_before or _MAX, j.effective_before or _MAX)
            if lo < hi:
                msg = f"is already defined at line {j.line} for an overlapping effective range"
                r.problem(i.id, i.line, msg)


def parse_indicators(data: Any, *, origin: str = "<memory>") -> IndicatorSet:
    """Validate parsed indicator YAML (as :func:`ilp._yaml.read_yaml` returns it)."""
    r = Reader("indicators")
    top = r.mapping(data, "", 1, required=("format", "id", "title", "edition", "indicators"))
    found: list[Indicator] = []
    sid, title, edition = "?", Label("?", "?"), "?"
    if top is not None:
        if "format" in top and top["format"] != FORMAT:
            msg = f"format {top['format']!r} is not supported (only {FORMAT})"
            r.problem("format", top.lines.get("format"), msg)
        sid = r.get(top, "id", "", _text, "text") or sid
        t = r.mapping(top.get("title"), "title", top.lines.get("title"), required=("id", "en"))
        if t is not None and isinstance(t.get("id"), str) and isinstance(t.get("en"), str):
            title = Label(t["id"], t["en"])
        edition = r.get(top, "edition", "", _text, "quoted text") or edition
        for v, w, ln in r.items(top, "indicators", ""):
            ind = _indicator(r, v, w, ln)
            if ind is not None:
                found.append(ind)
    _check(r, found)
    r.raise_problems(origin, IndicatorError)
    return IndicatorSet(sid, title, edition, tuple(found), origin=origin)


def load_indicators(path: str | Path) -> IndicatorSet:
    """Load and validate an indicator YAML file; every problem raises one IndicatorError."""
    data = load_file(path, kind="indicator file", error=IndicatorError)
    return parse_indicators(data, origin=str(Path(path)))


@cache
def indicators() -> IndicatorSet:
    """The national indicators shipped with ilp (loaded once, on first use)."""
    text = resources.files("ilp.pws").joinpath("data/indicators.yaml").read_text("utf-8")
    data = read_yaml(text, origin="indicators.yaml", error=IndicatorError)
    return parse_indicators(data, origin="indicators.yaml")
