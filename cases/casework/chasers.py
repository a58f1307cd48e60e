"""Deadline chasers: a few days before a statutory deadline falls, whoever's duty it is gets a
task to make sure it is met (one per deadline, however often this runs); a chaser whose deadline
has been met is cancelled."""

from datetime import date, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from approvision.records import lock_current, transition
from cases.casework.models import Task
from cases.casework.registry import WORK_KINDS
from cases.casework.services import task_add
from cases.exclusions.models import Deadline
from organisations.calendar import long_date

# Calendar days before a deadline its chaser is made.
CHASE_DAYS = 7
# A deadline already past when first seen is chased only if it passed this recently.
LOOK_BACK_DAYS = 14

# Whose duty each deadline is: the school's (its board's) or the LA's. A parent's (the last day
# to ask for an independent review) is theirs to keep: no chaser.
DUTY = {
    Deadline.Kind.LA_PROVISION: "la",
    Deadline.Kind.REVIEW_PANEL: "la",
    Deadline.Kind.SCHOOL_PROVISION: "school",
    Deadline.Kind.BOARD_REVIEW: "school",
    Deadline.Kind.BOARD_BEFORE_EXAM: "school",
    Deadline.Kind.BOARD_REPRESENTATIONS: "school",
    Deadline.Kind.RECONSIDERATION: "school",
}


def _leads(pupil_ids) -> dict[int, object]:
    """The lead officer of each pupil's open work (any kind registered), where there is one."""
    leads = {}
    for kind in WORK_KINDS.values():
        open_work = (
            kind.model.objects.filter(kind.open, pupil_id__in=pupil_ids, lead_officer__isnull=False)
            .select_related("lead_officer")
            .order_by("pk")
        )
        for record in open_work:
            leads.setdefault(record.pupil_id, record.lead_officer)
    return leads


def deadline_chasers(today: date) -> dict[str, int]:
    """Make the chasers due by today; cancel those whose deadline has been met."""
    kind = ContentType.objects.get_for_model(Deadline)
    due = list(
        Deadline.objects.filter(
            met_on__isnull=True,
            kind__in=list(DUTY),
            due_on__gte=today - timedelta(days=LOOK_BACK_DAYS),
            due_on__lte=today + timedelta(days=CHASE_DAYS),
        )
        .exclude(
            pk__in=Task.objects.filter(source=Task.Source.DEADLINE, about_type=kind).values(
                "about_id"
            )
        )
        .select_related("exclusion__pupil", "school", "la")
        .order_by("due_on", "pk")
    )
    leads = _leads({deadline.exclusion.pupil_id for deadline in due})
    made = 0
    for deadline in due:
        pupil = deadline.exclusion.pupil
        if DUTY[deadline.kind] == "school":
            owner = deadline.school
        else:
            owner = leads.get(pupil.pk) or deadline.la
        task_add(
            la=deadline.la,
            title=(
                f"{deadline.get_kind_display()}: {pupil.name}, due {long_date(deadline.due_on)}"
            ),
            due_on=deadline.due_on,
            owner=owner,
            source=Task.Source.DEADLINE,
            pupil=pupil,
            about=deadline,
        )
        made += 1
    chasing = dict(
        Task.objects.open()
        .filter(source=Task.Source.DEADLINE, about_type=kind)
        .values_list("about_id", "pk")
    )
    met = Deadline.objects.filter(pk__in=list(chasing), met_on__isnull=False)
    cancelled = 0
    for deadline_id in met.values_list("pk", flat=True):
        with transaction.atomic():
            task = lock_current(Task.objects, chasing[deadline_id], None)
            transition(task, Task.State.CANCELLED, by=None, reason="The deadline was met")
        cancelled += 1
    return {"made": made, "cancelled": cancelled}
