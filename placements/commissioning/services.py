"""Placements: the offer (from the panel, an officer or a school's own commissioning), the
provider's answer, the end; the provider's sight of the pupil while it lasts; capacity and the
pupil's hours within full time. Arranging alternative provision (DfE, February 2025); Education Act
1996 s19; domain.md section 4. Every move goes through Placement.MOVES."""

from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from approvision.records import Refused, lock_current, transition
from cases.casework.services import lead_first
from cases.pupils.models import Pupil
from cases.pupils.services import current_school
from cases.referrals.models import Referral
from organisations.calendar import SchoolCalendar, long_date
from organisations.models import ProviderOrganisation, User
from organisations.roles import Role
from placements import notices
from placements.access import is_placements_provider, may_end_placement
from placements.commissioning.models import ALL_SESSIONS, Placement, PlacementReason
from providers.services import placement_blockers, provider_profile

MAX_HOURS = Decimal("40")


def caseload_group(provider: ProviderOrganisation) -> Group:
    """The provider's caseload group, whose object permissions let its staff see placed pupils."""
    return Group.objects.get_or_create(name=provider.caseload_group_name)[0]


def caseload_grant(placement: Placement) -> None:
    """Let the provider's staff see the pupil from the offer (django-guardian object permission)."""
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
    """Take the provider's sight of the pupil back once no placement with it is live and the LA's
    grace period after the last one has passed; True if it was taken back."""
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
    # A bulk move the table allows (accepted to active): it keeps each placement's version, so a
    # form opened the day before is not refused as stale by a change nobody made.
    activated = Placement.objects.filter(
        state=Placement.State.ACCEPTED, start_date__lte=today
    ).update(state=Placement.State.ACTIVE)
    revoked = 0
    done = Placement.objects.filter(access_revoked=False).exclude(state__in=Placement.LIVE_STATES)
    for placement in done.select_related("pupil__la", "provider"):
        with transaction.atomic():
            revoked += caseload_revoke_if_done(placement, today)
    return {"activated": activated, "revoked": revoked}


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
    reason: str = "",
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
    if reason and reason not in PlacementReason.values:
        raise Refused("Select the primary reason for the placement", field="reason")
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
                reason=reason,
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
    lead_first(record=placement, by=by, lead=referral.lead_officer if referral else None)
    notices.placement_offered(placement)
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


def placement_locked(placement: Placement, version: int) -> Placement:
    """The placement locked for a change, refusing a stale copy."""
    return lock_current(
        Placement.objects.select_related("pupil__la", "provider"), placement.pk, version
    )


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
    placement = placement_locked(placement, version)
    if not is_placements_provider(by, placement):
        raise Refused("Only the provider the placement is offered to can answer it")
    if placement.state != Placement.State.OFFERED:
        raise Refused("This placement has already been answered")
    answered = {"answered_by": by, "answered_at": timezone.now()}
    if accept:
        if not sessions:
            raise Refused("Select the sessions the pupil will attend", field="sessions")
        today = timezone.localdate()
        to = Placement.State.ACTIVE if placement.start_date <= today else Placement.State.ACCEPTED
        accepted = transition(placement, to, by=by, sessions=sessions, **answered)
        notices.placement_accepted(accepted)
        return accepted
    if not reason.strip():
        raise Refused("Give the reason for declining", field="reason")
    transition(
        placement,
        Placement.State.DECLINED,
        by=by,
        reason=reason,
        decline_reason=reason.strip(),
        **answered,
    )
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
    """End a live placement on a past date with its reason; a Year 11 leaver needs their post-16
    destination. The provider keeps sight of the pupil for the LA's grace period."""
    placement = placement_locked(placement, version)
    if not may_end_placement(by, placement):
        raise Refused("Only the local authority's officers or the provider can end a placement")
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
    try:
        with transaction.atomic():
            transition(
                placement,
                Placement.State.ENDED,
                by=by,
                reason=dict(Placement.EndReason.choices).get(reason, reason),
                ended_on=ended_on,
                end_reason=reason,
                destination=destination,
                next_review_due=None,
            )
    except IntegrityError as error:
        raise Refused("The end date does not fit the placement", field="ended_on") from error
    caseload_revoke_if_done(placement)
    return placement
