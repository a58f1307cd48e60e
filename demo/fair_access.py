"""The demo LA's Fair Access history: last school year and this one, across its secondary schools,
with one school well over its share (Kelmscott High School takes far more than its size says) and
one well under (Harbridge Academy, the largest, has taken none). Open cases at each step. Called
by cases/demo.py; loaded once; deterministic."""

import random
from datetime import date, timedelta

from stdnum.gb import upn as stdnum_upn

from cases.fair_access.ledger import CLOCK_SCHOOL_DAYS, PHASES, SPECIAL_TYPES, postcode_district
from cases.fair_access.models import (
    FairAccessAllocation,
    FairAccessCase,
    FairAccessGroup,
    YearGroupPlaces,
)
from cases.pupils.models import Enrolment, Pupil
from demo.organisations import DemoContext
from organisations.calendar import SchoolCalendar, school_year_of
from organisations.models import School

FIRST = ["Amir", "Bella", "Callum", "Daisy", "Eli", "Freya", "Gabriel", "Hana", "Isaac", "Jess"]
LAST = ["Adeyemi", "Byrne", "Clarke", "Doherty", "Evans", "Fraser", "Gill", "Hussain", "Ivanova"]
APPLICATIONS = [
    "Applied to two schools in year: both full in the year group.",
    "Arrived from out of county; three applications, all refused as full.",
    "Left a refuge placement; the nearest school refused; appeal pending.",
]
# Weights for where past cases went: Kelmscott far above its size, Harbridge Academy never.
OVER, UNDER = "Kelmscott High School", "Harbridge Academy"


def _pupil(rng, la, year_group: int, school_year: int, serial: int) -> Pupil:
    body = f"{la.code}8{serial // 1000 % 1000:03d}{school_year % 100:02d}{serial % 1000:03d}"
    born = date(school_year - year_group - 5, 9, 1) + timedelta(days=rng.randrange(365))
    return Pupil.objects.create(
        la=la,
        upn=stdnum_upn.calc_check_digit(body) + body,
        legal_first_name=rng.choice(FIRST),
        legal_last_name=rng.choice(LAST),
        date_of_birth=born,
        sex=rng.choice("MF"),
        sen_status=rng.choice("NNNK"),
    )


