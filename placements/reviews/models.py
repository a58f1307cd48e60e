"""A placement's reviews and their decisions."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from placements.commissioning.models import OfPlacementQuerySet, Placement


class Review(models.Model):
    class Decision(models.TextChoices):
        CONTINUE = "continue", "Continue the placement"
        EXTEND = "extend", "Extend it, with a new planned end"
        REINTEGRATE = "reintegrate", "Start reintegration"
        ESCALATE = "escalate", "Escalate to the panel"
        END = "end", "End the placement"

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="reviews")
    held_on = models.DateField()
    attendance_percent = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        validators=[
            MinValueValidator(0, "Attendance must be between 0 and 100"),
            MaxValueValidator(100, "Attendance must be between 0 and 100"),
        ],
    )
    progress = models.TextField()
    pupil_voice = models.TextField()
    parent_voice = models.TextField()
    decision = models.CharField(max_length=12, choices=Decision.choices)
    new_planned_end = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    next_review_due = models.DateField(null=True, blank=True)
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = OfPlacementQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(decision="extend") | Q(new_planned_end__isnull=False),
                name="extension_has_new_end",
            ),
            models.CheckConstraint(
                condition=Q(attendance_percent__gte=0) & Q(attendance_percent__lte=100),
                name="review_attendance_is_a_percentage",
            ),
        ]

    def __str__(self):
        return f"Review on {self.held_on:%-d %B %Y}: {self.get_decision_display()}"
