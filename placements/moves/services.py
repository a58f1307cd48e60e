"""Managed moves and off-site directions: tracked like placements, but not AP (exclusions
guidance paras 48-50; Education Act 2002 s29A; domain.md section 1, pupil movement)."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from approvision.records import Refused, lock_current, save_versioned, transition
from cases.pupils.models import Pupil
from cases.pupils.services import current_school
from organisations.calendar import SchoolCalendar, long_date
from organisations.models import ProviderOrganisation, School, User
from placements.moves.models import MoveReview, PupilMove


@transaction.atomic
def move_record(
    *,
    pupil: Pupil,
    by: User,
    kind: str,
    start_date: date,
    to_school: School | None = None,
    to_provider: ProviderOrganisation | None = None,
    home_school_consent_on: date | None = None,
    receiving_school_consent_on: date | None = None,
    parent_consent_on: date | None = None,
    notice_given_on: date | None = None,
) -> PupilMove:
    """Record a managed move (both schools' and the parents' consent, a 6-week review) or an
    off-site direction (written notice at least 2 school days before it starts, reviewed every 30
    days): domain.md section 1."""
    school = current_school(pupil)
    if school is None:
        raise Refused("The pupil is not on a school's roll")
    Kind = PupilMove.Kind
    if kind == Kind.MANAGED_MOVE:
        if to_school is None:
            raise Refused("Select the school the pupil moves to", field="to_school")
        if to_school.pk == school.pk:
            raise Refused("The pupil moves to another school", field="to_school")
        for value, field, who in (
            (home_school_consent_on, "home_school_consent_on", "the home school"),
            (receiving_school_consent_on, "receiving_school_consent_on", "the receiving school"),
            (parent_consent_on, "parent_consent_on", "the parents"),
        ):
            if value is None:
                raise Refused(f"A managed move needs the consent of {who}", field=field)
            if value > start_date:
                raise Refused("Consent is given before the move starts", field=field)
        next_review = start_date + timedelta(weeks=6)
        to_provider = None
        notice_given_on = None
    else:
        if to_school is None and to_provider is None:
            raise Refused("Select where the pupil is directed to", field="to_provider")
        if notice_given_on is None:
            raise Refused("Enter when written notice was given", field="notice_given_on")
        calendar = SchoolCalendar.for_school(school)
        earliest = calendar.nth_school_day_after(notice_given_on, 2).date
        if start_date < earliest:
            raise Refused(
                "Written notice must be given at least 2 school days before: "
                f"the earliest start is {long_date(earliest)}",
                field="start_date",
            )
        next_review = start_date + timedelta(days=30)
        home_school_consent_on = receiving_school_consent_on = parent_consent_on = None
    return PupilMove.objects.create(
        kind=kind,
        pupil=pupil,
        from_school=school,
        to_school=to_school,
        to_provider=to_provider,
        start_date=start_date,
        home_school_consent_on=home_school_consent_on,
        receiving_school_consent_on=receiving_school_consent_on,
        parent_consent_on=parent_consent_on,
        notice_given_on=notice_given_on,
        next_review_due=next_review,
        recorded_by=by,
    )


@transaction.atomic
def move_review(
    *,
    move: PupilMove,
    by: User,
    version: int,
    held_on: date,
    notes: str,
    outcome: str = "",
) -> MoveReview:
    """Review a move: a managed move at 6 weeks, an off-site direction at least every 30 days.
    An outcome closes it."""
    move = lock_current(PupilMove.objects, move.pk, version)
    if move.outcome:
        raise Refused("This move has its outcome")
    if held_on > timezone.localdate() or held_on < move.start_date:
        raise Refused(
            "The review is held after the move started and not in the future", field="held_on"
        )
    if not notes.strip():
        raise Refused("Record what the review found", field="notes")
    review = MoveReview.objects.create(move=move, held_on=held_on, notes=notes.strip(), by=by)
    if outcome:
        transition(move, outcome, by=by, reason=notes, outcome_on=held_on, next_review_due=None)
        return review
    if move.kind == PupilMove.Kind.OFF_SITE_DIRECTION:
        move.next_review_due = held_on + timedelta(days=30)
    else:
        move.next_review_due = None
    save_versioned(move, "next_review_due", by=by)
    return review
