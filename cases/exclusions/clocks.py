"""The statutory clocks of an exclusion (docs/clocks.md), each with its rule in plain words.

Pure: given an exclusion, its school's calendar and the pupil's other exclusions at that school
(`history`), say which clocks run, when each falls due, and whether the record shows it met. Only
exclusions up to and including the one judged count towards its clocks (ordered by first day,
then by when they were recorded), so recounting later gives the same answer.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from cases.exclusions.models import Deadline, Exclusion
from organisations.calendar import SchoolCalendar, SchoolDay, nth_working_day_after

K = Deadline.Kind

RULES = {
    K.LA_PROVISION: (
        "The local authority must arrange suitable full-time education from the 6th consecutive "
        "school day of exclusion, counting suspensions that run straight into the permanent "
        "exclusion; the pupil's home LA where the school is in another (Education Act 1996 "
        "s19(3A); SI 2007/1870 reg 4 as amended by SI 2014/3216; not for a Year 11 pupil with no "
        "further public exams, reg 5)."
    ),
    K.SCHOOL_PROVISION: (
        "For more than 5 consecutive school days of suspension, one suspension or several back "
        "to back, the school must arrange suitable full-time education from the 6th day "
        "(Education and Inspections Act 2006 s100; SI 2007/1870 reg 3 as amended by "
        "SI 2014/3216; not for a Year 11 pupil with no further public exams, reg 5)."
    ),
    K.BOARD_REVIEW: (
        "The governing board must consider reinstatement within 15 school days of notice of a "
        "permanent exclusion, of suspensions totalling more than 15 school days in a term, or of "
        "an exclusion that means missing a public exam (SI 2012/1033 regs 6, 15 and 24)."
    ),
    K.BOARD_BEFORE_EXAM: (
        "The pupil would miss a public exam: the board must take reasonable steps to meet before "
        "the exam (SI 2012/1033 regs 6(4), 15(4) and 24(4))."
    ),
    K.BOARD_REPRESENTATIONS: (
        "Parents made representations about suspensions totalling 6 to 15 school days in a term: "
        "the board must consider them within 50 school days of notice (SI 2012/1033)."
    ),
    K.REVIEW_REQUEST: (
        "Parents may apply for an independent review panel within 15 school days of the day "
        "written notice of the board's decision not to reinstate is given; a notice posted first "
        "class is taken as given on the second working day after posting (SI 2012/1033, "
        "Schedule 1)."
    ),
    K.REVIEW_PANEL: (
        "The independent review panel must meet by the 15th school day after the application "
        "(SI 2012/1033, Schedule 1)."
    ),
    K.RECONSIDERATION: (
        "The board must reconsider within 10 school days of being told of the panel's decision "
        "(SI 2012/1033, Schedule 1)."
    ),
}

# From 35 days the 45-day cap is near (SI 2012/1033 reg 22: 45 school days a school year).
SUSPENSION_CAP_DAYS = 45
SUSPENSION_WARNING_DAYS = 35

NOTICE_NOT_RECORDED = "Provisional: counted from the decision until its written notice is recorded"


@dataclass(frozen=True)
class Clock:
    kind: str
    due: SchoolDay
    met_on: date | None
    # Why the date is provisional, beyond the calendar's own estimate; blank when it is not.
    provisional: str = ""

    @property
    def rule(self) -> str:
        return RULES[self.kind]

    @property
    def estimated(self) -> bool:
        return self.due.estimated or bool(self.provisional)


def _order(exclusion: Exclusion) -> tuple:
    # Unsaved (being recorded) comes after every saved one on the same first day.
    return (exclusion.start_date, exclusion.pk is None, exclusion.pk or 0)


def _counts(other: Exclusion, exclusion: Exclusion) -> bool:
    """Whether another exclusion of the pupil at the school counts towards this one's clocks."""
    return (
        other.pk != exclusion.pk
        and other.state != Exclusion.State.CANCELLED
        and _order(other) < _order(exclusion)
    )


def days_by_term(exclusion: Exclusion, calendar: SchoolCalendar) -> dict[tuple, float]:
    """A suspension's days in each term it touches: its sessions laid on its school days in
    order, two a day (a lunchtime suspension is one session, half a day)."""
    if exclusion.kind == Exclusion.Kind.PERMANENT or not exclusion.sessions:
        return {}
    remaining, out = exclusion.sessions, {}
    day, last = exclusion.start_date, exclusion.end_date or exclusion.start_date
    while day <= last and remaining > 0:
        if calendar.is_school_day(day):
            taken = min(2, remaining)
            key = calendar.term_key(day)
            out[key] = out.get(key, 0) + taken / 2
            remaining -= taken
        day += timedelta(days=1)
    if remaining > 0:
        key = calendar.term_key(exclusion.start_date)
        out[key] = out.get(key, 0) + remaining / 2
    return out


