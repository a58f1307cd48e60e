"""The officer's week in the browser: the caseload and a handover with its reason; a restricted
note a school cannot see (page and API); the timeline of eight kinds, filtered; a panel action
given to the provider, on its home page and marked done there."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from rest_framework.test import APIClient

from cases.casework.models import CaseNote, LeadChange, Task
from cases.casework.services import note_add
from cases.exclusions.models import Exclusion
from cases.exclusions.services import exclusion_record
from demo.cases import named_pupils
from organisations.calendar import SchoolCalendar
from organisations.models import School, User
from organisations.services import api_token_issue
from panels.services.decisions import action_add
from placements.commissioning.models import Placement
from placements.commissioning.services import placement_answer, placements_daily
from placements.registers.services import return_submit, week_start
from tests.browser.test_exclusions import fill_date, signed_in_home
from tests.browser.test_placement_journey import _approved_placement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_hands_over_a_case_with_a_reason(page, accounts, assert_accessible):
    signed_in_home(page, accounts["officer"], assert_accessible)
    page.get_by_role("link", name="Caseload").first.click()
    expect(page.locator("h1")).to_have_text("My caseload")
    expect(page.locator("main")).to_contain_text("of open work, soonest due first")
    assert_accessible(page)
    page.get_by_role("link", name="Team caseload").click()
    expect(page.locator("h1")).to_have_text("Team caseload")
    assert_accessible(page)
    page.get_by_role("link", name="Priya Shah").click()
    expect(page.locator("h2").filter(has_text="Led by Priya Shah")).to_be_visible()
    page.get_by_role("link", name="Hand over").first.click()
    expect(page.locator("h1")).to_have_text("Lead officer")
    assert_accessible(page)
    page.get_by_label("Lead officer").select_option(label="Daniel Okoye")
    page.get_by_role("button", name="Save the lead officer").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Give the reason for the handover")
    assert_accessible(page)
    # The choice made is kept with the error.
    expect(page.get_by_label("Lead officer")).to_have_value(
        str(User.objects.get(username="caseworker").pk)
    )
    page.get_by_label("Reason").fill("Priya is on leave until March")
    page.get_by_role("button", name="Save the lead officer").click()
    expect(page.locator("main")).to_contain_text("Daniel Okoye")
    handover = LeadChange.objects.order_by("-pk").first()
    assert (handover.from_officer.username, handover.to_officer.username) == (
        "officer",
        "caseworker",
    )
    assert handover.reason == "Priya is on leave until March"


def test_a_restricted_note_is_hidden_from_the_school_on_the_page_and_in_the_api(
    page, accounts, assert_accessible
):
    kai = named_pupils(School.objects.get(name="Harbridge Academy").la)["Thompson"]
    today = timezone.localdate()
    signed_in_home(page, accounts["officer"], assert_accessible)
    page.goto(f"/pupils/{kai.pk}/")
    page.get_by_role("link", name="Case notes").first.click()
    expect(page.locator("h1")).to_have_text("Case notes")
    assert_accessible(page)
    # Nothing chosen: each missing answer at once, and the date typed is kept.
    fill_date(page, "happened_on", today)
    page.get_by_role("button", name="Add the note").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Select what kind of note it is")
    expect(summary).to_contain_text("Enter the note")
    expect(page.locator("#id_happened_on_0")).to_have_value(str(today.day))
    assert_accessible(page)
    page.get_by_label("Phone call").check()
    page.get_by_label("Note", exact=True).fill("Police called: a strategy meeting is on Friday")
    page.get_by_label("Only the local authority may read it (safeguarding)").check()
    page.get_by_role("button", name="Add the note").click()
    expect(page.locator("main")).to_contain_text("Note added to Kai Thompson's case file")
    expect(page.locator("main")).to_contain_text("Restricted to the local authority")
    note = CaseNote.objects.get(text__startswith="Police called")
    assert note.restricted and note.author.username == "officer"
    # The author corrects it; the first wording is kept in its history.
    page.get_by_role("link", name=f"Correct the note of {today.day} {today:%B %Y}").first.click()
    assert_accessible(page)
    page.get_by_label("Note", exact=True).fill("Police called: strategy meeting on Friday at 10")
    page.get_by_role("button", name="Save the correction").click()
    expect(page.locator("main")).to_contain_text("strategy meeting on Friday at 10")
    assert note.history.count() == 2

    signed_in_home(page, accounts["senco"], assert_accessible)
    page.goto(f"/pupils/{kai.pk}/notes/")
    expect(page.locator("main")).to_contain_text("Met Kai and his mother at school")
    expect(page.locator("main")).not_to_contain_text("Police called")
    expect(page.locator("main")).not_to_contain_text("Children's social care called")
    assert_accessible(page)
    assert page.goto(f"/notes/{note.pk}/edit/").status == 404
    api = APIClient()
    _, key = api_token_issue(user=User.objects.get(username="senco"))
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get(f"/api/v1/case-notes/{note.pk}/").status_code == 404
    listed = api.get(f"/api/v1/case-notes/?pupil={kai.pk}").json()["results"]
    assert listed and not any(row["restricted"] for row in listed)


def test_the_timeline_has_every_kind_and_a_providers_panel_action_is_done_on_its_home(
    page, accounts, assert_accessible
):
    placement = _approved_placement()
    pupil, provider_staff = placement.pupil, User.objects.get(username="provider")
    officer, chair = User.objects.get(username="officer"), User.objects.get(username="panel")
    placement = placement_answer(
        placement=placement, by=provider_staff, version=placement.version, accept=True,
        sessions=["mon_am", "tue_am"],
    )  # fmt: skip
    # Three weeks pass: it started on a Monday and the morning task made it active.
    Placement.objects.filter(pk=placement.pk).update(
        start_date=week_start(timezone.localdate()) - timedelta(weeks=3)
    )
    placements_daily()
    return_submit(
        placement=placement, by=provider_staff, period="week",
        period_start=week_start(timezone.localdate()) - timedelta(weeks=1), period_end=None,
        sessions_possible=10, sessions_attended=9, progress="Settled well",
    )  # fmt: skip
    note_add(
        pupil=pupil, by=officer, kind="visit", happened_on=timezone.localdate(),
        text="Visited the PRU with the school's SENCO",
    )  # fmt: skip
    harbridge = School.objects.get(name="Harbridge Academy")
    day = SchoolCalendar.for_school(harbridge).last_school_day_before(timezone.localdate()).date
    exclusion_record(
        by=User.objects.get(username="senco"), pupil=pupil, school=harbridge,
        kind=Exclusion.Kind.SUSPENSION, start_date=day, end_date=day, sessions=2,
        reasons=["VA"], decided_by="Head",
    )  # fmt: skip
    item = placement.decision.item
    action_add(
        meeting=item.meeting, by=chair, item=item, owner=placement.provider,
        description="Share the pupil's first timetable with the panel",
        due_on=timezone.localdate() + timedelta(days=7),
    )  # fmt: skip

    signed_in_home(page, accounts["officer"], assert_accessible)
    page.goto(f"/pupils/{pupil.pk}/")
    page.get_by_role("link", name=f"Everything about {pupil.name}").click()
    expect(page.locator("h1")).to_have_text("Timeline")
    assert_accessible(page)
    kinds = set(page.locator("tbody tr td:nth-child(2)").all_inner_texts())
    assert {
        "School roll",
        "Referrals",
        "Panel decisions",
        "Placements",
        "Provider returns",
        "Case notes",
        "Exclusions",
        "Lead officers",
    } <= kinds, kinds
    page.get_by_label("Case notes").check()
    page.get_by_label("Exclusions").check()
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("main")).to_contain_text("Visit note by Priya Shah")
    assert set(page.locator("tbody tr td:nth-child(2)").all_inner_texts()) == {
        "Case notes",
        "Exclusions",
    }
    assert_accessible(page)

    # The PRU head finds the panel's action on her home page and marks it done there.
    signed_in_home(page, accounts["provider"], assert_accessible)
    row = page.locator("tr", has_text="Share the pupil's first timetable")
    expect(row).to_contain_text("The Harbridge Centre")
    row.get_by_role("button", name="Mark done").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Share the pupil")
    expect(page.locator("tr", has_text="Share the pupil's first timetable")).to_have_count(0)
    task = Task.objects.get(title="Share the pupil's first timetable with the panel")
    assert task.state == "done" and task.done_by == provider_staff
    page.get_by_role("link", name="Tasks").first.click()
    assert_accessible(page)
    page.get_by_role("link", name="Done").click()
    expect(page.locator("main")).to_contain_text("Done by Grace Adeyemi")
    assert_accessible(page)
