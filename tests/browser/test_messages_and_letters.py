"""Messages and letters in Chromium: an officer previews and sends the panel's decision letter to
a parent, and the PDF downloaded has the case's dates and is tagged; an LA administrator rewords
a letter with a preview; a SENCO chooses a daily summary and reads their messages; the LA
administrator sees what the local Notify received (development only); an officer finds the
messages that did not arrive."""

import re
import shutil
import subprocess

import pytest
from playwright.sync_api import expect

from cases.notices.models import Letter, Message, NoticePreference
from cases.notices.services import messages_check, notice_send
from organisations.calendar import long_date
from organisations.models import User
from panels.models import Decision
from tests.browser.test_exclusions import signed_in_home

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_previews_and_sends_a_decision_letter_tagged_with_the_right_dates(
    page, today, accounts, assert_accessible, tmp_path
):
    decision = (
        Decision.objects.filter(
            outcome=Decision.Outcome.APPROVE,
            item__referral__isnull=False,
            item__meeting__la__code="929",
            start_date__isnull=False,
        )
        .exclude(item__referral__pupil__letters__isnull=False)  # one the demo wrote to
        .select_related("item__meeting", "item__referral__pupil", "provider")
        .order_by("pk")  # the same decision every run
        .first()
    )
    pupil = decision.item.referral.pupil
    meeting_day = long_date(decision.item.meeting.date)
    start = long_date(decision.start_date)
    signed_in_home(page, accounts["officer"], assert_accessible)
    page.goto(f"/pupils/{pupil.pk}/")
    page.get_by_role("link", name="Letters to parents").click()
    assert_accessible(page)
    page.get_by_label(f"The panel's decision of {meeting_day}", exact=False).check()
    page.get_by_label("Parent or carer's name").fill("Ms J Okoro")
    # No postcode: refused, with what was typed kept.
    page.get_by_label("Address").fill("12 High Street\nHarbridge")
    page.get_by_role("button", name="Preview the letter").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Put the postcode on the last line of the address"
    )
    expect(page.get_by_label("Parent or carer's name")).to_have_value("Ms J Okoro")
    assert_accessible(page)
    page.get_by_label("Address").fill("12 High Street\nHarbridge\nNM1 7QQ")
    page.get_by_label("Posted by GOV.UK Notify").check()
    page.get_by_role("button", name="Preview the letter").click()
    preview = page.locator(".app-letter")
    expect(preview).to_contain_text("Dear Ms J Okoro")
    expect(preview).to_contain_text(f"met on {meeting_day}")
    expect(preview).to_contain_text(f"Starting on: {start}")
    expect(preview).to_contain_text(long_date(today))  # the letter's date
    assert_accessible(page)
    assert not Letter.objects.filter(pupil=pupil).exists()  # a preview sends nothing
    page.get_by_role("button", name="Send the letter").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "it goes to GOV.UK Notify to be printed and posted"
    )
    assert_accessible(page)
    (letter,) = Letter.objects.filter(pupil=pupil)
    assert letter.message.channel == Message.Channel.LETTER
    assert letter.message.status == Message.Status.SENDING  # Notify took it
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"about .*\(PDF\)|decision.*\(PDF\)")).click()
    path = tmp_path / "letter.pdf"
    download.value.save_as(path)
    info = subprocess.run(
        [shutil.which("pdfinfo"), str(path)], check=True, capture_output=True, text=True
    ).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.M), info
    text = re.sub(
        r"\s+",
        " ",
        subprocess.run(
            [shutil.which("pdftotext"), str(path), "-"], check=True, capture_output=True, text=True
        ).stdout,
    )
    assert f"met on {meeting_day}" in text and f"Starting on: {start}" in text
    assert long_date(today) in text and "NM1 7QQ" in text


