"""The provider's register (DfE attendance codes, 2024 registration regulations reg 10) and its
weekly or half-termly returns to the LA."""

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from approvision.records import Refused
from organisations.calendar import long_date
from organisations.models import User
from placements.commissioning.models import Placement
from placements.registers.models import (
    NOT_POSSIBLE_CODES,
    PRESENT_CODES,
    AttendanceMark,
    ProviderReturn,
)


def week_start(day: date) -> date:
    """The Monday of the week a day falls in."""
    return day - timedelta(days=day.weekday())


def _running_on(placement: Placement, day: date) -> bool:
    last = placement.last_day
    return placement.start_date <= day and (last is None or day <= last)


@transaction.atomic
def attendance_record(*, placement: Placement, by: User, marks: dict[tuple[date, str], str]) -> int:
    """Record (or correct) the code for each session given; blank codes are left unrecorded."""
    if placement.state not in (Placement.State.ACTIVE, Placement.State.ENDED):
        raise Refused("Attendance is recorded once the placement has started")
    today = timezone.localdate()
    saved = 0
    for (day, session), code in sorted(marks.items()):
        if not code:
            continue
        if day > today:
            raise Refused(f"{long_date(day)} has not happened yet")
        if not _running_on(placement, day):
            raise Refused(f"The placement was not running on {long_date(day)}")
        AttendanceMark.objects.update_or_create(
            placement=placement,
            day=day,
            session=session,
            defaults={"code": code, "recorded_by": by, "recorded_at": timezone.now()},
        )
        saved += 1
    return saved


DAY_KEYS = ("mon", "tue", "wed", "thu", "fri")
HALVES = (("am", "morning"), ("pm", "afternoon"))


def expected_on(placement: Placement, day: date, half: str) -> bool:
    """Whether the placement's pattern and dates expect the pupil that session."""
    return (
        day.weekday() < 5
        and f"{DAY_KEYS[day.weekday()]}_{half}" in placement.sessions
        and _running_on(placement, day)
    )


def expected_sessions(placement: Placement, first: date, last: date) -> list[tuple[date, str]]:
    """The sessions in [first, last], up to today, that the pupil was expected."""
    last = min(last, timezone.localdate())
    day, found = max(first, placement.start_date), []
    while day <= last:
        found += [(day, half) for half, _ in HALVES if expected_on(placement, day, half)]
        day += timedelta(days=1)
    return found


def register_gaps(placement: Placement, first: date, last: date) -> list[tuple[date, str]]:
    """Expected sessions in [first, last] with no mark recorded."""
    recorded = set(
        placement.marks.filter(day__gte=first, day__lte=last).values_list("day", "session")
    )
    return [key for key in expected_sessions(placement, first, last) if key not in recorded]


def session_words(day: date, half: str) -> str:
    return f"{day:%A} {long_date(day)} {dict(HALVES)[half]}"


@transaction.atomic
def register_day(*, by: User, day: date, marks: dict[Placement, dict[str, str]]) -> int:
    """A whole class's register for one day in one go: every placement's sessions or none."""
    saved = 0
    for placement, halves in marks.items():
        try:
            saved += attendance_record(
                placement=placement,
                by=by,
                marks={(day, half): code for half, code in halves.items()},
            )
        except Refused as error:
            raise Refused(f"{placement.pupil.name}: {error}") from error
    return saved


def marks_summary(placement: Placement, first: date, last: date) -> tuple[int, int]:
    """(sessions possible, sessions attended) from the marks recorded in [first, last]."""
    codes = placement.marks.filter(day__gte=first, day__lte=last).values_list("code", flat=True)
    possible = [c for c in codes if c not in NOT_POSSIBLE_CODES]
    return len(possible), sum(c in PRESENT_CODES for c in possible)


@transaction.atomic
def return_submit(
    *,
    placement: Placement,
    by: User,
    period: str,
    period_start: date,
    period_end: date | None,
    sessions_possible: int | None,
    sessions_attended: int | None,
    progress: str,
    pupil_voice: str = "",
    below_threshold_reason: str = "",
) -> ProviderReturn:
    """One return per placement per period. Attendance comes from the marks recorded when the
    provider kept a register, or is given as figures; below the LA's threshold needs a reason."""
    placement = (
        Placement.objects.select_for_update(of=("self",))
        .select_related("pupil__la")
        .get(pk=placement.pk)
    )
    if placement.state not in (Placement.State.ACTIVE, Placement.State.ENDED):
        raise Refused("Returns are sent once the placement has started")
    if period == ProviderReturn.Period.WEEK:
        if period_start.weekday() != 0:
            raise Refused("A weekly return starts on a Monday", field="period_start")
        period_end = period_start + timedelta(days=4)
    elif period_end is None or period_end < period_start:
        raise Refused("The period must end on or after its start", field="period_end")
    if period_end > timezone.localdate() + timedelta(days=4):
        raise Refused("The period has not happened yet", field="period_start")
    if period_end < placement.start_date or not _running_on(
        placement, max(period_start, placement.start_date)
    ):
        raise Refused("The placement was not running in that period", field="period_start")
    overlapping = placement.returns.filter(
        period_start__lte=period_end, period_end__gte=period_start
    ).first()
    if overlapping:
        raise Refused(
            f"A return covering {long_date(overlapping.period_start)} to "
            f"{long_date(overlapping.period_end)} has already been sent",
            field="period_start",
        )
    from_register = placement.marks.filter(day__gte=period_start, day__lte=period_end).exists()
    if from_register:
        # The register is the record: the return's attendance is computed from it, never typed
        # again (a typed "8 of 8" beside a different register is refused).
        gaps = register_gaps(placement, period_start, period_end)
        if gaps:
            raise Refused(
                f"The register has {len(gaps)} session{'s' if len(gaps) != 1 else ''} not "
                f"recorded in that period (the first is {session_words(*gaps[0])}): "
                "complete the register, then send the return",
                field="sessions_possible",
            )
        possible, attended = marks_summary(placement, period_start, period_end)
        if sessions_possible is not None and (sessions_possible, sessions_attended) != (
            possible,
            attended,
        ):
            raise Refused(
                f"Your register shows {attended} of {possible} sessions attended in that "
                "period: leave the sessions blank to use it, or correct the register",
                field="sessions_possible",
            )
        sessions_possible, sessions_attended = possible, attended
    elif sessions_possible is None or sessions_attended is None:
        raise Refused(
            "No attendance is recorded for that period: record it, or enter the sessions",
            field="sessions_possible",
        )
    if sessions_attended > sessions_possible:
        raise Refused(
            "Sessions attended cannot be more than the sessions possible",
            field="sessions_attended",
        )
    if not progress.strip():
        raise Refused("Describe progress against the outcomes sought", field="progress")
    threshold = placement.pupil.la.attendance_threshold
    percent = 100 * sessions_attended / sessions_possible if sessions_possible else 100
    if percent < threshold and not below_threshold_reason.strip():
        raise Refused(
            f"Attendance of {percent:.0f}% is below {threshold}%: give the reason",
            field="below_threshold_reason",
        )
    try:
        with transaction.atomic():
            return ProviderReturn.objects.create(
                placement=placement,
                period=period,
                period_start=period_start,
                period_end=period_end,
                sessions_possible=sessions_possible,
                sessions_attended=sessions_attended,
                below_threshold_reason=below_threshold_reason.strip(),
                progress=progress.strip(),
                pupil_voice=pupil_voice.strip(),
                from_register=from_register,
                submitted_by=by,
            )
    except IntegrityError as error:
        raise Refused(
            "A return for that period has already been sent", field="period_start"
        ) from error
