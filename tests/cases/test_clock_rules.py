"""The clock rules as pure worked cases: the engine (cases/exclusions/clocks.py) on the demo LA's
2026/27 calendar built in memory from demo/term_dates.py, no database. The same cases run
through the services and pages in test_statutory_clocks.py; these are the fast ones the mutation
run (scripts/mutate_clocks.py) leans on.

  autumn 1  Tue 1 Sep - Fri 23 Oct 2026 (1, 2 Sep INSET)   half-term 26-30 Oct
  autumn 2  Mon 2 Nov - Fri 18 Dec 2026 (2 Nov INSET)      Christmas 21 Dec - 1 Jan
  spring 1  Mon 4 Jan - Fri 12 Feb 2027 (4 Jan INSET)      half-term 15-19 Feb
  spring 2  Mon 22 Feb - Thu 25 Mar 2027                   Easter 26 Mar - 9 Apr
"""

from datetime import date

import pytest

from cases.exclusions.clocks import (
    NOTICE_NOT_RECORDED,
    days_by_term,
    exclusion_clocks,
    notice_given_on,
)
from cases.exclusions.models import Deadline, Exclusion
from cases.pupils.models import Pupil
from demo.term_dates import non_school_days, term_dates
from organisations.calendar import SchoolCalendar, TermSpan

K = Deadline.Kind
S = Exclusion.State


def calendar(years=(2025, 2026, 2027)) -> SchoolCalendar:
    terms, closed = [], set()
    for year in years:
        terms += [
            TermSpan(start, end, year, name.split("_")[0]) for name, start, end in term_dates(year)
        ]
        closed |= {day for day, _, _ in non_school_days(year)}
    return SchoolCalendar.from_terms(terms, closed)


CALENDAR = calendar()


def suspension(pk, first, last, sessions, **fields):
    return Exclusion(
        pk=pk,
        pupil=Pupil(legal_first_name="Pupil", legal_last_name=str(pk)),
        kind=fields.pop("kind", Exclusion.Kind.SUSPENSION),
        state=fields.pop("state", S.NOTIFIED),
        start_date=first,
        end_date=last,
        sessions=sessions,
        **fields,
    )


def permanent(pk, first, **fields):
    return suspension(pk, first, None, None, kind=Exclusion.Kind.PERMANENT, **fields)


def clocks(exclusion, history=(), on=CALENDAR):
    return {c.kind: c for c in exclusion_clocks(exclusion, on, [*history, exclusion])}


def due(exclusion, history=(), on=CALENDAR):
    return {kind: c.due.date for kind, c in clocks(exclusion, history, on).items()}


# Back-to-back suspensions: one continuous period for the 6th-day duties.


def test_back_to_back_suspensions_share_one_6th_day():
    # 9-11 Nov (3) then 12-17 Nov (12, 13, 16, 17): the 6th day is Mon 16 Nov.
    a = suspension(1, date(2026, 11, 9), date(2026, 11, 11), 6)
    b = suspension(2, date(2026, 11, 12), date(2026, 11, 17), 8)
    assert due(a) == {}
    assert due(b, [a]) == {K.SCHOOL_PROVISION: date(2026, 11, 16)}


def test_a_weekend_does_not_break_a_period_but_a_school_day_does():
    # Wed 11 - Fri 13 Nov then Mon 16 - Wed 18: 6 days, the 6th Wed 18 Nov.
    a = suspension(1, date(2026, 11, 11), date(2026, 11, 13), 6)
    b = suspension(2, date(2026, 11, 16), date(2026, 11, 18), 6)
    assert due(b, [a]) == {K.SCHOOL_PROVISION: date(2026, 11, 18)}
    # 9-11 Nov, then 13-17 Nov: Thursday 12th in school between them.
    c = suspension(3, date(2026, 11, 9), date(2026, 11, 11), 6)
    d = suspension(4, date(2026, 11, 13), date(2026, 11, 17), 6)
    assert due(d, [c]) == {}


