"""The statutory clocks of an exclusion (domain.md section 1), each with its rule in plain words.

Pure: given an exclusion, its school's calendar and the pupil's suspension days at that school in
the term, say which clocks run, when each falls due, and whether the record shows it met.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from cases.exclusions.models import Deadline, Exclusion
from organisations.calendar import SchoolCalendar, SchoolDay

K = Deadline.Kind

RULES = {
    K.LA_PROVISION: (
        "The local authority must arrange suitable full-time education from the 6th school day "
        "of a permanent exclusion; the pupil's home LA where the school is in another "
        "(Education Act 1996 s19(3A); exclusions guidance para 90)."
    ),
    K.SCHOOL_PROVISION: (
        "For a suspension of more than 5 school days the school must arrange suitable full-time "
        "education from the 6th school day (Education and Inspections Act 2006 s100)."
    ),
    K.BOARD_REVIEW: (
        "The governing board must consider reinstatement within 15 school days of notice of a "
        "permanent exclusion, of suspensions totalling more than 15 school days in a term, or of "
        "an exclusion that means missing a public exam (SI 2012/1033 regs 6, 15 and 24)."
    ),
    K.BOARD_REPRESENTATIONS: (
        "Parents made representations about suspensions totalling 6 to 15 school days in a term: "
        "the board must consider them within 50 school days of notice (SI 2012/1033)."
    ),
    K.REVIEW_REQUEST: (
        "Parents may apply for an independent review panel within 15 school days of written "
        "notice of the board's decision not to reinstate (SI 2012/1033, Schedule)."
    ),
    K.REVIEW_PANEL: (
        "The independent review panel must meet by the 15th school day after the application "
        "(SI 2012/1033, Schedule)."
    ),
    K.RECONSIDERATION: (
        "The board must reconsider within 10 school days of being told of the panel's decision "
        "(SI 2012/1033, Schedule)."
    ),
}

# From 35 days the 45-day cap is near (SI 2012/1033 reg 22: 45 school days a school year).
SUSPENSION_CAP_DAYS = 45
SUSPENSION_WARNING_DAYS = 35


@dataclass(frozen=True)
class Clock:
    kind: str
    due: SchoolDay
    met_on: date | None

    @property
    def rule(self) -> str:
        return RULES[self.kind]


def board_review_required(exclusion: Exclusion, term_days: float) -> bool:
    return (
        exclusion.kind == Exclusion.Kind.PERMANENT or term_days > 15 or exclusion.misses_public_exam
    )


def exclusion_clocks(
    exclusion: Exclusion, calendar: SchoolCalendar, term_days: float
) -> list[Clock]:
    if exclusion.state == Exclusion.State.CANCELLED:
        return []
    clocks = []
    day_before = exclusion.start_date - timedelta(days=1)
    notice = exclusion.parents_notified_on or exclusion.start_date
    if exclusion.kind == Exclusion.Kind.PERMANENT:
        clocks.append(Clock(K.LA_PROVISION, calendar.nth_school_day_after(day_before, 6), None))
    elif exclusion.days and exclusion.days > 5:
        clocks.append(Clock(K.SCHOOL_PROVISION, calendar.nth_school_day_after(day_before, 6), None))
    if board_review_required(exclusion, term_days):
        clocks.append(
            Clock(
                K.BOARD_REVIEW,
                calendar.nth_school_day_after(notice, 15),
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
        clocks.append(
            Clock(
                K.REVIEW_REQUEST,
                calendar.nth_school_day_after(exclusion.board_decided_on, 15),
                exclusion.review_requested_on,
            )
        )
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
