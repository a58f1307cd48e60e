"""Placements in alternative provision, what providers return, reviews and reintegration; and the
pupil movements that are not AP placements (managed moves, off-site directions)."""

from datetime import date

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cases.models import Pupil, Referral, caseload_pupils
from organisations.models import ProviderOrganisation, School
from organisations.roles import Role
from organisations.scoping import ScopedQuerySet

SESSIONS = [
    (f"{day}_{half}", f"{label} {half_label}")
    for day, label in [
        ("mon", "Monday"),
        ("tue", "Tuesday"),
        ("wed", "Wednesday"),
        ("thu", "Thursday"),
        ("fri", "Friday"),
    ]
    for half, half_label in [("am", "morning"), ("pm", "afternoon")]
]
ALL_SESSIONS = [value for value, _ in SESSIONS]


class AttendanceCode(models.TextChoices):
    """The DfE attendance codes a provider records (School Attendance Regulations 2024, reg 10)."""

    PRESENT = "/", "/ Present"
    LATE = "L", "L Late, before registers closed"
    OFF_SITE = "B", "B Educated off site (not remote learning)"
    WORK_EXPERIENCE = "W", "W Work experience"
    VISIT = "V", "V Educational visit or trip"
    ILLNESS = "I", "I Illness"
    MEDICAL = "M", "M Medical or dental appointment"
    PART_TIME = "C2", "C2 Authorised: part-time timetable"
    AUTHORISED_OTHER = "C", "C Authorised: other"
    EXCLUDED = "E", "E Suspended or excluded"
    RELIGIOUS = "R", "R Religious observance"
    LATE_AFTER = "U", "U Late, after registers closed"
    NO_REASON = "N", "N Reason not yet given"
    UNAUTHORISED = "O", "O Unauthorised absence"
    HOLIDAY = "G", "G Holiday not agreed"
    NOT_REQUIRED = "X", "X Not required to attend"


# Present codes count as attended; X is not a possible session.
PRESENT_CODES = frozenset({"/", "L", "B", "W", "V"})
NOT_POSSIBLE_CODES = frozenset({"X"})


class PlacementQuerySet(ScopedQuerySet):
    def for_member(self, user, membership):
        if membership.role in (Role.LA_OFFICER, Role.PANEL_MEMBER):
            return self.filter(
                Q(pupil__la_id=membership.la_id) | Q(pupil__home_la_id=membership.la_id)
            )
        if membership.role == Role.PROVIDER_STAFF:
            # Its own placements, while the pupil is on its caseload (offer to end + grace).
            return self.filter(
                provider_id=membership.provider_id, pupil_id__in=caseload_pupils(membership)
            )
        if membership.role == Role.SCHOOL_STAFF:
            return self.filter(Q(school_id=membership.school_id))
        if membership.role == Role.TRUST_LEAD:
            return self.filter(school__trust_id=membership.trust_id)
        return self.none()

    def for_list(self):
        return self.select_related("pupil", "provider", "school")

    def live(self):
        """Offered, accepted or running: what counts towards hours and capacity."""
        return self.filter(state__in=Placement.LIVE_STATES)

    def covering(self, day: date):
        return self.filter(start_date__lte=day).filter(
            Q(ended_on__gte=day)
            | Q(ended_on__isnull=True, planned_end__gte=day)
            | Q(ended_on__isnull=True, planned_end__isnull=True)
        )


