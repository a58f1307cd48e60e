"""`scripts/bench.sh --jobs-only` (and the end of `make bench`): the long work, timed on the
generated LA, in one process as a Celery worker runs it.

- A whole LA's pupil import: a school-system export of 200,000 pupils (new UPNs, spread over the
  LA's 600 schools) checked, then imported, through the import jobs (the worker's own code:
  organisations.import_jobs.import_job_run). The import is rolled back at the end, so the bench
  database stays as generated.
- The nightly jobs: the deadline recount, the deadline chasers, placements' daily run, retention
  (as it is, and with 5,000 pupils made past retention for the run, rolled back), the term-date
  reminders and the daily summaries.

Each with its time and its SQL queries (counted, not kept). Writes var/bench/jobs.md and
jobs.json.
"""

import argparse
import io
import json
import os
import platform
import sys
import time
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "var" / "bench"


class Counter:
    def __init__(self):
        self.queries = 0

    def __call__(self, execute, sql, params, many, context):
        self.queries += 1
        return execute(sql, params, many, context)


@contextmanager
def measured(results: list, label: str):
    from django.db import connection

    counter = Counter()
    started = time.perf_counter()
    with connection.execute_wrapper(counter):
        yield
    seconds = round(time.perf_counter() - started, 2)
    results.append({"job": label, "seconds": seconds, "queries": counter.queries})
    print(f"  {label}: {seconds} s, {counter.queries:,} queries", flush=True)


class RolledBack(Exception):
    pass


def export(la, pupils: int) -> bytes:
    """A school information system's export: one row a pupil, new UPNs (establishment numbers
    5000 and up, which the generator never uses), at the LA's open schools in turn."""
    from stdnum.gb import upn

    from approvision.spreadsheets import csv_writer
    from cases.pupils.models import Pupil

    schools = list(la.schools.filter(is_open=True).order_by("urn").values_list("urn", flat=True))
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(
        ["UPN", "Legal Surname", "Legal Forename", "DOB", "Gender", "Ethnicity", "SEN Status",
         "FSM Eligible", "School URN", "Admission Date"]
    )  # fmt: skip
    for serial in range(pupils):
        born = 2010 + serial % 10
        body = f"{la.code}{5000 + serial // 1000:04d}{born % 100:02d}{serial % 1000:03d}"
        writer.writerow(
            [upn.calc_check_digit(body) + body, "Importer", f"Pupil{serial}",
             f"{1 + serial % 28:02d}/{1 + serial % 12:02d}/{born}", "MF"[serial % 2],
             Pupil.Ethnicity.values[serial % len(Pupil.Ethnicity.values)], "N", "N",
             schools[serial % len(schools)], f"02/09/{born + 5}"]
        )  # fmt: skip
    return out.getvalue().encode()


def import_times(la, pupils: int, results: list) -> None:
    from django.db import transaction

    from organisations.import_jobs import import_job_run, import_job_start
    from organisations.la_codes import la_codes_record
    from organisations.models import ImportJob, User
    from organisations.roles import Role
    from organisations.services import membership_set

    user, _ = User.objects.get_or_create(
        username=f"bench{la.code}.importer", defaults={"first_name": "Bench"}
    )
    membership_set(user=user, role=Role.LA_OFFICER, organisation=la)
    content = export(la, pupils)
    print(f"  the export: {pupils:,} rows, {len(content) / 1048576:.1f} MB", flush=True)
    try:
        with transaction.atomic():
            # The generated LA's made-up code, taken as a DfE code for the UPNs' check.
            la_codes_record([(la.code, la.name)])
            job = import_job_start(
                kind="pupils", by=user, la=la, file_name="bench.csv", files={"": content}
            )
            with measured(results, f"Pupil import of {pupils:,} rows: the check"):
                import_job_run(job_id=job.pk)
            job.refresh_from_db()
            results[-1]["rows"] = pupils
            if job.status != ImportJob.Status.CHECKED or not job.result["ok"]:
                raise SystemExit(f"the check found problems: {job.result.get('errors', [])[:3]}")
            ImportJob.objects.filter(pk=job.pk).update(
                status=ImportJob.Status.APPLYING, claimed_by="", heartbeat_at=None
            )
            with measured(results, f"Pupil import of {pupils:,} rows: the import"):
                import_job_run(job_id=job.pk)
            job.refresh_from_db()
            results[-1]["rows"] = pupils
            if job.status != ImportJob.Status.DONE or job.result["added"] != pupils:
                raise SystemExit(f"the import did not finish: {job.status} {job.result}")
            raise RolledBack
    except RolledBack:
        pass


