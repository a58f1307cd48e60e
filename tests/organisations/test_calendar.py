"""School-day counting: worked examples on the demo calendar, and properties on random ones."""

from datetime import date

import pytest

from demo.organisations import DemoContext, load
from organisations.calendar import SchoolCalendar
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


def test_an_academy_with_its_own_inset_days_keeps_the_las_bank_holidays(demo):
    # Harbridge sets its own INSET days for 2026/27, which replace the LA's INSET days only:
    # Monday 3 May 2027, the early May bank holiday, is no school day there either.
    assert not demo["harbridge"].is_school_day(date(2027, 5, 3))
    assert demo["harbridge"].is_school_day(date(2027, 5, 4))
