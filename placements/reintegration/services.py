"""Reintegration plans (school, steps, target, outcome) and the 6- and 12-week follow-ups that
check the return held. Arranging alternative provision (2025): AP is an intervention, not a
destination."""

from datetime import date, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from approvision.records import Refused, lock_current, save_versioned, transition
from cases.casework.models import Task
from cases.casework.services import task_add, task_finish
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
        plan = transition(plan, status, by=by, reason=outcome, **changes)
    else:
        for name, value in changes.items():
            setattr(plan, name, value)
        plan = save_versioned(plan, *changes, by=by)
    if plan.status == ReintegrationPlan.Status.RETURNED:
        _follow_up_tasks(plan, by=by)
    return plan


FOLLOW_UP_WEEKS = (6, 12)


def _follow_up_tasks(plan: ReintegrationPlan, *, by: User) -> None:
    """The 6- and 12-week follow-ups become tasks of the placement's lead officer (the LA's
    officers as a team if nobody leads it), due on their dates; moved if the return date is."""
    about = ContentType.objects.get_for_model(ReintegrationPlan)
    made = list(
        Task.objects.filter(source=Task.Source.FOLLOW_UP, about_type=about, about_id=plan.pk)
        .order_by("due_on", "pk")
        .select_for_update()
    )
    if made:
        for task, weeks in zip(made, FOLLOW_UP_WEEKS, strict=False):
            due = follow_up_due(plan, weeks)
            if task.state == Task.State.OPEN and task.due_on != due:
                task.due_on = due
                save_versioned(task, "due_on", by=by, reason="The return date was corrected")
        return
    placement = Placement.objects.select_related("pupil__la", "lead_officer").get(
        pk=plan.placement_id
    )
    pupil = placement.pupil
    for weeks in FOLLOW_UP_WEEKS:
        task_add(
            la=pupil.la,
            title=f"{weeks}-week follow-up: has {pupil.name}'s return to {plan.school} held?",
            due_on=follow_up_due(plan, weeks),
            owner=placement.lead_officer or pupil.la,
            source=Task.Source.FOLLOW_UP,
            by=by,
            pupil=pupil,
            about=plan,
        )


def follow_up_due(plan: ReintegrationPlan, weeks: int) -> date | None:
    """When the follow-up `weeks` after the return is due, or None before the pupil has returned."""
    return plan.returned_on + timedelta(weeks=weeks) if plan.returned_on else None


@transaction.atomic
def follow_up_record(
    *,
    plan: ReintegrationPlan,
    by: User,
    weeks: int,
    held: bool,
    notes: str = "",
    early_reason: str = "",
) -> FollowUp:
    """Whether the return held, 6 and 12 weeks after the pupil went back. Before its date only
    with the reason (a school reporting early), kept with the notes."""
    if plan.status != ReintegrationPlan.Status.RETURNED or plan.returned_on is None:
        raise Refused("Follow-ups are recorded once the pupil has returned to school")
    due = follow_up_due(plan, weeks)
    notes = notes.strip()
    if due > timezone.localdate():
        if not early_reason.strip():
            raise Refused(
                f"The {weeks}-week follow-up is due on {long_date(due)}: to record it now, "
                "say why it is early",
                field="early_reason",
            )
        recorded_early = f"Recorded before it was due ({long_date(due)}): {early_reason.strip()}"
        notes = f"{notes}\n{recorded_early}" if notes else recorded_early
    if plan.follow_ups.filter(weeks=weeks).exists():
        raise Refused(f"The {weeks}-week follow-up has been recorded", field="weeks")
    follow_up = FollowUp.objects.create(
        plan=plan, weeks=weeks, held=held, notes=notes, recorded_by=by
    )
    # Its task is done by the same person, at the same moment.
    about = ContentType.objects.get_for_model(ReintegrationPlan)
    for task in Task.objects.open().filter(
        source=Task.Source.FOLLOW_UP, about_type=about, about_id=plan.pk, due_on=due
    ):
        task_finish(task=task, by=by)
    return follow_up


@transaction.atomic
def step_done(*, step: ReintegrationStep, by: User, on: date) -> ReintegrationStep:
    """Tick a step of the plan off, on the day it was done (not in the future); ticking it again
    is refused, so who ticked it first stands."""
    locked = ReintegrationStep.objects.select_for_update().select_related("plan").get(pk=step.pk)
    if locked.done_on is not None:
        raise Refused(f"This step was done on {long_date(locked.done_on)}")
    if on > timezone.localdate():
        raise Refused("The date cannot be in the future", field="done_on")
    if on < locked.plan.created_at.date():
        raise Refused("The date cannot be before the plan was made", field="done_on")
    locked.done_on = on
    locked.save(update_fields=["done_on"])
    return locked
