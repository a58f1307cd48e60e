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
