"""Reintegration plans back to school, their steps, and the follow-ups at 6 and 12 weeks."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from approvision.records import Stateful
from organisations.models import School
from placements.commissioning.models import OfPlacementQuerySet, Placement


class ReintegrationPlan(Stateful, models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        UNDER_WAY = "under_way", "Under way"
        RETURNED = "returned", "Returned to school"
        BROKE_DOWN = "broke_down", "Broke down"

    STATE_FIELD = "status"
    # A plan may be recorded at any stage it has reached; a return that held may still break down.
    MOVES = {
        Status.PLANNED: (Status.UNDER_WAY, Status.RETURNED, Status.BROKE_DOWN),
        Status.UNDER_WAY: (Status.RETURNED, Status.BROKE_DOWN),
        Status.RETURNED: (Status.BROKE_DOWN,),
        Status.BROKE_DOWN: (),
    }

    placement = models.OneToOneField(
        Placement, on_delete=models.CASCADE, related_name="reintegration"
    )
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="reintegrations", help_text="Returning to"
    )
    target_date = models.DateField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PLANNED)
    returned_on = models.DateField(null=True, blank=True)
    outcome = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    objects = OfPlacementQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="returned") | Q(returned_on__isnull=False),
                name="a_return_has_its_date",
            ),
        ]

    def __str__(self):
        return f"Reintegration to {self.school}"


class ReintegrationStep(models.Model):
    plan = models.ForeignKey(ReintegrationPlan, on_delete=models.CASCADE, related_name="steps")
    description = models.CharField(max_length=300)
    owner = models.CharField(max_length=150)
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self):
        return self.description


class FollowUp(models.Model):
    """Did the return hold? Checked 6 and 12 weeks after the pupil went back."""

    plan = models.ForeignKey(ReintegrationPlan, on_delete=models.CASCADE, related_name="follow_ups")
    weeks = models.PositiveSmallIntegerField(choices=[(6, "6 weeks"), (12, "12 weeks")])
    held = models.BooleanField("the return held")
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_on = models.DateField(default=timezone.localdate)

    history = HistoricalRecords()

    class Meta:
        ordering = ["weeks"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "weeks"], name="one_follow_up_each"),
        ]

    def __str__(self):
        return f"{self.weeks}-week follow-up: {'held' if self.held else 'did not hold'}"
