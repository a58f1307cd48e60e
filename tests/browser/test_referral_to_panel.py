"""The whole journey: a SENCO refers; the LA triages; the panel decides live; the SENCO sees it."""

import re
from datetime import time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.pupils.models import Pupil
from organisations.models import User
from panels.models import PanelMeeting, PanelMember
from tests.browser.test_exclusions import fill_date, signed_in_home

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_referral_goes_from_the_senco_through_triage_to_a_live_panel_decision(
    page, accounts, assert_accessible, tmp_path
):
    jade = Pupil.objects.get(legal_first_name="Jade", legal_last_name="Kowalski")
    # A meeting next week, not yet built, chaired by the demo panel chair.
    meeting = PanelMeeting.objects.create(
        la=jade.la,
        date=timezone.localdate() + timedelta(days=7),
        start_time=time(13),
        cutoff=timezone.now() + timedelta(days=1),
        quorum=1,
        location="County Hall",
    )
    PanelMember.objects.create(
        meeting=meeting, user=User.objects.get(username="panel"), role="chair"
    )

    # The SENCO drafts, is refused without consent, uploads evidence (a fake is refused), submits.
    signed_in_home(page, accounts["senco"], assert_accessible)
    page.goto(f"/pupils/{jade.pk}/")
    page.get_by_role("button", name="Refer for alternative provision").click()
    page.wait_for_url(re.compile(r"/referrals/\d+/edit/$"))
    assert_accessible(page)
    referral_url = page.url.replace("edit/", "")
    page.get_by_label("Exclusion", exact=True).check()
    page.get_by_label("The pupil's needs").fill("SEMH needs; finds large groups overwhelming")
    page.get_by_label("Interventions tried and their impact").fill(
        "Key worker for a term; little change"
    )
    page.get_by_label("Risk assessment").fill("Low risk with a trusted adult")
    page.get_by_label("Tier 2: time-limited placement").check()
    page.get_by_role("button", name="Save as draft").click()
    assert "Draft saved" in page.locator(".govuk-notification-banner").inner_text()
    assert_accessible(page)

    # Typed, then a file uploaded (refused, then kept): nothing typed is lost either way.
    page.get_by_role("button", name="Continue the referral").click()
    attendance = page.get_by_label("Attendance this school year (%) (optional)")
    risk = page.get_by_label("Risk assessment")
    attendance.fill("71.5")
    risk.fill("Low risk with a trusted adult; a safety plan agreed with mum")
    fake = tmp_path / "report.pdf"
    fake.write_bytes(b"MZ" + b"\x00" * 64)
    page.get_by_label("Add an evidence document").set_input_files(str(fake))
    page.get_by_role("button", name="Upload").click()
    assert "whatever its name" in page.locator(".govuk-error-summary").inner_text()
    assert "Your answers were saved" in page.locator(".govuk-notification-banner").inner_text()
    expect(attendance).to_have_value("71.5")
    expect(risk).to_have_value("Low risk with a trusted adult; a safety plan agreed with mum")
    assert_accessible(page)
    risk.fill("Low risk with a trusted adult; safety plan agreed with mum on 3 March")
    good = tmp_path / "ep-report.pdf"
    good.write_bytes(PDF)
    page.get_by_label("Add an evidence document").set_input_files(str(good))
    page.get_by_role("button", name="Upload").click()
    assert (
        "Your answers were saved, and ep-report.pdf uploaded"
        in page.locator(".govuk-notification-banner").inner_text()
    )
    expect(attendance).to_have_value("71.5")
    expect(risk).to_have_value(
        "Low risk with a trusted adult; safety plan agreed with mum on 3 March"
    )

    page.get_by_role("button", name="Save and check your answers").click()
    page.wait_for_url(re.compile(r"/check/$"))
    assert_accessible(page)
    page.get_by_role("button", name="Submit referral").click()
    assert (
        "Confirm that the parent or carer consents"
        in page.locator(".govuk-error-summary").inner_text()
    )
    assert_accessible(page)
    page.goto(referral_url + "edit/")
    page.get_by_label("The parent or carer consents").check()
    page.get_by_label("Name of the person who gave consent").fill("Ms K Kowalski (mother)")
    page.get_by_role("button", name="Save and check your answers").click()
    page.get_by_role("button", name="Submit referral").click()
    assert "Referral submitted" in page.locator(".govuk-notification-banner").inner_text()
    assert_accessible(page)

    # The officer asks for more; the SENCO answers; the officer accepts it to the panel.
    signed_in_home(page, accounts["officer"], assert_accessible)
    page.get_by_role("link", name="Referrals").first.click()
    assert_accessible(page)
    page.goto(referral_url)
    assert_accessible(page)
    page.get_by_role("button", name="Ask for more information").click()
    page.get_by_role("button", name="Ask the school").click()
    assert "Say what information you need" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("What information do you need?").fill(
        "Please attach the latest EHC needs assessment request"
    )
    page.get_by_role("button", name="Ask the school").click()

    signed_in_home(page, accounts["senco"], assert_accessible)
    page.goto(referral_url)
    page.get_by_role("button", name="Answer the question").click()
    assert "latest EHC needs assessment" in page.locator(".govuk-inset-text").inner_text()
    assert_accessible(page)
    page.get_by_label("Your answer").fill("Requested in March; decision due in June")
    page.get_by_role("button", name="Send answer").click()

    signed_in_home(page, accounts["officer"], assert_accessible)
    page.goto(referral_url)
    page.get_by_role("button", name="Accept to the panel").click()
    assert_accessible(page)
    page.get_by_role("button", name="Accept to the panel").click()
    assert "Accepted to panel" in page.locator("main").inner_text()

    # The chair builds the agenda, issues the pack and runs the meeting live.
    signed_in_home(page, accounts["panel"], assert_accessible)
    page.get_by_role("link", name="Panels").first.click()
    assert_accessible(page)
    page.goto(f"/panels/{meeting.pk}/")
    page.get_by_role("button", name="Build the agenda").click()
    assert "Referral: Jade Kowalski" in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Issue the pack").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the pack (PDF)").click()
    assert download.value.suggested_filename.startswith("panel-pack-")
    # Before its date only an officer may start the meeting, with a reason; the week passes.
    assert page.get_by_label("Reason to do this before the meeting's date").count()
    PanelMeeting.objects.filter(pk=meeting.pk).update(date=timezone.localdate())
    page.reload()
    page.get_by_role("button", name="Start the meeting").click()
    page.wait_for_url(re.compile(r"/live/"))
    assert_accessible(page)
    # The first item to decide opens by itself; otherwise the chair picks it from the agenda.
    link = page.get_by_role("link", name="Referral: Jade Kowalski")
    if link.count():
        link.click()
    page.locator("#live").get_by_role(
        "heading", name="Referral: Jade Kowalski, Harbridge Academy"
    ).wait_for()
    page.get_by_label("Approve a placement").check()
    page.get_by_role("button", name="Record the decision").click()
    # Every missing answer at once, not one per submit.
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Give the reason for the decision")
    for missing in ("Select the provider", "Select the tier", "Enter the hours a week"):
        expect(summary).to_contain_text(missing)
    assert_accessible(page)
    # A reload shows the same item again, never "405 Method Not Allowed".
    page.reload()
    expect(page.locator("#live")).to_contain_text("Referral: Jade Kowalski, Harbridge Academy")
    page.get_by_label("Approve a placement").check()
    page.get_by_label("Reasons").fill("A small setting for a term, with a plan back to school")
    page.get_by_label("Provider", exact=True).select_option(
        label="The Harbridge Centre (secondary PRU)"
    )
    page.get_by_label("Tier").select_option("tier_2")
    past = timezone.localdate() - timedelta(days=3)
    fill_date(page, "start_date", past)
    page.get_by_label("Hours a week").fill("20")
    fill_date(page, "first_review_date", past + timedelta(days=40))
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "The start date cannot be in the past"
    )
    start = timezone.localdate() + timedelta(days=14)
    fill_date(page, "start_date", start)
    fill_date(page, "first_review_date", start + timedelta(days=40))
    page.get_by_role("button", name="Record the decision").click()
    # 20 hours is a part-time timetable: it needs its end date.
    expect(page.locator(".govuk-error-summary")).to_contain_text("enter the date it ends")
    fill_date(page, "planned_end", start + timedelta(weeks=12))
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator("main")).to_contain_text("Decision recorded: Referral: Jade Kowalski")
    assert_accessible(page)
    assert "/decide/" not in page.url
    page.reload()
    expect(page.locator("h1")).to_contain_text(": live")
    # Decide anything else on the agenda, then approve and lock the minutes.
    while page.get_by_role("button", name="Record the decision").count():
        title = page.locator("#current-item").inner_text()
        page.get_by_label("Noted (provision confirmed)").check()
        page.get_by_label("Reasons").fill("Provision confirmed from the 6th day")
        page.get_by_role("button", name="Record the decision").click()
        expect(page.locator("main")).to_contain_text(f"Decision recorded: {title}")
    page.get_by_role("link", name="Read and approve the minutes").click()
    assert "The Harbridge Centre (secondary PRU)" in page.locator(".app-minutes").inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Approve and lock the minutes").click()
    assert "Approved and locked" in page.locator("main").inner_text()
    assert_accessible(page)

    # The SENCO sees the outcome.
    signed_in_home(page, accounts["senco"], assert_accessible)
    page.goto(referral_url)
    outcome = page.locator(".govuk-inset-text").first.inner_text()
    assert "Placement approved with The Harbridge Centre" in outcome
    assert_accessible(page)


def test_an_officer_adds_a_meeting_and_its_members(page, accounts, assert_accessible):
    signed_in_home(page, accounts["officer"], assert_accessible)
    page.get_by_role("link", name="Panels").first.click()
    assert_accessible(page)
    page.get_by_role("button", name="Add a one-off meeting").click()
    page.get_by_role("button", name="Add the meeting").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the date of the meeting")
    assert_accessible(page)
    day = timezone.localdate() + timedelta(days=9)
    fill_date(page, "date", day)
    page.get_by_label("Start time").fill("09:30")
    fill_date(page, "cutoff_date", day - timedelta(days=2))
    page.get_by_label("Referrals cut-off time").fill("12:00")
    page.get_by_role("button", name="Add the meeting").click()
    expect(page.locator("main")).to_contain_text("now add its members")
    page.get_by_label("Person").select_option(
        label="Helen Okafor (Panel member, Northmoor County Council)"
    )
    page.get_by_label("Chair").check()
    page.get_by_role("button", name="Add to the panel").click()
    expect(page.locator("main")).to_contain_text("Helen Okafor, Chair")
    assert_accessible(page)
