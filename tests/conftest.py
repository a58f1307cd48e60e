import base64
import calendar
import os
import time
from datetime import date, datetime
from datetime import time as dt_time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from notifications_python_client import authentication as notify_authentication
from playwright.sync_api import Error as PlaywrightError
from rest_framework.test import APIClient

from demo.organisations import DemoContext, load
from organisations.models import School, User
from organisations.roles import Role
from organisations.services import api_token_issue
from tests.factories import (
    AcademyFactory,
    LocalAuthorityFactory,
    ProviderOrganisationFactory,
    PupilFactory,
    SchoolFactory,
    enrol,
    make_member,
    ready_provider,
)


def totp_code(secret: str) -> str:
    return f"{TOTP(base64.b32decode(secret), step=30, t0=0, digits=6).token():06d}"


@pytest.fixture(autouse=True)
def _isolated_var_dir(settings, tmp_path):
    # Demo accounts and other files a test writes go to its own directory.
    settings.VAR_DIR = tmp_path / "var"


@pytest.fixture(autouse=True)
def _notify_in_real_time(monkeypatch):
    """The local Notify, like GOV.UK Notify, refuses a token not issued within the last 30
    seconds of its (real) clock; a test that freezes the service's clock must not freeze the
    time its tokens say they were issued."""
    monkeypatch.setattr(
        notify_authentication,
        "epoch_seconds",
        lambda: calendar.timegm(
            time_machine.escape_hatch.time.gmtime()
            if time_machine.escape_hatch.is_travelling()
            else time.gmtime()
        ),
    )


@pytest.fixture
def world(db):
    """Two LAs; a trust with a school in each; maintained schools; providers; a member per role."""
    home = LocalAuthorityFactory(code="929", name="Northmoor County Council")
    other = LocalAuthorityFactory(code="938", name="Southvale Borough Council")
    academy = AcademyFactory(la=home, name="Harbridge Academy")
    sister = AcademyFactory(la=other, trust=academy.trust, name="Southvale Academy")
    other_trust_school = AcademyFactory(la=home, name="Kestrel Academy")
    maintained = SchoolFactory(la=home, name="Kelmscott High School")
    foreign = SchoolFactory(la=other, name="Ashcombe High School")
    provider = ProviderOrganisationFactory(la=home, name="The Harbridge Centre")
    other_provider = ProviderOrganisationFactory(la=other, name="Southvale Learning Centre")
    users = {
        "la_officer": make_member(Role.LA_OFFICER, home),
        "la_admin": make_member(Role.LA_ADMIN, home),
        "panel_member": make_member(Role.PANEL_MEMBER, home),
        "director": make_member(Role.DIRECTOR, home),
        "school_staff": make_member(Role.SCHOOL_STAFF, academy),
        "trust_lead": make_member(Role.TRUST_LEAD, academy.trust),
        "provider_staff": make_member(Role.PROVIDER_STAFF, provider),
        "other_la_officer": make_member(Role.LA_OFFICER, other),
        "other_school_staff": make_member(Role.SCHOOL_STAFF, maintained),
    }
    return {
        "home": home,
        "other": other,
        "academy": academy,
        "sister": sister,
        "other_trust_school": other_trust_school,
        "maintained": maintained,
        "foreign": foreign,
        "provider": provider,
        "other_provider": other_provider,
        "users": users,
    }


@pytest.fixture
def sign_in(client):
    """Sign a user in as if they had given their password and a TOTP code."""

    def _sign_in(user, test_client=None):
        test_client = test_client or client
        test_client.force_login(user, backend="organisations.backends.MemberBackend")
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        session = test_client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return test_client

    return _sign_in


# Browser tests ---------------------------------------------------------------------------------

