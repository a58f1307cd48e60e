"""Reports: asked for once, produced by the task, scope rechecked, the board PDF's figures."""

import re
import shutil
import subprocess
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from organisations.models import User
from organisations.services import user_disable
from reports.figures import la_figures, period_for, published
from reports.models import Report
from reports.services import board_period, report_request, scheduled, sweep

pytestmark = pytest.mark.django_db


def _ask(la, user, key="k1", kind="board"):
    # This school year to date, whatever day the suite runs: the period the dashboard shows.
    period = period_for(None, timezone.localdate())
    return report_request(
        kind=kind,
        la=la,
        key=key,
        by=user,
        period_start=period.first,
        period_end=period.last,
        title=f"Board report, {period.label}",
    )


def _pdf_text(report) -> str:
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "poppler-utils is installed by scripts/setup.sh --test"
    return subprocess.run(
        [pdftotext, "-layout", report.file.path, "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def test_the_board_report_pdf_has_the_dashboards_headline_figures(
    demo, django_capture_on_commit_callbacks, sign_in
):
    director = User.objects.get(username="director")
    with django_capture_on_commit_callbacks(execute=True):
        report, created = _ask(demo, director)
    assert created
    report.refresh_from_db()
    assert report.status == Report.Status.DONE and report.attempts == 1
    text = _pdf_text(report)
    # The period the dashboard shows: this school year to date, whatever day the suite runs.
    headline = published(la_figures(demo, board_period(report)))["headline"]
    for label, value in [
        (r"Pupils on roll \(school census, [^)]+\)", headline["on_roll"]),
        ("Suspensions per 100 pupils", headline["suspension_rate"]),
        ("Suspensions", headline["suspensions"]),
    ]:
        assert re.search(rf"{label}\s+{re.escape(str(value))}\b", text), (label, value)
    assert "Methods: every base and how small numbers are protected" in text
    assert "Page 1 of" in text
    # Security bar G29: tagged (PDF/UA-1), with a title.
    info = subprocess.run(
        [shutil.which("pdfinfo"), report.file.path], check=True, capture_output=True, text=True
    ).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.M), info
    assert re.search(r"^Title:\s+\S", info, re.M), info
    # The dashboard shows the same numbers.
    page = sign_in(director).get("/").content.decode()
    assert f'id="fig-suspension-rate">{headline["suspension_rate"]}<' in page
    assert f'id="fig-suspensions">{headline["suspensions"]}<' in page
    assert f'id="fig-on-roll">{headline["on_roll"]}<' in page


def test_the_same_request_twice_makes_one_report(demo, django_capture_on_commit_callbacks):
    director = User.objects.get(username="director")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first, _ = _ask(demo, director, key="same")
        second, created = _ask(demo, director, key="same")
    assert first.pk == second.pk and not created
    assert len(callbacks) == 1
    assert Report.objects.count() == 1
    # A second delivery of the task finds it done and does nothing.
    from reports.services import produce

    assert produce(first.pk) == "nothing to do"


def test_the_task_rechecks_the_requesters_scope_when_it_runs(demo):
    director = User.objects.get(username="director")
    report, _ = _ask(demo, director)  # not run: no on-commit here
    user_disable(user=director)
    from reports.services import produce

    assert produce(report.pk) == "refused"
    report.refresh_from_db()
    assert report.status == Report.Status.FAILED
    assert not report.file


def test_schools_and_providers_cannot_ask_for_la_reports(demo):
    with pytest.raises(PermissionError):
        _ask(demo, User.objects.get(username="senco"))
    assert not Report.objects.exists()


