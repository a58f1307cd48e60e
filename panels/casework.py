"""A referral as open work on an officer's caseload: triage, the school's answer, or the panel
meeting it is on."""

from django.db.models import Case, DateField, Exists, Min, OuterRef, Q, Subquery, When
from django.db.models.functions import Coalesce, TruncDate
from django.urls import reverse

from cases.casework.registry import EventSource, WorkKind, register_events, register_work
from cases.exclusions.models import Exclusion
from cases.fair_access.models import FairAccessCase
from cases.referrals.models import Referral
from organisations.calendar import long_date
from panels.models import AgendaItem, PanelMeeting
from placements.commissioning.models import Placement

OPEN = (Referral.State.SUBMITTED, Referral.State.MORE_INFO, Referral.State.ACCEPTED)


def _next_meeting():
    """The panel an accepted referral goes to: the meeting whose agenda holds it, else the first
    planned meeting of its LA whose cut-off is after the referral was accepted (agenda_build's
    rule)."""
    pending = (
        AgendaItem.objects.filter(referral=OuterRef("pk"), status=AgendaItem.Status.PENDING)
        .values("referral")
        .annotate(on=Min("meeting__date"))
        .values("on")
    )
    expected = (
        PanelMeeting.objects.filter(
            la=OuterRef("pupil__la"),
            status=PanelMeeting.Status.PLANNED,
            cutoff__gte=OuterRef("accepted_at"),
        )
        .order_by("date")
        .values("date")[:1]
    )
    return Coalesce(
        Subquery(pending, output_field=DateField()), Subquery(expected, output_field=DateField())
    )


def _due_text(referral, due):
    State = Referral.State
    if referral.state == State.SUBMITTED:
        return f"Triage (submitted {long_date(due)})"
    if referral.state == State.MORE_INFO:
        return "Waiting for the school's answer"
    return f"Panel on {long_date(due)}" if due else "Accepted: waiting for a panel meeting"


def register() -> None:
    register_events(EventSource("decision", "Panel decisions", decisions))
    register_work(
        WorkKind(
            key="referral",
            label="Referral",
            model=Referral,
            open=Q(state__in=OPEN),
            due=Case(
                When(state=Referral.State.SUBMITTED, then=TruncDate("submitted_at")),
                When(state=Referral.State.ACCEPTED, then=_next_meeting()),
                default=None,
                output_field=DateField(),
            ),
            due_text=_due_text,
            url=lambda referral: reverse("cases:referral_detail", args=[referral.pk]),
            related=("pupil", "school"),
        )
    )


def decisions(user, pupil):
    """The panel's decisions about the pupil, in the meetings the user may see."""
    from cases.casework.registry import Event
    from panels.models import Decision

    # Each through its own record's pupil index (an OR across the joined tables reads them all).
    items = AgendaItem.objects.filter(
        Q(referral__in=Referral.objects.filter(pupil=pupil).values("pk"))
        | Q(exclusion__in=Exclusion.objects.filter(pupil=pupil).values("pk"))
        | Q(placement__in=Placement.objects.filter(pupil=pupil).values("pk"))
        | Q(fair_access__in=FairAccessCase.objects.filter(pupil=pupil).values("pk"))
    ).values("pk")
    # One query: each decision marked by whether the user may see its meeting.
    seen_meeting = PanelMeeting.objects.visible_to(user).filter(pk=OuterRef("item__meeting_id"))
    rows = list(
        Decision.objects.filter(item__in=items)
        .select_related("item__meeting")
        .annotate(_seen=Exists(seen_meeting))
    )
    events = [
        Event(
            d.decided_at,
            "decision",
            f"Panel decision ({d.item.meeting.date:%-d %B %Y}): {d.get_outcome_display().lower()}",
            reverse("panels:meeting", args=[d.item.meeting_id]),
        )
        for d in rows
        if d._seen
    ]
    return events, any(not d._seen for d in rows)
