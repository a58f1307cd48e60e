import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from cases.exclusions.models import Deadline, Exclusion
from cases.pupils.models import Pupil
from organisations.calendar import school_year_of
from organisations.models import LocalAuthority, School, User
from organisations.roles import Role
from tests.conftest import totp_code

SMALL = ["--scale", "0.05", "--quiet-accounts"]


def test_demo_has_an_account_for_every_role_and_loads_twice_without_change(db, settings, capsys):
    call_command("load_demo", "--scale", "0.05")
    path = settings.VAR_DIR / "demo-accounts.json"
    first = json.loads(path.read_text())
    assert {row["role"] for row in first} == {role.label for role in Role}
    for row in first:
        assert set(row) == {"username", "password", "role", "organisation", "totp_secret"}
        assert User.objects.get(username=row["username"]).check_password(row["password"])
    counts = (
        School.objects.count(),
        User.objects.count(),
        Pupil.objects.count(),
        Exclusion.objects.count(),
    )
    call_command("load_demo", *SMALL)
    assert json.loads(path.read_text()) == first
    assert (
        School.objects.count(),
        User.objects.count(),
        Pupil.objects.count(),
        Exclusion.objects.count(),
    ) == counts
    assert "officer" in capsys.readouterr().out


def test_demo_is_a_realistic_small_la(db):
    call_command("load_demo", *SMALL)
    northmoor = LocalAuthority.objects.get(code="929")
    schools = School.objects.filter(la=northmoor)
    assert schools.count() >= 24
    assert schools.filter(trust__isnull=True).count() >= 10
    assert schools.exclude(trust__isnull=True).values("trust").distinct().count() == 3
    assert northmoor.providers.filter(kind="pru").count() == 2
    assert northmoor.providers.exclude(kind="pru").count() >= 4
    # Last, this and next school year's term dates, made for the day it is loaded.
    this_year = school_year_of(timezone.localdate())
    for year in (this_year - 1, this_year, this_year + 1):
        assert northmoor.terms.filter(school_year=year).count() == 6
    # Past decisions were e-mailed at the time: none waits for the e-mail sweeper.
    from panels.models import Decision

    assert Decision.objects.exists()


def test_demo_has_two_years_of_exclusions_at_national_rates(db):
    call_command("load_demo", "--quiet-accounts")
    on_roll = School.objects.filter(la__code="929").aggregate(n=Sum("pupils_on_roll"))["n"]
    a_year_ago = timezone.localdate() - timedelta(days=365)
    # England 2023/24: about 0.105-0.113 suspensions and 0.0012 permanent exclusions a pupil a
    # year; the demo holds two years, so that a period stands beside the same days a year before.
    for year in (
        Exclusion.objects.filter(start_date__gt=a_year_ago),
        Exclusion.objects.filter(start_date__lte=a_year_ago),
    ):
        suspensions = year.exclude(kind=Exclusion.Kind.PERMANENT).count()
        permanent = year.filter(kind=Exclusion.Kind.PERMANENT).count()
        assert 0.08 <= suspensions / on_roll <= 0.14
        assert 0.0005 <= permanent / on_roll <= 0.0018
    # Something is due now for a person trying the demo.
    assert Deadline.objects.open().filter(kind=Deadline.Kind.LA_PROVISION).exists()


@pytest.mark.django_db(transaction=True)
def test_demo_accounts_keep_their_passwords_when_the_database_is_rebuilt(settings):
    call_command("load_demo", *SMALL)
    saved = json.loads((settings.VAR_DIR / "demo-accounts.json").read_text())
    call_command("flush", "--no-input")
    call_command("load_demo", *SMALL)
    for row in saved:
        assert User.objects.get(username=row["username"]).check_password(row["password"])


@pytest.mark.usefixtures("db")
def test_demo_otp_prints_the_current_code_of_a_demo_account(capsys, settings):
    call_command("load_demo", *SMALL)
    accounts = json.loads((settings.VAR_DIR / "demo-accounts.json").read_text())
    secret = next(row["totp_secret"] for row in accounts if row["username"] == "officer")
    capsys.readouterr()
    call_command("demo_otp", "officer")
    assert capsys.readouterr().out.split()[0] == totp_code(secret)


@pytest.mark.usefixtures("db")
def test_show_demo_accounts_prints_where_the_service_is_and_every_account(capsys, settings):
    # What `make run` prints when it starts (it failed to import once, unseen by the suite).
    call_command("load_demo", *SMALL)
    accounts = json.loads((settings.VAR_DIR / "demo-accounts.json").read_text())
    capsys.readouterr()
    call_command("show_demo_accounts", "--url", "http://127.0.0.1:8123")
    out = capsys.readouterr().out
    assert "approvision is running at http://127.0.0.1:8123" in out
    assert all(account["username"] in out for account in accounts)


