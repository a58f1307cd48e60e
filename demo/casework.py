"""The demo LA's case work: a lead officer on every referral, placement and Fair Access case
(the newly submitted referrals left for the team to allocate), notes and tasks on the named
pupils, and the week's deadline chasers; all through the services."""

from datetime import date, timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from approvision.records import lock_current
from cases.casework.chasers import deadline_chasers
from cases.casework.models import CaseNote, Task
from cases.casework.registry import WORK_KINDS
from cases.casework.services import lead_first, note_add, task_add
from cases.referrals.models import Referral
from demo.cases import named_pupils
from demo.organisations import DemoContext
from placements.commissioning.models import Placement

# (surname, days ago, kind, author, restricted, text)
NOTES = [
    (
        "Thompson",
        9,
        "phone",
        "officer",
        False,
        "Kai's mother called: he is anxious about starting somewhere new and asked whether he can "
        "visit first. Agreed to arrange a visit with the PRU before the panel.",
    ),
    (
        "Thompson",
        6,
        "phone",
        "officer",
        True,
        "Children's social care called: a child protection plan was made on Monday. The social "
        "worker asks to be invited to the panel; contact details are on the plan.",
    ),
    (
        "Thompson",
        2,
        "meeting",
        "senco",
        False,
        "Met Kai and his mother at school to go through the referral. Kai said he wants smaller "
        "classes and a key adult; his mother supports the referral.",
    ),
    (
        "Kowalski",
        12,
        "visit",
        "officer",
        False,
        "Home visit with the education welfare officer. Jade was at home; she says lessons after "
        "lunch are the hardest. Attendance plan agreed with her father.",
    ),
    (
        "Kowalski",
        4,
        "email",
        "senco",
        False,
        "Sent the educational psychologist's consent form to Jade's father; chased by phone.",
    ),
    (
        "Mensah",
        8,
        "meeting",
        "officer",
        False,
        "Strategy meeting with Castleton and the SEND team: Reece's EHC plan names a specialist "
        "setting; the annual review is brought forward.",
    ),
    (
        "Barker",
        3,
        "phone",
        "senco",
        False,
        "Tia's mother called about the third suspension; asked how the governors' meeting works. "
        "Sent her the guidance for parents.",
    ),
]

# (surname, title, owner: officer / caseworker / school / provider, due in days (<0: overdue))
TASKS = [
    ("Thompson", "Call Kai's mother after the PRU visit", "officer", 3),
    ("Thompson", "Send Kai's latest attendance and behaviour log to the LA", "school", 5),
    ("Kowalski", "Chase the educational psychologist's report", "officer", -4),
    ("Mensah", "Ask the SEND team for the date of the early annual review", "caseworker", 6),
    ("Barker", "Invite Tia's mother to the governors' meeting in writing", "school", -1),
]


def _leads(context: DemoContext) -> None:
    """Each LA's work gets a lead: 929's shared between its two officers, 938's to its one."""
    officers = {
        context.las["929"].pk: [context.users["officer"], context.users["caseworker"]],
        context.las["938"].pk: [context.users["southvale.officer"]],
    }
    for kind in WORK_KINDS.values():
        records = (
            kind.model.objects.filter(lead_officer__isnull=True)
            .exclude(pk__in=_left_for_the_team(kind.model))
            .select_related("pupil")
            .order_by("pk")
        )
        for index, record in enumerate(records):
            team = officers.get(record.pupil.la_id)
            if not team:
                continue
            lead = team[index % len(team)]
            with transaction.atomic():
                locked = lock_current(kind.model.objects.select_related("pupil"), record.pk, None)
                lead_first(record=locked, by=lead, lead=lead)


def _left_for_the_team(model):
    """Referrals just submitted (nobody has triaged them, so they wait, unallocated) and the
    schools' drafts (not yet the LA's)."""
    if model is Referral:
        return Referral.objects.filter(
            state__in=[Referral.State.DRAFT, Referral.State.SUBMITTED]
        ).values("pk")
    return model.objects.none().values("pk")


def _notes_and_tasks(context: DemoContext, today: date) -> None:
    la = context.las["929"]
    pupils = named_pupils(la)
    for surname, days, kind, author, restricted, text in NOTES:
        pupil = pupils[surname]
        if CaseNote.objects.filter(pupil=pupil, text=text).exists():
            continue
        note_add(
            pupil=pupil,
            by=context.users[author],
            kind=kind,
            happened_on=today - timedelta(days=days),
            text=text,
            restricted=restricted,
        )
    for surname, title, owner, due_in in TASKS:
        pupil = pupils[surname]
        if Task.objects.filter(pupil=pupil, title=title).exists():
            continue
        owners = {
            "officer": context.users["officer"],
            "caseworker": context.users["caseworker"],
            "school": pupil.enrolments.filter(left_on__isnull=True).first().school,
        }
        task_add(
            la=la,
            title=title,
            due_on=today + timedelta(days=due_in),
            owner=owners[owner],
            source=Task.Source.OFFICER,
            by=context.users["officer"],
            pupil=pupil,
        )
    # The PRU head's task: for the pupil placed at the PRU in the demo.
    provider = context.providers["The Harbridge Centre (secondary PRU)"]
    placement = (
        Placement.objects.filter(provider=provider, state=Placement.State.ACTIVE)
        .select_related("pupil")
        .order_by("pk")
        .first()
    )
    title = "Send the induction timetable and the key worker's name to the school"
    if placement is not None and not Task.objects.filter(title=title).exists():
        task_add(
            la=la,
            title=title,
            due_on=today + timedelta(days=4),
            owner=provider,
            source=Task.Source.OFFICER,
            by=context.users["officer"],
            pupil=placement.pupil,
        )


def load(context: DemoContext, *, var_dir: Path) -> None:
    today = timezone.localdate()
    _leads(context)
    _notes_and_tasks(context, today)
    deadline_chasers(today)
