"""Case work around a pupil: who leads each piece of open work (and each handover), the notes
officers and schools write, and the tasks people are given (panel actions, follow-ups, chasers)."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from approvision.records import Stateful
from organisations.models import LocalAuthority, ProviderOrganisation, School
from organisations.roles import LA_ROLES, Role
from organisations.scoping import ScopedQuerySet


class LeadChange(models.Model):
    """One allocation or handover of a piece of work (a referral, placement or Fair Access case)
    from one officer to another, with the reason: the record of who led it when."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    pupil = models.ForeignKey("cases.Pupil", on_delete=models.CASCADE, related_name="lead_changes")
    from_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=500, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="lead_change_record")]

    def __str__(self):
        return f"Lead changed on {self.record}"


class CaseNoteQuerySet(ScopedQuerySet):
    def for_member(self, user, membership):
        from cases.pupils.models import Pupil

        notes = self.filter(pupil__in=Pupil.objects.visible_to(user))
        if membership.role in LA_ROLES:
            return notes
        return notes.filter(restricted=False)


class CaseNote(models.Model):
    """What happened on a call, at a meeting or a visit. Versioned (its history keeps each
    edit); never deleted by a person: retention deletes it with the pupil."""

    class Kind(models.TextChoices):
        PHONE = "phone", "Phone call"
        MEETING = "meeting", "Meeting"
        VISIT = "visit", "Visit"
        EMAIL = "email", "E-mail"
        OTHER = "other", "Other"

    pupil = models.ForeignKey("cases.Pupil", on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    happened_on = models.DateField("date")
    text = models.TextField("note")
    restricted = models.BooleanField(
        "only the local authority may read it",
        default=False,
        help_text="For safeguarding: schools and providers do not see it",
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    objects = CaseNoteQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-happened_on", "-created_at", "-pk"]
        indexes = [models.Index(fields=["pupil", "-happened_on"], name="case_note_pupil_date")]

    def __str__(self):
        return f"{self.get_kind_display()} note, {self.happened_on:%-d %B %Y}"


def owned_q(user) -> Q:
    """The tasks a person owns: their own, their school's or provider's, and (an LA officer)
    their LA team's."""
    membership = user.membership_or_none()
    owned = Q(owner_user=user)
    if membership is not None and membership.school_id:
        owned |= Q(owner_school_id=membership.school_id)
    if membership is not None and membership.provider_id:
        owned |= Q(owner_provider_id=membership.provider_id)
    if membership is not None and membership.role == Role.LA_OFFICER:
        owned |= Q(owner_la_id=membership.la_id)
    return owned


class TaskQuerySet(ScopedQuerySet):
    def for_member(self, user, membership):
        if membership.role in LA_ROLES:
            return self.filter(la_id=membership.la_id)
        mine = Q(owner_user=user)
        if membership.role == Role.SCHOOL_STAFF:
            return self.filter(mine | Q(owner_school_id=membership.school_id))
        if membership.role == Role.TRUST_LEAD:
            return self.filter(mine | Q(owner_school__trust_id=membership.trust_id))
        if membership.role == Role.PROVIDER_STAFF:
            return self.filter(mine | Q(owner_provider_id=membership.provider_id))
        return self.filter(mine)

    def owned_by(self, user):
        """A person's own tasks and their organisation's."""
        return self.filter(owned_q(user))

    def open(self):
        return self.filter(state=Task.State.OPEN)

    def overdue(self, today):
        return self.open().filter(due_on__lt=today)

    def for_list(self):
        return self.select_related(
            "pupil", "owner_user", "owner_school", "owner_provider", "owner_la", "done_by"
        )


OWNER_FIELDS = ("owner_user", "owner_school", "owner_provider", "owner_la")


def _one_owner() -> Q:
    """Exactly one of the owner columns is set."""
    one = Q(pk__in=[])
    for name in OWNER_FIELDS:
        one |= Q(**{f"{name}__isnull": False}) & Q(
            *[Q(**{f"{other}__isnull": True}) for other in OWNER_FIELDS if other != name]
        )
    return one


class Task(Stateful, models.Model):
    """Something a person or an organisation is to do by a date: a panel action, a follow-up, a
    chaser before a statutory deadline. Marked done (who, when) or cancelled with a reason."""

    class State(models.TextChoices):
        OPEN = "open", "To do"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    class Source(models.TextChoices):
        PANEL = "panel", "Panel action"
        FOLLOW_UP = "follow_up", "Follow-up"
        DEADLINE = "deadline", "Deadline chaser"
        OFFICER = "officer", "Officer's task"
        MESSAGE = "message", "Message not delivered"

    MOVES = {
        State.OPEN: (State.DONE, State.CANCELLED),
        State.DONE: (State.OPEN,),
        State.CANCELLED: (),
    }

    la = models.ForeignKey(LocalAuthority, on_delete=models.CASCADE, related_name="+")
    pupil = models.ForeignKey(
        "cases.Pupil", on_delete=models.CASCADE, null=True, blank=True, related_name="tasks"
    )
    title = models.CharField("task", max_length=500)
    source = models.CharField(max_length=10, choices=Source.choices)
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    owner_school = models.ForeignKey(
        School, on_delete=models.PROTECT, null=True, blank=True, related_name="tasks"
    )
    owner_provider = models.ForeignKey(
        ProviderOrganisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
    )
    # The LA's officers as a team (a deadline of the LA's own that no officer leads yet): each
    # of them sees it among their tasks until one marks it done.
    owner_la = models.ForeignKey(
        LocalAuthority, on_delete=models.PROTECT, null=True, blank=True, related_name="team_tasks"
    )
    due_on = models.DateField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    # What the task chases, so the same chaser is never made twice (a deadline, a follow-up).
    about_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    about_id = models.PositiveBigIntegerField(null=True, blank=True)
    about = GenericForeignKey("about_type", "about_id")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = TaskQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=_one_owner(),
                name="a_task_has_one_owner",
                violation_error_message=(
                    "A task has one owner: a person, a school, a provider or the LA's team"
                ),
            ),
            models.CheckConstraint(
                condition=~Q(state="done") | Q(done_by__isnull=False, done_at__isnull=False),
                name="a_done_task_says_who_and_when",
            ),
            models.UniqueConstraint(
                fields=["source", "about_type", "about_id"],
                condition=Q(source="deadline"),
                name="one_chaser_per_deadline",
            ),
        ]
        indexes = [
            models.Index(fields=["la", "state", "due_on"], name="task_la_open_due"),
            models.Index(fields=["owner_user", "state"], name="task_owner_user"),
            models.Index(fields=["owner_school", "state"], name="task_owner_school"),
            models.Index(fields=["owner_provider", "state"], name="task_owner_provider"),
        ]

    def __str__(self):
        return self.title

    @property
    def owner(self):
        return self.owner_user or self.owner_school or self.owner_provider or self.owner_la

    @property
    def owner_name(self) -> str:
        if self.owner_user is not None:
            return self.owner_user.display_name
        if self.owner_la_id is not None:
            return f"{self.owner_la.name}'s officers"
        return str(self.owner)

    def overdue_on(self, today) -> bool:
        return self.state == self.State.OPEN and self.due_on < today
