"""Managed moves and off-site directions, with their reviews: tracked like placements, not AP."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from approvision.records import Stateful
from cases.pupils.models import Pupil
from organisations.models import ProviderOrganisation, School
from organisations.roles import Role
from organisations.scoping import ScopedQuerySet


class PupilMoveQuerySet(ScopedQuerySet):
    def for_member(self, user, membership):
        if membership.role in (Role.LA_OFFICER, Role.PANEL_MEMBER):
            return self.filter(
                Q(pupil__la_id=membership.la_id) | Q(pupil__home_la_id=membership.la_id)
            )
        if membership.role == Role.SCHOOL_STAFF:
            return self.filter(
                Q(from_school_id=membership.school_id) | Q(to_school_id=membership.school_id)
            )
        if membership.role == Role.TRUST_LEAD:
            return self.filter(
                Q(from_school__trust_id=membership.trust_id)
                | Q(to_school__trust_id=membership.trust_id)
            )
        return self.none()


class PupilMove(Stateful, models.Model):
    """A managed move or an off-site direction: tracked like a placement, but not AP."""

    class Kind(models.TextChoices):
        MANAGED_MOVE = "managed_move", "Managed move"
        OFF_SITE_DIRECTION = "off_site", "Off-site direction"

    class Outcome(models.TextChoices):
        SUCCEEDED = "succeeded", "Succeeded: the pupil stays"
        RETURNED = "returned", "The pupil went back"
        ENDED = "ended", "Ended for another reason"

    # A move is open ("") until a review records how it ended; then it is closed.
    STATE_FIELD = "outcome"
    MOVES = {
        "": (Outcome.SUCCEEDED, Outcome.RETURNED, Outcome.ENDED),
        Outcome.SUCCEEDED: (),
        Outcome.RETURNED: (),
        Outcome.ENDED: (),
    }

    kind = models.CharField(max_length=15, choices=Kind.choices)
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="moves")
    from_school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    to_school = models.ForeignKey(
        School, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_provider = models.ForeignKey(
        ProviderOrganisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    start_date = models.DateField()
    home_school_consent_on = models.DateField(null=True, blank=True)
    receiving_school_consent_on = models.DateField(null=True, blank=True)
    parent_consent_on = models.DateField(null=True, blank=True)
    notice_given_on = models.DateField("written notice given", null=True, blank=True)
    next_review_due = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    outcome_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    objects = PupilMoveQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="managed_move")
                | Q(
                    to_school__isnull=False,
                    home_school_consent_on__isnull=False,
                    receiving_school_consent_on__isnull=False,
                    parent_consent_on__isnull=False,
                ),
                name="managed_move_has_school_and_consents",
            ),
            models.CheckConstraint(
                condition=~Q(kind="off_site") | Q(notice_given_on__isnull=False),
                name="off_site_direction_has_notice",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} of {self.pupil}"


class MoveReview(models.Model):
    move = models.ForeignKey(PupilMove, on_delete=models.CASCADE, related_name="reviews")
    held_on = models.DateField()
    notes = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-held_on"]

    def __str__(self):
        return f"Review on {self.held_on:%-d %B %Y}"
