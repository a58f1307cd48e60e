"""The demo LA's placements and moves.

The panel's demo (panels/demo.py) makes the placements its past decisions approved, each with the
history it would have by now (`from_decision`). This loader, which runs before it, adds what does
not come from the panel: AP a school commissioned itself and told the LA about, and managed moves
and off-site directions. Deterministic; loaded once.
"""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from approvision.records import transition
from cases.pupils.models import Enrolment, Pupil
from demo.cases import NAMED_PUPILS
from demo.organisations import DemoContext
from organisations.calendar import school_year_of
from placements.commissioning.details import reason_from_referral
from placements.commissioning.models import ALL_SESSIONS, Placement, PlacementReason
from placements.commissioning.services import caseload_grant, caseload_revoke_if_done
from placements.moves.models import PupilMove
from placements.registers.models import AttendanceMark, ProviderReturn
from placements.registers.services import week_start
from placements.reintegration.models import FollowUp, ReintegrationPlan, ReintegrationStep
from placements.reviews.models import Review

PROGRESS = [
    "Settling well; attends every morning; working on reading with a key adult.",
    "Good progress in maths; two incidents this period, both resolved with the key worker.",
    "Attendance improving; joined the small-group English class; building trust with staff.",
    "Engaged in vocational sessions; needs support at unstructured times.",
]
VOICES = [
    "Says it is calmer here and the staff listen.",
    "Likes the smaller groups; misses friends from school.",
    "Wants to go back to school after Easter.",
]
PARENT_VOICES = [
    "Mum reports fewer arguments at home and better sleep.",
    "Dad is pleased with the progress and wants a plan back to school.",
]


def _weeks(first: date, last: date):
    monday = week_start(first)
    while monday + timedelta(days=4) <= last:
        yield monday
        monday += timedelta(days=7)


def _returns(rng, placement, first: date, last: date, by, skip: date | None = None) -> list[date]:
    """Weekly returns for each whole week from first to last (but `skip`); the weeks."""
    weeks = list(_weeks(first, last))
    threshold = placement.pupil.la.attendance_threshold
    for monday in weeks:
        if monday == skip:
            continue
        possible = len(placement.sessions)
        attended = max(0, possible - rng.choice([0, 0, 0, 1, 2, 4]))
        ProviderReturn.objects.create(
            placement=placement,
            period=ProviderReturn.Period.WEEK,
            period_start=monday,
            period_end=monday + timedelta(days=4),
            sessions_possible=possible,
            sessions_attended=attended,
            below_threshold_reason=""
            if 100 * attended / possible >= threshold
            else rng.choice(["Unwell for two days", "Family bereavement", "Refused to come in"]),
            progress=rng.choice(PROGRESS),
            pupil_voice=rng.choice(VOICES),
            submitted_by=by,
            submitted_at=timezone.make_aware(datetime.combine(monday + timedelta(days=5), time(9))),
        )
    return weeks


