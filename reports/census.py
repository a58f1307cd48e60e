"""The DfE's two AP returns, built from the placements and checked as the DfE checks them.

- The **AP census**: the LA's January return of the placements it arranges and funds (third
  Thursday of January; the Education (Information about Children in AP) Regulations 2007).
- The **school census AP module** ("alternative provision placements arranged by schools"): the
  commissioning school returns each placement it arranged, at each termly census.

Every field written, its source, its codes and the check applied is in docs/dfe-formats.md; the
column lists below are the ones tested against that document. A placement that fails a check is
listed before the export and held back from the file until it is put right.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import ValidationError

from cases.pupils.identifiers import upn_validator
from cases.pupils.models import Pupil
from organisations.models import ProviderOrganisation, School
from placements.commissioning.models import Placement, PlacementReason

AP_CENSUS_COLUMNS = [
    "UPN",
    "Surname",
    "Forename",
    "Preferred surname",
    "Date of birth",
    "Sex",
    "Ethnicity",
    "SEN provision",
    "URN",
    "UKPRN",
    "AP setting type",
    "Primary reason for placement",
    "Entry date",
    "Leaving date",
    "Hours per week",
]

SCHOOL_CENSUS_COLUMNS = [
    "UPN",
    "Surname",
    "Forename",
    "Date of birth",
    "AP placement URN",
    "AP placement UKPRN",
    "AP placement setting type",
    "AP placement entry date",
    "AP placement leaving date",
    "AP placement association",
    "AP placement reason",
    "AP placement attendance pattern",
    "AP placement sessions per week",
]

# The DfE's type of setting, for a placement with neither URN nor UKPRN.
SETTING_TYPES = {
    ProviderOrganisation.Kind.FE_COLLEGE: "NFE",
    ProviderOrganisation.Kind.TUITION: "OOT",
    ProviderOrganisation.Kind.ONLINE: "OOT",
    ProviderOrganisation.Kind.WORK_BASED: "WBP",
    ProviderOrganisation.Kind.UNREGISTERED: "OTH",
}
# Registered schools: the DfE finds them by URN, so one without it cannot be returned.
NEEDS_URN = {
    ProviderOrganisation.Kind.PRU,
    ProviderOrganisation.Kind.AP_ACADEMY,
    ProviderOrganisation.Kind.AP_FREE_SCHOOL,
    ProviderOrganisation.Kind.INDEPENDENT_SCHOOL,
}
REASON_CODES = {
    PlacementReason.PERMANENT_EXCLUSION: "PEX",
    PlacementReason.SUSPENSION: "SUS",
    PlacementReason.BEHAVIOUR: "BEH",
    PlacementReason.PHYSICAL_HEALTH: "PHY",
    PlacementReason.MENTAL_HEALTH: "MEN",
    PlacementReason.EHC_PLAN: "EHC",
    PlacementReason.AWAITING_PLACE: "AWT",
    PlacementReason.PREGNANCY: "PRG",
    PlacementReason.OTHER: "OTH",
}
# A school-commissioned placement on the provider's roll as well is dual registered there.
ASSOCIATION = {True: "DR", False: "NR"}
# The AP census covers children aged 2 to 18 (age on 31 August before census day).
AP_CENSUS_AGES = (2, 18)


def nth_thursday(year: int, month: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(3 - first.weekday()) % 7 + 7 * (n - 1))


def ap_census_day(year: int) -> date:
    """The AP census day: the third Thursday of January."""
    return nth_thursday(year, 1, 3)


SCHOOL_CENSUSES = {"autumn": (10, 1), "spring": (1, 3), "summer": (5, 3)}


def school_census_day(school_year: int, term: str) -> date:
    """Census days: autumn the first Thursday of October, spring the third Thursday of January,
    summer the third Thursday of May (school_year: 2026 for 2026/27)."""
    month, n = SCHOOL_CENSUSES[term]
    return nth_thursday(school_year if month >= 9 else school_year + 1, month, n)


def school_census_period(school_year: int, term: str) -> tuple[date, date]:
    """A termly return covers the placements running since the previous census day."""
    day = school_census_day(school_year, term)
    previous = {
        "autumn": school_census_day(school_year - 1, "summer"),
        "spring": school_census_day(school_year, "autumn"),
        "summer": school_census_day(school_year, "spring"),
    }[term]
    return previous + timedelta(days=1), day


def ap_census_period(year: int) -> tuple[date, date]:
    """The year up to census day: from the day after last January's census day."""
    return ap_census_day(year - 1) + timedelta(days=1), ap_census_day(year)


@dataclass
class Return:
    """One return: the rows ready to send, and the placements held back with what is wrong."""

    columns: list[str]
    period: tuple[date, date]
    rows: list[list[str]] = field(default_factory=list)
    failures: list[tuple[Placement, list[str]]] = field(default_factory=list)
    placements: list[Placement] = field(default_factory=list)


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def _in_period(queryset, period: tuple[date, date]):
    start, end = period
    return (
        queryset.filter(state__in=[Placement.State.ACTIVE, Placement.State.ENDED])
        .filter(start_date__lte=end)
        .exclude(ended_on__lt=start)
        .select_related("pupil", "provider")
        .prefetch_related("pupil__enrolments")
        .order_by("pupil__legal_last_name", "pupil__legal_first_name", "start_date", "pk")
    )


