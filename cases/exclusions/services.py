"""Exclusions and their statutory clocks: recording a suspension or permanent exclusion, its
moves (Exclusion.MOVES), and the deadlines counted from them in school days (domain.md section 1;
School Discipline (Pupil Exclusions and Reviews) (England) Regulations 2012)."""

from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from approvision.records import Refused, check_move, lock_current, save_versioned, transition
from cases.exclusions.clocks import (
    RULES,
    board_review_required,
    exclusion_clocks,
    notice_given_on,
    term_total,
)
from cases.exclusions.models import (
    LEGACY_REASONS,
    Deadline,
    Exclusion,
    ExclusionEvent,
    ExclusionReason,
)
from cases.pupils.models import Pupil
from organisations.calendar import SchoolCalendar, counting_year_of, long_date
from organisations.models import School, User


def pupil_suspension_days(pupil: Pupil, school_year: int, *, school=None) -> float:
    """Days of suspension in a school year (from 1 August: an academy may start in late
    August), across all schools or at one, for the 45-day cap (SI 2012/1033 reg 22)."""
    start = date(school_year, 8, 1)
    rows = Exclusion.objects.counting_towards_cap().filter(
        pupil=pupil, start_date__gte=start, start_date__lt=date(school_year + 1, 8, 1)
    )
    if school is not None:
        rows = rows.filter(school=school)
    return (rows.aggregate(sessions=Sum("sessions"))["sessions"] or 0) / 2


def _history(exclusion: Exclusion) -> list[Exclusion]:
    """The pupil's exclusions at the school: what term totals and continuous periods count."""
    return list(
        Exclusion.objects.filter(
            pupil_id=exclusion.pupil_id, school_id=exclusion.school_id
        ).select_related("pupil")
    )


DEADLINE_COUNTED = ["la_id", "school_id", "due_on", "estimated", "provisional", "rule", "met_on"]


def _deadline_changes(
    exclusion: Exclusion, calendar: SchoolCalendar, history, existing: dict[str, Deadline]
) -> tuple[list[Deadline], list[Deadline]]:
    """The stored deadlines to write (new, or counted differently now) and to delete (clocks
    that no longer run and were not met), for the clocks the exclusion's record now runs.

    A deadline marked met by hand (provision arranged) keeps its date.
    """
    existing = dict(existing)
    changed = []
    la_id = exclusion.pupil.home_la_id or exclusion.pupil.la_id
    for clock in exclusion_clocks(exclusion, calendar, history):
        deadline = existing.pop(clock.kind, None) or Deadline(exclusion=exclusion, kind=clock.kind)
        counted = {
            "la_id": la_id,
            "school_id": exclusion.school_id,
            "due_on": clock.due.date,
            "estimated": clock.estimated,
            "provisional": clock.provisional,
            "rule": RULES[clock.kind],
            "met_on": clock.met_on or deadline.met_on,
        }
        if deadline.pk is None or any(getattr(deadline, k) != v for k, v in counted.items()):
            for name, value in counted.items():
                setattr(deadline, name, value)
            changed.append(deadline)
    # Clocks that no longer run: gone, unless already met (that stays part of the record).
    gone = [deadline for deadline in existing.values() if deadline.met_on is None]
    return changed, gone


def exclusion_deadlines_refresh(
    *, exclusion: Exclusion, calendar: SchoolCalendar | None = None, history=None
):
    """Make the stored deadlines match the clocks the exclusion's record now runs."""
    calendar = calendar or SchoolCalendar.for_school(exclusion.school)
    history = _history(exclusion) if history is None else history
    existing = {d.kind: d for d in exclusion.deadlines.all()}
    changed, gone = _deadline_changes(exclusion, calendar, history, existing)
    for deadline in changed:
        deadline.save()
    for deadline in gone:
        deadline.delete()


RECOUNT_BATCH = 500


