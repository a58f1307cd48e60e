"""Fair Access: the ledger of what each school has taken, the recommendation of whose turn it is
(with its reasons in plain words), and the steps of a case.

The ledger counts, for a year group over this school year and the last, each school's in-year
Fair Access admissions, permanently excluded pupils it admitted in year, looked-after and EHCP
pupils it admitted in year, and its Fair Access refusals. A school's share of the next child is
its size against the size of the candidate schools; the school furthest below its share comes
first. Full schools take part (domain.md section 3: no school is exempt for being full), and a
refusal never moves a school down the list.
"""

import hashlib
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from psycopg2 import sql

from approvision.records import Refused, lock_current
from cases.models import (
    Enrolment,
    Exclusion,
    FairAccessAllocation,
    FairAccessCase,
    Pupil,
    YearGroupPlaces,
)
from organisations.calendar import SchoolCalendar, long_date, school_year_of
from organisations.models import School, User

CLOCK_SCHOOL_DAYS = 20
SPECIAL_TYPES = ("community_special", "academy_special")
PHASES = {
    FairAccessCase.Phase.PRIMARY: ("primary", "all_through"),
    FairAccessCase.Phase.SECONDARY: ("secondary", "all_through"),
}
# "In year" admissions: joining after the first fortnight of September (the normal round).
IN_YEAR_AFTER_DAY = 14


def postcode_district(postcode: str) -> str:
    return (postcode or "").strip().upper().split(" ")[0]


def postcode_area(district: str) -> str:
    return "".join(ch for ch in district if ch.isalpha())


def window_start(today: date) -> date:
    """The ledger covers this school year and the last."""
    return date(school_year_of(today) - 1, 9, 1)


@dataclass
class LedgerRow:
    """One school's record in one year group (this school year and the last)."""

    school_id: int
    name: str
    size: int
    district: str = ""
    fair_access: int = 0
    excluded_admitted: int = 0
    vulnerable_admitted: int = 0
    refusals: int = 0
    places_free: int | None = None
    refused_this_child: bool = False

    @property
    def taken(self) -> int:
        return self.fair_access + self.excluded_admitted + self.vulnerable_admitted


@dataclass
class Recommendation:
    rank: int
    row: LedgerRow
    share: float
    below_share: float
    reasons: list[str] = field(default_factory=list)

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


def rank(rows: list[LedgerRow], year_label: str, home_district: str = "") -> list[Recommendation]:
    """Rank the candidate schools for the next child: furthest below its share of what the
    candidates have taken (by size) first. Ties go to the school with more refusals (refusing never
    helps a school), then the one with more free places, then by name. Pure: test it on any rows."""
    total = sum(r.taken for r in rows)
    size = sum(r.size for r in rows) or 1
    scored = []
    for row in rows:
        # Its share of everything taken so far plus this child.
        share = (total + 1) * row.size / size
        scored.append((row, share, share - row.taken))
    scored.sort(
        key=lambda s: (
            -round(s[2], 6),
            -s[0].refusals,
            -(s[0].places_free if s[0].places_free is not None else -1),
            s[0].name,
        )
    )
    found = []
    for number, (row, share, below) in enumerate(scored, start=1):
        reasons = [f"took {row.taken} of the last {total} placements in {year_label}"]
        whole = round(below)
        if whole > 0:
            reasons.append(f"{whole} below its share")
        elif whole < 0:
            reasons.append(f"{-whole} above its share")
        else:
            reasons.append("at its share")
        if row.refusals:
            reasons.append(
                f"refused {row.refusals} Fair Access place{'s' if row.refusals > 1 else ''}"
            )
        if row.refused_this_child:
            reasons.append("refused this child")
        if row.places_free == 0:
            reasons.append(f"no places in {year_label} (full schools still take part)")
        elif row.places_free is not None:
            reasons.append(f"{row.places_free} places free in {year_label}")
        if home_district and row.district == home_district:
            reasons.append(f"in the pupil's own district, {home_district}")
        found.append(Recommendation(number, row, round(share, 2), round(below, 2), reasons))
    return found


