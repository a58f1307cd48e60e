"""The minutes: built up as decisions are made, approved by the chair (a stored PDF that locks
the meeting), then corrected only by amendments."""

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string

from approvision.records import Refused, lock_current, transition
from organisations.models import User
from panels.access import refuse_unless_runs_meeting
from panels.models import (
    AgendaItem,
    MinutesAmendment,
    MinutesVersion,
    PanelMeeting,
    PanelMember,
)
from panels.pdf import render_pdf
from panels.services.meetings import quorate, refuse_early

ACTION_OWNER = (
    "item",
    "task__owner_user",
    "task__owner_school",
    "task__owner_provider",
    "task__owner_la",
)


def minutes_context(meeting: PanelMeeting) -> dict:
    """What the minutes show: members, items with their decisions, actions, quorum."""
    return {
        "meeting": meeting,
        "members": meeting.members.select_related("user"),
        "items": meeting.items.for_agenda(),
        "actions": meeting.actions.select_related(*ACTION_OWNER),
        "quorate": quorate(meeting),
    }


@transaction.atomic
def minutes_approve(*, meeting: PanelMeeting, by: User, early_reason: str = "") -> MinutesVersion:
    """The chair approves the minutes on or after the meeting's date (before it only with a
    reason): they are stored as a PDF naming who approved them and when, and lock the meeting."""
    locked = lock_current(PanelMeeting.objects, meeting.pk, None)
    if not locked.members.filter(user=by, role=PanelMember.Role.CHAIR).exists():
        raise Refused("Only the chair approves the minutes")
    if locked.locked:
        raise Refused("The minutes are already approved: record a correction as an amendment")
    if locked.items.filter(status=AgendaItem.Status.PENDING).exists():
        raise Refused("Every item needs a decision before the minutes are approved")
    refuse_early(
        locked, by=by, reason=early_reason, doing="approve the minutes", officer_only=False
    )
    number = locked.minutes.count() + 1
    version = MinutesVersion(meeting=locked, number=number, approved_by=by)
    version.html = render_to_string(
        "panels/pdf/minutes.html",
        {**minutes_context(locked), "approved": version, "early_reason": early_reason.strip()},
    )
    version.pdf.save(
        f"minutes-{locked.pk}-v{number}.pdf", ContentFile(render_pdf(version.html)), save=False
    )
    version.save()
    transition(locked, PanelMeeting.Status.MINUTES_APPROVED, by=by, reason=early_reason.strip())
    return version


@transaction.atomic
def minutes_amend(*, meeting: PanelMeeting, by: User, text: str) -> MinutesAmendment:
    """Record a correction to approved minutes; the approved PDF stays as it was."""
    refuse_unless_runs_meeting(by, meeting)
    if not meeting.locked:
        raise Refused("Change the minutes directly until they are approved")
    if not text.strip():
        raise Refused("Enter the correction", field="text")
    return MinutesAmendment.objects.create(meeting=meeting, text=text.strip(), by=by)
