"""Security bar G14: seeded canary values (a pupil's name and date of birth, note text, a
password, a session id, an API token) go through the paths that log (a failed and a good
sign-in, page and API errors, refusals, an upload with the scanner down) and appear nowhere in
what the application logged. tests/conftest.py looks for them again in every process's log
file when the whole suite ends."""

import logging

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.pupils.models import Pupil
from cases.referrals.services import referral_start
from organisations.services import api_token_issue
from tests.factories import make_upn

NAME = ("Canaryfirst", "Zqxwcanary")
BIRTH = ("2013-02-07", "7 February 2013", "07/02/2013")
NOTE = "canary-note-7d1e Struggles with the noise of the dining hall"
PASSWORD = "Canary-Pass-7731!x"
CANARIES = [*NAME, *BIRTH, NOTE, PASSWORD]


class Everything(logging.Handler):
    """Every record at any level, formatted as the suite's handlers would write it."""

    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.lines = []
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))

    def emit(self, record):
        self.lines.append(self.format(record))


@pytest.fixture
def logged():
    handler = Everything()
    root = logging.getLogger()
    before = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield handler.lines
    root.removeHandler(handler)
    root.setLevel(before)


def test_no_canary_reaches_the_logs(world, client, sign_in, api, logged, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    officer = world["users"]["la_officer"]
    senco = world["users"]["school_staff"]
    # A failed sign-in with the canary password, and the officer's own password changed to it.
    sign_in_url = reverse("organisations:sign_in")
    client.post(sign_in_url, {"username": officer.username, "password": PASSWORD})
    officer.set_password(PASSWORD)
    officer.save()
    client.post(sign_in_url, {"username": officer.username, "password": PASSWORD})
    # A pupil added through the page with the canary name and birth date; then the same again,
    # refused as a duplicate, and once with a field missing.
    page = sign_in(officer)
    session_id = page.cookies[settings.SESSION_COOKIE_NAME].value
    form = {
        "upn": make_upn("929", 771),
        "legal_first_name": NAME[0],
        "legal_last_name": NAME[1],
        "date_of_birth_0": "7",
        "date_of_birth_1": "2",
        "date_of_birth_2": "2013",
        "sex": "F",
        "ethnicity": "NOBT",
        "sen_status": "N",
        "social_care": "none",
        "school": world["academy"].pk,
        "joined_on_0": "1",
        "joined_on_1": "9",
        "joined_on_2": "2024",
    }
    page.post(reverse("cases:pupil_add"), form)
    page.post(reverse("cases:pupil_add"), form)
    page.post(reverse("cases:pupil_add"), {**form, "sex": ""})
    pupil = Pupil.objects.get(legal_last_name=NAME[1])
    # The SENCO's referral with the canary note, through the API, with errors on the way.
    referral = referral_start(pupil=pupil, by=senco)
    key = api_token_issue(user=senco)[1]
    key_client = api(None)
    key_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    url = f"/api/v1/referrals/{referral.pk}/"
    tag = key_client.get(url)["ETag"]
    key_client.patch(url, {"needs": NOTE, "attendance_percent": "101"}, format="json")
    key_client.patch(url, {"needs": NOTE, "attendance_percent": "101"}, HTTP_IF_MATCH=tag)
    key_client.patch(url, {"needs": NOTE}, format="json", HTTP_IF_MATCH=tag)
    key_client.patch(url, {"needs": NOTE}, format="json", HTTP_IF_MATCH=tag)  # stale: 412
    # Out of scope: the other LA's officer asks for the pupil and the referral.
    outsider = sign_in(world["users"]["other_la_officer"], client.__class__())
    outsider.get(reverse("cases:pupil_detail", args=[pupil.pk]))
    api(world["users"]["other_la_officer"]).get(url)
    # An upload while the scanner is down (it logs the failure).
    settings.APPROVISION_CLAMD_PORT = 1
    upload = SimpleUploadedFile(f"{NAME[1]}.pdf", b"%PDF-1.4 " + NOTE.encode(), "application/pdf")
    sign_in(senco, client.__class__()).post(
        reverse("cases:referral_upload", args=[referral.pk]), {"file": upload}
    )
    assert logged, "the flows above log something: the test would be empty otherwise"
    text = "\n".join(logged)
    for canary in [*CANARIES, session_id, key]:
        assert canary not in text, canary


def found_in_suite_logs(since: float = 0) -> list[str]:
    """Canary values found in the suite's log files (approvision.settings.test's SUITE_LOG)
    written since a time (a worker count of an earlier run may have left others)."""
    folder = settings.SUITE_LOG.parent
    found = []
    for path in folder.glob("suite-*.log"):
        if path.stat().st_mtime < since:
            continue
        text = path.read_text(errors="replace")
        found += [f"{canary!r} in {path.name}" for canary in CANARIES if canary in text]
    return found
