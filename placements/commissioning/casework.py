"""A placement as open work on an officer's caseload: the provider's answer, the next review, or
the planned end, whichever comes first."""

from django.db.models import Case, F, Q, When
from django.db.models.functions import Least
from django.urls import reverse

from cases.casework.registry import WorkKind, register_work
from organisations.calendar import long_date
from placements.commissioning.models import Placement


def _due_text(placement, due):
    if placement.state == Placement.State.OFFERED:
        return f"The provider's answer (starts {long_date(placement.start_date)})"
    if due is None:
        return "Nothing dated"
    if placement.next_review_due == due:
        return f"Review by {long_date(due)}"
    return f"Ends {long_date(due)}"


def register() -> None:
    register_work(
        WorkKind(
            key="placement",
            label="Placement",
            model=Placement,
            open=Q(state__in=Placement.LIVE_STATES),
            due=Case(
                When(state=Placement.State.OFFERED, then=F("start_date")),
                default=Least("next_review_due", "planned_end"),
            ),
            due_text=_due_text,
            url=lambda placement: reverse("placements:detail", args=[placement.pk]),
            related=("pupil", "provider"),
        )
    )
