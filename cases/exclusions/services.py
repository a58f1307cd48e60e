"""Exclusions and their statutory clocks: recording a suspension or permanent exclusion, its
moves (Exclusion.MOVES), and the deadlines counted from them in school days (domain.md section 1;
School Discipline (Pupil Exclusions and Reviews) (England) Regulations 2012)."""

from datetime import date

from django.db import transaction
from django.db.models import Sum

from approvision.records import Refused, check_move, lock_current, transition
from cases.exclusions.clocks import RULES, board_review_required, exclusion_clocks
from cases.exclusions.models import (
    LEGACY_REASONS,
    Deadline,
    Exclusion,
    ExclusionEvent,
    ExclusionReason,
)
from cases.pupils.models import Pupil
from organisations.calendar import SchoolCalendar, school_year_of
from organisations.models import School, User


def pupil_suspension_days(pupil: Pupil, school_year: int) -> float:
    """Days of suspension this school year across all schools, for the 45-day cap (reg 22)."""
    start = date(school_year, 9, 1)
    total = (
        Exclusion.objects.counting_towards_cap()
        .filter(pupil=pupil, start_date__gte=start, start_date__lt=date(school_year + 1, 9, 1))
        .aggregate(sessions=Sum("sessions"))["sessions"]
    )
    return (total or 0) / 2


def _term_days(exclusion: Exclusion, calendar: SchoolCalendar) -> float:
    """Days of suspension at this school in the term the exclusion starts in, itself included."""
    span = calendar.term_of(exclusion.start_date)
    if exclusion.kind == Exclusion.Kind.PERMANENT:
        return 0
    if span is None:
        return exclusion.days or 0
    same_year = [
        t for t in calendar.terms if t.school_year == span.school_year and t.term == span.term
    ]
    others = (
        Exclusion.objects.counting_towards_cap()
        .filter(pupil_id=exclusion.pupil_id, school_id=exclusion.school_id)
        .exclude(pk=exclusion.pk)
        .filter(start_date__gte=min(t.start for t in same_year))
        .filter(start_date__lte=max(t.end for t in same_year))
        .aggregate(sessions=Sum("sessions"))["sessions"]
    )
    return (exclusion.days or 0) + (others or 0) / 2


def exclusion_deadlines_refresh(*, exclusion: Exclusion, calendar: SchoolCalendar | None = None):
    """Make the stored deadlines match the clocks the exclusion's record now runs.

    A deadline marked met by hand (provision arranged) keeps its date.
    """
    calendar = calendar or SchoolCalendar.for_school(exclusion.school)
    clocks = exclusion_clocks(exclusion, calendar, _term_days(exclusion, calendar))
    existing = {d.kind: d for d in exclusion.deadlines.all()}
    for clock in clocks:
        deadline = existing.pop(clock.kind, None) or Deadline(exclusion=exclusion, kind=clock.kind)
        deadline.la_id = exclusion.pupil.home_la_id or exclusion.pupil.la_id
        deadline.school_id = exclusion.school_id
        deadline.due_on = clock.due.date
        deadline.estimated = clock.due.estimated
        deadline.rule = RULES[clock.kind]
        deadline.met_on = clock.met_on or deadline.met_on
        deadline.save()
    # Clocks that no longer run: gone, unless already met (that stays part of the record).
    for deadline in existing.values():
        if deadline.met_on is None:
            deadline.delete()


def _check_reasons(reasons: list[str], *, allow_legacy: bool) -> list[str]:
    allowed = set(ExclusionReason.values) | (set(LEGACY_REASONS) if allow_legacy else set())
    reasons = [r for r in reasons if r]
    if not 1 <= len(reasons) <= 3:
        raise Refused("Give between 1 and 3 reasons", field="reason_1")
    if len(set(reasons)) != len(reasons):
        raise Refused("Give each reason once", field="reason_2")
    unknown = [r for r in reasons if r not in allowed]
    if unknown:
        raise Refused(f"{unknown[0]} is not a DfE reason code", field="reason_1")
    return reasons


