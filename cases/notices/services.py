"""Sending through GOV.UK Notify from the outbox (cases.notices.models.Message).

`notice_send` writes the messages inside the caller's transaction and queues their sending for
when it commits: a change rolled back sends nothing. `message_send` sends one: it holds the row's
lock while it asks Notify, and asks first whether Notify already has a message with the row's
reference (a worker killed after Notify took the message, before the row was marked sent, left
it queued): so a message is never sent twice however often the task runs. A failure Notify may
get over (a 5xx, a timeout, a refused connection) is tried again by the sweeper, waiting longer
each time; a message Notify refuses (a 400) or reports undelivered gives the lead officer a task.
"""

import logging
import re
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient

from approvision.records import Refused, transition
from approvision.tasks import queue
from cases.notices.kinds import DIGEST, KINDS
from cases.notices.models import Message, NoticeChannel, NoticePreference
from organisations.models import LocalAuthority, Membership, ProviderOrganisation, School, User
from organisations.roles import Role

logger = logging.getLogger("approvision.notifications")

# Tried again after 1, 2, 4 ... minutes, at most an hour apart; given up after a day or so.
GIVE_UP_AFTER = 30
# Notify keeps a message's status for 7 days; it is asked for a day at most.
STATUS_CHECK_FOR = timedelta(days=1)
# Notify's statuses on the way (the row stays "sent to Notify") and at the end.
NOTIFY_PENDING = {"created", "sending", "pending", "pending-virus-check", "accepted"}
NOTIFY_FINAL = {
    "delivered": Message.Status.DELIVERED,
    "received": Message.Status.DELIVERED,  # a letter: printed and posted
    "permanent-failure": Message.Status.PERMANENT_FAILURE,
    "temporary-failure": Message.Status.TEMPORARY_FAILURE,
    "technical-failure": Message.Status.TECHNICAL_FAILURE,
    "validation-failed": Message.Status.PERMANENT_FAILURE,
    "virus-scan-failed": Message.Status.TECHNICAL_FAILURE,
    "cancelled": Message.Status.TECHNICAL_FAILURE,
}


class NotifyNotConfigured(APIError):
    """No usable NOTIFY_API_KEY: messages wait (and are tried again) until one is set."""

    def __init__(self):
        super().__init__(message="NOTIFY_API_KEY is not set, or is not a Notify API key")

    @property
    def status_code(self) -> int:
        return 503


def notify_client() -> NotificationsAPIClient:
    key = settings.NOTIFY_API_KEY
    # A Notify key ends "<service id, 36>-<secret, 36>".
    if len(key) < 74:
        raise NotifyNotConfigured
    return NotificationsAPIClient(key, base_url=settings.NOTIFY_BASE_URL, timeout=20)


def template_for(kind: str, channel: str) -> str:
    """The Notify template of a kind of message: its own if the LA has made one, else the
    channel's general template (a subject and a body)."""
    return settings.NOTIFY_TEMPLATES.get(kind) or settings.NOTIFY_TEMPLATES[channel]


def people_of(owner) -> list[User]:
    """Who is told on behalf of a person or an organisation: the person; a school's or a
    provider's staff; an LA's officers."""
    if isinstance(owner, User):
        return [owner]
    members = Membership.objects.filter(user__is_active=True).select_related("user")
    if isinstance(owner, School):
        members = members.filter(school=owner, role=Role.SCHOOL_STAFF)
    elif isinstance(owner, ProviderOrganisation):
        members = members.filter(provider=owner, role=Role.PROVIDER_STAFF)
    elif isinstance(owner, LocalAuthority):
        members = members.filter(la=owner, role=Role.LA_OFFICER)
    else:
        raise TypeError(f"Nobody to tell for {owner!r}")
    return [m.user for m in members.order_by("user_id")]


def modes_for(users: Iterable[User], kind: str) -> dict[int, str]:
    """Each person's choice for a kind of message; a statutory one is never off."""
    chosen = dict(
        NoticePreference.objects.filter(user__in=users, kind=kind).values_list("user_id", "mode")
    )
    modes = {}
    for user in users:
        mode = chosen.get(user.pk, NoticePreference.Mode.INSTANT)
        if KINDS[kind].statutory and mode == NoticePreference.Mode.OFF:
            mode = NoticePreference.Mode.INSTANT
        modes[user.pk] = mode
    return modes