def from_decision(rng: random.Random, decision, *, pupil: Pupil, school, referral, by, today):
    """The placement an approved decision made, with what has happened since: accepted, weekly
    returns, half-termly reviews; the oldest reintegrated and followed up."""
    start = decision.start_date
    hours = decision.hours_per_week
    full_time = pupil.la.full_time_hours
    planned_end = decision.planned_end or start + timedelta(weeks=rng.choice([12, 18, 24]))
    state = Placement.State.OFFERED if start > today else Placement.State.ACTIVE
    placement = Placement.objects.create(
        pupil=pupil,
        provider=decision.provider,
        school=school,
        referral=referral,
        source=Placement.Source.PANEL,
        tier=decision.tier,
        start_date=start,
        planned_end=planned_end,
        hours_per_week=hours,
        sessions=ALL_SESSIONS if hours >= full_time else ALL_SESSIONS[: int(hours // 3) + 1],
        part_time=hours < full_time,
        weekly_cost=getattr(getattr(decision.provider, "profile", None), "price_per_week", None),
        funding=Placement.Funding.HIGH_NEEDS,
        reason=reason_from_referral(referral)
        or (
            PlacementReason.MENTAL_HEALTH
            if referral.reason == referral.Reason.HEALTH
            else PlacementReason.BEHAVIOUR
        ),
        outcomes_sought=decision.outcomes_sought,
        next_review_due=decision.first_review_date,
        state=state,
        offered_by=by,
        offered_at=decision.decided_at,
    )
    decision.placement = placement
    decision.save(update_fields=["placement"])
    caseload_grant(placement)
    if state == Placement.State.OFFERED:
        return placement
    placement.answered_by = by
    placement.answered_at = decision.decided_at + timedelta(days=2)
    staff = decision.provider.members.filter(user__is_active=True).first()
    provider_user = staff.user if staff else by
    # Weekly returns up to last week; a register for the latest week.
    last_week = week_start(today) - timedelta(days=7)
    ended_on = None
    if planned_end < today - timedelta(weeks=1):
        ended_on = planned_end
    returns_until = min(last_week + timedelta(days=4), ended_on or today)
    skip_last = rng.random() < 0.25  # some providers are late with a return
    weeks = _returns(
        rng, placement, start, returns_until, provider_user, skip=last_week if skip_last else None
    )
    if weeks and weeks[-1] == last_week:
        AttendanceMark.objects.bulk_create(
            AttendanceMark(
                placement=placement,
                day=last_week + timedelta(days=["mon", "tue", "wed", "thu", "fri"].index(s[:3])),
                session=s[4:],
                code=rng.choice(["/", "/", "/", "/", "L", "I"]),
                recorded_by=provider_user,
            )
            for s in placement.sessions
        )
    # Reviews at the interval; the last one's decision depends on how far along it is.
    interval = timedelta(weeks=pupil.la.review_interval_weeks)
    review_day = decision.first_review_date
    overdue = rng.random() < 0.2
    reviews = []
    while review_day and review_day <= min(today, ended_on or today):
        if overdue and review_day + interval > today:
            break  # this one's latest review has not been held: it is overdue
        reviews.append(review_day)
        review_day += interval
    for number, held_on in enumerate(reviews):
        last = number == len(reviews) - 1
        decision_words = Review.Decision.CONTINUE
        if last and ended_on:
            decision_words = Review.Decision.REINTEGRATE
        Review.objects.create(
            placement=placement,
            held_on=held_on,
            attendance_percent=Decimal(rng.randint(70, 98)),
            progress=rng.choice(PROGRESS),
            pupil_voice=rng.choice(VOICES),
            parent_voice=rng.choice(PARENT_VOICES),
            decision=decision_words,
            next_review_due=held_on + interval,
            held_by=provider_user,
        )
    placement.next_review_due = (reviews[-1] + interval) if reviews else decision.first_review_date
    if ended_on:
        plan = ReintegrationPlan.objects.create(
            placement=placement,
            school=school,
            target_date=ended_on,
            status=ReintegrationPlan.Status.RETURNED,
            returned_on=ended_on + timedelta(days=1),
            outcome="Back on a full timetable with a key adult for the first half-term.",
            created_by=provider_user,
        )
        ReintegrationStep.objects.bulk_create(
            [
                ReintegrationStep(
                    plan=plan,
                    description="Visit the school with the key worker",
                    owner="PRU key worker",
                    due_on=ended_on - timedelta(days=14),
                    done_on=ended_on - timedelta(days=14),
                ),
                ReintegrationStep(
                    plan=plan,
                    description="Two mornings a week at school, building up",
                    owner="Head of year",
                    due_on=ended_on - timedelta(days=7),
                    done_on=ended_on - timedelta(days=7),
                ),
            ]
        )
        for weeks_after in (6, 12):
            if plan.returned_on + timedelta(weeks=weeks_after) <= today:
                FollowUp.objects.create(
                    plan=plan,
                    weeks=weeks_after,
                    held=rng.random() < 0.75,
                    notes="Checked with the head of year.",
                    recorded_by=by,
                    recorded_on=plan.returned_on + timedelta(weeks=weeks_after),
                )
        # Back-dated, so past the service's "not in the future" checks: the move itself still
        # goes through the one transition().
        transition(
            placement,
            Placement.State.ENDED,
            by=by,
            ended_on=ended_on,
            end_reason=Placement.EndReason.REINTEGRATED,
            next_review_due=None,
        )
    else:
        placement.save()
    if ended_on:
        caseload_revoke_if_done(placement, today)
    return placement


@transaction.atomic
def load(context: DemoContext, *, var_dir: Path) -> None:
    if PupilMove.objects.exists() or Placement.objects.filter(source="school").exists():
        return
    today = timezone.localdate()
    la = context.las["929"]
    senco = context.users["senco"]
    officer = context.users["officer"]
    harbridge = context.schools["Harbridge Academy"]
    on_roll = list(
        Enrolment.objects.filter(school=harbridge, left_on__isnull=True)
        # Not the named pupils whose stories the other demos and journeys tell.
        .exclude(pupil__legal_last_name__in=NAMED_PUPILS)
        .exclude(pupil__referrals__isnull=False)
        .select_related("pupil")
        .order_by("pk")[:6]
    )
    if len(on_roll) < 4:
        return
    tuition = context.providers["Oakhurst Home Tuition Service"]
    online = context.providers["Bright Futures Online Learning"]
    # AP the academy commissioned itself: a part-time timetable with a tuition provider.
    school_start = today - timedelta(weeks=4)
    told = Placement.objects.create(
        pupil=on_roll[0].pupil,
        provider=tuition,
        school=harbridge,
        source=Placement.Source.SCHOOL,
        tier=Placement.Tier.TIER_1,
        start_date=school_start,
        planned_end=school_start + timedelta(weeks=8),
        hours_per_week=Decimal("6"),
        sessions=["tue_am", "thu_am"],
        part_time=True,
        weekly_cost=Decimal("180"),
        funding=Placement.Funding.SCHOOL,
        reason=PlacementReason.MENTAL_HEALTH,
        outcomes_sought="Catch up on English and maths after a long absence.",
        next_review_due=school_start + timedelta(weeks=6),
        state=Placement.State.ACTIVE,
        offered_by=senco,
        answered_by=senco,
        answered_at=timezone.now() - timedelta(weeks=4),
    )
    caseload_grant(told)
    _returns(random.Random(7929), told, school_start, week_start(today) - timedelta(days=3), senco)
    # A part-time timetable past its end date (an alert for the officer).
    late_start = today - timedelta(weeks=10)
    late = Placement.objects.create(
        pupil=on_roll[1].pupil,
        provider=online,
        school=harbridge,
        source=Placement.Source.SCHOOL,
        tier=Placement.Tier.TIER_1,
        start_date=late_start,
        planned_end=today - timedelta(days=5),
        hours_per_week=Decimal("10"),
        sessions=["mon_pm", "wed_pm", "fri_pm"],
        part_time=True,
        weekly_cost=Decimal("420"),
        funding=Placement.Funding.DEVOLVED,
        reason=PlacementReason.BEHAVIOUR,
        next_review_due=late_start + timedelta(weeks=6),
        state=Placement.State.ACTIVE,
        offered_by=senco,
    )
    caseload_grant(late)
    # A managed move under way, and an off-site direction due its 30-day review.
    kestrel = context.schools.get("Kestrel Academy") or next(
        s for n, s in context.schools.items() if s.la_id == la.pk and s.pk != harbridge.pk
    )
    PupilMove.objects.create(
        kind=PupilMove.Kind.MANAGED_MOVE,
        pupil=on_roll[2].pupil,
        from_school=harbridge,
        to_school=kestrel,
        start_date=today - timedelta(weeks=3),
        home_school_consent_on=today - timedelta(weeks=5),
        receiving_school_consent_on=today - timedelta(weeks=4),
        parent_consent_on=today - timedelta(weeks=4),
        next_review_due=today + timedelta(weeks=3),
        recorded_by=senco,
    )
    PupilMove.objects.create(
        kind=PupilMove.Kind.OFF_SITE_DIRECTION,
        pupil=on_roll[3].pupil,
        from_school=harbridge,
        to_provider=context.providers["Wexley Vocational Skills Centre"],
        start_date=today - timedelta(days=35),
        notice_given_on=today - timedelta(days=42),
        next_review_due=today - timedelta(days=5),
        recorded_by=officer,
    )
    _last_year(context, on_roll[4].pupil, harbridge, today)
    if len(on_roll) > 5:
        _at_the_pru(context, on_roll[5].pupil, harbridge, today)


def _at_the_pru(context: DemoContext, pupil: Pupil, school, today: date) -> None:
    """A placement the LA arranged at the PRU five weeks ago: the PRU head's caseload."""
    provider = context.providers["The Harbridge Centre (secondary PRU)"]
    officer = context.users["officer"]
    start = week_start(today) - timedelta(weeks=5)
    placement = Placement.objects.create(
        pupil=pupil,
        provider=provider,
        school=school,
        source=Placement.Source.LA,
        tier=Placement.Tier.TIER_2,
        start_date=start,
        planned_end=start + timedelta(weeks=12),
        hours_per_week=Decimal("25"),
        sessions=ALL_SESSIONS[:8],
        part_time=True,
        funding=Placement.Funding.HIGH_NEEDS,
        outcomes_sought="Attendance above 90%; manage conflict with peers; a plan back by week 10.",
        next_review_due=start + timedelta(weeks=6),
        state=Placement.State.ACTIVE,
        offered_by=officer,
    )
    # Its reason left unrecorded: the AP census page lists it to put right before the return.
    placement.sites.set(provider.sites.filter(name="Key Stage 4 annexe"))
    caseload_grant(placement)
    staff = context.users["provider"]
    _returns(random.Random(8929), placement, start, week_start(today) - timedelta(days=3), staff)


def _last_year(context: DemoContext, pupil: Pupil, school, today: date) -> None:
    """A placement from last school year: reintegrated, and followed up at 6 and 12 weeks."""
    year = school_year_of(today)
    start, end = date(year, 2, 23), date(year, 5, 22)
    provider = context.providers["The Harbridge Centre (secondary PRU)"]
    officer = context.users["officer"]
    placement = Placement.objects.create(
        pupil=pupil,
        provider=provider,
        school=school,
        source=Placement.Source.LA,
        tier=Placement.Tier.TIER_2,
        start_date=start,
        planned_end=end,
        ended_on=end,
        end_reason=Placement.EndReason.REINTEGRATED,
        hours_per_week=Decimal("32.5"),
        sessions=ALL_SESSIONS,
        funding=Placement.Funding.HIGH_NEEDS,
        reason=PlacementReason.BEHAVIOUR,
        outcomes_sought="Re-engage with learning; attendance above 90%; return by the summer.",
        state=Placement.State.ENDED,
        offered_by=officer,
    )
    Review.objects.create(
        placement=placement,
        held_on=date(year, 4, 20),
        attendance_percent=Decimal("93"),
        progress=PROGRESS[2],
        pupil_voice=VOICES[2],
        parent_voice=PARENT_VOICES[1],
        decision=Review.Decision.REINTEGRATE,
        held_by=officer,
    )
    plan = ReintegrationPlan.objects.create(
        placement=placement,
        school=school,
        target_date=end,
        status=ReintegrationPlan.Status.RETURNED,
        returned_on=end + timedelta(days=3),
        outcome="Returned full time with a key adult.",
        created_by=officer,
    )
    ReintegrationStep.objects.create(
        plan=plan,
        description="Phased return: mornings for two weeks",
        owner="Head of Year 9",
        due_on=end - timedelta(days=10),
        done_on=end - timedelta(days=10),
    )
    for weeks, held in ((6, True), (12, False)):
        FollowUp.objects.create(
            plan=plan,
            weeks=weeks,
            held=held,
            notes="Held well" if held else "Suspended twice in September; back to panel.",
            recorded_by=officer,
            recorded_on=plan.returned_on + timedelta(weeks=weeks),
        )
    placement.access_revoked = True
    placement.save(update_fields=["access_revoked"])
