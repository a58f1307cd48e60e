"""School days: which days a school holds sessions, and the Nth school day after a date.

Nearly every statutory deadline (domain.md section 1) counts school days, and academies set their
own term dates, so every deadline in the system is counted with `SchoolCalendar.for_school(school)`
and its one counting method, `nth_school_day_after`.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

from organisations.models import NonSchoolDay, School, Term


class SchoolDay(NamedTuple):
    date: date
    # True when the count ran past the term dates entered: it then counts every weekday.
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
        terms = list(Term.objects.filter(la_id=school.la_id, school__isnull=True))
        own = list(Term.objects.filter(school=school))
        own_years = {t.school_year for t in own}
        chosen = [t for t in terms if t.school_year not in own_years] + own
        days = list(NonSchoolDay.objects.filter(la_id=school.la_id, school__isnull=True)) + list(
            NonSchoolDay.objects.filter(school=school)
        )
        inset_counts = school.la.inset_days_are_school_days
        school_inset_years = {
            school_year_of(d.date)
            for d in days
            if d.school_id and d.kind == NonSchoolDay.Kind.INSET
        }
        closed = set()
        for day in days:
            if day.kind == NonSchoolDay.Kind.INSET:
                if inset_counts:
                    continue
                # The school's own INSET days replace the LA's for that school year.
                if day.school_id is None and school_year_of(day.date) in school_inset_years:
                    continue
            closed.add(day.date)
        return cls.from_terms(
            [TermSpan(t.start, t.end, t.school_year, t.term) for t in chosen], closed
        )

    @classmethod
    def for_la(cls, la) -> "SchoolCalendar":
        """The LA's own term dates and closures: what LA-wide meetings (the panel) follow."""
        terms = Term.objects.filter(la=la, school__isnull=True)
        days = NonSchoolDay.objects.filter(la=la, school__isnull=True).exclude(
            kind=NonSchoolDay.Kind.INSET
        )
        return cls.from_terms(
            [TermSpan(t.start, t.end, t.school_year, t.term) for t in terms],
            {d.date for d in days},
        )

    @classmethod
    def from_terms(cls, terms, closed=()) -> "SchoolCalendar":
        return cls(tuple(sorted(terms, key=lambda t: t.start)), frozenset(closed))

    @property
    def first_day(self) -> date | None:
        return self.terms[0].start if self.terms else None

    @property
    def last_day(self) -> date | None:
        return max(t.end for t in self.terms) if self.terms else None

    def is_covered(self, day: date) -> bool:
        return bool(self.terms) and self.first_day <= day <= self.last_day

    def term_of(self, day: date) -> TermSpan | None:
        for span in self.terms:
            if span.start <= day <= span.end:
                return span
        return None

    def is_school_day(self, day: date) -> bool:
        if day.weekday() >= 5:
            return False
        if not self.is_covered(day):
            return True  # estimated: no term dates entered for this date
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

    def school_days_between(self, first: date, last: date) -> int:
        """School days from `first` to `last`, both included."""
        count, day = 0, first
        while day <= last:
            count += self.is_school_day(day)
            day += timedelta(days=1)
        return count


def school_year_of(day: date) -> int:
    """The school year a date falls in, by the year it starts: 2025 for 1 September 2025."""
    return day.year if day.month >= 9 else day.year - 1


def long_date(day: date) -> str:
    """A date the way the service writes it: "3 March 2026"."""
    return f"{day:%-d %B %Y}"
