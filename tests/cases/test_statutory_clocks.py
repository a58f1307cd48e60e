"""Issue 16's worked cases: each clock counted by hand from the demo LA's 2026/27 term dates.

The demo LA (loaded on 11 January 2027 by the `demo` fixture), maintained schools:
  autumn 1  Tue 1 Sep - Fri 23 Oct 2026 (1, 2 Sep INSET)   half-term 26-30 Oct
  autumn 2  Mon 2 Nov - Fri 18 Dec 2026 (2 Nov INSET)      Christmas 21 Dec - 1 Jan
  spring 1  Mon 4 Jan - Fri 12 Feb 2027 (4 Jan INSET)      half-term 15-19 Feb
  spring 2  Mon 22 Feb - Thu 25 Mar 2027                   Easter 26 Mar - 9 Apr
  summer 1  Mon 12 Apr - Fri 28 May 2027 (3 May bank holiday)
  summer 2  Mon 7 Jun - Wed 21 Jul 2027 (21 Jul INSET)
"""

from datetime import date

import pytest

from approvision.records import Refused
from cases.exclusions.clocks import notice_given_on
from cases.exclusions.models import Deadline, Exclusion
from cases.exclusions.services import exclusion_transition
from cases.tasks import deadlines_refresh
from organisations.calendar import SchoolCalendar, counting_year_of
from organisations.models import LocalAuthority, Term
from tests.factories import PupilFactory, enrol, record_exclusion

K = Deadline.Kind


def record(demo, **fields):
    given = {"by": demo["senco"], "pupil": demo["pupil"], "school": demo["school"], **fields}
    return record_exclusion(**given)


def suspension(demo, first, last, sessions, **fields):
    return record(demo, start_date=first, end_date=last, sessions=sessions, **fields)


def due(exclusion):
    exclusion.refresh_from_db()
    return {d.kind: d.due_on for d in exclusion.deadlines.all()}


# 1. Back-to-back suspensions are one continuous period for the 6th-day duty.


def test_back_to_back_suspensions_past_5_days_start_the_schools_6th_day_duty(demo):
    # Mon 9 - Wed 11 Nov (3 days), then Thu 12 - Tue 17 Nov (12, 13, 16, 17: 4 days): one period
    # of 7 school days. Its 6th day: 9 (1), 10 (2), 11 (3), 12 (4), 13 (5), Mon 16 Nov (6).
    first = suspension(demo, date(2026, 11, 9), date(2026, 11, 11), 6)
    second = suspension(demo, date(2026, 11, 12), date(2026, 11, 17), 8)
    assert K.SCHOOL_PROVISION not in due(first)
    assert due(second)[K.SCHOOL_PROVISION] == date(2026, 11, 16)
    rule = second.deadlines.get(kind=K.SCHOOL_PROVISION).rule
    assert "back to back" in rule and "SI 2014/3216" in rule


def test_suspensions_either_side_of_a_weekend_are_back_to_back(demo):
    # Wed 11 - Fri 13 Nov, then Mon 16 - Wed 18 Nov: Monday is the next school day after Friday.
    # 6 days: 11, 12, 13, 16, 17, 18 (6th) = Wed 18 Nov.
    suspension(demo, date(2026, 11, 11), date(2026, 11, 13), 6)
    second = suspension(demo, date(2026, 11, 16), date(2026, 11, 18), 6)
    assert due(second)[K.SCHOOL_PROVISION] == date(2026, 11, 18)


def test_a_school_day_between_two_suspensions_breaks_the_period(demo):
    # Mon 9 - Wed 11 Nov, then Fri 13 - Wed 18 Nov: Thursday 12th was a school day in between.
    first = suspension(demo, date(2026, 11, 9), date(2026, 11, 11), 6)
    second = suspension(demo, date(2026, 11, 13), date(2026, 11, 17), 6)
    assert K.SCHOOL_PROVISION not in due(first)
    assert K.SCHOOL_PROVISION not in due(second)


