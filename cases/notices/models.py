"""The outbox: every message the service sends (e-mail and text through GOV.UK Notify) is a row
written in the same transaction as the change that causes it, sent afterwards by a task. The
row's id is the Notify `reference`, so a send is looked up before it is tried again and never
made twice; Notify's id and the delivery status are kept on it and shown on the record it is
about. And each person's choice, per kind, of how they are told."""

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from approvision.records import Stateful
from organisations.models import LocalAuthority
from organisations.roles import LA_ROLES
from organisations.scoping import ScopedQuerySet


class MessageQuerySet(ScopedQuerySet):
    def for_member(self, user, membership):
        # The LA sees every message its service sent; everyone else the messages sent to them.
        if membership.role in LA_ROLES:
            return self.filter(Q(la_id=membership.la_id) | Q(to_user=user))
        return self.filter(to_user=user)

    def sent_about(self, user, record, limit: int = 50):
        """The messages about a record the user may see, newest first, for its page."""
        return list(self.visible_to(user).about(record).select_related("to_user")[:limit])

    def about(self, record):
        return self.filter(
            about_type=ContentType.objects.get_for_model(type(record)), about_id=record.pk
        )


class Message(Stateful, models.Model):
    class Channel(models.TextChoices):
        EMAIL = "email", "E-mail"
        SMS = "sms", "Text message"
        LETTER = "letter", "Letter"

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to send"
        HELD = "held", "Held for the daily summary"
        IN_SUMMARY = "in_summary", "Sent in the daily summary"
        SENDING = "sending", "Sent to GOV.UK Notify"
        DELIVERED = "delivered", "Delivered"
        PERMANENT_FAILURE = "permanent-failure", "Not delivered: the address was refused"
        TEMPORARY_FAILURE = "temporary-failure", "Not delivered: the inbox or phone was unavailable"
        TECHNICAL_FAILURE = "technical-failure", "Not delivered: a fault at GOV.UK Notify"
        NOT_SENT = "not_sent", "Not sent: GOV.UK Notify would not take it"

    STATE_FIELD = "status"
    # Queued, sent to Notify, then Notify's final word; held for the summary, then carried by
    # it. A message Notify would not take (a 400) or given up on never moves again.
    MOVES = {
        Status.QUEUED: (Status.SENDING, Status.NOT_SENT, Status.TECHNICAL_FAILURE),
        Status.HELD: (Status.IN_SUMMARY,),
        Status.SENDING: (
            Status.DELIVERED,
            Status.PERMANENT_FAILURE,
            Status.TEMPORARY_FAILURE,
            Status.TECHNICAL_FAILURE,
        ),
        Status.IN_SUMMARY: (),
        Status.DELIVERED: (),
        Status.PERMANENT_FAILURE: (),
        Status.TEMPORARY_FAILURE: (),
        Status.TECHNICAL_FAILURE: (),
        Status.NOT_SENT: (),
    }

    FAILED = (
        Status.PERMANENT_FAILURE,
        Status.TEMPORARY_FAILURE,
        Status.TECHNICAL_FAILURE,
        Status.NOT_SENT,
    )

    # Notify's `reference` for the message: how a send already made is found again.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    la = models.ForeignKey(LocalAuthority, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    statutory = models.BooleanField(default=False)
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="messages",
    )
    to_address = models.CharField(max_length=254)
    pupil = models.ForeignKey(
        "cases.Pupil", on_delete=models.CASCADE, null=True, blank=True, related_name="messages"
    )
    about_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    about_id = models.PositiveBigIntegerField(null=True, blank=True)
    about = GenericForeignKey("about_type", "about_id")
    # What a reminder is for (a week's return, a deadline): the same one is never sent twice.
    occasion = models.CharField(max_length=60, blank=True)
    # No pupil's name: an e-mail may be read by someone who does not know the child.
    subject = models.CharField(max_length=200)
    body = models.TextField()
    template_id = models.CharField(max_length=36)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    notify_id = models.UUIDField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_try_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    status_at = models.DateTimeField(null=True, blank=True)
    # A message held for the daily summary points at the summary that carried it.
    summary = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="carried"
    )
    # A failure the lead officer has been given a task about.
    failure_alerted = models.BooleanField(default=False)

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "pk"]
        indexes = [
            models.Index(fields=["status", "next_try_at"], name="message_outbox"),
            models.Index(fields=["about_type", "about_id"], name="message_about"),
            models.Index(fields=["to_user", "-created_at"], name="message_to_user"),
            models.Index(fields=["kind", "about_type", "about_id"], name="message_kind_about"),
        ]

    def __str__(self):
        return f"{self.subject} to {self.to_address}"

    @property
    def failed(self) -> bool:
        return self.status in self.FAILED