class Placement(models.Model):
    class State(models.TextChoices):
        OFFERED = "offered", "Offered"
        ACCEPTED = "accepted", "Accepted"
        ACTIVE = "active", "Active"
        ENDED = "ended", "Ended"
        DECLINED = "declined", "Declined by the provider"
        WITHDRAWN = "withdrawn", "Withdrawn"

    LIVE_STATES = (State.OFFERED, State.ACCEPTED, State.ACTIVE)

    class Source(models.TextChoices):
        PANEL = "panel", "Panel decision"
        SCHOOL = "school", "Commissioned by the school"
        LA = "la", "Arranged by the local authority"

    class Tier(models.TextChoices):
        TIER_1 = "tier_1", "Targeted support in mainstream"
        TIER_2 = "tier_2", "Time-limited placement"
        TIER_3 = "tier_3", "Transitional placement"

    class Funding(models.TextChoices):
        HIGH_NEEDS = "high_needs", "High needs block"
        SCHOOL = "school", "School-funded"
        DEVOLVED = "devolved", "Devolved budget"

    class EndReason(models.TextChoices):
        REINTEGRATED = "reintegrated", "Returned to school"
        YEAR_11_LEAVER = "year_11_leaver", "Left at the end of Year 11"
        MOVED_ON = "moved_on", "Moved to other provision"
        SPECIAL_SCHOOL = "special_school", "Moved to a special school"
        LEFT_AREA = "left_area", "Moved out of the area"
        BROKE_DOWN = "broke_down", "Placement broke down"
        OTHER = "other", "Other"

    class Destination(models.TextChoices):
        FURTHER_EDUCATION = "fe", "Further education"
        APPRENTICESHIP = "apprenticeship", "Apprenticeship"
        EMPLOYMENT_TRAINING = "employment_training", "Employment with training"
        NEET = "neet", "Not in education, employment or training"

    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="placements")
    provider = models.ForeignKey(
        ProviderOrganisation, on_delete=models.PROTECT, related_name="placements"
    )
    school = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ap_placements",
        help_text="The school whose roll the pupil is on (none after a permanent exclusion)",
    )
    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, null=True, blank=True, related_name="placements"
    )
    source = models.CharField(max_length=10, choices=Source.choices)
    tier = models.CharField(max_length=10, choices=Tier.choices)
    start_date = models.DateField()
    planned_end = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    hours_per_week = models.DecimalField(max_digits=4, decimal_places=1)
    sessions = ArrayField(
        models.CharField(max_length=6, choices=SESSIONS), default=list, blank=True
    )
    part_time = models.BooleanField(
        default=False, help_text="Under the LA's full-time hours: a part-time timetable"
    )
    weekly_cost = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    funding = models.CharField(max_length=12, choices=Funding.choices)
    dual_registered = models.BooleanField(
        "dual registered", default=False, help_text="On the provider's roll as well (subsidiary)"
    )
    outcomes_sought = models.TextField(blank=True)
    next_review_due = models.DateField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OFFERED)
    capacity_override_reason = models.TextField(blank=True)
    end_reason = models.CharField(max_length=20, choices=EndReason.choices, blank=True)
    decline_reason = models.TextField(blank=True, help_text="Why the provider declined the offer")
    destination = models.CharField(
        "post-16 destination", max_length=20, choices=Destination.choices, blank=True
    )
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    offered_at = models.DateTimeField(default=timezone.now)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    access_revoked = models.BooleanField(
        default=False, help_text="The provider no longer sees this pupil (grace period over)"
    )
    version = models.PositiveIntegerField(default=1)

    objects = PlacementQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date", "pk"]
        indexes = [
            models.Index(fields=["provider", "state"]),
            models.Index(fields=["state", "next_review_due"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours_per_week__gt=0), name="placement_hours_positive"
            ),
            models.CheckConstraint(
                condition=Q(planned_end__isnull=True) | Q(planned_end__gte=models.F("start_date")),
                name="placement_planned_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("start_date")),
                name="placement_ended_after_start",
            ),
            models.CheckConstraint(
                condition=Q(part_time=False) | Q(planned_end__isnull=False),
                name="part_time_timetable_has_an_end_date",
            ),
            models.CheckConstraint(
                condition=~Q(state="ended") | Q(ended_on__isnull=False) & ~Q(end_reason=""),
                name="ended_placement_has_date_and_reason",
            ),
        ]

    def __str__(self):
        return f"{self.pupil} at {self.provider}"

    @property
    def last_day(self) -> date | None:
        return self.ended_on or self.planned_end

    def review_overdue(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return (
            self.state in self.LIVE_STATES
            and self.next_review_due is not None
            and self.next_review_due < today
        )


class OfPlacementQuerySet(models.QuerySet):
    """Returns, reviews and reintegration plans: those of the placements the user may see."""

    def visible_to(self, user):
        return self.filter(placement__in=Placement.objects.visible_to(user))


class AttendanceMark(models.Model):
    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="marks")
    day = models.DateField()
    session = models.CharField(max_length=2, choices=[("am", "Morning"), ("pm", "Afternoon")])
    code = models.CharField(max_length=2, choices=AttendanceCode.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["day", "session"]
        constraints = [
            models.UniqueConstraint(
                fields=["placement", "day", "session"], name="one_mark_per_session"
            ),
        ]

    def __str__(self):
        return f"{self.day} {self.session}: {self.code}"


class ProviderReturn(models.Model):
    """What the provider tells the commissioner each week or half-term."""

    class Period(models.TextChoices):
        WEEK = "week", "Weekly"
        HALF_TERM = "half_term", "Half-termly"

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="returns")
    period = models.CharField(max_length=10, choices=Period.choices)
    period_start = models.DateField()
    period_end = models.DateField()
    sessions_possible = models.PositiveSmallIntegerField()
    sessions_attended = models.PositiveSmallIntegerField()
    below_threshold_reason = models.TextField(blank=True)
    progress = models.TextField("progress against the outcomes sought")
    pupil_voice = models.TextField(blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)

    objects = OfPlacementQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["placement", "period_start"], name="one_return_per_period"
            ),
            models.CheckConstraint(
                condition=Q(sessions_attended__lte=models.F("sessions_possible")),
                name="return_attended_within_possible",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="return_period_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"Return for {self.period_start:%-d %B %Y} to {self.period_end:%-d %B %Y}"

    @property
    def attendance_percent(self) -> float | None:
        if not self.sessions_possible:
            return None
        return round(100 * self.sessions_attended / self.sessions_possible, 1)


class Review(models.Model):
    class Decision(models.TextChoices):
        CONTINUE = "continue", "Continue the placement"
        EXTEND = "extend", "Extend it, with a new planned end"
        REINTEGRATE = "reintegrate", "Start reintegration"
        ESCALATE = "escalate", "Escalate to the panel"
        END = "end", "End the placement"

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="reviews")
    held_on = models.DateField()
    attendance_percent = models.DecimalField(max_digits=4, decimal_places=1)
    progress = models.TextField()
    pupil_voice = models.TextField()
    parent_voice = models.TextField()
    decision = models.CharField(max_length=12, choices=Decision.choices)
    new_planned_end = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    next_review_due = models.DateField(null=True, blank=True)
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = OfPlacementQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(decision="extend") | Q(new_planned_end__isnull=False),
                name="extension_has_new_end",
            ),
            models.CheckConstraint(
                condition=Q(attendance_percent__gte=0) & Q(attendance_percent__lte=100),
                name="review_attendance_is_a_percentage",
            ),
        ]

    def __str__(self):
        return f"Review on {self.held_on:%-d %B %Y}: {self.get_decision_display()}"


