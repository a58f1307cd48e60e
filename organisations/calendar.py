"""School days: which days a school holds sessions, and the Nth school day after a date.

Nearly every statutory deadline (docs/clocks.md) counts school days, and academies set their own
term dates, so every deadline in the system is counted with `SchoolCalendar.for_school(school)`
(or the LA's calendar for Fair Access) and its one counting method, `nth_school_day_after`.

A school day is a day the school holds a session for its pupils (Education Act 1996 s579(1)): a
weekday inside one of its terms that is not a bank holiday, closure or INSET day. An LA may choose
to count INSET days as school days; that departs from s579 and the calendar page says so.

Past the term dates entered, a count is an estimate: weekdays that are not bank holidays, not in
August and not between Christmas Eve and New Year's Day. An estimate never makes a clock lapse or
a window close (docs/clocks.md, "Estimated dates").
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from typing import NamedTuple

import holidays

from organisations.models import NonSchoolDay, School, Term

# England's bank holidays, the ones in law and any proclaimed (a coronation, a state funeral).
_ENGLAND = holidays.country_holidays("GB", subdiv="ENG")


def is_bank_holiday(day: date) -> bool:
    return day in _ENGLAND


def is_working_day(day: date) -> bool:
    """Not a weekend, Christmas Day, Good Friday or a bank holiday (SI 2012/1033 reg 2)."""
    return day.weekday() < 5 and not is_bank_holiday(day)


def nth_working_day_after(start: date, n: int) -> date:
    """The nth working day after `start`: a notice posted first class on `start` is taken as
    given on nth_working_day_after(start, 2) (SI 2012/1033, Schedule 1 para 1)."""
    day, counted = start, 0
    while counted < n:
        day += timedelta(days=1)
        counted += is_working_day(day)
    return day


def school_year_of(day: date) -> int:
    """The school year a date falls in, by the year it starts: 2025 for 1 September 2025.

    For year groups (age on 31 August) and the LA's reports, which run September to August."""
    return day.year if day.month >= 9 else day.year - 1


def counting_year_of(day: date) -> int:
    """The school year for counting school days: it starts with the first term after 31 July (an
    academy may start in late August), so 28 August 2026 is in 2026/27."""
    return day.year if day.month >= 8 else day.year - 1


def estimated_school_day(day: date) -> bool:
    """Whether a day with no term dates entered is counted as a school day (an estimate)."""
    if day.weekday() >= 5 or day.month == 8 or is_bank_holiday(day):
        return False
    return not ((day.month, day.day) >= (12, 24) or (day.month, day.day) <= (1, 1))


class SchoolDay(NamedTuple):
    date: date
    # True when the count ran past the term dates entered: it then counts estimated days.
    estimated: bool


@dataclass(frozen=True)
class TermSpan:
    start: date
    end: date
    school_year: int
    term: str  # autumn, spring or summer


