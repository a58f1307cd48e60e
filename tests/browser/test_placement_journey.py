"""A PRU head's journey: the panel's placement arrives; accept it, keep the register, send a
return, hold a review that starts reintegration, record the plan and its 6-week follow-up. When
the placement has ended and the grace period passed, the pupil is gone from their sight."""

from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.db.models import F
from django.utils import timezone
from playwright.sync_api import expect

from organisations.models import ProviderOrganisation, School, User
from panels.models import AgendaItem, PanelMeeting, PanelMember
from panels.services.agenda import agenda_build, pack_issue
from panels.services.decisions import decision_record
from panels.services.meetings import meeting_start
from placements.commissioning.models import Placement
from placements.commissioning.services import placements_daily
from placements.registers.services import week_start
from placements.reintegration.models import ReintegrationPlan
from tests.browser.test_exclusions import fill_date, signed_in_home
from tests.factories import PupilFactory, enrol
from tests.panels.test_panels import accepted_referral

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _approved_placement() -> Placement:
    """A referral the panel approves today for the demo PRU (through the services)."""
    school = School.objects.get(name="Harbridge Academy")
    officer, chair = User.objects.get(username="officer"), User.objects.get(username="panel")
    setup = {
        "la": school.la,
        "school": school,
        "senco": User.objects.get(username="senco"),
        "officer": officer,
    }
    referral = accepted_referral(setup, n=77)
    pupil = referral.pupil
    pupil.legal_first_name, pupil.legal_last_name = "Morgan", "Ellery"
    pupil.save()
    meeting = PanelMeeting.objects.create(
        la=school.la,
        date=timezone.localdate(),
        start_time=time(9),
        cutoff=timezone.now() + timedelta(hours=1),
        quorum=1,
    )
    PanelMember.objects.create(meeting=meeting, user=chair, role="chair")
    agenda_build(meeting=meeting)
    pack_issue(meeting=meeting, by=officer)
    meeting_start(meeting=meeting, by=chair)
    item = AgendaItem.objects.get(meeting=meeting, referral=referral)
    start = timezone.localdate() + timedelta(days=3)
    decision = decision_record(
        item=item,
        by=chair,
        version=item.version,
        outcome="approve",
        reason="A small setting for a term",
        provider=ProviderOrganisation.objects.get(name__startswith="The Harbridge Centre"),
        tier="tier_2",
        start_date=start,
        hours_per_week=Decimal("25"),
        planned_end=start + timedelta(weeks=12),
        outcomes_sought="Attendance above 90%; a plan back to school by the first review",
        first_review_date=start + timedelta(weeks=6),
    )
    return decision.placement