def test_a_permanent_exclusion_straight_after_a_suspension_counts_from_the_suspension(demo):
    # Suspended Mon 9 - Fri 13 Nov (5 days), permanently excluded from Mon 16 Nov: the 6th
    # consecutive school day of exclusion is Mon 16 Nov, the permanent exclusion's first day
    # (alone it would be 16, 17, 18, 19, 20, Mon 23 Nov).
    suspension(demo, date(2026, 11, 9), date(2026, 11, 13), 10)
    pex = record(demo, kind=Exclusion.Kind.PERMANENT, start_date=date(2026, 11, 16), end_date=None)
    assert due(pex)[K.LA_PROVISION] == date(2026, 11, 16)


# 2. Term totals count only suspensions up to and including the one judged.


def test_the_nightly_recount_never_gives_an_earlier_suspension_a_later_total(demo):
    # At Kelmscott: Mon 9 - Fri 13 Nov (5 days), Mon 23 Nov - Fri 4 Dec (10 days: total 15, not
    # more than 15), Mon 7 - Tue 8 Dec (2 days: total 17). Only the third takes the autumn term
    # past 15: its board review is 15 school days after its notice (Mon 7 Dec): 8, 9, 10, 11 (4),
    # 14-18 (9), [holiday, 4 Jan INSET], 5, 6, 7, 8 Jan (13), 11 (14), Tue 12 Jan 2027 (15).
    first = suspension(demo, date(2026, 11, 9), date(2026, 11, 13), 10)
    second = suspension(demo, date(2026, 11, 23), date(2026, 12, 4), 20)
    third = suspension(demo, date(2026, 12, 7), date(2026, 12, 8), 4)
    deadlines_refresh()
    assert K.BOARD_REVIEW not in due(first)
    assert K.BOARD_REVIEW not in due(second)
    assert due(third)[K.BOARD_REVIEW] == date(2027, 1, 12)
    assert third.state == Exclusion.State.BOARD_REVIEW_DUE
    first.refresh_from_db()
    assert first.state == Exclusion.State.NOTIFIED


def test_a_suspension_recorded_late_recounts_the_ones_after_it(demo):
    # Mon 23 Nov - Fri 4 Dec (10 days) and Mon 7 - Tue 8 Dec (2): 12 days, no board review.
    # Then Mon 9 - Fri 13 Nov (5 days) is recorded: the 7 December suspension's total is now 17.
    # Its board review counts from its notice: Tuesday 12 January 2027 (as above).
    suspension(demo, date(2026, 11, 23), date(2026, 12, 4), 20)
    last = suspension(demo, date(2026, 12, 7), date(2026, 12, 8), 4)
    assert K.BOARD_REVIEW not in due(last)
    suspension(demo, date(2026, 11, 9), date(2026, 11, 13), 10)
    assert due(last)[K.BOARD_REVIEW] == date(2027, 1, 12)


def test_a_suspension_across_christmas_counts_its_days_in_each_term(demo):
    # Autumn: Mon 9 - Fri 13 Nov (5) and Mon 23 Nov - Fri 4 Dec (10) = 15. Then Wed 16 Dec - Wed
    # 6 Jan: 16, 17, 18 Dec in autumn (3: autumn total 18 > 15), 4 Jan INSET, 5 and 6 Jan in
    # spring (2). The board must meet: 15 school days from its notice (Wed 16 Dec): 17, 18 (2),
    # 5-8 Jan (6), 11-15 (11), 18, 19, 20, Thu 21 Jan (15).
    suspension(demo, date(2026, 11, 9), date(2026, 11, 13), 10)
    suspension(demo, date(2026, 11, 23), date(2026, 12, 4), 20)
    across = suspension(demo, date(2026, 12, 16), date(2027, 1, 6), 10)
    assert due(across)[K.BOARD_REVIEW] == date(2027, 1, 21)
    # In spring the pupil has 2 days so far; 14 more (to 16) from Mon 11 Jan reach the board:
    # 11-15, 18-22, 25-28 Jan = 14 school days, ending Thu 28 Jan.
    spring = suspension(demo, date(2027, 1, 11), date(2027, 1, 28), 28)
    assert K.BOARD_REVIEW in due(spring)


