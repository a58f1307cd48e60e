"""The generated LA's casework: weekly panels and their decisions, placements with their
returns, reviews and reintegration, next week's panel, and Fair Access cases."""

from datetime import date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal

from django.utils import timezone
from guardian.shortcuts import assign_perm
from stdnum.gb import upn as stdnum_upn

from cases.casework.registry import WORK_KINDS
from cases.fair_access.models import FairAccessAllocation, FairAccessCase
from cases.pupils.models import Enrolment, Pupil
from cases.referrals.models import Referral
from demo.names import BATCH, FIRST, LAST
from panels.models import AgendaItem, Decision, PanelMeeting
from panels.services.agenda import agenda_build
from placements.commissioning.models import ALL_SESSIONS, Placement
from placements.commissioning.services import caseload_group
from placements.registers.models import ProviderReturn
from placements.reintegration.models import FollowUp, ReintegrationPlan
from placements.reviews.models import Review


class Casework:
    """Mixed into LargeLA: uses its rng, today, la, schools, roll, officer and providers."""

    def _panels_and_placements(self) -> None:
        rng, officer, today = self.rng, self.officer, self.today
        secondary = [s for s in self.schools if s.phase == "secondary"]
        referrals, decisions = [], []
        meetings = []
        for year in self.years:
            day = date(year, 9, 10)
            while day < min(date(year + 1, 7, 20), today):
                meetings.append(
                    PanelMeeting(
                        la=self.la,
                        date=day,
                        start_time=clock(13),
                        cutoff=timezone.make_aware(
                            datetime.combine(day - timedelta(days=7), clock(12))
                        ),
                        status=PanelMeeting.Status.MINUTES_APPROVED,
                        quorum=3,
                    )
                )
                day += timedelta(days=7)
        meetings = PanelMeeting.objects.bulk_create(meetings, batch_size=BATCH)
        for meeting in meetings:
            for _ in range(rng.randint(2, 6)):
                school = rng.choice(secondary)
                roll = self.roll.get(school.pk)
                if not roll:
                    continue
                pupil = rng.choice(roll)
                submitted = timezone.make_aware(
                    datetime.combine(meeting.date - timedelta(days=12), clock(10))
                )
                referrals.append(
                    self._referral(
                        pupil, school, submitted, Referral.State.DECIDED, "Decided by the panel"
                    )
                )
                decisions.append(meeting)
        referrals = Referral.objects.bulk_create(referrals, batch_size=BATCH)
        items = AgendaItem.objects.bulk_create(
            (
                AgendaItem(
                    meeting=meeting,
                    kind=AgendaItem.Kind.REFERRAL,
                    referral=referral,
                    title=f"Referral: {referral.pupil.name}",
                    position=n + 1,
                    status=AgendaItem.Status.DECIDED,
                )
                for n, (referral, meeting) in enumerate(zip(referrals, decisions, strict=True))
            ),
            batch_size=BATCH,
        )
        placements, made = [], []
        outcome_rows = []
        for item, referral, meeting in zip(items, referrals, decisions, strict=True):
            approve = rng.random() < 0.65
            start = meeting.date + timedelta(days=rng.randint(4, 11))
            weeks = rng.choice([8, 12, 18, 24])
            provider = rng.choice(self.providers)
            outcome_rows.append((item, approve, provider, start))
            if not approve:
                continue
            planned_end = start + timedelta(weeks=weeks)
            hours = Decimal(rng.choice([15, 20, 25, 32.5]))
            ended = planned_end < today - timedelta(days=7)
            placements.append(
                Placement(
                    pupil=referral.pupil,
                    provider=provider,
                    school=referral.school,
                    referral=referral,
                    source=Placement.Source.PANEL,
                    tier=rng.choice(["tier_2", "tier_2", "tier_3"]),
                    start_date=start,
                    planned_end=planned_end,
                    ended_on=planned_end if ended else None,
                    end_reason=Placement.EndReason.REINTEGRATED if ended else "",
                    hours_per_week=hours,
                    sessions=ALL_SESSIONS,
                    part_time=hours < Decimal("32.5"),
                    weekly_cost=Decimal(rng.randint(400, 1200)),
                    funding=Placement.Funding.HIGH_NEEDS,
                    next_review_due=None if ended else start + timedelta(weeks=6),
                    state=Placement.State.ENDED
                    if ended
                    else (Placement.State.ACTIVE if start <= today else Placement.State.OFFERED),
                    offered_by=officer,
                    access_revoked=ended,
                )
            )
        # One placement per pupil at a time: drop a pupil's overlapping second placement.
        seen: dict[int, list] = {}
        kept = []
        for p in placements:
            last = p.ended_on or p.planned_end
            clash = any(a <= last and p.start_date <= b for a, b in seen.get(p.pupil_id, []))
            if not clash:
                seen.setdefault(p.pupil_id, []).append((p.start_date, last))
                kept.append(p)
        made = Placement.objects.bulk_create(kept, batch_size=BATCH)
        Decision.objects.bulk_create(
            (
                Decision(
                    item=item,
                    outcome="approve" if approve else "decline",
                    reason="Decided at the panel",
                    provider=provider if approve else None,
                    tier="tier_2" if approve else "",
                    start_date=start if approve else None,
                    hours_per_week=Decimal(20) if approve else None,
                    first_review_date=start + timedelta(weeks=6) if approve else None,
                    decided_by=officer,
                )
                for item, approve, provider, start in outcome_rows
            ),
            batch_size=BATCH,
        )
        returns, reviews, plans = [], [], []
        for placement in made:
            last = min(placement.ended_on or today, today - timedelta(days=7))
            monday = placement.start_date - timedelta(days=placement.start_date.weekday())
            while monday + timedelta(days=4) <= last:
                attended = 10 - rng.choice([0, 0, 0, 1, 2, 4])
                returns.append(
                    ProviderReturn(
                        placement=placement,
                        period="week",
                        period_start=monday,
                        period_end=monday + timedelta(days=4),
                        sessions_possible=10,
                        sessions_attended=attended,
                        below_threshold_reason="" if attended >= 9 else "Unwell",
                        progress="Steady progress.",
                        submitted_by=officer,
                    )
                )
                monday += timedelta(days=7)
            review_day = placement.start_date + timedelta(weeks=6)
            while review_day <= last:
                reviews.append(
                    Review(
                        placement=placement,
                        held_on=review_day,
                        attendance_percent=Decimal(rng.randint(70, 98)),
                        progress="Progress made.",
                        pupil_voice="Likes it here.",
                        parent_voice="Pleased.",
                        decision="continue",
                        held_by=officer,
                    )
                )
                review_day += timedelta(weeks=6)
            if placement.state == Placement.State.ENDED:
                plans.append(
                    ReintegrationPlan(
                        placement=placement,
                        school=placement.school,
                        target_date=placement.ended_on,
                        status=ReintegrationPlan.Status.RETURNED,
                        returned_on=placement.ended_on + timedelta(days=1),
                        created_by=officer,
                    )
                )
        # The provider's staff see the pupils of its live placements (their caseload).
        live = {}
        for placement in made:
            if placement.state != Placement.State.ENDED:
                live.setdefault(placement.provider, []).append(placement.pupil_id)
        for provider, pupil_ids in live.items():
            assign_perm(
                "cases.view_pupil", caseload_group(provider), Pupil.objects.filter(pk__in=pupil_ids)
            )
        ProviderReturn.objects.bulk_create(returns, batch_size=BATCH)
        Review.objects.bulk_create(reviews, batch_size=BATCH)
        plans = ReintegrationPlan.objects.bulk_create(plans, batch_size=BATCH)
        FollowUp.objects.bulk_create(
            (
                FollowUp(
                    plan=plan,
                    weeks=weeks,
                    held=rng.random() < 0.7,
                    recorded_by=officer,
                    recorded_on=plan.returned_on + timedelta(weeks=weeks),
                )
                for plan in plans
                for weeks in (6, 12)
                if plan.returned_on + timedelta(weeks=weeks) <= today
            ),
            batch_size=BATCH,
        )

    def _next_panel(self) -> None:
        """Next week's panel: referrals accepted before its cut-off, and its agenda built as the
        officer would (with the new permanent exclusions' checks and live Fair Access cases)."""
        rng, today = self.rng, self.today
        day = today + timedelta(days=7 + (3 - today.weekday()) % 7)  # a Thursday a week away
        meeting = PanelMeeting.objects.create(
            la=self.la,
            date=day,
            start_time=clock(13),
            cutoff=timezone.make_aware(datetime.combine(day - timedelta(days=7), clock(12))),
            quorum=3,
        )
        secondary = [s for s in self.schools if s.phase == "secondary" and self.roll.get(s.pk)]
        for n in range(8):
            school = rng.choice(secondary)
            submitted = meeting.cutoff - timedelta(days=5, hours=n)
            pupil = rng.choice(self.roll[school.pk])
            self._referral(pupil, school, submitted, Referral.State.ACCEPTED).save()
        agenda_build(meeting=meeting)

    def _referral(self, pupil, school, submitted, state, outcome="") -> Referral:
        """A complete referral, submitted and accepted to panel two days later."""
        return Referral(
            pupil=pupil,
            school=school,
            referrer=self.officer,
            reason="exclusion",
            needs="Social, emotional and mental health needs.",
            interventions="Key adult; reduced timetable; mentoring.",
            attendance_percent=Decimal(self.rng.randint(50, 90)),
            risk_assessment="Low to medium risk.",
            provision_requested="tier_2",
            consent_given=True,
            consent_given_by="Parent",
            state=state,
            submitted_at=submitted,
            accepted_at=submitted + timedelta(days=2),
            outcome=outcome,
            created_at=submitted,
        )

    def _leads(self) -> None:
        """The officer leads the open work of each kind, but one in ten is left for the team to
        allocate (bulk, as the rest of the generated LA)."""
        for kind in WORK_KINDS.values():
            ids = list(
                kind.model.objects.filter(kind.open, pupil__la=self.la)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            led = [pk for n, pk in enumerate(ids) if n % 10]
            for start in range(0, len(led), BATCH):
                kind.model.objects.filter(pk__in=led[start : start + BATCH]).update(
                    lead_officer=self.officer
                )

    def _fair_access(self) -> None:
        rng, officer, today = self.rng, self.officer, self.today
        secondary = [s for s in self.schools if s.phase == "secondary"]
        serial = 0
        cases, allocations, pupils = [], [], []
        per_year = max(5, len(self.pupils) // 500)
        # Each year's cases, and this month's: agreed, a school still to find.
        dates = [
            (year, date(year, 9, 15) + timedelta(days=rng.randrange(280)))
            for year in self.years
            for _ in range(per_year)
        ] + [(self.years[-1], today - timedelta(days=rng.randint(3, 25))) for _ in range(3)]
        for year, referred in dates:
            if referred > today - timedelta(days=3):
                continue
            serial += 1
            year_group = rng.randint(7, 11)
            born = date(year - year_group - 5, 9, 1) + timedelta(days=rng.randrange(365))
            body = f"{self.la.code}9{serial // 1000 % 1000:03d}{year % 100:02d}{serial % 1000:03d}"
            pupils.append(
                (
                    Pupil(
                        la=self.la,
                        upn=stdnum_upn.calc_check_digit(body) + body,
                        legal_first_name=rng.choice(FIRST),
                        legal_last_name=rng.choice(LAST),
                        date_of_birth=born,
                        sex=rng.choice("MF"),
                    ),
                    referred,
                    year_group,
                )
            )
        created = Pupil.objects.bulk_create([p for p, _, _ in pupils], batch_size=BATCH)
        for pupil, (_, referred, year_group) in zip(created, pupils, strict=True):
            agreed = referred + timedelta(days=3)
            live = referred > today - timedelta(days=30)  # agreed, a school still to find
            cases.append(
                FairAccessCase(
                    la=self.la,
                    pupil=pupil,
                    groups=[str(rng.randint(1, 13))],
                    unplaced_since=referred - timedelta(weeks=6),
                    applications_tried="Two in-year applications refused as full.",
                    phase="secondary",
                    year_group=year_group,
                    home_district=f"GN{rng.randint(1, 30)}",
                    referred_on=referred,
                    agreed_on=agreed,
                    allocation_due=agreed + timedelta(days=28),
                    state=FairAccessCase.State.AGREED if live else FairAccessCase.State.STARTED,
                    started_on=None if live else agreed + timedelta(days=14),
                    created_by=officer,
                )
            )
        cases = FairAccessCase.objects.bulk_create(cases, batch_size=BATCH)
        enrolments = []
        for case in cases:
            if case.state == FairAccessCase.State.AGREED:
                continue
            school = rng.choice(secondary)
            allocations.append(
                FairAccessAllocation(
                    case=case,
                    school=school,
                    allocated_on=case.agreed_on + timedelta(days=5),
                    allocated_by=officer,
                    recommended_rank=1,
                    answer=FairAccessAllocation.Answer.ACCEPTED,
                    answered_on=case.agreed_on + timedelta(days=7),
                    start_date=case.started_on,
                )
            )
            enrolments.append(Enrolment(pupil=case.pupil, school=school, joined_on=case.started_on))
        FairAccessAllocation.objects.bulk_create(allocations, batch_size=BATCH)
        Enrolment.objects.bulk_create(enrolments, batch_size=BATCH)
