"""A year of the demo LA's pupils and exclusions, at national rates, plus named cases due now.

England 2023/24 (product.md): about 0.105 suspensions and 0.0012 permanent exclusions per pupil a
year. Suspensions cluster in secondary schools and among pupils with SEN or free school meals.
Deterministic (seeded), and loaded once: a second load changes nothing.
"""

import random
from datetime import date, timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history
from stdnum.gb import upn as stdnum_upn

from cases.exclusions.models import Exclusion, ExclusionEvent
from cases.exclusions.services import (
    exclusion_deadlines_refresh,
    exclusion_record,
    exclusion_transition,
)
from cases.pupils.models import Enrolment, Pupil
from demo.fair_access import load_fair_access
from demo.organisations import DemoContext
from organisations.calendar import SchoolCalendar, school_year_of
from organisations.models import School

SUSPENSIONS_PER_PUPIL = 0.105
EXCLUSIONS_PER_PUPIL = 0.0012

FIRST_NAMES = {
    "M": [
        "Oliver",
        "Harry",
        "Jack",
        "Leo",
        "Noah",
        "Charlie",
        "Alfie",
        "Freddie",
        "Oscar",
        "Archie",
        "Mohammed",
        "Muhammad",
        "Theo",
        "Jacob",
        "Riley",
        "Kai",
        "Tyler",
        "Kian",
        "Reece",
        "Ethan",
        "Callum",
        "Jayden",
        "Mason",
        "Logan",
        "Dylan",
        "Brandon",
        "Kacper",
        "Ibrahim",
        "Tomasz",
        "Ayaan",
        "Zain",
        "Daniel",
        "Lewis",
        "Connor",
    ],
    "F": [
        "Olivia",
        "Amelia",
        "Isla",
        "Ava",
        "Mia",
        "Ivy",
        "Lily",
        "Sophia",
        "Grace",
        "Evie",
        "Poppy",
        "Ruby",
        "Freya",
        "Ella",
        "Chloe",
        "Maisie",
        "Jade",
        "Leah",
        "Amira",
        "Aisha",
        "Zara",
        "Kayla",
        "Shannon",
        "Courtney",
        "Holly",
        "Tia",
        "Maja",
        "Zuzanna",
        "Layla",
        "Nevaeh",
        "Megan",
        "Sienna",
    ],
}
LAST_NAMES = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Wood",
    "Jackson",
    "Clarke",
    "Patel",
    "Khan",
    "Hussain",
    "Ahmed",
    "Begum",
    "Ali",
    "Nowak",
    "Kowalski",
    "Murphy",
    "Kelly",
    "Campbell",
    "Stewart",
    "Shaw",
    "Hughes",
    "Price",
    "Bennett",
    "Cooper",
    "Ward",
    "Mills",
    "Lloyd",
    "Marsh",
    "Okafor",
    "Mensah",
    "Adeyemi",
    "Francis",
    "Grant",
    "Powell",
    "Reid",
    "Barker",
    "Holmes",
]
# Ethnicity of excluded pupils, roughly (with White British the largest group).
ETHNICITIES = [
    ("WBRI", 66),
    ("WOTH", 5),
    ("WIRT", 1),
    ("WROM", 2),
    ("MWBC", 5),
    ("MOTH", 3),
    ("APKN", 4),
    ("AIND", 2),
    ("ABAN", 1),
    ("BCRB", 3),
    ("BAFR", 4),
    ("BOTH", 1),
    ("OOTH", 2),
    ("NOBT", 1),
]
# Reasons for suspensions: persistent disruptive behaviour about half (domain.md section 2).
REASONS = [
    ("DB", 50),
    ("VA", 14),
    ("PP", 11),
    ("PA", 5),
    ("VP", 5),
    ("DA", 3),
    ("DM", 3),
    ("OW", 2),
    ("BU", 2),
    ("RA", 1),
    ("TH", 1),
    ("SM", 1),
    ("MT", 1),
    ("LG", 1),
]
HEADTEACHERS = [
    "Mrs A Patel",
    "Mr D Hughes",
    "Ms R Okonjo",
    "Mr S Clarke",
    "Dr H Lloyd",
    "Mrs K Barker",
    "Mr J Reid",
    "Ms L Francis",
]