class ReintegrationPlan(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        UNDER_WAY = "under_way", "Under way"
        RETURNED = "returned", "Returned to school"
        BROKE_DOWN = "broke_down", "Broke down"

    placement = models.OneToOneField(
        Placement, on_delete=models.CASCADE, related_name="reintegration"
    )
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="reintegrations", help_text="Returning to"
    )
    target_date = models.DateField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PLANNED)
    returned_on = models.DateField(null=True, blank=True)
    outcome = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    objects = OfPlacementQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="returned") | Q(returned_on__isnull=False),
                name="a_return_has_its_date",
            ),
        ]

    def __str__(self):
        return f"Reintegration to {self.school}"


class ReintegrationStep(models.Model):
    plan = models.ForeignKey(ReintegrationPlan, on_delete=models.CASCADE, related_name="steps")
    description = models.CharField(max_length=300)
    owner = models.CharField(max_length=150)
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self):
        return self.description


class FollowUp(models.Model):
    """Did the return hold? Checked 6 and 12 weeks after the pupil went back."""

    plan = models.ForeignKey(ReintegrationPlan, on_delete=models.CASCADE, related_name="follow_ups")
    weeks = models.PositiveSmallIntegerField(choices=[(6, "6 weeks"), (12, "12 weeks")])
    held = models.BooleanField("the return held")
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_on = models.DateField(default=timezone.localdate)

    history = HistoricalRecords()

    class Meta:
        ordering = ["weeks"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "weeks"], name="one_follow_up_each"),
        ]

    def __str__(self):
        return f"{self.weeks}-week follow-up: {'held' if self.held else 'did not hold'}"


class PupilMoveQuerySet(ScopedQuerySet):
    def for_member(self, user, membership):
        if membership.role in (Role.LA_OFFICER, Role.PANEL_MEMBER):
            return self.filter(
                Q(pupil__la_id=membership.la_id) | Q(pupil__home_la_id=membership.la_id)
            )
        if membership.role == Role.SCHOOL_STAFF:
            return self.filter(
                Q(from_school_id=membership.school_id) | Q(to_school_id=membership.school_id)
            )
        if membership.role == Role.TRUST_LEAD:
            return self.filter(
                Q(from_school__trust_id=membership.trust_id)
                | Q(to_school__trust_id=membership.trust_id)
            )
        return self.none()


class PupilMove(models.Model):
    """A managed move or an off-site direction: tracked like a placement, but not AP."""

    class Kind(models.TextChoices):
        MANAGED_MOVE = "managed_move", "Managed move"
        OFF_SITE_DIRECTION = "off_site", "Off-site direction"

    class Outcome(models.TextChoices):
        SUCCEEDED = "succeeded", "Succeeded: the pupil stays"
        RETURNED = "returned", "The pupil went back"
        ENDED = "ended", "Ended for another reason"

    kind = models.CharField(max_length=15, choices=Kind.choices)
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="moves")
    from_school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    to_school = models.ForeignKey(
        School, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_provider = models.ForeignKey(
        ProviderOrganisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    start_date = models.DateField()
    home_school_consent_on = models.DateField(null=True, blank=True)
    receiving_school_consent_on = models.DateField(null=True, blank=True)
    parent_consent_on = models.DateField(null=True, blank=True)
    notice_given_on = models.DateField("written notice given", null=True, blank=True)
    next_review_due = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    outcome_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    objects = PupilMoveQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="managed_move")
                | Q(
                    to_school__isnull=False,
                    home_school_consent_on__isnull=False,
                    receiving_school_consent_on__isnull=False,
                    parent_consent_on__isnull=False,
                ),
                name="managed_move_has_school_and_consents",
            ),
            models.CheckConstraint(
                condition=~Q(kind="off_site") | Q(notice_given_on__isnull=False),
                name="off_site_direction_has_notice",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} of {self.pupil}"


class MoveReview(models.Model):
    move = models.ForeignKey(PupilMove, on_delete=models.CASCADE, related_name="reviews")
    held_on = models.DateField()
    notes = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-held_on"]

    def __str__(self):
        return f"Review on {self.held_on:%-d %B %Y}"