def test_the_pru_head_takes_a_placement_from_offer_to_reintegration(
    page, accounts, assert_accessible
):
    placement = _approved_placement()
    pupil = placement.pupil

    # The offer is in the PRU head's caseload, with the referral that travels with it.
    signed_in_home(page, accounts["provider"], assert_accessible)
    page.get_by_role("link", name="Placements").first.click()
    expect(page.locator("main")).to_contain_text("Your caseload")
    assert_accessible(page)
    page.get_by_role("link", name="Morgan Ellery").click()
    expect(page.locator("main")).to_contain_text("waits for your answer")
    assert_accessible(page)
    page.get_by_role("link", name="the referral, with needs and risk assessment").click()
    expect(page.locator("main")).to_contain_text("Risk assessment")
    page.go_back()
    page.get_by_role("link", name="Answer the offer").click()
    page.get_by_role("button", name="Send the answer").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Select whether you accept the placement"
    )
    assert_accessible(page)
    page.get_by_label("Accept it").check()
    page.get_by_role("button", name="Send the answer").click()
    expect(page.locator("main")).to_contain_text("Your answer has been sent")
    expect(page.locator("main")).to_contain_text("Accepted: starts")

    # Three weeks pass: it started on a Monday and the morning task made it active.
    monday = week_start(timezone.localdate()) - timedelta(weeks=3)
    Placement.objects.filter(pk=placement.pk).update(start_date=monday)
    placements_daily()
    last_week = week_start(timezone.localdate()) - timedelta(weeks=1)

    # A week's register, then the weekly return built from it.
    page.reload()
    page.get_by_role("link", name="Record attendance").click()
    page.get_by_role("link", name="Previous week").click()
    expect(page.locator("h1")).to_contain_text(f"{last_week:%-d %B %Y}")
    page.get_by_role("button", name="Save attendance").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a code")
    assert_accessible(page)
    codes = ["/"] * 9 + ["i"]  # typed, in either case
    for n, box in enumerate(page.locator("#register input.govuk-input").all()):
        box.fill(codes[n])
    page.get_by_role("button", name="Save attendance").click()
    expect(page.locator("main")).to_contain_text("Attendance saved for 10 sessions")
    assert_accessible(page)

    page.goto(f"/placements/{placement.pk}/returns/add/")
    fill_date(page, "period_start", last_week)
    page.get_by_label("Progress against the outcomes sought").fill(
        "Settled well; reading with a key adult every morning"
    )
    page.get_by_label("What the pupil says (optional)").fill("It is calmer here")
    page.get_by_role("button", name="Send the return").click()
    expect(page.locator("main")).to_contain_text("Return sent")
    expect(page.locator("main")).to_contain_text("9 of 10 sessions (90.0%)")
    assert_accessible(page)
    # The same week again is refused; nothing more is saved.
    page.goto(f"/placements/{placement.pk}/returns/add/")
    fill_date(page, "period_start", last_week)
    page.get_by_label("Progress against the outcomes sought").fill("Again")
    page.get_by_role("button", name="Send the return").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("has already been sent")
    assert_accessible(page)
    assert placement.returns.count() == 1

    # A review that starts reintegration leads straight to the plan.
    page.goto(f"/placements/{placement.pk}/")
    page.get_by_role("link", name="Record a review").click()
    assert_accessible(page)
    page.get_by_label("Progress made").fill("Attending well; ready to plan a return")
    page.get_by_label("What the pupil said").fill("Wants to go back to Harbridge")
    page.get_by_label("What the parent or carer said").fill("Supports a phased return")
    page.get_by_label("Start reintegration").check()
    page.get_by_role("button", name="Record the review").click()
    expect(page.locator("h1")).to_contain_text("Reintegration plan")
    page.get_by_role("button", name="Record the plan").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the target date")
    assert_accessible(page)
    fill_date(page, "target_date", timezone.localdate() + timedelta(weeks=3))
    page.get_by_label("What happens").first.fill("Visit Harbridge with the key worker")
    page.get_by_label("Who does it").first.fill("PRU key worker")
    fill_date(page, "step_1_due_on", timezone.localdate() + timedelta(days=5))
    page.get_by_role("button", name="Record the plan").click()
    expect(page.locator("main")).to_contain_text("Reintegration plan recorded")
    expect(page.locator("main")).to_contain_text("Visit Harbridge with the key worker")
    assert_accessible(page)

    # The pupil goes back; six weeks on, the follow-up.
    page.get_by_role("link", name="Update the plan").click()
    assert_accessible(page)
    page.get_by_label("Returned to school").check()
    fill_date(page, "returned_on", timezone.localdate())
    page.get_by_role("button", name="Update the plan").click()
    expect(page.locator("main")).to_contain_text("Reintegration plan updated")
    page.get_by_role("link", name="Record a follow-up").click()
    page.get_by_label("6 weeks after the return").check()
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Record the follow-up").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("6-week follow-up is due on")
    assert_accessible(page)
    ReintegrationPlan.objects.filter(placement=placement).update(
        returned_on=timezone.localdate() - timedelta(weeks=6)
    )
    page.get_by_label("6 weeks after the return").check()
    page.get_by_label("Yes").check()
    page.get_by_label("Notes (optional)").fill("Attending every day; no incidents")
    page.get_by_role("button", name="Record the follow-up").click()
    expect(page.locator("main")).to_contain_text("Follow-up recorded")
    expect(page.locator("main")).to_contain_text("Held")
    assert_accessible(page)

    # The officer ends the placement; once the grace period has passed the PRU head sees nothing.
    signed_in_home(page, accounts["officer"], assert_accessible)
    page.goto(f"/placements/{placement.pk}/")
    assert_accessible(page)
    page.get_by_role("link", name="End the placement").click()
    page.get_by_role("button", name="End the placement").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select why the placement ended")
    assert_accessible(page)
    fill_date(page, "ended_on", timezone.localdate())
    page.get_by_label("Returned to school").check()
    page.get_by_role("button", name="End the placement").click()
    expect(page.locator("main")).to_contain_text("The placement has ended")
    # The grace period passes (the whole placement moves back in time).
    gone = timedelta(days=pupil.la.caseload_grace_days + 1)
    Placement.objects.filter(pk=placement.pk).update(
        start_date=F("start_date") - gone, ended_on=F("ended_on") - gone
    )
    assert placements_daily()["revoked"] == 1

    signed_in_home(page, accounts["provider"], assert_accessible)
    for url in (f"/placements/{placement.pk}/", f"/pupils/{pupil.pk}/"):
        response = page.goto(url)
        assert response.status == 404, url
    assert_accessible(page)


