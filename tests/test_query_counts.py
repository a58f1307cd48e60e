"""Every home page and list, for each role that has it, runs the same number of queries (at most
20) with ten pupils, their exclusions and referrals as with two (house style 10)."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.exclusions.models import Exclusion
from cases.exclusions.services import exclusion_record
from cases.referrals.services import referral_start
from tests.factories import PupilFactory, enrol

PAGES = [
    ("la_officer", "/"),
    ("la_admin", "/"),
    ("director", "/"),
    ("panel_member", "/"),
    ("school_staff", "/"),
    ("trust_lead", "/"),
    ("provider_staff", "/"),
    ("la_officer", "/pupils/"),
    ("school_staff", "/pupils/"),
    ("trust_lead", "/pupils/"),
    ("la_officer", "/pupils/?q=okafor"),
    ("la_officer", "/referrals/"),
    ("school_staff", "/referrals/"),
    ("la_officer", "/deadlines/?when=open"),
    ("school_staff", "/deadlines/"),
    ("la_officer", "/fair-access/"),
    ("la_officer", "/placements/"),
    ("provider_staff", "/placements/"),
    ("la_officer", "/moves/"),
    ("la_officer", "/panels/"),
    ("la_officer", "/caseload/"),
    ("la_officer", "/caseload/team/"),
    ("la_officer", "/tasks/"),
    ("la_officer", "/messages/"),
    ("la_officer", "/reports/"),
    ("la_admin", "/audit/"),
    ("la_officer", "/providers/"),
    ("la_officer", "/schools/"),
    ("la_admin", "/users/"),
    ("director", "/figures/"),
    ("la_officer", "/pupils/import/"),
    ("school_staff", "/pupils/import/"),
]


def _grow(world, serials):
    """Pupils at the academy, each with a permanent exclusion and a referral started."""
    senco = world["users"]["school_staff"]
    for n in serials:
        pupil = PupilFactory(la=world["home"], legal_last_name="Okafor")
        enrol(pupil, world["academy"], joined_on=date(2024, 9, 2))
        exclusion_record(
            by=senco,
            pupil=pupil,
            school=world["academy"],
            kind=Exclusion.Kind.PERMANENT,
            start_date=date(2026, 10, 5 + n % 5),  # Monday 5 to Friday 9 October 2026
            reasons=["DB"],
            decided_by="Head",
        )
        referral_start(pupil=pupil, by=senco)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


@pytest.mark.parametrize(("role", "url"), PAGES)
def test_every_home_and_list_runs_the_same_queries_for_more_rows(world, today, sign_in, role, url):
    _grow(world, range(2))
    client = sign_in(world["users"][role])
    client.get(url)  # the session's first request also records when it started
    few = _queries(client, url)
    _grow(world, range(2, 10))
    many = _queries(client, url)
    assert many <= few, f"{url} as {role}: {few} queries with 2 pupils, {many} with 10"
    assert few <= 20, f"{url} as {role}: {few} queries"


def test_a_homes_counts_are_a_minute_old_at_most_and_its_newest_list_is_live(
    world, today, sign_in, time_machine
):
    """The officer's home counts submitted referrals for everyone in the LA at most once a
    minute (one cache read instead of a dozen counts); the newest exclusions are never cached."""
    _grow(world, range(2))
    officer = world["users"]["la_officer"]
    client = sign_in(officer)
    first = client.get("/").context
    assert first["recent_count"] == 2  # the two exclusions _grow recorded today
    _grow(world, range(2, 3))
    again = client.get("/").context
    assert again["recent_count"] == 2  # counted a moment ago: kept
    assert len(again["recent_exclusions"]) == 3  # the list is live
    assert "as of 10am" in client.get("/").content.decode()
    time_machine.shift(61)
    later = client.get("/").context
    assert later["recent_count"] == 3
