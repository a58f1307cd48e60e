"""Fair Access cases through the services: clock, ledger, allocation, answers, escalation."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from approvision.records import Refused, transition
from cases.fair_access.ledger import ledger, recommend
from cases.fair_access.models import FairAccessAllocation, FairAccessCase, YearGroupPlaces
from cases.fair_access.services import (
    fair_access_agree,
    fair_access_allocate,
    fair_access_answer,
    fair_access_direction_decided,
    fair_access_escalate,
    fair_access_start,
)
from cases.pupils.models import Enrolment
from tests.factories import PupilFactory
from tests.fair_access.conftest import _agreed, _allocated, _open

pytestmark = pytest.mark.django_db


def test_a_case_needs_an_eligible_group_and_nothing_is_saved_without_one(fa):
    with pytest.raises(Refused) as error:
        _open(fa, groups=[])
    assert error.value.field == "groups"
    assert not FairAccessCase.objects.exists()


@pytest.fixture
def fa_on_a_monday(time_machine, request):
    # The case is referred 3 days before "today": on a Tuesday or Wednesday that fell on a weekend
    # and the clock started a day or two later. Frozen on a Monday (23 November 2026, no term dates
    # in this world) the agreement is the Friday before, and 20 school days are exactly 4 weeks.
    time_machine.move_to("2026-11-23 09:00", tick=False)
    return request.getfixturevalue("fa")


def test_the_clock_is_20_school_days_from_the_panels_agreement(fa_on_a_monday):
    fa = fa_on_a_monday
    case = _agreed(fa)
    assert case.state == FairAccessCase.State.AGREED
    assert case.year_group == fa["pupil"].year_group(timezone.localdate())
    assert case.phase == "secondary" and case.home_district == "NM4"
    # No term dates in this world: every weekday counts, so 20 school days are 4 weeks.
    assert case.allocation_due == case.agreed_on + timedelta(weeks=4)


def test_an_allocation_to_a_school_of_the_wrong_phase_is_refused(fa):
    case = _agreed(fa)
    with pytest.raises(Refused) as error:
        fair_access_allocate(
            case=case,
            by=fa["users"]["la_officer"],
            version=case.version,
            school=fa["primary"],
            reason="Closest",
        )
    assert error.value.field == "school"
    assert "this child needs a secondary place" in str(error.value)
    assert not FairAccessAllocation.objects.exists()


def test_choosing_another_school_than_the_first_needs_a_reason(fa):
    case = _agreed(fa)
    ranked = recommend(case)
    first = ranked[0].row
    other = next(s for s in fa["schools"].values() if s.pk != first.school_id)
    with pytest.raises(Refused) as error:
        fair_access_allocate(
            case=case, by=fa["users"]["la_officer"], version=case.version, school=other
        )
    assert error.value.field == "reason"
    allocation = fair_access_allocate(
        case=case,
        by=fa["users"]["la_officer"],
        version=case.version,
        school=other,
        reason="Parental preference, and the bus route",
    )
    assert allocation.recommended_rank > 1
    assert allocation.reason_not_first == "Parental preference, and the bus route"


def test_a_start_date_before_the_allocation_is_refused(fa):
    case = _allocated(fa)
    with pytest.raises(Refused) as error:
        fair_access_answer(
            case=case,
            by=fa["users"]["school_staff"],
            version=case.version,
            accept=True,
            start_date=timezone.localdate() - timedelta(days=1),
        )
    assert error.value.field == "start_date"
    allocation = case.allocations.get()
    assert allocation.answer == "pending" and allocation.start_date is None


def test_the_school_refuses_and_the_officer_escalates_to_the_secretary_of_state(fa):
    case = _allocated(fa)  # Harbridge Academy: an academy
    with pytest.raises(Refused, match="Only the school asked"):
        fair_access_answer(
            case=case,
            by=fa["users"]["other_school_staff"],
            version=case.version,
            accept=False,
            refusal_reason="Full",
        )
    fair_access_answer(
        case=case,
        by=fa["users"]["school_staff"],
        version=case.version,
        accept=False,
        refusal_reason="Year 9 is full",
    )
    case.refresh_from_db()
    assert case.state == FairAccessCase.State.REFUSED
    allocation = fair_access_escalate(case=case, by=fa["users"]["la_officer"], version=case.version)
    assert allocation.escalation == FairAccessAllocation.Escalation.SECRETARY_OF_STATE
    case.refresh_from_db()
    fair_access_direction_decided(
        case=case,
        by=fa["users"]["la_officer"],
        version=case.version,
        directed=True,
        decided_on=timezone.localdate(),
        start_date=timezone.localdate(),
    )
    case.refresh_from_db()
    fair_access_start(
        case=case,
        by=fa["users"]["la_officer"],
        version=case.version,
        started_on=timezone.localdate(),
    )
    case.refresh_from_db()
    assert case.state == FairAccessCase.State.STARTED
    assert Enrolment.objects.filter(pupil=fa["pupil"], school=fa["schools"]["harbridge"]).exists()


def test_a_maintained_school_is_directed_by_the_la(fa):
    case = _allocated(fa, "kelmscott")
    fair_access_answer(
        case=case,
        by=fa["users"]["other_school_staff"],
        version=case.version,
        accept=False,
        refusal_reason="Behaviour concerns",
    )
    case.refresh_from_db()
    allocation = fair_access_escalate(case=case, by=fa["users"]["la_officer"], version=case.version)
    assert allocation.escalation == FairAccessAllocation.Escalation.DIRECTION


def test_the_ledger_counts_admissions_and_refusals_and_the_ranking_follows(fa):
    today = timezone.localdate()
    case = _allocated(fa, "kelmscott")
    fair_access_answer(
        case=case,
        by=fa["users"]["other_school_staff"],
        version=case.version,
        accept=True,
        start_date=today,
    )
    # An excluded pupil Harbridge admitted in year, of the same year group.
    from cases.exclusions.models import Exclusion

    moved = PupilFactory(la=fa["home"], date_of_birth=fa["pupil"].date_of_birth)
    Exclusion.objects.create(
        pupil=moved,
        school=fa["schools"]["kestrel"],
        kind=Exclusion.Kind.PERMANENT,
        reasons=["PA"],
        start_date=today - timedelta(days=60),
        decided_by="Head",
        recorded_by=fa["users"]["la_officer"],
    )
    Enrolment.objects.create(
        pupil=moved, school=fa["schools"]["harbridge"], joined_on=today - timedelta(days=20)
    )
    YearGroupPlaces.objects.create(
        school=fa["schools"]["kestrel"], year_group=case.year_group, capacity=180, on_roll=180
    )
    rows = {r.name: r for r in ledger(list(fa["schools"].values()), case.year_group, today)}
    assert rows["Kelmscott High School"].fair_access == 1
    assert rows["Harbridge Academy"].excluded_admitted == 1
    assert rows["Kestrel Academy"].places_free == 0
    second = PupilFactory(la=fa["home"], date_of_birth=fa["pupil"].date_of_birth)
    new_case = _open({**fa, "pupil": second})
    ranked = recommend(new_case)
    assert ranked[0].row.name == "Kestrel Academy"
    assert "no places in" in ranked[0].reason


def test_a_child_on_a_roll_or_with_an_ehc_plan_is_not_a_fair_access_case(fa):
    ehcp = PupilFactory(la=fa["home"], sen_status="E")
    with pytest.raises(Refused, match="SEND process"):
        _open(fa, pupil=ehcp)
    placed = PupilFactory(la=fa["home"])
    Enrolment.objects.create(
        pupil=placed, school=fa["schools"]["kestrel"], joined_on=date(2025, 9, 1)
    )
    with pytest.raises(Refused, match="on a school's roll"):
        _open(fa, pupil=placed)
    assert not FairAccessCase.objects.exists()


def test_scoping_each_role_sees_only_its_own_cases(fa):
    case = _allocated(fa)
    users = fa["users"]
    sees = {r: FairAccessCase.objects.visible_to(u).exists() for r, u in users.items()}
    assert sees == {
        "la_officer": True,
        "la_admin": False,
        "panel_member": True,
        "director": False,
        "school_staff": True,  # Harbridge Academy, the school asked
        "trust_lead": True,
        "provider_staff": False,
        "other_la_officer": False,
        "other_school_staff": False,
    }
    # The school asked can see the child it has been asked to admit.
    from cases.pupils.models import Pupil

    assert Pupil.objects.visible_to(users["school_staff"]).filter(pk=case.pupil_id).exists()
    assert (
        not Pupil.objects.visible_to(users["other_school_staff"]).filter(pk=case.pupil_id).exists()
    )


def test_cases_waiting_for_the_panel_go_on_its_agenda_once_and_again_after_a_refusal(fa):
    from datetime import time

    from panels.models import AgendaItem, Decision, PanelMeeting
    from panels.services.agenda import agenda_build

    officer = fa["users"]["la_officer"]
    today = timezone.localdate()

    def meeting(days):
        made = PanelMeeting.objects.create(
            la=fa["home"],
            date=today + timedelta(days=days),
            start_time=time(13),
            cutoff=timezone.now() + timedelta(hours=1),
        )
        agenda_build(meeting=made)
        return made

    def discuss(made):
        for item in made.items.filter(fair_access__isnull=False):
            Decision.objects.create(
                item=item, outcome="noted", reason="Discussed", decided_by=officer
            )
            transition(item, AgendaItem.Status.DECIDED, by=officer)

    case = _open(fa, referred_on=today - timedelta(days=16))
    items = AgendaItem.objects.filter(fair_access=case)
    discuss(meeting(-14))  # the panel agrees to consider it
    case = fair_access_agree(
        case=case, by=officer, version=case.version, agreed_on=today - timedelta(days=14)
    )
    assert items.count() == 1
    discuss(meeting(-7))  # back to allocate a school
    assert items.count() == 2
    fair_access_allocate(
        case=case,
        by=officer,
        version=case.version,
        school=fa["schools"]["kelmscott"],
        reason="Chosen by the panel",
    )
    case.refresh_from_db()
    fair_access_answer(
        case=case,
        by=fa["users"]["other_school_staff"],
        version=case.version,
        accept=False,
        refusal_reason="Full",
    )
    meeting(7)  # refused since it was last discussed: back again
    assert items.count() == 3
    meeting(14)  # still to be discussed at the one before: not twice
    assert items.count() == 3


def test_the_kept_ledger_follows_every_change_it_counts(fa):
    """The recommendation's ledger is cached while nothing it counts changes: an admission, a
    school's places or a refusal of this child shows at once."""
    today = timezone.localdate()
    case = _agreed(fa)
    before = {r.row.name: r.row for r in recommend(case)}
    admitted = PupilFactory(
        la=fa["home"], date_of_birth=fa["pupil"].date_of_birth, looked_after=True
    )
    Enrolment.objects.create(
        pupil=admitted, school=fa["schools"]["kestrel"], joined_on=today - timedelta(days=5)
    )
    after = {r.row.name: r.row for r in recommend(case)}
    assert after["Kestrel Academy"].vulnerable_admitted == (
        before["Kestrel Academy"].vulnerable_admitted + 1
    )
    YearGroupPlaces.objects.create(
        school=fa["schools"]["harbridge"], year_group=case.year_group, capacity=200, on_roll=190
    )
    assert {r.row.name: r.row for r in recommend(case)}["Harbridge Academy"].places_free == 10
    # The same records twice: the second reading is the kept one, and equal.
    assert [r.row for r in recommend(case)] == [r.row for r in recommend(case)]


def test_the_services_ask_who_may_take_each_step_and_save_nothing_when_refused(fa):
    # cases/fair_access/access.py, asked by the services as by the pages: a school's staff may
    # neither record the panel's agreement nor choose the school.
    case = _open(fa)
    with pytest.raises(Refused, match="officers record this step"):
        fair_access_agree(
            case=case,
            by=fa["users"]["school_staff"],
            version=case.version,
            agreed_on=case.referred_on,
        )
    case.refresh_from_db()
    assert case.state == FairAccessCase.State.REFERRED and case.agreed_on is None
    agreed = fair_access_agree(
        case=case, by=fa["users"]["la_officer"], version=case.version, agreed_on=case.referred_on
    )
    with pytest.raises(Refused, match="Only the panel allocates"):
        fair_access_allocate(
            case=agreed,
            by=fa["users"]["school_staff"],
            version=agreed.version,
            school=fa["schools"]["harbridge"],
            reason="Chosen",
        )
    assert not FairAccessAllocation.objects.exists()