# The pupils whose stories the demo and the browser journeys tell: other demos leave them alone.
NAMED_PUPILS = ["Thompson", "Kowalski", "Mensah", "Barker"]
NAMED_FIRST = {"Thompson": "Kai", "Kowalski": "Jade", "Mensah": "Reece", "Barker": "Tia"}


def named_pupils(la) -> dict:
    """The named pupils by surname: their names, and the UPNs _named_cases gives them (ending
    25901 to 25904), so a generated pupil of the same name is never taken for one."""
    found = {}
    for pupil in Pupil.objects.filter(
        la=la, legal_last_name__in=NAMED_PUPILS, upn__regex=r"2590[1-4]$"
    ):
        if NAMED_FIRST[pupil.legal_last_name] == pupil.legal_first_name:
            found[pupil.legal_last_name] = pupil
    return found


def _weighted(rng, pairs):
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _date_of_birth(rng, year_group: int, school_year: int) -> date:
    # In year group Y in the school year starting S: born between 1 Sep (S-Y-5) and 31 Aug (S-Y-4).
    start = date(school_year - year_group - 5, 9, 1)
    return start + timedelta(days=rng.randrange(365))


def _school_days(calendar: SchoolCalendar, first: date, last: date) -> list[date]:
    days, day = [], first
    while day <= last:
        if calendar.is_school_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def _make_pupils(rng, school, count, serial, school_year):
    pupils = []
    secondary = school.phase in ("secondary", "all_through")
    for _ in range(count):
        sex = "M" if rng.random() < 0.72 else "F"  # most suspended pupils are boys
        year_group = rng.choice(range(7, 12) if secondary else range(1, 7))
        sen = rng.choices(["N", "K", "E"], weights=[55, 35, 10])[0]
        body = f"{school.la.code}{school.laestab[3:]}{school_year % 100:02d}{serial[0] % 1000:03d}"
        serial[0] += 1
        pupils.append(
            Pupil(
                la=school.la,
                upn=stdnum_upn.calc_check_digit(body) + body,
                legal_first_name=rng.choice(FIRST_NAMES[sex]),
                legal_last_name=rng.choice(LAST_NAMES),
                date_of_birth=_date_of_birth(rng, year_group, school_year),
                sex=sex,
                ethnicity=_weighted(rng, ETHNICITIES),
                sen_status=sen,
                primary_need=""
                if sen == "N"
                else rng.choice(["SEMH", "SEMH", "SLCN", "ASD", "MLD"]),
                free_school_meals=rng.random() < 0.5,
                looked_after=rng.random() < 0.04,
                social_care=rng.choices(["none", "cin", "cp"], weights=[80, 15, 5])[0],
                youth_justice=secondary and rng.random() < 0.06,
            )
        )
    return pupils


