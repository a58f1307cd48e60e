"""Long imports off the request: a CSV file uploaded, checked and imported by a Celery worker,
with its progress on the page and its result kept.

Every import is one `ImportJob`: the upload stores the file (named by a random token) and queues
the check; the worker claims the job (a heartbeat proves it alive), runs the kind's check row by
row, writing how far it has got, and keeps the result (the problems by row, or what would
change). The person who uploaded it reads the result and confirms; the worker then imports the
file all-or-nothing and deletes it. A worker killed mid-run leaves a stale heartbeat and the
sweeper queues the job again: a check changes nothing, and an import is one transaction that
leaves nothing behind when it dies, and changes nothing the second time when it had finished.

Each app registers what it imports (`import_kind_register`); organisations does not import them.
"""

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from approvision.records import Refused, transition
from approvision.tasks import queue, worker_name
from organisations.csv_import import ImportResult
from organisations.models import ImportJob, LocalAuthority, User

logger = logging.getLogger("approvision.imports")

# What a job keeps of its result for the page: the first problems and changes, and how many.
KEPT = 500


@dataclass(frozen=True)
class ImportKind:
    """One kind of import: what it is called, who may run it, and its check and apply, each
    `(*, job, files, progress) -> ImportResult` with `files` the stored files by name ("" the main
    one) and `progress(done, total)` to be called as rows are read."""

    name: str
    title: str
    start_url: str  # the upload page (a URL name)
    done_url: str  # where to go once imported
    done_label: str
    permissions: tuple[str, ...]
    check: Callable[..., ImportResult]
    apply: Callable[..., ImportResult]
    extras: tuple[str, ...] = ()  # optional further files, by form field
    max_bytes: int = 15 * 1024 * 1024
    max_rows: int = 20000
    # False: a file with no problems is imported straight after its check (term dates).
    confirm: bool = True
    summary: Callable[[ImportResult], str] | None = None
    button: str = "Check the file"


KINDS: dict[str, ImportKind] = {}


def written_after_check(check: Callable[..., ImportResult], write: Callable[..., None]):
    """An import's apply for a kind whose check plans the writes: check the file again (the
    records may have changed since the person saw the check) and write what it planned, if it
    found no problem. `write(*, job, checked)` runs in its own transaction."""

    def apply(*, job, files, progress) -> ImportResult:
        checked = check(job=job, files=files, progress=progress)
        if checked.ok:
            write(job=job, checked=checked)
        return checked

    return apply


def import_kind_register(kind: ImportKind) -> ImportKind:
    KINDS[kind.name] = kind
    return kind


def stale_after() -> timedelta:
    return timedelta(seconds=getattr(settings, "IMPORT_STALE_SECONDS", 300))


def _file_names(job: ImportJob, extras) -> dict[str, str]:
    return {"": f"imports/{job.token}.csv", **{n: f"imports/{job.token}-{n}.csv" for n in extras}}


def import_job_start(
    *, kind: str, by: User, la: LocalAuthority, file_name: str, files: dict[str, bytes]
) -> ImportJob:
    """Keep the uploaded files and queue their check. `files` maps "" to the main file and each
    optional further file's name to its bytes (empty when not given)."""
    if kind not in KINDS:
        raise Refused("There is no such import")
    token = secrets.token_hex(16)
    with transaction.atomic():
        job = ImportJob.objects.create(
            kind=kind,
            la=la,
            requested_by=by,
            requested_at=timezone.now(),
            file_name=file_name[:200],
            token=token,
        )
        for key, name in _file_names(job, KINDS[kind].extras).items():
            default_storage.save(name, ContentFile(files.get(key, b"")))
        transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def import_job_apply(*, job: ImportJob, by: User) -> ImportJob:
    """The person confirms a checked file: queue its import."""
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if locked.requested_by_id != by.pk:
            raise Refused("Only the person who uploaded the file can import it")
        if locked.status != ImportJob.Status.CHECKED or not _changes(locked.result):
            raise Refused("This file cannot be imported now: check it again")
        job = transition(
            locked, ImportJob.Status.APPLYING, by=by, rows_done=0, heartbeat_at=None, claimed_by=""
        )
        transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _changes(result: dict) -> bool:
    return bool(result.get("ok") and (result.get("added") or result.get("changed")))


def _enqueue(job_id: int) -> None:
    """With Redis down the job stays as it is; the sweeper sends it once Redis is back."""
    queue("organisations.tasks.import_run", job_id)


def _claim(job_id: int) -> ImportJob | None:
    now = timezone.now()
    with transaction.atomic():
        job = ImportJob.objects.select_for_update(skip_locked=True).filter(pk=job_id).first()
        if job is None or not job.running:
            return None
        if job.claimed_by and job.heartbeat_at and now - job.heartbeat_at < stale_after():
            return None  # another worker is on it
        return transition(
            job,
            job.status,
            by=None,
            reason="claimed by a worker",
            claimed_by=worker_name(),
            heartbeat_at=now,
            attempts=job.attempts + 1,
            rows_done=0,
        )


