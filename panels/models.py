"""The weekly AP panel: meetings, members, the agenda, decisions, actions and minutes."""

from functools import cached_property

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from approvision.records import Stateful
from cases.exclusions.models import Deadline, Exclusion
from cases.fair_access.models import FairAccessCase
from cases.referrals.models import Referral, Tier
from organisations.models import LocalAuthority, ProviderOrganisation
from organisations.roles import Role
from organisations.scoping import ScopedQuerySet
from placements.commissioning.models import Placement


class PanelSeries(models.Model):
    """A weekly panel in term time, e.g. Thursdays 13:00, referrals by noon the Thursday before."""

    la = models.ForeignKey(LocalAuthority, on_delete=models.CASCADE, related_name="panel_series")
    name = models.CharField(max_length=100, default="Alternative provision panel")
    weekday = models.PositiveSmallIntegerField(
        help_text="0 is Monday", validators=[MaxValueValidator(6, "Choose a day of the week")]
    )
    start_time = models.TimeField()
    location = models.CharField(max_length=200, blank=True)
    cutoff_days_before = models.PositiveSmallIntegerField(default=7)
    cutoff_time = models.TimeField(help_text="Referrals accepted by then go on the agenda")
    quorum = models.PositiveSmallIntegerField(default=3)

    class Meta:
        verbose_name_plural = "panel series"
        constraints = [
            models.CheckConstraint(condition=Q(weekday__lte=6), name="series_weekday_in_week"),
        ]

    def __str__(self):
        return self.name


class PanelMeetingQuerySet(ScopedQuerySet):
    def for_member(self, user, membership):
        if membership.role == Role.LA_OFFICER:
            return self.filter(la_id=membership.la_id)
        # Panel members, PRU heads and school representatives: the meetings they sit on.
        return self.filter(members__user=user).distinct()


class PanelMeeting(Stateful, models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        PACK_ISSUED = "pack_issued", "Pack issued"
        IN_PROGRESS = "in_progress", "In progress"
        MINUTES_APPROVED = "minutes_approved", "Minutes approved"

    STATE_FIELD = "status"
    # The pack goes out, the meeting runs, the chair approves the minutes (which lock it). Minutes
    # may be approved without the live page having been started, once every item is decided.
    MOVES = {
        Status.PLANNED: (Status.PACK_ISSUED, Status.MINUTES_APPROVED),
        Status.PACK_ISSUED: (Status.IN_PROGRESS, Status.MINUTES_APPROVED),
        Status.IN_PROGRESS: (Status.MINUTES_APPROVED,),
        Status.MINUTES_APPROVED: (),
    }

    la = models.ForeignKey(LocalAuthority, on_delete=models.CASCADE, related_name="panel_meetings")
    series = models.ForeignKey(
        PanelSeries, on_delete=models.SET_NULL, null=True, blank=True, related_name="meetings"
    )
    date = models.DateField()
    start_time = models.TimeField()
    location = models.CharField(max_length=200, blank=True)
    cutoff = models.DateTimeField(help_text="Referrals accepted before this go on the agenda")
    quorum = models.PositiveSmallIntegerField(default=3)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)
    pack = models.FileField(upload_to="panel-packs/", blank=True)
    pack_issued_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = PanelMeetingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "start_time"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "date"],
                condition=Q(series__isnull=False),
                name="one_meeting_per_series_per_day",
            ),
        ]

    def __str__(self):
        return f"Panel on {self.date:%-d %B %Y}"

    @property
    def agenda_open(self) -> bool:
        """Items may be added, moved and removed until the pack is issued."""
        return self.status == self.Status.PLANNED

    @property
    def deciding(self) -> bool:
        return self.status in (self.Status.PACK_ISSUED, self.Status.IN_PROGRESS)

    @property
    def locked(self) -> bool:
        return self.status == self.Status.MINUTES_APPROVED


