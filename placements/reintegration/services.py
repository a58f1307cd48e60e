"""Reintegration plans (school, steps, target, outcome) and the 6- and 12-week follow-ups that
check the return held. Arranging alternative provision (2025): AP is an intervention, not a
destination."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from approvision.records import Refused, lock_current, save_versioned, transition
from organisations.calendar import long_date
from organisations.models import School, User
from placements.commissioning.models import Placement
from placements.reintegration.models import FollowUp, ReintegrationPlan, ReintegrationStep


@transaction.atomic
def reintegration_plan_record(
    *,
    placement: Placement,
    by: User,
    school: School,
    target_date: date,
    steps: list[dict],
) -> ReintegrationPlan:
    """The plan to return: the school, the target date, and steps with owners and dates."""
    placement = lock_current(Placement.objects, placement.pk, None)
    if hasattr(placement, "reintegration"):
        raise Refused("This placement already has a reintegration plan")
    if placement.state not in (Placement.State.ACTIVE, Placement.State.ACCEPTED):
        raise Refused("A reintegration plan is made while the placement runs")
    if target_date < timezone.localdate():
        raise Refused("The target date cannot be in the past", field="target_date")
    if not steps:
        raise Refused("Add at least one step", field="step_1_description")
    plan = ReintegrationPlan.objects.create(
        placement=placement, school=school, target_date=target_date, created_by=by
    )
    ReintegrationStep.objects.bulk_create(ReintegrationStep(plan=plan, **step) for step in steps)
    return plan


@transaction.atomic
def reintegration_update(
    *,
    plan: ReintegrationPlan,
    by: User,
    version: int,
    status: str,
    returned_on: date | None = None,
    outcome: str = "",
) -> ReintegrationPlan:
    """Record how the plan stands (ReintegrationPlan.MOVES); a return needs the date it happened."""
    plan = lock_current(ReintegrationPlan.objects, plan.pk, version)
    if status == ReintegrationPlan.Status.RETURNED:
        if returned_on is None:
            raise Refused("Enter the date the pupil returned", field="returned_on")
        if returned_on > timezone.localdate():
            raise Refused("The return date cannot be in the future", field="returned_on")
    else:
        returned_on = None
    changes = {"returned_on": returned_on, "outcome": outcome.strip()}
    if status != plan.status:
        return transition(plan, status, by=by, reason=outcome, **changes)
    for name, value in changes.items():
        setattr(plan, name, value)
    return save_versioned(plan, *changes, by=by)


def follow_up_due(plan: ReintegrationPlan, weeks: int) -> date | None:
    """When the follow-up `weeks` after the return is due, or None before the pupil has returned."""
    return plan.returned_on + timedelta(weeks=weeks) if plan.returned_on else None


@transaction.atomic
def follow_up_record(
    *, plan: ReintegrationPlan, by: User, weeks: int, held: bool, notes: str = ""
) -> FollowUp:
    """Whether the return held, 6 and 12 weeks after the pupil went back."""
    if plan.status != ReintegrationPlan.Status.RETURNED or plan.returned_on is None:
        raise Refused("Follow-ups are recorded once the pupil has returned to school")
    due = follow_up_due(plan, weeks)
    if due > timezone.localdate():
        raise Refused(
            f"The {weeks}-week follow-up is due on {long_date(due)}",
            field="weeks",
        )
    if plan.follow_ups.filter(weeks=weeks).exists():
        raise Refused(f"The {weeks}-week follow-up has been recorded", field="weeks")
    return FollowUp.objects.create(
        plan=plan, weeks=weeks, held=held, notes=notes.strip(), recorded_by=by
    )
