"""Deleting pupils' records when their retention period ends (LA settings: to age 25, or 31 for a
pupil who has had special educational needs), with their history and files; never a pupil under
a legal hold. The read audit keeps only ids, and is kept."""

from datetime import date
from functools import partial

from django.db import connection, transaction
from django.db.models import FileField, Q
from psycopg2 import sql

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


# Pupils deleted together: each model's records of a batch go in one statement, so a night's
# run is a few queries a model for every few hundred pupils, not some fifty queries a pupil.
BATCH = 500


def _delete_rows(model, ids: list) -> int:
    """Delete rows by primary key in one statement, without Django's per-object signals (which
    would write a "deleted" history row for each record only to delete it again)."""
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("DELETE FROM {} WHERE {} = ANY(%s)").format(
                sql.Identifier(table), sql.Identifier(column)
            ),
            [ids],
        )
        return cursor.rowcount


def _delete_pupils(pupil_ids: list[int]) -> tuple[int, int]:
    records = files = 0
    # Furthest from the pupil first, so nothing is left pointing at a deleted record.
    for model, paths in reversed(pupil_models()):
        ids = list(
            model._base_manager.filter(records_of(model, paths, pupil_ids)).values_list(
                "pk", flat=True
            )
        )
        if not ids:
            continue
        file_fields = [f for f in model._meta.concrete_fields if isinstance(f, FileField)]
        if file_fields:
            names = [f.name for f in file_fields]
            for record in model._base_manager.filter(pk__in=ids).only("pk", *names):
                for name in names:
                    stored = getattr(record, name)
                    if stored:
                        # Once the records are gone for good: a rolled-back batch keeps its files.
                        transaction.on_commit(partial(stored.storage.delete, stored.name))
                        files += 1
        for field in model._meta.many_to_many:  # the rows linking these records to others
            through = field.remote_field.through
            through._base_manager.filter(**{f"{field.m2m_field_name()}__in": ids}).delete()
        records += _delete_rows(model, ids)
        historical = history_model(model)
        if historical is not None:
            records += historical.objects.filter(id__in=ids).delete()[0]
    return records, files


def _delete_pupil(pupil_id: int) -> tuple[int, int]:
    return _delete_pupils([pupil_id])


def retention_run(today: date) -> RetentionRun:
    """Delete every pupil past retention and not held, a batch of pupils to a transaction."""
    run = RetentionRun()
    held = set(LegalHold.objects.active().values_list("pupil_id", flat=True))
    due = list(retention_due(today).values_list("pk", flat=True))
    run.held = sum(1 for pupil_id in due if pupil_id in held)
    deleting = [pupil_id for pupil_id in due if pupil_id not in held]
    for at in range(0, len(deleting), BATCH):
        batch = deleting[at : at + BATCH]
        with transaction.atomic():
            records, files = _delete_pupils(batch)
        run.pupils_deleted += len(batch)
        run.records_deleted += records
        run.files_deleted += files
    run.save()
    return run
