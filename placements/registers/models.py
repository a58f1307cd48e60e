"""The provider's register (DfE attendance codes, a mark a session) and its returns to the LA."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from placements.commissioning.models import OfPlacementQuerySet, Placement


class AttendanceCode(models.TextChoices):
    """The DfE attendance codes a provider records (School Attendance Regulations 2024, reg 10)."""

    PRESENT = "/", "/ Present"
    LATE = "L", "L Late, before registers closed"
    OFF_SITE = "B", "B Educated off site (not remote learning)"
    WORK_EXPERIENCE = "W", "W Work experience"
    VISIT = "V", "V Educational visit or trip"
    ILLNESS = "I", "I Illness"
    MEDICAL = "M", "M Medical or dental appointment"
    PART_TIME = "C2", "C2 Authorised: part-time timetable"
    AUTHORISED_OTHER = "C", "C Authorised: other"
    EXCLUDED = "E", "E Suspended or excluded"
    RELIGIOUS = "R", "R Religious observance"
    LATE_AFTER = "U", "U Late, after registers closed"
    NO_REASON = "N", "N Reason not yet given"
    UNAUTHORISED = "O", "O Unauthorised absence"
    HOLIDAY = "G", "G Holiday not agreed"
    NOT_REQUIRED = "X", "X Not required to attend"


# Present codes count as attended; X is not a possible session.
PRESENT_CODES = frozenset({"/", "L", "B", "W", "V"})


NOT_POSSIBLE_CODES = frozenset({"X"})


class AttendanceMark(models.Model):
    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="marks")
    day = models.DateField()
    session = models.CharField(max_length=2, choices=[("am", "Morning"), ("pm", "Afternoon")])
    code = models.CharField(max_length=2, choices=AttendanceCode.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["day", "session"]
        constraints = [
            models.UniqueConstraint(
                fields=["placement", "day", "session"], name="one_mark_per_session"
            ),
        ]

    def __str__(self):
        return f"{self.day} {self.session}: {self.code}"


class ProviderReturn(models.Model):
    """What the provider tells the commissioner each week or half-term."""

    class Period(models.TextChoices):
        WEEK = "week", "Weekly"
        HALF_TERM = "half_term", "Half-termly"

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="returns")
    period = models.CharField(max_length=10, choices=Period.choices)
    period_start = models.DateField()
    period_end = models.DateField()
    sessions_possible = models.PositiveSmallIntegerField()
    sessions_attended = models.PositiveSmallIntegerField()
    from_register = models.BooleanField(
        default=False, help_text="Attendance computed from the register, not entered"
    )
    below_threshold_reason = models.TextField(blank=True)
    progress = models.TextField("progress against the outcomes sought")
    pupil_voice = models.TextField(blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)

    objects = OfPlacementQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["placement", "period_start"], name="one_return_per_period"
            ),
            models.CheckConstraint(
                condition=Q(sessions_attended__lte=models.F("sessions_possible")),
                name="return_attended_within_possible",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="return_period_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"Return for {self.period_start:%-d %B %Y} to {self.period_end:%-d %B %Y}"

    @property
    def attendance_percent(self) -> float | None:
        if not self.sessions_possible:
            return None
        return round(100 * self.sessions_attended / self.sessions_possible, 1)