def load_fair_access(context: DemoContext, today: date) -> None:
    la = context.las["929"]
    if FairAccessCase.objects.filter(la=la).exists():
        return
    rng = random.Random(3929)
    officer = context.users["officer"]
    calendar = SchoolCalendar.for_la(la)
    schools = list(
        School.objects.filter(la=la, is_open=True, phase__in=PHASES["secondary"])
        .exclude(type__in=SPECIAL_TYPES)
        .order_by("name")
    )
    if len(schools) < 3:
        return
    for school in schools:
        for year_group in range(7, 12):
            capacity = max(30, school.pupils_on_roll // 5 // 30 * 30)
            full = school.name == OVER and year_group == 9
            YearGroupPlaces.objects.create(
                school=school,
                year_group=year_group,
                capacity=capacity,
                on_roll=capacity if full else capacity - rng.randint(0, 6),
            )
    weights = [
        0 if s.name == UNDER else (s.pupils_on_roll * 4 if s.name == OVER else s.pupils_on_roll)
        for s in schools
    ]
    this_year = school_year_of(today)
    serial = 0
    # A year of closed cases, spread over last school year and this one.
    first_day = date(this_year - 1, 9, 20)
    span = (today - timedelta(days=30) - first_day).days
    for number in range(30):
        referred = first_day + timedelta(days=span * number // 30)
        year_group = rng.randint(7, 11)
        serial += 1
        pupil = _pupil(rng, la, year_group, school_year_of(referred), serial)
        agreed = referred + timedelta(days=rng.randint(2, 7))
        case = FairAccessCase.objects.create(
            la=la,
            pupil=pupil,
            groups=sorted(
                rng.sample([g.value for g in FairAccessGroup], rng.randint(1, 2)), key=int
            ),
            unplaced_since=referred - timedelta(weeks=rng.randint(4, 10)),
            applications_tried=rng.choice(APPLICATIONS),
            phase="secondary",
            year_group=pupil.year_group(referred),
            home_district=postcode_district(rng.choice(schools).postcode),
            referred_on=referred,
            agreed_on=agreed,
            allocation_due=calendar.nth_school_day_after(agreed, CLOCK_SCHOOL_DAYS).date,
            state=FairAccessCase.State.STARTED,
            created_by=officer,
        )
        allocated_on = agreed + timedelta(days=rng.randint(3, 12))
        if rng.random() < 0.2:
            # Refused first by another school, then placed.
            refuser = rng.choice([s for s in schools if s.name != OVER])
            FairAccessAllocation.objects.create(
                case=case,
                school=refuser,
                allocated_on=allocated_on,
                allocated_by=officer,
                recommended_rank=1,
                answer=FairAccessAllocation.Answer.REFUSED,
                answered_on=allocated_on + timedelta(days=3),
                refusal_reason="Year group over its admission number",
            )
            allocated_on += timedelta(days=7)
        school = rng.choices(schools, weights=weights)[0]
        start = allocated_on + timedelta(days=rng.randint(5, 10))
        FairAccessAllocation.objects.create(
            case=case,
            school=school,
            allocated_on=allocated_on,
            allocated_by=officer,
            recommended_rank=rng.randint(1, 3),
            reason_not_first="" if rng.random() < 0.6 else "Parental preference and transport",
            answer=FairAccessAllocation.Answer.ACCEPTED,
            answered_on=allocated_on + timedelta(days=2),
            start_date=start,
        )
        case.started_on = start
        case.save(update_fields=["started_on"])
        Enrolment.objects.create(pupil=pupil, school=school, joined_on=start)
    # Open cases, one at each step.
    steps = [
        ("referred", None),
        ("agreed", 12),
        ("refused", 24),
        ("allocated", 8),
    ]
    for state, school_days_ago in steps:
        serial += 1
        pupil = _pupil(rng, la, 9, this_year, serial)
        agreed = None
        if school_days_ago is not None:
            agreed = today
            for _ in range(school_days_ago):
                agreed -= timedelta(days=1)
                while not calendar.is_school_day(agreed):
                    agreed -= timedelta(days=1)
        referred = (agreed or today) - timedelta(days=4)
        case = FairAccessCase.objects.create(
            la=la,
            pupil=pupil,
            groups=["7", "12"] if state != "allocated" else ["1"],
            unplaced_since=referred - timedelta(weeks=5),
            applications_tried=rng.choice(APPLICATIONS),
            phase="secondary",
            year_group=9,
            home_district="NM1",
            parental_preference="Harbridge Academy, for the bus route",
            referred_on=referred,
            agreed_on=agreed,
            allocation_due=calendar.nth_school_day_after(agreed, CLOCK_SCHOOL_DAYS).date
            if agreed
            else None,
            state=state,
            created_by=officer,
        )
        if state in ("refused", "allocated"):
            asked = next(s for s in schools if s.name == UNDER)
            FairAccessAllocation.objects.create(
                case=case,
                school=asked,
                allocated_on=agreed + timedelta(days=2),
                allocated_by=officer,
                recommended_rank=1,
                answer="refused" if state == "refused" else "pending",
                answered_on=agreed + timedelta(days=5) if state == "refused" else None,
                refusal_reason="No places in Year 9" if state == "refused" else "",
            )
    _new_to_the_area(la, officer, today)


def _new_to_the_area(la, officer, today: date) -> None:
    """A child from abroad with no school place and no UPN, recorded through the same services as
    an officer's page: a temporary UPN, the home postcode and last school, and a case opened."""
    from cases.fair_access.services import fair_access_open
    from cases.pupils.services import pupil_create_unplaced

    child = pupil_create_unplaced(
        by=officer,
        la=la,
        legal_first_name="Oksana",
        legal_last_name="Melnyk",
        date_of_birth=date(school_year_of(today) - 13, 2, 17),  # Year 8
        sex="F",
        arrived_on=today - timedelta(days=12),
        home_postcode="NM4 7QL",
        last_school_elsewhere="Lyceum No. 21, Lviv, Ukraine",
    )
    fair_access_open(
        pupil=child,
        by=officer,
        groups=["9"],  # a refugee
        unplaced_since=child.arrived_on,
        applications_tried="None yet: the family arrived from Ukraine twelve days ago.",
        home_district="NM4",
        referred_on=today,
        parental_preference="Marden Vale Academy, which her cousin attends",
    )
