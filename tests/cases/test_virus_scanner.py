"""Evidence uploads meet a real clamd (hardening finding 8): scripts/services.sh starts one on
loopback with a local signature database (the EICAR test string; definitions cannot be downloaded
here). A scanner that is down, or that answers with an error, refuses the file with a plain
message: nothing is ever kept unscanned."""

import io
import socket
import threading
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.referrals.models import EvidenceDocument
from cases.referrals.services import evidence_add
from cases.referrals.uploads import SCANNER_DOWN, ClamdScanner, ScannerUnavailable, UploadRefused

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def docx(body: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<w:document>" + body + b"</w:document>")
    return buffer.getvalue()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_real_clamd_finds_the_test_virus_even_inside_a_compressed_docx():
    scanner = ClamdScanner()
    assert scanner.scan(PDF).clean
    assert scanner.scan(docx(b"Notes of the meeting")).clean
    found = scanner.scan(PDF + EICAR)
    assert not found.clean and "Approvision.Test.EICAR" in found.detail
    # Deflated inside the zip, the string is not in the bytes sent: clamd unpacks it and finds it
    # (the stand-in this replaced, which searched the bytes, passed this file).
    packed = docx(EICAR)
    assert b"EICAR-STANDARD" not in packed
    assert not scanner.scan(packed).clean


def test_an_infected_docx_is_refused_and_nothing_is_kept(world, referral, settings):
    with pytest.raises(UploadRefused, match="virus scanner found a problem"):
        evidence_add(
            referral=referral,
            by=world["users"]["school_staff"],
            name="plan.docx",
            content=docx(EICAR),
        )
    assert not EvidenceDocument.objects.exists()


def test_with_the_scanner_down_an_upload_is_refused_in_plain_words(world, referral, settings):
    settings.APPROVISION_CLAMD_PORT = free_port()  # nothing listens there
    with pytest.raises(ScannerUnavailable) as refused:
        evidence_add(
            referral=referral, by=world["users"]["school_staff"], name="a.pdf", content=PDF
        )
    assert str(refused.value) == SCANNER_DOWN
    assert not EvidenceDocument.objects.exists()


def test_a_scanner_that_answers_an_error_refuses_the_file(world, referral, settings):
    # A real socket that speaks as clamd does when it fails (for example, out of memory).
    listener = socket.create_server(("127.0.0.1", 0))
    settings.APPROVISION_CLAMD_PORT = listener.getsockname()[1]

    def answer():
        conn, _ = listener.accept()
        with conn:
            conn.recv(65536)
            conn.sendall(b"stream: Can't allocate memory ERROR\0")

    thread = threading.Thread(target=answer)
    thread.start()
    try:
        with pytest.raises(ScannerUnavailable):
            ClamdScanner().scan(PDF)
    finally:
        thread.join(5)
        listener.close()


def test_the_upload_page_says_the_scanner_is_down(world, referral, sign_in, settings):
    settings.APPROVISION_CLAMD_PORT = free_port()
    client = sign_in(world["users"]["school_staff"])
    upload = SimpleUploadedFile("report.pdf", PDF, "application/pdf")
    response = client.post(reverse("cases:referral_upload", args=[referral.pk]), {"file": upload})
    assert response.status_code == 200
    assert "The virus scanner is not working just now" in response.text
    assert not EvidenceDocument.objects.exists()
