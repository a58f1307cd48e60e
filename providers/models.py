"""AP providers: the LA's directory, places, prices, and the due diligence that lets it place."""

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from organisations.models import ProviderOrganisation
from organisations.roles import Role
from organisations.scoping import ScopedQuerySet

# A due-diligence item this close to expiring is flagged, so it can be renewed in time.
LAPSING_DAYS = 30


class ProviderProfileQuerySet(ScopedQuerySet):
    def for_member(self, user, membership):
        if membership.role == Role.PROVIDER_STAFF:
            return self.filter(provider_id=membership.provider_id)
        return self.filter(provider__la_id__in=membership.la_ids())


class ProviderProfile(models.Model):
    class OfstedGrade(models.TextChoices):
        OUTSTANDING = "1", "Outstanding"
        GOOD = "2", "Good"
        REQUIRES_IMPROVEMENT = "3", "Requires improvement"
        INADEQUATE = "4", "Inadequate"
        NOT_INSPECTED = "", "Not inspected by Ofsted"

    provider = models.OneToOneField(
        ProviderOrganisation, on_delete=models.CASCADE, related_name="profile"
    )
    on_approved_list = models.BooleanField(
        "on the LA's approved list", default=False, help_text="The dynamic purchasing system"
    )
    ofsted_grade = models.CharField(max_length=1, choices=OfstedGrade.choices, blank=True)
    primary_places = models.PositiveSmallIntegerField(default=0)
    secondary_places = models.PositiveSmallIntegerField(default=0)
    price_per_week = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    price_per_session = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    contact_email = models.EmailField(blank=True)

    objects = ProviderProfileQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["provider__name"]

    def __str__(self):
        return str(self.provider)

    @property
    def places(self) -> int:
        return self.primary_places + self.secondary_places


class DueDiligence(models.Model):
    """One check the commissioner must hold for a provider, valid until it expires."""

    class Kind(models.TextChoices):
        STAFF_CHECKS = "staff_checks", "DBS and staff checks confirmed"
        INSURANCE = "insurance", "Insurance"
        SAFEGUARDING_LEAD = "safeguarding_lead", "Designated safeguarding lead"
        QA_VISIT = "qa_visit", "Quality assurance visit"

    REQUIRED = (Kind.STAFF_CHECKS, Kind.INSURANCE, Kind.SAFEGUARDING_LEAD, Kind.QA_VISIT)

    profile = models.ForeignKey(
        ProviderProfile, on_delete=models.CASCADE, related_name="due_diligence"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    confirmed_on = models.DateField()
    expires_on = models.DateField()
    detail = models.CharField(
        max_length=300, blank=True, help_text="Policy number, the lead's name, the visit's finding"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "-expires_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gt=models.F("confirmed_on")),
                name="due_diligence_expires_after_confirmation",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} until {self.expires_on:%-d %B %Y}"

    def status(self, on: date | None = None) -> str:
        on = on or timezone.localdate()
        if self.expires_on < on:
            return "lapsed"
        if self.expires_on <= on + timedelta(days=LAPSING_DAYS):
            return "lapsing"
        return "current"


class ProviderSiteQuerySet(ScopedQuerySet):
    def for_member(self, user, membership):
        if membership.role == Role.PROVIDER_STAFF:
            return self.filter(provider_id=membership.provider_id)
        return self.filter(provider__la_id__in=membership.la_ids())


class ProviderSite(models.Model):
    """A place where a provider teaches pupils. The 2025 AP guidance asks commissioners to know
    every site a pupil attends, not only the provider's head office."""

    provider = models.ForeignKey(
        ProviderOrganisation, on_delete=models.CASCADE, related_name="sites"
    )
    name = models.CharField(max_length=200)
    address = models.CharField(max_length=300)
    postcode = models.CharField(max_length=8)
    closed_on = models.DateField(
        null=True, blank=True, help_text="Kept for the placements that used it; not offered after"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ProviderSiteQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "name"], name="provider_site_name_unique_per_provider"
            ),
        ]

    def __str__(self):
        return f"{self.name}, {self.postcode}"