def test_representations_about_6_to_15_days_give_the_board_50_school_days(demo):
    # Mon 9 - Tue 17 Nov: 9, 10, 11, 12, 13, 16, 17 = 7 days (and the school's 6th-day duty).
    # Parents' representations on Wed 18 Nov; notice given Mon 9 Nov. 50 school days from
    # 9 Nov: 10-13 (4), 16-20 (9), 23-27 (14), 30 Nov-4 Dec (19), 7-11 (24), 14-18 (29),
    # 5-8 Jan (33), 11-15 (38), 18-22 (43), 25-29 (48), Mon 1 Feb (49), Tue 2 Feb 2027 (50).
    seven = suspension(
        demo, date(2026, 11, 9), date(2026, 11, 17), 14, parents_notified_on=date(2026, 11, 9)
    )
    moved = exclusion_transition(
        exclusion=seven,
        to=Exclusion.State.BOARD_REVIEW_DUE,
        by=demo["senco"],
        on=date(2026, 11, 18),
        version=seven.version,
    )
    assert due(moved)[K.BOARD_REPRESENTATIONS] == date(2027, 2, 2)
    assert due(moved)[K.SCHOOL_PROVISION] == date(2026, 11, 16)


def test_five_days_or_fewer_get_no_board_clock_even_with_representations(demo):
    # Mon 9 - Fri 13 Nov: 5 days. The board considers representations but has no deadline, and
    # 5 days is not more than 5: no 6th-day duty either.
    five = suspension(demo, date(2026, 11, 9), date(2026, 11, 13), 10)
    moved = exclusion_transition(
        exclusion=five,
        to=Exclusion.State.BOARD_REVIEW_DUE,
        by=demo["senco"],
        on=date(2026, 11, 18),
        version=five.version,
    )
    assert moved.representations_on == date(2026, 11, 18)
    assert due(moved) == {}


# 3. The independent review window counts from written notice of the board's decision.


def _upheld(demo, **notice):
    pex = record(
        demo,
        kind=Exclusion.Kind.PERMANENT,
        start_date=date(2026, 11, 19),
        end_date=None,
        parents_notified_on=date(2026, 11, 19),
    )
    return exclusion_transition(
        exclusion=pex,
        to=Exclusion.State.UPHELD,
        by=demo["senco"],
        on=date(2026, 12, 3),
        version=pex.version,
        **notice,
    )


def test_a_posted_notice_opens_the_window_on_the_second_working_day_after_posting(demo):
    # The board decided on Thu 3 Dec; notice posted first class on Fri 4 Dec is given on the
    # 2nd working day after: Mon 7 (1), Tue 8 Dec (2). 15 school days from 8 Dec: 9, 10, 11
    # (3), 14-18 (8), [holiday, 4 Jan INSET], 5, 6, 7, 8 (12), 11 (13), 12 (14), Wed 13 Jan 2027.
    # Counted from the decision it would have closed on Fri 8 Jan, before today (11 January).
    upheld = _upheld(demo, notice_sent_on=date(2026, 12, 4), notice_method="post")
    assert upheld.board_notice_given_on == date(2026, 12, 8)
    window = upheld.deadlines.get(kind=K.REVIEW_REQUEST)
    assert window.due_on == date(2027, 1, 13)
    assert not window.lapsed and not window.estimated
    assert window in Deadline.objects.open()


def test_a_notice_given_by_hand_counts_from_that_day(demo):
    # Handed over Fri 4 Dec: 7-11 (5), 14-18 (10), 5-8 Jan (14), Mon 11 Jan 2027 (15).
    upheld = _upheld(demo, notice_sent_on=date(2026, 12, 4), notice_method="hand")
    assert due(upheld)[K.REVIEW_REQUEST] == date(2027, 1, 11)


