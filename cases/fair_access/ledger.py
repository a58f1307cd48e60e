"""Fair Access: the ledger of what each school has taken, and the recommendation of whose turn it
is (with its reasons in plain words). The steps of a case are in services.py.

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
from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from psycopg2 import sql

from cases.exclusions.models import Exclusion
from cases.fair_access.models import FairAccessAllocation, FairAccessCase, YearGroupPlaces
from cases.pupils.models import Enrolment, Pupil
from organisations.calendar import long_date, school_year_of
from organisations.models import School

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
    # This child's own history with the school (left it, suspended or excluded from it), in
    # words: such a school goes after the others, its reason shown (possible off-rolling).
    ties: list[str] = field(default_factory=list)
    preferred: bool = False

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
            bool(s[0].ties),
            -round(s[2], 6),
            -s[0].refusals,
            -(s[0].places_free if s[0].places_free is not None else -1),
            s[0].name,
        )
    )
    found = []
    for number, (row, share, below) in enumerate(scored, start=1):
        reasons = [*row.ties] if row.ties else []
        if row.preferred:
            reasons.append("named in the parents' preference")
        reasons.append(f"took {row.taken} of the last {total} placements in {year_label}")
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
            reasons.append(
                f"{row.places_free} place{'s' if row.places_free != 1 else ''} free in {year_label}"
            )
        if home_district and row.district == home_district:
            reasons.append(f"in the pupil's own district, {home_district}")
        found.append(Recommendation(number, row, round(share, 2), round(below, 2), reasons))
    return found


@dataclass
class Reach:
    """Which schools are within reach of the child's home, and how that was decided, in words."""

    schools: list
    words: str


def candidate_schools(la, phase: str, home_district: str = "") -> Reach:
    """Open mainstream schools of the phase in the LA within reach of the child's home: in the
    home postcode district and the districts next to it (the LA's list, else the districts
    numbered either side). If none is there, the home postcode area; failing that, the LA."""
    schools = list(
        School.objects.filter(la=la, is_open=True, phase__in=PHASES[phase])
        .exclude(type__in=SPECIAL_TYPES)
        .order_by("name")
    )
    home_district = postcode_district(home_district)
    if not home_district:
        return Reach(schools, f"every {phase} school in {la.name} (no home district given)")
    near = la.districts_near(home_district)
    within = [s for s in schools if postcode_district(s.postcode) in near]
    if within:
        others = ", ".join(near[1:])
        return Reach(
            within,
            f"schools in the child's home district, {home_district}"
            + (f", and the districts next to it ({others})" if others else ""),
        )
    area = postcode_area(home_district)
    in_area = [s for s in schools if postcode_area(postcode_district(s.postcode)) == area]
    if in_area:
        return Reach(
            in_area,
            f"every {phase} school in the {area} postcode area: none is in {home_district} or "
            "the districts next to it",
        )
    return Reach(schools, f"every {phase} school in {la.name}: none is in the {area} postcode area")


def reach(case: FairAccessCase) -> Reach:
    return candidate_schools(case.la, case.phase, case.home_district)


def ties_to_schools(pupil: Pupil, today: date) -> dict[int, list[str]]:
    """The schools this child left, or was suspended or excluded from, this school year or last,
    with what happened in words ("left on 3 November 2026 (elective home education), 10 days
    after a suspension there")."""
    since = window_start(today)
    ties: dict[int, list[str]] = {}
    exclusions = list(
        Exclusion.objects.filter(pupil=pupil, start_date__gte=since)
        .exclude(state=Exclusion.State.CANCELLED)
        .order_by("start_date")
    )
    for exclusion in exclusions:
        what = "permanently excluded" if exclusion.kind == Exclusion.Kind.PERMANENT else "suspended"
        reasons = ", ".join(label.split(" (")[0].lower() for label in exclusion.reason_labels)
        ties.setdefault(exclusion.school_id, []).append(
            f"the child was {what} from this school on {long_date(exclusion.start_date)} "
            f"({reasons})"
        )
    for enrolment in Enrolment.objects.filter(pupil=pupil, left_on__gte=since).order_by("left_on"):
        words = (
            f"the child left this school on {long_date(enrolment.left_on)} "
            f"({enrolment.get_leaving_reason_display().lower()})"
        )
        before = [
            e
            for e in exclusions
            if e.school_id == enrolment.school_id
            and e.kind == Exclusion.Kind.SUSPENSION
            and e.start_date <= enrolment.left_on
        ]
        if before:
            gap = (enrolment.left_on - before[-1].start_date).days
            if gap <= OFF_ROLL_DAYS:
                words += (
                    f", {gap} day{'s' if gap != 1 else ''} after a suspension there: "
                    "possible off-rolling"
                )
        ties.setdefault(enrolment.school_id, []).append(words)
    return ties


# A removal from roll this soon after a suspension is flagged (Ofsted's off-rolling concern).
OFF_ROLL_DAYS = 30


def named_in(preference: str, name: str) -> bool:
    """Whether the parents' preference names the school (its name, with or without "School")."""
    text = " ".join(preference.lower().split())
    name = name.lower()
    short = name.removesuffix(" school").removesuffix(" academy")
    return bool(text) and (name in text or (len(short) > 6 and short in text))


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
    schools = candidate_schools(case.la, case.phase, case.home_district).schools
    refused = set(
        FairAccessAllocation.objects.filter(
            case=case, answer=FairAccessAllocation.Answer.REFUSED
        ).values_list("school_id", flat=True)
    )
    ties = ties_to_schools(case.pupil, today)
    rows = [
        replace(
            row,
            refused_this_child=row.school_id in refused,
            ties=ties.get(row.school_id, []),
            preferred=named_in(case.parental_preference, row.name),
        )
        for row in ledger_recent(schools, case.year_group, today)
    ]
    return rank(rows, case.year_label, case.home_district.upper())


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
