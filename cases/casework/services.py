"""Case work: allocating and handing over a piece of work, case notes, and tasks."""

from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from approvision.records import Refused, lock_current, save_versioned, transition
from cases.casework.access import is_la_officer, la_of, may_complete_task, may_restrict_notes
from cases.casework.models import CaseNote, LeadChange, Task
from cases.notices import events as notices
from organisations.models import LocalAuthority, ProviderOrganisation, School, User

NOTE_FIELDS = ("kind", "happened_on", "text", "restricted")


@transaction.atomic
def lead_assign(*, record, to: User | None, by: User, reason: str = "") -> LeadChange:
    """Allocate a referral, placement or Fair Access case to an officer, or hand it over (then
    the reason is required: a caseworker's handover is part of the case's record). `to=None`
    puts the work back in the team's unallocated list, with a reason."""
    locked = lock_current(type(record).objects.select_related("pupil"), record.pk, None)
    la_id = la_of(locked)
    if not is_la_officer(by, la_id):
        raise Refused("Only the local authority's officers allocate its work")
    if to is not None and not is_la_officer(to, la_id):
        raise Refused("Choose one of the local authority's officers", field="to")
    if locked.lead_officer_id == (to.pk if to else None):
        raise Refused(
            f"{to.display_name} already leads this" if to else "This is not allocated",
            field="to",
        )
    reason = reason.strip()
    if locked.lead_officer_id is not None and not reason:
        raise Refused("Give the reason for the handover", field="reason")
    change = _lead_set(locked, to, by=by, reason=reason)
    record.lead_officer = to
    return change


def _lead_set(locked, to, *, by, reason: str = "") -> LeadChange:
    change = LeadChange.objects.create(
        content_type=ContentType.objects.get_for_model(type(locked)),
        object_id=locked.pk,
        pupil_id=locked.pupil_id,
        from_officer_id=locked.lead_officer_id,
        to_officer=to,
        reason=reason,
        by=by,
    )
    locked.lead_officer = to
    words = f"Lead: {to.display_name}" if to else "Lead: unallocated"
    if hasattr(locked, "version"):
        save_versioned(locked, "lead_officer", by=by, reason=words)
    else:
        locked.save(update_fields=["lead_officer"])
    return change


def lead_first(*, record, by: User, lead: User | None = None) -> None:
    """New or untouched work gets its lead: `lead` (a placement the panel made takes its
    referral's), else the officer who acts on it (triages a referral, opens a case). Called on
    a record the caller has locked or just made."""
    if record.lead_officer_id is not None:
        return
    la_id = la_of(record)
    to = lead if lead is not None and is_la_officer(lead, la_id) else None
    if to is None and is_la_officer(by, la_id):
        to = by
    if to is not None:
        _lead_set(record, to, by=by)


@transaction.atomic
def note_add(
    *, pupil, by: User, kind: str, happened_on: date, text: str, restricted: bool = False
) -> CaseNote:
    """A note on the pupil's case file. Only LA staff write a restricted (safeguarding) note."""
    _check_note(pupil=pupil, by=by, happened_on=happened_on, text=text, restricted=restricted)
    return CaseNote.objects.create(
        pupil=pupil,
        kind=kind,
        happened_on=happened_on,
        text=text.strip(),
        restricted=restricted,
        author=by,
    )


@transaction.atomic
def note_edit(*, note: CaseNote, by: User, version: int | None, **changes) -> CaseNote:
    """Correct a note: its author only; the earlier wording stays in the note's history."""
    locked = lock_current(CaseNote.objects.select_related("pupil"), note.pk, version)
    if locked.author_id != by.pk:
        raise Refused("Only the note's author can correct it: add a new note instead")
    values = {name: changes.get(name, getattr(locked, name)) for name in NOTE_FIELDS}
    _check_note(pupil=locked.pupil, by=by, **values)
    for name, value in values.items():
        setattr(locked, name, value.strip() if name == "text" else value)
    return save_versioned(locked, *NOTE_FIELDS, by=by, reason="Note corrected")


def _check_note(*, pupil, by, happened_on, text, restricted, kind=None) -> None:
    errors = {}
    if not text.strip():
        errors["text"] = "Enter the note"
    if happened_on > timezone.localdate():
        errors["happened_on"] = "The date cannot be in the future"
    elif happened_on < pupil.date_of_birth:
        errors["happened_on"] = "The date cannot be before the pupil was born"
    if restricted and not may_restrict_notes(by):
        errors["restricted"] = "Only the local authority's staff can restrict a note"
    if errors:
        raise Refused.all_of(errors)


def task_owner_fields(owner) -> dict:
    """The task's owner, a person or an organisation, as the task's columns."""
    if isinstance(owner, User):
        return {"owner_user": owner}
    if isinstance(owner, School):
        return {"owner_school": owner}
    if isinstance(owner, ProviderOrganisation):
        return {"owner_provider": owner}
    if isinstance(owner, LocalAuthority):
        return {"owner_la": owner}
    raise Refused("Choose who will do it", field="owner")


@transaction.atomic
def task_add(
    *,
    la,
    title: str,
    due_on: date,
    owner,
    source: str,
    by: User | None = None,
    pupil=None,
    about=None,
) -> Task:
    """Give a person, a school or a provider something to do by a date."""
    errors = {}
    if not title.strip():
        errors["title"] = "Say what is to be done"
    if owner is None:
        errors["owner"] = "Choose who will do it"
    if errors:
        raise Refused.all_of(errors)
    task = Task.objects.create(
        la=la,
        title=title.strip(),
        due_on=due_on,
        source=source,
        created_by=by,
        pupil=pupil,
        about_type=ContentType.objects.get_for_model(type(about)) if about is not None else None,
        about_id=about.pk if about is not None else None,
        **task_owner_fields(owner),
    )
    notices.task_assigned(task)
    return task


@transaction.atomic
def task_done(*, task: Task, by: User) -> Task:
    """Mark a task done: who and when are recorded."""
    locked = lock_current(Task.objects, task.pk, None)
    if not may_complete_task(by, locked):
        raise Refused("Only the task's owner or the local authority's officers can mark it done")
    if locked.state == Task.State.DONE:
        raise Refused("This task is already done")
    return transition(locked, Task.State.DONE, by=by, done_by=by, done_at=timezone.now())


@transaction.atomic
def task_finish(*, task: Task, by: User) -> Task:
    """A task done because what it asks for was recorded (a follow-up, say) by someone allowed
    to record it, whoever owns the task."""
    locked = lock_current(Task.objects, task.pk, None)
    if locked.state != Task.State.OPEN:
        return locked
    return transition(locked, Task.State.DONE, by=by, done_by=by, done_at=timezone.now())