class PanelMember(models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", "Chair"
        MEMBER = "member", "Member"
        PRU_HEAD = "pru_head", "PRU head (on rotation)"
        SCHOOL_REP = "school_rep", "School representative"

    meeting = models.ForeignKey(PanelMeeting, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    attended = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["role", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="one_seat_per_person"),
            models.UniqueConstraint(
                fields=["meeting"], condition=Q(role="chair"), name="one_chair_per_meeting"
            ),
        ]

    def __str__(self):
        return f"{self.user.display_name} ({self.get_role_display()})"


# What an agenda item is shown with: the records it is about, their pupil and school or
# provider, and its decision's provider.
AGENDA_RELATED = (
    "referral__pupil",
    "referral__school",
    "exclusion__pupil",
    "exclusion__school",
    "placement__pupil",
    "placement__provider",
    "fair_access__pupil",
    "decision__provider",
)
AGENDA_PREFETCH = ("conflicts__member__user", "exclusion__deadlines")


class AgendaItemQuerySet(models.QuerySet):
    def for_agenda(self):
        return self.select_related(*AGENDA_RELATED).prefetch_related(*AGENDA_PREFETCH)

    def for_agenda_item(self, row):
        """One item as for_agenda loads it, given its row (for_agenda_rows), joined only to the
        record it is about: PostgreSQL takes about 8 ms to plan the join of all fifteen tables,
        and a third of a millisecond for the three an item needs."""
        about = [
            path
            for path in AGENDA_RELATED
            if path.startswith("decision") or getattr(row, f"{path.split('__')[0]}_id")
        ]
        return self.select_related(*about).prefetch_related(*AGENDA_PREFETCH).get(pk=row.pk)

    def for_agenda_rows(self):
        """Only what the meeting page's agenda rows show (title, kind, the referral's reason, the
        statutory date) and whose records they are: no pupils, schools or providers loaded. A
        week's agenda of 90 items is drawn from 90 rows of seven narrow tables, not eleven wide
        ones."""
        return (
            self.select_related("referral", "exclusion", "placement", "fair_access")
            .only(*AGENDA_ROW_FIELDS)
            .prefetch_related("exclusion__deadlines")
        )


# The agenda rows' columns (for_agenda_rows): the item's own, and of each record it is about,
# its pupil and what the row shows.
AGENDA_ROW_FIELDS = (
    "meeting",
    "referral",
    "exclusion",
    "placement",
    "fair_access",
    "kind",
    "title",
    "position",
    "status",
    "version",
    "referral__pupil_id",
    "referral__reason",
    "exclusion__pupil_id",
    "placement__pupil_id",
    "fair_access__pupil_id",
    "fair_access__allocation_due",
)


class AgendaItem(Stateful, models.Model):
    class Kind(models.TextChoices):
        REFERRAL = "referral", "Referral"
        PEX_CHECK = "pex_check", "Permanent exclusion: 6th-day provision check"
        DEFERRED = "deferred", "Deferred from a previous panel"
        PLACEMENT_REVIEW = "placement_review", "Placement: review overdue or escalated"
        FAIR_ACCESS = "fair_access", "Fair Access case"
        OTHER = "other", "Other business"

    class Status(models.TextChoices):
        PENDING = "pending", "To decide"
        DECIDED = "decided", "Decided"

    STATE_FIELD = "status"
    MOVES = {Status.PENDING: (Status.DECIDED,), Status.DECIDED: ()}

    meeting = models.ForeignKey(PanelMeeting, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, null=True, blank=True, related_name="agenda_items"
    )
    exclusion = models.ForeignKey(
        Exclusion, on_delete=models.PROTECT, null=True, blank=True, related_name="agenda_items"
    )
    placement = models.ForeignKey(
        Placement, on_delete=models.PROTECT, null=True, blank=True, related_name="agenda_items"
    )
    fair_access = models.ForeignKey(
        FairAccessCase,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agenda_items",
    )
    title = models.CharField(max_length=200)
    position = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    version = models.PositiveIntegerField(default=1)

    objects = AgendaItemQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.title

    ABOUT = ("referral", "exclusion", "placement", "fair_access")

    def _about(self):
        """The record the item is about: its referral, exclusion, placement or Fair Access case
        (None for other business)."""
        for field in self.ABOUT:
            if getattr(self, f"{field}_id"):
                return getattr(self, field)
        return None

    @property
    def pupil(self):
        about = self._about()
        return about.pupil if about else None

    @property
    def pupil_id(self):
        """The pupil's id without loading the pupil (for_agenda_rows does not)."""
        about = self._about()
        return about.pupil_id if about else None

    @cached_property
    def statutory_due(self):
        """What the law says the item's decision is due by, as (what, date): a permanent
        exclusion's 6th-day provision, a Fair Access case's place; None for the others. Kept for
        the item's life (a page asks it once a row for the date and again for "late")."""
        if self.exclusion_id:
            for deadline in self.exclusion.deadlines.all():
                if deadline.kind == Deadline.Kind.LA_PROVISION:
                    return "Full-time provision from the 6th day", deadline.due_on
        if self.fair_access_id and self.fair_access.allocation_due:
            return "A school place", self.fair_access.allocation_due
        return None

    @property
    def late(self) -> bool:
        """The statutory date falls before the meeting: the decision comes too late for it."""
        due = self.statutory_due
        return due is not None and due[1] < self.meeting.date

    @property
    def referring_school_id(self):
        if self.referral_id:
            return self.referral.school_id
        if self.exclusion_id:
            return self.exclusion.school_id
        if self.placement_id:
            return self.placement.school_id
        return None


class Conflict(models.Model):
    """A member who declared an interest in an item: they take no part in deciding it."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="conflicts")
    member = models.ForeignKey(PanelMember, on_delete=models.CASCADE, related_name="conflicts")
    reason = models.CharField(max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "member"], name="one_conflict_per_member"),
        ]

    def __str__(self):
        return f"{self.member} on {self.item}"


class Decision(models.Model):
    class Outcome(models.TextChoices):
        APPROVE = "approve", "Approve a placement"
        DECLINE = "decline", "Decline"
        DEFER = "defer", "Defer to the next panel"
        MORE_INFO = "more_info", "Ask for more information"
        SIGNPOST = "signpost", "Signpost elsewhere"
        NOTED = "noted", "Noted (provision confirmed)"

    Tier = Tier  # the one list of tiers (cases.referrals.models)

    item = models.OneToOneField(AgendaItem, on_delete=models.CASCADE, related_name="decision")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    reason = models.TextField()
    provider = models.ForeignKey(
        ProviderOrganisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    tier = models.CharField(max_length=10, choices=Tier.choices, blank=True)
    start_date = models.DateField(null=True, blank=True)
    hours_per_week = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    outcomes_sought = models.TextField(blank=True)
    first_review_date = models.DateField(null=True, blank=True)
    planned_end = models.DateField(null=True, blank=True)
    capacity_override_reason = models.TextField(blank=True)
    placement = models.OneToOneField(
        Placement, on_delete=models.PROTECT, null=True, blank=True, related_name="decision"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(outcome="approve")
                | Q(
                    provider__isnull=False,
                    start_date__isnull=False,
                    hours_per_week__gt=0,
                    first_review_date__gt=models.F("start_date"),
                )
                & ~Q(tier=""),
                name="an_approved_placement_has_its_terms",
            ),
        ]

    def __str__(self):
        return f"{self.get_outcome_display()}: {self.item}"


class Action(models.Model):
    meeting = models.ForeignKey(PanelMeeting, on_delete=models.CASCADE, related_name="actions")
    item = models.ForeignKey(
        AgendaItem, on_delete=models.CASCADE, null=True, blank=True, related_name="actions"
    )
    # The action is a task: its owner (a person, the referring school, the provider), its due
    # date and whether it is done live on the task, which the owner sees on their home page.
    task = models.OneToOneField("cases.Task", on_delete=models.PROTECT, related_name="panel_action")

    class Meta:
        ordering = ["task__due_on", "pk"]

    def __str__(self):
        return str(self.task)


class MinutesVersion(models.Model):
    """Approved minutes, locked: a PDF and the text it was made from. Corrections are amendments."""

    meeting = models.ForeignKey(PanelMeeting, on_delete=models.CASCADE, related_name="minutes")
    number = models.PositiveSmallIntegerField()
    html = models.TextField()
    pdf = models.FileField(upload_to="panel-minutes/")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="one_minutes_number"),
        ]

    def __str__(self):
        return f"Minutes of {self.meeting}, version {self.number}"


class MinutesAmendment(models.Model):
    meeting = models.ForeignKey(PanelMeeting, on_delete=models.CASCADE, related_name="amendments")
    text = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at"]

    def __str__(self):
        return f"Amendment to {self.meeting}"
