"""Suspensions and permanent exclusions with their DfE reason codes, their moves (MOVES) and
events, and the statutory deadlines counted from them."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from approvision.records import Stateful
from cases.pupils.models import (
    LA_PUPIL_ROLES,
    PUPIL_LA_COPIES,
    Enrolment,
    Pupil,
    PupilLaCopies,
    _school_ids,
    caseload_pupils,
)
from organisations.models import LocalAuthority, School
from organisations.roles import Role
from organisations.scoping import InArrayOf, ScopedQuerySet


class ExclusionReason(models.TextChoices):
    """DfE reason codes since 2020/21 (domain.md section 2)."""

    BU = "BU", "Bullying"
    DA = "DA", "Drug and alcohol related"
    DB = "DB", "Persistent or general disruptive behaviour"
    DM = "DM", "Damage to property"
    DS = "DS", "Abuse relating to disability"
    LG = "LG", "Abuse against sexual orientation and gender identity"
    MT = "MT", "Inappropriate use of social media or online technology"
    OW = "OW", "Use or threat of use of an offensive weapon or prohibited item"
    PA = "PA", "Physical assault against an adult"
    PH = "PH", "Wilful and repeated transgression of protective measures to protect public health"
    PP = "PP", "Physical assault against a pupil"
    RA = "RA", "Racist abuse"
    SM = "SM", "Sexual misconduct"
    TH = "TH", "Theft"
    VA = "VA", "Verbal abuse or threatening behaviour against an adult"
    VP = "VP", "Verbal abuse or threatening behaviour against a pupil"


# Codes from before 2020/21, accepted from imports only.
LEGACY_REASONS = {
    "PD": "Persistent disruptive behaviour (before 2020/21)",
    "OT": "Other (before 2020/21)",
}


ALL_REASONS = {**dict(ExclusionReason.choices), **LEGACY_REASONS}


class ExclusionQuerySet(ScopedQuerySet):
    def for_member(self, user, membership):
        if membership.role in LA_PUPIL_ROLES:
            return self.filter(Exclusion.in_la(membership.la_id))
        if membership.role == Role.PROVIDER_STAFF:
            # The educational history of a pupil placed with them.
            return self.filter(pupil_id__in=caseload_pupils(membership))
        schools = _school_ids(membership)
        if schools is None:
            return self.none()
        # Its own records, and every exclusion of pupils on its roll now (their history).
        on_roll = Enrolment.objects.filter(school_id__in=schools, left_on__isnull=True)
        return self.filter(
            Q(school_id__in=schools) | InArrayOf("pupil_id", on_roll.values("pupil_id"))
        )

    def for_list(self):
        return self.select_related("pupil", "school")

    def counting_towards_cap(self):
        return self.exclude(kind=Exclusion.Kind.PERMANENT).exclude(state=Exclusion.State.CANCELLED)


class Exclusion(Stateful, PupilLaCopies):
    class Kind(models.TextChoices):
        SUSPENSION = "FIXD", "Suspension"
        PERMANENT = "PERM", "Permanent exclusion"
        LUNCHTIME = "LNCH", "Lunchtime suspension"

    class State(models.TextChoices):
        NOTIFIED = "notified", "Notified"
        BOARD_REVIEW_DUE = "board_review_due", "Board review due"
        UPHELD = "upheld", "Upheld by the board"
        REINSTATED = "reinstated", "Reinstated"
        REVIEW_REQUESTED = "review_requested", "Independent review requested"
        REVIEW_OUTCOME = "review_outcome", "Independent review decided"
        CANCELLED = "cancelled", "Cancelled"

    class ReviewOutcome(models.TextChoices):
        UPHELD = "upheld", "Upheld the decision"
        RECOMMEND = "recommend", "Recommended the board reconsiders"
        QUASH = "quash", "Quashed the decision and directed the board to reconsider"

    class NoticeMethod(models.TextChoices):
        HAND = "hand", "Given by hand"
        EMAIL = "email", "Sent by e-mail"
        POST = "post", "Posted first class"

    # The only moves an exclusion may make; transition() refuses any other.
    MOVES = {
        State.NOTIFIED: {State.BOARD_REVIEW_DUE, State.CANCELLED},
        State.BOARD_REVIEW_DUE: {State.UPHELD, State.REINSTATED, State.CANCELLED},
        State.UPHELD: {State.REVIEW_REQUESTED},
        State.REVIEW_REQUESTED: {State.REVIEW_OUTCOME},
        State.REVIEW_OUTCOME: {State.UPHELD, State.REINSTATED},
        State.REINSTATED: set(),
        State.CANCELLED: set(),
    }

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="exclusions")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="exclusions")
    kind = models.CharField(max_length=4, choices=Kind.choices)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    sessions = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Half-day sessions; a lunchtime suspension is 1"
    )
    reasons = ArrayField(models.CharField(max_length=2), size=3)
    decided_by = models.CharField(max_length=200, help_text="The headteacher who decided")
    parents_notified_on = models.DateField(null=True, blank=True)
    misses_public_exam = models.BooleanField(default=False)
    public_exam_on = models.DateField(
        null=True, blank=True, help_text="The first public exam the exclusion means missing"
    )
    no_further_exams = models.BooleanField(
        default=False,
        help_text="Year 11 and has taken (or missed) every public exam entered for this year",
    )
    late_reason = models.TextField(
        blank=True, help_text="Why an exclusion from more than a term ago is recorded only now"
    )
    representations_on = models.DateField(
        null=True, blank=True, help_text="When parents made representations to the board"
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.NOTIFIED)
    board_decided_on = models.DateField(null=True, blank=True)
    board_notice_sent_on = models.DateField(
        null=True, blank=True, help_text="When written notice of the board's decision was sent"
    )
    board_notice_method = models.CharField(max_length=5, choices=NoticeMethod.choices, blank=True)
    board_notice_given_on = models.DateField(
        null=True,
        blank=True,
        help_text="When that notice counts as given: the review window's day 0",
    )
    review_requested_on = models.DateField(null=True, blank=True)
    review_decided_on = models.DateField(null=True, blank=True)
    review_outcome = models.CharField(max_length=10, choices=ReviewOutcome.choices, blank=True)
    reconsidered_on = models.DateField(null=True, blank=True)
    cancelled_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    objects = ExclusionQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=PUPIL_LA_COPIES)

    class Meta:
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reasons__len__gte=1, reasons__len__lte=3),
                name="exclusion_one_to_three_reasons",
            ),
            models.CheckConstraint(
                condition=Q(kind="PERM", end_date__isnull=True, sessions__isnull=True)
                | Q(kind="FIXD", end_date__gte=models.F("start_date"), sessions__gte=1)
                | Q(kind="LNCH", end_date=models.F("start_date"), sessions=1),
                name="exclusion_dates_and_sessions_fit_its_kind",
            ),
        ]
        indexes = [
            models.Index(fields=["school", "-recorded_at"]),
            # Lists of exclusions, newest first (the API's and the LA's): read in index order.
            models.Index(fields=["-start_date", "-id"], name="exclusion_newest_first"),
            # The LA's "new this fortnight" reads the newest exclusions across its schools.
            models.Index(fields=["-recorded_at"], name="exclusion_recorded_at"),
            # An LA's own, newest first; and those of pupils who live in it and go to school in
            # another LA (few).
            models.Index(fields=["pupil_la", "-start_date", "-id"], name="exclusion_la_newest"),
            models.Index(
                fields=["pupil_home_la"],
                name="exclusion_home_la",
                condition=Q(pupil_home_la__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} of {self.pupil} from {self.start_date:%-d %B %Y}"

    @property
    def days(self) -> float | None:
        """School days missed: sessions are half days (a lunchtime counts as half a day)."""
        return None if self.sessions is None else self.sessions / 2

    @property
    def reason_labels(self) -> list[str]:
        return [f"{ALL_REASONS.get(code, code)} ({code})" for code in self.reasons]

    def move_rule(self, state: str) -> bool:
        # Only a permanent exclusion goes to independent review, and only once.
        if state == self.State.REVIEW_REQUESTED:
            return self.kind == self.Kind.PERMANENT and self.review_requested_on is None
        return True


class ExclusionEvent(models.Model):
    """One move of an exclusion: who made it, when, and why."""

    exclusion = models.ForeignKey(Exclusion, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(max_length=20, choices=Exclusion.State.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=Exclusion.State.choices)
    happened_on = models.DateField()
    note = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_to_state_display()} on {self.happened_on:%-d %B %Y}"


def overdue_condition(today) -> Q:
    return Q(due_on__lt=today, estimated=False)


class DeadlineQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(exclusion__in=Exclusion.objects.visible_to(user))

    def open(self):
        """Duties not yet done. A parent's window to ask for a review that has passed unused
        has lapsed: it is nobody's overdue task. An estimated window never lapses."""
        lapsed = Q(
            kind=Deadline.Kind.REVIEW_REQUEST, due_on__lt=timezone.localdate(), estimated=False
        )
        return self.filter(met_on__isnull=True).exclude(lapsed)

    def overdue(self, today):
        """Open duties past their date. An estimated or provisional date is never overdue: it is
        shown as provisional until the term dates or the notice are entered."""
        return self.open().filter(overdue_condition(today))

    def for_list(self):
        return self.select_related("exclusion__pupil", "school")