class Progress:
    """How far a run has got, written at most every second over a connection of its own: the
    run itself is inside one transaction, which no one else can see into until it ends."""

    def __init__(self, job: ImportJob):
        self.job = job
        self.connection = connections.create_connection(DEFAULT_DB_ALIAS)
        self.written_at = 0.0
        self.total = 0

    def __call__(self, done: int, total: int) -> None:
        self.total = total
        now = timezone.now().timestamp()
        if now - self.written_at < 1 and done not in (0, total):
            return
        self.written_at = now
        with self.connection.cursor() as cursor:
            cursor.execute(
                "UPDATE organisations_importjob SET rows_done = %s, rows_total = %s, "
                "heartbeat_at = %s WHERE id = %s AND claimed_by = %s",
                [min(done, total), total, timezone.now(), self.job.pk, self.job.claimed_by],
            )

    def close(self) -> None:
        self.connection.close()


def result_kept(result: ImportResult, *, summary: str = "") -> dict[str, Any]:
    """What a job keeps of a check or an import for its page."""

    def first(values) -> list:
        return [list(v) if isinstance(v, tuple) else v for v in list(values)[:KEPT]]

    changes = getattr(result, "changes", [])
    new = getattr(result, "new", [])
    return {
        "ok": result.ok,
        "errors": first(result.errors),
        "error_count": len(result.errors),
        "added": result.added,
        "changed": result.changed,
        "unchanged": result.unchanged,
        "skipped": result.skipped,
        "not_held": dict(getattr(result, "not_held", {})),
        "new": first(new),
        "new_count": len(new),
        "changes": [[key, name, [list(f) for f in fields]] for key, name, fields in first(changes)],
        "summary": summary,
    }


def _allowed(job: ImportJob, kind: ImportKind) -> bool:
    """Whoever uploaded the file must still be allowed to import for its LA when it runs."""
    user = job.requested_by
    membership = user.membership_or_none()
    return (
        user.is_active
        and membership is not None
        and job.la_id in membership.la_ids()
        and user.has_perms(kind.permissions)
    )


def _read(job: ImportJob, kind: ImportKind) -> dict[str, bytes] | None:
    contents = {}
    try:
        for key, name in _file_names(job, kind.extras).items():
            with default_storage.open(name, "rb") as stored:
                contents[key] = stored.read()
    except FileNotFoundError:
        return None
    return contents


def _delete_files(job: ImportJob, kind: ImportKind | None) -> None:
    for name in _file_names(job, kind.extras if kind else ()).values():
        default_storage.delete(name)


def _finish(job: ImportJob, to: str, **changes) -> bool:
    """Move the job on only if this worker still holds it (not taken over after a stall)."""
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if locked.claimed_by != job.claimed_by or not locked.running:
            return False
        transition(locked, to, by=None, heartbeat_at=timezone.now(), **changes)
    return True


def import_job_run(*, job_id: int) -> str:
    """Check or import one job's file, once: see the module's docstring."""
    job = _claim(job_id)
    if job is None:
        return "nothing to do"
    kind = KINDS.get(job.kind)
    failed = ImportJob.Status.FAILED
    if kind is None or not _allowed(job, kind):
        _finish(job, failed, error="You may no longer import this file", finished_at=timezone.now())
        _delete_files(job, kind)
        return "refused"
    files = _read(job, kind)
    if files is None:
        _finish(
            job,
            failed,
            error="The file is no longer held: upload it again",
            finished_at=timezone.now(),
        )
        return "no file"
    progress = Progress(job)
    checking = job.status == ImportJob.Status.CHECKING
    try:
        step = kind.check if checking else kind.apply
        result = step(job=job, files=files, progress=progress)
        if checking and result.ok and not kind.confirm and (result.added or result.changed):
            checking = False
            result = kind.apply(job=job, files=files, progress=progress)
    except Exception:
        logger.exception("Import %s failed", job.pk)
        _finish(
            job,
            failed,
            error="Something went wrong while reading the file. Nothing was imported.",
            finished_at=timezone.now(),
        )
        _delete_files(job, kind)
        return "failed"
    finally:
        progress.close()
    kept = result_kept(result, summary=kind.summary(result) if kind.summary else "")
    # A check waits for the person to confirm; an import that found the records changed since
    # its check (problems now) is shown again as a check, with nothing kept.
    to = ImportJob.Status.DONE if not checking and result.ok else ImportJob.Status.CHECKED
    rows = progress.total
    _finish(job, to, result=kept, finished_at=timezone.now(), rows_done=rows, rows_total=rows)
    if to == ImportJob.Status.DONE or not _changes(kept):
        _delete_files(job, kind)
    return to


def import_jobs_sweep() -> int:
    """Every minute under beat: queue again a job whose worker died (stale heartbeat) or that
    never reached one; and let a check no one confirmed expire after a day, deleting its file."""
    now = timezone.now()
    stale = ImportJob.objects.filter(
        status__in=[ImportJob.Status.CHECKING, ImportJob.Status.APPLYING],
        requested_at__lt=now - timedelta(seconds=30),
    ).exclude(heartbeat_at__gte=now - stale_after())
    count = 0
    for job_id in stale.values_list("pk", flat=True):
        _enqueue(job_id)
        count += 1
    for job in ImportJob.objects.filter(
        status=ImportJob.Status.CHECKED, finished_at__lt=now - timedelta(days=1)
    ):
        with transaction.atomic():
            transition(job, ImportJob.Status.EXPIRED, by=None, reason="not confirmed in a day")
        _delete_files(job, KINDS.get(job.kind))
    return count
