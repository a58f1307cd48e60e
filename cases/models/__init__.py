"""Pupils, the schools they are on the roll of, their exclusions and the statutory clocks."""

from datetime import date

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Concat, Lower, Upper
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase
from simple_history.models import HistoricalRecords

from cases.identifiers import upn_validator

# Referrals live in their own module; importing them here registers them with the app.
from cases.models.fair_access import (
    FairAccessAllocation,
    FairAccessCase,
    FairAccessGroup,
    YearGroupPlaces,
)
from cases.models.referrals import EvidenceDocument, Referral, ReferralEvent
from organisations.calendar import school_year_of
from organisations.models import LocalAuthority, School, caseload_group_name
from organisations.roles import Role
from organisations.scoping import ScopedQuerySet

# Who sees pupil-level records, and of which pupils. Directors see aggregates only; provider staff
# see the pupils placed with them (their caseload: object permissions the placements grant).
LA_PUPIL_ROLES = frozenset({Role.LA_OFFICER, Role.PANEL_MEMBER})


def caseload_pupils(membership):
    """The ids of the pupils on a provider's caseload, as a subquery: its group holds view_pupil
    on each of them from the offer until the grace period after the placement ends."""
    return PupilGroupObjectPermission.objects.filter(
        group__name=caseload_group_name(membership.provider_id),
        permission__codename="view_pupil",
        permission__content_type__app_label="cases",
    ).values("content_object_id")


def _school_ids(membership) -> list[int] | None:
    """The schools whose pupils a school or trust member sees; None for roles that see none."""
    if membership.role == Role.SCHOOL_STAFF:
        return [membership.school_id]
    if membership.role == Role.TRUST_LEAD:
        return list(
            School.objects.filter(trust_id=membership.trust_id).values_list("pk", flat=True)
        )
    return None


# A pupil's names as one upper-cased string: what the search matches, and what its trigram
# index (pupil_names_trgm) holds. The index must be made from this same expression.
SEARCH_NAMES = Upper(
    Concat(
        "legal_first_name",
        Value(" "),
        "legal_last_name",
        Value(" "),
        "preferred_first_name",
        Value(" "),
        "preferred_last_name",
        output_field=models.CharField(),
    )
)


# Pupil lists are in name order. A search's results are put in the same order case-blind, which
# the database does by sorting the few it found (through the trigram index) rather than by walking
# the whole name index in the hope of meeting 25 matches early.
NAME_ORDER = ("legal_last_name", "legal_first_name", "pk")
SEARCHED_NAME_ORDER = (Lower("legal_last_name"), Lower("legal_first_name"), "pk")


class PupilQuerySet(ScopedQuerySet):
    def for_member(self, user, membership):
        if membership.role in LA_PUPIL_ROLES:
            return self.filter(Q(la_id=membership.la_id) | Q(home_la_id=membership.la_id))
        if membership.role == Role.PROVIDER_STAFF:
            return self.filter(pk__in=caseload_pupils(membership))
        schools = _school_ids(membership)
        if schools is None:
            return self.none()
        # On the school's roll now, or once excluded by it (it keeps seeing what it recorded), or
        # a child the Fair Access panel has asked it to admit. One union of ids: the database
        # reads only these pupils, however many the LA has.
        on_roll = Enrolment.objects.filter(school_id__in=schools, left_on__isnull=True)
        excluded_here = Exclusion.objects.filter(school_id__in=schools)
        asked = FairAccessAllocation.objects.filter(
            school_id__in=schools,
            answer__in=[FairAccessAllocation.Answer.PENDING, FairAccessAllocation.Answer.ACCEPTED],
        )
        ids = on_roll.values("pupil_id").union(
            excluded_here.values("pupil_id"), asked.values("case__pupil_id")
        )
        return self.filter(pk__in=ids)

    def search(self, q: str):
        """Every word must match a name, or be the UPN: "jade kowalski" finds Jade Kowalski.
        The names are matched as one upper-cased string, which a trigram index serves; the
        results come in SEARCHED_NAME_ORDER."""
        pupils = self.alias(search_names=SEARCH_NAMES)
        for word in q.split():
            pupils = pupils.filter(Q(search_names__contains=word.upper()) | Q(upn=word.upper()))
        return pupils.order_by(*SEARCHED_NAME_ORDER)

    def for_list(self):
        return self.select_related("la").prefetch_related(
            models.Prefetch(
                "enrolments",
                queryset=Enrolment.objects.filter(left_on__isnull=True).select_related("school"),
                to_attr="current_enrolments",
            )
        )


