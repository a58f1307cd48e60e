"""The messages the cases app sends: a referral's steps (to its referrer), a Fair Access school
asked to admit, reminded, directed (to the school's staff), a task given or overdue (to its owner).
None names the pupil: each says what happened and links to where the reader may see it."""

from datetime import date, timedelta

from django.db.models import Q
from django.urls import reverse

from cases.casework.models import Task
from cases.fair_access.models import FairAccessAllocation, FairAccessCase
from cases.notices.reminders import register_reminder, reminded
from cases.notices.services import notice_send
from cases.referrals.models import Referral
from organisations.calendar import long_date

# A Fair Access school is reminded this many calendar days before the 20 school days end.
FAIR_ACCESS_REMIND_DAYS = 7


def _referral_words(referral: Referral) -> str:
    return f"referral {referral.pk} from {referral.school.name}"


def _tell_referrer(referral: Referral, kind: str, subject: str, body: str, occasion="") -> None:
    notice_send(
        kind=kind,
        to=[referral.referrer],
        la=referral.pupil.la,
        subject=subject,
        body=body,
        path=reverse("cases:referral_detail", args=[referral.pk]),
        pupil=referral.pupil,
        about=referral,
        occasion=occasion,
    )


def referral_more_info(referral: Referral) -> None:
    _tell_referrer(
        referral,
        "referral_more_info",
        f"More information is needed on referral {referral.pk}",
        f"{referral.pupil.la.name} needs more information on {_referral_words(referral)} "
        "before it can go further. Sign in to read the question and answer it.",
    )


def referral_signposted(referral: Referral) -> None:
    _tell_referrer(
        referral,
        "referral_signposted",
        f"Referral {referral.pk} has been signposted elsewhere",
        f"{referral.pupil.la.name} has closed {_referral_words(referral)} and signposted the "
        "school to other support. Sign in to read where, and why.",
    )


def referral_on_agenda(referral: Referral, meeting_date: date) -> None:
    _tell_referrer(
        referral,
        "referral_accepted",
        f"Referral {referral.pk} goes to the panel on {long_date(meeting_date)}",
        f"{_referral_words(referral).capitalize()} has been accepted and is on the agenda of "
        f"the alternative provision panel meeting on {long_date(meeting_date)}. You will be "
        "told the panel's decision.",
        occasion=f"meeting {meeting_date:%Y-%m-%d}",
    )


def _case_path(case: FairAccessCase) -> str:
    return reverse("cases:fair_access_detail", args=[case.pk])


def fair_access_asked(allocation: FairAccessAllocation) -> None:
    case = allocation.case
    due = f" by {long_date(case.allocation_due)}" if case.allocation_due else ""
    notice_send(
        kind="fair_access_asked",
        to=[allocation.school],
        la=case.la,
        subject=f"Fair Access: {allocation.school.name} is asked to admit a child",
        body=(
            f"The Fair Access panel of {case.la.name} asks {allocation.school.name} to admit a "
            f"child in {case.year_label} under the In-Year Fair Access Protocol. The child should "
            f"be on roll{due}. Sign in to read the case and to accept or give your reasons."
        ),
        path=_case_path(case),
        pupil=case.pupil,
        about=case,
        occasion=f"asked {allocation.pk}",
    )


def fair_access_direction(allocation: FairAccessAllocation) -> None:
    """The LA's direction (or the Secretary of State's) to admit, or the notice before it."""
    case = allocation.case
    if allocation.directed:
        subject = f"Direction to admit: {allocation.school.name}"
        words = (
            f"{allocation.school.name} is directed to admit a child in {case.year_label}, "
            f"starting on {long_date(allocation.start_date)}."
        )
        occasion = f"directed {allocation.pk}"
    else:
        who = (
            "the Secretary of State"
            if allocation.escalation == FairAccessAllocation.Escalation.SECRETARY_OF_STATE
            else case.la.name
        )
        subject = f"Fair Access: {who} is asked to direct {allocation.school.name} to admit"
        words = (
            f"{allocation.school.name} refused to admit a child in {case.year_label}. "
            f"{case.la.name} has asked for a direction to admit from {who}. The school may "
            "give its views before the direction is decided."
        )
        occasion = f"escalated {allocation.pk}"
    notice_send(
        kind="fair_access_direction",
        to=[allocation.school],
        la=case.la,
        subject=subject,
        body=words + " Sign in to read the case.",
        path=_case_path(case),
        pupil=case.pupil,
        about=case,
        occasion=occasion,
    )


def fair_access_reminders(today: date) -> int:
    """A school still to answer is reminded a week before the 20 school days end."""
    waiting = (
        FairAccessAllocation.objects.filter(
            answer=FairAccessAllocation.Answer.PENDING,
            case__state=FairAccessCase.State.ALLOCATED,
            case__allocation_due__gte=today,
            case__allocation_due__lte=today + timedelta(days=FAIR_ACCESS_REMIND_DAYS),
        )
        .select_related("case__la", "case__pupil", "school")
        .order_by("pk")
    )
    sent = 0
    for allocation in waiting:
        case = allocation.case
        occasion = f"reminder {allocation.pk}"
        if reminded("fair_access_reminder", case, occasion):
            continue
        notice_send(
            kind="fair_access_reminder",
            to=[allocation.school],
            la=case.la,
            subject=f"Reminder: Fair Access answer due by {long_date(case.allocation_due)}",
            body=(
                f"{allocation.school.name} was asked on {long_date(allocation.allocated_on)} to "
                f"admit a child in {case.year_label}. The 20 school days for the child to be on "
                f"roll end on {long_date(case.allocation_due)}. Sign in to accept, or to give "
                "your reasons."
            ),
            path=_case_path(case),
            pupil=case.pupil,
            about=case,
            occasion=occasion,
        )
        sent += 1
    return sent


def task_assigned(task: Task) -> None:
    if task.owner_user_id is not None and task.owner_user_id == task.created_by_id:
        return  # a task a person set themselves
    notice_send(
        kind="task_assigned",
        to=[task.owner],
        la=task.la,
        subject=f"A task for you, due {long_date(task.due_on)}",
        body=(
            f"You have a new task in approvision ({task.get_source_display().lower()}), due by "
            f"{long_date(task.due_on)}. Sign in to read it."
        ),
        path=reverse("cases:task_list"),
        pupil=task.pupil,
        about=task,
    )


def tasks_overdue(today: date) -> int:
    """The owner of a task is told the day after it fell due, once."""
    late = (
        Task.objects.open()
        .filter(due_on=today - timedelta(days=1))
        .filter(~Q(source=Task.Source.MESSAGE))
        .select_related("la", "pupil", "owner_user", "owner_school", "owner_provider", "owner_la")
        .order_by("pk")
    )
    sent = 0
    for task in late:
        occasion = f"overdue {task.due_on:%Y-%m-%d}"
        if reminded("task_overdue", task, occasion):
            continue
        notice_send(
            kind="task_overdue",
            to=[task.owner],
            la=task.la,
            subject=f"A task was due on {long_date(task.due_on)}",
            body=(
                f"A task of yours in approvision was due on {long_date(task.due_on)} and is not "
                "marked done. Sign in to do it, or mark it done."
            ),
            path=reverse("cases:task_list"),
            pupil=task.pupil,
            about=task,
            occasion=occasion,
        )
        sent += 1
    return sent


def register() -> None:
    register_reminder("fair_access_reminders", fair_access_reminders)
    register_reminder("tasks_overdue", tasks_overdue)