def test_until_the_notice_is_recorded_the_window_is_provisional_and_never_closes(demo):
    # Counted from the decision (Thu 3 Dec): 4 (1), 7-11 (6), 14-18 (11), 5-8 Jan (15): Fri
    # 8 Jan, before today. Without the notice's date that is provisional: not closed, not overdue.
    upheld = _upheld(demo)
    window = upheld.deadlines.get(kind=K.REVIEW_REQUEST)
    assert window.due_on == date(2027, 1, 8)
    assert window.estimated and "notice" in window.provisional
    assert not window.lapsed
    assert window in Deadline.objects.open()
    assert window not in Deadline.objects.overdue(date(2027, 1, 11))


def test_a_recorded_window_that_has_passed_is_closed_not_overdue(demo):
    # By hand on Thu 3 Dec: 4 (1), 7-11 (6), 14-18 (11), 5-8 Jan (15): closed on Fri 8 Jan.
    upheld = _upheld(demo, notice_sent_on=date(2026, 12, 3), notice_method="email")
    window = upheld.deadlines.get(kind=K.REVIEW_REQUEST)
    assert window.due_on == date(2027, 1, 8) and window.lapsed
    assert window not in Deadline.objects.open()


def test_posting_over_christmas_skips_the_bank_holidays():
    # Posted Thu 24 Dec 2026: Fri 25 (Christmas Day) and Mon 28 Dec (Boxing Day, observed) are not
    # working days: Tue 29 (1), Wed 30 Dec (2).
    assert notice_given_on(date(2026, 12, 24), "post") == date(2026, 12, 30)
    assert notice_given_on(date(2026, 12, 24), "hand") == date(2026, 12, 24)


def test_a_notice_cannot_be_sent_before_the_decision_or_in_the_future(demo):
    with pytest.raises(Refused) as early:
        _upheld(demo, notice_sent_on=date(2026, 12, 2), notice_method="post")
    assert early.value.field == "notice_sent_on"
    assert not Exclusion.objects.filter(state=Exclusion.State.UPHELD).exists()
    with pytest.raises(Refused) as later:
        _upheld(demo, notice_sent_on=date(2027, 1, 12), notice_method="post")
    assert later.value.field == "notice_sent_on"


# 4. Estimated dates (past the term dates entered) never lapse; the administrator is told.


def test_an_estimated_window_never_closes(demo):
    # Without 2026/27's term dates the count is an estimate (weekdays, no bank holidays, not
    # 24 Dec - 1 Jan): from Thu 3 Dec, 4 (1), 7-11 (6), 14-18 (11), 21, 22, 23 Dec (14), Mon 4 Jan
    # 2027 (15). Before today, but an estimate: open, not closed, not overdue.
    Term.objects.filter(school_year=2026).delete()
    upheld = _upheld(demo, notice_sent_on=date(2026, 12, 3), notice_method="hand")
    window = upheld.deadlines.get(kind=K.REVIEW_REQUEST)
    assert (window.due_on, window.estimated, window.provisional) == (date(2027, 1, 4), True, "")
    assert not window.lapsed
    assert window in Deadline.objects.open()
    assert window not in Deadline.objects.overdue(date(2027, 1, 11))


# 5. Fair Access counts on the LA's calendar, INSET days as the LA says.


def test_fair_access_counts_20_school_days_without_the_inset_day(demo):
    # Agreed Fri 23 Oct 2026: half-term; 2 Nov is an INSET day (no pupils: not a school day);
    # 3-6 Nov (4), 9-13 (9), 16-20 (14), 23-27 (19), Mon 30 Nov (20).
    la = LocalAuthority.objects.get(code="929")
    assert SchoolCalendar.for_la(la).nth_school_day_after(date(2026, 10, 23), 20).date == date(
        2026, 11, 30
    )
    # An LA that counts INSET days (against s579, with a warning) gets Fri 27 Nov.
    la.inset_days_are_school_days = True
    assert SchoolCalendar.for_la(la).nth_school_day_after(date(2026, 10, 23), 20).date == date(
        2026, 11, 27
    )
    # The panel meets on INSET days whatever the setting: its officers are at work.
    la.inset_days_are_school_days = False
    assert SchoolCalendar.for_la(la, inset_counts=True).is_school_day(date(2026, 11, 2))


