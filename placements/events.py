"""The placements app's events on a pupil's timeline: placements and their ends, returns,
reviews, reintegration and its follow-ups, managed moves and directions."""

from django.urls import reverse

from cases.casework.registry import (
    Event,
    EventSource,
    HistorySection,
    register_events,
    register_history,
)
from cases.casework.timeline import seen_and_hidden, steps_of, with_steps
from placements.commissioning.models import Placement
from placements.moves.models import PupilMove
from placements.registers.models import ProviderReturn
from placements.reintegration.models import ReintegrationPlan
from placements.reviews.models import Review


def _href(placement_id):
    return reverse("placements:detail", args=[placement_id])


def placements(user, pupil):
    seen, hidden = seen_and_hidden(
        user, Placement.objects.filter(pupil=pupil).select_related("provider")
    )
    events = []
    for placement in seen:
        where = placement.provider.name
        events.append(
            Event(
                placement.start_date,
                "placement",
                f"Placement at {where} starts",
                _href(placement.pk),
            )
        )
        if placement.ended_on:
            ended = placement.get_end_reason_display() or placement.get_state_display()
            events.append(
                Event(
                    placement.ended_on,
                    "placement",
                    f"Placement at {where} ended: {ended.lower()}",
                    _href(placement.pk),
                )
            )
    return events, hidden


def returns(user, pupil):
    rows = ProviderReturn.objects.visible_to(user).filter(placement__pupil=pupil)
    events = [
        Event(
            r.period_end,
            "return",
            f"Provider's return: {r.sessions_attended} of {r.sessions_possible} sessions attended",
            _href(r.placement_id),
        )
        for r in rows
    ]
    return events, False


def reviews(user, pupil):
    rows = Review.objects.visible_to(user).filter(placement__pupil=pupil)
    events = [
        Event(
            r.held_on,
            "review",
            f"Placement review: {r.get_decision_display().lower()}",
            _href(r.placement_id),
        )
        for r in rows
    ]
    return events, False


def reintegration(user, pupil):
    fields = ["weeks", "held", "recorded_on"]
    plans = with_steps(
        ReintegrationPlan.objects.visible_to(user).filter(placement__pupil=pupil),
        "follow_ups",
        fields,
        order=["recorded_on", "pk"],
    ).select_related("school")
    events = []
    for plan in plans:
        href = _href(plan.placement_id)
        events.append(
            Event(
                plan.created_at,
                "reintegration",
                f"Reintegration plan: back to {plan.school.name}",
                href,
            )
        )
        if plan.returned_on:
            events.append(
                Event(plan.returned_on, "reintegration", f"Returned to {plan.school.name}", href)
            )
        for follow_up in steps_of(plan, fields):
            held = "held" if follow_up["held"] else "did not hold"
            events.append(
                Event(
                    follow_up["recorded_on"],
                    "reintegration",
                    f"{follow_up['weeks']}-week follow-up: the return {held}",
                    href,
                )
            )
    return events, False


def moves(user, pupil):
    seen, hidden = seen_and_hidden(
        user, PupilMove.objects.filter(pupil=pupil).select_related("from_school")
    )
    events = []
    for move in seen:
        href = reverse("placements:move_detail", args=[move.pk])
        kind = move.get_kind_display()
        events.append(Event(move.start_date, "move", f"{kind} from {move.from_school.name}", href))
        if move.outcome_on:
            outcome = move.get_outcome_display().lower()
            events.append(Event(move.outcome_on, "move", f"{kind}: {outcome}", href))
    return events, hidden


def placement_history(user, pupil_ids):
    """Each pupil's placements, for their history where decisions are made."""
    rows = {}
    mine = Placement.objects.visible_to(user).filter(pupil_id__in=pupil_ids)
    for placement in mine.select_related("provider"):
        until = (
            f" to {placement.ended_on:%-d %B %Y}"
            if placement.ended_on
            else f", planned to {placement.planned_end:%-d %B %Y}"
            if placement.planned_end
            else ""
        )
        text = (
            f"{placement.get_tier_display()} at {placement.provider.name}, "
            f"{placement.hours_per_week:g} hours a week{until} "
            f"({placement.get_state_display().lower()})"
        )
        rows.setdefault(placement.pupil_id, []).append(
            Event(placement.start_date, "", text, _href(placement.pk))
        )
    return rows


def register() -> None:
    register_history(HistorySection("placements", "Placements", placement_history, "No placements"))
    for key, label, events in [
        ("placement", "Placements", placements),
        ("return", "Provider returns", returns),
        ("review", "Reviews", reviews),
        ("reintegration", "Reintegration", reintegration),
        ("move", "Managed moves and directions", moves),
    ]:
        register_events(EventSource(key, label, events))
