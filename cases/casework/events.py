"""The cases app's events on the timeline: the roll, exclusions and their steps, referrals and
their steps, Fair Access cases and allocations, case notes and lead officers."""

from django.urls import reverse

from cases.casework.models import CaseNote, LeadChange
from cases.casework.registry import Event, EventSource, register_events
from cases.casework.timeline import hidden_from
from cases.exclusions.models import Exclusion, ExclusionEvent
from cases.fair_access.models import FairAccessAllocation, FairAccessCase
from cases.notices.models import Letter
from cases.pupils.models import Enrolment
from cases.referrals.models import Referral, ReferralEvent


def roll(user, pupil):
    events = []
    for enrolment in Enrolment.objects.filter(pupil=pupil).select_related("school"):
        events.append(Event(enrolment.joined_on, "roll", f"Joined {enrolment.school.name}"))
        if enrolment.left_on:
            reason = enrolment.get_leaving_reason_display()
            events.append(
                Event(enrolment.left_on, "roll", f"Left {enrolment.school.name}: {reason}")
            )
    return events, False


def exclusions(user, pupil):
    mine = Exclusion.objects.visible_to(user).filter(pupil=pupil)
    events = []
    for exclusion in mine.select_related("school"):
        href = reverse("cases:exclusion_detail", args=[exclusion.pk])
        kind = exclusion.get_kind_display()
        events.append(
            Event(exclusion.start_date, "exclusion", f"{kind} at {exclusion.school.name}", href)
        )
    steps = ExclusionEvent.objects.filter(exclusion__in=mine).select_related("exclusion")
    for step in steps.exclude(from_state=""):
        href = reverse("cases:exclusion_detail", args=[step.exclusion_id])
        text = f"{step.exclusion.get_kind_display()}: {step.get_to_state_display()}"
        events.append(Event(step.happened_on, "exclusion", text, href))
    return events, hidden_from(user, Exclusion.objects.filter(pupil=pupil))


def referrals(user, pupil):
    mine = Referral.objects.visible_to(user).filter(pupil=pupil)
    events = []
    steps = ReferralEvent.objects.filter(referral__in=mine).select_related("referral__school")
    for step in steps:
        href = reverse("cases:referral_detail", args=[step.referral_id])
        school = step.referral.school.name
        events.append(
            Event(
                step.at, "referral", f"Referral from {school}: {step.get_to_state_display()}", href
            )
        )
    return events, hidden_from(user, Referral.objects.filter(pupil=pupil))


def fair_access(user, pupil):
    mine = FairAccessCase.objects.visible_to(user).filter(pupil=pupil)
    events = []
    for case in mine:
        href = reverse("cases:fair_access_detail", args=[case.pk])
        events.append(Event(case.referred_on, "fair_access", "Fair Access case opened", href))
    allocations = FairAccessAllocation.objects.filter(case__in=mine).select_related("school")
    for allocation in allocations:
        href = reverse("cases:fair_access_detail", args=[allocation.case_id])
        school = allocation.school.name
        events.append(
            Event(allocation.allocated_on, "fair_access", f"Fair Access: {school} asked", href)
        )
        if allocation.answered_on:
            answer = allocation.get_answer_display().lower()
            events.append(
                Event(
                    allocation.answered_on, "fair_access", f"Fair Access: {school} {answer}", href
                )
            )
    return events, hidden_from(user, FairAccessCase.objects.filter(pupil=pupil))


def notes(user, pupil):
    if not user.has_perm("cases.view_casenote"):
        return [], CaseNote.objects.filter(pupil=pupil).exists()
    href = reverse("cases:notes", args=[pupil.pk])
    events = [
        Event(
            note.happened_on,
            "note",
            f"{note.get_kind_display()} note by {note.author.display_name}"
            + (" (restricted)" if note.restricted else ""),
            f"{href}#note-{note.pk}",
        )
        for note in CaseNote.objects.visible_to(user).filter(pupil=pupil).select_related("author")
    ]
    return events, hidden_from(user, CaseNote.objects.filter(pupil=pupil))


def leads(user, pupil):
    if not user.has_perm("cases.view_leadchange"):
        return [], False
    events = []
    for change in LeadChange.objects.filter(pupil=pupil).select_related(
        "to_officer", "content_type"
    ):
        who = change.to_officer.display_name if change.to_officer else "nobody"
        what = change.content_type.model_class()._meta.verbose_name
        events.append(Event(change.at, "lead", f"Lead officer for the {what}: {who}"))
    return events, False


def letters(user, pupil):
    """Letters to the parents (the LA's): each with its PDF; and how a posted one fared."""
    mine = Letter.objects.visible_to(user).filter(pupil=pupil).select_related("message")
    events = []
    for letter in mine:
        href = reverse("cases:letter_pdf", args=[letter.pk])
        how = (
            letter.message.get_status_display().lower()
            if letter.message_id
            else letter.get_sent_by_display().lower()
        )
        events.append(
            Event(
                letter.created_at,
                "letter",
                f"Letter to {letter.recipient}: {letter.heading} ({how})",
                href,
            )
        )
    return events, hidden_from(user, Letter.objects.filter(pupil=pupil))


def register() -> None:
    for key, label, events in [
        ("roll", "School roll", roll),
        ("exclusion", "Exclusions", exclusions),
        ("referral", "Referrals", referrals),
        ("fair_access", "Fair Access", fair_access),
        ("note", "Case notes", notes),
        ("lead", "Lead officers", leads),
        ("letter", "Letters to parents", letters),
    ]:
        register_events(EventSource(key, label, events))
