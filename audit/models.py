"""Who read which pupil's record: one row per read, never the data itself (security bar G12)."""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils import timezone

from organisations.roles import Role
from organisations.scoping import ScopedQuerySet


class ByAdministeredUsersQuerySet(ScopedQuerySet):
    """An LA administrator sees the audit rows of the people they administer (by user id: the
    log keeps plain values, never foreign keys). Nobody else searches the log."""

    def for_member(self, user, membership):
        if membership.role != Role.LA_ADMIN:
            return self.none()
        from organisations.models import User

        return self.filter(user_id__in=User.objects.visible_to(user).values("pk"))


class PupilReadQuerySet(ByAdministeredUsersQuerySet):
    def about(self, pupil_id: int):
        """Every read of one pupil's data, whoever made it: for an LA administrator answering
        "who looked at this pupil?" about a pupil of their own LA."""
        return self.model.objects.filter(pupil_ids__contains=[pupil_id])


class PupilRead(models.Model):
    class Action(models.TextChoices):
        VIEW_CASE_FILE = "view_case_file", "Viewed a case file"
        VIEW_EXCLUSION = "view_exclusion", "Viewed an exclusion"
        VIEW_REFERRAL = "view_referral", "Viewed a referral"
        VIEW_PLACEMENT = "view_placement", "Viewed a placement"
        VIEW_MOVE = "view_move", "Viewed a managed move or off-site direction"
        VIEW_FAIR_ACCESS = "view_fair_access", "Viewed a Fair Access case"
        LIST = "list", "Listed pupils"
        EXPORT = "export", "Exported"
        API_GET = "api_get", "Read through the API"
        API_LIST = "api_list", "Listed through the API"
        DOWNLOAD_PDF = "download_pdf", "Downloaded a PDF"
        SUBJECT_ACCESS = "subject_access", "Subject access export"
        VIEW_NOTES = "view_notes", "Read case notes"
        VIEW_LETTERS = "view_letters", "Read letters to parents"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    # Plain values, not foreign keys: the log outlives users and pupils and never changes.
    user_id = models.BigIntegerField(null=True)
    username = models.CharField(max_length=150)
    role = models.CharField(max_length=30, blank=True)
    organisation = models.CharField(max_length=200, blank=True)
    pupil_ids = ArrayField(models.BigIntegerField())
    action = models.CharField(max_length=20, choices=Action.choices)
    path = models.CharField(max_length=500)
    ip_address = models.GenericIPAddressField(null=True)
    request_id = models.CharField(max_length=64, blank=True)

    objects = PupilReadQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["user_id", "-at"]),
            GinIndex(fields=["pupil_ids"], name="pupilread_pupil_ids"),
        ]

    def __str__(self):
        return f"{self.username} {self.get_action_display().lower()} at {self.at:%Y-%m-%d %H:%M}"


class Denial(models.Model):
    """A request refused: not signed in, not allowed, or asking for a record outside the user's
    scope (which answers 404). Security bar G13: every denied cell of the access matrix is here."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user_id = models.BigIntegerField(null=True)
    username = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=30, blank=True)
    organisation = models.CharField(max_length=200, blank=True)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    status = models.PositiveSmallIntegerField()
    ip_address = models.GenericIPAddressField(null=True)

    objects = ByAdministeredUsersQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]

    def __str__(self):
        return f"{self.status} for {self.username or 'anonymous'} on {self.path}"


class RateCount(models.Model):
    """Requests a user made in one window, for the API and export rate limits (kept in
    PostgreSQL so limits hold across gunicorn workers and while Redis is down)."""

    key = models.CharField(max_length=100)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="one_count_per_window")
        ]

    def __str__(self):
        return f"{self.key}: {self.count} from {self.window_start:%H:%M}"
