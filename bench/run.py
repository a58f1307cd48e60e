"""`make bench`: latency, throughput and query counts of the key pages, on loopback.

Runs against gunicorn with the production settings (behind a pretend TLS proxy: the bench sends
X-Forwarded-Proto: https) and the database `make bench` prepared. For each page: median and 95th
percentile latency and requests a second at 1, 10 and 50 concurrent users (locust, headless,
bounded in time), the SQL queries the page runs (counted in-process with the same code) and the
time of that bare SQL. Writes var/bench/results.json and results.md.
"""

import argparse
import base64
import csv
import http.client
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "var" / "bench"

# (label, demo username or None for anonymous, path)
PAGES = [
    ("Sign-in page", None, "/sign-in/"),
    ("Health: ready", None, "/readyz"),
    ("LA officer home", "officer", "/"),
    ("Director home", "director", "/"),
    ("School staff home", "senco", "/"),
    ("Trust lead home", "trust", "/"),
    ("Provider home", "provider", "/"),
    ("School list", "officer", "/schools/"),
    ("School list, search", "officer", "/schools/?q=primary"),
    ("School record", "officer", "/schools/{urn}/"),
    ("Pupil list", "officer", "/pupils/"),
    ("Pupil list, search", "officer", "/pupils/?q=smith"),
    ("Case file", "officer", "/pupils/{case_file}/"),
    ("Timeline", "officer", "/pupils/{case_file}/timeline/"),
    ("My caseload", "officer", "/caseload/"),
    ("Team caseload, not allocated", "officer", "/caseload/team/"),
    ("Team caseload, one officer", "officer", "/caseload/team/?officer={officer_pk}"),
    ("Tasks, all open", "officer", "/tasks/?show=open"),
    ("Deadlines", "officer", "/deadlines/?when=open"),
    ("Referrals", "officer", "/referrals/"),
    ("Panel agenda", "officer", "/panels/{meeting}/"),
    ("Live panel page", "panel", "/panels/{meeting}/live/"),
    ("Fair Access cases", "officer", "/fair-access/"),
    ("Fair Access case", "panel", "/fair-access/{fair_access}/"),
    ("Fair Access shares", "officer", "/fair-access/oversight/"),
    ("Reports archive", "director", "/reports/"),
    ("Placements (LA)", "officer", "/placements/"),
    ("Provider's caseload", "provider", "/placements/"),
    ("A placement", "provider", "/placements/{placement}/"),
    ("SENCO's pupils", "senco", "/pupils/"),
    ("User list (LA admin)", "admin", "/users/"),
    ("Your account", "officer", "/account/"),
    ("API: pupils", "officer", "/api/v1/pupils/"),
    ("API: exclusions", "officer", "/api/v1/exclusions/"),
    ("API: placements", "provider", "/api/v1/placements/"),
    ("Audit log", "admin", "/audit/?username={officer}"),
]