def nightly_times(la, results: list) -> None:
    from django.db import transaction
    from django.utils import timezone

    from cases import tasks as cases_tasks
    from cases.pupils.models import Pupil
    from placements import tasks as placement_tasks
    from rights.retention import retention_run

    today = timezone.localdate()
    # The generator loads exclusions without their deadlines: give the last six weeks' theirs
    # (as recording them would have), then time the nightly recount of the open ones.
    try:
        with transaction.atomic():
            from cases.exclusions.models import Exclusion
            from cases.exclusions.services import exclusion_deadlines_refresh

            recent = Exclusion.objects.filter(
                school__la=la, start_date__gte=today - timedelta(weeks=6)
            ).select_related("pupil", "school__la")
            for exclusion in recent.iterator(chunk_size=500):
                exclusion_deadlines_refresh(exclusion=exclusion)
            with measured(results, "Deadline recount (the last six weeks' exclusions)"):
                recounted = cases_tasks.deadlines_refresh(la_id=la.pk)
            results[-1]["rows"] = recounted
            raise RolledBack
    except RolledBack:
        pass
    with measured(results, "Deadline chasers (a task a deadline due within the week)"):
        cases_tasks.deadline_chasers_task()
    with measured(results, "Placements' daily run"):
        placement_tasks.daily()
    with measured(results, "Term-date reminders"):
        cases_tasks.term_dates_remind_task()
    with measured(results, "Daily summaries"):
        cases_tasks.summaries_send()
    with measured(results, "Retention (nothing due)"):
        retention_run(today)
    try:
        with transaction.atomic():
            ids = list(
                Pupil.objects.filter(la=la, sen_status=Pupil.SenStatus.NONE)
                .order_by("pk")
                .values_list("pk", flat=True)[:5000]
            )
            Pupil.objects.filter(pk__in=ids).update(date_of_birth=date(1990, 1, 1))
            with measured(results, "Retention of 5,000 pupils past their period"):
                run = retention_run(today)
            results[-1]["rows"] = run.pupils_deleted
            results[-1]["records"] = run.records_deleted
            raise RolledBack
    except RolledBack:
        pass


def main():
    import django

    django.setup()
    from organisations.models import LocalAuthority

    parser = argparse.ArgumentParser()
    parser.add_argument("--la", default="990")
    parser.add_argument(
        "--pupils",
        type=int,
        default=int(os.environ.get("BENCH_IMPORT_ROWS", "200000")),
        help="rows in the import",
    )
    args = parser.parse_args()
    la = LocalAuthority.objects.get(code=args.la)
    results: list[dict] = []
    print(f"Long work on {la.name}:", flush=True)
    nightly_times(la, results)
    import_times(la, args.pupils, results)
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "jobs.json").write_text(
        json.dumps({"when": when, "machine": machine, "jobs": results}, indent=2) + "\n"
    )
    lines = [
        f"Measured {when} on {machine}, on the generated LA {la.code}.",
        "",
        "| job | rows | seconds | SQL queries |",
        "|---|---|---|---|",
        *[
            f"| {r['job']} | {r.get('rows', '')} | {r['seconds']} | {r['queries']:,} |"
            for r in results
        ],
    ]
    (OUT / "jobs.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
