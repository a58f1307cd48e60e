"""A Fair Access case as open work on an officer's caseload."""

from django.db.models import F, Q
from django.urls import reverse

from cases.casework.registry import WorkKind, register_work
from cases.fair_access.models import FairAccessCase
from organisations.calendar import long_date


def _due_text(case, due):
    if due is None:
        return "Agree the case at the Fair Access panel"
    return f"A school place by {long_date(due)}"


def register() -> None:
    register_work(
        WorkKind(
            key="fair_access",
            label="Fair Access case",
            model=FairAccessCase,
            open=Q(state__in=FairAccessCase.OPEN_STATES),
            due=F("allocation_due"),
            due_text=_due_text,
            url=lambda case: reverse("cases:fair_access_detail", args=[case.pk]),
        )
    )