def candidate_schools(la, phase: str, home_district: str = ""):
    """Open mainstream schools of the phase in the LA, within a reasonable distance: the same
    postcode area as the pupil's home (all of the LA's when no home district is given)."""
    schools = (
        School.objects.filter(la=la, is_open=True, phase__in=PHASES[phase])
        .exclude(type__in=SPECIAL_TYPES)
        .order_by("name")
    )
    area = postcode_area(home_district)
    if area:
        near = schools.filter(postcode__istartswith=area)
        # Postcode areas are letters: "NM" must not take "NMX"; check the letter run exactly.
        near = [s for s in near if postcode_area(postcode_district(s.postcode)) == area]
        if near:
            return near
    return list(schools)


def ledger(
    schools: list[School], year_group: int, today: date, case: FairAccessCase | None = None
) -> list[LedgerRow]:
    """The ledger rows of these schools in a year group, from the records themselves."""
    since = window_start(today)
    ids = [s.pk for s in schools]
    rows = {
        s.pk: LedgerRow(s.pk, s.name, s.pupils_on_roll or 1, postcode_district(s.postcode))
        for s in schools
    }
    allocations = FairAccessAllocation.objects.filter(
        school_id__in=ids, case__year_group=year_group, allocated_on__gte=since
    ).values_list("school_id", "answer", "case_id")
    for school_id, answer, case_id in allocations:
        if answer == FairAccessAllocation.Answer.ACCEPTED:
            rows[school_id].fair_access += 1
        elif answer == FairAccessAllocation.Answer.REFUSED:
            rows[school_id].refusals += 1
            if case is not None and case_id == case.pk:
                rows[school_id].refused_this_child = True
    fair_access_pupils = set(
        FairAccessCase.objects.filter(
            allocations__school_id__in=ids, allocations__answer="accepted"
        ).values_list("pupil_id", flat=True)
    )
    # In-year admissions of excluded, looked-after and EHCP pupils (not already counted above).
    excluded_before = Exclusion.objects.filter(
        pupil=OuterRef("pupil"), kind=Exclusion.Kind.PERMANENT, start_date__lt=OuterRef("joined_on")
    ).exclude(school_id=OuterRef("school_id"))
    joins = (
        Enrolment.objects.filter(school_id__in=ids, joined_on__gte=since)
        # In-year only: not the normal round's joins in the first fortnight of September.
        .exclude(joined_on__month=9, joined_on__day__lte=IN_YEAR_AFTER_DAY)
        .filter(
            Q(pupil__looked_after=True)
            | Q(pupil__sen_status=Pupil.SenStatus.EHCP)
            | Exists(excluded_before)
        )
        .annotate(was_excluded=Exists(excluded_before))
        .values_list("school_id", "joined_on", "pupil_id", "pupil__date_of_birth", "was_excluded")
    )
    for school_id, joined_on, pupil_id, born, was_excluded in joins:
        if pupil_id in fair_access_pupils:
            continue
        if Pupil(date_of_birth=born).year_group(joined_on) != year_group:
            continue
        if was_excluded:
            rows[school_id].excluded_admitted += 1
        else:
            rows[school_id].vulnerable_admitted += 1
    for places in YearGroupPlaces.objects.filter(school_id__in=ids, year_group=year_group):
        rows[places.school_id].places_free = places.free
    return list(rows.values())


def ledger_version() -> tuple:
    """Changes whenever anything the ledger counts changes: the newest history row of each
    model it reads (every change through the services writes one), and the year-group places
    (which keep no history). One query of index-only MAXes."""
    newest = [
        sql.SQL("(SELECT max(history_id) FROM {})").format(
            sql.Identifier(model.history.model._meta.db_table)
        )
        for model in (FairAccessAllocation, FairAccessCase, Exclusion, Enrolment, Pupil, School)
    ]
    places = sql.SQL(
        "(SELECT concat_ws(',', count(*), sum(capacity), sum(on_roll), max(id)) FROM {})"
    ).format(sql.Identifier(YearGroupPlaces._meta.db_table))
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("SELECT {}").format(sql.SQL(", ").join([*newest, places])))
        return cursor.fetchone()


LEDGER_CACHE_SECONDS = 300