def deadlines_recount(*, la_id: int | None = None) -> int:
    """Recount the open deadlines (of one LA, or all) from the current calendars, a batch of
    exclusions at a time: their histories and deadlines read together, and only the deadlines
    counted differently now written (most nights, none). Returns how many exclusions were
    counted. Safe to run any number of times."""
    open_deadlines = Deadline.objects.filter(met_on__isnull=True)
    if la_id is not None:
        open_deadlines = open_deadlines.filter(la_id=la_id)
    exclusions = (
        Exclusion.objects.filter(pk__in=open_deadlines.values("exclusion_id"))
        .select_related("pupil", "school__la")
        .order_by("school_id", "pupil_id", "pk")
    )
    calendars: dict[int, SchoolCalendar] = {}
    count = 0
    batch: list[Exclusion] = []
    for exclusion in exclusions.iterator(chunk_size=RECOUNT_BATCH):
        batch.append(exclusion)
        if len(batch) == RECOUNT_BATCH:
            count += _recount_batch(batch, calendars)
            batch = []
    if batch:
        count += _recount_batch(batch, calendars)
    return count


@transaction.atomic
def _recount_batch(batch: list[Exclusion], calendars: dict[int, SchoolCalendar]) -> int:
    # Each is counted from its own record and the pupil's exclusions at the school (clocks.py),
    # so a recount gives what the day of recording gave, with today's calendar.
    pairs = {(e.pupil_id, e.school_id) for e in batch}
    histories: dict[tuple[int, int], list[Exclusion]] = {pair: [] for pair in pairs}
    for other in Exclusion.objects.filter(
        pupil_id__in={p for p, _ in pairs}, school_id__in={s for _, s in pairs}
    ).select_related("pupil"):
        if (other.pupil_id, other.school_id) in histories:
            histories[(other.pupil_id, other.school_id)].append(other)
    stored: dict[int, dict[str, Deadline]] = {e.pk: {} for e in batch}
    for deadline in Deadline.objects.filter(exclusion_id__in=stored):
        stored[deadline.exclusion_id][deadline.kind] = deadline
    new_schools = {e.school_id: e.school for e in batch if e.school_id not in calendars}
    calendars.update(SchoolCalendar.for_schools(new_schools.values()))
    to_write: list[Deadline] = []
    to_delete: list[int] = []
    for exclusion in batch:
        calendar = calendars[exclusion.school_id]
        history = histories[(exclusion.pupil_id, exclusion.school_id)]
        changed, gone = _deadline_changes(exclusion, calendar, history, stored[exclusion.pk])
        to_write += changed
        to_delete += [deadline.pk for deadline in gone]
    Deadline.objects.bulk_create([d for d in to_write if d.pk is None])
    Deadline.objects.bulk_update([d for d in to_write if d.pk is not None], DEADLINE_COUNTED)
    Deadline.objects.filter(pk__in=to_delete).delete()
    return len(batch)


def _refresh_from(exclusion: Exclusion, calendar: SchoolCalendar) -> None:
    """Recount this exclusion and the pupil's later ones at the school: an exclusion recorded
    late, or cancelled, changes the term totals and continuous periods that follow it."""
    history = _history(exclusion)
    for other in history:
        if other.start_date >= exclusion.start_date:
            exclusion_deadlines_refresh(exclusion=other, calendar=calendar, history=history)


# The COVID-era public-health code: whether the census still lists it is unconfirmed
# (docs/clocks.md); accepted, with a warning to the person recording a new exclusion.
PUBLIC_HEALTH = "PH"
PUBLIC_HEALTH_WARNING = (
    "Reason PH (public-health measures) was added for COVID-19 and may no longer be in the "
    "school census: check the DfE's current code set before the census return."
)


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


# An exclusion whose first day is more than a term (16 weeks) back needs a reason on the record.
LATE_AFTER = timedelta(weeks=16)
# Exclusions are recorded when decided: at most this far ahead, and history this far back.
AHEAD = timedelta(days=60)
HISTORY_YEARS = 25


