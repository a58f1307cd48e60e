"""Reading the local GOV.UK Notify in tests: what it received for the outbox's messages (found by
their reference, so tests running side by side never see each other's)."""

import json
import os
import urllib.request

from django.db.models import Value
from django.db.models.functions import Concat

from cases.notices.models import Message
from organisations.models import User


def everyone_addressed(users: dict) -> None:
    """Every user has an e-mail address, username@example.org (the factories give none)."""
    User.objects.update(email=Concat("username", Value("@example.org")))
    for user in users.values():
        user.refresh_from_db()


def local(path: str, body: dict | None = None) -> dict:
    request = urllib.request.Request(  # noqa: S310 (the local server, on loopback)
        os.environ["NOTIFY_BASE_URL"] + path,
        data=json.dumps(body).encode() if body is not None else None,
        method="POST" if body is not None else "GET",
    )
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 (loopback)
        return json.load(response)


def received(*messages: Message) -> list[dict]:
    """What Notify received with these messages' references, oldest first."""
    references = {str(m.pk) for m in messages}
    rows = [r for r in local("/_local/messages")["messages"] if r["reference"] in references]
    for row in rows:
        row["personalisation"] = json.loads(row["personalisation"] or "{}")
    return rows


def fail_next(recipient: str, status: int, count: int) -> None:
    """The next `count` sends to this recipient are answered with this HTTP status."""
    local("/_local/fail", {"recipient": recipient, "status": status, "count": count})