# 7. Dates with no plausible range, and late recording.


@pytest.mark.parametrize(
    ("first", "field", "words"),
    [
        (date(1899, 12, 1), "start_date", "older records are not kept"),
        (date(2100, 1, 4), "start_date", "more than 60 days ahead"),
        (date(2026, 9, 14), "late_reason", "more than a term ago"),
    ],
)
def test_implausible_or_late_exclusion_dates_are_refused_in_words(demo, first, field, words):
    # Today is 11 January 2027: 14 September 2026 is 17 weeks ago.
    with pytest.raises(Refused) as error:
        record_exclusion(
            by=demo["senco"],
            pupil=demo["pupil"],
            school=demo["school"],
            kind=Exclusion.Kind.PERMANENT,
            start_date=first,
            end_date=None,
            recorded_on=None,
        )
    assert error.value.field == field and words in str(error.value)
    assert not Exclusion.objects.exists()


def test_a_late_exclusion_is_recorded_with_its_reason(demo):
    from cases.exclusions.services import exclusion_record

    late = exclusion_record(
        by=demo["senco"],
        pupil=demo["pupil"],
        school=demo["school"],
        kind=Exclusion.Kind.PERMANENT,
        start_date=date(2026, 9, 14),
        reasons=["PA"],
        decided_by="Head",
        late_reason="Found in the school's paper records at the LA's audit",
    )
    assert late.late_reason.startswith("Found")


# Also missing before: the Year 11 exception, the exam date, the school year's start.


def test_a_year_11_pupil_with_no_further_exams_gets_no_6th_day_duty(demo):
    year_11 = PupilFactory(la=demo["school"].la, date_of_birth=date(2011, 3, 1))
    enrol(year_11, demo["school"])
    pex = record_exclusion(
        by=demo["senco"],
        pupil=year_11,
        school=demo["school"],
        kind=Exclusion.Kind.PERMANENT,
        start_date=date(2026, 11, 16),
        end_date=None,
        no_further_exams=True,
    )
    assert K.LA_PROVISION not in due(pex) and K.BOARD_REVIEW in due(pex)
    with pytest.raises(Refused) as error:
        record(
            demo,
            kind=Exclusion.Kind.PERMANENT,
            start_date=date(2026, 11, 16),
            end_date=None,
            no_further_exams=True,
        )
    assert error.value.field == "no_further_exams"


def test_an_exam_date_asks_the_board_to_meet_the_school_day_before(demo):
    # Suspended Mon 11 - Fri 15 Jan 2027 with an exam on Mon 18 Jan: the board must try to meet
    # before it: the school day before is Fri 15 Jan. The 15-day limit from notice on Mon 11 Jan
    # still stands: 12-15 (4), 18-22 (9), 25-29 (14), Mon 1 Feb 2027 (15).
    with_exam = suspension(
        demo,
        date(2027, 1, 11),
        date(2027, 1, 15),
        10,
        public_exam_on=date(2027, 1, 18),
        parents_notified_on=date(2027, 1, 11),
    )
    assert with_exam.misses_public_exam
    assert due(with_exam)[K.BOARD_BEFORE_EXAM] == date(2027, 1, 15)
    assert due(with_exam)[K.BOARD_REVIEW] == date(2027, 2, 1)


def test_a_cancelled_exclusion_keeps_no_open_clocks(demo):
    pex = record(demo, kind=Exclusion.Kind.PERMANENT, start_date=date(2026, 11, 16), end_date=None)
    assert due(pex)
    cancelled = exclusion_transition(
        exclusion=pex,
        to=Exclusion.State.CANCELLED,
        by=demo["senco"],
        on=date(2026, 11, 17),
        version=pex.version,
    )
    assert due(cancelled) == {}


def test_the_counting_year_starts_with_the_first_term_after_july():
    # An academy starting on Thu 27 August 2026 counts it in 2026/27; 31 July is still 2025/26.
    assert counting_year_of(date(2026, 8, 27)) == 2026
    assert counting_year_of(date(2026, 7, 31)) == 2025