def term_total(exclusion: Exclusion, calendar: SchoolCalendar, history) -> float:
    """The most suspension days at the school in any term this exclusion has days in, counting
    it and the exclusions before it, never later ones."""
    totals = days_by_term(exclusion, calendar)
    for other in history:
        if _counts(other, exclusion):
            for key, days in days_by_term(other, calendar).items():
                if key in totals:
                    totals[key] += days
    return max(totals.values(), default=0)


def continuous_period(exclusion: Exclusion, calendar: SchoolCalendar, history) -> list:
    """The suspensions back to back with this exclusion (each starting no later than the school
    day after the one before ended), earliest first, ending with this one."""
    earlier = sorted(
        (
            o
            for o in history
            if _counts(o, exclusion) and o.kind == Exclusion.Kind.SUSPENSION and o.end_date
        ),
        key=_order,
        reverse=True,
    )
    chain = [exclusion]
    for other in earlier:
        if calendar.nth_school_day_after(other.end_date, 1).date < chain[0].start_date:
            break
        chain.insert(0, other)
    return chain


def board_review_required(exclusion: Exclusion, term_days: float) -> bool:
    return (
        exclusion.kind == Exclusion.Kind.PERMANENT or term_days > 15 or exclusion.misses_public_exam
    )


def _provision(exclusion, calendar, history) -> Clock | None:
    """The 6th-day duty: the school's for suspensions, the LA's for a permanent exclusion."""
    if exclusion.no_further_exams or exclusion.kind == Exclusion.Kind.LUNCHTIME:
        return None
    period = continuous_period(exclusion, calendar, history)
    sixth = calendar.nth_school_day_after(period[0].start_date - timedelta(days=1), 6)
    if exclusion.kind == Exclusion.Kind.PERMANENT:
        # Where the period's 6th day fell in a suspension (the school's duty), the LA's duty
        # runs from the permanent exclusion's first day.
        return Clock(
            K.LA_PROVISION, SchoolDay(max(sixth.date, exclusion.start_date), sixth.estimated), None
        )
    before = sum(e.days or 0 for e in period[:-1])
    # The suspension that takes the period past 5 days carries the school's duty.
    if before <= 5 < before + (exclusion.days or 0):
        return Clock(K.SCHOOL_PROVISION, sixth, None)
    return None


def _review_window(exclusion: Exclusion, calendar: SchoolCalendar) -> Clock:
    given = exclusion.board_notice_given_on
    if given is None:
        due = calendar.nth_school_day_after(exclusion.board_decided_on, 15)
        return Clock(K.REVIEW_REQUEST, due, exclusion.review_requested_on, NOTICE_NOT_RECORDED)
    return Clock(
        K.REVIEW_REQUEST,
        calendar.nth_school_day_after(given, 15),
        exclusion.review_requested_on,
    )


def notice_given_on(sent_on: date, method: str) -> date:
    """The day written notice counts as given: the day handed over or e-mailed, or the second
    working day after posting first class (SI 2012/1033, Schedule 1)."""
    if method == Exclusion.NoticeMethod.POST:
        return nth_working_day_after(sent_on, 2)
    return sent_on


def exclusion_clocks(exclusion: Exclusion, calendar: SchoolCalendar, history=()) -> list[Clock]:
    if exclusion.state == Exclusion.State.CANCELLED:
        return []
    clocks = []
    notice = exclusion.parents_notified_on or exclusion.start_date
    provision = _provision(exclusion, calendar, history)
    if provision:
        clocks.append(provision)
    term_days = term_total(exclusion, calendar, history)
    if board_review_required(exclusion, term_days):
        clocks.append(
            Clock(
                K.BOARD_REVIEW,
                calendar.nth_school_day_after(notice, 15),
                exclusion.board_decided_on,
            )
        )
        if exclusion.public_exam_on and exclusion.public_exam_on > notice:
            clocks.append(
                Clock(
                    K.BOARD_BEFORE_EXAM,
                    calendar.last_school_day_before(exclusion.public_exam_on),
                    exclusion.board_decided_on,
                )
            )
    elif term_days > 5 and exclusion.representations_on:
        clocks.append(
            Clock(
                K.BOARD_REPRESENTATIONS,
                calendar.nth_school_day_after(notice, 50),
                exclusion.board_decided_on,
            )
        )
    if (
        exclusion.kind == Exclusion.Kind.PERMANENT
        and exclusion.board_decided_on
        and (exclusion.review_requested_on or exclusion.state == Exclusion.State.UPHELD)
    ):
        clocks.append(_review_window(exclusion, calendar))
    if exclusion.review_requested_on:
        clocks.append(
            Clock(
                K.REVIEW_PANEL,
                calendar.nth_school_day_after(exclusion.review_requested_on, 15),
                exclusion.review_decided_on,
            )
        )
    if exclusion.review_decided_on and exclusion.review_outcome in (
        Exclusion.ReviewOutcome.RECOMMEND,
        Exclusion.ReviewOutcome.QUASH,
    ):
        clocks.append(
            Clock(
                K.RECONSIDERATION,
                calendar.nth_school_day_after(exclusion.review_decided_on, 10),
                exclusion.reconsidered_on,
            )
        )
    return clocks
