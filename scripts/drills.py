"""The fault drills run by scripts/drills.sh (which starts the services and sets the environment).

1. PostgreSQL restarted under load: pages answer 503 (never 500) while it is down, with no
   traceback in the log, and 200 again once it is back, without restarting gunicorn.
2. Redis stopped: sign-in, pages and an edit still work; a report asked for meanwhile is kept
   (queued) and produced once Redis is back.
3. Backup and restore: pg_dump, restore into an empty database, every table's rows and checksum
   compared; the time it took (the RTO).
4. Object storage stopped (files on the S3-compatible store the drill profile starts): an upload
   is a 503 that keeps the answers and stores nothing, a download a 503 page, never a 500 and no
   traceback; both work again once the store is back, without restarting gunicorn.
Writes var/drills/results.md and results.json; exits non-zero if any drill fails.
"""

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import Session  # noqa: E402

OUT = ROOT / "var" / "drills"
PY = str(ROOT / ".venv" / "bin" / "python")


def services(action: str, started: str = "", **unset) -> None:
    env = {**os.environ, "APPROVISION_STARTED": started}
    for name in unset:
        env.pop(name, None)
    subprocess.run(
        ["scripts/services.sh", action, "drill"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def gunicorn(port: int, log: Path, env: dict | None = None) -> subprocess.Popen:
    process = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "approvision.wsgi:application",
         "--bind", f"127.0.0.1:{port}", "--workers", "2", "--log-level", "warning"],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    for _ in range(100):
        try:
            if Session("127.0.0.1", port).request("GET", "/healthz")[0] == 200:
                return process
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def accounts() -> dict:
    path = Path(os.environ["APPROVISION_VAR_DIR"]) / "demo-accounts.json"
    return {a["username"]: a for a in json.loads(path.read_text())}


def django_setup():
    import django

    django.setup()


def drill_postgres(port: int) -> dict:
    log = OUT / "gunicorn-postgres.log"
    server = gunicorn(port, log)
    session = Session("127.0.0.1", port)
    session.sign_in(accounts()["officer"])
    results: list[tuple[float, str, int]] = []
    phase = {"now": "before"}
    stop = threading.Event()

    def load():
        while not stop.is_set():
            for path in ("/", "/pupils/", "/deadlines/?when=open"):
                try:
                    status = session.request("GET", path)[0]
                except OSError:
                    status = 0
                results.append((time.monotonic(), phase["now"], status))

    threads = [threading.Thread(target=load) for _ in range(3)]
    for thread in threads:
        thread.start()
    time.sleep(3)
    phase["now"] = "down"
    down_at = time.monotonic()
    services("stop", started="pg")
    time.sleep(5)
    services("start", started="", DATABASE_URL=None)
    phase["now"] = "recovering"
    up_at = time.monotonic()
    time.sleep(4)
    phase["now"] = "after"
    time.sleep(3)
    stop.set()
    for thread in threads:
        thread.join()
    server.terminate()
    server.wait(timeout=20)
    by_phase: dict[str, dict[int, int]] = {}
    for _, name, status in results:
        by_phase.setdefault(name, {}).setdefault(status, 0)
        by_phase[name][status] += 1
    first_ok = next((t for t, name, status in results if t > up_at and status == 200), None)
    text = log.read_text()
    ok = (
        set(by_phase.get("before", {})) == {200}
        and 503 in by_phase.get("down", {})
        and set(by_phase.get("down", {})) <= {200, 503}
        and set(by_phase.get("recovering", {})) <= {200, 503}
        and set(by_phase.get("after", {})) == {200}
        and "Traceback" not in text
    )
    return {
        "ok": ok,
        "answers_by_phase": {k: {str(s): n for s, n in v.items()} for k, v in by_phase.items()},
        "outage_seconds": round(up_at - down_at, 1),
        "recovered_after_seconds": round(first_ok - up_at, 2) if first_ok else None,
        "tracebacks_in_log": text.count("Traceback"),
    }


def drill_redis(port: int) -> dict:
    django_setup()
    from reports.models import Report

    log = OUT / "gunicorn-redis.log"
    server = gunicorn(port, log)
    people = accounts()
    worker = None
    try:
        services("stop", started="redis")
        checks = {}
        officer = Session("127.0.0.1", port)
        officer.sign_in(people["officer"])  # sign-in with Redis down
        checks["sign_in"] = True
        for path in ("/", "/pupils/", "/placements/", "/reports/"):
            checks[f"GET {path}"] = officer.request("GET", path)[0]
        from cases.pupils.models import Pupil

        pupil = Pupil.objects.filter(la__code="929").order_by("pk").first()
        token = officer.csrf(f"/pupils/{pupil.pk}/legal-hold/")
        checks["edit (place a legal hold)"] = officer.request(
            "POST",
            f"/pupils/{pupil.pk}/legal-hold/",
            {"csrfmiddlewaretoken": token, "reason": "Drill: Redis stopped"},
        )[0]
        director = Session("127.0.0.1", port)
        director.sign_in(people["director"])
        token = director.csrf("/reports/")
        key = os.urandom(16).hex()
        asked_at = time.monotonic()
        checks["ask for a board report"] = director.request(
            "POST",
            "/reports/",
            {"csrfmiddlewaretoken": token, "kind": "board", "period": "year-to-date", "key": key},
        )[0]
        report = Report.objects.get(key__endswith=key)
        queued_while_down = report.status == Report.Status.QUEUED
        services("start", started="", REDIS_URL=None)
        back_at = time.monotonic()
        worker = subprocess.Popen(
            [PY, "-m", "celery", "-A", "approvision", "worker", "--pool", "solo",
             "--without-mingle", "--without-gossip", "--loglevel", "warning"],
            cwd=ROOT, stdout=(OUT / "worker-redis.log").open("w"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        # What beat does every minute (here every few seconds): the sweep sends reports that
        # never reached a worker.
        done_after = None
        while time.monotonic() - back_at < 300:
            subprocess.run(
                [PY, "manage.py", "shell", "-c", "from reports.services import sweep; sweep()"],
                cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
            )  # fmt: skip
            for _ in range(5):
                report.refresh_from_db()
                if report.status == Report.Status.DONE:
                    done_after = time.monotonic() - back_at
                    break
                time.sleep(1)
            if done_after is not None:
                break
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)
        server.terminate()
        server.wait(timeout=20)
    statuses = [v for k, v in checks.items() if k != "sign_in"]
    text = log.read_text()
    ok = (
        all(s in (200, 302) for s in statuses)
        and queued_while_down
        and done_after is not None
        and "Traceback" not in text
    )
    return {
        "ok": ok,
        "while_redis_was_down": checks,
        "report_queued_while_down": queued_while_down,
        "report_done_seconds_after_redis_returned": round(done_after, 1) if done_after else None,
        "report_asked_to_done_seconds": round(time.monotonic() - asked_at, 1),
        "tracebacks_in_log": text.count("Traceback"),
    }


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def drill_object_storage(port: int) -> dict:
    django_setup()
    from approvision.records import Refused
    from approvision.storage import bucket_ensure
    from cases.pupils.models import Pupil
    from cases.referrals.models import EvidenceDocument
    from cases.referrals.services import referral_start
    from organisations.models import User

    store = {
        "APPROVISION_S3_ENDPOINT": os.environ["APPROVISION_S3_LOCAL_ENDPOINT"],
        "APPROVISION_S3_KEY": os.environ["APPROVISION_S3_LOCAL_KEY"],
        "APPROVISION_S3_SECRET": os.environ["APPROVISION_S3_LOCAL_SECRET"],
        "APPROVISION_S3_BUCKET": "drill",
    }
    bucket_ensure(
        bucket="drill",
        endpoint=store["APPROVISION_S3_ENDPOINT"],
        key=store["APPROVISION_S3_KEY"],
        secret=store["APPROVISION_S3_SECRET"],
    )
    people = accounts()
    senco = User.objects.get(username=people["senco"]["username"])
    referral = None
    for pupil in Pupil.objects.filter(
        enrolments__school_id=senco.membership.school_id, enrolments__left_on__isnull=True
    ).order_by("pk"):
        try:
            referral = referral_start(pupil=pupil, by=senco)
            break
        except Refused:
            continue
    upload_path = f"/referrals/{referral.pk}/documents/"
    log = OUT / "gunicorn-object-storage.log"
    server = gunicorn(port, log, store)
    checks = {}
    try:
        school = Session("127.0.0.1", port)
        school.sign_in(people["senco"])
        officer = Session("127.0.0.1", port)
        officer.sign_in(people["officer"])
        checks["upload before"] = school.upload(upload_path, {}, {"file": ("before.pdf", PDF)})[0]
        kept = EvidenceDocument.objects.filter(referral=referral, name="before.pdf").first()
        if kept is None:
            return {"ok": False, "checks": checks, "said": "the first upload was not kept"}
        download = f"/documents/{kept.pk}/"
        checks["download before"] = officer.request("GET", download)[0]

        # The store stops (its process killed, as a host would be lost).
        pid = int((Path(os.environ["APPROVISION_VAR_DIR"]) / "s3" / "weed.pid").read_text())
        os.kill(pid, 9)
        time.sleep(1)
        status, _, page = school.upload(upload_path, {}, {"file": ("during.pdf", PDF)})
        checks["upload while down"] = status
        checks["upload says why"] = b"The document store is not answering" in page
        checks["nothing half-saved"] = not EvidenceDocument.objects.filter(
            referral=referral, name="during.pdf"
        ).exists()
        status, _, page = officer.request("GET", download)
        checks["download while down"] = status
        checks["download says why"] = b"documents are unavailable" in page

        # It comes back (on the same data): uploads and downloads work, gunicorn untouched.
        services("start", started="", APPROVISION_S3_LOCAL_ENDPOINT=None)
        back_at = time.monotonic()
        while True:
            status = school.upload(upload_path, {}, {"file": ("after.pdf", PDF)})[0]
            if status != 503 or time.monotonic() - back_at > 30:
                break
            time.sleep(1)  # its volume server registering with its master
        checks["upload after"] = status
        checks["upload works again after seconds"] = round(time.monotonic() - back_at, 1)
        status, _, content = officer.request("GET", download)
        checks["download after"] = status
        checks["the first document intact"] = content == PDF
    finally:
        server.terminate()
        server.wait(timeout=20)
    text = log.read_text()
    ok = (
        checks["upload before"] == 302
        and checks["download before"] == 200
        and checks["upload while down"] == 503
        and checks["upload says why"]
        and checks["nothing half-saved"]
        and checks["download while down"] == 503
        and checks["download says why"]
        and checks["upload after"] == 302
        and checks["download after"] == 200
        and checks["the first document intact"]
        and "Traceback" not in text
    )
    return {"ok": ok, "checks": checks, "tracebacks_in_log": text.count("Traceback")}


def drill_backup() -> dict:
    env = {**os.environ, "APPROVISION_STARTED": ""}
    backup = subprocess.run(
        ["scripts/backup.sh", "drill"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    dump = next((w for w in backup.stdout.split() if w.endswith(".dump")), "")
    started = time.monotonic()
    restore = subprocess.run(
        ["scripts/restore.sh", dump, "approvision_drill_restored", "drill"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )  # fmt: skip
    seconds = time.monotonic() - started
    manifest = json.loads((ROOT / dump.replace(".dump", ".manifest.json")).read_text())
    return {
        "ok": backup.returncode == 0 and restore.returncode == 0,
        "tables": len(manifest),
        "rows": sum(t["rows"] for t in manifest.values()),
        "restore_seconds (RTO)": round(seconds, 1),
        "said": (restore.stdout or restore.stderr).strip()[-400:],
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    results = {
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "postgres_restarted_under_load": drill_postgres(args.port),
        "redis_stopped": drill_redis(args.port),
        "object_storage_stopped": drill_object_storage(args.port),
        "backup_and_restore": drill_backup(),
    }
    (OUT / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    lines = [f"# Fault drills, {results['when']}", ""]
    for name, result in results.items():
        if name == "when":
            continue
        lines.append(f"- **{name.replace('_', ' ')}**: {'passed' if result['ok'] else 'FAILED'}")
        for key, value in result.items():
            if key != "ok":
                lines.append(f"  - {key.replace('_', ' ')}: {value}")
    (OUT / "results.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    if not all(r["ok"] for k, r in results.items() if k != "when"):
        sys.exit(1)


if __name__ == "__main__":
    main()
