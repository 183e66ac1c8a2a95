"""Rule kind ``school``: given in school grade(s) in a month of the school year (BIAS, HPV).

Model, YAML keys, parse and dump, the grade a child is in, the per-person
evaluator and its reason text. The columnar twin (and synthetic-history
walker) is :mod:`ilp.population.batch.school`.
"""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Any, Final

import attrs
import pendulum

from ilp._months import MONTH_ONE_YEAR, NO_OFFSET
from ilp._reader import Reader
from ilp._yaml import Map
from ilp.dates import Duration, months_between
from ilp.lifecycle._item import new_item
from ilp.lifecycle._model import RuleKind
from ilp.lifecycle.rules import fields
from ilp.lifecycle.rules.base import Parsed, RuleBase, single_code
from ilp.lifecycle.rules.person import Ctx, DueItem, given_in, occurrences, scope
from ilp.lifecycle.rules.words import month_names
from ilp.lifecycle.semantics import SCHOOL_YEAR_MONTH, Status, month_span, school_months
from ilp.lifecycle.semantics import school_year_of as _school_year_of

if TYPE_CHECKING:
    from ilp.lifecycle._model import Entry

__all__ = ["SchoolRule", "grade_in", "reason"]

# Status members as module constants: Status.X reads the enum class (~55 ns),
# a global ~10 ns (issue 11)
_COMPLETED: Final = Status.COMPLETED
_MISSED: Final = Status.MISSED


@attrs.frozen
class SchoolRule(RuleBase):
    """Given in school grade(s) in a month of the school year (BIAS, HPV, school screening)."""

    grades: tuple[int, ...]
    months: tuple[int, ...]
    after: str | None = None
    min_interval: Duration | None = None
    #: Given once in each listed grade (Hb in grades 7 and 10), not once ever.
    each_grade: bool = False

    kind = RuleKind.SCHOOL
    REQUIRED = ("grades", "months")
    OPTIONAL = ("after", "min_interval", "each_grade")

    def window(self, school_year: int) -> tuple[int, int]:
        """From the first day of the first listed month to the end of the last, in a school year."""
        ordered = school_months(self.months)
        first, last = ordered[0], ordered[-1]
        lo = month_span(school_year if first >= SCHOOL_YEAR_MONTH else school_year + 1, first)[0]
        hi = month_span(school_year if last >= SCHOOL_YEAR_MONTH else school_year + 1, last)[1]
        return lo, hi

    def references(self) -> tuple[str, ...]:
        """The code it is given ``after``, if any."""
        return () if self.after is None else (self.after,)

    def floor_days(self) -> int:
        """Younger than this, a child with no school record is in no listed grade in time.

        With no records of the code, ``evaluate`` lists a window only in a school year
        (the last, this or the next) in which :func:`grade_in` is a listed grade, which
        takes ``6 + min(grades)`` completed years on the next 1 July, at most 366 days
        ahead; a month has at least 27 days.
        """
        return 27 * 12 * (6 + min(self.grades)) - 366

    @classmethod
    def parse(cls, r: Reader, rm: Map, where: str, entry: Map) -> Parsed[SchoolRule]:
        """Read ``grades``, ``months``, ``after``, ``min_interval`` and ``each_grade``."""
        codes = single_code(entry)
        grades = r.get(rm, "grades", where, fields.list_of(fields.grade), "a list of grades 1–12")
        months = r.get(rm, "months", where, fields.list_of(fields.month), "a list of months 1–12")
        after = r.get(rm, "after", where, fields.code, "a service code")
        gap = r.get(rm, "min_interval", where, fields.duration, "a duration")
        each = r.get(rm, "each_grade", where, fields.flag, "true or false")
        if not grades or not months:
            return Parsed(None, codes)
        rule = SchoolRule(
            tuple(grades), tuple(sorted(set(months))), after, gap, each_grade=bool(each)
        )
        return Parsed(rule, codes)

    def dump(self, entry: Entry) -> dict[str, Any]:
        """The rule mapping."""
        out: dict[str, Any] = {"grades": list(self.grades), "months": list(self.months)}
        fields.put(out, "after", self.after)
        fields.put_duration(out, "min_interval", self.min_interval)
        fields.put(out, "each_grade", self.each_grade)
        return out

    def evaluate(self, entry: Entry, ctx: Ctx, out: list[DueItem]) -> None:
        """The window of each school year the child is in a listed grade (once, or per grade)."""
        svc = entry.services[0]
        records = ctx.recs.get(svc.code, ())
        why = (reason, self.grades, self.months)
        if records and not self.each_grade:
            first = records[0]
            out.append(new_item((svc, _COMPLETED, first, first, None, None, first, why)))
            return
        prev: int | None = None
        if self.after is not None:
            before = ctx.recs.get(self.after)
            if not before:
                return
            prev = before[-1]
        sy = _school_year_of(ctx.d)
        windows = []
        done: DueItem | None = None
        for year in (sy - 1, sy, sy + 1):
            if grade_in(ctx, year) not in self.grades:
                continue
            lo, hi = self.window(year)
            if prev is not None and self.min_interval is not None:
                lo = max(lo, self.min_interval.after(prev))
            if self.each_grade:
                # given at any time in that school year counts for that grade
                year_start = _dt.date(year, SCHOOL_YEAR_MONTH, 1).toordinal()
                year_end = _dt.date(year + 1, SCHOOL_YEAR_MONTH, 1).toordinal() - 1
                given = given_in(records, year_start, min(ctx.d, year_end))
                if given is not None:
                    if year_start <= ctx.d:
                        done = new_item((svc, _COMPLETED, lo, lo, None, hi, given, why))
                    continue
            windows.append((lo, hi))
        start, end = scope(entry, ctx)
        count = len(out)
        occurrences(svc, windows, ctx, start, end, why, out)
        if done is not None:
            # a grade already done stands unless something newer is open or upcoming
            if len(out) == count:
                out.append(done)
            elif out[-1].status is _MISSED and done.earliest > out[-1].earliest:
                out[-1] = done