def link(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def notice_send(
    *,
    kind: str,
    to: Iterable,
    la: LocalAuthority,
    subject: str,
    body: str,
    path: str = "",
    pupil=None,
    about=None,
    occasion: str = "",
) -> list[Message]:
    """Tell people (or organisations' people) of something, each as they have chosen: the
    messages are written now and sent once the caller's transaction commits. The subject and
    body never name the pupil; the link takes the reader to what they may see."""
    notice = KINDS[kind]
    people: dict[int, User] = {}
    for owner in to:
        if owner is None:
            continue
        for user in people_of(owner):
            if user.is_active:
                people.setdefault(user.pk, user)
    texting = dict(
        NoticeChannel.objects.filter(user__in=list(people), by_text=True).values_list(
            "user_id", "mobile"
        )
    )
    users = {pk: user for pk, user in people.items() if user.email or pk in texting}
    if not users:
        return []
    modes = modes_for(users.values(), kind)
    text = body.strip() + (f"\n\nSee it in approvision: {link(path)}" if path else "")
    about_type = ContentType.objects.get_for_model(type(about)) if about is not None else None

    def message(user):
        # A text message says what happened and where to look; the summary is an e-mail (one
        # without an e-mail address is texted at once).
        daily = modes[user.pk] == NoticePreference.Mode.DAILY and bool(user.email)
        by_text = user.pk in texting and not daily
        channel = Message.Channel.SMS if by_text else Message.Channel.EMAIL
        return Message(
            la=la,
            kind=kind,
            channel=channel,
            statutory=notice.statutory,
            to_user=user,
            to_address=texting[user.pk] if by_text else user.email,
            pupil=pupil,
            about_type=about_type,
            about_id=about.pk if about is not None else None,
            occasion=occasion,
            subject=subject,
            body=(f"{subject}. {link(path)}" if path else subject) if by_text else text,
            template_id=template_for(kind, channel),
            status=Message.Status.HELD if daily else Message.Status.QUEUED,
        )

    messages = Message.objects.bulk_create(
        message(user) for user in users.values() if modes[user.pk] != NoticePreference.Mode.OFF
    )
    for message in messages:
        if message.status == Message.Status.QUEUED:
            message_queue(message)
    return messages


def message_queue(message: Message) -> None:
    """Send once the transaction that wrote the message commits (never, if it rolls back)."""
    pk = str(message.pk)
    transaction.on_commit(lambda: queue("cases.tasks.message_send", pk))


def _send(client: NotificationsAPIClient, message: Message) -> dict:
    if message.channel == Message.Channel.LETTER:
        from cases.notices.letters import letter_pdf_file

        # The tagged PDF as the LA made it, posted as it is (Notify's precompiled letter).
        return client.send_precompiled_letter_notification(
            reference=str(message.pk), pdf_file=letter_pdf_file(message), postage="second"
        )
    personalisation = {"subject": message.subject, "body": message.body}
    if message.channel == Message.Channel.SMS:
        return client.send_sms_notification(
            phone_number=message.to_address,
            template_id=message.template_id,
            personalisation=personalisation,
            reference=str(message.pk),
        )
    return client.send_email_notification(
        email_address=message.to_address,
        template_id=message.template_id,
        personalisation=personalisation,
        reference=str(message.pk),
    )


def _sent_before(client: NotificationsAPIClient, message: Message) -> dict | None:
    """Notify's message with this row's reference, if a send was made before."""
    found = client.get_all_notifications(reference=str(message.pk))["notifications"]
    return found[0] if found else None


def backoff(attempts: int) -> timedelta:
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))


def message_send(message_id: str, now: datetime | None = None) -> str:
    """Send one queued message, at most once (see the module's note)."""
    with transaction.atomic():
        message = (
            Message.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, status=Message.Status.QUEUED)
            .first()
        )
        if message is None:
            return "nothing to send"
        now = now or timezone.now()
        message.attempts += 1
        try:
            client = notify_client()
            already = _sent_before(client, message)
            notify_id = already["id"] if already else _send(client, message)["id"]
        except APIError as error:
            message.last_error = str(error)[:500]
            if error.status_code == 400:
                # Notify will not take it as it is (a bad address): trying again will not help.
                transition(message, Message.Status.NOT_SENT, by=None, status_at=now)
                message_failed(message)
                return "refused"
            if message.attempts >= GIVE_UP_AFTER:
                transition(message, Message.Status.TECHNICAL_FAILURE, by=None, status_at=now)
                message_failed(message)
                return "given up"
            message.next_try_at = now + backoff(message.attempts)
            message.save()
            logger.warning(
                "Message %s not sent yet (Notify answered %s); will try again",
                message.pk,
                error.status_code,
            )
            return "will try again"
        transition(
            message,
            Message.Status.SENDING,
            by=None,
            notify_id=notify_id,
            sent_at=now,
            status_at=now,
            next_try_at=None,
            last_error="",
        )
        return "found sent" if already else "sent"


def messages_retry(now: datetime | None = None) -> int:
    """Queue again the messages whose wait is over; and any whose task was never queued (the
    broker was down when the change committed)."""
    now = now or timezone.now()
    due = Message.objects.filter(
        Q(next_try_at__lte=now)
        | Q(next_try_at__isnull=True, created_at__lte=now - timedelta(minutes=1)),
        status=Message.Status.QUEUED,
    ).values_list("pk", flat=True)
    count = 0
    for pk in due[:1000]:
        queue("cases.tasks.message_send", str(pk))
        count += 1
    return count


