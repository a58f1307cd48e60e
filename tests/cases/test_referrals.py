"""Referrals: drafting, evidence checks, submission, triage; each step scoped and recorded."""

import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from approvision.records import Refused, StaleVersion
from cases.referrals.models import EvidenceDocument, Referral
from cases.referrals.services import (
    evidence_add,
    referral_accept,
    referral_answer,
    referral_request_info,
    referral_submit,
    referral_update,
)
from cases.referrals.uploads import UploadRefused

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ANSWERS = {
    "reason": "exclusion",
    "needs": "SEMH needs; struggles in large groups",
    "interventions": "Mentoring for a term; reduced timetable; little change",
    "risk_assessment": "Low risk to others with a key adult",
    "provision_requested": "tier_2",
    "consent_given": True,
    "consent_given_by": "Ms L Holmes (mother)",
}


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def complete(referral, user):
    return referral_update(referral=referral, by=user, version=referral.version, **ANSWERS)


def test_a_draft_cannot_be_submitted_without_consent(world, referral):
    senco = world["users"]["school_staff"]
    referral = referral_update(
        referral=referral, by=senco, version=referral.version, **{**ANSWERS, "consent_given": False}
    )
    with pytest.raises(Refused) as error:
        referral_submit(referral=referral, by=senco)
    assert error.value.field == "consent_given"
    referral.refresh_from_db()
    assert referral.state == Referral.State.DRAFT


def test_the_ask_and_answer_loop_and_acceptance_are_recorded(world, referral):
    senco, officer = world["users"]["school_staff"], world["users"]["la_officer"]
    referral = referral_submit(referral=complete(referral, senco), by=senco)
    referral = referral_request_info(
        referral=referral, by=officer, question="Send the EP report", version=referral.version
    )
    assert referral.is_editable
    referral = referral_answer(
        referral=referral, by=senco, answer="Attached; EP visit in May", version=referral.version
    )
    assert referral.state == Referral.State.SUBMITTED
    referral = referral_accept(referral=referral, by=officer, version=referral.version)
    assert referral.state == Referral.State.ACCEPTED and referral.accepted_at
    steps = list(referral.events.values_list("to_state", "message", "by__username"))
    assert steps[2] == ("more_info", "Send the EP report", officer.username)
    assert steps[3] == ("more_info", "Attached; EP visit in May", senco.username)
    assert [s[0] for s in steps] == [
        "draft",
        "submitted",
        "more_info",
        "more_info",
        "submitted",
        "accepted",
    ]


def test_illegal_and_stale_moves_are_refused(world, referral):
    officer = world["users"]["la_officer"]
    with pytest.raises(Refused, match="cannot become"):
        referral_accept(referral=referral, by=officer, version=referral.version)
    with pytest.raises(StaleVersion):
        referral_update(referral=referral, by=officer, version=referral.version + 5, needs="x")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.pdf", b"MZ\x90\x00" + b"\x00" * 100, "whatever its name"),  # an .exe renamed
        ("notes.pdf", b"plain text pretending", "whatever its name"),
        ("report.docx", PDF, "rename it"),
        ("big.pdf", PDF + b"0" * (10 * 1024 * 1024), "smaller than 10 MB"),
        (
            "eicar.pdf",
            b"%PDF-1.4 X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*",
            "virus scanner",
        ),
    ],
)
def test_bad_files_are_refused_and_nothing_is_kept(
    world, referral, name, content, message, settings
):
    with pytest.raises(UploadRefused, match=message):
        evidence_add(
            referral=referral, by=world["users"]["school_staff"], name=name, content=content
        )
    assert not EvidenceDocument.objects.exists()
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_good_files_are_kept_privately_under_a_random_name(world, referral):
    senco = world["users"]["school_staff"]
    for name, content in (("report.pdf", PDF), ("plan.docx", docx())):
        document = evidence_add(referral=referral, by=senco, name=name, content=content)
        assert document.scanner == "clamd"
        # Nothing of the pupil or the upload in the path: the referral's folder and a random name.
        # (It once asked that the pupil's id appear nowhere in it, which a random hex name
        # sometimes contains by chance: "88" in "...b88da...".)
        assert name not in document.file.name
        assert re.fullmatch(rf"evidence/{referral.pk}/[0-9a-f]{{32}}", document.file.name)


