"""The cases app's events on the timeline: the roll, exclusions and their steps, referrals and
their steps, Fair Access cases and allocations, case notes and lead officers."""

from django.db.models import Q
from django.urls import reverse

from cases.casework.models import CaseNote, LeadChange
from cases.casework.registry import Event, EventSource, register_events
from cases.casework.timeline import seen_and_hidden, steps_of, with_steps
from cases.exclusions.models import Exclusion
from cases.fair_access.models import FairAccessAllocation, FairAccessCase
from cases.notices.models import Letter
from cases.pupils.models import Enrolment
from cases.referrals.models import Referral


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
    fields = ["to_state", "happened_on"]
    rows = with_steps(
        Exclusion.objects.filter(pupil=pupil).select_related("school"),
        "events",
        fields,
        exclude=Q(events__from_state=""),
        order=["at", "pk"],
    )
    seen, hidden = seen_and_hidden(user, rows)
    events = []
    states = dict(Exclusion.State.choices)
    for exclusion in seen:
        href = reverse("cases:exclusion_detail", args=[exclusion.pk])
        kind = exclusion.get_kind_display()
        events.append(
            Event(exclusion.start_date, "exclusion", f"{kind} at {exclusion.school.name}", href)
        )
        for step in steps_of(exclusion, fields):
            text = f"{kind}: {states.get(step['to_state'], step['to_state'])}"
            events.append(Event(step["happened_on"], "exclusion", text, href))
    return events, hidden


def referrals(user, pupil):
    fields = ["to_state", "at"]
    rows = with_steps(
        Referral.objects.filter(pupil=pupil).select_related("school"),
        "events",
        fields,
        order=["at", "pk"],
    )
    seen, hidden = seen_and_hidden(user, rows)
    events = []
    states = dict(Referral.State.choices)
    for referral in seen:
        href = reverse("cases:referral_detail", args=[referral.pk])
        school = referral.school.name
        for step in steps_of(referral, fields):
            state = states.get(step["to_state"], step["to_state"])
            events.append(Event(step["at"], "referral", f"Referral from {school}: {state}", href))
    return events, hidden


def fair_access(user, pupil):
    fields = ["school__name", "allocated_on", "answer", "answered_on"]
    rows = with_steps(
        FairAccessCase.objects.filter(pupil=pupil), "allocations", fields, order=["pk"]
    )
    seen, hidden = seen_and_hidden(user, rows)
    events = []
    answers = dict(FairAccessAllocation.Answer.choices)
    for case in seen:
        href = reverse("cases:fair_access_detail", args=[case.pk])
        events.append(Event(case.referred_on, "fair_access", "Fair Access case opened", href))
        for allocation in steps_of(case, fields):
            school = allocation["school__name"]
            events.append(
                Event(
                    allocation["allocated_on"], "fair_access", f"Fair Access: {school} asked", href
                )
            )
            if allocation["answered_on"]:
                answer = answers.get(allocation["answer"], allocation["answer"]).lower()
                events.append(
                    Event(
                        allocation["answered_on"],
                        "fair_access",
                        f"Fair Access: {school} {answer}",
                        href,
                    )
                )
    return events, hidden


def notes(user, pupil):
    if not user.has_perm("cases.view_casenote"):
        return [], CaseNote.objects.filter(pupil=pupil).exists()
    href = reverse("cases:notes", args=[pupil.pk])
    seen, hidden = seen_and_hidden(
        user, CaseNote.objects.filter(pupil=pupil).select_related("author")
    )
    events = [
        Event(
            note.happened_on,
            "note",
            f"{note.get_kind_display()} note by {note.author.display_name}"
            + (" (restricted)" if note.restricted else ""),
            f"{href}#note-{note.pk}",
        )
        for note in seen
    ]
    return events, hidden


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
    seen, hidden = seen_and_hidden(
        user, Letter.objects.filter(pupil=pupil).select_related("message")
    )
    events = []
    for letter in seen:
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
    return events, hidden


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
