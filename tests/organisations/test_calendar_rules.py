"""School-day counting without a database: the rules for estimates, term keys and edges, and
properties on random calendars. (The worked cases on the demo LA are in test_calendar.py.)"""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from organisations.calendar import SchoolCalendar, TermSpan, school_year_of


def test_school_years_start_in_september():
    assert school_year_of(date(2026, 8, 31)) == 2025
    assert school_year_of(date(2026, 9, 1)) == 2026


@st.composite
def calendars(draw):
    """Random terms (gaps between them are holidays) and random closed days within them."""
    start = date(2025, 9, 1) + timedelta(days=draw(st.integers(0, 30)))
    spans, cursor = [], start
    for _ in range(draw(st.integers(1, 6))):
        length = draw(st.integers(1, 60))
        spans.append(TermSpan(cursor, cursor + timedelta(days=length), 2025, "autumn"))
        cursor += timedelta(days=length + draw(st.integers(1, 20)))
    closed = draw(st.sets(st.dates(min_value=start, max_value=cursor), max_size=20))
    return SchoolCalendar.from_terms(spans, closed), start, cursor


@settings(max_examples=300, deadline=None)
@given(data=calendars(), offset=st.integers(-10, 400), n=st.integers(1, 80))
def test_the_nth_school_day_is_a_school_day_and_after_the_previous_one(data, offset, n):
    calendar, start, _ = data
    from_day = start + timedelta(days=offset)
    nth = calendar.nth_school_day_after(from_day, n)
    assert calendar.is_school_day(nth.date)
    assert nth.date > from_day
    if n > 1:
        assert nth.date > calendar.nth_school_day_after(from_day, n - 1).date
    # Exactly n school days lie after the start up to and including the answer.
    assert calendar.school_days_between(from_day + timedelta(days=1), nth.date) == n


@pytest.mark.parametrize(
    ("day", "school"),
    [
        (date(2026, 1, 2), True),  # a Friday after New Year's Day
        (date(2025, 12, 23), True),  # the Tuesday before Christmas Eve
        (date(2025, 12, 24), False),  # Christmas Eve, a Wednesday
        (date(2029, 12, 31), False),  # a Monday between Christmas and New Year
        (date(2030, 1, 1), False),  # New Year's Day
        (date(2029, 1, 2), True),  # a Tuesday
        (date(2026, 7, 31), True),  # a Friday in July
        (date(2026, 8, 3), False),  # a Monday in August
        (date(2026, 8, 31), False),  # August, and a bank holiday
        (date(2026, 9, 1), True),  # a Tuesday in September
        (date(2027, 3, 26), False),  # Good Friday
        (date(2027, 5, 3), False),  # the early May bank holiday
        (date(2026, 9, 5), False),  # a Saturday
    ],
)
def test_an_estimate_counts_ordinary_weekdays_only(day, school):
    # No term dates at all: every day is an estimate.
    calendar = SchoolCalendar.from_terms([])
    assert calendar.is_school_day(day) is school
    assert not calendar.is_covered(day)


@pytest.mark.parametrize(
    ("day", "key"),
    [
        (date(2030, 8, 20), (2030, "autumn")),
        (date(2030, 10, 1), (2030, "autumn")),
        (date(2030, 12, 31), (2030, "autumn")),
        (date(2031, 1, 6), (2030, "spring")),
        (date(2031, 3, 31), (2030, "spring")),
        (date(2031, 4, 1), (2030, "summer")),
        (date(2031, 7, 31), (2030, "summer")),
    ],
)
def test_past_the_dates_entered_a_day_counts_in_the_term_its_month_usually_falls_in(day, key):
    assert SchoolCalendar.from_terms([]).term_key(day) == key


def test_counting_needs_at_least_one_day_and_the_day_before_skips_holidays():
    calendar = SchoolCalendar.from_terms(
        [TermSpan(date(2026, 9, 1), date(2026, 12, 18), 2026, "autumn")]
    )
    with pytest.raises(ValueError):
        calendar.nth_school_day_after(date(2026, 11, 2), 0)
    # Monday 2 November 2026, in term: the school day before is Friday 30 October.
    assert calendar.last_school_day_before(date(2026, 11, 2)) == (date(2026, 10, 30), False)
    # 2026/27 has only an autumn term entered, so the days after it ends on 18 December are past
    # the dates entered: before Monday 4 January the estimate skips the weekend and 24 December -
    # 1 January, and finds Wednesday 23 December 2026, an estimate.
    assert calendar.last_school_day_before(date(2027, 1, 4)) == (date(2026, 12, 23), True)
    # With no dates at all: Wednesday 23 December 2026, an estimate.
    empty = SchoolCalendar.from_terms([])
    assert empty.last_school_day_before(date(2027, 1, 4)) == (date(2026, 12, 23), True)


def test_the_estimate_itself_refuses_weekends():
    # The estimate's own rule, asked directly: Saturday 5 and Sunday 6 September 2026 are not
    # school days, Friday 4th is.
    from organisations.calendar import estimated_school_day

    assert not estimated_school_day(date(2026, 9, 5))
    assert not estimated_school_day(date(2026, 9, 6))
    assert estimated_school_day(date(2026, 9, 4))


def test_the_last_term_day_entered_is_known_not_estimated():
    # Only an autumn term entered, ending Friday 18 December 2026: that day is a school day from
    # the dates entered; the Monday after is an estimate.
    autumn = SchoolCalendar.from_terms(
        [TermSpan(date(2026, 9, 1), date(2026, 12, 18), 2026, "autumn")]
    )
    assert autumn.nth_school_day_after(date(2026, 12, 17), 1) == (date(2026, 12, 18), False)
    assert autumn.nth_school_day_after(date(2026, 12, 18), 1) == (date(2026, 12, 21), True)