def ledger_recent(schools: list[School], year_group: int, today: date) -> list[LedgerRow]:
    """The ledger, kept while none of its records change (and 5 minutes at most): reading it
    costs tens of milliseconds for a large LA, and the Fair Access page shows it every time."""
    ids = ",".join(str(s.pk) for s in schools)
    key = hashlib.sha256(
        f"{ids}|{year_group}|{window_start(today)}|{ledger_version()}".encode()
    ).hexdigest()
    return cache.get_or_set(
        f"fa-ledger:{key}", lambda: ledger(schools, year_group, today), LEDGER_CACHE_SECONDS
    )


def recommend(case: FairAccessCase, today: date | None = None) -> list[Recommendation]:
    today = today or timezone.localdate()
    schools = candidate_schools(case.la, case.phase, case.home_district)
    refused = set(
        FairAccessAllocation.objects.filter(
            case=case, answer=FairAccessAllocation.Answer.REFUSED
        ).values_list("school_id", flat=True)
    )
    rows = [
        replace(row, refused_this_child=row.school_id in refused)
        for row in ledger_recent(schools, case.year_group, today)
    ]
    return rank(rows, case.year_label, case.home_district.upper())


# ---------------------------------------------------------------------------------------------
# The steps of a case


@transaction.atomic
def fair_access_open(
    *,
    pupil: Pupil,
    by: User,
    groups: list[str],
    unplaced_since: date,
    applications_tried: str,
    home_district: str,
    referred_on: date,
    parental_preference: str = "",
) -> FairAccessCase:
    """Open a case for an unplaced child in one or more of the 13 groups."""
    today = timezone.localdate()
    if not groups:
        raise Refused("Select at least one of the groups the child is in", field="groups")
    if pupil.sen_status == Pupil.SenStatus.EHCP:
        raise Refused(
            "A child with an EHC plan is placed through the SEND process, not Fair Access",
            field="groups",
        )
    if unplaced_since > today:
        raise Refused("The date cannot be in the future", field="unplaced_since")
    if referred_on > today:
        raise Refused("The referral date cannot be in the future", field="referred_on")
    if not applications_tried.strip():
        raise Refused(
            "Say which in-year applications were made, and what happened",
            field="applications_tried",
        )
    if pupil.enrolments.filter(left_on__isnull=True).exists():
        raise Refused("This child is on a school's roll: Fair Access is for unplaced children")
    if FairAccessCase.objects.filter(pupil=pupil, state__in=FairAccessCase.OPEN_STATES).exists():
        raise Refused("This child already has an open Fair Access case")
    year_group = pupil.year_group(today)
    if not 0 <= year_group <= 11:
        raise Refused("Fair Access is for children of compulsory school age")
    return FairAccessCase.objects.create(
        la=pupil.la,
        pupil=pupil,
        groups=sorted(set(groups), key=int),
        unplaced_since=unplaced_since,
        applications_tried=applications_tried.strip(),
        phase=FairAccessCase.Phase.PRIMARY if year_group <= 6 else FairAccessCase.Phase.SECONDARY,
        year_group=year_group,
        home_district=home_district.strip().upper(),
        parental_preference=parental_preference.strip(),
        referred_on=referred_on,
        created_by=by,
    )


def _locked(case: FairAccessCase, version: int) -> FairAccessCase:
    return lock_current(FairAccessCase.objects.select_related("la", "pupil"), case.pk, version)


def _save(case: FairAccessCase, *fields: str) -> FairAccessCase:
    case.version += 1
    case.save(update_fields=[*fields, "version"])
    return case


@transaction.atomic
def fair_access_agree(
    *, case: FairAccessCase, by: User, version: int, agreed_on: date
) -> FairAccessCase:
    """The panel agrees to consider the case: the 20-school-day clock to allocate a place starts,
    counted on the LA's calendar."""
    case = _locked(case, version)
    if case.state != FairAccessCase.State.REFERRED:
        raise Refused("The panel has already agreed to consider this case")
    if agreed_on > timezone.localdate():
        raise Refused("The date cannot be in the future", field="agreed_on")
    if agreed_on < case.referred_on:
        raise Refused("The panel agreed after the referral", field="agreed_on")
    case.agreed_on = agreed_on
    case.allocation_due = (
        SchoolCalendar.for_la(case.la).nth_school_day_after(agreed_on, CLOCK_SCHOOL_DAYS).date
    )
    case.state = FairAccessCase.State.AGREED
    return _save(case, "agreed_on", "allocation_due", "state")