def test_exactly_5_days_start_no_duty_a_6th_does():
    a = suspension(1, date(2026, 11, 9), date(2026, 11, 11), 6)
    b = suspension(2, date(2026, 11, 12), date(2026, 11, 13), 4)
    assert due(b, [a]) == {}
    c = suspension(3, date(2026, 11, 16), date(2026, 11, 16), 2)
    assert due(c, [a, b]) == {K.SCHOOL_PROVISION: date(2026, 11, 16)}
    # Only the suspension that takes the period past 5 carries it: a 4th after does not.
    d = suspension(4, date(2026, 11, 17), date(2026, 11, 17), 2)
    assert due(d, [a, b, c]) == {}


def test_a_single_suspension_of_6_days():
    # Wed 21 Oct - Wed 4 Nov: 21, 22, 23 Oct, [half-term, 2 Nov INSET], 3, 4 Nov = 5 days: none.
    assert due(suspension(1, date(2026, 10, 21), date(2026, 11, 4), 10)) == {}
    # To Thu 5 Nov: 6 days, the 6th Thu 5 Nov.
    six = suspension(2, date(2026, 10, 21), date(2026, 11, 5), 12)
    assert due(six) == {K.SCHOOL_PROVISION: date(2026, 11, 5)}


def test_a_lunchtime_suspension_is_no_6th_day():
    a = suspension(1, date(2026, 11, 9), date(2026, 11, 13), 10)
    lunch = suspension(2, date(2026, 11, 16), date(2026, 11, 16), 1, kind=Exclusion.Kind.LUNCHTIME)
    assert due(lunch, [a]) == {}


def test_a_permanent_exclusion_counts_the_suspension_before_it():
    # Suspended 9-13 Nov (5 days), permanent from Mon 16 Nov: the LA's duty from 16 Nov; alone
    # 16-20 (5), Mon 23 Nov.
    s = suspension(1, date(2026, 11, 9), date(2026, 11, 13), 10)
    pex = permanent(2, date(2026, 11, 16))
    assert due(pex, [s])[K.LA_PROVISION] == date(2026, 11, 16)
    assert due(pex)[K.LA_PROVISION] == date(2026, 11, 23)
    # A suspension of 3 days before it: the 6th day is 16 Nov's 3rd: 18 Nov.
    short = suspension(3, date(2026, 11, 11), date(2026, 11, 13), 6)
    assert due(pex, [short])[K.LA_PROVISION] == date(2026, 11, 18)


def test_after_a_long_suspension_the_las_duty_starts_with_the_permanent_exclusion():
    # 2 Nov INSET; 3-6, 9, 10, 11 Nov = 7 days: the school's duty from Tue 10 Nov.
    long = suspension(1, date(2026, 11, 2), date(2026, 11, 11), 14)
    assert due(long) == {K.SCHOOL_PROVISION: date(2026, 11, 10)}
    assert due(permanent(2, date(2026, 11, 12)), [long])[K.LA_PROVISION] == date(2026, 11, 12)


def test_a_year_11_pupil_with_no_further_exams_has_no_6th_day_duty():
    pex = permanent(1, date(2026, 11, 16), no_further_exams=True)
    assert K.LA_PROVISION not in due(pex) and K.BOARD_REVIEW in due(pex)
    long = suspension(2, date(2026, 11, 2), date(2026, 11, 11), 14, no_further_exams=True)
    assert due(long) == {}


# Term totals: only suspensions up to and including the one judged; each term its own days.


def test_only_earlier_suspensions_count_towards_a_term_total():
    x = suspension(1, date(2026, 11, 9), date(2026, 11, 13), 10)
    y = suspension(2, date(2026, 11, 23), date(2026, 12, 4), 20)
    z = suspension(3, date(2026, 12, 7), date(2026, 12, 8), 4)
    everyone = [x, y, z]
    # 5 + 10 = 15 is not more than 15; the third makes 17. Its board: 15 school days after its
    # first day (no notice date): 8-11 Dec (4), 14-18 (9), 5-8 Jan (13), 11, Tue 12 Jan (15).
    assert K.BOARD_REVIEW not in due(x, everyone)
    assert due(y, everyone) == {K.SCHOOL_PROVISION: date(2026, 11, 30)}
    assert due(z, everyone) == {K.BOARD_REVIEW: date(2027, 1, 12)}
    # A cancelled one does not count.
    x.state = S.CANCELLED
    assert due(z, everyone) == {}
    assert due(x, everyone) == {}


