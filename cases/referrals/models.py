"""AP referrals: a school asks the LA's panel for alternative provision for a pupil."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from approvision.records import Stateful
from cases.pupils.models import PUPIL_LA_COPIES, PupilLaCopies
from organisations.models import School
from organisations.roles import Role
from organisations.scoping import ScopedQuerySet


class Tier(models.TextChoices):
    """The SEND and AP Improvement Plan's three tiers of alternative provision (domain.md section
    4): the one list for referrals, panel decisions and placements."""

    TIER_1 = "tier_1", "Targeted support in mainstream school"
    TIER_2 = "tier_2", "Time-limited placement"
    TIER_3 = "tier_3", "Transitional placement"


class ReferralQuerySet(ScopedQuerySet):
    def for_member(self, user, membership):
        if membership.role in (Role.LA_OFFICER, Role.PANEL_MEMBER):
            return self.filter(Referral.in_la(membership.la_id))
        if membership.role == Role.SCHOOL_STAFF:
            return self.filter(school_id=membership.school_id)
        if membership.role == Role.TRUST_LEAD:
            return self.filter(school__trust_id=membership.trust_id)
        if membership.role == Role.PROVIDER_STAFF:
            # The referral travels with the offer: needs, risk assessment, what was tried.
            from cases.pupils.models import caseload_pupils

            return self.filter(pupil_id__in=caseload_pupils(membership))
        return self.none()

    def for_list(self):
        return self.select_related("pupil", "school", "referrer")


class Referral(Stateful, PupilLaCopies):
    class Reason(models.TextChoices):
        EXCLUSION = "exclusion", "Exclusion"
        HEALTH = "health", "Health needs"
        EARLY_SUPPORT = "early_support", "Early preventative support"
        ALTERNATIVE_PATHWAY = "alternative_pathway", "Alternative pathway"
        REINTEGRATION = "reintegration", "Reintegration after time out of education"
        MID_YEAR_ARRIVAL = "mid_year_arrival", "Mid-year arrival"
        NO_SPECIALIST_PROVISION = "no_specialist", "Lack of specialist provision"

    # What the school asks for: one of the tiers, or tuition for health needs.
    Provision = models.TextChoices(
        "Provision",
        [
            *[(t.name, (t.value, f"Tier {n}: {t.label.lower()}")) for n, t in enumerate(Tier, 1)],
            ("HEALTH_TUITION", ("health_tuition", "Tuition or online learning for health needs")),
        ],
    )

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        MORE_INFO = "more_info", "More information asked for"
        ACCEPTED = "accepted", "Accepted to panel"
        SIGNPOSTED = "signposted", "Signposted elsewhere"
        DECIDED = "decided", "Decided by the panel"
        WITHDRAWN = "withdrawn", "Withdrawn"

    MOVES = {
        State.DRAFT: {State.SUBMITTED, State.WITHDRAWN},
        State.SUBMITTED: {State.MORE_INFO, State.SIGNPOSTED, State.ACCEPTED, State.WITHDRAWN},
        State.MORE_INFO: {State.SUBMITTED, State.WITHDRAWN},
        State.ACCEPTED: {State.DECIDED, State.MORE_INFO, State.WITHDRAWN},
        State.SIGNPOSTED: set(),
        State.DECIDED: set(),
        State.WITHDRAWN: set(),
    }
    EDITABLE_STATES = frozenset({State.DRAFT, State.MORE_INFO})

    pupil = models.ForeignKey("cases.Pupil", on_delete=models.CASCADE, related_name="referrals")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="referrals")
    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals_made"
    )
    reason = models.CharField(max_length=30, choices=Reason.choices, blank=True)
    needs = models.TextField("needs", blank=True)
    interventions = models.TextField("interventions tried and their impact", blank=True)
    attendance_percent = models.DecimalField(
        "attendance this year (%)",
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        # The check constraint's rule, here too so the API's serializer gives a field message.
        validators=[
            MinValueValidator(0, "Attendance must be between 0 and 100"),
            MaxValueValidator(100, "Attendance must be between 0 and 100"),
        ],
    )
    risk_assessment = models.TextField(blank=True)
    pupil_voice = models.TextField(blank=True)
    parent_voice = models.TextField("parent or carer voice", blank=True)
    provision_requested = models.CharField(max_length=20, choices=Provision.choices, blank=True)
    consent_given = models.BooleanField("consent to share information", default=False)
    consent_given_by = models.CharField("consent given by", max_length=200, blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    # The LA officer who leads this piece of work (None: not yet allocated); handovers are
    # recorded in casework.LeadChange with the reason.
    lead_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(blank=True, help_text="The panel's decision, in words")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    objects = ReferralQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=PUPIL_LA_COPIES)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["pupil_la", "state"], name="referral_la_state"),
            models.Index(
                fields=["pupil_home_la"],
                name="referral_home_la",
                condition=Q(pupil_home_la__isnull=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="draft") | Q(state="withdrawn") | Q(consent_given=True),
                name="referral_submitted_only_with_consent",
            ),
            models.CheckConstraint(
                condition=Q(attendance_percent__isnull=True)
                | Q(attendance_percent__gte=0, attendance_percent__lte=100),
                name="referral_attendance_is_a_percentage",
            ),
        ]

    def __str__(self):
        return f"Referral of {self.pupil} ({self.get_state_display().lower()})"

    @property
    def is_editable(self) -> bool:
        return self.state in self.EDITABLE_STATES

    def missing_for_submission(self) -> dict[str, str]:
        """The questions a referral must answer before it is submitted: field -> message."""
        missing = {}
        if not self.reason:
            missing["reason"] = "Select the reason for the referral"
        if not self.needs.strip():
            missing["needs"] = "Describe the pupil's needs"
        if not self.interventions.strip():
            missing["interventions"] = "Describe the interventions tried and their impact"
        if not self.risk_assessment.strip():
            missing["risk_assessment"] = "Give the risk assessment"
        if not self.provision_requested:
            missing["provision_requested"] = "Select the provision you are asking for"
        if not self.consent_given:
            missing["consent_given"] = (
                "Confirm that the parent or carer consents to sharing this information"
            )
        if self.consent_given and not self.consent_given_by.strip():
            missing["consent_given_by"] = "Enter the name of the person who gave consent"
        return missing


class ReferralEvent(models.Model):
    """A move of a referral, or a message on it: who, when, why."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(max_length=20, choices=Referral.State.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=Referral.State.choices)
    message = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_to_state_display()} at {self.at:%-d %B %Y}"


def _evidence_path(instance, filename) -> str:
    # A random name: nothing about the pupil or the original file name reaches the disk path.
    return f"evidence/{instance.referral_id}/{uuid.uuid4().hex}"


class EvidenceDocumentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The documents of the referrals the user may see."""
        return self.filter(referral__in=Referral.objects.visible_to(user))


class EvidenceDocument(models.Model):
    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "Word document"
        PNG = "png", "PNG image"
        JPEG = "jpeg", "JPEG image"

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(upload_to=_evidence_path, max_length=200)
    name = models.CharField(max_length=200, help_text="The name it was uploaded with")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    scanner = models.CharField(max_length=50, help_text="Which virus scanner passed it")

    objects = EvidenceDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.name
