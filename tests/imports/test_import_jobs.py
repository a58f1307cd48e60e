"""Imports off the request: the worker's check and import of an uploaded file, its progress,
who may see it, and what happens when a worker dies or a check is never confirmed."""

import io
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from cases.pupils.models import Pupil
from organisations.import_jobs import (
    Progress,
    _claim,
    import_job_run,
    import_job_start,
    import_jobs_sweep,
)
from organisations.models import ImportJob, NonSchoolDay, Term
from tests.factories import make_upn
from tests.imports.test_imports import MIS, as_csv, pupil_row

# Every time here is from the one frozen "today" (ticking from 10:00 on 11 January 2027): a
# heartbeat's age and a check's expiry are counted from it, whatever day the suite runs.
pytestmark = pytest.mark.usefixtures("today")


def start(world, user, content, kind="pupils", capture=None):
    with capture(execute=True):
        return import_job_start(
            kind=kind, by=user, la=world["home"], file_name="export.csv", files={"": content}
        )


def test_a_check_is_kept_for_the_uploader_alone_and_imported_on_confirming(
    world, sign_in, client, django_capture_on_commit_callbacks
):
    senco = world["users"]["school_staff"]
    upns = [make_upn("929", 7400 + n) for n in range(3)]
    content = as_csv(MIS, [pupil_row(upn, world["academy"].urn) for upn in upns])
    job = start(world, senco, content, capture=django_capture_on_commit_callbacks)
    job.refresh_from_db()
    # Checked by the worker: three rows read, three pupils to add, nothing kept yet.
    assert job.status == ImportJob.Status.CHECKED
    assert (job.rows_done, job.rows_total) == (3, 3)
    assert job.result["added"] == 3 and job.result["ok"]
    assert not Pupil.objects.filter(upn__in=upns).exists()
    assert default_storage.exists(f"imports/{job.token}.csv")  # waiting to be imported

    # Another user, even the LA's officer, gets the same 404 as for no import at all.
    sign_in(world["users"]["la_officer"])
    assert client.get(f"/imports/{job.pk}/").status_code == 404
    assert client.post(f"/imports/{job.pk}/").status_code == 404
    assert client.get("/imports/999999/").status_code == 404
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKED

    sign_in(senco)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/imports/{job.pk}/").status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert Pupil.objects.filter(upn__in=upns).count() == 3
    assert not default_storage.exists(f"imports/{job.token}.csv")  # deleted once imported
    # The upload page lists it among the person's recent imports.
    assert "export.csv" in client.get("/pupils/import/").content.decode()


def test_the_page_shows_progress_while_a_worker_reads_the_file(world, sign_in, client):
    senco = world["users"]["school_staff"]
    job = ImportJob.objects.create(
        kind="pupils",
        la=world["home"],
        requested_by=senco,
        requested_at=timezone.now(),
        file_name="whole-school.csv",
        token="a" * 32,
        claimed_by="worker:1",
        heartbeat_at=timezone.now(),
        rows_done=5_000,
        rows_total=20_000,
    )
    sign_in(senco)
    page = client.get(f"/imports/{job.pk}/").content.decode()
    # 5,000 of 20,000 rows: a quarter.
    assert "5,000 of 20,000 rows" in page
    assert '<progress id="import-bar" max="100" value="25">' in page
    assert f'hx-get="/imports/{job.pk}/"' in page  # it asks again by itself
    part = client.get(f"/imports/{job.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert part.startswith('<div id="import-job"') and "<html" not in part


@pytest.mark.django_db(transaction=True)
def test_progress_is_seen_by_others_while_the_import_runs_in_its_transaction(world):
    job = ImportJob.objects.create(
        kind="pupils",
        la=world["home"],
        requested_by=world["users"]["school_staff"],
        requested_at=timezone.now(),
        token="b" * 32,
    )
    job = _claim(job.pk)
    progress = Progress(job)
    onlooker = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with transaction.atomic():  # as the import's own all-or-nothing transaction
            progress(40, 160)
            with onlooker.cursor() as cursor:
                cursor.execute(
                    "SELECT rows_done, rows_total FROM organisations_importjob WHERE id = %s",
                    [job.pk],
                )
                assert cursor.fetchone() == (40, 160)
    finally:
        progress.close()
        onlooker.close()


def test_a_job_whose_worker_died_is_run_again_by_the_sweeper(
    world, django_capture_on_commit_callbacks
):
    senco = world["users"]["school_staff"]
    upn = make_upn("929", 7501)
    with django_capture_on_commit_callbacks(execute=False):  # Redis down: never sent
        job = import_job_start(
            kind="pupils",
            by=senco,
            la=world["home"],
            file_name="export.csv",
            files={"": as_csv(MIS, [pupil_row(upn, world["academy"].urn)])},
        )
    # A worker claimed it, then died: its heartbeat is ten minutes old.
    ImportJob.objects.filter(pk=job.pk).update(
        claimed_by="dead:1",
        heartbeat_at=timezone.now() - timedelta(minutes=10),
        requested_at=timezone.now() - timedelta(minutes=11),
    )
    assert import_jobs_sweep() == 1  # queued again, and (eagerly) run
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKED and job.attempts == 1
    assert job.claimed_by != "dead:1"
    # A live worker's job is left alone, by the sweeper and by a second delivery of its task.
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.CHECKING, claimed_by="alive:2", heartbeat_at=timezone.now()
    )
    assert import_jobs_sweep() == 0
    assert import_job_run(job_id=job.pk) == "nothing to do"


