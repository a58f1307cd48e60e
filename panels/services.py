"""Running the panel: schedule, agenda, pack, the live meeting, decisions and minutes."""

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.template.loader import render_to_string
from django.utils import timezone

from approvision.records import Refused, lock_current, transition
from cases.exclusions.models import Exclusion
from cases.fair_access.models import FairAccessCase
from cases.referrals.models import Referral
from cases.referrals.services import referral_move
from organisations.calendar import SchoolCalendar
from organisations.models import User
from panels.models import (
    Action,
    AgendaItem,
    Conflict,
    Decision,
    MinutesAmendment,
    MinutesVersion,
    PanelMeeting,
    PanelMember,
    PanelSeries,
)
from panels.notifications import decision_notify_queue
from panels.pdf import render_pdf
from placements.commissioning.models import Placement
from placements.commissioning.services import placement_offer
from placements.reviews.models import Review


@transaction.atomic
def panel_meetings_schedule(*, series: PanelSeries, first: date, last: date) -> list[PanelMeeting]:
    """A meeting on the series' weekday in every week the LA's schools are open that day."""
    calendar = SchoolCalendar.for_la(series.la)
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


def _on_an_agenda(field: str):
    return Exists(
        AgendaItem.objects.filter(**{field: OuterRef("pk")}).exclude(
            decision__outcome=Decision.Outcome.DEFER
        )
    )


@transaction.atomic
def agenda_build(*, meeting: PanelMeeting) -> list[AgendaItem]:
    """Add what is due to the agenda: referrals accepted before the cut-off, every new permanent
    exclusion's 6th-day check, and items deferred from earlier panels (Staffordshire APP practice:
    every PEX is discussed and its 6th-day provision confirmed). Safe to run again."""
    if not meeting.agenda_open:
        raise Refused("The pack has been issued: the agenda can no longer change")
    position = (meeting.items.aggregate(m=Max("position"))["m"] or 0) + 1
    added = []

    def add(**fields):
        nonlocal position
        added.append(AgendaItem.objects.create(meeting=meeting, position=position, **fields))
        position += 1

    deferred = (
        AgendaItem.objects.filter(
            meeting__la=meeting.la,
            meeting__date__lt=meeting.date,
            decision__outcome=Decision.Outcome.DEFER,
        )
        .exclude(referral__isnull=True, exclusion__isnull=True)
        .select_related("referral__pupil", "exclusion__pupil")
    )
    for item in deferred:
        later = AgendaItem.objects.filter(meeting__date__gt=item.meeting.date).filter(
            referral=item.referral, exclusion=item.exclusion
        )
        if not later.exists():
            add(
                kind=AgendaItem.Kind.DEFERRED,
                referral=item.referral,
                exclusion=item.exclusion,
                title=f"Deferred: {item.title.removeprefix('Deferred: ')}",
            )
    referrals = (
        Referral.objects.filter(
            pupil__la=meeting.la, state=Referral.State.ACCEPTED, accepted_at__lte=meeting.cutoff
        )
        .exclude(_on_an_agenda("referral"))
        .select_related("pupil", "school")
        .order_by("accepted_at")
    )
    for referral in referrals:
        add(
            kind=AgendaItem.Kind.REFERRAL,
            referral=referral,
            title=f"Referral: {referral.pupil.name}, {referral.school.name}",
        )
    exclusions = (
        Exclusion.objects.filter(
            pupil__la=meeting.la,
            kind=Exclusion.Kind.PERMANENT,
            recorded_at__lte=meeting.cutoff,
            start_date__gte=meeting.date - timedelta(days=42),
        )
        .exclude(state=Exclusion.State.CANCELLED)
        .exclude(_on_an_agenda("exclusion"))
        .select_related("pupil", "school")
        .order_by("start_date")
    )
    for exclusion in exclusions:
        add(
            kind=AgendaItem.Kind.PEX_CHECK,
            exclusion=exclusion,
            title=f"6th-day provision: {exclusion.pupil.name}, {exclusion.school.name}",
        )
    for case in _fair_access_for_panel(meeting):
        add(
            kind=AgendaItem.Kind.FAIR_ACCESS,
            fair_access=case,
            title=f"Fair Access ({case.year_label}): {case.pupil.name}",
        )
    for placement, why in _placements_for_panel(meeting):
        add(
            kind=AgendaItem.Kind.PLACEMENT_REVIEW,
            placement=placement,
            title=f"{why}: {placement.pupil.name} at {placement.provider.name}",
        )
    return added


