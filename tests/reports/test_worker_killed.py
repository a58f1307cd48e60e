"""A Celery worker killed mid-report: the report is still produced, and only once.

A real worker process runs the task against the test database and Redis; it is slowed down
(APPROVISION_REPORT_STEP_DELAY) so it can be killed (SIGKILL, no clean shutdown) while the report
is being produced. The sweeper gives the report to a second worker, which produces it.
"""

import os
import signal
import subprocess
import sys
import time
from datetime import date

import pytest
from celery import current_app
from django.core.management import call_command
from django.db import connection

from organisations.models import LocalAuthority, User
from reports.models import Report
from reports.services import report_request, sweep

pytestmark = [pytest.mark.django_db(transaction=True)]


def _worker(env, name):
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "approvision",
            "worker",
            "--pool",
            "solo",
            "--hostname",
            f"{name}@%h",
            "--without-mingle",
            "--without-gossip",
            "--loglevel",
            "warning",
        ],
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait(predicate, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def test_a_worker_killed_mid_report_does_not_lose_it(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "var" / "media"
    call_command("load_demo", "--scale", "0.05", "--quiet-accounts")
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "DJANGO_SETTINGS_MODULE": "approvision.settings.test",
        "APPROVISION_VAR_DIR": str(tmp_path / "var"),
        "APPROVISION_REPORT_STALE_SECONDS": "2",
    }
    # In this test, tasks go through Redis to the real workers.
    eager = current_app.conf.task_always_eager
    current_app.conf.task_always_eager = False
    slow = _worker({**env, "APPROVISION_REPORT_STEP_DELAY": "4"}, "slow")
    steady = None
    try:
        report, _ = report_request(
            kind="board",
            la=LocalAuthority.objects.get(code="929"),
            key="drill:worker-killed",
            by=User.objects.get(username="director"),
            period_start=date(2026, 9, 1),
            period_end=date(2026, 12, 31),
            title="Board report (drill)",
        )
        _wait(
            lambda: Report.objects.filter(pk=report.pk, status="running").exists(),
            60,
            "the first worker to start the report",
        )
        _stop(slow)  # killed mid-report: no clean shutdown, no acknowledgement
        report.refresh_from_db()
        assert report.status == Report.Status.RUNNING and report.attempts == 1
        steady = _worker(env, "steady")
        time.sleep(2.5)  # the dead worker's heartbeat goes stale
        monkeypatch.setattr(
            "reports.services.STALE_AFTER", __import__("datetime").timedelta(seconds=2)
        )
        assert sweep() == 1
        _wait(
            lambda: Report.objects.filter(pk=report.pk, status="done").exists(),
            90,
            "the second worker to produce the report",
        )
    finally:
        current_app.conf.task_always_eager = eager
        _stop(slow)
        if steady is not None:
            _stop(steady)
    report.refresh_from_db()
    assert report.attempts == 2
    assert report.claimed_by.split(":")[0]  # a worker's name
    assert Report.objects.filter(key="drill:worker-killed").count() == 1
    with open(report.file.path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert len(list((tmp_path / "var" / "media" / "reports").iterdir())) == 1
