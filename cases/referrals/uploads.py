"""Evidence uploads: checked by what they contain, not what they are called, then virus-scanned.

The scanner sits behind an interface chosen in settings (APPROVISION_VIRUS_SCANNER): production
talks to clamd; development and tests use a stub that recognises the EICAR test file.
"""

import io
import socket
import struct
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
ALLOWED = "a PDF, a Word document (.docx), or a PNG or JPEG image"


class UploadRefused(Exception):
    """The file cannot be kept; the message says why, for the person uploading."""


def sniff_kind(head: bytes, content: bytes) -> str | None:
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"PK\x03\x04"):
        # A .docx is a zip holding word/document.xml; other zips are not accepted.
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return "docx"
    return None


@dataclass(frozen=True)
class ScanResult:
    clean: bool
    scanner: str
    detail: str = ""


class EicarStubScanner:
    """For development and tests: finds only the EICAR anti-virus test signature."""

    name = "stub (EICAR only)"
    SIGNATURE = b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE"

    def scan(self, content: bytes) -> ScanResult:
        if self.SIGNATURE in content:
            return ScanResult(False, self.name, "EICAR test signature")
        return ScanResult(True, self.name)


class ClamdScanner:
    """clamd's INSTREAM protocol over TCP (APPROVISION_CLAMD_HOST, APPROVISION_CLAMD_PORT)."""

    name = "clamd"

    def scan(self, content: bytes) -> ScanResult:
        host = getattr(settings, "APPROVISION_CLAMD_HOST", "127.0.0.1")
        port = int(getattr(settings, "APPROVISION_CLAMD_PORT", 3310))
        with socket.create_connection((host, port), timeout=30) as conn:
            conn.sendall(b"zINSTREAM\0")
            for start in range(0, len(content), 65536):
                chunk = content[start : start + 65536]
                conn.sendall(struct.pack("!L", len(chunk)) + chunk)
            conn.sendall(struct.pack("!L", 0))
            reply = conn.recv(4096).decode(errors="replace").strip("\0\n ")
        return ScanResult(reply.endswith("OK"), self.name, reply)


def scanner():
    return import_string(settings.APPROVISION_VIRUS_SCANNER)()


def upload_check(name: str, content: bytes) -> tuple[str, ScanResult]:
    """The kind of a file fit to keep, or UploadRefused with the reason."""
    if len(content) > MAX_UPLOAD_BYTES:
        raise UploadRefused("The file must be smaller than 10 MB")
    if not content:
        raise UploadRefused("The file is empty")
    kind = sniff_kind(content[:16], content)
    if kind is None:
        raise UploadRefused(f"The file must be {ALLOWED}: this one is not, whatever its name")
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    expected = {"pdf": {"pdf"}, "docx": {"docx"}, "png": {"png"}, "jpeg": {"jpg", "jpeg"}}[kind]
    if extension not in expected:
        raise UploadRefused(
            f"The file's name ends .{extension or '(nothing)'} but it is a "
            f"{kind.upper()}: rename it and try again"
        )
    result = scanner().scan(content)
    if not result.clean:
        raise UploadRefused("The virus scanner found a problem with this file, so it was not kept")
    return kind, result