def test_the_same_first_day_is_ordered_by_when_recorded():
    # Two records of suspensions starting Mon 23 Nov: the earlier record counts for the later,
    # not the other way round; an unsaved one (being recorded) comes last.
    x = suspension(1, date(2026, 11, 9), date(2026, 11, 13), 10)
    first = suspension(2, date(2026, 11, 23), date(2026, 12, 4), 20)
    second = suspension(3, date(2026, 11, 23), date(2026, 11, 23), 2)
    assert K.BOARD_REVIEW not in due(first, [x, second])
    assert K.BOARD_REVIEW in due(second, [x, first])
    unsaved = suspension(None, date(2026, 11, 23), date(2026, 11, 23), 2)
    assert K.BOARD_REVIEW in due(unsaved, [x, first])


def test_a_suspension_across_christmas_counts_in_each_term():
    across = suspension(1, date(2026, 12, 16), date(2027, 1, 6), 10)
    assert days_by_term(across, CALENDAR) == {(2026, "autumn"): 3, (2026, "spring"): 2}
    x = suspension(2, date(2026, 11, 9), date(2026, 11, 13), 10)
    y = suspension(3, date(2026, 11, 23), date(2026, 12, 4), 20)
    # Autumn 5 + 10 + 3 = 18: board, 15 after 16 Dec: 17, 18, 5-8 Jan (6), 11-15 (11), 18-21.
    assert due(across, [x, y])[K.BOARD_REVIEW] == date(2027, 1, 21)
    # In spring: 2 so far; 14 more make 16.
    spring = suspension(4, date(2027, 1, 11), date(2027, 1, 28), 28)
    assert K.BOARD_REVIEW in due(spring, [x, y, across])
    # 13 more (11-27 Jan) make 15, not past it: autumn's days are autumn's.
    thirteen = suspension(5, date(2027, 1, 11), date(2027, 1, 27), 26)
    assert K.BOARD_REVIEW not in due(thirteen, [x, y, across])


def test_sessions_are_laid_two_a_day_and_a_lunchtime_is_half_a_day():
    # 3 sessions over Mon 9 - Tue 10 Nov: a day and a half.
    assert days_by_term(suspension(1, date(2026, 11, 9), date(2026, 11, 10), 3), CALENDAR) == {
        (2026, "autumn"): 1.5
    }
    lunch = suspension(2, date(2026, 11, 9), date(2026, 11, 9), 1, kind=Exclusion.Kind.LUNCHTIME)
    assert days_by_term(lunch, CALENDAR) == {(2026, "autumn"): 0.5}
    assert days_by_term(permanent(3, date(2026, 11, 9)), CALENDAR) == {}


def test_representations_about_6_to_15_days_give_50_school_days():
    seven = suspension(
        1,
        date(2026, 11, 9),
        date(2026, 11, 17),
        14,
        parents_notified_on=date(2026, 11, 9),
        representations_on=date(2026, 11, 18),
        state=S.BOARD_REVIEW_DUE,
    )
    # 50 after 9 Nov: ... 25-29 Jan (48), Mon 1 Feb (49), Tue 2 Feb 2027 (50).
    assert due(seven)[K.BOARD_REPRESENTATIONS] == date(2027, 2, 2)
    five = suspension(
        2, date(2026, 11, 9), date(2026, 11, 13), 10, representations_on=date(2026, 11, 18)
    )
    assert due(five) == {}
    # Without representations a 7-day suspension has no board clock.
    assert K.BOARD_REPRESENTATIONS not in due(
        suspension(3, date(2026, 11, 9), date(2026, 11, 17), 14)
    )


