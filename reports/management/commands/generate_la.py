"""Generate a large, realistic local authority for benchmarks.

    manage.py generate_la --pupils 200000 --schools 600 --years 5 --seed 1

Trusts, schools (primary, secondary, special), providers with their checks, term dates, pupils
with realistic characteristics on school rolls, suspensions and permanent exclusions at England's
rates for each year, AP referrals decided at weekly panels, placements with weekly returns,
reviews, reintegration plans and follow-ups, and Fair Access cases with their allocations.
Deterministic for a seed and a --today; bulk-loaded in batches with a progress line.
"""

import random
import sys
import time
from datetime import date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from guardian.shortcuts import assign_perm
from stdnum.gb import upn as stdnum_upn

from cases.exclusions.models import Exclusion
from cases.fair_access.models import FairAccessAllocation, FairAccessCase
from cases.pupils.models import Enrolment, Pupil
from cases.referrals.models import Referral
from organisations.calendar import school_year_of
from organisations.models import (
    LocalAuthority,
    ProviderOrganisation,
    School,
    Term,
    Trust,
    User,
)
from organisations.roles import Role
from organisations.services import membership_set
from panels.models import AgendaItem, Decision, PanelMeeting
from panels.services import agenda_build
from placements.commissioning.models import ALL_SESSIONS, Placement
from placements.commissioning.services import caseload_group
from placements.registers.models import ProviderReturn
from placements.reintegration.models import FollowUp, ReintegrationPlan
from placements.reviews.models import Review
from providers.models import DueDiligence, ProviderProfile

BATCH = 5000
SUSPENSIONS_PER_PUPIL = 0.105  # England 2023/24
PEX_PER_PUPIL = 0.0012
REASONS = ["PA", "VP", "VA", "DM", "BU", "RA", "DR", "MT", "DA", "SM", "PP", "AP"]
ETHNICITIES = [("WBRI", 70), ("WOTH", 6), ("MWBC", 2), ("BAFR", 4), ("BCRB", 1), ("AIND", 3),
               ("APKN", 4), ("CHNE", 1), ("MOTH", 3), ("WROM", 1), ("OOTH", 5)]  # fmt: skip
# Common names in English schools (so a search for one surname finds about 1% of pupils).
FIRST = """Oliver George Harry Noah Jack Leo Arthur Muhammad Oscar Charlie Jacob Thomas Henry
William
Freddie Alfie Theo Archie Joshua James Ethan Isaac Lucas Mason Logan Max Daniel Riley Tyler Kai
Jayden Dylan Harrison Reuben Samuel Joseph Adam Ryan Liam Kian Olivia Amelia Isla Ava Ivy Freya Lily
Florence Mia Willow Rosie Sophia Isabella Grace Daisy Sienna Poppy Elsie Emily Ella Evie Ruby Chloe
Jessica Millie Phoebe Lola Amelie Maisie Layla Zara Aisha Maryam Hannah Leah Megan Jade Courtney
Keira Summer Alex Sam Jordan Taylor Casey Morgan Jamie Robin""".split()  # noqa: SIM905
LAST = """Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson
Thompson
Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson Wood Turner Martin
Cooper Hill Ward Morris Moore Clark Lee King Baker Harrison Morgan Allen James Scott Phillips Watson
Davis Parker Price Bennett Young Griffiths Mitchell Kelly Cook Carter Richardson Bailey Collins Bell
Shaw Murphy Miller Cox Richards Khan Marshall Anderson Simpson Ellis Adams Singh Begum Wilkinson
Foster Chapman Powell Webb Rogers Gray Mason Ali Hunt Hussain Campbell Matthews Owen Palmer Holmes
Mills Barnes Knight Lloyd Butler Russell Barker Fisher Stevens Jenkins Murray Dixon Harvey Kowalski
Nowak Okafor Adeyemi Mensah Nguyen Chen Popescu Ahmed""".split()  # noqa: SIM905


def _terms(school_year: int) -> list[tuple[str, date, date]]:
    """English half-terms for a school year, near enough: from the first weekday of September."""
    start = date(school_year, 9, 1)
    while start.weekday() >= 5:
        start += timedelta(days=1)
    spring = date(school_year + 1, 1, 5)
    return [
        ("autumn_1", start, date(school_year, 10, 23)),
        ("autumn_2", date(school_year, 11, 2), date(school_year, 12, 18)),
        ("spring_1", spring, date(school_year + 1, 2, 12)),
        ("spring_2", date(school_year + 1, 2, 22), date(school_year + 1, 3, 31)),
        ("summer_1", date(school_year + 1, 4, 15), date(school_year + 1, 5, 22)),
        ("summer_2", date(school_year + 1, 6, 1), date(school_year + 1, 7, 21)),
    ]


