"""The read-audit log partitioned by month (issue 25): rows land in their month's partition;
every partition, made at migration or later, carries the append-only trigger; a search over
recent months reads only their partitions; partitions are made ahead; old months are archived
whole to a file and dropped."""

import csv
import gzip
from datetime import UTC, date, datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from audit.models import PupilRead
from audit.partitions import audit_partitions_ensure, partitions
from audit.tasks import partitions_ensure

pytestmark = pytest.mark.django_db


def _read(at: datetime, pupil_id: int = 7) -> PupilRead:
    return PupilRead.objects.create(
        at=at, username="someone", pupil_ids=[pupil_id], action="list", path="/pupils/"
    )


def _partition_of(read: PupilRead) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tableoid::regclass::text FROM audit_pupilread WHERE id = %s", [read.pk]
        )
        return cursor.fetchone()[0]


def test_the_log_is_partitioned_by_month_with_months_made_ahead(today):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT partstrat FROM pg_partitioned_table "
            "WHERE partrelid = 'audit_pupilread'::regclass"
        )
        assert cursor.fetchone() == ("r",)  # by range (of `at`)
    # The daily task on the fixture's today (11 January 2027): January to April 2027.
    audit_partitions_ensure()
    months = {month for _, month in partitions()}
    assert {date(2027, 1, 1), date(2027, 2, 1), date(2027, 3, 1), date(2027, 4, 1)} <= months


def test_a_read_lands_in_its_months_partition_and_one_far_off_in_the_default():
    audit_partitions_ensure(today=date(2031, 5, 3), ahead=0)
    may = _read(datetime(2031, 5, 31, 23, 59, tzinfo=UTC))
    june = _read(datetime(1999, 6, 1, tzinfo=UTC))
    assert _partition_of(may) == "audit_pupilread_y2031m05"
    assert _partition_of(june) == "audit_pupilread_default"
    # Django reads them back as one table.
    assert set(PupilRead.objects.filter(pupil_ids__contains=[7])) == {may, june}


def test_every_partition_refuses_changes_and_deletions():
    audit_partitions_ensure(today=date(2032, 2, 1), ahead=1)  # made after the migration
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, count(t.oid) FROM pg_inherits i "
            "JOIN pg_class c ON c.oid = i.inhrelid "
            "LEFT JOIN pg_trigger t ON t.tgrelid = c.oid AND t.tgname = 'audit_pupilread_final' "
            "WHERE i.inhparent = 'audit_pupilread'::regclass GROUP BY c.relname"
        )
        triggers = dict(cursor.fetchall())
    assert "audit_pupilread_y2032m03" in triggers and "audit_pupilread_default" in triggers
    assert set(triggers.values()) == {1}
    read = _read(datetime(2032, 3, 9, tzinfo=UTC))
    for change in (
        lambda: PupilRead.objects.filter(pk=read.pk).update(username="someone else"),
        lambda: PupilRead.objects.filter(pk=read.pk).delete(),
    ):
        with (
            pytest.raises(DatabaseError, match="audit rows cannot be changed or deleted"),
            transaction.atomic(),
        ):
            change()


def test_a_search_over_recent_months_reads_only_their_partitions():
    audit_partitions_ensure(today=date(2030, 1, 1), ahead=2)
    since = datetime(2030, 3, 1, tzinfo=UTC)
    plan = PupilRead.objects.filter(at__gte=since, user_id=5).explain()
    assert "audit_pupilread_y2030m03" in plan
    assert "audit_pupilread_y2030m01" not in plan and "audit_pupilread_y2030m02" not in plan


def test_old_months_are_archived_whole_to_a_file_and_dropped(tmp_path, settings, today):
    settings.AUDIT_KEEP_MONTHS = 24
    audit_partitions_ensure(today=date(2020, 1, 1), ahead=1)
    january = [_read(datetime(2020, 1, day, 9, tzinfo=UTC), pupil_id=day) for day in (3, 4)]
    february = _read(datetime(2020, 2, 10, tzinfo=UTC), pupil_id=40)
    call_command("audit_archive", "--before", "2020-02", "--to", str(tmp_path))
    names = {name for name, _ in partitions()}
    assert "audit_pupilread_y2020m01" not in names and "audit_pupilread_y2020m02" in names
    # January's two rows are in the file, with the header, oldest first; February's stay.
    with gzip.open(tmp_path / "audit_pupilread_y2020m01.csv.gz", "rt") as archive:
        rows = list(csv.DictReader(archive))
    assert [int(row["id"]) for row in rows] == [read.pk for read in january]
    assert rows[0]["pupil_ids"] == "{3}" and rows[0]["path"] == "/pupils/"
    assert list(PupilRead.objects.filter(at__year=2020)) == [february]


def test_months_still_kept_are_not_archived(tmp_path, settings, today):
    settings.AUDIT_KEEP_MONTHS = 24
    # On 11 January 2027 the months from January 2025 are kept: February 2025 is too late.
    with pytest.raises(CommandError, match="archive months before January 2025 at the latest"):
        call_command("audit_archive", "--before", "2025-02", "--to", str(tmp_path))
    with pytest.raises(CommandError, match="as a year and month"):
        call_command("audit_archive", "--before", "last spring", "--to", str(tmp_path))


def test_the_daily_task_makes_nothing_twice(settings, today):
    from approvision.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["audit-partitions"]
    assert entry["task"] in app.tasks
    partitions_ensure()
    # Run again the same day: every month it keeps ahead is there already.
    assert partitions_ensure() == []
