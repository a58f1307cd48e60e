"""The local GOV.UK Notify (scripts/notify_local.py, started with the test services) answers the
official client as Notify does: sends, statuses from Notify's own test addresses, lookups by
reference, its 400 and 403 answers, and failures on request."""

import base64
import io
import json
import os
import urllib.request
import uuid

import pytest
from notifications_python_client.errors import HTTPError
from notifications_python_client.notifications import NotificationsAPIClient

TEMPLATE = "f33517ff-2a88-4f6e-b855-c550268ce08a"


@pytest.fixture
def notify():
    return NotificationsAPIClient(
        os.environ["NOTIFY_API_KEY"], base_url=os.environ["NOTIFY_BASE_URL"]
    )


def local(path: str, body: dict | None = None) -> dict:
    request = urllib.request.Request(  # noqa: S310 (the local server, on loopback)
        os.environ["NOTIFY_BASE_URL"] + path,
        data=json.dumps(body).encode() if body is not None else None,
        method="POST" if body is not None else "GET",
    )
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 (loopback)
        return json.load(response)


def test_sends_are_recorded_with_notifys_simulated_outcomes(notify):
    reference = str(uuid.uuid4())
    sent = notify.send_email_notification(
        email_address="officer@example.org", template_id=TEMPLATE, reference=reference,
        personalisation={"meeting": "3 March 2027"},
    )  # fmt: skip
    assert notify.get_notification_by_id(sent["id"])["status"] == "delivered"
    # Looked up by reference: how a retry finds a message already sent.
    found = notify.get_all_notifications(reference=reference)["notifications"]
    assert [n["id"] for n in found] == [sent["id"]]
    assert found[0]["personalisation"] == {"meeting": "3 March 2027"}
    failed = notify.send_email_notification(
        email_address="perm-fail@simulator.notify", template_id=TEMPLATE
    )
    assert notify.get_notification_by_id(failed["id"])["status"] == "permanent-failure"
    text = notify.send_sms_notification(phone_number="07700900003", template_id=TEMPLATE)
    assert notify.get_notification_by_id(text["id"])["status"] == "temporary-failure"
    letter = notify.send_precompiled_letter_notification(
        reference=reference, pdf_file=io.BytesIO(b"%PDF-1.7 a letter")
    )
    row = next(m for m in local("/_local/messages")["messages"] if m["id"] == letter["id"])
    assert row["pdf_bytes"] == len(b"%PDF-1.7 a letter")


def test_it_refuses_what_notify_refuses(notify):
    with pytest.raises(HTTPError) as bad:
        notify.send_email_notification(email_address="not an address", template_id=TEMPLATE)
    assert bad.value.status_code == 400
    with pytest.raises(HTTPError) as not_pdf:
        notify.send_precompiled_letter_notification(
            reference="x", pdf_file=io.BytesIO(base64.b64encode(b"plain text"))
        )
    assert not_pdf.value.status_code == 400
    wrong_key = os.environ["NOTIFY_API_KEY"][:-36] + str(uuid.uuid4())
    stranger = NotificationsAPIClient(wrong_key, base_url=os.environ["NOTIFY_BASE_URL"])
    with pytest.raises(HTTPError) as refused:
        stranger.send_email_notification(email_address="a@example.org", template_id=TEMPLATE)
    assert refused.value.status_code == 403


def test_it_fails_on_request_then_recovers(notify):
    recipient = f"{uuid.uuid4().hex[:8]}@example.org"
    local("/_local/fail", {"recipient": recipient, "status": 500, "count": 2})
    for _ in range(2):
        with pytest.raises(HTTPError) as down:
            notify.send_email_notification(email_address=recipient, template_id=TEMPLATE)
        assert down.value.status_code == 500
    sent = notify.send_email_notification(email_address=recipient, template_id=TEMPLATE)
    assert notify.get_notification_by_id(sent["id"])["status"] == "delivered"
