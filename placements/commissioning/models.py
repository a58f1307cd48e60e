"""The placement in alternative provision: tier, dates, hours and sessions, cost and funding, its
states (MOVES), and the scope by role (`visible_to`)."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from approvision.records import Stateful
from cases.pupils.models import Pupil, caseload_pupils
from cases.referrals.models import Referral, Tier
from organisations.models import ProviderOrganisation, School
from organisations.roles import Role
from organisations.scoping import ScopedQuerySet
from providers.models import ProviderSite

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


class PlacementReason(models.TextChoices):
    """Why a placement was commissioned, as the DfE's censuses ask it (docs/dfe-formats.md): the
    reason for commissioning, not the pupil's needs; a permanent exclusion outranks a health
    need."""

    PERMANENT_EXCLUSION = "permanent_exclusion", "Permanently excluded"
    SUSPENSION = "suspension", "Suspended (education from the sixth day)"
    BEHAVIOUR = "behaviour", "To improve behaviour (off-site direction)"
    PHYSICAL_HEALTH = "physical_health", "Medical condition (physical health need)"
    MENTAL_HEALTH = "mental_health", "Medical condition (mental health need)"
    EHC_PLAN = "ehc_plan", "Provision named in an EHC plan"
    AWAITING_PLACE = "awaiting_place", "Awaiting a school place"
    PREGNANCY = "pregnancy", "Pregnancy or young parent"
    OTHER = "other", "Other reason"


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


class Placement(Stateful, models.Model):
    class State(models.TextChoices):
        OFFERED = "offered", "Offered"
        ACCEPTED = "accepted", "Accepted"
        ACTIVE = "active", "Active"
        ENDED = "ended", "Ended"
        DECLINED = "declined", "Declined by the provider"
        WITHDRAWN = "withdrawn", "Withdrawn"

    LIVE_STATES = (State.OFFERED, State.ACCEPTED, State.ACTIVE)
    # The provider answers an offer (active at once if the start has come); the morning job makes
    # an accepted placement active on its start; any live placement may end.
    MOVES = {
        State.OFFERED: (State.ACCEPTED, State.ACTIVE, State.DECLINED, State.ENDED),
        State.ACCEPTED: (State.ACTIVE, State.ENDED),
        State.ACTIVE: (State.ENDED,),
        State.ENDED: (),
        State.DECLINED: (),
        State.WITHDRAWN: (),
    }

    class Source(models.TextChoices):
        PANEL = "panel", "Panel decision"
        SCHOOL = "school", "Commissioned by the school"
        LA = "la", "Arranged by the local authority"

    Tier = Tier  # the one list of tiers (cases.referrals.models)

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
    hours_per_week = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.1"), "Hours a week must be more than 0")],
    )
    sessions = ArrayField(
        models.CharField(max_length=6, choices=SESSIONS), default=list, blank=True
    )
    part_time = models.BooleanField(
        default=False, help_text="Under the LA's full-time hours: a part-time timetable"
    )
    weekly_cost = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    funding = models.CharField(max_length=12, choices=Funding.choices)
    reason = models.CharField(
        "primary reason for the placement",
        max_length=20,
        choices=PlacementReason.choices,
        blank=True,
        help_text="Why it was commissioned, not what the pupil needs (the DfE's census item)",
    )
    sites = models.ManyToManyField(
        ProviderSite, blank=True, related_name="placements", help_text="Every site attended"
    )
    dual_registered = models.BooleanField(
        "dual registered", default=False, help_text="On the provider's roll as well (subsidiary)"
    )
    outcomes_sought = models.TextField(blank=True)
    next_review_due = models.DateField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OFFERED)
    # The LA officer who leads this piece of work (None: not yet allocated); handovers are
    # recorded in casework.LeadChange with the reason.
    lead_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
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
