"""The alerts on the home pages and the placement list: one rule for each, for counts and lists."""

from datetime import date, timedelta

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from organisations.calendar import long_date
from placements.commissioning.models import Placement
from placements.registers.models import (
    ProviderReturn,
)
from placements.registers.services import week_start
from providers.models import LAPSING_DAYS, DueDiligence


def alert_conditions(today: date) -> dict[str, Q]:
    """Which live placements each placement alert is about: one rule for the counts on the home
    pages and for the list filtered by an alert."""
    last_week = week_start(today) - timedelta(days=7)
    returned_last_week = ProviderReturn.objects.filter(
        placement=OuterRef("pk"),
        period_start__lte=last_week + timedelta(days=4),
        period_end__gte=last_week,
    )
    return {
        "past_end": Q(part_time=False, planned_end__lt=today),
        "part_time_past_end": Q(part_time=True, planned_end__lt=today),
        "review_overdue": Q(next_review_due__lt=today),
        "no_return": Q(state=Placement.State.ACTIVE, start_date__lte=last_week)
        & ~Exists(returned_last_week),
    }


def alerts(placements, moves=None, providers=None, today: date | None = None) -> list[dict]:
    """What needs someone's attention, from querysets already scoped to the user."""
    today = today or timezone.localdate()
    live = placements.filter(state__in=Placement.LIVE_STATES)
    last_week = week_start(today) - timedelta(days=7)
    # One query for the four placement alerts.
    counts = live.aggregate(
        **{key: Count("pk", filter=condition) for key, condition in alert_conditions(today).items()}
    )
    found = [
        {"key": "past_end", "text": "Placements past their planned end"},
        {"key": "part_time_past_end", "text": "Part-time timetables past their end date"},
        {"key": "review_overdue", "text": "Reviews overdue"},
        {"key": "no_return", "text": f"No return for the week beginning {long_date(last_week)}"},
    ]
    for item in found:
        item["count"] = counts[item["key"]]
    if moves is not None:
        found.append(
            {
                "key": "move_review_overdue",
                "text": "Managed moves and off-site directions due a review",
                "count": moves.filter(outcome="", next_review_due__lt=today).count(),
            }
        )
    if providers is not None:
        window = today + timedelta(days=LAPSING_DAYS)
        # Renewed already: a later item of the same kind outlasts the window.
        renewed = DueDiligence.objects.filter(
            profile=OuterRef("profile"), kind=OuterRef("kind"), expires_on__gt=window
        )
        lapsing = DueDiligence.objects.filter(
            profile__provider__in=providers, expires_on__gte=today, expires_on__lte=window
        ).exclude(Exists(renewed))
        found.append(
            {
                "key": "due_diligence_lapsing",
                "text": "Provider checks lapsing within 30 days",
                "count": lapsing.values("profile_id", "kind").distinct().count(),
            }
        )
    return found
