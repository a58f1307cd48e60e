"""A pupil's history where decisions about them are made: SEN status and need, exclusions,
previous referrals and placements (each app registers its part: cases.casework.registry)."""

from dataclasses import dataclass, field

from django.urls import reverse

from cases.casework.registry import HISTORY_SECTIONS, Event, HistorySection, register_history
from cases.exclusions.models import Exclusion
from cases.referrals.models import Referral, ReferralEvent


@dataclass
class Part:
    label: str
    empty: str
    rows: list = field(default_factory=list)


def pupil_histories(user, pupils, *, leave_out=()) -> dict[int, list[Part]]:
    """Each pupil's history as the user may see it: {pupil id: [Part]}, newest first in each
    part; `leave_out` holds the addresses of the records being decided (not their history)."""
    ids = [pupil.pk for pupil in pupils]
    found = {pk: [] for pk in ids}
    for section in HISTORY_SECTIONS.values():
        rows = section.rows(user, ids)
        for pk in ids:
            events = [e for e in rows.get(pk, ()) if e.href not in leave_out]
            events.sort(key=lambda e: e.sort_key, reverse=True)
            found[pk].append(Part(section.label, section.empty, events))
    return found


def _exclusions(user, pupil_ids):
    rows = {}
    mine = Exclusion.objects.visible_to(user).filter(pupil_id__in=pupil_ids)
    for exclusion in mine.select_related("school"):
        reasons = "; ".join(exclusion.reason_labels)
        days = exclusion.days
        plural = "" if days == 1 else "s"
        length = "" if days is None else f", {days:g} school day{plural}"
        text = (
            f"{exclusion.get_kind_display()} from {exclusion.school.name}{length}: {reasons} "
            f"({exclusion.get_state_display().lower()})"
        )
        href = reverse("cases:exclusion_detail", args=[exclusion.pk])
        rows.setdefault(exclusion.pupil_id, []).append(Event(exclusion.start_date, "", text, href))
    return rows


def _referrals(user, pupil_ids):
    rows = {}
    mine = (
        Referral.objects.visible_to(user)
        .filter(pupil_id__in=pupil_ids)
        .exclude(state=Referral.State.DRAFT)
        .select_related("school")
    )
    for referral in mine:
        text = f"From {referral.school.name}: {referral.get_state_display().lower()}"
        if referral.outcome:
            text += f" ({referral.outcome})"
        href = reverse("cases:referral_detail", args=[referral.pk])
        rows.setdefault(referral.pupil_id, []).append(
            Event(referral.submitted_at or referral.created_at, "", text, href)
        )
    return rows


def triage_notes(referral_ids) -> dict[int, str]:
    """What the officer wrote on accepting each referral to the panel (the latest, if more)."""
    notes = {}
    accepted = ReferralEvent.objects.filter(
        referral_id__in=referral_ids, to_state=Referral.State.ACCEPTED
    ).order_by("at", "pk")
    for event in accepted:
        notes[event.referral_id] = event.message
    return notes


def register() -> None:
    register_history(
        HistorySection("exclusions", "Exclusions", _exclusions, "No exclusions recorded")
    )
    register_history(HistorySection("referrals", "Referrals", _referrals, "No other referrals"))
