"""The messages the placements app sends: an offer to the provider, its acceptance to the lead
officer, a placement ending soon, and a weekly return or a review overdue (to the provider first,
then, a week on, to the lead officer). None names the pupil."""

from datetime import date, timedelta

from django.db.models import Exists, OuterRef
from django.urls import reverse

from cases.notices.reminders import register_reminder, reminded
from cases.notices.services import notice_send
from organisations.calendar import long_date
from placements.commissioning.models import Placement
from placements.registers.models import ProviderReturn
from placements.registers.services import week_start

# Told this many calendar days before a placement's planned end.
ENDING_DAYS = 14
# A week after the provider was told, the lead officer is.
ESCALATE_DAYS = 7


def _path(placement: Placement) -> str:
    return reverse("placements:detail", args=[placement.pk])


def _lead(placement: Placement):
    return placement.lead_officer or placement.pupil.la


def placement_offered(placement: Placement) -> None:
    if placement.state != Placement.State.OFFERED:
        return  # a school's own placement, recorded as running: nothing to answer
    notice_send(
        kind="placement_offered",
        to=[placement.provider],
        la=placement.pupil.la,
        subject=f"A placement is offered to {placement.provider.name}",
        body=(
            f"{placement.pupil.la.name} offers {placement.provider.name} a placement "
            f"(placement {placement.pk}) of {placement.hours_per_week:g} hours a week from "
            f"{long_date(placement.start_date)}. Sign in to accept it, with the sessions, or "
            "to decline it."
        ),
        path=_path(placement),
        pupil=placement.pupil,
        about=placement,
    )


def placement_accepted(placement: Placement) -> None:
    notice_send(
        kind="placement_accepted",
        to=[_lead(placement)],
        la=placement.pupil.la,
        subject=f"{placement.provider.name} accepted placement {placement.pk}",
        body=(
            f"{placement.provider.name} accepted placement {placement.pk}, starting on "
            f"{long_date(placement.start_date)}."
        ),
        path=_path(placement),
        pupil=placement.pupil,
        about=placement,
    )


def placements_ending(today: date) -> int:
    """The provider, the school and the lead officer are told two weeks before the planned end."""
    ending = (
        Placement.objects.filter(
            state__in=Placement.LIVE_STATES,
            planned_end__gte=today,
            planned_end__lte=today + timedelta(days=ENDING_DAYS),
        )
        .select_related("pupil__la", "provider", "school", "lead_officer")
        .order_by("planned_end", "pk")
    )
    sent = 0
    for placement in ending:
        occasion = f"ending {placement.planned_end:%Y-%m-%d}"
        if reminded("placement_ending", placement, occasion):
            continue
        notice_send(
            kind="placement_ending",
            to=[placement.provider, placement.school, _lead(placement)],
            la=placement.pupil.la,
            subject=f"Placement {placement.pk} ends on {long_date(placement.planned_end)}",
            body=(
                f"Placement {placement.pk} at {placement.provider.name} is planned to end on "
                f"{long_date(placement.planned_end)}. Check the reintegration plan, or that the "
                "placement is extended or ended on time."
            ),
            path=_path(placement),
            pupil=placement.pupil,
            about=placement,
            occasion=occasion,
        )
        sent += 1
    return sent


def _no_return(monday: date):
    """Active placements, running by that week, with no return covering it."""
    return (
        Placement.objects.filter(state=Placement.State.ACTIVE, start_date__lte=monday)
        .filter(
            ~Exists(
                ProviderReturn.objects.filter(
                    placement=OuterRef("pk"),
                    period_start__lte=monday + timedelta(days=4),
                    period_end__gte=monday,
                )
            )
        )
        .select_related("pupil__la", "provider", "lead_officer")
        .order_by("pk")
    )


def returns_overdue(today: date) -> int:
    """Last week's return missing: the provider is told. The week before's still missing: the
    lead officer is."""
    last_week = week_start(today) - timedelta(days=7)
    sent = 0
    for monday, stage in ((last_week, "provider"), (last_week - timedelta(days=7), "lead")):
        for placement in _no_return(monday):
            occasion = f"return {monday:%Y-%m-%d} {stage}"
            if reminded("return_overdue", placement, occasion):
                continue
            week = f"the week beginning {long_date(monday)}"
            if stage == "provider":
                to = [placement.provider]
                words = (
                    f"{placement.provider.name} has not sent the attendance return for {week} "
                    f"for placement {placement.pk}. Sign in to send it."
                )
            else:
                to = [_lead(placement)]
                words = (
                    f"{placement.provider.name} still has not sent the attendance return for "
                    f"{week} for placement {placement.pk}, a week after being reminded."
                )
            notice_send(
                kind="return_overdue",
                to=to,
                la=placement.pupil.la,
                subject=f"Attendance return overdue: placement {placement.pk}, {week}",
                body=words,
                path=_path(placement),
                pupil=placement.pupil,
                about=placement,
                occasion=occasion,
            )
            sent += 1
    return sent


def reviews_overdue(today: date) -> int:
    """A review past its date: the provider is told; a week later, the lead officer."""
    late = (
        Placement.objects.filter(state__in=Placement.LIVE_STATES, next_review_due__lt=today)
        .select_related("pupil__la", "provider", "lead_officer")
        .order_by("pk")
    )
    sent = 0
    for placement in late:
        due = placement.next_review_due
        stage = "lead" if due <= today - timedelta(days=ESCALATE_DAYS) else "provider"
        occasion = f"review {due:%Y-%m-%d} {stage}"
        if reminded("return_overdue", placement, occasion):
            continue
        notice_send(
            kind="return_overdue",
            to=[placement.provider] if stage == "provider" else [_lead(placement)],
            la=placement.pupil.la,
            subject=f"Review overdue: placement {placement.pk}, due {long_date(due)}",
            body=(
                f"The review of placement {placement.pk} at {placement.provider.name} was due on "
                f"{long_date(due)} and has not been recorded."
                + (" The provider was told a week ago." if stage == "lead" else "")
            ),
            path=_path(placement),
            pupil=placement.pupil,
            about=placement,
            occasion=occasion,
        )
        sent += 1
    return sent


def register() -> None:
    register_reminder("placements_ending", placements_ending)
    register_reminder("returns_overdue", returns_overdue)
    register_reminder("reviews_overdue", reviews_overdue)
