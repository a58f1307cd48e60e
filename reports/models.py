"""Reports produced by Celery: asked for once (a unique key), stored with who asked, when and for
what scope, and downloadable by those who may see that scope."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from approvision.records import Stateful
from organisations.models import LocalAuthority, School, Trust
from organisations.roles import Role
from organisations.scoping import ScopedQuerySet

# Who may see an LA-wide report.
LA_REPORT_ROLES = (Role.LA_OFFICER, Role.DIRECTOR, Role.PANEL_MEMBER)


class ReportQuerySet(ScopedQuerySet):
    def for_member(self, user, membership):
        if membership.role in LA_REPORT_ROLES:
            reports = self.filter(la_id=membership.la_id, school__isnull=True, trust__isnull=True)
            if membership.role == Role.DIRECTOR:
                # Directors see aggregates only: a panel pack names pupils.
                reports = reports.exclude(kind=Report.Kind.PANEL_PACK)
            return reports
        if membership.role == Role.SCHOOL_STAFF:
            return self.filter(school_id=membership.school_id)
        if membership.role == Role.TRUST_LEAD:
            return self.filter(trust_id=membership.trust_id)
        return self.none()


class Report(Stateful, models.Model):
    class Kind(models.TextChoices):
        BOARD = "board", "Termly board report"
        MONITORING = "monitoring", "Monthly monitoring report"
        PANEL_PACK = "panel_pack", "Weekly panel pack"

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Being produced"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    STATE_FIELD = "status"
    # A worker claims a queued report (or one whose worker died: running to running), then
    # finishes it or records why it failed.
    MOVES = {
        Status.QUEUED: (Status.RUNNING, Status.FAILED),
        Status.RUNNING: (Status.RUNNING, Status.DONE, Status.FAILED),
        Status.DONE: (),
        Status.FAILED: (),
    }

    kind = models.CharField(max_length=20, choices=Kind.choices)
    la = models.ForeignKey(LocalAuthority, on_delete=models.CASCADE, related_name="reports")
    school = models.ForeignKey(School, on_delete=models.CASCADE, null=True, blank=True)
    trust = models.ForeignKey(Trust, on_delete=models.CASCADE, null=True, blank=True)
    key = models.CharField(max_length=200, unique=True, help_text="One report per request")
    title = models.CharField(max_length=300)
    period_start = models.DateField()
    period_end = models.DateField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty for a scheduled report",
    )
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    step = models.CharField(max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_by = models.CharField(max_length=200, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    file = models.FileField(upload_to="reports/", blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["status", "heartbeat_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="done") | ~Q(file=""), name="a_finished_report_has_its_file"
            ),
        ]

    def __str__(self):
        return self.title


class RollCountQuerySet(ScopedQuerySet):
    def for_member(self, user, membership):
        if membership.role in (*LA_REPORT_ROLES, Role.LA_ADMIN):
            return self.filter(la_id=membership.la_id)
        if membership.role == Role.SCHOOL_STAFF:
            return self.filter(school_id=membership.school_id)
        if membership.role == Role.TRUST_LEAD:
            return self.filter(school__trust_id=membership.trust_id)
        return self.none()


class RollCount(models.Model):
    """How many pupils a school had on roll with one characteristic on a census day, as the
    school census publishes them (or the LA's own count of children looked after, with no
    school): the base of every rate by group (docs/figures.md, "Denominators")."""

    class Characteristic(models.TextChoices):
        ALL = "all", "All pupils"
        BOYS = "boys", "Boys"
        GIRLS = "girls", "Girls"
        FSM = "fsm", "Eligible for free school meals"
        SEN_SUPPORT = "sen_support", "SEN support"
        EHCP = "ehcp", "EHC plan"
        YEAR_7 = "year_7", "Year 7"
        YEAR_8 = "year_8", "Year 8"
        YEAR_9 = "year_9", "Year 9"
        YEAR_10 = "year_10", "Year 10"
        YEAR_11 = "year_11", "Year 11"
        BLACK_CARIBBEAN = "eth_bcrb", "Black Caribbean heritage"
        WHITE_BLACK_CARIBBEAN = "eth_mwbc", "Mixed White and Black Caribbean"
        GYPSY_ROMA_TRAVELLER = "eth_grt", "Gypsy, Roma or Traveller"
        LOOKED_AFTER = "looked_after", "Looked after"

    la = models.ForeignKey(LocalAuthority, on_delete=models.CASCADE, related_name="roll_counts")
    school = models.ForeignKey(
        School, on_delete=models.CASCADE, null=True, blank=True, related_name="roll_counts"
    )
    census_date = models.DateField()
    characteristic = models.CharField(max_length=20, choices=Characteristic.choices)
    pupils = models.PositiveIntegerField()
    source = models.CharField(max_length=200, blank=True, help_text="Where the count came from")

    objects = RollCountQuerySet.as_manager()

    class Meta:
        ordering = ["-census_date", "school", "characteristic"]
        constraints = [
            models.UniqueConstraint(
                fields=["la", "school", "census_date", "characteristic"],
                name="one_roll_count_per_school_day_and_characteristic",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=Q(school__isnull=True, characteristic="looked_after")
                | (Q(school__isnull=False) & ~Q(characteristic="looked_after")),
                name="looked_after_counts_are_the_las_and_the_rest_a_schools",
            ),
        ]
        # Seeing figures (the dashboards, their CSVs, the API's figures) is its own permission.
        permissions = [("view_figures", "Can see the figures for their scope")]

    def __str__(self):
        return f"{self.get_characteristic_display()}: {self.pupils} on {self.census_date}"