def _volume(context: DemoContext, rng, scale: float, today: date, recorder) -> None:
    """Two years of suspensions for every Northmoor school (so that a period has the same days
    a year earlier to stand beside), at the rate a year of SUSPENSIONS_PER_PUPIL."""
    first = today - timedelta(days=730)
    serial = [1]
    for school in School.objects.filter(la__code="929").select_related("la").order_by("urn"):
        calendar = SchoolCalendar.for_school(school)
        days = _school_days(calendar, first, today - timedelta(days=21))
        secondary = school.phase in ("secondary", "all_through")
        # Secondary schools carry most suspensions: weight them 5 to 1 against primaries.
        weight = 1.6 if secondary else 0.3
        suspensions = round(2 * school.pupils_on_roll * SUSPENSIONS_PER_PUPIL * weight * scale)
        if not suspensions or not days:
            continue
        # Repeat suspensions are common: about two per suspended pupil.
        pupils = _make_pupils(rng, school, max(1, suspensions // 2), serial, school_year_of(today))
        pupils = bulk_create_with_history(pupils, Pupil, default_user=recorder)
        bulk_create_with_history(
            [
                Enrolment(pupil=p, school=school, joined_on=date(school_year_of(today) - 3, 9, 1))
                for p in pupils
            ],
            Enrolment,
            default_user=recorder,
        )
        exclusions = []
        for _ in range(suspensions):
            start = rng.choice(days)
            lunchtime = rng.random() < 0.05
            length = 1 if lunchtime else rng.choices([1, 1, 1, 2, 2, 3, 5], k=1)[0]
            end = days[min(days.index(start) + length - 1, len(days) - 1)]
            reasons = [_weighted(rng, REASONS)]
            if rng.random() < 0.2:
                second = _weighted(rng, REASONS)
                if second != reasons[0]:
                    reasons.append(second)
            exclusions.append(
                Exclusion(
                    pupil=rng.choice(pupils),
                    school=school,
                    kind=Exclusion.Kind.LUNCHTIME if lunchtime else Exclusion.Kind.SUSPENSION,
                    start_date=start,
                    end_date=start if lunchtime else end,
                    sessions=1 if lunchtime else 2 * len(_school_days(calendar, start, end)),
                    reasons=reasons,
                    decided_by=rng.choice(HEADTEACHERS),
                    parents_notified_on=start - timedelta(days=1),
                    recorded_by=recorder,
                    recorded_at=timezone.make_aware(
                        timezone.datetime.combine(
                            start - timedelta(days=1), timezone.datetime.min.time()
                        )
                    ),
                )
            )
        created = bulk_create_with_history(exclusions, Exclusion, default_user=recorder)
        ExclusionEvent.objects.bulk_create(
            ExclusionEvent(
                exclusion=e,
                to_state=Exclusion.State.NOTIFIED,
                happened_on=e.parents_notified_on,
                note="Recorded and the local authority told",
                by=recorder,
            )
            for e in created
        )
        # Every clock, back-to-back suspensions' included, counted by the service's rules.
        for exclusion in created:
            exclusion_deadlines_refresh(exclusion=exclusion, calendar=calendar)
        # Permanent exclusions: rare (about 0.0012 a pupil a year, for two years), nearly all in
        # secondaries.
        if secondary:
            count = round(2 * school.pupils_on_roll * EXCLUSIONS_PER_PUPIL * 1.4 * scale)
            for _ in range(count):
                pupil = rng.choice(pupils)
                if pupil.exclusions.filter(kind=Exclusion.Kind.PERMANENT).exists():
                    continue
                start = rng.choice(days)
                pex = exclusion_record(
                    by=recorder,
                    pupil=pupil,
                    school=school,
                    kind=Exclusion.Kind.PERMANENT,
                    start_date=start,
                    reasons=rng.choice([["DB"], ["PA"], ["OW"], ["DA", "DB"], ["PP", "VA"]]),
                    decided_by=rng.choice(HEADTEACHERS),
                    parents_notified_on=start,
                    recorded_on=start,
                )
                # Recorded when it happened, not when the demo was loaded.
                Exclusion.objects.filter(pk=pex.pk).update(
                    recorded_at=timezone.make_aware(
                        timezone.datetime.combine(start, timezone.datetime.min.time())
                    )
                )
                # Past ones have been through the board; a few went to independent review.
                _demo_board_outcome(rng, pex, recorder, calendar, today)


def _demo_board_outcome(rng, pex, recorder, calendar, today) -> None:
    for deadline in pex.deadlines.all():
        if deadline.kind == "la_provision" and deadline.due_on < today:
            deadline.met_on = deadline.due_on
            deadline.save(update_fields=["met_on"])
    board_day = calendar.nth_school_day_after(pex.start_date, rng.randint(8, 14)).date
    if board_day >= today:
        return
    outcome = "upheld" if rng.random() < 0.85 else "reinstated"
    notice = {}
    if outcome == "upheld":  # written notice the same day, by hand, e-mail or post
        notice = {
            "notice_sent_on": board_day,
            "notice_method": rng.choice(["hand", "email", "post"]),
        }
    pex = exclusion_transition(
        exclusion=pex, to=outcome, by=recorder, on=board_day, version=pex.version, **notice
    )
    if outcome == "upheld" and rng.random() < 0.15:
        asked = calendar.nth_school_day_after(board_day, rng.randint(3, 12)).date
        if asked < today:
            exclusion_transition(
                exclusion=pex, to="review_requested", by=recorder, on=asked, version=pex.version
            )


def _named_cases(context: DemoContext, today: date) -> None:
    """Cases a person trying the demo meets on the dashboards: due now, due soon, overdue."""
    harbridge = context.schools["Harbridge Academy"]
    castleton = context.schools["Castleton Community College"]
    senco = context.users["senco"]
    officer = context.users["officer"]
    calendar = SchoolCalendar.for_school(harbridge)

    def school_days_ago(n: int) -> date:
        day, counted = today, 0
        while counted < n:
            day -= timedelta(days=1)
            counted += calendar.is_school_day(day)
        return day

    year = school_year_of(today)
    people = [  # their surnames are NAMED_PUPILS
        # Born so that each is in the same year group whenever the demo is loaded.
        ("Kai", "Thompson", "M", date(year - 15, 11, 3), "K", harbridge, senco),
        ("Jade", "Kowalski", "F", date(year - 14, 2, 19), "N", harbridge, senco),
        ("Reece", "Mensah", "M", date(year - 15, 6, 8), "E", castleton, officer),
        ("Tia", "Barker", "F", date(year - 14, 5, 27), "K", harbridge, senco),
    ]
    pupils = []
    for serial, (first, last, sex, born, sen, school, _) in enumerate(people, start=901):
        body = f"929{school.laestab[3:]}25{serial:03d}"
        pupil = Pupil.objects.create(
            la=school.la,
            upn=stdnum_upn.calc_check_digit(body) + body,
            legal_first_name=first,
            legal_last_name=last,
            sex=sex,
            date_of_birth=born,
            sen_status=sen,
            primary_need="SEMH" if sen != "N" else "",
            free_school_meals=True,
            ethnicity="WBRI",
        )
        Enrolment.objects.create(pupil=pupil, school=school, joined_on=date(year - 3, 9, 4))
        pupils.append(pupil)
    kai, jade, reece, tia = pupils
    # A permanent exclusion 3 school days ago: the LA's 6th-day provision falls due this week.
    exclusion_record(
        by=senco,
        pupil=kai,
        school=harbridge,
        kind=Exclusion.Kind.PERMANENT,
        start_date=school_days_ago(3),
        reasons=["PA", "DB"],
        decided_by="Mrs A Patel",
        parents_notified_on=school_days_ago(3),
        recorded_on=school_days_ago(3),
    )
    # A permanent exclusion 12 school days ago: provision overdue, board review due soon.
    exclusion_record(
        by=officer,
        pupil=reece,
        school=castleton,
        kind=Exclusion.Kind.PERMANENT,
        start_date=school_days_ago(12),
        reasons=["OW"],
        decided_by="Mr S Clarke",
        parents_notified_on=school_days_ago(12),
        recorded_on=school_days_ago(12),
    )
    # Suspensions adding up towards the 45-day cap, and a long one starting the school's duty.
    start = school_days_ago(30)
    for offset, length in ((0, 5), (7, 5), (14, 6)):
        first = calendar.nth_school_day_after(start, offset + 1).date
        last = calendar.nth_school_day_after(first, length - 1).date if length > 1 else first
        exclusion_record(
            by=senco,
            pupil=tia,
            school=harbridge,
            kind=Exclusion.Kind.SUSPENSION,
            start_date=first,
            end_date=last,
            sessions=2 * calendar.school_days_between(first, last),
            reasons=["DB"],
            decided_by="Mrs A Patel",
            parents_notified_on=first,
            recorded_on=first,
        )
    exclusion_record(
        by=senco,
        pupil=jade,
        school=harbridge,
        kind=Exclusion.Kind.SUSPENSION,
        start_date=school_days_ago(1),
        end_date=school_days_ago(1),
        sessions=2,
        reasons=["VA"],
        decided_by="Mrs A Patel",
        parents_notified_on=school_days_ago(1),
        recorded_on=school_days_ago(1),
    )
    # Recorded on the day each began, as a school would.
    for exclusion in Exclusion.objects.filter(pupil__in=pupils):
        Exclusion.objects.filter(pk=exclusion.pk).update(
            recorded_at=timezone.make_aware(
                timezone.datetime.combine(exclusion.start_date, timezone.datetime.min.time())
            )
        )


@transaction.atomic
def load(context: DemoContext, *, var_dir: Path) -> None:
    today = timezone.localdate()
    if not Pupil.objects.filter(la__code="929").exists():  # loaded before: keep it as it is
        rng = random.Random(929)
        _volume(context, rng, context.scale, today, context.users["officer"])
        _named_cases(context, today)
    load_fair_access(context, today)
