"""Who sees which figures: the LA's staff the LA's as published; a school its own; a trust its
schools'; providers none. The same on the page, the CSVs, the API and the bases."""

from datetime import date

import pytest
from django.urls import reverse

from reports.census import school_census_day
from reports.models import RollCount
from reports.roll_import import roll_counts_record
from tests.factories import PupilFactory, enrol, record_exclusion

pytestmark = pytest.mark.django_db


@pytest.fixture
def excluded(world, today):
    # One suspension at Harbridge Academy and one at Kestrel Academy (different trusts), 1
    # October 2026: a count of 1 each, which others see as "c" and the school as 1.
    for school in (world["academy"], world["other_trust_school"]):
        pupil = PupilFactory(la=world["home"])
        enrol(pupil, school)
        record_exclusion(
            by=world["users"]["la_officer"],
            pupil=pupil,
            school=school,
            start_date=date(2026, 10, 1),
            end_date=date(2026, 10, 1),
        )
    for school in (world["academy"], world["maintained"], world["foreign"]):
        roll_counts_record(
            la=school.la,
            school=school,
            census_date=school_census_day(2025, "spring"),
            counts={RollCount.Characteristic.ALL: 500},
        )
    return world


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("la_officer", 200),
        ("panel_member", 200),
        ("director", 200),
        ("school_staff", 200),
        ("trust_lead", 200),
        ("la_admin", 403),
        ("provider_staff", 403),
    ],
)
def test_the_figures_page_answers_each_role(excluded, sign_in, role, status):
    response = sign_in(excluded["users"][role]).get(reverse("reports:figures"))
    assert response.status_code == status


def test_each_role_sees_its_own_scope_in_the_api(excluded, api):
    def figures(role):
        answer = api(excluded["users"][role]).get("/api/v1/figures/")
        assert answer.status_code == 200, answer.content
        return answer.json()

    la = figures("director")
    assert (la["scope"], la["own"]) == ("Northmoor County Council", False)
    schools = [row[0] for row in la["tables"]["by_school"]["rows"]]
    assert "Harbridge Academy" in schools and "Kestrel Academy" in schools
    assert "Southvale Academy" not in schools  # the same trust, another LA
    # Others see each school's single suspension as "c"; the school sees its own 1.
    harbridge = next(r for r in la["tables"]["by_school"]["rows"] if r[0] == "Harbridge Academy")
    assert harbridge[1] == "c"
    school = figures("school_staff")
    assert (school["scope"], school["own"]) == ("Harbridge Academy", True)
    assert school["headline"]["suspensions"] == 1
    rows = [row[0] for row in school["tables"]["by_school"]["rows"]]
    assert "Harbridge Academy" in rows and "Kestrel Academy" not in rows
    trust = figures("trust_lead")
    assert trust["own"] is True
    rows = [row[0] for row in trust["tables"]["by_school"]["rows"]]
    assert "Harbridge Academy" in rows and "Kestrel Academy" not in rows
    assert "disproportionality" not in trust["tables"]  # a school's base by group is the LA's
    refused = api(excluded["users"]["provider_staff"]).get("/api/v1/figures/")
    assert refused.status_code == 403


def test_a_schools_csv_holds_only_its_own_figures_in_full(excluded, sign_in):
    client = sign_in(excluded["users"]["school_staff"])
    response = client.get(reverse("reports:export", args=["by_school"]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Harbridge Academy,1," in text
    assert "Kestrel Academy" not in text
    assert (
        sign_in(excluded["users"]["provider_staff"])
        .get(reverse("reports:export", args=["by_school"]))
        .status_code
        == 403
    )


def test_census_counts_are_seen_by_the_la_and_each_school_its_own(excluded, sign_in):
    users = excluded["users"]
    assert set(
        RollCount.objects.visible_to(users["la_officer"]).values_list("school__name", flat=True)
    ) == {"Harbridge Academy", "Kelmscott High School"}
    assert set(
        RollCount.objects.visible_to(users["school_staff"]).values_list("school__name", flat=True)
    ) == {"Harbridge Academy"}
    assert not RollCount.objects.visible_to(users["provider_staff"]).exists()
    for role, status in [
        ("la_admin", 200),
        ("la_officer", 200),
        ("director", 403),
        ("school_staff", 403),
    ]:
        assert sign_in(users[role]).get(reverse("reports:bases")).status_code == status, role
        assert sign_in(users[role]).get(reverse("reports:bases_import")).status_code == (
            200 if role == "la_admin" or role == "la_officer" else 403
        ), role
