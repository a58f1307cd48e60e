import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from approvision.celery import app
from organisations.tasks import clear_expired_sessions


def _expired_and_live_sessions():
    for expiry in (timezone.now() - timedelta(days=1), timezone.now() + timedelta(hours=1)):
        store = SessionStore()
        store["x"] = 1
        store.create()
        Session.objects.filter(session_key=store.session_key).update(expire_date=expiry)


@pytest.mark.django_db
def test_clearing_sessions_removes_only_expired_ones_and_is_safe_to_repeat():
    _expired_and_live_sessions()
    clear_expired_sessions()
    clear_expired_sessions()
    assert Session.objects.count() == 1


def test_session_clearing_is_scheduled_in_code():
    entry = settings.CELERY_BEAT_SCHEDULE["clear-expired-sessions"]
    assert entry["task"] == "organisations.tasks.clear_expired_sessions"


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_takes_the_task_from_redis():
    from celery.contrib.testing.worker import start_worker

    _expired_and_live_sessions()
    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            clear_expired_sessions.delay()
            deadline = time.monotonic() + 15
            while Session.objects.count() != 1 and time.monotonic() < deadline:
                time.sleep(0.2)
    finally:
        app.conf.task_always_eager = True
    assert Session.objects.count() == 1