def grade_in(ctx: Ctx, school_year: int) -> int | None:
    """The person's grade in the school year starting in July of *school_year*, or None.

    The recorded grade, moved up each July; else completed years on 1 July minus 6.
    Worked out once per person and date (``ctx.grades``), however many school entries ask.
    """
    grades = ctx.grades
    if school_year in grades:
        return grades[school_year]
    grade = grades[school_year] = _grade_in(ctx, school_year)
    return grade


def _grade_in(ctx: Ctx, school_year: int) -> int | None:
    school = ctx.person.school
    if school is not None:
        return school.grade_on(pendulum.Date(school_year, SCHOOL_YEAR_MONTH, 1))
    july = _dt.date(school_year, SCHOOL_YEAR_MONTH, 1).toordinal()
    if july < ctx.b:
        return None
    if ctx.bo < NO_OFFSET:
        # months_between(b, july) by the month indexes: birth + that many months is the
        # same day of July's month (the 1st-28th: not clamped), on or before 1 July only
        # for the 1st
        months = (school_year - MONTH_ONE_YEAR) * 12 + SCHOOL_YEAR_MONTH - 1 - ctx.bm
        grade = (months - 1 if ctx.bo else months) // 12 - 6
    else:
        grade = months_between(ctx.b, july) // 12 - 6
    return grade if 1 <= grade <= 12 else None


def reason(name: str, lang: str, grades: tuple[int, ...], months: tuple[int, ...]) -> str:
    """``school grade 1, November``."""
    listed = "/".join(str(g) for g in grades)
    names = month_names(school_months(months), lang)
    return (
        f"{name}: school grade {listed}, {names}"
        if lang == "en"
        else f"{name}: kelas {listed}, bulan {names}"
    )
