"""Placements: offered, answered, attended, returned on, reviewed, reintegrated, ended.

Every write to a placement goes through here. The provider sees a pupil (their caseload) through a
django-guardian object permission its caseload group holds from the offer until a grace period
after the placement ends.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from approvision.records import Refused, lock_current
from cases.models import Pupil, Referral
from cases.services import current_school
from organisations.calendar import SchoolCalendar, long_date
from organisations.models import ProviderOrganisation, School, User
from organisations.roles import Role
from placements.models import (
    ALL_SESSIONS,
    NOT_POSSIBLE_CODES,
    PRESENT_CODES,
    AttendanceMark,
    FollowUp,
    MoveReview,
    Placement,
    ProviderReturn,
    PupilMove,
    ReintegrationPlan,
    ReintegrationStep,
    Review,
)
from providers.models import LAPSING_DAYS, DueDiligence
from providers.services import placement_blockers, provider_profile

MAX_HOURS = Decimal("40")


# ---------------------------------------------------------------------------------------------
# The caseload: who at the provider sees the pupil


def caseload_group(provider: ProviderOrganisation) -> Group:
    return Group.objects.get_or_create(name=provider.caseload_group_name)[0]


def caseload_grant(placement: Placement) -> None:
    assign_perm("cases.view_pupil", caseload_group(placement.provider), placement.pupil)


def _still_needed(placement: Placement, today: date) -> bool:
    """Whether any placement of this pupil with this provider still gives its staff sight of
    them: live, or ended within the grace period."""
    grace = timedelta(days=placement.pupil.la.caseload_grace_days)
    others = Placement.objects.filter(
        pupil_id=placement.pupil_id, provider_id=placement.provider_id
    )
    return others.filter(
        Q(state__in=Placement.LIVE_STATES)
        | Q(state=Placement.State.ENDED, ended_on__gte=today - grace)
    ).exists()


def caseload_revoke_if_done(placement: Placement, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    if _still_needed(placement, today):
        return False
    remove_perm("cases.view_pupil", caseload_group(placement.provider), placement.pupil)
    Placement.objects.filter(
        pupil_id=placement.pupil_id, provider_id=placement.provider_id
    ).exclude(state__in=Placement.LIVE_STATES).update(access_revoked=True)
    return True


def placements_daily(today: date | None = None) -> dict[str, int]:
    """Each morning: accepted placements whose start has come are active; providers lose sight of
    pupils whose placements ended more than the grace period ago (or were declined)."""
    today = today or timezone.localdate()
    activated = Placement.objects.filter(
        state=Placement.State.ACCEPTED, start_date__lte=today
    ).update(state=Placement.State.ACTIVE)
    revoked = 0
    done = Placement.objects.filter(access_revoked=False).exclude(state__in=Placement.LIVE_STATES)
    for placement in done.select_related("pupil__la", "provider"):
        with transaction.atomic():
            revoked += caseload_revoke_if_done(placement, today)
    return {"activated": activated, "revoked": revoked}


# ---------------------------------------------------------------------------------------------
# Offering a placement


def _live_hours_clash(
    pupil: Pupil, start: date, last: date | None, hours: Decimal, exclude_pk=None
) -> tuple[Decimal, date] | None:
    """The most hours a week the pupil would have on any day of [start, last] with this placement
    added, and the day, when over full time. The database trigger enforces the same rule."""
    others = list(
        Placement.objects.filter(
            pupil=pupil, state__in=[*Placement.LIVE_STATES, Placement.State.ENDED]
        )
        .exclude(pk=exclude_pk)
        .filter(
            Q(ended_on__gte=start)
            | Q(ended_on__isnull=True, planned_end__gte=start)
            | Q(ended_on__isnull=True, planned_end__isnull=True)
        )
    )
    if last is not None:
        others = [o for o in others if o.start_date <= last]
    full_time = pupil.la.full_time_hours
    for day in sorted({max(start, o.start_date) for o in others} | {start}):
        total = hours + sum(
            (
                o.hours_per_week
                for o in others
                if o.start_date <= day and (o.last_day is None or o.last_day >= day)
            ),
            Decimal(0),
        )
        if total > full_time:
            return total, day
    return None


def _phase_of(pupil: Pupil, day: date) -> str:
    return "primary" if pupil.year_group(day) <= 6 else "secondary"


def capacity(provider: ProviderOrganisation, phase: str, day: date) -> tuple[int, int]:
    """(places commissioned, places taken) in a phase on a day."""
    profile = provider_profile(provider)
    places = getattr(profile, f"{phase}_places", 0) if profile else 0
    taken = 0
    for placement in (
        Placement.objects.live().covering(day).filter(provider=provider).select_related("pupil")
    ):
        taken += _phase_of(placement.pupil, day) == phase
    return places, taken


def next_review_after(pupil: Pupil, day: date) -> date:
    """The LA's interval on from `day`, moved on to a school day by the LA's calendar."""
    calendar = SchoolCalendar.for_la(pupil.la)
    due = day + timedelta(weeks=pupil.la.review_interval_weeks)
    while not calendar.is_school_day(due):
        due += timedelta(days=1)
    return due


def _weekly_cost(provider: ProviderOrganisation, sessions: list[str]) -> Decimal | None:
    profile = provider_profile(provider)
    if profile is None:
        return None
    if profile.price_per_week is not None:
        return profile.price_per_week
    if profile.price_per_session is not None:
        return profile.price_per_session * len(sessions)
    return None


@transaction.atomic
def placement_offer(
    *,
    pupil: Pupil,
    provider: ProviderOrganisation,
    by: User,
    source: str,
    tier: str,
    start_date: date,
    hours_per_week: Decimal,
    funding: str,
    planned_end: date | None = None,
    referral: Referral | None = None,
    outcomes_sought: str = "",
    first_review_date: date | None = None,
    weekly_cost: Decimal | None = None,
    dual_registered: bool = False,
    sessions: list[str] | None = None,
    capacity_override_reason: str = "",
    state: str = Placement.State.OFFERED,
) -> Placement:
    """Offer a placement (from a panel decision or by an officer), or record one a school has
    commissioned itself. The provider sees the pupil from now on."""
    pupil = Pupil.objects.select_for_update(of=("self",)).select_related("la").get(pk=pupil.pk)
    if provider.la_id not in (pupil.la_id, pupil.home_la_id):
        raise Refused("Select a provider from the local authority's list", field="provider")
    blockers = placement_blockers(provider_profile(provider))
    if blockers and source != Placement.Source.SCHOOL:
        raise Refused(
            f"{provider.name} cannot take new placements until its checks are put right: "
            + "; ".join(blockers),
            field="provider",
        )
    if hours_per_week is None or hours_per_week <= 0:
        raise Refused("Hours a week must be more than 0", field="hours_per_week")
    if hours_per_week > MAX_HOURS:
        raise Refused("Hours a week must be 40 or fewer", field="hours_per_week")
    if planned_end is not None and planned_end < start_date:
        raise Refused("The planned end must be on or after the start", field="planned_end")
    part_time = hours_per_week < pupil.la.full_time_hours
    if part_time and planned_end is None:
        raise Refused(
            f"Under {pupil.la.full_time_hours} hours a week is a part-time timetable: "
            "enter the date it ends",
            field="planned_end",
        )
    if first_review_date is not None and first_review_date <= start_date:
        raise Refused("The first review must be after the start", field="first_review_date")
    clash = _live_hours_clash(pupil, start_date, planned_end, hours_per_week)
    if clash:
        total, day = clash
        raise Refused(
            f"With the pupil's other placements this comes to {total} hours a week on "
            f"{long_date(day)}, over full time ({pupil.la.full_time_hours} hours)",
            field="hours_per_week",
        )
    if source != Placement.Source.SCHOOL:
        phase = _phase_of(pupil, start_date)
        places, taken = capacity(provider, phase, start_date)
        if taken >= places and not capacity_override_reason.strip():
            raise Refused(
                f"{provider.name} has no {phase} places free on {long_date(start_date)} "
                f"({taken} of {places} taken): give the reason to place over capacity",
                field="capacity_override_reason",
            )
    else:
        capacity_override_reason = ""
    school = referral.school if referral else current_school(pupil)
    sessions = sessions or list(ALL_SESSIONS)
    try:
        with transaction.atomic():
            placement = Placement.objects.create(
                pupil=pupil,
                provider=provider,
                school=school,
                referral=referral,
                source=source,
                tier=tier,
                start_date=start_date,
                planned_end=planned_end,
                hours_per_week=hours_per_week,
                sessions=sessions,
                part_time=part_time,
                weekly_cost=weekly_cost
                if weekly_cost is not None
                else _weekly_cost(provider, sessions),
                funding=funding,
                dual_registered=dual_registered,
                outcomes_sought=outcomes_sought.strip(),
                next_review_due=first_review_date or next_review_after(pupil, start_date),
                state=state,
                capacity_override_reason=capacity_override_reason.strip(),
                offered_by=by,
            )
    except IntegrityError as error:
        # The trigger (or a check) caught what the checks above did not: nothing is saved.
        raise Refused(
            "These placements together would be over full time", field="hours_per_week"
        ) from error
    caseload_grant(placement)
    return placement


@transaction.atomic
def placement_notify(*, pupil: Pupil, by: User, **terms) -> Placement:
    """A school tells the LA about AP it commissioned itself (schools should always tell the LA).
    It is running already: recorded as active from its start (accepted if it starts later)."""
    membership = by.membership_or_none()
    school = current_school(pupil)
    if membership is None or membership.role != Role.SCHOOL_STAFF or school is None:
        raise Refused("Only the pupil's school can tell us about AP it commissioned")
    if membership.school_id != school.pk:
        raise Refused("Only the pupil's school can tell us about AP it commissioned")
    start = terms["start_date"]
    state = Placement.State.ACTIVE if start <= timezone.localdate() else Placement.State.ACCEPTED
    return placement_offer(pupil=pupil, by=by, source=Placement.Source.SCHOOL, state=state, **terms)


def _locked(placement: Placement, version: int) -> Placement:
    return lock_current(
        Placement.objects.select_related("pupil__la", "provider"), placement.pk, version
    )


def _save(placement: Placement, *fields: str) -> Placement:
    placement.version += 1
    placement.save(update_fields=[*fields, "version"])
    return placement


@transaction.atomic
def placement_answer(
    *,
    placement: Placement,
    by: User,
    version: int,
    accept: bool,
    sessions: list[str] | None = None,
    reason: str = "",
) -> Placement:
    """The provider accepts the offer (confirming the session pattern) or declines it."""
    placement = _locked(placement, version)
    if placement.state != Placement.State.OFFERED:
        raise Refused("This placement has already been answered")
    placement.answered_by = by
    placement.answered_at = timezone.now()
    if accept:
        if not sessions:
            raise Refused("Select the sessions the pupil will attend", field="sessions")
        placement.sessions = sessions
        today = timezone.localdate()
        placement.state = (
            Placement.State.ACTIVE if placement.start_date <= today else Placement.State.ACCEPTED
        )
        return _save(placement, "state", "sessions", "answered_by", "answered_at")
    if not reason.strip():
        raise Refused("Give the reason for declining", field="reason")
    placement.state = Placement.State.DECLINED
    placement.decline_reason = reason.strip()
    _save(placement, "state", "answered_by", "answered_at", "decline_reason")
    caseload_revoke_if_done(placement)
    return placement


@transaction.atomic
def placement_end(
    *,
    placement: Placement,
    by: User,
    version: int,
    ended_on: date,
    reason: str,
    destination: str = "",
) -> Placement:
    placement = _locked(placement, version)
    if placement.state not in Placement.LIVE_STATES:
        raise Refused("This placement is not running")
    if ended_on < placement.start_date:
        raise Refused(
            f"The end cannot be before the start ({long_date(placement.start_date)})",
            field="ended_on",
        )
    if ended_on > timezone.localdate():
        raise Refused("The end date cannot be in the future", field="ended_on")
    if not reason:
        raise Refused("Select why the placement ended", field="reason")
    if reason == Placement.EndReason.YEAR_11_LEAVER and not destination:
        raise Refused("Select the pupil's post-16 destination", field="destination")
    if destination and placement.pupil.year_group(ended_on) < 11:
        raise Refused("A post-16 destination is for Year 11 leavers", field="destination")
    placement.state = Placement.State.ENDED
    placement.ended_on = ended_on
    placement.end_reason = reason
    placement.destination = destination
    placement.next_review_due = None
    try:
        with transaction.atomic():
            _save(placement, "state", "ended_on", "end_reason", "destination", "next_review_due")
    except IntegrityError as error:
        raise Refused("The end date does not fit the placement", field="ended_on") from error
    caseload_revoke_if_done(placement)
    return placement


# ---------------------------------------------------------------------------------------------
# Attendance and returns


def week_start(day: date) -> date:
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
    if sessions_possible is None or sessions_attended is None:
        sessions_possible, sessions_attended = marks_summary(placement, period_start, period_end)
        if not sessions_possible:
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
                submitted_by=by,
            )
    except IntegrityError as error:
        raise Refused(
            "A return for that period has already been sent", field="period_start"
        ) from error


# ---------------------------------------------------------------------------------------------
# Reviews and reintegration


@transaction.atomic
def review_record(
    *,
    placement: Placement,
    by: User,
    version: int,
    held_on: date,
    attendance_percent: Decimal,
    progress: str,
    pupil_voice: str,
    parent_voice: str,
    decision: str,
    new_planned_end: date | None = None,
    end_reason: str = "",
    notes: str = "",
) -> Review:
    placement = _locked(placement, version)
    if placement.state not in (Placement.State.ACTIVE, Placement.State.ACCEPTED):
        raise Refused("Reviews are held while the placement runs")
    if held_on > timezone.localdate():
        raise Refused("The review date cannot be in the future", field="held_on")
    if held_on < placement.start_date:
        raise Refused("The review cannot be before the placement began", field="held_on")
    for value, field, words in (
        (progress, "progress", "Describe the progress made"),
        (pupil_voice, "pupil_voice", "Record what the pupil said"),
        (parent_voice, "parent_voice", "Record what the parent or carer said"),
    ):
        if not value.strip():
            raise Refused(words, field=field)
    if not 0 <= attendance_percent <= 100:
        raise Refused("Attendance is a percentage from 0 to 100", field="attendance_percent")
    Decision = Review.Decision
    if decision == Decision.EXTEND:
        if new_planned_end is None:
            raise Refused("Enter the new planned end", field="new_planned_end")
        if placement.planned_end and new_planned_end <= placement.planned_end:
            raise Refused(
                f"The new planned end must be after {long_date(placement.planned_end)}",
                field="new_planned_end",
            )
        if new_planned_end <= held_on:
            raise Refused(
                "The new planned end must be after the review", field="new_planned_end"
            )
    elif decision == Decision.END and not end_reason:
        raise Refused("Select why the placement is ending", field="end_reason")
    else:
        new_planned_end = None
    next_due = None if decision == Decision.END else next_review_after(placement.pupil, held_on)
    review = Review.objects.create(
        placement=placement,
        held_on=held_on,
        attendance_percent=attendance_percent,
        progress=progress.strip(),
        pupil_voice=pupil_voice.strip(),
        parent_voice=parent_voice.strip(),
        decision=decision,
        new_planned_end=new_planned_end,
        notes=notes.strip(),
        next_review_due=next_due,
        held_by=by,
    )
    if decision == Decision.END:
        placement_end(
            placement=placement,
            by=by,
            version=placement.version,
            ended_on=held_on,
            reason=end_reason,
        )
        return review
    placement.next_review_due = next_due
    fields = ["next_review_due"]
    if new_planned_end:
        placement.planned_end = new_planned_end
        fields.append("planned_end")
    try:
        with transaction.atomic():
            _save(placement, *fields)
    except IntegrityError as error:
        raise Refused(
            "Extended, the pupil's placements would be over full time", field="new_planned_end"
        ) from error
    return review


@transaction.atomic
def reintegration_plan_record(
    *,
    placement: Placement,
    by: User,
    school: School,
    target_date: date,
    steps: list[dict],
) -> ReintegrationPlan:
    """The plan to return: the school, the target date, and steps with owners and dates."""
    placement = Placement.objects.select_for_update(of=("self",)).get(pk=placement.pk)
    if hasattr(placement, "reintegration"):
        raise Refused("This placement already has a reintegration plan")
    if placement.state not in (Placement.State.ACTIVE, Placement.State.ACCEPTED):
        raise Refused("A reintegration plan is made while the placement runs")
    if target_date < timezone.localdate():
        raise Refused("The target date cannot be in the past", field="target_date")
    if not steps:
        raise Refused("Add at least one step", field="step_1_description")
    plan = ReintegrationPlan.objects.create(
        placement=placement, school=school, target_date=target_date, created_by=by
    )
    ReintegrationStep.objects.bulk_create(ReintegrationStep(plan=plan, **step) for step in steps)
    return plan


@transaction.atomic
def reintegration_update(
    *,
    plan: ReintegrationPlan,
    by: User,
    version: int,
    status: str,
    returned_on: date | None = None,
    outcome: str = "",
) -> ReintegrationPlan:
    plan = lock_current(ReintegrationPlan.objects, plan.pk, version)
    if status == ReintegrationPlan.Status.RETURNED:
        if returned_on is None:
            raise Refused("Enter the date the pupil returned", field="returned_on")
        if returned_on > timezone.localdate():
            raise Refused("The return date cannot be in the future", field="returned_on")
    else:
        returned_on = None
    plan.status = status
    plan.returned_on = returned_on
    plan.outcome = outcome.strip()
    plan.version += 1
    plan.save(update_fields=["status", "returned_on", "outcome", "version"])
    return plan


def follow_up_due(plan: ReintegrationPlan, weeks: int) -> date | None:
    return plan.returned_on + timedelta(weeks=weeks) if plan.returned_on else None


@transaction.atomic
def follow_up_record(
    *, plan: ReintegrationPlan, by: User, weeks: int, held: bool, notes: str = ""
) -> FollowUp:
    """Whether the return held, 6 and 12 weeks after the pupil went back."""
    if plan.status != ReintegrationPlan.Status.RETURNED or plan.returned_on is None:
        raise Refused("Follow-ups are recorded once the pupil has returned to school")
    due = follow_up_due(plan, weeks)
    if due > timezone.localdate():
        raise Refused(
            f"The {weeks}-week follow-up is due on {long_date(due)}",
            field="weeks",
        )
    if plan.follow_ups.filter(weeks=weeks).exists():
        raise Refused(f"The {weeks}-week follow-up has been recorded", field="weeks")
    return FollowUp.objects.create(
        plan=plan, weeks=weeks, held=held, notes=notes.strip(), recorded_by=by
    )


# ---------------------------------------------------------------------------------------------
# Managed moves and off-site directions


@transaction.atomic
def move_record(
    *,
    pupil: Pupil,
    by: User,
    kind: str,
    start_date: date,
    to_school: School | None = None,
    to_provider: ProviderOrganisation | None = None,
    home_school_consent_on: date | None = None,
    receiving_school_consent_on: date | None = None,
    parent_consent_on: date | None = None,
    notice_given_on: date | None = None,
) -> PupilMove:
    school = current_school(pupil)
    if school is None:
        raise Refused("The pupil is not on a school's roll")
    Kind = PupilMove.Kind
    if kind == Kind.MANAGED_MOVE:
        if to_school is None:
            raise Refused("Select the school the pupil moves to", field="to_school")
        if to_school.pk == school.pk:
            raise Refused("The pupil moves to another school", field="to_school")
        for value, field, who in (
            (home_school_consent_on, "home_school_consent_on", "the home school"),
            (receiving_school_consent_on, "receiving_school_consent_on", "the receiving school"),
            (parent_consent_on, "parent_consent_on", "the parents"),
        ):
            if value is None:
                raise Refused(f"A managed move needs the consent of {who}", field=field)
            if value > start_date:
                raise Refused("Consent is given before the move starts", field=field)
        next_review = start_date + timedelta(weeks=6)
        to_provider = None
        notice_given_on = None
    else:
        if to_school is None and to_provider is None:
            raise Refused("Select where the pupil is directed to", field="to_provider")
        if notice_given_on is None:
            raise Refused("Enter when written notice was given", field="notice_given_on")
        calendar = SchoolCalendar.for_school(school)
        earliest = calendar.nth_school_day_after(notice_given_on, 2).date
        if start_date < earliest:
            raise Refused(
                "Written notice must be given at least 2 school days before: "
                f"the earliest start is {long_date(earliest)}",
                field="start_date",
            )
        next_review = start_date + timedelta(days=30)
        home_school_consent_on = receiving_school_consent_on = parent_consent_on = None
    return PupilMove.objects.create(
        kind=kind,
        pupil=pupil,
        from_school=school,
        to_school=to_school,
        to_provider=to_provider,
        start_date=start_date,
        home_school_consent_on=home_school_consent_on,
        receiving_school_consent_on=receiving_school_consent_on,
        parent_consent_on=parent_consent_on,
        notice_given_on=notice_given_on,
        next_review_due=next_review,
        recorded_by=by,
    )


@transaction.atomic
def move_review(
    *,
    move: PupilMove,
    by: User,
    version: int,
    held_on: date,
    notes: str,
    outcome: str = "",
) -> MoveReview:
    """Review a move: a managed move at 6 weeks, an off-site direction at least every 30 days.
    An outcome closes it."""
    move = lock_current(PupilMove.objects, move.pk, version)
    if move.outcome:
        raise Refused("This move has its outcome")
    if held_on > timezone.localdate() or held_on < move.start_date:
        raise Refused(
            "The review is held after the move started and not in the future", field="held_on"
        )
    if not notes.strip():
        raise Refused("Record what the review found", field="notes")
    review = MoveReview.objects.create(move=move, held_on=held_on, notes=notes.strip(), by=by)
    if outcome:
        move.outcome = outcome
        move.outcome_on = held_on
        move.next_review_due = None
    elif move.kind == PupilMove.Kind.OFF_SITE_DIRECTION:
        move.next_review_due = held_on + timedelta(days=30)
    else:
        move.next_review_due = None
    move.version += 1
    move.save(update_fields=["outcome", "outcome_on", "next_review_due", "version"])
    return review


# ---------------------------------------------------------------------------------------------
# Alerts


def alert_conditions(today: date) -> dict[str, Q]:
    """Which live placements each placement alert is about: one rule for the counts on the home
    pages and for the list filtered by an alert."""
    last_week = week_start(today) - timedelta(days=7)
    returned_last_week = ProviderReturn.objects.filter(
        placement=OuterRef("pk"),
        period_start__lte=last_week + timedelta(days=4),
        period_end__gte=last_week,
    )
    return {
        "past_end": Q(part_time=False, planned_end__lt=today),
        "part_time_past_end": Q(part_time=True, planned_end__lt=today),
        "review_overdue": Q(next_review_due__lt=today),
        "no_return": Q(state=Placement.State.ACTIVE, start_date__lte=last_week)
        & ~Exists(returned_last_week),
    }


def alerts(placements, moves=None, providers=None, today: date | None = None) -> list[dict]:
    """What needs someone's attention, from querysets already scoped to the user."""
    today = today or timezone.localdate()
    live = placements.filter(state__in=Placement.LIVE_STATES)
    last_week = week_start(today) - timedelta(days=7)
    # One query for the four placement alerts.
    counts = live.aggregate(
        **{key: Count("pk", filter=condition) for key, condition in alert_conditions(today).items()}
    )
    found = [
        {"key": "past_end", "text": "Placements past their planned end"},
        {"key": "part_time_past_end", "text": "Part-time timetables past their end date"},
        {"key": "review_overdue", "text": "Reviews overdue"},
        {"key": "no_return", "text": f"No return for the week beginning {long_date(last_week)}"},
    ]
    for item in found:
        item["count"] = counts[item["key"]]
    if moves is not None:
        found.append(
            {
                "key": "move_review_overdue",
                "text": "Managed moves and off-site directions due a review",
                "count": moves.filter(outcome="", next_review_due__lt=today).count(),
            }
        )
    if providers is not None:
        window = today + timedelta(days=LAPSING_DAYS)
        # Renewed already: a later item of the same kind outlasts the window.
        renewed = DueDiligence.objects.filter(
            profile=OuterRef("profile"), kind=OuterRef("kind"), expires_on__gt=window
        )
        lapsing = DueDiligence.objects.filter(
            profile__provider__in=providers, expires_on__gte=today, expires_on__lte=window
        ).exclude(Exists(renewed))
        found.append(
            {
                "key": "due_diligence_lapsing",
                "text": "Provider checks lapsing within 30 days",
                "count": lapsing.values("profile_id", "kind").distinct().count(),
            }
        )
    return found
