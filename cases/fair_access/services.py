"""The Fair Access Protocol's casework: a case opened for an unplaced child in an eligible group,
the panel's agreement (the 20-school-day clock), the school asked, its answer, and a direction
after a refusal (School Admissions Code 2021 para 3.17; DfE Fair Access guidance 2021; domain.md
section 3). Every move goes through FairAccessCase.MOVES."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from approvision.records import Refused, lock_current, transition
from cases.casework.services import lead_first
from cases.fair_access.access import may_allocate, runs_casework
from cases.fair_access.ledger import CLOCK_SCHOOL_DAYS, PHASES, SPECIAL_TYPES, recommend
from cases.fair_access.models import FairAccessAllocation, FairAccessCase
from cases.notices import events as notices
from cases.pupils.models import Enrolment, Pupil
from organisations.calendar import SchoolCalendar, long_date
from organisations.models import School, User


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
    case = FairAccessCase.objects.create(
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
    lead_first(record=case, by=by)
    return case


def _locked(case: FairAccessCase, version: int) -> FairAccessCase:
    return lock_current(FairAccessCase.objects.select_related("la", "pupil"), case.pk, version)


@transaction.atomic
def fair_access_agree(
    *, case: FairAccessCase, by: User, version: int, agreed_on: date
) -> FairAccessCase:
    """The panel agrees to consider the case: the 20-school-day clock to allocate a place starts,
    counted on the LA's calendar."""
    if not runs_casework(by):
        raise Refused("Only the local authority's officers record this step")
    case = _locked(case, version)
    if case.state != FairAccessCase.State.REFERRED:
        raise Refused("The panel has already agreed to consider this case")
    if agreed_on > timezone.localdate():
        raise Refused("The date cannot be in the future", field="agreed_on")
    if agreed_on < case.referred_on:
        raise Refused("The panel agreed after the referral", field="agreed_on")
    due = SchoolCalendar.for_la(case.la).nth_school_day_after(agreed_on, CLOCK_SCHOOL_DAYS).date
    return transition(
        case,
        FairAccessCase.State.AGREED,
        by=by,
        reason="The panel agreed to consider the case",
        agreed_on=agreed_on,
        allocation_due=due,
    )


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
    if not may_allocate(by):
        raise Refused("Only the panel allocates a school")
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
    transition(case, FairAccessCase.State.ALLOCATED, by=by, reason=f"{school.name} asked")
    notices.fair_access_asked(allocation)
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
        to = FairAccessCase.State.ACCEPTED
    else:
        if not refusal_reason.strip():
            raise Refused("Give the reason for refusing", field="refusal_reason")
        allocation.answer = FairAccessAllocation.Answer.REFUSED
        allocation.refusal_reason = refusal_reason.strip()
        to = FairAccessCase.State.REFUSED
    allocation.answered_on = timezone.localdate()
    allocation.answered_by = by
    allocation.save()
    transition(case, to, by=by, reason=refusal_reason)
    return allocation


@transaction.atomic
def fair_access_escalate(*, case: FairAccessCase, by: User, version: int) -> FairAccessAllocation:
    """A refusal goes to a direction: the LA directs a maintained school; for an academy the LA
    asks the Secretary of State (through the ESFA)."""
    if not runs_casework(by):
        raise Refused("Only the local authority's officers record this step")
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
    transition(
        case, FairAccessCase.State.ESCALATED, by=by, reason=allocation.get_escalation_display()
    )
    notices.fair_access_direction(allocation)
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
    """The direction's outcome: the LA's direction of a maintained school, or the Secretary of
    State's of an academy (Admissions Code para 3.17); directed, the school admits from a start
    date; not directed, the case is back with the panel to ask another school."""
    if not runs_casework(by):
        raise Refused("Only the local authority's officers record this step")
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
    allocation.save()
    to = FairAccessCase.State.ACCEPTED if directed else FairAccessCase.State.REFUSED
    transition(case, to, by=by, reason="Directed" if directed else "Not directed")
    if directed:
        notices.fair_access_direction(allocation)
    return allocation


@transaction.atomic
def fair_access_start(
    *, case: FairAccessCase, by: User, version: int, started_on: date
) -> FairAccessCase:
    """The child starts: they join the school's roll and the case closes."""
    if not runs_casework(by):
        raise Refused("Only the local authority's officers record this step")
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
    return transition(case, FairAccessCase.State.STARTED, by=by, started_on=started_on)