CHROMIUM = os.environ.get("APPROVISION_CHROMIUM", "/usr/bin/chromium")
AXE_JS = settings.BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    # bypass_csp lets the test inject axe-core; the pages themselves run under the real CSP.
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def axe_violations(page) -> list[dict]:
    """Every axe rule, not only the WCAG-tagged ones (best practice too: every part of the page
    inside a landmark, one main, headings in order). Loaded by evaluation, so it runs under the
    page's real CSP as well as with the CSP bypassed."""
    # A click that navigates returns once the navigation has started, not when the new page has
    # loaded: wait for it, and run again if the document was swapped while axe was reading it.
    for attempt in range(3):
        page.wait_for_load_state("load")
        try:
            if not page.evaluate("typeof window.axe !== 'undefined'"):
                page.evaluate(AXE_JS.read_text())
            result = page.evaluate("async () => await axe.run(document)")
            break
        except PlaywrightError as error:
            swapped = "documentElement" in str(error) or "context was destroyed" in str(error)
            if not swapped or attempt == 2:
                raise
            page.wait_for_timeout(250)
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


@pytest.fixture
def assert_accessible():
    def _check(page):
        violations = axe_violations(page)
        assert violations == [], f"axe found problems on {page.url}: {violations}"
        # No horizontal scrolling at the current width.
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

    return _check


@pytest.fixture
def api():
    """An API client for a user, signed in with a token as a program would be."""

    def _api(user):
        client = APIClient()
        if user is not None:
            _, key = api_token_issue(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client

    return _api


# The one "today" of tests whose dates are counted by hand against the demo LA's 2026/27 terms:
# Monday 11 January 2027, in the spring term.
TODAY = date(2027, 1, 11)


@pytest.fixture
def today(time_machine) -> date:
    """Freeze the clock (ticking) at 10:00 on TODAY, and give the date: tests that count school
    days by hand take their "today" from here, so they pass whatever day the suite runs."""
    time_machine.move_to(datetime.combine(TODAY, dt_time(10, 0), ZoneInfo("Europe/London")))
    return TODAY


def pytest_configure(config):
    # Real time, before any travel: the log files the canary check reads are stamped with it.
    config._approvision_started = time.time()
    # scripts/test.sh --date D: the whole suite runs as if today were D (the clock ticks on from
    # 09:00 that day), to show that no test depends on the day it runs (issue 16).
    run_on = os.environ.get("APPROVISION_TEST_DATE")
    if run_on:
        travel = time_machine.travel(
            datetime.combine(date.fromisoformat(run_on), dt_time(9, 0), ZoneInfo("Europe/London")),
            tick=True,
        )
        travel.start()
        config._approvision_travel = travel


def pytest_sessionfinish(session, exitstatus):
    """Security bar G14, over the whole suite: no canary value of tests/test_log_canaries.py in
    any process's log file. Run once, by the process that ran or led the suite."""
    if hasattr(session.config, "workerinput"):
        return
    from tests.test_log_canaries import found_in_suite_logs

    found = found_in_suite_logs(since=session.config._approvision_started)
    if found:
        session.exitstatus = 1
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        reporter.write_line("Canary values found in the application's logs (security bar G14):")
        for line in found:
            reporter.write_line(f"  {line}")


@pytest.fixture
def placed(world):
    """The world, with its provider ready to place with and a Year 10 pupil at the academy."""
    ready_provider(world["provider"], by=world["users"]["la_officer"])
    pupil = PupilFactory(la=world["home"], legal_first_name="Casey", legal_last_name="Marsh")
    enrol(pupil, world["academy"])
    return {**world, "pupil": pupil, "officer": world["users"]["la_officer"]}


@pytest.fixture
def demo(db, tmp_path, today):
    """The demo LA loaded on 11 January 2027 (its 2025/26 to 2027/28 term dates, against which
    the clock tests count by hand), and a pupil on Kelmscott High School's roll."""
    load(DemoContext(), var_dir=tmp_path)
    school = School.objects.get(name="Kelmscott High School")
    pupil = PupilFactory(la=school.la)
    enrol(pupil, school)
    return {"school": school, "pupil": pupil, "senco": User.objects.get(username="senco")}