@transaction.atomic
def fair_access_allocate(
    *,
    case: FairAccessCase,
    by: User,
    version: int,
    school: School,
    reason: str = "",
    today: date | None = None,
) -> FairAccessAllocation:
    """The panel asks a school to admit the child. Another school than the first recommended
    needs the panel's reason, recorded."""
    today = today or timezone.localdate()
    case = _locked(case, version)
    if case.state not in (FairAccessCase.State.AGREED, FairAccessCase.State.REFUSED):
        raise Refused("A school is allocated once the panel has agreed to consider the case")
    if school.la_id != case.la_id:
        raise Refused("Select a school in the local authority", field="school")
    if school.phase not in PHASES[case.phase] or school.type in SPECIAL_TYPES:
        raise Refused(
            f"{school.name} is not a mainstream {case.get_phase_display().lower()} school: "
            f"this child needs a {case.get_phase_display().lower()} place",
            field="school",
        )
    ranked = recommend(case, today)
    position = next((r.rank for r in ranked if r.row.school_id == school.pk), None)
    if position != 1 and not reason.strip():
        first = ranked[0].row.name if ranked else "another school"
        raise Refused(
            f"{first} is recommended first: give the panel's reason for choosing {school.name}",
            field="reason",
        )
    if case.allocations.filter(school=school).exists():
        raise Refused(f"{school.name} has already been asked to admit this child", field="school")
    allocation = FairAccessAllocation.objects.create(
        case=case,
        school=school,
        allocated_on=today,
        allocated_by=by,
        recommended_rank=position,
        reason_not_first=reason.strip() if position != 1 else "",
    )
    case.state = FairAccessCase.State.ALLOCATED
    _save(case, "state")
    return allocation


def _current(case: FairAccessCase) -> FairAccessAllocation:
    allocation = case.allocations.select_for_update().order_by("-allocated_on", "-pk").first()
    if allocation is None:
        raise Refused("No school has been asked yet")
    return allocation


@transaction.atomic
def fair_access_answer(
    *,
    case: FairAccessCase,
    by: User,
    version: int,
    accept: bool,
    start_date: date | None = None,
    refusal_reason: str = "",
) -> FairAccessAllocation:
    """The school answers: it admits the child from a start date, or refuses with its reason."""
    case = _locked(case, version)
    if case.state != FairAccessCase.State.ALLOCATED:
        raise Refused("This case is not waiting for a school's answer")
    allocation = _current(case)
    membership = by.membership_or_none()
    if membership is not None and membership.school_id not in (None, allocation.school_id):
        raise Refused("Only the school asked can answer")
    if accept:
        if start_date is None:
            raise Refused("Enter the date the child starts", field="start_date")
        if start_date < allocation.allocated_on:
            raise Refused(
                "The start date cannot be before the allocation on "
                f"{long_date(allocation.allocated_on)}",
                field="start_date",
            )
        allocation.answer = FairAccessAllocation.Answer.ACCEPTED
        allocation.start_date = start_date
        case.state = FairAccessCase.State.ACCEPTED
    else:
        if not refusal_reason.strip():
            raise Refused("Give the reason for refusing", field="refusal_reason")
        allocation.answer = FairAccessAllocation.Answer.REFUSED
        allocation.refusal_reason = refusal_reason.strip()
        case.state = FairAccessCase.State.REFUSED
    allocation.answered_on = timezone.localdate()
    allocation.answered_by = by
    allocation.save()
    _save(case, "state")
    return allocation


