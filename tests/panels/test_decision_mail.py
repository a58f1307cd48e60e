"""The decision e-mail goes out from a task after the decision is saved: a mail server that
refuses connections costs the chair nothing, and the message goes once the server is back."""

import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.urls import reverse
from django.utils import timezone

from panels.models import Decision
from panels.notifications import decisions_notify_pending
from tests.panels.test_panels import run_meeting, setup  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_decision_is_saved_while_the_mail_server_is_down_and_mailed_once_it_is_back(
    setup,  # noqa: F811
    settings,
    client,
    sign_in,
    django_capture_on_commit_callbacks,
):
    port = _free_port()  # nothing listens here yet: connections are refused
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    referral, item = run_meeting(setup)
    setup["senco"].email = "senco@example.org"
    setup["senco"].save()
    sign_in(setup["chair"])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("panels:decide", args=[item.pk]),
            {"outcome": "decline", "reason": "Needs can be met at school", "version": item.version},
        )
    # The chair goes back to the live meeting as usual; the decision is kept, the mail is owed.
    assert response.status_code == 302
    assert response.url == reverse("panels:live", args=[setup["meeting"].pk])
    decision = Decision.objects.get(item=item)
    assert decision.outcome == "decline"
    assert decision.notified_at is None and decision.notify_attempts == 1

    inbox = Inbox()
    server = Controller(inbox, hostname="127.0.0.1", port=port)
    server.start()
    try:
        # Too soon after the failure: the sweeper waits (a minute after the first failure).
        assert decisions_notify_pending(now=decision.notify_tried_at) == 0
        assert inbox.messages == []
        later = decision.notify_tried_at + timedelta(minutes=1)
        assert decisions_notify_pending(now=later) == 1
        assert [m.rcpt_tos for m in inbox.messages] == [["senco@example.org"]]
        assert b"Subject: AP panel decision from" in inbox.messages[0].content
        assert referral.pupil.legal_first_name.encode() not in inbox.messages[0].content
        # Sent once: the sweeper has nothing more to send, however often it runs.
        assert decisions_notify_pending(now=later + timedelta(hours=1)) == 0
        assert len(inbox.messages) == 1
    finally:
        server.stop()
    decision.refresh_from_db()
    assert decision.notified_at is not None and decision.notified_at <= timezone.now()
