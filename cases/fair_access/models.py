"""Fair Access Protocol cases: an unplaced child, the 20-school-day clock, and each allocation of a
school with that school's answer (domain.md section 3)."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from approvision.records import Stateful
from organisations.models import LocalAuthority, School
from organisations.roles import Role
from organisations.scoping import ScopedQuerySet


class FairAccessGroup(models.TextChoices):
    """The 13 groups of children the protocol covers (Admissions Code 2021, DfE guidance 2021)."""

    CHILD_IN_NEED = "1", "Child in need, or on a child protection plan (now or in the last year)"
    REFUGE = "2", "Living in a refuge or other relevant accommodation"
    CRIMINAL_JUSTICE = "3", "From the criminal justice system"
    AP_OR_EXCLUDED = (
        "4",
        (
            "In alternative provision and needing to return, or permanently excluded but suitable "
            "for mainstream"
        ),
    )
    SEN_NO_PLAN = "5", "Special educational needs (no EHC plan), a disability or medical condition"
    YOUNG_CARER = "6", "A young carer"
    HOMELESS = "7", "Homeless"
    KINSHIP = "8", "In formal kinship care"
    TRAVELLER_REFUGEE = "9", "Gypsy, Roma or Traveller, a refugee or asylum seeker"
    REFUSED_BEHAVIOUR = "10", "Refused a place for challenging behaviour (Admissions Code 3.10)"
    EXCEPTIONAL = "11", "A place not sought because of exceptional circumstances"
    OUT_OF_EDUCATION = (
        "12",
        "Out of education for 4 weeks or more, no place within a reasonable distance",
    )
    PREVIOUSLY_LOOKED_AFTER = "13", "Previously looked after, and no place could be found promptly"


class FairAccessCaseQuerySet(ScopedQuerySet):
    def for_member(self, user, membership):
        if membership.role in (Role.LA_OFFICER, Role.PANEL_MEMBER):
            return self.filter(la_id=membership.la_id)
        if membership.role in (Role.SCHOOL_STAFF, Role.TRUST_LEAD):
            # A school sees the cases it has been asked to take, and their outcome.
            schools = (
                Q(school_id=membership.school_id)
                if membership.role == Role.SCHOOL_STAFF
                else Q(school__trust_id=membership.trust_id)
            )
            asked = FairAccessAllocation.objects.filter(schools, case=OuterRef("pk"))
            return self.filter(Exists(asked))
        return self.none()

    def for_list(self):
        return self.select_related("pupil", "la")


class FairAccessCase(Stateful, models.Model):
    class State(models.TextChoices):
        REFERRED = "referred", "Referred"
        AGREED = "agreed", "Agreed: to allocate"
        ALLOCATED = "allocated", "Allocated: waiting for the school"
        ACCEPTED = "accepted", "Accepted by the school"
        REFUSED = "refused", "Refused by the school"
        ESCALATED = "escalated", "Escalated to a direction"
        STARTED = "started", "Started at school"
        WITHDRAWN = "withdrawn", "Withdrawn"

    # The panel agrees to consider the case, asks a school, which admits or refuses; a refusal is
    # asked of another school or escalated to a direction, which admits or refuses in its turn.
    MOVES = {
        State.REFERRED: (State.AGREED,),
        State.AGREED: (State.ALLOCATED,),
        State.ALLOCATED: (State.ACCEPTED, State.REFUSED),
        State.REFUSED: (State.ALLOCATED, State.ESCALATED),
        State.ESCALATED: (State.ACCEPTED, State.REFUSED),
        State.ACCEPTED: (State.STARTED,),
        State.STARTED: (),
        State.WITHDRAWN: (),
    }

    OPEN_STATES = (
        State.REFERRED,
        State.AGREED,
        State.ALLOCATED,
        State.ACCEPTED,
        State.REFUSED,
        State.ESCALATED,
    )

    class Phase(models.TextChoices):
        PRIMARY = "primary", "Primary"
        SECONDARY = "secondary", "Secondary"

    la = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey("cases.Pupil", on_delete=models.PROTECT, related_name="fair_access")
    groups = ArrayField(models.CharField(max_length=2, choices=FairAccessGroup.choices))
    unplaced_since = models.DateField()
    applications_tried = models.TextField(help_text="The in-year applications made, and answers")
    phase = models.CharField(max_length=10, choices=Phase.choices)
    year_group = models.PositiveSmallIntegerField(
        validators=[MaxValueValidator(13, "The year group must be between reception (0) and 13")]
    )
    home_district = models.CharField(
        "home postcode district", max_length=4, help_text="For example, NM4"
    )
    parental_preference = models.TextField(blank=True)
    referred_on = models.DateField()
    agreed_on = models.DateField(
        null=True, blank=True, help_text="The panel agreed to consider it: the clock starts"
    )
    allocation_due = models.DateField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.REFERRED)
    # The LA officer who leads this piece of work (None: not yet allocated); handovers are
    # recorded in casework.LeadChange with the reason.
    lead_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    objects = FairAccessCaseQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["allocation_due", "pk"]
        indexes = [models.Index(fields=["la", "state", "allocation_due"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(groups__len__gte=1), name="fair_access_case_has_a_group"
            ),
            models.CheckConstraint(
                condition=Q(year_group__lte=13), name="fair_access_year_group_in_range"
            ),
        ]

    def __str__(self):
        return f"Fair Access: {self.pupil}"

    @property
    def group_labels(self) -> list[str]:
        return [FairAccessGroup(g).label for g in self.groups]

    @property
    def year_label(self) -> str:
        return "Reception" if self.year_group == 0 else f"Year {self.year_group}"

    def clock(self, today=None) -> str:
        """'overdue', 'due soon' (5 days or fewer) or 'on time' while it waits for a place."""
        today = today or timezone.localdate()
        if self.allocation_due is None or self.state not in (
            self.State.AGREED,
            self.State.REFUSED,
        ):
            return ""
        if self.allocation_due < today:
            return "overdue"
        if (self.allocation_due - today).days <= 7:
            return "due soon"
        return "on time"


class FairAccessAllocation(models.Model):
    """The panel asks a school to admit the child; the school answers; a refusal may be escalated
    to a direction (the LA for a maintained school, the Secretary of State for an academy)."""

    class Answer(models.TextChoices):
        PENDING = "pending", "Waiting for the school"
        ACCEPTED = "accepted", "Accepted"
        REFUSED = "refused", "Refused"

    class Escalation(models.TextChoices):
        DIRECTION = "direction", "Direction by the local authority"
        SECRETARY_OF_STATE = "sos", "Request to the Secretary of State (academy)"

    case = models.ForeignKey(FairAccessCase, on_delete=models.CASCADE, related_name="allocations")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="fair_access")
    allocated_on = models.DateField()
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recommended_rank = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Where the school stood in the recommendation"
    )
    reason_not_first = models.TextField(
        blank=True, help_text="Why the panel chose another school than the first recommended"
    )
    answer = models.CharField(max_length=10, choices=Answer.choices, default=Answer.PENDING)
    answered_on = models.DateField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    start_date = models.DateField(null=True, blank=True)
    refusal_reason = models.TextField(blank=True)
    escalation = models.CharField(max_length=10, choices=Escalation.choices, blank=True)
    escalated_on = models.DateField(null=True, blank=True)
    escalation_decided_on = models.DateField(null=True, blank=True)
    directed = models.BooleanField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["allocated_on", "pk"]
        indexes = [models.Index(fields=["school", "answer", "allocated_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__isnull=True) | Q(start_date__gte=models.F("allocated_on")),
                name="fair_access_start_after_allocation",
            ),
            models.CheckConstraint(
                condition=~Q(answer="refused") | ~Q(refusal_reason=""),
                name="fair_access_refusal_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.school} asked on {self.allocated_on:%-d %B %Y}"


class YearGroupPlaces(models.Model):
    """A school's places and roll in one year group, for the Fair Access ledger's explanations
    (a full school still takes its turn)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="year_places")
    year_group = models.PositiveSmallIntegerField()
    capacity = models.PositiveSmallIntegerField()
    on_roll = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "year_group"], name="one_row_per_year"),
        ]

    def __str__(self):
        return f"{self.school} Year {self.year_group}: {self.on_roll} of {self.capacity}"

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.on_roll)