def _check_dates(
    *,
    pupil: Pupil,
    start_date: date,
    end_date: date | None,
    parents_notified_on: date | None,
    public_exam_on: date | None,
    late_reason: str,
    today: date,
) -> None:
    """Every date a person types has a plausible window and a plain message (docs/clocks.md)."""
    if start_date > today + AHEAD:
        raise Refused(
            f"The first day cannot be more than 60 days ahead (after {long_date(today + AHEAD)})",
            field="start_date",
        )
    earliest = date(today.year - HISTORY_YEARS, 9, 1)
    if start_date < earliest:
        raise Refused(
            f"The first day cannot be before {long_date(earliest)}: older records are not kept",
            field="start_date",
        )
    school_age = date(pupil.date_of_birth.year + 4, pupil.date_of_birth.month, 1)
    if start_date < school_age:
        raise Refused(
            "The first day is before the pupil was of school age: check the date and the "
            "pupil's date of birth",
            field="start_date",
        )
    if start_date < today - LATE_AFTER and not late_reason.strip():
        raise Refused(
            "This exclusion started more than a term ago: say why it is recorded only now",
            field="late_reason",
        )
    if end_date is not None and end_date > start_date + timedelta(days=366):
        raise Refused("A suspension cannot last more than a school year", field="end_date")
    if parents_notified_on is not None:
        if parents_notified_on > today:
            raise Refused(
                "The date parents were told cannot be in the future", field="parents_notified_on"
            )
        if parents_notified_on < start_date - timedelta(days=14):
            raise Refused(
                "Parents are told when the exclusion is decided: the date is more than two weeks "
                "before the first day",
                field="parents_notified_on",
            )
    if public_exam_on is not None and not (
        start_date <= public_exam_on <= start_date + timedelta(days=366)
    ):
        raise Refused(
            "The exam's date must be on or after the first day, within a year",
            field="public_exam_on",
        )


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
    public_exam_on: date | None = None,
    no_further_exams: bool = False,
    late_reason: str = "",
    allow_legacy_reasons: bool = False,
    recorded_on: date | None = None,
) -> Exclusion:
    """Record a suspension or exclusion; the LA sees it at once and its clocks start.

    Every exclusion must be recorded and the LA told of each (exclusions guidance, Sept 2022).
    `recorded_on` (the demo's history, written as if on the day) is the day its dates are
    judged from; people and systems record today.
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
    _check_dates(
        pupil=pupil,
        start_date=start_date,
        end_date=end_date,
        parents_notified_on=parents_notified_on,
        public_exam_on=public_exam_on,
        late_reason=late_reason,
        today=recorded_on or timezone.localdate(),
    )
    if kind == Exclusion.Kind.SUSPENSION:
        most = 2 * calendar.school_days_between(start_date, end_date)
        if sessions > most:
            raise Refused(
                f"That is more sessions than the school holds between those dates ({most})",
                field="sessions",
            )
    if no_further_exams and pupil.year_group(start_date) != 11:
        raise Refused(
            "Only a Year 11 pupil can have no further public exams this year",
            field="no_further_exams",
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
        misses_public_exam=misses_public_exam or public_exam_on is not None,
        public_exam_on=public_exam_on,
        no_further_exams=no_further_exams,
        late_reason=late_reason.strip(),
        recorded_by=by,
    )
    ExclusionEvent.objects.create(
        exclusion=exclusion,
        to_state=Exclusion.State.NOTIFIED,
        happened_on=parents_notified_on or start_date,
        note="Recorded and the local authority told",
        by=by,
    )
    history = _history(exclusion)
    if board_review_required(exclusion, term_total(exclusion, calendar, history)):
        _move(
            exclusion,
            Exclusion.State.BOARD_REVIEW_DUE,
            by=by,
            on=exclusion.start_date,
            note="The governing board must consider reinstatement",
        )
    _refresh_from(exclusion, calendar)
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


def _set_notice(exclusion: Exclusion, *, decided_on: date, sent_on: date, method: str) -> dict:
    """The fields saying how and when written notice of the board's decision went to parents."""
    if method not in Exclusion.NoticeMethod.values:
        raise Refused("Select how the notice was sent", field="notice_method")
    if sent_on < decided_on:
        raise Refused("The notice cannot be sent before the board decided", field="notice_sent_on")
    if sent_on > timezone.localdate():
        raise Refused(
            "The date the notice was sent cannot be in the future", field="notice_sent_on"
        )
    return {
        "board_notice_sent_on": sent_on,
        "board_notice_method": method,
        "board_notice_given_on": notice_given_on(sent_on, method),
    }


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
    notice_sent_on: date | None = None,
    notice_method: str = "",
) -> Exclusion:
    """Move an exclusion to its next state, the one way states change; refuse illegal moves and
    edits made from a stale copy (the version the person saw).

    A board's decision to uphold may carry how and when its written notice went to the parents:
    the independent review window counts from the day that notice counts as given."""
    locked = lock_current(
        Exclusion.objects.select_related("pupil", "school"), exclusion.pk, version
    )
    if on < locked.start_date:
        raise Refused("The date cannot be before the exclusion started", field="on")
    if on > timezone.localdate():
        raise Refused("The date cannot be in the future", field="on")
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
    if notice_sent_on is not None or notice_method:
        if to != Exclusion.State.UPHELD or locked.kind != Exclusion.Kind.PERMANENT:
            raise Refused(
                "Notice is recorded with a board's decision not to reinstate a permanent exclusion",
                field="notice_sent_on",
            )
        if notice_sent_on is None:
            raise Refused("Enter the date the notice was sent", field="notice_sent_on")
        changes = _set_notice(locked, decided_on=on, sent_on=notice_sent_on, method=notice_method)
        for name, value in changes.items():
            setattr(locked, name, value)
        locked.save(update_fields=list(changes))
    _refresh_from(locked, SchoolCalendar.for_school(locked.school))
    return locked


