"""Celery beat, run by one process at a time however many are started.

django-celery-beat keeps the schedule in the database; two beats would each send every periodic
task. Each beat here first takes a PostgreSQL advisory lock on a connection of its own and keeps
it for as long as it runs; a second beat (a standby on another host) waits for it, polling, and
takes over within seconds of the first one's connection ending (its process died, or its host).
Every task is safe to run twice in any case, so a lost lock costs a duplicate, never a loss.
"""

import logging

import psycopg2
from django.conf import settings
from django_celery_beat.schedulers import DatabaseScheduler

logger = logging.getLogger(__name__)

# The advisory lock's key: "appbeat" read as a number, apart from any other lock the service takes.
BEAT_LOCK = 0x6170_7062_6561_74


class BeatLock:
    """A session-level advisory lock on a connection that only this holds. It must reach
    PostgreSQL itself: a pooler in transaction mode (PgBouncer) would hand the session, and the
    lock, to whoever came next."""

    def __init__(self, key: int = BEAT_LOCK):
        self.key = key
        self.connection = None

    def _connect(self):
        database = settings.DATABASES["default"]
        self.connection = psycopg2.connect(
            dbname=database["NAME"],
            user=database.get("USER") or None,
            password=database.get("PASSWORD") or None,
            host=database.get("HOST") or None,
            port=database.get("PORT") or None,
            connect_timeout=3,
            application_name="approvision-beat-lock",
        )
        self.connection.autocommit = True

    def try_acquire(self) -> bool:
        if self.connection is None or self.connection.closed:
            self._connect()
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [self.key])
            return bool(cursor.fetchone()[0])

    def held(self) -> bool:
        """Still held: the lock's connection is alive (the lock ends with it)."""
        try:
            with self.connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            return True
        except psycopg2.Error:
            return False

    def release(self) -> None:
        """Unlock, then close: closing alone frees the lock only once the server's backend has
        exited, a moment later, so a standby asking at once could still find it taken."""
        if self.connection is not None and not self.connection.closed:
            try:
                with self.connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock_all()")
            except psycopg2.Error:
                pass  # the connection is gone: so is the lock
            self.connection.close()


class SingleBeatScheduler(DatabaseScheduler):
    """django-celery-beat's scheduler, sending nothing until this beat holds the beat lock
    (CELERY_BEAT_SCHEDULER). A standby's ticks only try the lock, every few seconds, so it stops
    on a signal like any beat; the scheduler beat makes for its start-up banner never ticks, so
    it never holds the lock."""

    poll_seconds = 5

    def __init__(self, *args, **kwargs):
        self.lock = BeatLock()
        self.running = False
        self._said_waiting = False
        super().__init__(*args, **kwargs)

    def tick(self, *args, **kwargs):
        if not self.running:
            try:
                self.running = self.lock.try_acquire()
            except psycopg2.OperationalError as error:
                logger.warning("Beat cannot reach the database for its lock: %s", error)
            if not self.running:
                if not self._said_waiting:
                    logger.info("Another beat runs the schedule: this one waits to take over")
                    self._said_waiting = True
                return self.poll_seconds
            logger.info("This beat runs the schedule")
        elif not self.lock.held():
            # The database went away and the lock with it: another beat may have taken over. Stop
            # here; the process manager starts this one again, and it waits its turn.
            raise SystemExit("The beat lock was lost: stopping so only one beat runs")
        return super().tick(*args, **kwargs)

    def close(self):
        try:
            super().close()
        finally:
            self.lock.release()
