"""The panel's decisions on its items, and the actions it gives people."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from approvision.records import Refused, lock_current, transition
from cases.casework.access import lead_candidates
from cases.casework.models import Task
from cases.casework.services import task_add
from cases.referrals.models import Referral
from cases.referrals.services import referral_move
from organisations.models import User
from panels.access import refuse_unless_runs_meeting
from panels.models import (
    Action,
    AgendaItem,
    Decision,
    PanelMeeting,
)
from panels.notifications import decision_told
from placements.commissioning.details import reason_from_referral
from placements.commissioning.models import Placement
from placements.commissioning.services import placement_offer


@transaction.atomic
def decision_record(
    *,
    item: AgendaItem,
    by: User,
    version: int,
    outcome: str,
    reason: str,
    provider=None,
    tier: str = "",
    start_date: date | None = None,
    hours_per_week: Decimal | None = None,
    outcomes_sought: str = "",
    first_review_date: date | None = None,
    planned_end: date | None = None,
    capacity_override_reason: str = "",
) -> Decision:
    """Record the panel's decision on an item; the referrer and any provider are told. An approved
    placement is offered to the provider at once (placements.services checks its due diligence,
    capacity and the pupil's hours)."""
    locked = lock_current(
        AgendaItem.objects.select_related(
            "meeting", "referral__referrer", "referral__pupil", "exclusion"
        ),
        item.pk,
        version,
    )
    meeting = locked.meeting
    refuse_unless_runs_meeting(by, meeting)
    if not meeting.deciding:
        raise Refused("Decisions are recorded while the meeting runs")
    if locked.status == AgendaItem.Status.DECIDED:
        raise Refused("This item has been decided")
    Outcome = Decision.Outcome
    # Every missing or wrong answer at once: the chair should not find them one per submit.
    errors = {}
    if not reason.strip():
        errors["reason"] = "Give the reason for the decision"
    if outcome == Outcome.APPROVE:
        if locked.referral is None:
            errors["outcome"] = "Only a referral can be approved for a placement"
        needed = [
            (provider, "provider", "Select the provider"),
            (tier, "tier", "Select the tier of the placement"),
            (start_date, "start_date", "Enter the start date"),
            (hours_per_week, "hours_per_week", "Enter the hours a week"),
            (first_review_date, "first_review_date", "Enter the first review date"),
        ]
        errors |= {field: message for value, field, message in needed if not value}
        if start_date and start_date < timezone.localdate():
            errors["start_date"] = "The start date cannot be in the past"
        if start_date and first_review_date and first_review_date <= start_date:
            errors["first_review_date"] = "The first review must be after the start"
    if errors:
        raise Refused.all_of(errors)
    decision = Decision.objects.create(
        item=locked,
        outcome=outcome,
        reason=reason.strip(),
        provider=provider if outcome == Outcome.APPROVE else None,
        tier=tier if outcome == Outcome.APPROVE else "",
        start_date=start_date if outcome == Outcome.APPROVE else None,
        hours_per_week=hours_per_week if outcome == Outcome.APPROVE else None,
        outcomes_sought=outcomes_sought if outcome == Outcome.APPROVE else "",
        first_review_date=first_review_date if outcome == Outcome.APPROVE else None,
        planned_end=planned_end if outcome == Outcome.APPROVE else None,
        capacity_override_reason=capacity_override_reason if outcome == Outcome.APPROVE else "",
        decided_by=by,
    )
    if outcome == Outcome.APPROVE:
        decision.placement = placement_offer(
            pupil=locked.referral.pupil,
            provider=provider,
            by=by,
            source=Placement.Source.PANEL,
            tier=tier,
            start_date=start_date,
            planned_end=planned_end,
            hours_per_week=hours_per_week,
            funding=Placement.Funding.HIGH_NEEDS,
            referral=locked.referral,
            reason=reason_from_referral(locked.referral),
            outcomes_sought=outcomes_sought,
            first_review_date=first_review_date,
            capacity_override_reason=capacity_override_reason,
        )
        decision.save(update_fields=["placement"])
    transition(locked, AgendaItem.Status.DECIDED, by=by, reason=decision.get_outcome_display())
    referral = locked.referral
    if referral is not None and outcome != Outcome.DEFER:
        referral = lock_current(Referral.objects, referral.pk, None)
        referral.outcome = _outcome_words(decision)
        to = Referral.State.MORE_INFO if outcome == Outcome.MORE_INFO else Referral.State.DECIDED
        referral_move(referral, to, by=by, message=referral.outcome)
    decision_told(decision)
    return decision


def _outcome_words(decision: Decision) -> str:
    if decision.outcome == Decision.Outcome.APPROVE:
        return (
            f"Placement approved with {decision.provider} ({decision.get_tier_display().lower()}), "
            f"from {decision.start_date:%-d %B %Y}, {decision.hours_per_week} hours a week; first "
            f"review by {decision.first_review_date:%-d %B %Y}. {decision.reason}"
        )
    return f"{decision.get_outcome_display()}: {decision.reason}"


def action_owners(meeting: PanelMeeting, item: AgendaItem | None) -> list[tuple[str, str, object]]:
    """Who the panel may give an action to: its members and the LA's officers by name, the
    referring school and the provider (each as an organisation: whoever works there sees it).
    Each as (key for a form, words, the owner)."""
    people = {m.user.pk: m.user for m in meeting.members.select_related("user")}
    people |= {officer.pk: officer for officer in lead_candidates(meeting.la_id)}
    owners = [
        (f"user:{user.pk}", user.display_name, user)
        for user in sorted(people.values(), key=lambda u: u.display_name)
    ]
    if item is not None:
        school = next(
            (p.school for p in (item.referral, item.exclusion, item.placement) if p is not None),
            None,
        )
        if school is not None:
            owners.append((f"school:{school.pk}", f"{school.name} (the school)", school))
        provider = (item.decision.provider if hasattr(item, "decision") else None) or (
            item.placement.provider if item.placement_id else None
        )
        if provider is not None:
            owners.append((f"provider:{provider.pk}", f"{provider.name} (the provider)", provider))
    return owners


@transaction.atomic
def action_add(
    *,
    meeting: PanelMeeting,
    by: User,
    description: str,
    owner,
    due_on: date,
    item: AgendaItem | None = None,
) -> Action:
    """Give a person, the school or the provider an action with a due date, while the minutes
    are open: it is their task, on their home page until it is marked done."""
    refuse_unless_runs_meeting(by, meeting)
    if meeting.locked:
        raise Refused("The minutes are approved: add a later amendment instead")
    if due_on < meeting.date:
        raise Refused("The due date cannot be before the meeting", field="due_on")
    task = task_add(
        la=meeting.la,
        title=description,
        due_on=due_on,
        owner=owner,
        source=Task.Source.PANEL,
        by=by,
        pupil=item.pupil if item is not None else None,
        about=item,
    )
    return Action.objects.create(meeting=meeting, item=item, task=task)
