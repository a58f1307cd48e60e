"""Legal holds: a pupil's records kept past their retention period (litigation, an inquiry such
as IICSA, a safeguarding review), until the hold is lifted."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords


class LegalHoldQuerySet(models.QuerySet):
    def active(self):
        return self.filter(lifted_on__isnull=True)


class LegalHold(models.Model):
    pupil = models.ForeignKey("cases.Pupil", on_delete=models.PROTECT, related_name="legal_holds")
    reason = models.TextField(help_text="Why the records must be kept")
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    placed_on = models.DateField(default=timezone.localdate)
    lifted_on = models.DateField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = LegalHoldQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-placed_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil"], condition=Q(lifted_on__isnull=True), name="one_active_hold"
            )
        ]

    def __str__(self):
        return f"Legal hold on {self.pupil} from {self.placed_on:%-d %B %Y}"


class RetentionRun(models.Model):
    """What each run of the retention job deleted: counts only, never who."""

    ran_at = models.DateTimeField(default=timezone.now)
    pupils_deleted = models.PositiveIntegerField(default=0)
    records_deleted = models.PositiveIntegerField(default=0)
    files_deleted = models.PositiveIntegerField(default=0)
    held = models.PositiveIntegerField(default=0, help_text="Due, but kept under a legal hold")

    class Meta:
        ordering = ["-ran_at"]

    def __str__(self):
        return f"Retention run {self.ran_at:%Y-%m-%d %H:%M}: {self.pupils_deleted} pupils"
