"""The panel's agenda: built from referrals accepted before the cut-off, new permanent
exclusions' 6th-day checks, Fair Access cases and placements due back, and items deferred; reordered
until the pack is issued."""

from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from approvision.records import Refused, lock_current, transition
from cases.casework.history import pupil_histories, triage_notes
from cases.exclusions.models import Exclusion
from cases.fair_access.models import FairAccessCase
from cases.referrals.models import EvidenceDocument, Referral
from organisations.models import User
from panels.models import (
    AgendaItem,
    Decision,
    PanelMeeting,
)
from panels.notifications import agenda_told
from panels.pdf import render_pdf
from placements.commissioning.models import Placement
from placements.reviews.models import Review


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
    agenda_told(added)
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
    """The officer adds an item of other business before the pack is issued."""
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
    """Move an item up or down the agenda until the pack is issued."""
    meeting = lock_current(PanelMeeting.objects, item.meeting_id, None)
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
    """Take an item off the agenda until the pack is issued; its business waits for the next."""
    if not item.meeting.agenda_open:
        raise Refused("The pack has been issued: the agenda can no longer change")
    item.delete()


def _with_history(items, user) -> None:
    """Give each item of the pack its pupil's history (as the officer issuing it may see it), and a
    referral its evidence list and the officer's triage note, in a fixed number of queries."""
    referral_ids = [item.referral_id for item in items if item.referral_id]
    evidence = {}
    for document in EvidenceDocument.objects.filter(referral_id__in=referral_ids).order_by("pk"):
        evidence.setdefault(document.referral_id, []).append(document)
    notes = triage_notes(referral_ids)
    pupils = {item.pupil.pk: item.pupil for item in items if item.pupil is not None}
    decided_here = {reverse("cases:referral_detail", args=[pk]) for pk in referral_ids}
    histories = pupil_histories(user, pupils.values(), leave_out=decided_here)
    for item in items:
        pupil = item.pupil
        item.history = histories[pupil.pk] if pupil is not None else []
        item.evidence = evidence.get(item.referral_id, [])
        item.triage_note = notes.get(item.referral_id, "")


@transaction.atomic
def pack_issue(*, meeting: PanelMeeting, by: User) -> PanelMeeting:
    """The pack: the agenda and a summary of each case, as a tagged PDF for members."""
    locked = lock_current(PanelMeeting.objects, meeting.pk, None)
    if not locked.agenda_open:
        raise Refused("The pack has already been issued")
    if not locked.items.exists():
        raise Refused("The agenda is empty: build it or add items first")
    items = list(locked.items.for_agenda())
    _with_history(items, by)
    html = render_to_string(
        "panels/pdf/pack.html", {"meeting": locked, "items": items, "members": locked.members.all()}
    )
    locked.pack.save(
        f"pack-{locked.pk}-{locked.date:%Y%m%d}.pdf", ContentFile(render_pdf(html)), save=False
    )
    return transition(locked, PanelMeeting.Status.PACK_ISSUED, by=by, pack_issued_at=timezone.now())