def test_demo_has_placements_in_every_state_with_their_history(db):
    from placements.commissioning.models import Placement
    from placements.moves.models import PupilMove
    from placements.registers.models import ProviderReturn
    from placements.reintegration.models import FollowUp
    from placements.reviews.models import Review

    call_command("load_demo", *SMALL)
    states = set(Placement.objects.values_list("state", flat=True))
    assert {"offered", "active", "ended"} <= states
    assert set(Placement.objects.values_list("source", flat=True)) == {"panel", "school", "la"}
    assert Placement.objects.filter(part_time=True, state="active").exists()
    assert ProviderReturn.objects.exists() and Review.objects.exists()
    assert FollowUp.objects.filter(held=True).exists() and FollowUp.objects.filter(held=False)
    assert set(PupilMove.objects.values_list("kind", flat=True)) == {"managed_move", "off_site"}
    # Every panel placement came from an approved decision.
    assert not Placement.objects.filter(source="panel", decision__isnull=True).exists()
    # The demo PRU head has a caseload.
    pru_head = User.objects.get(username="provider")
    assert Placement.objects.visible_to(pru_head).filter(state__in=["offered", "active"]).exists()
    _demo_has_case_work(pru_head)


def _demo_has_case_work(pru_head):
    """Every case has a lead (but the referrals just submitted, the team's to allocate); the
    named pupils have notes, one restricted, and tasks for the officers, the school, the PRU."""
    from cases.casework.models import CaseNote, Task
    from cases.fair_access.models import FairAccessCase
    from cases.referrals.models import Referral
    from demo.cases import NAMED_PUPILS, named_pupils
    from placements.commissioning.models import Placement

    assert not Placement.objects.filter(lead_officer__isnull=True).exists()
    assert not FairAccessCase.objects.filter(lead_officer__isnull=True).exists()
    unled = Referral.objects.filter(lead_officer__isnull=True)
    assert set(unled.values_list("state", flat=True)) <= {"draft", "submitted"}
    assert not Referral.objects.filter(state="submitted", lead_officer__isnull=False).exists()
    leads = set(Placement.objects.values_list("lead_officer__username", flat=True))
    assert {"officer", "caseworker"} <= leads
    named = named_pupils(LocalAuthority.objects.get(code="929"))
    assert set(named) == set(NAMED_PUPILS)
    # Every note is on a named pupil (not on another pupil who shares a surname), each has some.
    assert set(CaseNote.objects.values_list("pupil", flat=True)) == {p.pk for p in named.values()}
    assert CaseNote.objects.filter(restricted=True).exists()
    tasks = Task.objects.filter(pupil__in=named.values())
    assert tasks.filter(owner_user__username="officer").exists()
    assert tasks.filter(owner_school__isnull=False).exists()
    assert Task.objects.owned_by(pru_head).open().exists()
    assert Task.objects.filter(source="deadline").exists()


def test_demo_has_a_year_of_fair_access_history_with_schools_over_and_under_their_share(db):
    from cases.fair_access.ledger import fair_shares
    from cases.fair_access.models import FairAccessCase

    call_command("load_demo", *SMALL)
    northmoor = LocalAuthority.objects.get(code="929")
    assert FairAccessCase.objects.filter(state="started").count() >= 20
    assert {"referred", "agreed", "refused", "allocated"} <= set(
        FairAccessCase.objects.values_list("state", flat=True)
    )
    # Over this school year and last, one school is well over its share and one well under.
    cases = FairAccessCase.objects.filter(state="started").prefetch_related("allocations__school")
    taken = {}
    for case in cases:
        school = case.allocations.get(answer="accepted").school
        taken[school.name] = taken.get(school.name, 0) + 1
    total = sum(taken.values())
    schools = [row["school"] for row in fair_shares(northmoor, "secondary")]
    size = sum(s.pupils_on_roll for s in schools)
    difference = {s.name: taken.get(s.name, 0) - total * s.pupils_on_roll / size for s in schools}
    assert difference["Kelmscott High School"] >= 3
    assert difference["Harbridge Academy"] <= -3


def test_demo_has_a_former_pupil_kept_past_retention_under_a_legal_hold(db):
    from datetime import date

    from rights.models import LegalHold
    from rights.retention import retention_due, retention_run

    call_command("load_demo", *SMALL)
    hold = LegalHold.objects.active().select_related("pupil").get()
    assert hold.pupil in retention_due(date.today())
    run = retention_run(date.today())
    assert run.held >= 1 and Pupil.objects.filter(pk=hold.pupil_id).exists()


