"""The read-audit log's monthly partitions (audit/migrations/0010): made ahead of time, and old
months archived whole to a compressed file, then dropped, never deleted row by row."""

import gzip
import logging
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from psycopg2 import sql

logger = logging.getLogger(__name__)

PARTITION = re.compile(r"audit_pupilread_y(\d{4})m(\d{2})")


def _month(day: date, ahead: int = 0) -> date:
    index = day.year * 12 + day.month - 1 + ahead
    return date(index // 12, index % 12 + 1, 1)


def partitions() -> list[tuple[str, date]]:
    """Every month's partition, oldest first (the DEFAULT one is not a month)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = 'audit_pupilread'::regclass"
        )
        names = [row[0] for row in cursor.fetchall()]
    found = []
    for name in names:
        match = PARTITION.fullmatch(name)
        if match:
            found.append((name, date(int(match[1]), int(match[2]), 1)))
    return sorted(found, key=lambda item: item[1])


def audit_partitions_ensure(*, today: date | None = None, ahead: int = 3) -> list[str]:
    """This month's partition and the next `ahead` months' (UTC months), made if missing. A month
    whose rows already went to the DEFAULT partition (a clock far off) is left there, and said."""
    today = today or timezone.now().date()
    made = []
    existing = {name for name, _ in partitions()}
    for step in range(ahead + 1):
        month = _month(today, step)
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT audit_pupilread_month(%s)", [month])
                name = cursor.fetchone()[0]
        except DatabaseError:
            logger.warning("Audit partition for %s not made: rows for it are in the default", month)
            continue
        if name not in existing:
            made.append(name)
    return made


@dataclass
class Archived:
    partition: str
    rows: int
    path: Path


def audit_archive(*, before: date, directory: Path) -> list[Archived]:
    """Every month before `before` (and not within settings.AUDIT_KEEP_MONTHS of today) written
    to `directory` as a gzipped CSV with a header, then detached and dropped, one month at a
    time. Refused whole if `before` is within the months kept."""
    keep_from = _month(timezone.now().date(), -settings.AUDIT_KEEP_MONTHS)
    if before > keep_from:
        raise ValueError(
            f"The read-audit log is kept for {settings.AUDIT_KEEP_MONTHS} months: archive months "
            f"before {keep_from:%B %Y} at the latest."
        )
    directory.mkdir(parents=True, exist_ok=True)
    done = []
    for name, month in partitions():
        if month >= before:
            continue
        path = directory / f"{name}.csv.gz"
        table = sql.Identifier(name)
        copy = sql.SQL(
            "COPY (SELECT * FROM {} ORDER BY at, id) TO STDOUT WITH (FORMAT csv, HEADER true)"
        ).format(table)
        with transaction.atomic(), connection.cursor() as cursor:
            # No one writes to the month while it is copied, detached and dropped.
            cursor.execute(sql.SQL("LOCK TABLE {} IN EXCLUSIVE MODE").format(table))
            cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(table))
            rows = cursor.fetchone()[0]
            with gzip.open(path, "wb") as out:
                cursor.copy_expert(copy.as_string(cursor.connection), out)
            cursor.execute(sql.SQL("ALTER TABLE audit_pupilread DETACH PARTITION {}").format(table))
            cursor.execute(sql.SQL("DROP TABLE {}").format(table))
        logger.info("Archived %s: %s rows to %s", name, rows, path)
        done.append(Archived(name, rows, path))
    return done