def test_documents_download_only_within_scope_as_attachments(world, referral, sign_in):
    document = evidence_add(
        referral=referral, by=world["users"]["school_staff"], name="report.pdf", content=PDF
    )
    url = reverse("cases:document_download", args=[document.pk])
    response = sign_in(world["users"]["la_officer"]).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="report.pdf"')
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF
    assert sign_in(world["users"]["other_school_staff"]).get(url).status_code == 404
    assert sign_in(world["users"]["other_la_officer"]).get(url).status_code == 404


def test_a_30_mb_upload_is_refused_with_413_before_anything_is_saved(world, referral, sign_in):
    client = sign_in(world["users"]["school_staff"])
    big = SimpleUploadedFile("scan.pdf", PDF + b"0" * (30 * 1024 * 1024), "application/pdf")
    response = client.post(reverse("cases:referral_upload", args=[referral.pk]), {"file": big})
    assert response.status_code == 413
    assert "The file is too big" in response.text
    assert not EvidenceDocument.objects.exists()


def test_the_upload_page_shows_the_reason_a_file_was_refused(world, referral, sign_in):
    client = sign_in(world["users"]["school_staff"])
    fake = SimpleUploadedFile("report.pdf", b"MZ" + b"\x00" * 50, "application/pdf")
    response = client.post(reverse("cases:referral_upload", args=[referral.pk]), {"file": fake})
    assert response.status_code == 200
    assert "whatever its name" in response.text
    assert 'class="govuk-error-summary"' in response.text


def test_referrals_are_scoped(world, referral, sign_in):
    url = reverse("cases:referral_detail", args=[referral.pk])
    assert sign_in(world["users"]["school_staff"]).get(url).status_code == 200
    assert sign_in(world["users"]["la_officer"]).get(url).status_code == 200
    assert sign_in(world["users"]["trust_lead"]).get(url).status_code == 200
    assert sign_in(world["users"]["other_school_staff"]).get(url).status_code == 404
    assert sign_in(world["users"]["other_la_officer"]).get(url).status_code == 404
    assert sign_in(world["users"]["director"]).get(url).status_code == 403
    # Only the referring school edits; the LA triages and cannot edit the school's answers.
    edit = reverse("cases:referral_edit", args=[referral.pk])
    assert sign_in(world["users"]["la_officer"]).get(edit).status_code in (403, 404)


def test_submitting_from_check_your_answers_lists_what_is_missing(world, referral, sign_in):
    client = sign_in(world["users"]["school_staff"])
    response = client.post(
        reverse("cases:referral_check", args=[referral.pk]), {"version": referral.version}
    )
    assert "Select the reason for the referral" in response.text
    assert "Confirm that the parent or carer consents" in response.text
    referral.refresh_from_db()
    assert referral.state == Referral.State.DRAFT


def test_every_button_on_the_draft_saves_what_was_typed_first(world, referral, sign_in, settings):
    client = sign_in(world["users"]["school_staff"])
    url = reverse("cases:referral_edit", args=[referral.pk])
    typed = {"risk_assessment": "Low risk with a key adult", "version": referral.version}
    # Upload: the answers are saved, then the file kept.
    good = SimpleUploadedFile("plan.pdf", PDF, "application/pdf")
    page = client.post(url, {**typed, "upload": "Upload", "file": good}, follow=True)
    assert "Your answers were saved, and plan.pdf uploaded" in page.text
    referral.refresh_from_db()
    assert referral.risk_assessment == "Low risk with a key adult"
    document = referral.documents.get()
    # Remove: the answers are saved, then the file removed.
    typed = {"risk_assessment": "Medium risk this term", "version": referral.version}
    page = client.post(url, {**typed, "remove": str(document.pk)}, follow=True)
    assert "Your answers were saved, and plan.pdf removed" in page.text
    referral.refresh_from_db()
    assert referral.risk_assessment == "Medium risk this term"
    assert not referral.documents.exists()
    # An answer the form cannot take: nothing uploaded, and every typed word shown again.
    bad = {"risk_assessment": "Typed, not yet saved", "attendance_percent": "lots"}
    again = SimpleUploadedFile("plan.pdf", PDF, "application/pdf")
    page = client.post(url, {**bad, "version": referral.version, "upload": "Upload", "file": again})
    assert page.status_code == 200
    assert "Typed, not yet saved" in page.text and 'value="lots"' in page.text
    assert "Nothing was uploaded or removed" in page.text
    assert not referral.documents.exists()
