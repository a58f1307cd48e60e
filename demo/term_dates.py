"""A county's term dates for any school year, made the way English LAs set them, so the demo LA
always has the current and next school years whatever day it is loaded (issue 16).

Autumn starts on the first weekday of September with two INSET days, breaks for the last full week
of October and ends on the last Friday on or before 22 December; spring starts on the first
working weekday from 4 January, breaks for the week whose Monday falls 14-20 February, and breaks
for an Easter fortnight (centred on Easter Sunday, or starting on Easter Monday when that would
begin before 30 March); summer breaks for the week of the late May bank holiday and ends on
21 July (the Friday before, at a weekend). Bank holidays in term are non-school days; INSET days
open the autumn's second half and the spring term and close the year.
"""

from datetime import date, timedelta

from dateutil.easter import easter

from organisations.calendar import is_bank_holiday

ONE = timedelta(days=1)


def _weekday_on_or_after(day: date) -> date:
    while day.weekday() >= 5 or is_bank_holiday(day):
        day += ONE
    return day


def _school_day_on_or_before(day: date) -> date:
    while day.weekday() >= 5 or is_bank_holiday(day):
        day -= ONE
    return day


def _monday_of_last_full_week(year: int, month: int, last_day: int) -> date:
    day = date(year, month, last_day) - timedelta(days=4)
    return day - timedelta(days=day.weekday())


def term_dates(school_year: int) -> list[tuple[str, date, date]]:
    """The six half-terms of a school year (the year it starts: 2026 for 2026/27)."""
    y, n = school_year, school_year + 1
    autumn = _weekday_on_or_after(date(y, 9, 1))
    october = _monday_of_last_full_week(y, 10, 31)
    christmas = date(y, 12, 22) - timedelta(days=(date(y, 12, 22).weekday() - 4) % 7)
    spring = _weekday_on_or_after(date(n, 1, 4))
    february = date(n, 2, 14) + timedelta(days=(0 - date(n, 2, 14).weekday()) % 7)
    sunday = easter(n)
    holiday = sunday - timedelta(days=6)
    if holiday < date(n, 3, 30):
        holiday = sunday + ONE
    late_may = date(n, 5, 31) - timedelta(days=date(n, 5, 31).weekday())
    summer_end = date(n, 7, 21)
    if summer_end.weekday() >= 5:
        summer_end -= timedelta(days=summer_end.weekday() - 4)
    return [
        ("autumn_1", autumn, october - timedelta(days=3)),
        ("autumn_2", october + timedelta(days=7), christmas),
        ("spring_1", spring, february - timedelta(days=3)),
        ("spring_2", february + timedelta(days=7), _school_day_on_or_before(holiday - ONE)),
        ("summer_1", holiday + timedelta(days=14), late_may - timedelta(days=3)),
        ("summer_2", late_may + timedelta(days=7), summer_end),
    ]


def non_school_days(school_year: int) -> list[tuple[date, str, str]]:
    """The LA's INSET days and the bank holidays that fall in its terms."""
    halves = dict((name, (start, end)) for name, start, end in term_dates(school_year))
    first = halves["autumn_1"][0]
    inset = [
        first,
        _weekday_on_or_after(first + ONE),
        halves["autumn_2"][0],
        halves["spring_1"][0],
        halves["summer_2"][1],
    ]
    days = [(d, "inset", "INSET day") for d in inset]
    for start, end in halves.values():
        day = start
        while day <= end:
            if day.weekday() < 5 and is_bank_holiday(day):
                days.append((day, "bank_holiday", "Bank holiday"))
            day += ONE
    return sorted(days)


def academy_inset_days(school_year: int) -> list[date]:
    """An academy that sets its own INSET days: the year's first day, a Friday in October, the
    last Friday of November, and the first days of the spring's and summer's second halves."""
    halves = {name: (start, end) for name, start, end in term_dates(school_year)}
    november = date(school_year, 11, 30)
    return [
        halves["autumn_1"][0],
        halves["autumn_1"][1] - timedelta(days=7),
        november - timedelta(days=(november.weekday() - 4) % 7),
        halves["spring_2"][0],
        halves["summer_2"][0],
    ]
