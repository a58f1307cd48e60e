"""Deleting pupils' records when their retention period ends (LA settings: to age 25, or 31 for a
pupil who has had special educational needs), with their history and files; never a pupil under
a legal hold. The read audit keeps only ids, and is kept."""

from datetime import date

from django.db import transaction
from django.db.models import FileField, Q

from cases.pupils.models import Pupil
from organisations.models import LocalAuthority
from rights.models import LegalHold, RetentionRun
from rights.records import history_model, pupil_models, records_of


def _years_ago(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def retention_due(today: date):
    """Pupils past their retention period on `today` (before legal holds)."""
    had_sen = Pupil.history.model.objects.exclude(sen_status=Pupil.SenStatus.NONE).values("id")
    due = Q()
    for la in LocalAuthority.objects.all():
        plain_born_by = _years_ago(today, la.retain_pupil_records_to_age)
        sen_born_by = _years_ago(today, la.retain_sen_records_to_age)
        sen = ~Q(sen_status=Pupil.SenStatus.NONE) | Q(pk__in=had_sen)
        due |= Q(la=la) & (
            (Q(date_of_birth__lte=sen_born_by) & sen) | (Q(date_of_birth__lte=plain_born_by) & ~sen)
        )
    if not due:
        return Pupil.objects.none()
    return Pupil.objects.filter(due)


def _delete_pupil(pupil_id: int) -> tuple[int, int]:
    records = files = 0
    # Furthest from the pupil first, so nothing is left pointing at a deleted record.
    for model, paths in reversed(pupil_models()):
        rows = model._base_manager.filter(records_of(model, paths, [pupil_id]))
        ids = list(rows.values_list("pk", flat=True))
        if not ids:
            continue
        file_fields = [f for f in model._meta.concrete_fields if isinstance(f, FileField)]
        for record in model._base_manager.filter(pk__in=ids) if file_fields else []:
            for field in file_fields:
                stored = getattr(record, field.name)
                if stored:
                    stored.delete(save=False)
                    files += 1
        records += model._base_manager.filter(pk__in=ids).delete()[0]
        # After the delete, which itself writes a last "deleted" history row.
        historical = history_model(model)
        if historical is not None:
            records += historical.objects.filter(id__in=ids).delete()[0]
    return records, files


def retention_run(today: date) -> RetentionRun:
    run = RetentionRun()
    held = set(LegalHold.objects.active().values_list("pupil_id", flat=True))
    for pupil_id in retention_due(today).values_list("pk", flat=True).iterator():
        if pupil_id in held:
            run.held += 1
            continue
        with transaction.atomic():
            records, files = _delete_pupil(pupil_id)
        run.pupils_deleted += 1
        run.records_deleted += records
        run.files_deleted += files
    run.save()
    return run
