"""Telling the referrer and the provider of a panel decision, outside the request.

The decision is saved first; the e-mail is a task queued when the transaction commits, so a mail
server that is down or slow never turns a saved decision into an error page (house style 3). The
task marks the decision notified only once the mail server has taken the message; until then the
sweeper (every few minutes) queues it again, waiting longer after each failure, so the message
goes out once the server is back, and is not sent twice."""

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from approvision.tasks import queue
from panels.models import Decision

logger = logging.getLogger("approvision.notifications")

# Tried again after 1, 2, 4 ... minutes, at most an hour apart; given up after a day or so.
GIVE_UP_AFTER = 30


def decision_recipients(decision: Decision) -> list[str]:
    item = decision.item
    recipients = []
    if item.referral_id and item.referral.referrer.email:
        recipients.append(item.referral.referrer.email)
    if decision.provider_id:
        recipients += [
            m.user.email
            for m in decision.provider.members.select_related("user")
            if m.user.email and m.user.is_active
        ]
    return sorted(set(recipients))


def decision_notify_queue(decision: Decision) -> None:
    """Queue the decision's e-mail once the decision is committed (call inside the transaction)."""
    transaction.on_commit(lambda: queue("panels.tasks.decision_notify", decision.pk))


def decision_notify(decision_id: int) -> str:
    """Send one decision's e-mail if it has not gone yet. No pupil names in e-mail: the message
    says where to look; the service shows the detail to those who may see it."""
    with transaction.atomic():
        decision = (
            Decision.objects.select_for_update(of=("self",), skip_locked=True)
            .select_related("item__meeting", "item__referral__referrer", "provider")
            .filter(pk=decision_id, notified_at__isnull=True)
            .first()
        )
        if decision is None:
            return "nothing to send"
        recipients = decision_recipients(decision)
        now = timezone.now()
        if recipients:
            item = decision.item
            body = render_to_string(
                "panels/email/decision.txt", {"decision": decision, "item": item}
            )
            try:
                send_mail(
                    subject=f"AP panel decision from {item.meeting.date:%-d %B %Y}",
                    message=body,
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    recipient_list=recipients,
                )
            except (OSError, smtplib.SMTPException) as error:
                Decision.objects.filter(pk=decision.pk).update(
                    notify_attempts=F("notify_attempts") + 1, notify_tried_at=now
                )
                logger.warning(
                    "Decision %s not e-mailed yet (%s); will try again", decision.pk, error
                )
                return "will try again"
        Decision.objects.filter(pk=decision.pk).update(
            notified_at=now, notify_attempts=F("notify_attempts") + 1, notify_tried_at=now
        )
        return "sent" if recipients else "nobody to tell"


def decisions_notify_pending(now=None) -> int:
    """Queue again the decisions whose e-mail has not gone, once their wait is over."""
    now = now or timezone.now()
    pending = Decision.objects.filter(notified_at__isnull=True, notify_attempts__lt=GIVE_UP_AFTER)
    due = [
        pk
        for pk, attempts, tried in pending.values_list("pk", "notify_attempts", "notify_tried_at")
        if tried is None or now - tried >= timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))
    ]
    for pk in due:
        queue("panels.tasks.decision_notify", pk)
    return len(due)