# After the board: the parents' window, the panel, the reconsideration.


def upheld(**fields):
    return permanent(
        1,
        date(2026, 11, 19),
        parents_notified_on=date(2026, 11, 19),
        board_decided_on=date(2026, 12, 3),
        state=fields.pop("state", S.UPHELD),
        **fields,
    )


def test_the_window_counts_from_the_notice_given():
    # Notice given Tue 8 Dec: 9-11 (3), 14-18 (8), 5-8 Jan (12), 11, 12, Wed 13 Jan (15).
    window = clocks(upheld(board_notice_given_on=date(2026, 12, 8)))[K.REVIEW_REQUEST]
    assert window.due.date == date(2027, 1, 13) and not window.estimated
    # Board review met on the decision; the 15-day board clock from 19 Nov.
    board = clocks(upheld())[K.BOARD_REVIEW]
    assert board.met_on == date(2026, 12, 3) and board.due.date == date(2026, 12, 10)


def test_without_the_notice_the_window_is_provisional_from_the_decision():
    window = clocks(upheld())[K.REVIEW_REQUEST]
    assert window.due.date == date(2027, 1, 8)
    assert window.provisional == NOTICE_NOT_RECORDED and window.estimated


def test_no_window_once_reinstated_or_before_the_decision():
    assert K.REVIEW_REQUEST not in due(upheld(state=S.REINSTATED))
    assert K.REVIEW_REQUEST not in due(permanent(1, date(2026, 11, 19)))


def test_the_review_panel_and_the_reconsideration():
    asked = upheld(review_requested_on=date(2027, 1, 6), state=S.REVIEW_REQUESTED)
    window = clocks(asked)[K.REVIEW_REQUEST]
    assert window.met_on == date(2027, 1, 6)
    # Panel: 15 after Wed 6 Jan: 7, 8 (2), 11-15 (7), 18-22 (12), 25, 26, Wed 27 Jan (15).
    assert due(asked)[K.REVIEW_PANEL] == date(2027, 1, 27)
    for outcome, reconsider in (("recommend", True), ("quash", True), ("upheld", False)):
        decided = upheld(
            review_requested_on=date(2027, 1, 6),
            review_decided_on=date(2027, 1, 27),
            review_outcome=outcome,
            state=S.REVIEW_OUTCOME,
        )
        # 10 after Wed 27 Jan: 28, 29 (2), 1-5 Feb (7), 8, 9, Wed 10 Feb (10).
        assert (due(decided).get(K.RECONSIDERATION) == date(2027, 2, 10)) is reconsider
        assert clocks(decided)[K.REVIEW_PANEL].met_on == date(2027, 1, 27)


def test_a_cancelled_exclusion_runs_no_clocks():
    assert due(permanent(1, date(2026, 11, 16), state=S.CANCELLED)) == {}


# The exam, estimates and notice by post.


def test_an_exam_asks_the_board_to_meet_the_school_day_before():
    with_exam = suspension(
        1,
        date(2027, 1, 11),
        date(2027, 1, 15),
        10,
        parents_notified_on=date(2027, 1, 11),
        misses_public_exam=True,
        public_exam_on=date(2027, 1, 18),
    )
    assert due(with_exam) == {
        K.BOARD_BEFORE_EXAM: date(2027, 1, 15),
        K.BOARD_REVIEW: date(2027, 2, 1),
    }
    same_day = suspension(
        2,
        date(2027, 1, 11),
        date(2027, 1, 11),
        2,
        parents_notified_on=date(2027, 1, 11),
        misses_public_exam=True,
        public_exam_on=date(2027, 1, 11),
    )
    assert due(same_day) == {K.BOARD_REVIEW: date(2027, 2, 1)}
    # An exam missed with no date recorded: only the board's 15 days.
    undated = suspension(3, date(2027, 1, 11), date(2027, 1, 11), 2, misses_public_exam=True)
    assert due(undated) == {K.BOARD_REVIEW: date(2027, 2, 1)}