def test_a_check_no_one_confirms_expires_and_its_file_is_deleted(
    world, django_capture_on_commit_callbacks
):
    senco = world["users"]["school_staff"]
    content = as_csv(MIS, [pupil_row(make_upn("929", 7601), world["academy"].urn)])
    job = start(world, senco, content, capture=django_capture_on_commit_callbacks)
    ImportJob.objects.filter(pk=job.pk).update(finished_at=timezone.now() - timedelta(hours=25))
    import_jobs_sweep()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.EXPIRED
    assert not default_storage.exists(f"imports/{job.token}.csv")


def test_a_person_who_lost_the_right_to_import_before_the_worker_ran_is_refused(
    world, django_capture_on_commit_callbacks
):
    senco = world["users"]["school_staff"]
    upn = make_upn("929", 7701)
    with django_capture_on_commit_callbacks(execute=False):
        job = import_job_start(
            kind="pupils",
            by=senco,
            la=world["home"],
            file_name="export.csv",
            files={"": as_csv(MIS, [pupil_row(upn, world["academy"].urn)])},
        )
    senco.is_active = False
    senco.save()
    assert import_job_run(job_id=job.pk) == "refused"
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert not Pupil.objects.filter(upn=upn).exists()
    assert not default_storage.exists(f"imports/{job.token}.csv")


def test_a_file_with_many_problems_keeps_the_first_500_and_counts_them_all(
    world, sign_in, client, django_capture_on_commit_callbacks
):
    senco = world["users"]["school_staff"]
    # 600 rows whose UPNs are a character short: 600 problems.
    rows = [pupil_row("A929" + f"{n:08d}", world["academy"].urn) for n in range(600)]
    job = start(world, senco, as_csv(MIS, rows), capture=django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.result["error_count"] == 600 and len(job.result["errors"]) == 500
    sign_in(senco)
    page = client.get(f"/imports/{job.pk}/").content.decode()
    assert "The file has 600 problems: nothing was imported" in page
    assert "And 100 more, not listed." in page
    assert not default_storage.exists(f"imports/{job.token}.csv")  # nothing to import: gone


def test_term_dates_with_no_problems_are_imported_straight_after_their_check(
    world, sign_in, client, django_capture_on_commit_callbacks
):
    admin = world["users"]["la_admin"]
    sign_in(admin)
    good = io.BytesIO(
        b"school_year,urn,type,name,start,end,description\n"
        b"2031,,term,autumn_1,2031-09-01,2031-10-24,\n"
        b"2031,,inset,,2031-09-01,2031-09-02,Start of year\n"
    )
    good.name = "terms.csv"
    with django_capture_on_commit_callbacks(execute=True):
        uploaded = client.post("/term-dates/import/", {"file": good})
    page = client.get(uploaded.url).content.decode()
    # One term, and an inset day on Monday 1 and Tuesday 2 September 2031.
    assert "1 term and 2 non-school days" in page
    assert Term.objects.filter(la=world["home"], school_year=2031).count() == 1
    assert NonSchoolDay.objects.filter(la=world["home"], date__year=2031).count() == 2


def test_the_import_page_runs_the_same_queries_however_many_problems(
    world, sign_in, client, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    senco = world["users"]["school_staff"]
    rows = [pupil_row("A929" + f"{n:08d}", world["academy"].urn) for n in range(300)]
    job = start(world, senco, as_csv(MIS, rows), capture=django_capture_on_commit_callbacks)
    sign_in(senco)
    with django_assert_max_num_queries(12):
        assert client.get(f"/imports/{job.pk}/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/pupils/import/").status_code == 200