def test_an_la_administrator_rewords_a_letter_after_a_preview(page, accounts, assert_accessible):
    signed_in_home(page, accounts["admin"], assert_accessible)
    page.get_by_role("link", name="Letters").first.click()
    assert_accessible(page)
    page.get_by_role(
        "link", name="Change the wording of the letter: a fair access school place"
    ).click()
    assert_accessible(page)
    body = page.get_by_label("Letter", exact=True)
    body.fill("Dear ((parent_name)), ((pupil_name)) starts at ((schol)) on ((start_date)).")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("((schol))")
    expect(body).to_have_value(
        "Dear ((parent_name)), ((pupil_name)) starts at ((schol)) on ((start_date))."
    )
    assert_accessible(page)
    body.fill("Dear ((parent_name)), ((pupil_name)) starts at ((school)) on ((start_date)).")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator(".app-letter")).to_contain_text(
        "Dear Ms J Example, Sam Example starts at Kelmscott High School on 25 January 2027."
    )
    assert_accessible(page)
    page.get_by_role("button", name="Save the wording").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Saved the wording")
    expect(page.locator("tbody")).to_contain_text("Your own, changed")


def test_a_senco_chooses_a_daily_summary_and_reads_their_messages(
    page, accounts, assert_accessible
):
    signed_in_home(page, accounts["senco"], assert_accessible)
    page.get_by_role("link", name="Messages").first.click()
    assert_accessible(page)
    page.get_by_role("link", name="Choose how you are told").click()
    assert_accessible(page)
    group = page.get_by_role("group", name="A referral is signposted elsewhere")
    group.get_by_label("In one daily summary").check()
    page.get_by_role("group", name="You are given a task").get_by_label("Not at all").check()
    # A statutory notice offers no "Not at all".
    asked = page.get_by_role("group", name="Your school is asked to admit a child")
    expect(asked.get_by_label("Not at all")).to_have_count(0)
    page.get_by_role("button", name="Save how I am told").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        # The demo SENCO had two in the summary already (demo/notices.py).
        "Saved: 3 kinds of message in your daily summary, 1 turned off"
    )
    assert_accessible(page)
    senco = User.objects.get(username="senco")
    modes = dict(NoticePreference.objects.filter(user=senco).values_list("kind", "mode"))
    assert modes["referral_signposted"] == "daily" and modes["task_assigned"] == "off"


def test_the_la_administrator_sees_what_the_local_notify_received(
    page, accounts, assert_accessible
):
    signed_in_home(page, accounts["admin"], assert_accessible)
    page.goto("/messages/local-notify/")
    expect(page.locator("h1")).to_have_text("What the local GOV.UK Notify received")
    assert_accessible(page)
    signed_in_home(page, accounts["senco"], assert_accessible)
    response = page.goto("/messages/local-notify/")
    assert response.status == 403


def test_an_officer_finds_the_messages_that_did_not_arrive(page, accounts, assert_accessible):
    officer = User.objects.get(username="officer")
    panel = User.objects.get(username="panel")
    # Notify's own test address for an inbox that does not exist, and a good one.
    panel.email = "perm-fail@simulator.notify"
    panel.save(update_fields=["email"])
    director = User.objects.get(username="director")
    director.email = "director@northmoor.example.org"
    director.save(update_fields=["email"])
    for person in (panel, director):
        notice_send(
            kind="task_assigned",
            to=[person],
            la=officer.membership.la,
            subject="You have a new task",
            body="A task was given to you.",
        )
    messages_check()
    failed = Message.objects.get(to_user=panel, subject="You have a new task")
    assert failed.status == Message.Status.PERMANENT_FAILURE

    signed_in_home(page, accounts["officer"], assert_accessible)
    page.get_by_role("link", name="Messages").first.click()
    page.get_by_role("link", name="Everything the service sent").click()
    page.get_by_role("link", name="Not delivered").click()
    assert_accessible(page)
    rows = page.locator("tbody tr")
    # Only messages that failed: every row says so; the panel member's is there, the
    # director's (delivered) is not.
    expect(rows.filter(has_text=panel.display_name)).to_have_count(1)
    expect(rows.filter(has_text=director.display_name)).to_have_count(0)
    count = Message.objects.visible_to(officer).filter(status__in=Message.FAILED).count()
    expect(rows).to_have_count(min(count, 25))
    for i in range(rows.count()):
        expect(rows.nth(i)).to_contain_text("Not delivered")