class Pupil(models.Model):
    class Sex(models.TextChoices):
        FEMALE = "F", "Female"
        MALE = "M", "Male"
        UNKNOWN = "U", "Not known"

    class Ethnicity(models.TextChoices):
        # The DfE's main ethnicity codes (school census).
        WBRI = "WBRI", "White - British"
        WIRI = "WIRI", "White - Irish"
        WIRT = "WIRT", "Traveller of Irish heritage"
        WROM = "WROM", "Gypsy / Roma"
        WOTH = "WOTH", "Any other White background"
        MWBC = "MWBC", "White and Black Caribbean"
        MWBA = "MWBA", "White and Black African"
        MWAS = "MWAS", "White and Asian"
        MOTH = "MOTH", "Any other mixed background"
        AIND = "AIND", "Indian"
        APKN = "APKN", "Pakistani"
        ABAN = "ABAN", "Bangladeshi"
        AOTH = "AOTH", "Any other Asian background"
        BCRB = "BCRB", "Black Caribbean"
        BAFR = "BAFR", "Black - African"
        BOTH = "BOTH", "Any other Black background"
        CHNE = "CHNE", "Chinese"
        OOTH = "OOTH", "Any other ethnic group"
        REFU = "REFU", "Refused"
        NOBT = "NOBT", "Information not yet obtained"

    class SenStatus(models.TextChoices):
        NONE = "N", "No special educational needs"
        SEN_SUPPORT = "K", "SEN support"
        EHCP = "E", "Education, health and care plan"

    class PrimaryNeed(models.TextChoices):
        SPLD = "SPLD", "Specific learning difficulty"
        MLD = "MLD", "Moderate learning difficulty"
        SLD = "SLD", "Severe learning difficulty"
        PMLD = "PMLD", "Profound and multiple learning difficulty"
        SEMH = "SEMH", "Social, emotional and mental health"
        SLCN = "SLCN", "Speech, language and communication needs"
        HI = "HI", "Hearing impairment"
        VI = "VI", "Visual impairment"
        MSI = "MSI", "Multi-sensory impairment"
        PD = "PD", "Physical disability"
        ASD = "ASD", "Autistic spectrum disorder"
        OTH = "OTH", "Other difficulty or disability"
        NSA = "NSA", "SEN support but no specialist assessment"

    class SocialCare(models.TextChoices):
        NONE = "none", "None"
        CIN = "cin", "Child in need"
        CP = "cp", "Child protection plan"

    la = models.ForeignKey(
        LocalAuthority,
        on_delete=models.PROTECT,
        related_name="pupils",
        help_text="The local authority whose record this is: one record per pupil per LA.",
    )
    upn = models.CharField("UPN", max_length=13, validators=[upn_validator])
    legal_first_name = models.CharField(max_length=100)
    legal_last_name = models.CharField(max_length=100)
    preferred_first_name = models.CharField(max_length=100, blank=True)
    preferred_last_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=1, choices=Sex.choices)
    ethnicity = models.CharField(max_length=4, choices=Ethnicity.choices, default=Ethnicity.NOBT)
    sen_status = models.CharField(
        "SEN status", max_length=1, choices=SenStatus.choices, default=SenStatus.NONE
    )
    primary_need = models.CharField(max_length=4, choices=PrimaryNeed.choices, blank=True)
    free_school_meals = models.BooleanField(default=False)
    looked_after = models.BooleanField(default=False)
    social_care = models.CharField(
        max_length=4, choices=SocialCare.choices, default=SocialCare.NONE
    )
    youth_justice = models.BooleanField("youth justice involvement", default=False)
    home_la = models.ForeignKey(
        LocalAuthority,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resident_pupils",
        verbose_name="home local authority",
        help_text="Where they live, when not the LA of their school; it arranges PEX provision.",
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)

    objects = PupilQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["legal_last_name", "legal_first_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["la", "upn"], name="one_pupil_per_upn_per_la"),
            models.CheckConstraint(
                condition=Q(upn__regex=r"^[A-Z][0-9]{11}[0-9A-Z]$"), name="pupil_upn_shape"
            ),
            models.CheckConstraint(
                condition=Q(primary_need="") | ~Q(sen_status="N"),
                name="pupil_primary_need_only_with_sen",
            ),
        ]
        indexes = [
            models.Index(fields=["legal_last_name", "legal_first_name"]),
            GinIndex(OpClass(SEARCH_NAMES, name="gin_trgm_ops"), name="pupil_names_trgm"),
            # A search word may be a UPN in any LA the user sees (the unique index leads by LA).
            models.Index(fields=["upn"], name="pupil_upn"),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        first = self.preferred_first_name or self.legal_first_name
        last = self.preferred_last_name or self.legal_last_name
        return f"{first} {last}"

    @property
    def legal_name(self) -> str:
        return f"{self.legal_first_name} {self.legal_last_name}"

    def year_group(self, on: date | None = None) -> int:
        """National curriculum year on a date: 0 is Reception, from age 4 on 31 August."""
        school_year = school_year_of(on or timezone.localdate())
        age_on_31_august = school_year - self.date_of_birth.year
        if (self.date_of_birth.month, self.date_of_birth.day) > (8, 31):
            age_on_31_august -= 1
        return age_on_31_august - 4

    def year_group_label(self, on: date | None = None) -> str:
        year = self.year_group(on)
        if year < 0:
            return "Nursery"
        return "Reception" if year == 0 else f"Year {year}"


class PupilGroupObjectPermission(GroupObjectPermissionBase):
    """django-guardian's direct object permissions on pupils (a real foreign key, indexed)."""

    content_object = models.ForeignKey(Pupil, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        abstract = False
        unique_together = ["group", "permission", "content_object"]


class Enrolment(models.Model):
    """A pupil on a school's roll, from a date; leaving records why (off-rolling is watched for)."""

    class LeavingReason(models.TextChoices):
        MOVED_SCHOOL = "moved_school", "Moved to another school"
        ELECTIVE_HOME_EDUCATION = "ehe", "Elective home education"
        MISSING_EDUCATION = "cme", "Missing education"
        LEFT_AREA = "left_area", "Left the area"
        PERMANENTLY_EXCLUDED = "pex", "Permanently excluded"
        END_OF_EDUCATION = "end", "Finished compulsory education"

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="enrolments")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="enrolments")
    joined_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)
    leaving_reason = models.CharField(max_length=20, choices=LeavingReason.choices, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["joined_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil"], condition=Q(left_on__isnull=True), name="one_current_school"
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True, leaving_reason="")
                | Q(left_on__gte=models.F("joined_on")) & ~Q(leaving_reason=""),
                name="leaving_has_a_date_and_a_reason",
            ),
        ]

    def __str__(self):
        return f"{self.pupil} at {self.school}"


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
            return self.filter(
                Q(pupil__la_id=membership.la_id) | Q(pupil__home_la_id=membership.la_id)
            )
        if membership.role == Role.PROVIDER_STAFF:
            # The educational history of a pupil placed with them.
            return self.filter(pupil_id__in=caseload_pupils(membership))
        schools = _school_ids(membership)
        if schools is None:
            return self.none()
        # Its own records, and every exclusion of pupils on its roll now (their history).
        on_roll = Enrolment.objects.filter(school_id__in=schools, left_on__isnull=True)
        # (Unordered: the model's default order would sort each half of the union for nothing.)
        ids = (
            Exclusion.objects.filter(school_id__in=schools)
            .order_by()
            .values("pk")
            .union(
                Exclusion.objects.filter(pupil_id__in=on_roll.values("pupil_id"))
                .order_by()
                .values("pk")
            )
        )
        return self.filter(pk__in=ids)

    def for_list(self):
        return self.select_related("pupil", "school")

    def counting_towards_cap(self):
        return self.exclude(kind=Exclusion.Kind.PERMANENT).exclude(state=Exclusion.State.CANCELLED)