def _where(provider: ProviderOrganisation) -> tuple[list[str], list[str]]:
    """URN, UKPRN or setting type: exactly one (DfE check), and what stops that."""
    if provider.urn:
        return [provider.urn, "", ""], []
    if provider.kind in NEEDS_URN:
        return ["", "", ""], [
            f"{provider.name} is a {provider.get_kind_display().lower()}: record its URN"
        ]
    if provider.ukprn:
        return ["", provider.ukprn, ""], []
    return ["", "", SETTING_TYPES.get(provider.kind, "OTH")], []


def _pupil_problems(pupil: Pupil) -> list[str]:
    problems = []
    try:
        upn_validator(pupil.upn)
    except ValidationError as error:
        problems.append(f"UPN: {error.messages[0]}")
    return problems


def _leaving(placement: Placement, end: date) -> date | None:
    """Blank while the placement runs on census day."""
    last = placement.ended_on
    return last if last is not None and last <= end else None


def _reason(placement: Placement) -> tuple[str, list[str]]:
    if not placement.reason:
        return "", ["Record the placement's primary reason"]
    return REASON_CODES[placement.reason], []


def ap_census(*, placements, year: int) -> Return:
    """The AP census for January `year`: one row per LA-arranged placement attended in the
    year up to census day."""
    period = ap_census_period(year)
    result = Return(AP_CENSUS_COLUMNS, period)
    august = date(year - 1, 8, 31)
    queryset = placements.exclude(source=Placement.Source.SCHOOL).exclude(
        funding=Placement.Funding.SCHOOL
    )
    for placement in _in_period(queryset, period):
        pupil = placement.pupil
        result.placements.append(placement)
        where, problems = _where(placement.provider)
        reason, missing = _reason(placement)
        problems += missing + _pupil_problems(pupil)
        dob = pupil.date_of_birth
        age = august.year - dob.year - ((august.month, august.day) < (dob.month, dob.day))
        if not AP_CENSUS_AGES[0] <= age <= AP_CENSUS_AGES[1]:
            problems.append(
                f"Aged {age} on 31 August {august.year}: the census covers ages 2 to 18"
            )
        if problems:
            result.failures.append((placement, problems))
            continue
        result.rows.append(
            [
                pupil.upn,
                pupil.legal_last_name,
                pupil.legal_first_name,
                pupil.preferred_last_name,
                _iso(dob),
                pupil.sex,
                pupil.ethnicity,
                pupil.sen_status,
                *where,
                reason,
                _iso(placement.start_date),
                _iso(_leaving(placement, period[1])),
                f"{placement.hours_per_week:g}",
            ]
        )
    return result


def _enrolment_at(pupil: Pupil, school: School, day: date):
    """The pupil's spell on the school's roll that the placement starts in (or the last one)."""
    spells = sorted(
        (e for e in pupil.enrolments.all() if e.school_id == school.pk), key=lambda e: e.joined_on
    )
    for spell in reversed(spells):
        if spell.joined_on <= day:
            return spell
    return spells[-1] if spells else None


def school_census(*, placements, school: School, school_year: int, term: str) -> Return:
    """The school census AP module for one school's census: every placement the school
    arranged that ran in the census period."""
    period = school_census_period(school_year, term)
    result = Return(SCHOOL_CENSUS_COLUMNS, period)
    queryset = placements.filter(school=school, source=Placement.Source.SCHOOL)
    for placement in _in_period(queryset, period):
        pupil = placement.pupil
        result.placements.append(placement)
        where, problems = _where(placement.provider)
        reason, missing = _reason(placement)
        problems += missing + _pupil_problems(pupil)
        leaving = _leaving(placement, period[1])
        spell = _enrolment_at(pupil, school, placement.start_date)
        if spell is None or spell.joined_on > placement.start_date:
            problems.append(
                "The placement starts before the pupil joined the school"
                if spell
                else "The pupil is not on the school's roll"
            )
        elif spell.left_on is not None and (leaving is None or leaving > spell.left_on):
            problems.append(
                f"The pupil left the school on {spell.left_on:%-d %B %Y}: the placement's "
                "leaving date must be on or before then"
            )
        sessions = len(placement.sessions)
        if not 1 <= sessions <= 10:
            problems.append("Sessions per week must be 1 to 10")
        if problems:
            result.failures.append((placement, problems))
            continue
        result.rows.append(
            [
                pupil.upn,
                pupil.legal_last_name,
                pupil.legal_first_name,
                _iso(pupil.date_of_birth),
                *where,
                _iso(placement.start_date),
                _iso(leaving),
                ASSOCIATION[placement.dual_registered],
                reason,
                "PT" if placement.part_time else "FT",
                str(sessions),
            ]
        )
    return result