@transaction.atomic
def exclusion_record(
    *,
    by: User,
    pupil: Pupil,
    school: School,
    kind: str,
    start_date: date,
    reasons: list[str],
    decided_by: str,
    end_date: date | None = None,
    sessions: int | None = None,
    parents_notified_on: date | None = None,
    misses_public_exam: bool = False,
    allow_legacy_reasons: bool = False,
) -> Exclusion:
    """Record a suspension or exclusion; the LA sees it at once and its clocks start.

    Every exclusion must be recorded and the LA told of each (exclusions guidance, Sept 2022).
    """
    reasons = _check_reasons(reasons, allow_legacy=allow_legacy_reasons)
    calendar = SchoolCalendar.for_school(school)
    if kind == Exclusion.Kind.PERMANENT:
        end_date, sessions = None, None
    elif kind == Exclusion.Kind.LUNCHTIME:
        end_date, sessions = start_date, 1
    else:
        if end_date is None:
            raise Refused("Enter the last day of the suspension", field="end_date")
        if end_date < start_date:
            raise Refused(
                "The last day must be the same as or after the first day", field="end_date"
            )
        if not sessions:
            raise Refused("Enter how many half-day sessions it lasts", field="sessions")
        most = 2 * calendar.school_days_between(start_date, end_date)
        if sessions > most:
            raise Refused(
                f"That is more sessions than the school holds between those dates ({most})",
                field="sessions",
            )
    exclusion = Exclusion.objects.create(
        pupil=pupil,
        school=school,
        kind=kind,
        start_date=start_date,
        end_date=end_date,
        sessions=sessions,
        reasons=reasons,
        decided_by=decided_by,
        parents_notified_on=parents_notified_on,
        misses_public_exam=misses_public_exam,
        recorded_by=by,
    )
    ExclusionEvent.objects.create(
        exclusion=exclusion,
        to_state=Exclusion.State.NOTIFIED,
        happened_on=parents_notified_on or start_date,
        note="Recorded and the local authority told",
        by=by,
    )
    if board_review_required(exclusion, _term_days(exclusion, calendar)):
        _move(
            exclusion,
            Exclusion.State.BOARD_REVIEW_DUE,
            by=by,
            on=exclusion.start_date,
            note="The governing board must consider reinstatement",
        )
    exclusion_deadlines_refresh(exclusion=exclusion, calendar=calendar)
    return exclusion


def _move(
    exclusion: Exclusion,
    to: str,
    *,
    by: User,
    on: date,
    note: str = "",
    outcome: str = "",
    representations: bool = False,
):
    check_move(exclusion, to)
    S = Exclusion.State
    changes = {}
    if to in (S.UPHELD, S.REINSTATED):
        if exclusion.state == S.REVIEW_OUTCOME:
            changes["reconsidered_on"] = on
        else:
            changes["board_decided_on"] = on
    elif to == S.BOARD_REVIEW_DUE and representations:
        changes["representations_on"] = on
    elif to == S.REVIEW_REQUESTED:
        changes["review_requested_on"] = on
    elif to == S.REVIEW_OUTCOME:
        if outcome not in Exclusion.ReviewOutcome.values:
            raise Refused("Select what the review panel decided", field="outcome")
        changes["review_decided_on"], changes["review_outcome"] = on, outcome
    elif to == S.CANCELLED:
        changes["cancelled_on"] = on
    ExclusionEvent.objects.create(
        exclusion=exclusion,
        from_state=exclusion.state,
        to_state=to,
        happened_on=on,
        note=note,
        by=by,
    )
    transition(exclusion, to, by=by, reason=note, **changes)


@transaction.atomic
def exclusion_transition(
    *,
    exclusion: Exclusion,
    to: str,
    by: User,
    on: date,
    version: int,
    note: str = "",
    outcome: str = "",
) -> Exclusion:
    """Move an exclusion to its next state, the one way states change; refuse illegal moves and
    edits made from a stale copy (the version the person saw)."""
    locked = lock_current(
        Exclusion.objects.select_related("pupil", "school"), exclusion.pk, version
    )
    if on < locked.start_date:
        raise Refused("The date cannot be before the exclusion started", field="on")
    # A person moving a notified exclusion to board review is recording parents' representations.
    _move(
        locked,
        to,
        by=by,
        on=on,
        note=note,
        outcome=outcome,
        representations=to == Exclusion.State.BOARD_REVIEW_DUE,
    )
    exclusion_deadlines_refresh(exclusion=locked)
    return locked


@transaction.atomic
def deadline_mark_met(*, deadline: Deadline, on: date, by: User) -> None:
    """Record that a duty was done (provision arranged); other deadlines are met by the record."""
    if deadline.kind not in (Deadline.Kind.LA_PROVISION, Deadline.Kind.SCHOOL_PROVISION):
        raise Refused("This deadline is met by recording the decision, not by hand")
    deadline.met_on = on
    deadline.save(update_fields=["met_on"])


def school_year_suspension_days(pupil: Pupil, on: date) -> float:
    """School days of suspension the pupil has had this school year, across schools: the 45-day
    cap (Education Act 2002 s51A; suspension guidance, domain.md section 1)."""
    return pupil_suspension_days(pupil, school_year_of(on))
