"""The clock engine against a deliberately simple second implementation, on generated calendars.

The second implementation lists every day from a fixed start, marks each a school day or not by
the rules in docs/clocks.md read plainly, and answers by counting along that list; for suspensions
it walks the school days one by one, keeping a running count of consecutive excluded days and of
each term's days so far. It shares no code with organisations.calendar or cases.exclusions.clocks
beyond England's list of bank holidays (data, not a rule).
"""

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.exclusions.clocks import board_review_required, exclusion_clocks, term_total
from cases.exclusions.models import Deadline, Exclusion
from cases.pupils.models import Pupil
from organisations.calendar import SchoolCalendar, TermSpan, is_bank_holiday

ONE = timedelta(days=1)
FIRST = date(2026, 8, 1)
LAST = date(2028, 8, 31)


@st.composite
def calendars(draw):
    """2026/27 as six half-terms of random length with random breaks, and random closures; an
    optional 2027/28 autumn half only (the rest of that year is past the dates entered)."""
    terms, cursor = [], date(2026, 8, 24) + timedelta(days=draw(st.integers(0, 14)))
    names = ["autumn", "autumn", "spring", "spring", "summer", "summer"]
    for name in names:
        length = draw(st.integers(20, 55))
        end = min(cursor + timedelta(days=length), date(2027, 7, 23))
        terms.append(TermSpan(cursor, end, 2026, name))
        cursor = end + timedelta(days=draw(st.integers(3, 16)))
        if cursor >= date(2027, 7, 20):
            break
    if draw(st.booleans()):
        start = date(2027, 9, 1) + timedelta(days=draw(st.integers(0, 6)))
        terms.append(TermSpan(start, start + timedelta(days=50), 2027, "autumn"))
    closed = draw(st.sets(st.dates(min_value=terms[0].start, max_value=terms[-1].end), max_size=15))
    return terms, frozenset(closed)


def simple_school_days(terms, closed) -> dict[date, bool]:
    """Each day of FIRST..LAST: whether it is a school day, and whether that is an estimate."""
    years_entered: dict[int, date] = {}
    for span in terms:
        year = span.start.year if span.start.month >= 8 else span.start.year - 1
        years_entered[year] = max(years_entered.get(year, span.end), span.end)
    days, day = {}, FIRST
    while day <= LAST:
        year = day.year if day.month >= 8 else day.year - 1
        last = years_entered.get(year)
        entered = last is not None and (day <= last or last.month == 7)
        if entered:
            in_term = any(span.start <= day <= span.end for span in terms)
            school = day.weekday() < 5 and in_term and day not in closed
        else:
            christmas = (day.month == 12 and day.day >= 24) or (day.month == 1 and day.day == 1)
            school = (
                day.weekday() < 5 and day.month != 8 and not christmas and not is_bank_holiday(day)
            )
        days[day] = (school, not entered)
        day += ONE
    return days


def simple_nth_after(days, start, n):
    after = [d for d in sorted(days) if d > start and days[d][0]]
    if len(after) < n:
        return None
    chosen = after[n - 1]
    return chosen, any(days[d][1] for d in after[:n])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=calendars(), offset=st.integers(0, 700), n=st.integers(1, 60))
def test_the_nth_school_day_agrees_with_counting_along_a_list(data, offset, n):
    terms, closed = data
    calendar = SchoolCalendar.from_terms(terms, closed)
    days = simple_school_days(terms, closed)
    start = FIRST + timedelta(days=offset)
    expected = simple_nth_after(days, start, n)
    if expected is None:
        return  # past the end of the list
    assert tuple(calendar.nth_school_day_after(start, n)) == expected
    assert calendar.is_school_day(start) == days[start][0]


@st.composite
def suspensions(draw):
    """A calendar and up to six full-day suspensions at one school, in order, each starting on a
    school day on or after the last one's end (back to back, or with a gap)."""
    terms, closed = draw(calendars())
    calendar = SchoolCalendar.from_terms(terms, closed)
    # Suspensions within 2026/27's entered dates (up to its last term day).
    last_entered = max(t.end for t in terms if t.school_year == 2026)
    school_days = [
        d
        for d, (school, estimated) in simple_school_days(terms, closed).items()
        if school and not estimated and d <= last_entered
    ]
    index = draw(st.integers(0, max(0, len(school_days) - 60)))
    made = []
    for pk in range(1, draw(st.integers(1, 6)) + 1):
        index += draw(st.integers(0, 3))  # 0: the next school day after the last one ended
        length = draw(st.integers(1, 9))
        if index + length > len(school_days):
            break
        first, last = school_days[index], school_days[index + length - 1]
        made.append(
            Exclusion(
                pk=pk,
                pupil=Pupil(legal_first_name="Pupil", legal_last_name=str(pk)),
                kind=Exclusion.Kind.SUSPENSION,
                state=Exclusion.State.NOTIFIED,
                start_date=first,
                end_date=last,
                sessions=2 * length,
            )
        )
        index += length
    return calendar, terms, closed, made


def simple_duties(terms, closed, made):
    """Walk the school days: the 6th consecutive excluded day starts the school's duty, on the
    suspension that day falls in; a term's running total past 15 needs the board."""
    days = simple_school_days(terms, closed)
    term_of = {}
    for span in terms:
        day = span.start
        while day <= span.end:
            term_of[day] = (span.school_year, span.term)
            day += ONE
    sixth_day, board = {}, set()
    run = 0
    totals: dict[tuple, int] = {}
    for day in sorted(days):
        if not days[day][0]:
            continue
        owner = next((e for e in made if e.start_date <= day <= e.end_date), None)
        if owner is None:
            run = 0
            continue
        run += 1
        if run == 6:
            sixth_day[owner.pk] = day
        key = term_of[day]
        totals[key] = totals.get(key, 0) + 1
        if totals[key] > 15:
            board.add(owner.pk)
    return sixth_day, board


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=suspensions())
def test_continuous_periods_and_term_totals_agree_with_a_day_by_day_walk(case):
    calendar, terms, closed, made = case
    sixth_day, board = simple_duties(terms, closed, made)
    for exclusion in made:
        clocks = {c.kind: c.due.date for c in exclusion_clocks(exclusion, calendar, made)}
        assert clocks.get(Deadline.Kind.SCHOOL_PROVISION) == sixth_day.get(exclusion.pk)
        # The board is needed for a suspension with a day on which its term's running total
        # is past 15 (counting only that day and the days before it).
        needed = board_review_required(exclusion, term_total(exclusion, calendar, made))
        assert needed == (exclusion.pk in board)