@transaction.atomic
def fair_access_escalate(*, case: FairAccessCase, by: User, version: int) -> FairAccessAllocation:
    """A refusal goes to a direction: the LA directs a maintained school; for an academy the LA
    asks the Secretary of State (through the ESFA)."""
    case = _locked(case, version)
    if case.state != FairAccessCase.State.REFUSED:
        raise Refused("Only a refusal can be escalated")
    allocation = _current(case)
    academy = allocation.school.trust_id is not None
    allocation.escalation = (
        FairAccessAllocation.Escalation.SECRETARY_OF_STATE
        if academy
        else FairAccessAllocation.Escalation.DIRECTION
    )
    allocation.escalated_on = timezone.localdate()
    allocation.save(update_fields=["escalation", "escalated_on"])
    case.state = FairAccessCase.State.ESCALATED
    _save(case, "state")
    return allocation


@transaction.atomic
def fair_access_direction_decided(
    *,
    case: FairAccessCase,
    by: User,
    version: int,
    directed: bool,
    decided_on: date,
    start_date: date | None = None,
) -> FairAccessAllocation:
    case = _locked(case, version)
    if case.state != FairAccessCase.State.ESCALATED:
        raise Refused("This case has not been escalated")
    allocation = _current(case)
    if decided_on < allocation.escalated_on or decided_on > timezone.localdate():
        raise Refused(
            "The decision comes after the escalation and not in the future", field="decided_on"
        )
    allocation.escalation_decided_on = decided_on
    allocation.directed = directed
    if directed:
        if start_date is None or start_date < decided_on:
            raise Refused("Enter a start date on or after the direction", field="start_date")
        allocation.answer = FairAccessAllocation.Answer.ACCEPTED
        allocation.start_date = start_date
        case.state = FairAccessCase.State.ACCEPTED
    else:
        case.state = FairAccessCase.State.REFUSED
    allocation.save()
    _save(case, "state")
    return allocation


@transaction.atomic
def fair_access_start(
    *, case: FairAccessCase, by: User, version: int, started_on: date
) -> FairAccessCase:
    """The child starts: they join the school's roll and the case closes."""
    case = _locked(case, version)
    if case.state != FairAccessCase.State.ACCEPTED:
        raise Refused("The child starts once a school has admitted them")
    allocation = _current(case)
    if started_on < allocation.allocated_on:
        raise Refused(
            f"The child cannot start before the allocation on {long_date(allocation.allocated_on)}",
            field="started_on",
        )
    if started_on > timezone.localdate():
        raise Refused("Record the start once it has happened", field="started_on")
    Enrolment.objects.create(pupil=case.pupil, school=allocation.school, joined_on=started_on)
    case.started_on = started_on
    case.state = FairAccessCase.State.STARTED
    return _save(case, "started_on", "state")


def fair_shares(la, phase: str, today: date | None = None) -> list[dict]:
    """Each school's Fair Access admissions this school year against its fair share (by size),
    for the oversight page."""
    today = today or timezone.localdate()
    since = date(school_year_of(today), 9, 1)
    schools = list(
        School.objects.filter(la=la, is_open=True, phase__in=PHASES[phase])
        .exclude(type__in=SPECIAL_TYPES)
        .select_related("trust")
        .order_by("name")
    )
    accepted = {}
    refused = {}
    for school_id, answer in FairAccessAllocation.objects.filter(
        school__in=schools, allocated_on__gte=since
    ).values_list("school_id", "answer"):
        if answer == FairAccessAllocation.Answer.ACCEPTED:
            accepted[school_id] = accepted.get(school_id, 0) + 1
        elif answer == FairAccessAllocation.Answer.REFUSED:
            refused[school_id] = refused.get(school_id, 0) + 1
    total = sum(accepted.values())
    size = sum(s.pupils_on_roll for s in schools) or 1
    rows = []
    for school in schools:
        share = total * school.pupils_on_roll / size
        taken = accepted.get(school.pk, 0)
        rows.append(
            {
                "school": school,
                "taken": taken,
                "refused": refused.get(school.pk, 0),
                "share": round(share, 1),
                "difference": round(taken - share, 1),
            }
        )
    return rows


def near_deadline(cases, today: date | None = None, days: int = 7):
    """Open cases waiting for a place whose 20 days are past or end within a week."""
    today = today or timezone.localdate()
    return cases.filter(
        state__in=[FairAccessCase.State.AGREED, FairAccessCase.State.REFUSED],
        allocation_due__lte=today + timedelta(days=days),
    ).order_by("allocation_due")