def messages_check(now: datetime | None = None) -> dict[str, int]:
    """Ask Notify how the messages sent lately have done; a failure alerts the lead officer."""
    now = now or timezone.now()
    client = notify_client()
    counts = {"checked": 0, "final": 0}
    sent = Message.objects.filter(
        status=Message.Status.SENDING, sent_at__gte=now - STATUS_CHECK_FOR
    ).order_by("sent_at")
    for message in sent[:500]:
        try:
            status = client.get_notification_by_id(str(message.notify_id))["status"]
        except APIError as error:
            logger.warning("Status of message %s not read (%s)", message.pk, error.status_code)
            continue
        counts["checked"] += 1
        if status in NOTIFY_PENDING or status not in NOTIFY_FINAL:
            continue
        with transaction.atomic():
            locked = (
                Message.objects.select_for_update()
                .filter(pk=message.pk, status=Message.Status.SENDING)
                .first()
            )
            if locked is None:
                continue  # read by another check meanwhile
            transition(locked, NOTIFY_FINAL[status], by=None, status_at=now)
            counts["final"] += 1
            if locked.failed:
                message_failed(locked)
    return counts


def lead_officer_of(message: Message):
    """Who leads the work a message was about: its record's lead officer, else the lead of the
    pupil's open work, else the LA's officers as a team."""
    from cases.casework.chasers import _leads

    record = message.about
    lead = getattr(record, "lead_officer", None)
    if lead is None and message.pupil_id:
        lead = _leads([message.pupil_id]).get(message.pupil_id)
    return lead or message.la


def message_failed(message: Message) -> None:
    """A message not delivered: its lead officer gets a task to tell the person another way."""
    from cases.casework.models import Task
    from cases.casework.services import task_add

    if message.failure_alerted or message.kind in ("message_failed", DIGEST):
        return
    about = message.about
    if isinstance(about, Task) and about.source == Task.Source.MESSAGE:
        return  # the task about a failure: its own message failing makes no second task
    name = message.to_user.display_name if message.to_user_id else message.to_address
    task = task_add(
        la=message.la,
        title=(
            f"Not delivered: the {message.get_channel_display().lower()} to {name} "
            f"({message.to_address}), \u201c{message.subject}\u201d. Tell them another way, and "
            "check the address"
        ),
        due_on=timezone.localdate(),
        owner=lead_officer_of(message),
        source=Task.Source.MESSAGE,
        pupil=message.pupil,
        about=about,
    )
    Message.objects.filter(pk=message.pk).update(failure_alerted=True)
    message.failure_alerted = True
    logger.warning("Message %s not delivered (%s): task %s", message.pk, message.status, task.pk)


def summaries_send(now: datetime | None = None) -> int:
    """One daily summary to each person who chose it, carrying what was held for them."""
    now = now or timezone.now()
    held = (
        Message.objects.filter(status=Message.Status.HELD)
        .select_related("to_user", "la")
        .order_by("to_user_id", "created_at")
    )
    by_user: dict[int, list[Message]] = {}
    for message in held:
        by_user.setdefault(message.to_user_id, []).append(message)
    for items in by_user.values():
        with transaction.atomic():
            first = items[0]
            lines = "\n\n".join(f"{i}. {m.subject}\n{m.body}" for i, m in enumerate(items, start=1))
            summary = Message.objects.create(
                la=first.la,
                kind=DIGEST,
                to_user=first.to_user,
                to_address=first.to_user.email,
                subject=(
                    f"Your daily summary from approvision: {len(items)} "
                    f"{'update' if len(items) == 1 else 'updates'}"
                ),
                body=lines,
                template_id=template_for(DIGEST, Message.Channel.EMAIL),
                created_at=now,
            )
            for carried in items:
                transition(
                    carried, Message.Status.IN_SUMMARY, by=None, summary=summary, status_at=now
                )
            message_queue(summary)
    return len(by_user)


def mobile_number(typed: str) -> str:
    """A UK mobile number as Notify takes it (07... or +447..., spaces allowed), or refused."""
    digits = re.sub(r"[\s()-]", "", typed)
    if re.fullmatch(r"(?:\+44|0044|0)7\d{9}", digits):
        return "07" + digits[-9:]
    raise Refused("Enter a UK mobile number, like 07700 900 982", field="mobile")


@transaction.atomic
def notice_channel_save(*, user: User, by_text: bool, mobile: str) -> NoticeChannel:
    """E-mail, or text messages to a mobile number (which a text needs)."""
    mobile = mobile.strip()
    if by_text and not mobile:
        raise Refused("Enter your mobile number to be sent text messages", field="mobile")
    channel, _ = NoticeChannel.objects.update_or_create(
        user=user,
        defaults={"by_text": by_text, "mobile": mobile_number(mobile) if mobile else ""},
    )
    return channel


@transaction.atomic
def preferences_save(*, user: User, modes: dict[str, str]) -> None:
    """A person's choices; a statutory kind cannot be turned off."""
    for kind, mode in modes.items():
        if kind not in KINDS or mode not in NoticePreference.Mode.values:
            continue
        if KINDS[kind].statutory and mode == NoticePreference.Mode.OFF:
            continue
        NoticePreference.objects.update_or_create(user=user, kind=kind, defaults={"mode": mode})