@dataclass(frozen=True)
class SchoolCalendar:
    terms: tuple[TermSpan, ...]
    closed: frozenset[date] = field(default_factory=frozenset)

    @classmethod
    def for_school(cls, school: School) -> "SchoolCalendar":
        """The school's calendar: its own terms where it has them for a year, else its LA's."""
        return cls.for_schools([school])[school.pk]

    @classmethod
    def for_schools(cls, schools) -> dict[int, "SchoolCalendar"]:
        """Each school's calendar by its id, read in four queries however many schools (their
        LAs loaded with them: select_related("la"))."""
        schools = list(schools)
        la_ids = {school.la_id for school in schools}
        la_terms, own_terms, la_days, own_days = {}, {}, {}, {}
        for term in Term.objects.filter(la_id__in=la_ids, school__isnull=True):
            la_terms.setdefault(term.la_id, []).append(term)
        for term in Term.objects.filter(school__in=schools):
            own_terms.setdefault(term.school_id, []).append(term)
        for day in NonSchoolDay.objects.filter(la_id__in=la_ids, school__isnull=True):
            la_days.setdefault(day.la_id, []).append(day)
        for day in NonSchoolDay.objects.filter(school__in=schools):
            own_days.setdefault(day.school_id, []).append(day)
        calendars = {}
        for school in schools:
            own = own_terms.get(school.pk, [])
            own_years = {t.school_year for t in own}
            chosen = [
                t for t in la_terms.get(school.la_id, []) if t.school_year not in own_years
            ] + own
            days = la_days.get(school.la_id, []) + own_days.get(school.pk, [])
            calendars[school.pk] = cls._build(
                chosen, days, inset_counts=school.la.inset_days_are_school_days
            )
        return calendars

    @classmethod
    def for_la(cls, la, *, inset_counts: bool | None = None) -> "SchoolCalendar":
        """The LA's own term dates and closures: what LA-wide clocks (Fair Access) count on.

        INSET days follow the LA's setting unless `inset_counts` says otherwise (the panel meets
        on INSET days: its officers are at work)."""
        terms = list(Term.objects.filter(la=la, school__isnull=True))
        days = list(NonSchoolDay.objects.filter(la=la, school__isnull=True))
        if inset_counts is None:
            inset_counts = la.inset_days_are_school_days
        return cls._build(terms, days, inset_counts=inset_counts)

    @classmethod
    def _build(cls, terms, days, *, inset_counts: bool) -> "SchoolCalendar":
        school_inset_years = {
            counting_year_of(d.date)
            for d in days
            if d.school_id and d.kind == NonSchoolDay.Kind.INSET
        }
        closed = set()
        for day in days:
            if day.kind == NonSchoolDay.Kind.INSET:
                if inset_counts:
                    continue
                # The school's own INSET days replace the LA's for that school year.
                if day.school_id is None and counting_year_of(day.date) in school_inset_years:
                    continue
            closed.add(day.date)
        return cls.from_terms(
            [TermSpan(t.start, t.end, t.school_year, t.term) for t in terms], closed
        )

    @classmethod
    def from_terms(cls, terms, closed=()) -> "SchoolCalendar":
        return cls(tuple(sorted(terms, key=lambda t: t.start)), frozenset(closed))

    @cached_property
    def _year_ends(self) -> dict[int, date]:
        """The last term day entered for each school year that has any terms."""
        ends: dict[int, date] = {}
        for span in self.terms:
            year = counting_year_of(span.start)
            ends[year] = max(ends.get(year, span.end), span.end)
        return ends

    def is_covered(self, day: date) -> bool:
        """Whether the term dates entered say if `day` is a school day: its school year has term
        dates, up to the last of them (to 31 July once a summer term is entered)."""
        year = counting_year_of(day)
        end = self._year_ends.get(year)
        return end is not None and (day <= end or end.month == 7)

    def term_of(self, day: date) -> TermSpan | None:
        for span in self.terms:
            if span.start <= day <= span.end:
                return span
        return None

    def is_school_day(self, day: date) -> bool:
        if day.weekday() >= 5:
            return False
        if not self.is_covered(day):
            return estimated_school_day(day)
        return self.term_of(day) is not None and day not in self.closed

    def nth_school_day_after(self, start: date, n: int) -> SchoolDay:
        """The nth school day after `start` (`start` itself is not counted; n >= 1).

        "Within 15 school days of notice" ends on nth_school_day_after(notice, 15); "from the 6th
        school day of an exclusion starting on D" is nth_school_day_after(D - 1 day, 6).
        """
        if n < 1:
            raise ValueError("n counts from 1")
        day, counted, estimated = start, 0, False
        while counted < n:
            day += timedelta(days=1)
            if self.is_school_day(day):
                counted += 1
                estimated = estimated or not self.is_covered(day)
        return SchoolDay(day, estimated)

    def last_school_day_before(self, day: date) -> SchoolDay:
        """The school day before `day`. (It ends: before the years entered, every ordinary
        weekday is an estimated school day.)"""
        day -= timedelta(days=1)
        while not self.is_school_day(day):
            day -= timedelta(days=1)
        return SchoolDay(day, not self.is_covered(day))

    def school_days_between(self, first: date, last: date) -> int:
        """School days from `first` to `last`, both included."""
        count, day = 0, first
        while day <= last:
            count += self.is_school_day(day)
            day += timedelta(days=1)
        return count

    def term_key(self, day: date) -> tuple[int, str]:
        """Which term a day's suspension counts in: (school year, autumn/spring/summer); past the
        term dates entered, the term its month usually falls in."""
        span = self.term_of(day)
        if span is not None:
            return (span.school_year, span.term)
        year = counting_year_of(day)
        if day.month >= 8:
            return (year, "autumn")
        return (year, "spring" if day.month <= 3 else "summer")


def long_date(day: date) -> str:
    """A date the way the service writes it: "3 March 2026"."""
    return f"{day:%-d %B %Y}"
