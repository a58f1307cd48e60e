"""Local authorities, trusts, schools, provider organisations, and the people who work for them."""

import re
from decimal import Decimal

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django_otp.models import Device
from simple_history.models import HistoricalRecords

from approvision.records import Stateful
from organisations.la_codes import LaCode as LaCode  # the DfE register's LA codes, kept apart
from organisations.roles import LA_ROLES, ROLE_ORGANISATION_FIELD, Role
from organisations.scoping import ScopedQuerySet

la_code_validator = RegexValidator(
    r"^\d{3}$", "Enter the 3-digit DfE local authority code, like 886"
)
urn_validator = RegexValidator(r"^\d{6}$", "Enter a 6-digit URN, like 118234")
laestab_validator = RegexValidator(r"^\d{7}$", "Enter a 7-digit LAESTAB, like 8862034")
ukprn_validator = RegexValidator(r"^1\d{7}$", "Enter an 8-digit UKPRN starting with 1")

ACADEMY_TYPES = ["academy_converter", "academy_sponsor_led", "free_school", "academy_special"]


class LocalAuthorityQuerySet(ScopedQuerySet):
    def for_member(self, user, membership):
        return self.filter(pk__in=membership.la_ids())


class LocalAuthority(models.Model):
    code = models.CharField("DfE code", max_length=3, unique=True, validators=[la_code_validator])
    name = models.CharField(max_length=200)
    ons_code = models.CharField("ONS code", max_length=9, blank=True)
    # A school day is one with a session for pupils (Education Act 1996 s579): INSET days are not
    # school days. An LA may count them; the calendar page warns that this departs from s579.
    inset_days_are_school_days = models.BooleanField(default=False)
    # When the LA's administrators were last told that clocks need next year's term dates.
    term_dates_reminded_on = models.DateField(null=True, blank=True)
    # Placement settings (domain.md section 4). "Full time" is undefined in law: the mainstream
    # expectation of 32.5 hours a week is the default.
    full_time_hours = models.DecimalField(
        "hours a week that count as full time",
        max_digits=4,
        decimal_places=1,
        default=Decimal("32.5"),
        validators=[MinValueValidator(Decimal("10")), MaxValueValidator(Decimal("40"))],
    )
    review_interval_weeks = models.PositiveSmallIntegerField(
        "weeks between placement reviews",
        default=6,
        validators=[MinValueValidator(2), MaxValueValidator(8)],
        help_text="Reviews are due at least every half-term: at most 8 weeks apart.",
    )
    caseload_grace_days = models.PositiveSmallIntegerField(
        "days a provider keeps sight of a pupil after the placement ends",
        default=30,
        validators=[MaxValueValidator(365)],
    )
    pex_quota = models.PositiveSmallIntegerField(
        "permanent exclusions a school may make in a year before a charge",
        null=True,
        blank=True,
        help_text="Leave empty if the LA does not use a quota",
    )
    pex_quota_charge = models.DecimalField(
        "charge for each permanent exclusion over the quota (£)",
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
    )
    attendance_threshold = models.PositiveSmallIntegerField(
        "attendance below which a return needs a reason (per cent)",
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    # Retention (UK GDPR; IRMS toolkit): a pupil's records are kept until they reach this age,
    # or this one when they had special educational needs; then the retention job deletes them.
    postcode_neighbours = models.TextField(
        "postcode districts next to each other",
        blank=True,
        help_text=(
            "One line per district: the district, a colon, then the districts next to it, for "
            "example NM4: NM3, NM5, NM7. A district not listed has as neighbours the districts "
            "numbered either side of it in its postcode area. Fair Access looks for schools in "
            "the child's district and those next to it."
        ),
    )
    council_roles = models.TextField(
        "the council's sign-in: which groups or roles are which role here",
        blank=True,
        help_text=(
            "One line each: a group or role your identity provider gives, an equals sign, and "
            "one of la_officer, la_admin, panel_member, director. For example: "
            "AP-Officers = la_officer"
        ),
    )
    retain_pupil_records_to_age = models.PositiveSmallIntegerField(
        "age to which pupil records are kept",
        default=25,
        validators=[MinValueValidator(18), MaxValueValidator(100)],
    )
    retain_sen_records_to_age = models.PositiveSmallIntegerField(
        "age to which records of pupils with SEN are kept",
        default=31,
        validators=[MinValueValidator(18), MaxValueValidator(100)],
    )

    objects = LocalAuthorityQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "local authority"
        verbose_name_plural = "local authorities"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^\d{3}$"), name="la_code_three_digits"
            ),
        ]

    def __str__(self):
        return self.name

    def council_role_map(self) -> dict[str, str]:
        """The council's groups or roles, each to one LA role (lines "group = role")."""
        found = {}
        for line in self.council_roles.splitlines():
            group, _, role = line.partition("=")
            if group.strip() and role.strip() in {r.value for r in LA_ROLES}:
                found[group.strip()] = role.strip()
        return found

    def neighbours_listed(self) -> dict[str, list[str]]:
        """The districts the LA lists as next to each other (read both ways)."""
        found: dict[str, set[str]] = {}
        for line in self.postcode_neighbours.splitlines():
            district, _, others = line.partition(":")
            district = district.strip().upper()
            for other in re.split(r"[\s,;]+", others.strip().upper()):
                if district and other:
                    found.setdefault(district, set()).add(other)
                    found.setdefault(other, set()).add(district)
        return {key: sorted(value) for key, value in found.items()}

    def districts_near(self, district: str) -> list[str]:
        """The district and those next to it: as the LA lists them, else the districts numbered
        either side of it in its postcode area (NM4: NM3 and NM5)."""
        district = (district or "").strip().upper()
        if not district:
            return []
        listed = self.neighbours_listed()
        if district in listed:
            return [district, *listed[district]]
        match = re.fullmatch(r"([A-Z]{1,2})(\d{1,2})([A-Z]?)", district)
        if not match or match.group(3):
            return [district]
        area, number = match.group(1), int(match.group(2))
        return [district, *(f"{area}{n}" for n in (number - 1, number + 1) if n >= 0)]