def test_a_period_of_exactly_5_days_starts_no_duty_and_a_6th_day_next_does(demo):
    # Mon 9 - Wed 11 Nov (3) and Thu 12 - Fri 13 Nov (2): 5 days, not more than 5.
    suspension(demo, date(2026, 11, 9), date(2026, 11, 11), 6)
    fifth = suspension(demo, date(2026, 11, 12), date(2026, 11, 13), 4)
    assert K.SCHOOL_PROVISION not in due(fifth)
    # A third, Mon 16 Nov, one day: the period's 6th day is that Monday.
    sixth = suspension(demo, date(2026, 11, 16), date(2026, 11, 16), 2)
    assert due(sixth)[K.SCHOOL_PROVISION] == date(2026, 11, 16)


def test_a_lunchtime_suspension_after_5_days_is_not_a_6th_day(demo):
    # Mon 9 - Fri 13 Nov (5 days), then a lunchtime suspension on Mon 16 Nov: the pupil was in
    # school that morning, so the period of full days ended at 5.
    suspension(demo, date(2026, 11, 9), date(2026, 11, 13), 10)
    lunch = record(demo, kind=Exclusion.Kind.LUNCHTIME, start_date=date(2026, 11, 16))
    assert due(lunch) == {}


def test_a_permanent_exclusion_after_a_long_suspension_is_the_las_from_its_first_day(demo):
    # Suspended Mon 2 - Wed 11 Nov: 2 Nov is an INSET day, so 3-6 (4), 9, 10, 11 = 7 days; the
    # school's duty from the 6th: Tue 10 Nov. Permanently excluded from Thu 12 Nov: the period's
    # 6th day was in the suspension, so the LA's duty runs from Thu 12 Nov itself.
    long = suspension(demo, date(2026, 11, 2), date(2026, 11, 11), 14)
    assert due(long)[K.SCHOOL_PROVISION] == date(2026, 11, 10)
    pex = record(demo, kind=Exclusion.Kind.PERMANENT, start_date=date(2026, 11, 12), end_date=None)
    assert due(pex)[K.LA_PROVISION] == date(2026, 11, 12)


def test_a_cancelled_suspension_no_longer_counts_towards_the_term(demo):
    # As in the recount test: 5 + 10 + 2 = 17 days, the third needs the board. Cancelling the
    # first leaves 12: the third's board review goes.
    first = suspension(demo, date(2026, 11, 9), date(2026, 11, 13), 10)
    suspension(demo, date(2026, 11, 23), date(2026, 12, 4), 20)
    third = suspension(demo, date(2026, 12, 7), date(2026, 12, 8), 4)
    assert K.BOARD_REVIEW in due(third)
    exclusion_transition(
        exclusion=first,
        to=Exclusion.State.CANCELLED,
        by=demo["senco"],
        on=date(2026, 12, 9),
        version=first.version,
    )
    assert K.BOARD_REVIEW not in due(third)


def test_an_exam_on_the_day_of_notice_leaves_no_day_to_meet_before_it(demo):
    # Notice given on Mon 11 Jan 2027, the exam that day: only the 15-day limit runs.
    same_day = suspension(
        demo,
        date(2027, 1, 11),
        date(2027, 1, 11),
        2,
        public_exam_on=date(2027, 1, 11),
        parents_notified_on=date(2027, 1, 11),
    )
    assert K.BOARD_BEFORE_EXAM not in due(same_day) and K.BOARD_REVIEW in due(same_day)
    # An exam the next day: the board should meet on the notice day itself... which is the
    # school day before the exam: Mon 11 Jan.
    next_day = record_exclusion(
        by=demo["senco"],
        pupil=PupilFactory(la=demo["school"].la),
        school=demo["school"],
        start_date=date(2027, 1, 11),
        end_date=date(2027, 1, 11),
        sessions=2,
        public_exam_on=date(2027, 1, 12),
        parents_notified_on=date(2027, 1, 11),
    )
    assert due(next_day)[K.BOARD_BEFORE_EXAM] == date(2027, 1, 11)
