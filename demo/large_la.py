"""A large, realistic local authority for benchmarks (`manage.py generate_la`).

    manage.py generate_la --pupils 200000 --schools 600 --years 5 --seed 1

Trusts, schools (primary, secondary, special), providers with their checks, term dates, pupils
with realistic characteristics on school rolls, suspensions and permanent exclusions at England's
rates for each year, AP referrals decided at weekly panels, placements with weekly returns,
reviews, reintegration plans and follow-ups, and Fair Access cases with their allocations.
Deterministic for a seed and a --today; bulk-loaded in batches with a progress line.
"""

import time
from datetime import date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal

from django.utils import timezone
from stdnum.gb import upn as stdnum_upn

from cases.exclusions.models import Exclusion
from cases.pupils.models import Enrolment, Pupil
from demo.large_la_casework import Casework
from demo.names import BATCH, FIRST, LAST
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
from providers.models import DueDiligence, ProviderProfile

SUSPENSIONS_PER_PUPIL = 0.105  # England 2023/24
PEX_PER_PUPIL = 0.0012
REASONS = ["PA", "VP", "VA", "DM", "BU", "RA", "DR", "MT", "DA", "SM", "PP", "AP"]
ETHNICITIES = [("WBRI", 70), ("WOTH", 6), ("MWBC", 2), ("BAFR", 4), ("BCRB", 1), ("AIND", 3),
               ("APKN", 4), ("CHNE", 1), ("MOTH", 3), ("WROM", 1), ("OOTH", 5)]  # fmt: skip
# Common names in English schools (so a search for one surname finds about 1% of pupils).


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


class LargeLA(Casework):
    """Builds one generated LA: its schools, providers, pupils and exclusions here, its
    casework (panels, placements, Fair Access) in Casework."""

    def __init__(self, *, rng, today, progress):
        self.rng, self.today, self.progress = rng, today, progress

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
        self._leads()
        self.progress.step("lead officers")

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