def test_scheduled_reports_are_made_once_per_period(demo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        made = scheduled("monitoring")
        again = scheduled("monitoring")
    assert [r.pk for r in made] == [r.pk for r in again]
    report = Report.objects.get(la=demo, kind="monitoring")
    assert report.status == Report.Status.DONE
    assert "Monthly monitoring report" in _pdf_text(report)


def test_the_sweeper_requeues_a_report_whose_worker_died(demo, settings):
    from datetime import timedelta

    from django.utils import timezone

    director = User.objects.get(username="director")
    report, _ = _ask(demo, director)
    Report.objects.filter(pk=report.pk).update(
        status="running",
        claimed_by="dead-worker:1",
        heartbeat_at=timezone.now() - timedelta(hours=1),
        attempts=1,
    )
    assert sweep() == 1  # eager: produced here and now
    report.refresh_from_db()
    assert report.status == Report.Status.DONE
    assert report.attempts == 2
    assert report.claimed_by != "dead-worker:1"


def test_reports_are_scoped_and_downloads_need_the_scope(demo, sign_in, client):
    director = User.objects.get(username="director")
    report, _ = _ask(demo, director)
    url = reverse("reports:detail", args=[report.pk])
    assert sign_in(User.objects.get(username="officer")).get(url).status_code == 200
    client.logout()
    assert sign_in(User.objects.get(username="senco")).get(url).status_code in (403, 404)
    client.logout()
    other = User.objects.get(username="southvale.officer")
    assert sign_in(other).get(url).status_code == 404


def test_the_demo_las_ap_census_returns_its_arranged_placements(demo, sign_in, client):

    from audit.models import PupilRead
    from placements.commissioning.models import Placement

    officer = User.objects.get(username="officer")
    response = sign_in(officer).get(reverse("reports:ap_census"), {"year": 2027, "download": 1})
    assert response.status_code == 200
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("UPN,Surname,Forename,Preferred surname,Date of birth")
    # The 2027 census year runs 16 January 2026 to 21 January 2027 (third Thursdays). The demo's
    # LA-arranged placements that ran in it, less the PRU placement left without its reason.
    returned = (
        Placement.objects.filter(pupil__la__code="929", state__in=["active", "ended"])
        .exclude(source="school")
        .exclude(funding="school")
        .filter(start_date__lte=date(2027, 1, 21))
        .exclude(ended_on__lt=date(2026, 1, 16))
    )
    unreasoned = returned.filter(reason="")
    assert unreasoned.count() == 1
    assert len(lines) - 1 == returned.count() - 1
    assert PupilRead.objects.filter(username="officer", action="export").exists()
    client.logout()
    director = sign_in(User.objects.get(username="director"))
    assert director.get(reverse("reports:ap_census")).status_code == 403


def test_a_table_exports_as_csv_suppressed_as_on_the_page(demo, sign_in):
    response = sign_in(User.objects.get(username="director")).get(
        reverse("reports:export", args=["by_school"])
    )
    assert response.status_code == 200
    rows = response.content.decode().splitlines()
    assert rows[0] == (
        "Trust or school,Suspensions,Suspensions per 100,Permanent exclusions,"
        "Permanent exclusions per 100,Pupils on roll"
    )
    assert not any(",1," in row or ",2," in row for row in rows[1:])


def test_asking_for_a_board_report_takes_a_period_or_this_year_to_date(demo, sign_in, today):
    client = sign_in(User.objects.get(username="director"))
    answer = client.post(
        reverse("reports:list"), {"kind": "board", "period": "forever", "key": "a" * 32}
    )
    assert answer.status_code == 400
    assert "Select a period from the list" in answer.content.decode()
    assert not Report.objects.filter(key__endswith="a" * 32).exists()
    client.post(reverse("reports:list"), {"kind": "board", "period": "year-2025", "key": "b" * 32})
    past = Report.objects.get(key__endswith="b" * 32)
    assert (past.period_start, past.period_end) == (date(2025, 9, 1), date(2026, 8, 31))
    # None given (a program posting the old form): this school year to date, 1 September 2026
    # to today, Monday 11 January 2027.
    client.post(reverse("reports:list"), {"kind": "board", "key": "c" * 32})
    current = Report.objects.get(key__endswith="c" * 32)
    assert (current.period_start, current.period_end) == (date(2026, 9, 1), today)
    assert current.title.startswith("Board report, School year 2026/27 to date")
