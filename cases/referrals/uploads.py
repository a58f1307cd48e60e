"""Evidence uploads: checked by what they contain, not what they are called, then virus-scanned.

The scanner sits behind an interface chosen in settings (APPROVISION_VIRUS_SCANNER): clamd, in
every profile (development and tests run a real clamd with a local EICAR signature).
"""

import io
import logging
import socket
import struct
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

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


class ScannerUnavailable(UploadRefused):
    """clamd did not answer, or answered with an error: the file is not kept unscanned."""


SCANNER_DOWN = (
    "The virus scanner is not working just now, so the file was not kept. Try the upload again "
    "in a few minutes"
)


class ClamdScanner:
    """clamd's INSTREAM protocol over TCP (APPROVISION_CLAMD_HOST, APPROVISION_CLAMD_PORT). Every
    profile runs a real clamd (scripts/services.sh; docker-compose.yml in production). A scanner
    that cannot be reached, or that answers with an error, refuses the file: none is kept
    unscanned."""

    name = "clamd"

    def scan(self, content: bytes) -> ScanResult:
        try:
            with socket.create_connection(
                (settings.APPROVISION_CLAMD_HOST, settings.APPROVISION_CLAMD_PORT), timeout=30
            ) as conn:
                conn.sendall(b"zINSTREAM\0")
                for start in range(0, len(content), 65536):
                    chunk = content[start : start + 65536]
                    conn.sendall(struct.pack("!L", len(chunk)) + chunk)
                conn.sendall(struct.pack("!L", 0))
                reply = _read_reply(conn)
        except OSError as error:
            logger.error("The virus scanner could not be reached: %s", error)
            raise ScannerUnavailable(SCANNER_DOWN) from error
        if reply.endswith(" FOUND"):
            return ScanResult(False, self.name, reply.removeprefix("stream: "))
        if reply == "stream: OK":
            return ScanResult(True, self.name)
        logger.error("The virus scanner answered with an error: %s", reply)
        raise ScannerUnavailable(SCANNER_DOWN)


def _read_reply(conn) -> str:
    """clamd's whole reply, up to the NUL that ends it (z-commands) or the connection's end."""
    reply = b""
    while not reply.endswith(b"\0"):
        chunk = conn.recv(4096)
        if not chunk:
            break
        reply += chunk
    return reply.decode(errors="replace").strip("\0\n ")


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