class Deadline(models.Model):
    """A statutory clock of an exclusion, counted in the school's days and stored for dashboards."""

    class Kind(models.TextChoices):
        LA_PROVISION = "la_provision", "LA full-time provision (6th day)"
        SCHOOL_PROVISION = "school_provision", "School full-time provision (6th day)"
        BOARD_REVIEW = "board_review", "Governing board to consider reinstatement"
        BOARD_BEFORE_EXAM = "board_before_exam", "Board to meet before the public exam"
        BOARD_REPRESENTATIONS = "board_representations", "Board to consider representations"
        REVIEW_REQUEST = "review_request", "Last day to request an independent review"
        REVIEW_PANEL = "review_panel", "Independent review panel to meet"
        RECONSIDERATION = "reconsideration", "Board to reconsider"

    exclusion = models.ForeignKey(Exclusion, on_delete=models.CASCADE, related_name="deadlines")
    la = models.ForeignKey(LocalAuthority, on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    due_on = models.DateField()
    rule = models.TextField()
    estimated = models.BooleanField(
        default=False, help_text="Counted past the term dates entered, or otherwise provisional"
    )
    provisional = models.CharField(
        max_length=200, blank=True, help_text="Why it is provisional, beyond missing term dates"
    )
    met_on = models.DateField(null=True, blank=True)

    objects = DeadlineQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["exclusion", "kind"], name="one_deadline_of_each_kind"),
        ]
        indexes = [
            models.Index(
                fields=["la", "due_on"],
                condition=Q(met_on__isnull=True),
                name="open_deadlines_by_la",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} by {self.due_on:%-d %B %Y}"

    @property
    def lapsed(self) -> bool:
        return (
            self.kind == self.Kind.REVIEW_REQUEST
            and self.met_on is None
            and not self.estimated
            and self.due_on < timezone.localdate()
        )
