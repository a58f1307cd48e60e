"""School-day counting: worked examples on the demo calendar, and properties on random ones."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from demo.organisations import DemoContext, load
from organisations.calendar import SchoolCalendar, TermSpan, school_year_of
from organisations.models import LocalAuthority, School


@pytest.fixture
def demo(db, settings, tmp_path, today):
    # Loaded on 11 January 2027: the demo LA has term dates for 2025/26, 2026/27 and 2027/28.
    load(DemoContext(), var_dir=tmp_path)
    return {
        "maintained": SchoolCalendar.for_school(School.objects.get(name="Kelmscott High School")),
        "harbridge": SchoolCalendar.for_school(School.objects.get(name="Harbridge Academy")),
    }


def test_sixth_day_of_an_exclusion_skips_half_term_and_the_las_inset_day(demo):
    # Starts Wednesday 21 October 2026: 21, 22, 23 October; half-term; 2 November is an INSET
    # day; then 3, 4 and 5 November.
    sixth = demo["maintained"].nth_school_day_after(date(2026, 10, 20), 6)
    assert sixth == (date(2026, 11, 5), False)


def test_an_academy_with_its_own_inset_days_counts_the_las_inset_day_as_a_school_day(demo):
    # Harbridge Academy keeps 2 November open (its INSET days are elsewhere).
    assert demo["harbridge"].nth_school_day_after(date(2026, 10, 20), 6).date == date(2026, 11, 4)
    assert not demo["harbridge"].is_school_day(date(2026, 10, 16))
    assert demo["maintained"].is_school_day(date(2026, 10, 16))


def test_fifteen_school_days_skip_the_early_may_bank_holiday(demo):
    # Notice given Friday 24 April 2026; 4 May is a bank holiday.
    assert demo["maintained"].nth_school_day_after(date(2026, 4, 24), 15).date == date(2026, 5, 18)


def test_counting_past_the_entered_term_dates_estimates_and_skips_the_summer(demo):
    # Friday 21 July 2028 is the last day entered (an INSET day, not a school day); the rest of
    # July is the summer holiday of a year whose summer term is entered. 2028/29 has no dates:
    # August is never estimated as term, so the estimate runs Friday 1 September (1), Monday 4 (2),
    # Tuesday 5 (3), and says it is an estimate.
    day = demo["maintained"].nth_school_day_after(date(2028, 7, 20), 3)
    assert day == (date(2028, 9, 5), True)


def test_inset_days_count_as_school_days_where_the_la_says_so(demo):
    LocalAuthority.objects.filter(code="929").update(inset_days_are_school_days=True)
    calendar = SchoolCalendar.for_school(School.objects.get(name="Kelmscott High School"))
    assert calendar.is_school_day(date(2026, 11, 2))


def test_weekends_and_holidays_are_not_school_days(demo):
    calendar = demo["maintained"]
    assert not calendar.is_school_day(date(2026, 10, 24))  # Saturday
    assert not calendar.is_school_day(date(2026, 10, 28))  # half-term
    assert not calendar.is_school_day(date(2026, 12, 25))  # Christmas holiday
    assert calendar.school_days_between(date(2026, 10, 19), date(2026, 11, 6)) == 9


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
