"""Letters to parents from case data: the words filled from the case (dates counted by hand), a
tagged PDF kept on the pupil's record and in the subject access export, posted through Notify's
letter API once; the 6th-day letter's statutory content and its notice warning; an LA's own
wording, checked and previewed before it is saved."""

import html
import re
import shutil
import subprocess
from datetime import date, timedelta

import pytest
from django.urls import reverse

from cases.exclusions.models import Exclusion
from cases.notices.letters import LETTER_KINDS, letter_compose, letter_send
from cases.notices.models import Letter, LetterTemplate, Message
from cases.notices.services import messages_check
from organisations.models import User
from rights.subject_access import subject_access_records
from tests.cases.test_statutory_clocks import record
from tests.notify.local import received
from tests.panels.test_panels import approve, run_meeting

pytestmark = pytest.mark.django_db

ADDRESS = "12 High Street\nHarbridge\nNM1 7QQ"


def pdf_text(path) -> str:
    return subprocess.run(
        [shutil.which("pdftotext"), "-layout", path, "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def pdf_info(path) -> str:
    return subprocess.run(
        [shutil.which("pdfinfo"), path], check=True, capture_output=True, text=True
    ).stdout


def test_a_decision_letter_is_tagged_has_the_cases_dates_and_is_posted_once(
    setup,
    django_capture_on_commit_callbacks,
):
    referral, item = run_meeting(setup)
    with django_capture_on_commit_callbacks(execute=True):
        decision = approve(setup, item)
    pupil = referral.pupil
    with django_capture_on_commit_callbacks(execute=True):
        letter = letter_send(
            kind_key="decision",
            record=decision,
            pupil=pupil,
            by=setup["officer"],
            recipient="Ms J Okoro",
            address=ADDRESS,
            sent_by=Letter.SentBy.NOTIFY,
        )
    # Today is Monday 11 January 2027; the meeting two days on (Wednesday 13th); the placement
    # starts a week on (18 January) and is first reviewed 35 days after (22 February 2027).
    text = re.sub(r"\s+", " ", pdf_text(letter.pdf.path))
    assert "11 January 2027" in text
    assert "met on 13 January 2027" in text
    assert "Starting on: 18 January 2027, for 20 hours a week" in text
    assert "reviewed by: 22 February 2027" in text
    assert "The Harbridge Centre" in text and "Harbridge Academy" in text
    assert "Dear Ms J Okoro" in text and pupil.name in text
    assert "('text'" not in text and "• Dear" not in text  # paragraphs, not a list of them
    assert "Ms J Okoro 12 High Street Harbridge NM1 7QQ" in text  # the envelope's window
    assert "12 High Street" in text and "NM1 7QQ" in text
    info = pdf_info(letter.pdf.path)
    assert re.search(r"^Tagged:\s+yes$", info, re.M), info
    assert re.search(rf"^Title:\s+{re.escape(letter.heading)}$", info, re.M), info
    # Posted through Notify's letter API, as the PDF made: once.
    message = letter.message
    (sent,) = received(message)
    assert sent["type"] == "letter" and sent["pdf_bytes"] == letter.pdf.size
    with django_capture_on_commit_callbacks(execute=True):
        messages_check()
    message.refresh_from_db()
    assert message.status == Message.Status.DELIVERED
    # Kept on the pupil's record, and in the subject access export.
    (section,) = [s for s in subject_access_records(pupil) if s["model"] == "cases.Letter"]
    assert [row["heading"] for row in section["records"]] == [letter.heading]
    assert [f.name for f in section["files"]] == [letter.pdf.name]


def test_the_pupils_letters_come_25_a_page_newest_first(
    setup,
    django_capture_on_commit_callbacks,
    sign_in,
):
    referral, item = run_meeting(setup)
    with django_capture_on_commit_callbacks(execute=True):
        decision = approve(setup, item)
    first = letter_send(
        kind_key="decision",
        record=decision,
        pupil=referral.pupil,
        by=setup["officer"],
        recipient="Ms J Okoro",
        address=ADDRESS,
        sent_by=Letter.SentBy.HAND,
    )
    # 25 more copies, each a day later (copied, not rendered again: the paging is what is tested).
    Letter.objects.bulk_create(
        Letter(
            la=first.la, pupil=first.pupil, kind=first.kind, about_type=first.about_type,
            about_id=first.about_id, recipient=first.recipient, address=first.address,
            heading=f"Letter {n}", body=first.body, pdf=first.pdf.name, sent_by=first.sent_by,
            created_by=first.created_by, created_at=first.created_at + timedelta(days=n),
        )
        for n in range(1, 26)
    )  # fmt: skip
    client = sign_in(setup["officer"])
    url = reverse("cases:letters", args=[referral.pupil.pk])
    page_one = client.get(url)
    rows = re.findall(r'href="/letters/\d+/pdf/">([^<]+)<', page_one.content.decode())
    # 26 letters: the newest 25 (Letter 25 down to Letter 1), then the first one alone.
    assert rows == [f"Letter {n}" for n in range(25, 0, -1)]
    assert "Page 1 of 2" in page_one.content.decode()
    page_two = client.get(url, {"page": 2})
    assert re.findall(r'href="/letters/\d+/pdf/">([^<]+)<', page_two.content.decode()) == [
        html.escape(first.heading)
    ]


def test_the_sixth_day_letter_gives_the_first_day_and_the_parents_five_days(demo, today):
    # Permanently excluded from Monday 16 November 2026: school days 16, 17, 18, 19, 20 are the
    # first five (the parent's duty); the LA's education starts on the 6th, Monday 23 November.
    pex = record(demo, kind=Exclusion.Kind.PERMANENT, start_date=date(2026, 11, 16), end_date=None)
    officer = User.objects.get(username="officer")
    kind = LETTER_KINDS["sixth_day"]
    assert [r for r, _ in kind.records(officer, pex.pupil)] == [pex]
    _, body = letter_compose(
        kind=kind, record=pex, pupil=pex.pupil, by=officer, recipient="Mr A Parent"
    )
    assert "From: Monday 23 November 2026" in body
    assert (
        "Monday 16 November, Tuesday 17 November, Wednesday 18 November, Thursday 19 November "
        "and Friday 20 November 2026"
    ) in body
    assert "excluded from Kelmscott High School from 16 November 2026" in body
    # Today (11 January 2027) is long after: the notice is late, and no place is recorded.
    warnings = kind.warnings(pex, today)
    assert any("No placement is recorded" in w for w in warnings)
    assert any("less than 48 hours' notice" in w and "23 November 2026" in w for w in warnings)
    # Sent three days before the 6th day, it would be in time.
    assert not any("48 hours" in w for w in kind.warnings(pex, date(2026, 11, 20)))
    assert any("48 hours" in w for w in kind.warnings(pex, date(2026, 11, 22)))


def test_an_la_administrator_rewords_a_letter_checked_and_previewed_first(
    setup,
    client,
    sign_in,
    django_capture_on_commit_callbacks,
):
    admin = User.objects.get(username="admin")
    sign_in(admin)
    url = reverse("cases:letter_template_edit", args=["decision"])
    page = client.get(url).content.decode()
    assert "((meeting_date))" in page and "Yours sincerely" in page
    typed = "Dear ((parent_name)), the panel met on ((meeting_date)) about ((pupils_name))."
    refused = client.post(url, {"heading": "Our decision", "body": typed, "version": 0})
    assert refused.status_code == 200
    text = refused.content.decode()
    assert "These are not placeholders this letter can fill: ((pupils_name))" in text
    assert "about ((pupils_name))." in text  # what was typed is kept
    assert not LetterTemplate.objects.exists()
    own = "Dear ((parent_name)), the panel met on ((meeting_date)) about ((pupil_name))."
    preview = client.post(url, {"heading": "Our decision", "body": own, "version": 0})
    assert "the panel met on 13 January 2027 about Sam Example." in preview.content.decode()
    assert not LetterTemplate.objects.exists()  # a preview saves nothing
    saved = client.post(url, {"heading": "Our decision", "body": own, "version": 0, "save": "1"})
    assert saved.status_code == 302
    # Saved twice from the same page: the second is refused.
    stale = client.post(url, {"heading": "Ours", "body": own, "version": 0, "save": "1"})
    assert "Another administrator changed this letter" in stale.content.decode()
    referral, item = run_meeting(setup)
    with django_capture_on_commit_callbacks(execute=True):
        decision = approve(setup, item)
    heading, body = letter_compose(
        kind=LETTER_KINDS["decision"],
        record=decision,
        pupil=referral.pupil,
        by=setup["officer"],
        recipient="Ms J Okoro",
    )
    assert heading == "Our decision"
    assert body == (
        f"Dear Ms J Okoro, the panel met on 13 January 2027 about {referral.pupil.name}."
    )


def test_letters_are_the_las_a_school_cannot_read_or_write_them(
    setup,
    client,
    sign_in,
    django_capture_on_commit_callbacks,
):
    referral, item = run_meeting(setup)
    with django_capture_on_commit_callbacks(execute=True):
        approve(setup, item)
    sign_in(setup["senco"])
    assert client.get(reverse("cases:letters", args=[referral.pupil_id])).status_code == 403
    sign_in(User.objects.get(username="officer"))
    page = client.get(reverse("cases:letters", args=[referral.pupil_id]))
    assert page.status_code == 200
    # An address without its postcode last is refused, and what was typed is kept.
    response = client.post(
        reverse("cases:letters", args=[referral.pupil_id]),
        {"letter": "", "recipient": "Ms J Okoro", "address": "12 High Street", "sent_by": "hand"},
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Select which letter to send" in text and "12 High Street" in text
    assert not Letter.objects.exists()