class Session:
    """One signed-in browser: its cookies, sent by hand because they are Secure-only."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, body: dict | None = None, *, raw: tuple | None = None
    ):
        """`body`: a form's fields; `raw`: (content type, bytes) as they are."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        headers = {"X-Forwarded-Proto": "https", "Host": "127.0.0.1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            raw = ("application/x-www-form-urlencoded", urlencode(body))
        if raw is not None:
            headers["Content-Type"], data = raw
            headers["Referer"] = f"https://127.0.0.1{path}"
            headers["Origin"] = "https://127.0.0.1"
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        content = response.read()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        conn.close()
        return response.status, response.getheader("Location"), content

    def csrf(self, path: str) -> str:
        _, _, content = self.request("GET", path)
        marker = b'name="csrfmiddlewaretoken" value="'
        start = content.index(marker) + len(marker)
        return content[start : content.index(b'"', start)].decode()

    def upload(self, path: str, fields: dict, files: dict[str, tuple[str, bytes]]):
        """Post a form with files (multipart/form-data), its CSRF token read from its page."""
        fields = {"csrfmiddlewaretoken": self.csrf(path), **fields}
        boundary = os.urandom(16).hex()
        disposition = '--{}\r\nContent-Disposition: form-data; name="{}"'
        parts = [
            f"{disposition.format(boundary, name)}\r\n\r\n{value}\r\n".encode()
            for name, value in fields.items()
        ]
        for name, (filename, content) in files.items():
            head = (
                f'{disposition.format(boundary, name)}; filename="{filename}"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n"
            )
            parts.append(head.encode() + content + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.request("POST", path, raw=(f"multipart/form-data; boundary={boundary}", body))

    def sign_in(self, account: dict) -> None:
        from django_otp.oath import TOTP

        token = self.csrf("/sign-in/")
        self.request(
            "POST",
            "/sign-in/",
            {
                "csrfmiddlewaretoken": token,
                "username": account["username"],
                "password": account["password"],
            },
        )
        for _attempt in range(2):
            code = TOTP(base64.b32decode(account["totp_secret"]), step=30, t0=0, digits=6).token()
            token = self.csrf("/sign-in/code/")
            status, location, _ = self.request(
                "POST", "/sign-in/code/", {"csrfmiddlewaretoken": token, "code": f"{code:06d}"}
            )
            if status == 302 and "sign-in" not in (location or ""):
                return
            # A code is accepted once (replay protection): an account signed in twice within
            # 30 s must wait for the next one.
            time.sleep(30.5 - time.time() % 30)
        raise SystemExit(f"Could not sign in as {account['username']}: {status} {location}")


def _ms(value: str) -> float | None:
    """A latency from locust's CSV; None when no request finished in the time ("N/A")."""
    return None if value in ("", "N/A") else float(value)


def measure(session: Session, path: str, users: int, seconds: float) -> dict:
    """Locust, headless and bounded in time: `users` simulated users asking for the page without
    pause, signed in with the session's cookies. Median and 95th percentile from locust's stats."""
    stats = OUT / "locust" / f"{abs(hash((path, session.port, users)))}"
    stats.parent.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "BENCH_PATH": path,
        "BENCH_COOKIE": "; ".join(f"{k}={v}" for k, v in session.cookies.items()),
    }
    subprocess.run(
        [str(ROOT / ".venv" / "bin" / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"),
         "--headless", "--users", str(users), "--spawn-rate", str(users),
         "--run-time", f"{max(1, round(seconds))}s", "--host", f"http://127.0.0.1:{session.port}",
         "--csv", str(stats), "--only-summary", "--loglevel", "ERROR", "--stop-timeout", "5"],
        env=env, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    with open(f"{stats}_stats.csv", newline="") as handle:
        total = next(row for row in csv.DictReader(handle) if row["Name"] == "Aggregated")
    requests = int(total["Request Count"])
    return {
        "requests": requests,
        "errors": int(total["Failure Count"]),
        "median_ms": _ms(total["50%"]),
        "p95_ms": _ms(total["95%"]),
        "per_second": round(float(total["Requests/s"]), 1),
    }


MAX_QUERIES = 20
P95_TARGET_MS = 150
FLOOR_TIMES = 3  # the performance issue's target (5 until 2 December 2026)
FLOOR_MIN_MS = 2.0


def targets(row: dict) -> dict[str, bool | None]:
    """Whether a page meets the issue's targets: at most 20 queries, p95 under 150 ms at 10
    users, and its unloaded median within FLOOR_TIMES times its bare SQL (None: not measured)."""
    ten = row.get("users_10")
    one = row.get("users_1")
    return {
        "queries": row["queries"] <= MAX_QUERIES,
        # A level at which no request finished in the time has missed it.
        "p95": None if ten is None else (ten["p95_ms"] or P95_TARGET_MS) < P95_TARGET_MS,
        "floor": None
        if one is None
        else (one["median_ms"] or float("inf")) <= FLOOR_TIMES * max(row["floor_ms"], FLOOR_MIN_MS),
    }


def sql_floor_ms(connection, queries: list[str], repeats: int = 5) -> float:
    """The bare SQL a page needs: its reads, run again straight on the database (no Django, no
    templates), best of a few runs. A page's time over this is what the application adds."""
    reads = [q for q in queries if q.lstrip().upper().startswith(("SELECT", "WITH"))]
    best = float("inf")
    with connection.cursor() as cursor:
        for _ in range(repeats):
            started = time.perf_counter()
            for sql in reads:
                cursor.execute(sql)
                cursor.fetchall()
            best = min(best, (time.perf_counter() - started) * 1000)
    return round(best, 1)


def query_counts(accounts: dict[str, dict]) -> dict[str, dict]:
    """The SQL each page runs, counted in-process against the same database, and its floor."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    counts = {}
    for label, username, path in PAGES:
        client = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_HOST="127.0.0.1")
        if username:
            user = accounts[username]["user"]
            client.force_login(user, backend="organisations.backends.MemberBackend")
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user).persistent_id
            session.save()
            client.get(path, secure=True)  # the first request of a session writes to it
        with CaptureQueriesContext(connection) as captured:
            client.get(path, secure=True)
        queries = [q["sql"] for q in captured.captured_queries]
        counts[label] = {"queries": len(queries), "floor_ms": sql_floor_ms(connection, queries)}
    return counts


# The bench's accounts in the generated LA, one a role: (name, role, which organisation).
ACCOUNTS = [
    ("officer", "la_officer", "la"),
    ("admin", "la_admin", "la"),
    ("panel", "panel_member", "la"),
    ("director", "director", "la"),
    ("senco", "school_staff", "school"),
    ("trust", "trust_lead", "trust"),
    ("provider", "provider_staff", "provider"),
]


def bench_accounts(la) -> dict[str, dict]:
    """One account a role in the generated LA, at its busiest places: the secondary school with
    the most exclusions, the trust with the most schools, the provider with the most live
    placements. Fresh passwords and sign-in keys each run (nothing kept on disk)."""
    import secrets

    from django.db.models import Count, Q
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from organisations.models import Trust, User
    from organisations.services import membership_set
    from placements.commissioning.models import Placement

    organisations = {
        "la": la,
        "school": la.schools.filter(phase="secondary")
        .annotate(n=Count("exclusions"))
        .order_by("-n", "pk")
        .first(),
        "trust": Trust.objects.filter(schools__la=la)
        .annotate(n=Count("schools"))
        .order_by("-n", "pk")
        .first(),
        "provider": la.providers.annotate(
            n=Count("placements", filter=Q(placements__state__in=Placement.LIVE_STATES))
        )
        .order_by("-n", "pk")
        .first(),
    }
    accounts = {}
    for name, role, kind in ACCOUNTS:
        username = f"bench{la.code}.{name}"
        password = secrets.token_urlsafe(16)
        secret = secrets.token_bytes(20)
        user, _ = User.objects.get_or_create(username=username, defaults={"first_name": "Bench"})
        user.set_password(password)
        user.save()
        membership_set(user=user, role=role, organisation=organisations[kind])
        TOTPDevice.objects.filter(user=user).delete()
        TOTPDevice.objects.create(user=user, name="Bench", key=secret.hex(), confirmed=True)
        accounts[name] = {
            "username": username,
            "password": password,
            "totp_secret": base64.b32encode(secret).decode(),
            "user": user,
            "organisation": organisations[kind],
        }
    return accounts


def _hand_over_a_share(la, officer) -> None:
    """The bench officer leads a third of the LA's open work of each kind (as if handed it)."""
    from cases.casework.registry import WORK_KINDS

    for kind in WORK_KINDS.values():
        ids = list(
            kind.model.objects.filter(kind.open, pupil__la=la)
            .order_by("pk")
            .values_list("pk", flat=True)
        )[::3]
        for start in range(0, len(ids), 1000):
            kind.model.objects.filter(pk__in=ids[start : start + 1000]).update(lead_officer=officer)


def _resolve_paths(accounts: dict[str, dict]) -> None:
    """Fill in the ids a path needs, in the generated LA: the senco's school, its pupil with the
    most exclusions, next week's panel, a Fair Access case waiting for a school, a live placement
    of the provider."""
    from django.db.models import Count

    from cases.fair_access.models import FairAccessCase
    from cases.pupils.models import Pupil
    from panels.models import PanelMeeting, PanelMember
    from placements.commissioning.models import Placement

    la = accounts["officer"]["organisation"]
    school = accounts["senco"]["organisation"]
    ids = {
        "urn": school.urn,
        "fair_access": FairAccessCase.objects.filter(la=la, state="agreed").order_by("pk")[0].pk,
        "placement": Placement.objects.filter(
            provider=accounts["provider"]["organisation"], state__in=Placement.LIVE_STATES
        )
        .order_by("pk")[0]
        .pk,
        "case_file": Pupil.objects.filter(enrolments__school=school)
        .annotate(n=Count("exclusions"))
        .order_by("-n", "pk")[0]
        .pk,
        "meeting": PanelMeeting.objects.filter(la=la, status="planned").order_by("date")[0].pk,
        "officer": accounts["officer"]["username"],
    }
    ids["officer_pk"] = accounts["officer"]["user"].pk
    _hand_over_a_share(la, accounts["officer"]["user"])
    # The panel member chairs next week's panel (the live page is for those who sit on it).
    PanelMember.objects.get_or_create(
        meeting_id=ids["meeting"], user=accounts["panel"]["user"], defaults={"role": "chair"}
    )
    for index, (label, username, path) in enumerate(PAGES):
        PAGES[index] = (label, username, path.format(**ids))


def describe(la) -> str:
    from cases.exclusions.models import Exclusion
    from cases.pupils.models import Pupil
    from placements.commissioning.models import Placement

    return (
        f"{Pupil.objects.filter(la=la).count():,} pupils, {la.schools.count()} schools, "
        f"{Exclusion.objects.filter(pupil__la=la).count():,} exclusions, "
        f"{Placement.objects.filter(pupil__la=la).count():,} placements"
    )


def report_times() -> dict[str, float]:
    """How long the board report (this school year to date, and a whole past school year) and
    the monitoring report take to produce, start to finished PDF."""
    from django.utils import timezone

    from organisations.models import LocalAuthority, User
    from reports.figures import period_for
    from reports.models import Report
    from reports.services import produce

    today = timezone.localdate()
    director = User.objects.get(username="director")
    times = {}
    runs = [("929", "the demo LA", director)]
    large = LocalAuthority.objects.filter(code="990").first()
    if large is not None:
        runs.append(("990", f"the generated LA ({describe(large)})", None))
    past_year = period_for(f"year-{period_for(None, today).school_year - 1}", today)
    asked = [
        ("board", "Board report", period_for(None, today)),
        ("board", "Board report", past_year),
        ("monitoring", "Monitoring report", None),
    ]
    for code, which, requester in runs:
        la = LocalAuthority.objects.get(code=code)
        for kind, title, period in asked:
            first, last = (period.first, period.last) if period else (today.replace(day=1), today)
            label = f"{title}, {period.label}" if period else f"{title}, {today:%B %Y} so far"
            report = Report.objects.create(
                kind=kind,
                la=la,
                key=f"bench:{kind}:{code}:{time.time()}",
                title=label,
                requested_by=requester,
                period_start=first,
                period_end=last,
            )
            started = time.perf_counter()
            if produce(report.pk) != "done":
                raise SystemExit(f"the {kind} report was not produced")
            name = f"{title} ({period.name})" if period else title
            times[f"{name}, {which}"] = round(time.perf_counter() - started, 2)
    return times


def main():
    import django

    django.setup()
    from organisations.models import LocalAuthority

    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--seconds", type=float, default=3.0, help="per page and concurrency")
    parser.add_argument("--users", default="1,10,50", help="concurrency levels")
    parser.add_argument("--la", default="990", help="the generated LA's code")
    parser.add_argument(
        "--reports-only", action="store_true", help="time the reports only: var/bench/reports.md"
    )
    parser.add_argument(
        "--pages",
        default="",
        help="only the pages whose labels contain one of these (comma-separated), without the "
        "reports: var/bench/results-pages.md",
    )
    args = parser.parse_args()
    if args.pages:
        wanted = [w.strip() for w in args.pages.split(",") if w.strip()]
        PAGES[:] = [page for page in PAGES if any(w in page[0] for w in wanted)]
    if args.reports_only:
        seconds = report_times()
        OUT.mkdir(parents=True, exist_ok=True)
        machine = (
            f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
        )
        lines = [f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {machine}.", ""]
        lines += [f"- {name}: {value} s" for name, value in seconds.items()]
        (OUT / "reports.md").write_text("\n".join(lines) + "\n")
        print("\n".join(lines))
        return
    levels = [int(n) for n in args.users.split(",")]

    la = LocalAuthority.objects.get(code=args.la)
    accounts = bench_accounts(la)
    _resolve_paths(accounts)
    sessions: dict[str | None, Session] = {None: Session("127.0.0.1", args.port)}
    for _, username, _ in PAGES:
        if username and username not in sessions:
            sessions[username] = Session("127.0.0.1", args.port)
            sessions[username].sign_in(accounts[username])

    counts = query_counts(accounts)
    rows = []
    for label, username, path in PAGES:
        row = {"page": label, "path": path, **counts[label]}
        for users in levels:
            row[f"users_{users}"] = measure(sessions[username], path, users, args.seconds)
        rows.append(row)
        print(f"  {label}: {row[f'users_{levels[-1]}']['p95_ms']} ms p95 at {levels[-1]} users")

    report_seconds = {} if args.pages else report_times()
    for row in rows:
        row["targets"] = targets(row)

    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    result = {
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": machine,
        "data": f"pages signed in as one account a role in the generated LA {la.code} "
        f"({describe(la)}), its school, trust and provider the busiest",
        "seconds_per_measurement": args.seconds,
        "pages": rows,
        "reports_seconds": report_seconds,
    }
    OUT.mkdir(parents=True, exist_ok=True)
    name = "results-pages" if args.pages else "results"
    (OUT / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n")
    header = "| page | queries | bare SQL ms | " + " | ".join(
        f"{u} user{'s' * (u > 1)}: median / p95 ms, req/s" for u in levels
    )
    met = {
        name: sum(row["targets"][name] is True for row in rows)
        for name in ("queries", "p95", "floor")
    }
    lines = [
        f"Measured {result['when']} on {machine}; {result['data']}.",
        "",
        f"Targets met (of {len(rows)} pages): at most {MAX_QUERIES} queries: {met['queries']}; "
        f"p95 under {P95_TARGET_MS} ms at 10 users: {met['p95']}; median (1 user) within "
        f"{FLOOR_TIMES} times the bare SQL (at least {FLOOR_MIN_MS} ms, a request's fixed cost): "
        f"{met['floor']}. Marks in the table: q (queries), p (p95), f (floor) where missed.",
        "",
        header + " | missed |",
        "|---|---|---|" + "---|" * len(levels) + "---|",
    ]
    for row in rows:
        cells = [
            (
                f"{row[f'users_{u}']['median_ms']} / {row[f'users_{u}']['p95_ms']}, "
                f"{row[f'users_{u}']['per_second']}"
                if row[f"users_{u}"]["median_ms"] is not None
                else f"none finished in {args.seconds:g} s"
            )
            + (f" ({row[f'users_{u}']['errors']} errors)" if row[f"users_{u}"]["errors"] else "")
            for u in levels
        ]
        missed = "".join(
            mark
            for mark, name in (("q", "queries"), ("p", "p95"), ("f", "floor"))
            if row["targets"][name] is False
        )
        lines.append(
            f"| {row['page']} | {row['queries']} | {row['floor_ms']} | "
            + " | ".join(cells)
            + f" | {missed or '-'} |"
        )
    lines += [
        "",
        "| report (produced by the task, PDF included) | seconds |",
        "|---|---|",
        *(f"| {name} | {seconds} |" for name, seconds in report_seconds.items()),
    ]
    (OUT / f"{name}.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