class TrustQuerySet(ScopedQuerySet):
    def for_member(self, user, membership):
        if membership.role in LA_ROLES:
            return self.filter(schools__la_id=membership.la_id).distinct()
        if membership.role == Role.TRUST_LEAD:
            return self.filter(pk=membership.trust_id)
        if membership.role == Role.SCHOOL_STAFF:
            return self.filter(schools__pk=membership.school_id)
        return self.none()


class Trust(models.Model):
    """A multi-academy trust. Its schools may sit in several local authorities."""

    name = models.CharField(max_length=200)
    companies_house_number = models.CharField(max_length=8, blank=True)
    # The register's own key for the trust (GIAS "Group UID"): names change, this does not.
    group_uid = models.CharField(
        "GIAS group UID", max_length=10, null=True, blank=True, unique=True
    )

    objects = TrustQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class SchoolQuerySet(ScopedQuerySet):
    def for_member(self, user, membership):
        if membership.role in LA_ROLES:
            return self.filter(la_id=membership.la_id)
        if membership.role == Role.TRUST_LEAD:
            return self.filter(trust_id=membership.trust_id)
        if membership.role == Role.SCHOOL_STAFF:
            return self.filter(pk=membership.school_id)
        return self.none()

    def for_list(self):
        return self.select_related("la", "trust")