def _fair_access_for_panel(meeting: PanelMeeting) -> list[FairAccessCase]:
    """Fair Access cases waiting for the panel: to agree to consider, or to allocate a school
    (again, after a refusal), unless a panel since their last step has them already."""
    cutoff = timezone.localtime(meeting.cutoff).date()
    waiting = (
        FairAccessCase.objects.filter(
            la=meeting.la,
            state__in=[
                FairAccessCase.State.REFERRED,
                FairAccessCase.State.AGREED,
                FairAccessCase.State.REFUSED,
            ],
            referred_on__lte=cutoff,
        )
        .select_related("pupil")
        .prefetch_related("allocations", "agenda_items__meeting")
        .order_by("allocation_due", "referred_on", "pk")
    )
    found = []
    today = timezone.localdate()
    for case in waiting:
        steps = [case.referred_on, case.agreed_on] + [a.answered_on for a in case.allocations.all()]
        since = max(d for d in steps if d is not None)
        # Covered by an item still to be discussed, or discussed after the case's last step.
        covered = any(
            (item.status == AgendaItem.Status.PENDING and item.meeting.date >= today)
            or (item.status == AgendaItem.Status.DECIDED and item.meeting.date > since)
            for item in case.agenda_items.all()
        )
        if not covered:
            found.append(case)
    return found


def _placements_for_panel(meeting: PanelMeeting) -> list[tuple[Placement, str]]:
    """Running placements whose review was overdue at the cut-off, or whose last review
    escalated them to the panel, unless a panel since then has them on its agenda already."""
    cutoff = timezone.localtime(meeting.cutoff).date()
    latest_review = Review.objects.filter(placement=OuterRef("pk")).order_by("-held_on", "-pk")
    candidates = (
        Placement.objects.filter(pupil__la=meeting.la, state__in=Placement.LIVE_STATES)
        .annotate(
            last_decision=latest_review.values("decision")[:1],
            last_held=latest_review.values("held_on")[:1],
        )
        .filter(Q(next_review_due__lt=cutoff) | Q(last_decision=Review.Decision.ESCALATE))
        .select_related("pupil", "provider")
        .order_by("next_review_due", "pk")
    )
    found = []
    for placement in candidates:
        escalated = placement.last_decision == Review.Decision.ESCALATE
        since = placement.last_held if escalated else placement.next_review_due
        already = AgendaItem.objects.filter(placement=placement, meeting__date__gte=since).exclude(
            decision__outcome=Decision.Outcome.DEFER
        )
        if not already.exists():
            found.append((placement, "Escalated by review" if escalated else "Review overdue"))
    return found


@transaction.atomic
def agenda_item_add(*, meeting: PanelMeeting, title: str) -> AgendaItem:
    if not meeting.agenda_open:
        raise Refused("The pack has been issued: the agenda can no longer change")
    if not title.strip():
        raise Refused("Enter what the item is about", field="title")
    position = (meeting.items.aggregate(m=Max("position"))["m"] or 0) + 1
    return AgendaItem.objects.create(
        meeting=meeting, kind=AgendaItem.Kind.OTHER, title=title.strip(), position=position
    )


@transaction.atomic
def agenda_item_move(*, item: AgendaItem, up: bool) -> None:
    meeting = PanelMeeting.objects.select_for_update().get(pk=item.meeting_id)
    if not meeting.agenda_open:
        raise Refused("The pack has been issued: the agenda can no longer change")
    items = list(meeting.items.order_by("position", "pk"))
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    swap = index - 1 if up else index + 1
    if 0 <= swap < len(items):
        items[index], items[swap] = items[swap], items[index]
    for position, each in enumerate(items, start=1):
        if each.position != position:
            each.position = position
            each.save(update_fields=["position"])


@transaction.atomic
def agenda_item_remove(*, item: AgendaItem) -> None:
    if not item.meeting.agenda_open:
        raise Refused("The pack has been issued: the agenda can no longer change")
    item.delete()


@transaction.atomic
def pack_issue(*, meeting: PanelMeeting, by: User) -> PanelMeeting:
    """The pack: the agenda and a summary of each case, as a tagged PDF for members."""
    locked = PanelMeeting.objects.select_for_update().get(pk=meeting.pk)
    if not locked.agenda_open:
        raise Refused("The pack has already been issued")
    if not locked.items.exists():
        raise Refused("The agenda is empty: build it or add items first")
    items = list(locked.items.for_agenda())
    html = render_to_string(
        "panels/pdf/pack.html", {"meeting": locked, "items": items, "members": locked.members.all()}
    )
    locked.pack.save(
        f"pack-{locked.pk}-{locked.date:%Y%m%d}.pdf", ContentFile(render_pdf(html)), save=False
    )
    return transition(locked, PanelMeeting.Status.PACK_ISSUED, by=by, pack_issued_at=timezone.now())