def test_demo_referrals_and_exclusions_name_a_school_the_pupil_was_on_the_roll_of(db):
    # Hardening finding 7: the demo SENCO's draft took the first "Tia Barker" in the database,
    # which could be a generated pupil at another trust's school, so Harbridge's SENCO saw her.
    # A namesake elsewhere is made first here, so a loader that picks by name alone picks her.
    from cases.exclusions.models import Exclusion
    from cases.pupils.models import Enrolment
    from cases.referrals.models import Referral
    from tests.factories import PupilFactory, SchoolFactory, enrol

    elsewhere = SchoolFactory(la=LocalAuthority.objects.create(code="930", name="Elsewhere"))
    namesake = PupilFactory(la=elsewhere.la, legal_first_name="Tia", legal_last_name="Barker")
    enrol(namesake, elsewhere)
    call_command("load_demo", *SMALL)
    senco = User.objects.get(username="senco")
    drafts = Referral.objects.filter(referrer=senco, state="draft")
    assert drafts.exists()
    assert not drafts.filter(pupil=namesake).exists()
    on_roll = set(Enrolment.objects.values_list("pupil_id", "school_id"))
    for pupil, school in Referral.objects.values_list("pupil_id", "school_id"):
        assert (pupil, school) in on_roll
    for pupil, school in Exclusion.objects.values_list("pupil_id", "school_id"):
        assert (pupil, school) in on_roll
    # Every referral the demo SENCO can open is of a pupil they can see.
    visible = set(Pupil.objects.visible_to(senco).values_list("pk", flat=True))
    assert set(Referral.objects.visible_to(senco).values_list("pupil_id", flat=True)) <= visible


def test_the_timelines_steps_gathered_in_one_query_are_each_records_own(db):
    """Exclusion and referral steps, Fair Access answers and reintegration follow-ups come with
    their record in one query (array_agg): for every demo pupil and two roles, the same events
    and hidden flags as reading each relation straight."""
    from cases.casework import events as case_events
    from cases.exclusions.models import ExclusionEvent
    from cases.fair_access.models import FairAccessAllocation, FairAccessCase
    from cases.referrals.models import Referral, ReferralEvent
    from placements import events as placement_events
    from placements.reintegration.models import FollowUp, ReintegrationPlan

    def straight(user, pupil):
        exclusions = Exclusion.objects.visible_to(user).filter(pupil=pupil)
        referrals = Referral.objects.visible_to(user).filter(pupil=pupil)
        cases = FairAccessCase.objects.visible_to(user).filter(pupil=pupil)
        expect = {
            (s.happened_on, f"{s.exclusion.get_kind_display()}: {s.get_to_state_display()}")
            for s in ExclusionEvent.objects.filter(exclusion__in=exclusions).exclude(from_state="")
        }
        expect |= {
            (s.at, f"Referral from {s.referral.school.name}: {s.get_to_state_display()}")
            for s in ReferralEvent.objects.filter(referral__in=referrals)
        }
        for a in FairAccessAllocation.objects.filter(case__in=cases):
            expect.add((a.allocated_on, f"Fair Access: {a.school.name} asked"))
            if a.answered_on:
                answer = a.get_answer_display().lower()
                expect.add((a.answered_on, f"Fair Access: {a.school.name} {answer}"))
        for f in FollowUp.objects.filter(plan__placement__pupil=pupil):
            if ReintegrationPlan.objects.visible_to(user).filter(pk=f.plan_id).exists():
                held = "held" if f.held else "did not hold"
                expect.add((f.recorded_on, f"{f.weeks}-week follow-up: the return {held}"))
        hidden = [
            model.objects.filter(pupil=pupil)
            .exclude(pk__in=model.objects.visible_to(user).values("pk"))
            .exists()
            for model in (Exclusion, Referral, FairAccessCase)
        ]
        return expect, hidden

    call_command("load_demo", *SMALL)
    officer = User.objects.get(username="officer")
    senco = User.objects.get(username="senco")
    compared = set()
    for pupil in Pupil.objects.all():
        for user in (officer, senco):
            got, hidden = set(), []
            for source in (case_events.exclusions, case_events.referrals, case_events.fair_access):
                events, some_hidden = source(user, pupil)
                got |= {(e.when, e.text) for e in events}
                hidden.append(some_hidden)
            got |= {(e.when, e.text) for e in placement_events.reintegration(user, pupil)[0]}
            expect, expect_hidden = straight(user, pupil)
            # The records' own events (an exclusion's first day, a case opened, a plan made)
            # are there besides their steps.
            assert expect <= got, (pupil, user)
            assert hidden == expect_hidden, (pupil, user)
            compared |= {text for _, text in expect}
    # The demo has steps of every kind to compare.
    for kind in ("Suspension: ", "Referral from ", "Fair Access: ", "-week follow-up"):
        assert any(kind in text for text in compared), kind