class Exclusion(models.Model):
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

    # The only moves an exclusion may make; exclusion_transition refuses any other.
    TRANSITIONS = {
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
    representations_on = models.DateField(
        null=True, blank=True, help_text="When parents made representations to the board"
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.NOTIFIED)
    board_decided_on = models.DateField(null=True, blank=True)
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
    history = HistoricalRecords()

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

    def can_move_to(self, state: str) -> bool:
        if state not in self.TRANSITIONS[self.State(self.state)]:
            return False
        # Only a permanent exclusion goes to independent review, and only once.
        if state == self.State.REVIEW_REQUESTED:
            return self.kind == self.Kind.PERMANENT and self.review_requested_on is None
        return True

    def allowed_moves(self) -> list[str]:
        return [s for s in self.TRANSITIONS[self.State(self.state)] if self.can_move_to(s)]


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


class DeadlineQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(exclusion__in=Exclusion.objects.visible_to(user))

    def open(self):
        """Duties not yet done. A parent's window to ask for a review that has passed unused
        has lapsed: it is nobody's overdue task."""
        lapsed = Q(kind=Deadline.Kind.REVIEW_REQUEST, due_on__lt=timezone.localdate())
        return self.filter(met_on__isnull=True).exclude(lapsed)

    def for_list(self):
        return self.select_related("exclusion__pupil", "school")


class Deadline(models.Model):
    """A statutory clock of an exclusion, counted in the school's days and stored for dashboards."""

    class Kind(models.TextChoices):
        LA_PROVISION = "la_provision", "LA full-time provision (6th day)"
        SCHOOL_PROVISION = "school_provision", "School full-time provision (6th day)"
        BOARD_REVIEW = "board_review", "Governing board to consider reinstatement"
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
    estimated = models.BooleanField(default=False)
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
            and self.due_on < timezone.localdate()
        )


__all__ = [
    "LEGACY_REASONS",
    "Deadline",
    "Enrolment",
    "EvidenceDocument",
    "Exclusion",
    "ExclusionEvent",
    "ExclusionReason",
    "FairAccessAllocation",
    "FairAccessCase",
    "FairAccessGroup",
    "Pupil",
    "Referral",
    "ReferralEvent",
    "YearGroupPlaces",
]