def _chair_or_officer(meeting: PanelMeeting, user: User) -> None:
    membership = user.membership_or_none()
    is_officer = (
        membership is not None
        and membership.role == "la_officer"
        and membership.la_id == meeting.la_id
    )
    is_chair = meeting.members.filter(user=user, role=PanelMember.Role.CHAIR).exists()
    if not (is_officer or is_chair):
        raise Refused(
            "Only the chair or the local authority's officers record the panel's business"
        )


@transaction.atomic
def meeting_start(*, meeting: PanelMeeting, by: User) -> PanelMeeting:
    locked = PanelMeeting.objects.select_for_update().get(pk=meeting.pk)
    _chair_or_officer(locked, by)
    if locked.status != PanelMeeting.Status.PACK_ISSUED:
        raise Refused("Issue the pack before the meeting starts")
    return transition(locked, PanelMeeting.Status.IN_PROGRESS, by=by)


@transaction.atomic
def attendance_record(*, meeting: PanelMeeting, by: User, present: set[int]) -> None:
    _chair_or_officer(meeting, by)
    if meeting.locked:
        raise Refused("The minutes are approved: attendance can no longer change")
    for member in meeting.members.all():
        attended = member.pk in present
        if member.attended != attended:
            member.attended = attended
            member.save(update_fields=["attended"])


def quorate(meeting: PanelMeeting) -> bool:
    present = [m for m in meeting.members.all() if m.attended]
    return len(present) >= meeting.quorum and any(m.role == PanelMember.Role.CHAIR for m in present)


@transaction.atomic
def conflicts_declare(*, item: AgendaItem, by: User, member_ids: set[int]) -> None:
    """Members who declared an interest. A member from the school that referred the pupil always
    has one: they cannot take part in the decision."""
    _chair_or_officer(item.meeting, by)
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
def decision_record(
    *,
    item: AgendaItem,
    by: User,
    version: int,
    outcome: str,
    reason: str,
    provider=None,
    tier: str = "",
    start_date: date | None = None,
    hours_per_week: Decimal | None = None,
    outcomes_sought: str = "",
    first_review_date: date | None = None,
    planned_end: date | None = None,
    capacity_override_reason: str = "",
) -> Decision:
    """Record the panel's decision on an item; the referrer and any provider are told. An approved
    placement is offered to the provider at once (placements.services checks its due diligence,
    capacity and the pupil's hours)."""
    locked = lock_current(
        AgendaItem.objects.select_related(
            "meeting", "referral__referrer", "referral__pupil", "exclusion"
        ),
        item.pk,
        version,
    )
    meeting = locked.meeting
    _chair_or_officer(meeting, by)
    if not meeting.deciding:
        raise Refused("Decisions are recorded while the meeting runs")
    if locked.status == AgendaItem.Status.DECIDED:
        raise Refused("This item has been decided")
    if not reason.strip():
        raise Refused("Give the reason for the decision", field="reason")
    Outcome = Decision.Outcome
    if outcome == Outcome.APPROVE:
        if locked.referral is None:
            raise Refused("Only a referral can be approved for a placement", field="outcome")
        missing = [
            (provider, "provider", "Select the provider"),
            (tier, "tier", "Select the tier of the placement"),
            (start_date, "start_date", "Enter the start date"),
            (hours_per_week, "hours_per_week", "Enter the hours a week"),
            (first_review_date, "first_review_date", "Enter the first review date"),
        ]
        for value, field, message in missing:
            if not value:
                raise Refused(message, field=field)
        if start_date < timezone.localdate():
            raise Refused("The start date cannot be in the past", field="start_date")
        if first_review_date <= start_date:
            raise Refused("The first review must be after the start", field="first_review_date")
    decision = Decision.objects.create(
        item=locked,
        outcome=outcome,
        reason=reason.strip(),
        provider=provider if outcome == Outcome.APPROVE else None,
        tier=tier if outcome == Outcome.APPROVE else "",
        start_date=start_date if outcome == Outcome.APPROVE else None,
        hours_per_week=hours_per_week if outcome == Outcome.APPROVE else None,
        outcomes_sought=outcomes_sought if outcome == Outcome.APPROVE else "",
        first_review_date=first_review_date if outcome == Outcome.APPROVE else None,
        planned_end=planned_end if outcome == Outcome.APPROVE else None,
        capacity_override_reason=capacity_override_reason if outcome == Outcome.APPROVE else "",
        decided_by=by,
    )
    if outcome == Outcome.APPROVE:
        decision.placement = placement_offer(
            pupil=locked.referral.pupil,
            provider=provider,
            by=by,
            source=Placement.Source.PANEL,
            tier=tier,
            start_date=start_date,
            planned_end=planned_end,
            hours_per_week=hours_per_week,
            funding=Placement.Funding.HIGH_NEEDS,
            referral=locked.referral,
            outcomes_sought=outcomes_sought,
            first_review_date=first_review_date,
            capacity_override_reason=capacity_override_reason,
        )
        decision.save(update_fields=["placement"])
    transition(locked, AgendaItem.Status.DECIDED, by=by, reason=decision.get_outcome_display())
    referral = locked.referral
    if referral is not None and outcome != Outcome.DEFER:
        referral = Referral.objects.select_for_update().get(pk=referral.pk)
        referral.outcome = _outcome_words(decision)
        to = Referral.State.MORE_INFO if outcome == Outcome.MORE_INFO else Referral.State.DECIDED
        referral_move(referral, to, by=by, message=referral.outcome)
    decision_notify_queue(decision)
    return decision