class NoticePreference(models.Model):
    """How a person is told of one kind of message (no row: at once)."""

    class Mode(models.TextChoices):
        INSTANT = "instant", "At once"
        DAILY = "daily", "In one daily summary"
        OFF = "off", "Not at all"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_preferences"
    )
    kind = models.CharField(max_length=30)
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.INSTANT)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")
        ]

    def __str__(self):
        return f"{self.user}: {self.kind} {self.mode}"


class NoticeChannel(models.Model):
    """How a person is reached: by e-mail (no row), or by text message to their mobile."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_channel"
    )
    by_text = models.BooleanField(default=False)
    mobile = models.CharField("mobile number", max_length=20, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(by_text=False) | ~Q(mobile=""),
                name="a_text_needs_a_mobile",
            )
        ]

    def __str__(self):
        return f"{self.user}: {'text' if self.by_text else 'e-mail'}"


class LetterTemplateQuerySet(ScopedQuerySet):
    def for_member(self, user, membership):
        if membership.role in LA_ROLES:
            return self.filter(la_id=membership.la_id)
        return self.none()


class LetterTemplate(models.Model):
    """An LA's own wording of one kind of letter to parents (cases.notices.letters), with
    ((placeholders)) filled from the case; without one, the service's wording is used."""

    la = models.ForeignKey(LocalAuthority, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30)
    heading = models.CharField(max_length=200)
    body = models.TextField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    objects = LetterTemplateQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["la", "kind"], name="one_letter_template_per_kind")
        ]

    def __str__(self):
        return self.heading


def _letter_path(instance, filename):
    return f"letters/{instance.pupil_id}/{uuid.uuid4().hex}.pdf"


class LetterQuerySet(ScopedQuerySet):
    def for_member(self, user, membership):
        # Letters to parents are the LA's: its staff read them; schools and providers do not.
        if membership.role in LA_ROLES:
            return self.filter(la_id=membership.la_id)
        return self.none()


class Letter(models.Model):
    """A letter to a child's parent or carer, made from the case: its words as sent and its
    tagged PDF are kept on the pupil's record (and in a subject access export)."""

    class SentBy(models.TextChoices):
        NOTIFY = "notify", "Posted by GOV.UK Notify"
        HAND = "hand", "Printed and posted by the local authority"

    la = models.ForeignKey(LocalAuthority, on_delete=models.CASCADE, related_name="+")
    pupil = models.ForeignKey("cases.Pupil", on_delete=models.CASCADE, related_name="letters")
    kind = models.CharField(max_length=30)
    about_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    about_id = models.PositiveBigIntegerField()
    about = GenericForeignKey("about_type", "about_id")
    recipient = models.CharField("parent or carer", max_length=200)
    address = models.TextField()
    heading = models.CharField(max_length=200)
    body = models.TextField()
    pdf = models.FileField(upload_to=_letter_path, max_length=200)
    sent_by = models.CharField(max_length=10, choices=SentBy.choices)
    message = models.OneToOneField(
        Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="letter"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = LetterQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["pupil", "-created_at"], name="letter_pupil")]

    def __str__(self):
        return f"{self.heading} to {self.recipient}"