@transaction.atomic
def exclusion_notice_record(
    *, exclusion: Exclusion, by: User, version: int, sent_on: date, method: str
) -> Exclusion:
    """Record how and when written notice of the board's decision not to reinstate was sent;
    the independent review window then counts from the day it counts as given."""
    locked = lock_current(
        Exclusion.objects.select_related("pupil", "school"), exclusion.pk, version
    )
    if (
        locked.kind != Exclusion.Kind.PERMANENT
        or locked.board_decided_on is None
        or locked.state != Exclusion.State.UPHELD
    ):
        raise Refused("Notice is recorded once the board has decided not to reinstate")
    changes = _set_notice(
        locked, decided_on=locked.board_decided_on, sent_on=sent_on, method=method
    )
    ExclusionEvent.objects.create(
        exclusion=locked,
        from_state=locked.state,
        to_state=locked.state,
        happened_on=sent_on,
        note="Written notice of the board's decision: "
        + Exclusion.NoticeMethod(method).label.lower(),
        by=by,
    )
    for name, value in changes.items():
        setattr(locked, name, value)
    save_versioned(locked, *changes, by=by, reason="Written notice of the board's decision")
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
    cap (SI 2012/1033 reg 22)."""
    return pupil_suspension_days(pupil, counting_year_of(on))


def school_year_suspension_totals(pupil: Pupil, on: date, school) -> tuple[float, float | None]:
    """The 45-day cap read both ways, in one query: days this school year across schools, and
    at `school` (None without a school). Readings of reg 22 differ, so pages show both."""
    year = counting_year_of(on)
    sums = (
        Exclusion.objects.counting_towards_cap()
        .filter(pupil=pupil, start_date__gte=date(year, 8, 1), start_date__lt=date(year + 1, 8, 1))
        .aggregate(
            everywhere=Sum("sessions"),
            # With no school, a condition that holds for no row: the sum is None.
            here=Sum("sessions", filter=Q(school=school) if school else Q(pk__in=[])),
        )
    )
    here = None if school is None else (sums["here"] or 0) / 2
    return (sums["everywhere"] or 0) / 2, here