class School(models.Model):
    class Phase(models.TextChoices):
        NURSERY = "nursery", "Nursery"
        PRIMARY = "primary", "Primary"
        MIDDLE = "middle", "Middle"
        SECONDARY = "secondary", "Secondary"
        ALL_THROUGH = "all_through", "All-through"
        SIXTEEN_PLUS = "16_plus", "16 plus"

    class Type(models.TextChoices):
        COMMUNITY = "community", "Community school"
        VOLUNTARY_AIDED = "voluntary_aided", "Voluntary aided school"
        VOLUNTARY_CONTROLLED = "voluntary_controlled", "Voluntary controlled school"
        FOUNDATION = "foundation", "Foundation school"
        ACADEMY_CONVERTER = "academy_converter", "Academy converter"
        ACADEMY_SPONSOR_LED = "academy_sponsor_led", "Academy sponsor led"
        FREE_SCHOOL = "free_school", "Free school"
        COMMUNITY_SPECIAL = "community_special", "Community special school"
        ACADEMY_SPECIAL = "academy_special", "Academy special"

    urn = models.CharField("URN", max_length=6, unique=True, validators=[urn_validator])
    laestab = models.CharField("LAESTAB", max_length=7, unique=True, validators=[laestab_validator])
    name = models.CharField(max_length=200)
    phase = models.CharField(max_length=20, choices=Phase.choices)
    type = models.CharField(max_length=30, choices=Type.choices)
    la = models.ForeignKey(
        LocalAuthority,
        on_delete=models.PROTECT,
        related_name="schools",
        verbose_name="local authority",
    )
    trust = models.ForeignKey(
        Trust, on_delete=models.PROTECT, null=True, blank=True, related_name="schools"
    )
    postcode = models.CharField(max_length=8, blank=True)
    pupils_on_roll = models.PositiveIntegerField(default=0)
    is_open = models.BooleanField(default=True)
    closed_on = models.DateField(null=True, blank=True)

    objects = SchoolQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(urn__regex=r"^\d{6}$"), name="school_urn_six_digits"
            ),
            models.CheckConstraint(
                condition=Q(laestab__regex=r"^\d{7}$"), name="school_laestab_seven_digits"
            ),
            # An academy belongs to a trust (single-academy trusts included); a maintained school
            # to none.
            models.CheckConstraint(
                condition=(Q(type__in=ACADEMY_TYPES) & Q(trust__isnull=False))
                | (~Q(type__in=ACADEMY_TYPES) & Q(trust__isnull=True)),
                name="school_trust_iff_academy",
            ),
        ]

    def __str__(self):
        return self.name


class ProviderOrganisationQuerySet(ScopedQuerySet):
    def for_member(self, user, membership):
        if membership.role == Role.PROVIDER_STAFF:
            return self.filter(pk=membership.provider_id)
        # Everyone else sees the directory of the LAs they work in.
        return self.filter(la_id__in=membership.la_ids())


class ProviderOrganisation(models.Model):
    """An organisation that provides alternative provision. `providers/` holds its details."""

    class Kind(models.TextChoices):
        PRU = "pru", "Pupil referral unit"
        AP_ACADEMY = "ap_academy", "AP academy"
        AP_FREE_SCHOOL = "ap_free_school", "AP free school"
        INDEPENDENT_SCHOOL = "independent_school", "Independent school"
        UNREGISTERED = "unregistered", "Unregistered provider"
        FE_COLLEGE = "fe_college", "Further education college"
        TUITION = "tuition", "Tuition provider"
        ONLINE = "online", "Online provider"
        WORK_BASED = "work_based", "Work-based placement"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    la = models.ForeignKey(
        LocalAuthority,
        on_delete=models.PROTECT,
        related_name="providers",
        verbose_name="local authority",
        help_text="The local authority whose directory lists this provider.",
    )
    urn = models.CharField("URN", max_length=6, blank=True, validators=[urn_validator])
    ukprn = models.CharField("UKPRN", max_length=8, blank=True, validators=[ukprn_validator])

    objects = ProviderOrganisationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "provider organisation"
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def caseload_group_name(self) -> str:
        """The group holding the object permissions on the pupils placed with this provider."""
        return caseload_group_name(self.pk)


def caseload_group_name(provider_id: int) -> str:
    return f"Caseload of provider {provider_id}"


class UserQuerySet(ScopedQuerySet):
    def for_member(self, user, membership):
        if membership.role == Role.LA_ADMIN:
            la_id = membership.la_id
            return self.filter(
                Q(membership__la_id=la_id)
                | Q(membership__school__la_id=la_id)
                | Q(membership__provider__la_id=la_id)
                | Q(membership__trust__schools__la_id=la_id)
            ).distinct()
        return self.filter(pk=user.pk)

    def for_list(self):
        return self.select_related(
            "membership__la", "membership__school", "membership__trust", "membership__provider"
        )


class AppUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    # Set when an administrator gives out a password: the user must choose their own next.
    must_change_password = models.BooleanField(default=False)

    objects = AppUserManager()
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        ordering = ["username"]

    def membership_or_none(self):
        try:
            return self.membership
        except Membership.DoesNotExist:
            return None

    @property
    def role(self) -> str | None:
        membership = self.membership_or_none()
        return membership.role if membership else None

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


def _one_organisation_matching_role() -> Q:
    """Exactly one organisation is set, and it is the kind the role belongs to."""
    fields = ["la", "trust", "school", "provider"]
    condition = Q()
    for field in fields:
        roles = sorted(role.value for role, f in ROLE_ORGANISATION_FIELD.items() if f == field)
        condition |= Q(role__in=roles, **{f"{other}__isnull": other != field for other in fields})
    return condition


class Membership(models.Model):
    """A user's one organisation and role. The role decides which kind of organisation it is."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="membership")
    role = models.CharField(max_length=20, choices=Role.choices)
    la = models.ForeignKey(
        LocalAuthority, on_delete=models.PROTECT, null=True, blank=True, related_name="members"
    )
    trust = models.ForeignKey(
        Trust, on_delete=models.PROTECT, null=True, blank=True, related_name="members"
    )
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, null=True, blank=True, related_name="members"
    )
    provider = models.ForeignKey(
        ProviderOrganisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    job_title = models.CharField(max_length=100, blank=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=_one_organisation_matching_role(),
                name="membership_one_organisation_matching_role",
            ),
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()}, {self.organisation})"

    @property
    def organisation(self):
        return getattr(self, ROLE_ORGANISATION_FIELD[self.role])

    def la_ids(self) -> list[int]:
        """The local authorities this member works in: one, or a trust's several."""
        if self.role in LA_ROLES:
            return [self.la_id]
        if self.role == Role.SCHOOL_STAFF:
            return [self.school.la_id]
        if self.role == Role.PROVIDER_STAFF:
            return [self.provider.la_id]
        return list(
            School.objects.filter(trust_id=self.trust_id).values_list("la_id", flat=True).distinct()
        )


class Term(models.Model):
    """One half-term of a school year: the LA's dates, or a school's own (academies set theirs).

    A school with any terms of its own for a school year uses only those for that year.
    """

    class Name(models.TextChoices):
        AUTUMN_1 = "autumn_1", "Autumn 1"
        AUTUMN_2 = "autumn_2", "Autumn 2"
        SPRING_1 = "spring_1", "Spring 1"
        SPRING_2 = "spring_2", "Spring 2"
        SUMMER_1 = "summer_1", "Summer 1"
        SUMMER_2 = "summer_2", "Summer 2"

    la = models.ForeignKey(LocalAuthority, on_delete=models.CASCADE, related_name="terms")
    school = models.ForeignKey(
        School, on_delete=models.CASCADE, null=True, blank=True, related_name="terms"
    )
    school_year = models.PositiveSmallIntegerField(help_text="The year it starts: 2025 for 2025/26")
    name = models.CharField(max_length=10, choices=Name.choices)
    start = models.DateField()
    end = models.DateField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["school_year", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")), name="term_ends_after_start"
            ),
            models.UniqueConstraint(
                fields=["la", "school_year", "name"],
                condition=Q(school__isnull=True),
                name="one_la_term_of_each_name",
            ),
            models.UniqueConstraint(
                fields=["school", "school_year", "name"],
                condition=Q(school__isnull=False),
                name="one_school_term_of_each_name",
            ),
        ]

    def __str__(self):
        return f"{self.get_name_display()} {self.school_year}/{(self.school_year + 1) % 100:02d}"

    @property
    def term(self) -> str:
        """The whole term (autumn, spring, summer) that statutory term totals count within."""
        return self.name.split("_")[0]


