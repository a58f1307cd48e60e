"""Panel meetings: the schedule on the LA's term-time calendar, members, attendance and quorum,
declarations of interest, and starting the meeting."""

from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from approvision.records import Refused, lock_current, transition
from organisations.calendar import SchoolCalendar, school_year_of
from organisations.models import User
from panels.access import is_meetings_officer, refuse_unless_runs_meeting
from panels.models import (
    AgendaItem,
    Conflict,
    PanelMeeting,
    PanelMember,
    PanelSeries,
)


@transaction.atomic
def panel_meetings_schedule(*, series: PanelSeries, first: date, last: date) -> list[PanelMeeting]:
    """A meeting on the series' weekday in every week the LA's schools are open that day."""
    # The panel meets on INSET days: its officers are at work.
    calendar = SchoolCalendar.for_la(series.la, inset_counts=True)
    made, day = [], first + timedelta(days=(series.weekday - first.weekday()) % 7)
    while day <= last:
        if calendar.is_covered(day) and calendar.is_school_day(day):
            cutoff_day = day - timedelta(days=series.cutoff_days_before)
            meeting, created = PanelMeeting.objects.get_or_create(
                series=series,
                date=day,
                defaults={
                    "la": series.la,
                    "start_time": series.start_time,
                    "location": series.location,
                    "quorum": series.quorum,
                    "cutoff": timezone.make_aware(datetime.combine(cutoff_day, series.cutoff_time)),
                },
            )
            if created:
                made.append(meeting)
        day += timedelta(days=7)
    return made


@transaction.atomic
def meeting_start(*, meeting: PanelMeeting, by: User, early_reason: str = "") -> PanelMeeting:
    """The chair or an officer opens the live meeting once the pack has gone out, on or after
    its date; before it only an officer may, giving the reason (kept in the meeting's history)."""
    locked = lock_current(PanelMeeting.objects, meeting.pk, None)
    refuse_unless_runs_meeting(by, locked)
    if locked.status != PanelMeeting.Status.PACK_ISSUED:
        raise Refused("Issue the pack before the meeting starts")
    refuse_early(locked, by=by, reason=early_reason, doing="start the meeting")
    return transition(locked, PanelMeeting.Status.IN_PROGRESS, by=by, reason=early_reason.strip())


def refuse_early(
    meeting: PanelMeeting, *, by: User, reason: str, doing: str, officer_only: bool = True
) -> None:
    """A meeting's business waits for its date: before it, an officer (or, for the minutes, the
    chair who approves them) may go ahead only with a recorded reason (a meeting brought forward,
    minutes agreed by e-mail)."""
    if timezone.localdate() >= meeting.date:
        return
    when = f"{meeting.date:%-d %B %Y}"
    if officer_only and not is_meetings_officer(by, meeting):
        raise Refused(
            f"The meeting is on {when}: only a local authority officer can {doing} before then"
        )
    if not reason.strip():
        raise Refused(
            f"The meeting is on {when}: give the reason to {doing} before then",
            field="early_reason",
        )


@transaction.atomic
def attendance_record(*, meeting: PanelMeeting, by: User, present: set[int]) -> None:
    """Record who attended, until the minutes are approved."""
    refuse_unless_runs_meeting(by, meeting)
    if meeting.locked:
        raise Refused("The minutes are approved: attendance can no longer change")
    for member in meeting.members.all():
        attended = member.pk in present
        if member.attended != attended:
            member.attended = attended
            member.save(update_fields=["attended"])


def quorate(meeting: PanelMeeting) -> bool:
    """Quorate: at least the meeting's quorum present, the chair among them."""
    present = [m for m in meeting.members.all() if m.attended]
    return len(present) >= meeting.quorum and any(m.role == PanelMember.Role.CHAIR for m in present)


@transaction.atomic
def conflicts_declare(*, item: AgendaItem, by: User, member_ids: set[int]) -> None:
    """Members who declared an interest. A member from the school that referred the pupil always
    has one: they cannot take part in the decision."""
    refuse_unless_runs_meeting(by, item.meeting)
    school_id = item.referring_school_id
    for member in item.meeting.members.select_related("user__membership"):
        automatic = (
            school_id is not None
            and getattr(member.user.membership_or_none(), "school_id", None) == school_id
        )
        wanted = member.pk in member_ids or automatic
        existing = Conflict.objects.filter(item=item, member=member)
        if wanted and not existing.exists():
            Conflict.objects.create(
                item=item,
                member=member,
                reason="Works at the referring school" if automatic else "Declared an interest",
            )
        elif not wanted and existing.exists():
            existing.delete()


@transaction.atomic
def meeting_create(
    *, la, by: User, on: date, start_time, cutoff: datetime, location: str = "", quorum: int = 3
) -> PanelMeeting:
    """A one-off meeting (an extra panel in a busy week, or one in the holidays)."""
    if on < timezone.localdate():
        raise Refused("The meeting cannot be in the past", field="date")
    if cutoff.date() > on:
        raise Refused("The referrals cut-off must be on or before the meeting", field="cutoff")
    return PanelMeeting.objects.create(
        la=la, date=on, start_time=start_time, cutoff=cutoff, location=location, quorum=quorum
    )


def panel_schedule_term(*, la, by: User) -> list[PanelMeeting]:
    """Every series' meetings from today to the end of the school year, on the LA's term dates."""
    today = timezone.localdate()
    end = date(school_year_of(today) + 1, 8, 31)
    made = []
    for series in PanelSeries.objects.filter(la=la):
        made += panel_meetings_schedule(series=series, first=today, last=end)
    return made


def member_candidates(meeting: PanelMeeting):
    """Who may sit on the LA's panel: its officers and panel members, providers' staff (PRU heads
    on rotation) and school staff (school representatives)."""
    la_id = meeting.la_id
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(membership__la_id=la_id, membership__role__in=["la_officer", "panel_member"])
            | Q(membership__provider__la_id=la_id)
            | Q(membership__school__la_id=la_id)
        )
        .exclude(pk__in=meeting.members.values("user_id"))
        # The form labels each person with their role and organisation: fetch them here.
        .select_related(
            "membership__la", "membership__school", "membership__provider", "membership__trust"
        )
        .order_by("last_name", "first_name")
    )


@transaction.atomic
def member_add(*, meeting: PanelMeeting, by: User, user: User, role: str) -> PanelMember:
    """Add a member to the meeting (one chair at most)."""
    refuse_unless_runs_meeting(by, meeting)
    if meeting.locked:
        raise Refused("The minutes are approved: membership can no longer change")
    if not member_candidates(meeting).filter(pk=user.pk).exists():
        raise Refused("Choose someone who works with this local authority's panel", field="user")
    if role == PanelMember.Role.CHAIR and meeting.members.filter(role=role).exists():
        raise Refused("The meeting already has a chair", field="role")
    return PanelMember.objects.create(meeting=meeting, user=user, role=role)


@transaction.atomic
def member_remove(*, member: PanelMember, by: User) -> None:
    """Take a member off the meeting before it starts."""
    refuse_unless_runs_meeting(by, member.meeting)
    if member.meeting.locked:
        raise Refused("The minutes are approved: membership can no longer change")
    member.delete()