def test_past_the_dates_entered_a_window_is_an_estimate():
    # Without 2026/27: from Thu 3 Dec, 4 (1), 7-11 (6), 14-18 (11), 21-23 (14), Mon 4 Jan (15).
    without = calendar(years=(2025, 2027))
    window = clocks(upheld(board_notice_given_on=date(2026, 12, 3)), on=without)[K.REVIEW_REQUEST]
    assert window.due == (date(2027, 1, 4), True) and window.estimated and not window.provisional


@pytest.mark.parametrize(
    ("sent", "method", "given"),
    [
        (date(2026, 12, 4), "post", date(2026, 12, 8)),  # Fri: Mon (1), Tue (2)
        (date(2026, 12, 24), "post", date(2026, 12, 30)),  # Christmas and Boxing Day skipped
        (date(2026, 12, 2), "post", date(2026, 12, 4)),  # Wed: Thu (1), Fri (2)
        (date(2026, 12, 4), "hand", date(2026, 12, 4)),
        (date(2026, 12, 5), "email", date(2026, 12, 5)),
    ],
)
def test_a_notice_counts_as_given(sent, method, given):
    assert notice_given_on(sent, method) == given


def test_sessions_beyond_the_school_days_count_on_the_first_days_term():
    # 6 sessions on Mon 9 - Tue 10 Nov (2 school days): 2 days laid on them, 1 more counted.
    more = suspension(1, date(2026, 11, 9), date(2026, 11, 10), 6)
    assert days_by_term(more, CALENDAR) == {(2026, "autumn"): 3}


def test_a_suspension_starting_in_a_holiday_counts_only_in_the_term_of_its_days():
    # From Saturday 19 December (the Christmas holiday) to Tuesday 5 January: its only school day
    # is 5 January (4 January is an INSET day), in the spring term. It has no autumn days, so
    # autumn's suspensions do not count towards it.
    after = suspension(1, date(2026, 12, 19), date(2027, 1, 5), 2)
    assert days_by_term(after, CALENDAR) == {(2026, "spring"): 1}
    autumn = suspension(2, date(2026, 11, 9), date(2026, 12, 1), 34)  # 17 days, in the autumn
    assert due(after, [autumn]) == {}


def test_sessions_are_laid_only_on_the_suspensions_own_days():
    # Thu 17 - Fri 18 Dec with 6 sessions: 2 days in the autumn, and the 1 more counts in the
    # autumn too (its first day's term), not on the next school day in January.
    late = suspension(1, date(2026, 12, 17), date(2026, 12, 18), 6)
    assert days_by_term(late, CALENDAR) == {(2026, "autumn"): 3}
    # 2 sessions from Thu 17 Dec to Tue 5 Jan are used up on 17 December: nothing in spring.
    short = suspension(2, date(2026, 12, 17), date(2027, 1, 5), 2)
    assert days_by_term(short, CALENDAR) == {(2026, "autumn"): 1}


def test_an_odd_session_is_half_a_day_in_its_own_days_term():
    # 5 sessions on Mon 9 - Tue 10 Nov: 2 days and a half.
    odd = suspension(1, date(2026, 11, 9), date(2026, 11, 10), 5)
    assert days_by_term(odd, CALENDAR) == {(2026, "autumn"): 2.5}
    # 3 sessions from Fri 18 Dec to Tue 5 Jan: a day in the autumn, the last half on 5 January.
    across = suspension(2, date(2026, 12, 18), date(2027, 1, 5), 3)
    assert days_by_term(across, CALENDAR) == {(2026, "autumn"): 1, (2026, "spring"): 0.5}


def test_a_lunchtime_suspension_on_a_closed_day_still_counts_half_a_day():
    # Recorded on Monday 2 November 2026, an INSET day: no school day to lay it on, so its half
    # day counts in the autumn term all the same.
    closed_day = suspension(
        1, date(2026, 11, 2), date(2026, 11, 2), 1, kind=Exclusion.Kind.LUNCHTIME
    )
    assert days_by_term(closed_day, CALENDAR) == {(2026, "autumn"): 0.5}
