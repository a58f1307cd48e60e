"""Celery for several hosts: named queues on the real broker, and one beat at a time (approvision
beat.py) however many are started."""

from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
from django.conf import settings as django_settings
from django_celery_beat.schedulers import DatabaseScheduler

from approvision.beat import BeatLock, SingleBeatScheduler
from approvision.celery import app

QUEUES = {"celery", "notifications", "reports"}


@pytest.mark.parametrize(
    ("task", "queue"),
    [
        ("reports.tasks.produce", "reports"),
        ("reports.tasks.scheduled", "reports"),
        ("organisations.tasks.import_run", "reports"),
        ("cases.tasks.message_send", "notifications"),
        ("cases.tasks.messages_retry", "notifications"),
        ("cases.tasks.summaries_send", "notifications"),
        ("cases.tasks.reminders_send", "notifications"),
        ("cases.tasks.deadlines_refresh", "celery"),
        ("cases.tasks.la_counts_compact", "celery"),
        ("reports.tasks.sweep", "celery"),
        ("rights.tasks.retention", "celery"),
    ],
)
def test_each_kind_of_work_has_its_queue(task, queue):
    assert app.amqp.router.route({}, task)["queue"].name == queue


def test_every_periodic_task_goes_to_a_queue_a_worker_takes_by_default(settings):
    declared = {queue.name for queue in app.conf.task_queues}
    assert declared == QUEUES
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert app.amqp.router.route({}, entry["task"])["queue"].name in declared


# Sent by name on purpose (send_task never runs eagerly): the test settings run tasks eagerly.
@pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored")
def test_queued_work_waits_in_its_own_queue_on_the_broker():
    """Sent through the real Redis (a database of its own, apart from the suite's workers): a
    burst of reports sits in "reports" while a message goes to "notifications"."""
    parts = urlsplit(django_settings.CELERY_BROKER_URL)
    broker = urlunsplit(parts._replace(path="/14"))
    client = redis.Redis.from_url(broker)
    client.flushdb()
    try:
        with app.connection_for_write(broker) as conn:
            for n in range(3):
                app.send_task("reports.tasks.produce", args=[n], connection=conn)
            app.send_task("cases.tasks.message_send", args=["x"], connection=conn)
            app.send_task("cases.tasks.deadlines_refresh", connection=conn)
        assert client.llen("reports") == 3
        assert client.llen("notifications") == 1
        assert client.llen("celery") == 1
    finally:
        client.flushdb()


@pytest.mark.django_db
def test_only_one_holder_of_the_beat_lock_at_a_time():
    first, second = BeatLock(), BeatLock()
    try:
        assert first.try_acquire()
        assert not second.try_acquire()
        assert first.held()
        # The first beat's process ends (its connection with it): the standby takes over.
        first.release()
        assert not first.held()
        assert second.try_acquire()
    finally:
        first.release()
        second.release()


# django-celery-beat's scheduler manages its own database connection: a real transaction.
@pytest.mark.django_db(transaction=True)
def test_a_second_beat_waits_then_takes_over_and_stops_if_it_loses_the_lock(monkeypatch):
    # What the schedule would send, stood in for: only whether this beat runs it is tested.
    monkeypatch.setattr(DatabaseScheduler, "tick", lambda self, *args, **kwargs: 1.5)
    monkeypatch.setattr(SingleBeatScheduler, "poll_seconds", 0.1)
    running, standby = BeatLock(), None
    try:
        assert running.try_acquire()
        standby = SingleBeatScheduler(app=app)
        # While another beat runs: each tick only tries the lock and sends nothing.
        assert standby.tick() == 0.1
        assert standby.tick() == 0.1
        assert not standby.running
        # The running beat stops (its connection ends): the next tick takes over.
        running.release()
        assert standby.tick() == 1.5
        assert standby.running and standby.lock.held()
        # The database drops its connection: the lock is gone, so it stops rather than risk two.
        standby.lock.connection.close()
        with pytest.raises(SystemExit):
            standby.tick()
    finally:
        running.release()
        if standby is not None:
            standby.lock.release()


@pytest.mark.django_db(transaction=True)
def test_the_scheduler_beat_makes_to_describe_itself_takes_no_lock():
    """Celery beat makes a lazy scheduler for its start-up banner, then the one that runs: the
    first must not hold the lock, or the second would wait for its own process for ever."""
    banner = SingleBeatScheduler(app=app, lazy=True)
    other = BeatLock()
    try:
        assert other.try_acquire()
    finally:
        other.release()
        banner.lock.release()