class NonSchoolDay(models.Model):
    """A weekday within term when the school holds no sessions.

    Bank holidays and closures set by the LA apply to every school; a school's own INSET days
    replace the LA's INSET days for that school year.
    """

    class Kind(models.TextChoices):
        INSET = "inset", "INSET day"
        BANK_HOLIDAY = "bank_holiday", "Bank holiday"
        CLOSURE = "closure", "Closure"

    la = models.ForeignKey(LocalAuthority, on_delete=models.CASCADE, related_name="non_school_days")
    school = models.ForeignKey(
        School, on_delete=models.CASCADE, null=True, blank=True, related_name="non_school_days"
    )
    date = models.DateField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    description = models.CharField(max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["la", "date"], condition=Q(school__isnull=True), name="one_la_day_per_date"
            ),
            models.UniqueConstraint(
                fields=["school", "date"],
                condition=Q(school__isnull=False),
                name="one_school_day_per_date",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.date:%-d %B %Y}"


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, now):
        return self.filter(revoked_at__isnull=True, expires_at__gt=now, user__is_active=True)


class ApiToken(models.Model):
    """A key for the API, issued after a password and a TOTP code. Only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True, help_text="What it is for")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8, help_text="The first characters, to recognise it")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.prefix}… of {self.user}"


class ExternalIdentity(models.Model):
    """A person as an identity provider knows them (DfE Sign-in, a council's provider): the
    provider's subject, never reused, tied to one of our users."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="identities")
    provider = models.CharField(max_length=40)  # "dfe", or "council-<LA code>"
    subject = models.CharField(max_length=255)
    # DfE Sign-in's id for the organisation they last signed in at: their roles there are asked
    # of its API again while their sessions may last (organisations.identity.identities_recheck).
    organisation_id = models.CharField(max_length=64, blank=True)
    last_signed_in = models.DateTimeField(null=True, blank=True)
    last_checked = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "subject"], name="one_user_per_identity")
        ]

    def __str__(self):
        return f"{self.provider}:{self.subject}"


class ProviderMfaDevice(Device):
    """The second factor an identity provider says it used (`amr` includes "mfa"): a session
    signed in through it is verified (django-otp), as one with our own code is. It verifies no
    code itself."""

    provider = models.CharField(max_length=40)

    def verify_token(self, token):
        return False


class ImportJobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """An import's file holds pupils' details: only the person who uploaded it sees it."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(requested_by=user)


class ImportJob(Stateful, models.Model):
    """A CSV file uploaded to be imported, and the Celery worker's run over it: checked row by
    row (with progress), shown to the person who uploaded it, then imported all-or-nothing once
    they confirm (organisations/import_jobs.py). The file waits in private storage, named by the
    job's token, until it is imported or the check expires."""

    class Status(models.TextChoices):
        CHECKING = "checking", "Being checked"
        CHECKED = "checked", "Checked"
        APPLYING = "applying", "Being imported"
        DONE = "done", "Imported"
        FAILED = "failed", "Failed"
        EXPIRED = "expired", "Expired"

    STATE_FIELD = "status"
    # A worker claims a checking or applying job (again, if its worker died); a check waits for
    # the person to confirm it, or expires; an import that finds new problems goes back to checked.
    MOVES = {
        Status.CHECKING: (Status.CHECKING, Status.CHECKED, Status.DONE, Status.FAILED),
        Status.CHECKED: (Status.APPLYING, Status.EXPIRED),
        Status.APPLYING: (Status.APPLYING, Status.DONE, Status.CHECKED, Status.FAILED),
        Status.DONE: (),
        Status.FAILED: (),
        Status.EXPIRED: (),
    }

    kind = models.CharField(max_length=30)
    la = models.ForeignKey(LocalAuthority, on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    requested_at = models.DateTimeField()
    file_name = models.CharField(max_length=200, blank=True)
    token = models.CharField(max_length=32, unique=True, help_text="Names the stored files")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CHECKING)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_by = models.CharField(max_length=200, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "heartbeat_at"]),
            models.Index(fields=["requested_by", "kind", "-requested_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rows_done__lte=models.F("rows_total")),
                name="import_rows_done_within_total",
            )
        ]

    def __str__(self):
        return f"{self.kind} import {self.pk} ({self.status})"

    @property
    def running(self) -> bool:
        return self.status in (self.Status.CHECKING, self.Status.APPLYING)

    @property
    def percent(self) -> int:
        return int(100 * self.rows_done / self.rows_total) if self.rows_total else 0