def _outcome_words(decision: Decision) -> str:
    if decision.outcome == Decision.Outcome.APPROVE:
        return (
            f"Placement approved with {decision.provider} ({decision.get_tier_display().lower()}), "
            f"from {decision.start_date:%-d %B %Y}, {decision.hours_per_week} hours a week; first "
            f"review by {decision.first_review_date:%-d %B %Y}. {decision.reason}"
        )
    return f"{decision.get_outcome_display()}: {decision.reason}"


@transaction.atomic
def action_add(
    *,
    meeting: PanelMeeting,
    by: User,
    description: str,
    owner: User,
    due_on: date,
    item: AgendaItem | None = None,
) -> Action:
    _chair_or_officer(meeting, by)
    if meeting.locked:
        raise Refused("The minutes are approved: add a later amendment instead")
    if not description.strip():
        raise Refused("Say what is to be done", field="description")
    if due_on < meeting.date:
        raise Refused("The due date cannot be before the meeting", field="due_on")
    return Action.objects.create(
        meeting=meeting, item=item, description=description.strip(), owner=owner, due_on=due_on
    )


def minutes_context(meeting: PanelMeeting) -> dict:
    return {
        "meeting": meeting,
        "members": meeting.members.select_related("user"),
        "items": meeting.items.for_agenda(),
        "actions": meeting.actions.select_related("owner", "item"),
        "quorate": quorate(meeting),
    }


@transaction.atomic
def minutes_approve(*, meeting: PanelMeeting, by: User) -> MinutesVersion:
    """The chair approves the minutes: they are stored as a PDF and lock the meeting."""
    locked = PanelMeeting.objects.select_for_update().get(pk=meeting.pk)
    if not locked.members.filter(user=by, role=PanelMember.Role.CHAIR).exists():
        raise Refused("Only the chair approves the minutes")
    if locked.locked:
        raise Refused("The minutes are already approved: record a correction as an amendment")
    if locked.items.filter(status=AgendaItem.Status.PENDING).exists():
        raise Refused("Every item needs a decision before the minutes are approved")
    html = render_to_string("panels/pdf/minutes.html", minutes_context(locked))
    number = locked.minutes.count() + 1
    version = MinutesVersion(meeting=locked, number=number, html=html, approved_by=by)
    version.pdf.save(
        f"minutes-{locked.pk}-v{number}.pdf", ContentFile(render_pdf(html)), save=False
    )
    version.save()
    transition(locked, PanelMeeting.Status.MINUTES_APPROVED, by=by)
    return version


@transaction.atomic
def minutes_amend(*, meeting: PanelMeeting, by: User, text: str) -> MinutesAmendment:
    _chair_or_officer(meeting, by)
    if not meeting.locked:
        raise Refused("Change the minutes directly until they are approved")
    if not text.strip():
        raise Refused("Enter the correction", field="text")
    return MinutesAmendment.objects.create(meeting=meeting, text=text.strip(), by=by)


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
    end = date(today.year + (1 if today.month >= 9 else 0), 8, 31)
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
    _chair_or_officer(meeting, by)
    if meeting.locked:
        raise Refused("The minutes are approved: membership can no longer change")
    if not member_candidates(meeting).filter(pk=user.pk).exists():
        raise Refused("Choose someone who works with this local authority's panel", field="user")
    if role == PanelMember.Role.CHAIR and meeting.members.filter(role=role).exists():
        raise Refused("The meeting already has a chair", field="role")
    return PanelMember.objects.create(meeting=meeting, user=user, role=role)


@transaction.atomic
def member_remove(*, member: PanelMember, by: User) -> None:
    _chair_or_officer(member.meeting, by)
    if member.meeting.locked:
        raise Refused("The minutes are approved: membership can no longer change")
    member.delete()
