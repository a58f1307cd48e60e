"""Pupils and the school rolls they are on (enrolments, with the reason for every removal), their
scope by role (`visible_to`), the names search and the provider's caseload grants."""

from datetime import date

from django.apps import apps
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Concat, Lower, Upper
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase
from simple_history.models import HistoricalRecords

from cases.pupils.identifiers import upn_validator
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
        # (The exclusion and Fair Access models are looked up, not imported: they refer to Pupil.)
        Exclusion = apps.get_model("cases", "Exclusion")
        FairAccessAllocation = apps.get_model("cases", "FairAccessAllocation")
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
    # Where they live and where they came from: for a child without a school place (Fair Access:
    # new to the area, from another LA or from abroad) and to find schools within reach.
    home_postcode = models.CharField(max_length=8, blank=True)
    arrived_on = models.DateField(
        "date they arrived in the area", null=True, blank=True, help_text="New to the area only"
    )
    last_school = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Their last school, when it is one we hold (in this or another LA)",
    )
    last_school_elsewhere = models.CharField(
        "last school elsewhere",
        max_length=200,
        blank=True,
        help_text="Their last school outside the LAs we hold or abroad: its name and where it is",
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


# The two columns below, by name: left out of history tables and the subject access export.
PUPIL_LA_COPIES = ["pupil_la", "pupil_home_la"]


class PupilLaCopies(models.Model):
    """A pupil's record (an exclusion, a referral) that keeps the pupil's LA and home LA on its own
    row, copied by the database (cases 0015's triggers: on every insert, and whenever the
    pupil's change), so an LA's lists read that table alone, not a join to every pupil of every
    LA in the deployment. Code reads pupil.la; these are for the scope (`in_la`). They are left
    out of the history tables and the subject access export."""

    pupil_la = models.ForeignKey(
        LocalAuthority, on_delete=models.PROTECT, related_name="+", editable=False, db_index=False
    )
    pupil_home_la = models.ForeignKey(
        LocalAuthority,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        editable=False,
        db_index=False,
    )

    class Meta:
        abstract = True

    @staticmethod
    def in_la(la_id) -> Q:
        """Of a pupil whose record the LA keeps, or who lives in it."""
        return Q(pupil_la_id=la_id) | Q(pupil_home_la_id=la_id)


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