class Progress:
    def __init__(self, out, total_steps: int):
        self.out, self.total, self.done, self.started = out, total_steps, 0, time.monotonic()

    def step(self, what: str) -> None:
        self.done += 1
        elapsed = time.monotonic() - self.started
        self.out.write(f"\r[{self.done:>2}/{self.total}] {elapsed:6.1f}s  {what:<60}")
        self.out.flush()


class Command(BaseCommand):
    help = "Generate a large local authority (any size) for benchmarks. Deterministic for a seed."

    def add_arguments(self, parser):
        parser.add_argument("--pupils", type=int, default=200_000)
        parser.add_argument("--schools", type=int, default=600)
        parser.add_argument("--years", type=int, default=5)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--code", default="990", help="The DfE code of the generated LA")
        parser.add_argument("--today", type=date.fromisoformat, default=None)

    def handle(self, *args, **options):
        code = options["code"]
        if LocalAuthority.objects.filter(code=code).exists():
            self.stdout.write(f"A local authority with code {code} exists already: left as it is.")
            return
        if options["schools"] < 10 or options["pupils"] < options["schools"] * 20:
            raise CommandError("Ask for at least 10 schools and 20 pupils a school")
        started = time.monotonic()
        self.rng = random.Random(options["seed"])
        self.today = options["today"] or timezone.localdate()
        self.progress = Progress(sys.stderr, 8)
        with transaction.atomic():
            self.generate(code, options["pupils"], options["schools"], options["years"])
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh statistics after a bulk load
        sys.stderr.write("\n")
        self.stdout.write(
            f"Generated LA {code}: {options['schools']} schools, {options['pupils']} pupils, "
            f"{options['years']} years, in {time.monotonic() - started:.0f} s."
        )

    # -----------------------------------------------------------------------------------------

    def generate(self, code: str, pupils: int, schools: int, years: int) -> None:
        today = self.today
        this_year = school_year_of(today)
        self.years = list(range(this_year - years + 1, this_year + 1))
        la = LocalAuthority.objects.create(code=code, name=f"Greater Generated Council ({code})")
        self.la = la
        officer = User.objects.create(username=f"gen{code}.officer", first_name="Generated")
        officer.set_unusable_password()
        officer.save()
        membership_set(user=officer, role=Role.LA_OFFICER, organisation=la)
        self.officer = officer
        Term.objects.bulk_create(
            Term(la=la, school_year=y, name=name, start=s, end=e)
            for y in [*self.years, this_year + 1]
            for name, s, e in _terms(y)
        )
        self.progress.step("term dates")
        self._schools(schools, pupils)
        self.progress.step("trusts and schools")
        self._providers()
        self.progress.step("providers and their checks")
        self._pupils(pupils)
        self.progress.step("pupils and school rolls")
        self._exclusions()
        self.progress.step("exclusions")
        self._panels_and_placements()
        self.progress.step("referrals, panels and placements")
        self._fair_access()
        self.progress.step("Fair Access cases")
        self._next_panel()
        self.progress.step("next week's panel")

    def _schools(self, count: int, pupils: int) -> None:
        rng, la = self.rng, self.la
        trusts = Trust.objects.bulk_create(
            Trust(name=f"Generated Learning Trust {n + 1}") for n in range(max(1, count // 25))
        )
        kinds = []
        for n in range(count):
            roll = n / count
            phase = "primary" if roll < 0.8 else ("secondary" if roll < 0.98 else "special")
            kinds.append(phase)
        weights = {"primary": 300, "secondary": 1100, "special": 110}
        scale = pupils / sum(weights[k] for k in kinds)
        made = []
        for n, kind in enumerate(kinds):
            academy = rng.random() < (0.45 if kind == "primary" else 0.8)
            phase = "secondary" if kind == "special" and n % 2 else kind
            if kind == "special":
                phase = "all_through"
            band = {"primary": "2", "secondary": "4", "special": "7"}[kind]
            made.append(
                School(
                    urn=f"{900000 + int(la.code) * 1000 + n:06d}"[-6:],
                    laestab=f"{la.code}{band}{n:03d}"[:7],
                    name=f"Generated {kind.title()} School {n + 1}",
                    phase=phase,
                    type=(
                        ("academy_special" if academy else "community_special")
                        if kind == "special"
                        else ("academy_converter" if academy else "community")
                    ),
                    la=la,
                    trust=rng.choice(trusts) if academy else None,
                    postcode=f"GN{1 + n % 30} {rng.randint(1, 9)}AB",
                    pupils_on_roll=max(20, round(weights[kind] * scale * rng.uniform(0.7, 1.3))),
                )
            )
        self.schools = School.objects.bulk_create(made, batch_size=BATCH)

    def _providers(self) -> None:
        la, officer = self.la, self.officer
        kinds = [
            ("pru", 0, 60), ("pru", 24, 0), ("ap_academy", 0, 40), ("independent_school", 0, 30),
            ("fe_college", 0, 40), ("tuition", 10, 30), ("online", 20, 60), ("work_based", 0, 15),
        ]  # fmt: skip
        self.providers = []
        for n, (kind, primary, secondary) in enumerate(kinds * 2):
            provider = ProviderOrganisation.objects.create(
                name=f"Generated {kind.replace('_', ' ')} {n + 1}", kind=kind, la=la
            )
            profile = ProviderProfile.objects.create(
                provider=provider,
                on_approved_list=True,
                primary_places=primary,
                secondary_places=secondary,
                price_per_week=Decimal(400 + 50 * n),
            )
            DueDiligence.objects.bulk_create(
                DueDiligence(
                    profile=profile,
                    kind=check,
                    confirmed_on=self.today - timedelta(days=60),
                    expires_on=self.today + timedelta(days=300 if n % 7 else 20),
                    recorded_by=officer,
                )
                for check in DueDiligence.REQUIRED
            )
            self.providers.append(provider)

    def _pupils(self, count: int) -> None:
        rng, la, this_year = self.rng, self.la, school_year_of(self.today)
        ethnic_codes = [e for e, _ in ETHNICITIES]
        ethnic_weights = [w for _, w in ETHNICITIES]
        pupils, enrolments, serial = [], [], 0
        self.roll: dict[int, list] = {}
        for school in self.schools:
            years = range(7, 12) if school.phase == "secondary" else range(1, 7)
            if school.phase == "all_through":
                years = range(1, 12)
            for _ in range(school.pupils_on_roll):
                serial += 1
                year_group = rng.choice(years)
                born = date(this_year - year_group - 5, 9, 1) + timedelta(days=rng.randrange(365))
                body = (
                    f"{la.code}{serial // 1000 % 10000:04d}{born.year % 100:02d}{serial % 1000:03d}"
                )
                sen = rng.choices("NKE", weights=[82, 14, 4])[0]
                pupils.append(
                    Pupil(
                        la=la,
                        upn=stdnum_upn.calc_check_digit(body) + body,
                        legal_first_name=rng.choice(FIRST),
                        legal_last_name=rng.choice(LAST),
                        date_of_birth=born,
                        sex=rng.choice("MF"),
                        ethnicity=rng.choices(ethnic_codes, weights=ethnic_weights)[0],
                        sen_status=sen,
                        primary_need="" if sen == "N" else "SEMH",
                        free_school_meals=rng.random() < 0.25,
                        looked_after=rng.random() < 0.007,
                    )
                )
                enrolments.append(school)
        created = []
        for start in range(0, len(pupils), BATCH):
            created += Pupil.objects.bulk_create(pupils[start : start + BATCH])
        rows = [
            Enrolment(pupil=p, school=s, joined_on=date(this_year - 1, 9, 1))
            for p, s in zip(created, enrolments, strict=True)
        ]
        Enrolment.objects.bulk_create(rows, batch_size=BATCH)
        for pupil, school in zip(created, enrolments, strict=True):
            self.roll.setdefault(school.pk, []).append(pupil)
        self.pupils = created

    def _exclusions(self) -> None:
        rng, officer = self.rng, self.officer
        rows = []
        self.excluded = []
        for year in self.years:
            first = date(year, 9, 3)
            last = min(date(year + 1, 7, 18), self.today - timedelta(days=7))
            if last <= first:
                continue
            span = (last - first).days
            for school in self.schools:
                weight = 1.6 if school.phase != "primary" else 0.3
                roll = self.roll.get(school.pk) or []
                if not roll:
                    continue
                n = int(len(roll) * SUSPENSIONS_PER_PUPIL * weight * rng.uniform(0.6, 1.4))
                for _ in range(n):
                    start = first + timedelta(days=rng.randrange(span))
                    while start.weekday() >= 5:
                        start += timedelta(days=1)
                    days = rng.choice([1, 1, 1, 2, 2, 3, 5])
                    end = start + timedelta(days=days - 1)
                    rows.append(
                        Exclusion(
                            pupil=rng.choice(roll),
                            school=school,
                            kind=Exclusion.Kind.SUSPENSION,
                            start_date=start,
                            end_date=end,
                            sessions=2 * days,
                            reasons=[rng.choice(REASONS)],
                            decided_by="Headteacher",
                            parents_notified_on=start,
                            recorded_by=officer,
                            recorded_at=timezone.make_aware(datetime.combine(start, clock(9))),
                        )
                    )
                if school.phase != "primary" and rng.random() < len(roll) * PEX_PER_PUPIL * 1.6:
                    pupil = rng.choice(roll)
                    rows.append(
                        Exclusion(
                            pupil=pupil,
                            school=school,
                            kind=Exclusion.Kind.PERMANENT,
                            start_date=first + timedelta(days=rng.randrange(span)),
                            reasons=[rng.choice(REASONS)],
                            decided_by="Headteacher",
                            recorded_by=officer,
                            recorded_at=timezone.make_aware(datetime.combine(first, clock(9))),
                        )
                    )
                    self.excluded.append((pupil, school))
        Exclusion.objects.bulk_create(rows, batch_size=BATCH)

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
