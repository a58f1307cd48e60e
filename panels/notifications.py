"""Telling the referrer and the provider of a panel decision, and a referrer that their referral
is on a meeting's agenda: messages through the outbox (cases.notices), written with the decision
and sent once it commits; a Notify that is down costs the chair nothing. No pupil's name: the
message says where to look; the service shows the detail to those who may see it."""

from django.urls import reverse

from cases.notices.events import referral_on_agenda
from cases.notices.services import notice_send
from organisations.calendar import long_date
from panels.models import AgendaItem, Decision


def decision_told(decision: Decision) -> None:
    """The decision's message to the referrer and to the provider's staff (call inside the
    transaction that records it)."""
    item = decision.item
    meeting = item.meeting
    to = []
    if item.referral_id:
        to.append(item.referral.referrer)
    if decision.provider_id:
        to.append(decision.provider)
    if not to:
        return
    if item.referral_id:
        path = reverse("cases:referral_detail", args=[item.referral_id])
        what = f"referral {item.referral_id} from {item.referral.school.name}"
    elif decision.placement_id:
        path = reverse("placements:detail", args=[decision.placement_id])
        what = f"placement {decision.placement_id}"
    else:
        path, what = "", "an item that concerns you"
    notice_send(
        kind="panel_decision",
        to=to,
        la=meeting.la,
        subject=f"AP panel decision from {long_date(meeting.date)}",
        body=(
            f"The alternative provision panel of {meeting.la.name} met on "
            f"{long_date(meeting.date)} and made a decision on {what}: "
            f"{decision.get_outcome_display().lower()}. Sign in to read the decision and what "
            "happens next. For the pupil's privacy this message does not name them."
        ),
        path=path,
        pupil=item.referral.pupil if item.referral_id else None,
        about=item.referral if item.referral_id else decision,
        occasion=f"decision {decision.pk}",
    )


def agenda_told(items: list[AgendaItem]) -> None:
    """Each referrer whose referral has just been put on a meeting's agenda."""
    for item in items:
        if item.referral_id and item.kind == AgendaItem.Kind.REFERRAL:
            referral_on_agenda(item.referral, item.meeting.date)
