"""Placement reviews at the LA's interval (at least half-termly: Arranging alternative provision,
2025), with their decision: continue, extend, start reintegration, escalate to panel, or end."""

from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from approvision.records import Refused, save_versioned
from organisations.calendar import long_date
from organisations.models import User
from placements.commissioning.models import Placement
from placements.commissioning.services import next_review_after, placement_end, placement_locked
from placements.reviews.models import Review


@transaction.atomic
def review_record(
    *,
    placement: Placement,
    by: User,
    version: int,
    held_on: date,
    attendance_percent: Decimal,
    progress: str,
    pupil_voice: str,
    parent_voice: str,
    decision: str,
    new_planned_end: date | None = None,
    end_reason: str = "",
    notes: str = "",
) -> Review:
    """Record a review of a running placement and act on its decision: extending moves the
    planned end (within full time), ending ends the placement, and the next review is set at the
    LA's interval moved to a school day."""
    placement = placement_locked(placement, version)
    if placement.state not in (Placement.State.ACTIVE, Placement.State.ACCEPTED):
        raise Refused("Reviews are held while the placement runs")
    if held_on > timezone.localdate():
        raise Refused("The review date cannot be in the future", field="held_on")
    if held_on < placement.start_date:
        raise Refused("The review cannot be before the placement began", field="held_on")
    for value, field, words in (
        (progress, "progress", "Describe the progress made"),
        (pupil_voice, "pupil_voice", "Record what the pupil said"),
        (parent_voice, "parent_voice", "Record what the parent or carer said"),
    ):
        if not value.strip():
            raise Refused(words, field=field)
    if not 0 <= attendance_percent <= 100:
        raise Refused("Attendance is a percentage from 0 to 100", field="attendance_percent")
    Decision = Review.Decision
    if decision == Decision.EXTEND:
        if new_planned_end is None:
            raise Refused("Enter the new planned end", field="new_planned_end")
        if placement.planned_end and new_planned_end <= placement.planned_end:
            raise Refused(
                f"The new planned end must be after {long_date(placement.planned_end)}",
                field="new_planned_end",
            )
        if new_planned_end <= held_on:
            raise Refused("The new planned end must be after the review", field="new_planned_end")
    elif decision == Decision.END and not end_reason:
        raise Refused("Select why the placement is ending", field="end_reason")
    else:
        new_planned_end = None
    next_due = None if decision == Decision.END else next_review_after(placement.pupil, held_on)
    review = Review.objects.create(
        placement=placement,
        held_on=held_on,
        attendance_percent=attendance_percent,
        progress=progress.strip(),
        pupil_voice=pupil_voice.strip(),
        parent_voice=parent_voice.strip(),
        decision=decision,
        new_planned_end=new_planned_end,
        notes=notes.strip(),
        next_review_due=next_due,
        held_by=by,
    )
    if decision == Decision.END:
        placement_end(
            placement=placement,
            by=by,
            version=placement.version,
            ended_on=held_on,
            reason=end_reason,
        )
        return review
    placement.next_review_due = next_due
    fields = ["next_review_due"]
    if new_planned_end:
        placement.planned_end = new_planned_end
        fields.append("planned_end")
    try:
        with transaction.atomic():
            save_versioned(placement, *fields, by=by)
    except IntegrityError as error:
        raise Refused(
            "Extended, the pupil's placements would be over full time", field="new_planned_end"
        ) from error
    return review