def test_an_officer_sees_the_alerts_and_arranges_a_placement(page, accounts, assert_accessible):
    pupil = PupilFactory(
        la=School.objects.get(name="Harbridge Academy").la,
        legal_first_name="Avery",
        legal_last_name="Stone",
    )
    enrol(pupil, School.objects.get(name="Harbridge Academy"))
    signed_in_home(page, accounts["officer"], assert_accessible)
    page.get_by_role("link", name="Placements").first.click()
    expect(page.locator("main")).to_contain_text("Part-time timetables past their end date")
    assert_accessible(page)
    page.get_by_role("link", name="Part-time timetables past their end date").click()
    expect(page.locator("tbody")).to_contain_text("Part-time timetable")
    page.goto(f"/pupils/{pupil.pk}/")
    page.get_by_role("link", name="Arrange a placement").click()
    assert_accessible(page)
    page.get_by_label("Provider", exact=True).select_option(label="Riverside Farm Education")
    page.get_by_label("Time-limited placement").check()
    page.get_by_label("Other reason").check()
    fill_date(page, "start_date", timezone.localdate() + timedelta(days=7))
    page.get_by_label("Hours a week").fill("32.5")
    page.get_by_role("button", name="Offer the placement").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "DBS and staff checks confirmed: lapsed on"
    )
    assert_accessible(page)
    assert not Placement.objects.filter(pupil=pupil).exists()
    page.get_by_label("Provider", exact=True).select_option(label="Marden College")
    page.get_by_role("button", name="Offer the placement").click()
    expect(page.locator("main")).to_contain_text("Placement recorded with Marden College")
    assert_accessible(page)
    page.goto(f"/pupils/{pupil.pk}/")
    expect(page.locator("#placements")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Marden College, from")


def test_a_senco_records_a_managed_move_and_the_officer_reviews_it(
    page, accounts, assert_accessible
):
    pupil = PupilFactory(
        la=School.objects.get(name="Harbridge Academy").la,
        legal_first_name="Rowan",
        legal_last_name="Hale",
    )
    enrol(pupil, School.objects.get(name="Harbridge Academy"))
    signed_in_home(page, accounts["senco"], assert_accessible)
    page.goto(f"/pupils/{pupil.pk}/")
    assert_accessible(page)
    page.get_by_role("link", name="Record a managed move or off-site direction").click()
    page.get_by_role("radio", name="Managed move").check()
    start = timezone.localdate() + timedelta(days=10)
    fill_date(page, "start_date", start)
    page.get_by_label("School (a managed move").select_option(label="Kelmscott High School")
    fill_date(page, "home_school_consent_on", timezone.localdate())
    fill_date(page, "receiving_school_consent_on", timezone.localdate())
    page.get_by_role("button", name="Record the move").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "A managed move needs the consent of the parents"
    )
    assert_accessible(page)
    fill_date(page, "parent_consent_on", timezone.localdate())
    page.get_by_role("button", name="Record the move").click()
    expect(page.locator("main")).to_contain_text("Managed move recorded")
    assert_accessible(page)

    signed_in_home(page, accounts["officer"], assert_accessible)
    page.get_by_role("link", name="Moves").first.click()
    assert_accessible(page)
    page.get_by_role("link", name="Rowan Hale").click()
    page.get_by_role("button", name="Record the review").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter what the review found")
    assert_accessible(page)


def test_an_administrator_sets_the_las_placement_rules(page, accounts, assert_accessible):
    signed_in_home(page, accounts["admin"], assert_accessible)
    page.get_by_role("link", name="Settings").first.click()
    assert_accessible(page)
    page.get_by_label("Hours a week that count as full time").fill("50")
    page.get_by_role("button", name="Save the settings").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter 40 or fewer")
    assert_accessible(page)
    page.get_by_label("Hours a week that count as full time").fill("30")
    page.get_by_label("Weeks between placement reviews").fill("7")
    page.get_by_role("button", name="Save the settings").click()
    expect(page.locator("main")).to_contain_text("Settings saved")
    la = School.objects.get(name="Harbridge Academy").la
    la.refresh_from_db()
    assert (la.full_time_hours, la.review_interval_weeks) == (Decimal("30"), 7)
