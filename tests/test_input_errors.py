"""Input that used to raise a server error (hardening finding 4), by class: a NUL byte anywhere in
a URL, JSON nested past any sane depth, a number the database's rule refuses, a day number too big
for a date, and a body too big for the API. Each gets a clear 400 (JSON from the API) and nothing
is saved."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from api.errors import api_exception_handler
from approvision.forms import date_field
from audit.models import Denial
from cases.referrals.models import Referral
from cases.referrals.services import referral_start
from tests.factories import PupilFactory, enrol


@pytest.fixture
def draft(world):
    pupil = PupilFactory(la=world["home"])
    enrol(pupil, world["academy"])
    return referral_start(pupil=pupil, by=world["users"]["school_staff"])


@pytest.mark.parametrize(
    "path",
    ["/pupils/%00/", "/referrals/1%00/", "/api/v1/pupils/%00/", "/pupils/?q=a%00b", "/%00"],
)
def test_a_nul_byte_in_the_url_is_a_400_and_the_refusal_is_audited(world, sign_in, path):
    client = sign_in(world["users"]["la_officer"])
    client.raise_request_exception = False
    before = Denial.objects.count()
    response = client.get(path)
    assert response.status_code == 400
    # One denial row, its path with the NUL shown as an escape (PostgreSQL text cannot hold one);
    # a query string is never logged.
    assert Denial.objects.count() == before + 1
    denial = Denial.objects.latest("pk")
    assert denial.status == 400
    assert denial.path == path.split("?")[0].replace("%00", "\\x00")


def test_deeply_nested_json_is_a_400_not_a_recursion_error(world, api, draft):
    senco = api(world["users"]["school_staff"])
    url = f"/api/v1/referrals/{draft.pk}/"
    tag = senco.get(url)["ETag"]
    body = '{"reason": ' + "[" * 100_000 + "]" * 100_000 + "}"
    response = senco.generic("PATCH", url, body, content_type="application/json", HTTP_IF_MATCH=tag)
    assert response.status_code == 400
    assert "detail" in response.json()


@pytest.mark.parametrize("attendance", ["101", "-5", "100.1"])
def test_attendance_outside_0_to_100_is_a_field_error_on_the_api(world, api, draft, attendance):
    senco = api(world["users"]["school_staff"])
    url = f"/api/v1/referrals/{draft.pk}/"
    tag = senco.get(url)["ETag"]
    response = senco.patch(
        url, {"attendance_percent": attendance}, format="json", HTTP_IF_MATCH=tag
    )
    assert response.status_code == 400
    assert "attendance_percent" in response.json()
    assert Referral.objects.get(pk=draft.pk).attendance_percent is None
    fine = senco.patch(url, {"attendance_percent": "100"}, format="json", HTTP_IF_MATCH=tag)
    assert fine.status_code == 200 and fine.json()["attendance_percent"] == "100.0"


@pytest.mark.parametrize(
    "day,month,year",
    [
        ("99999999999999999999", "1", "2026"),
        ("1", "99999999999999999999", "2026"),
        ("1", "1", "99999999999999999999"),
        ("31", "2", "2026"),
        ("0", "1", "2026"),
    ],
)
def test_a_date_that_cannot_be_is_a_plain_field_message(day, month, year):
    field = date_field("Start date")
    with pytest.raises(ValidationError) as refused:
        field.clean([day, month, year])
    assert refused.value.messages == ["The start date must be a real date"]


def test_a_huge_day_on_a_page_is_a_field_message_and_keeps_what_was_typed(world, sign_in):
    pupil = PupilFactory(la=world["home"])
    enrol(pupil, world["academy"])
    client = sign_in(world["users"]["school_staff"])
    url = reverse("cases:exclusion_add", args=[pupil.pk])
    response = client.post(
        url,
        {
            "kind": "FIXD",
            "start_date_0": "99999999999999999999",
            "start_date_1": "11",
            "start_date_2": "2026",
            "decided_by": "Mrs Head",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "The first day must be a real date" in page
    assert 'value="Mrs Head"' in page


def test_an_oversized_api_body_gets_a_json_error(world, api, draft, settings):
    settings.APPROVISION_MAX_REQUEST_BYTES = 1000
    senco = api(world["users"]["school_staff"])
    body = json.dumps({"reason": "x" * 2000})
    response = senco.generic(
        "PATCH", f"/api/v1/referrals/{draft.pk}/", body, content_type="application/json"
    )
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_a_primary_need_without_sen_is_a_field_error_on_the_api(world, api):
    pupil = PupilFactory(la=world["home"], sen_status="N", primary_need="")
    enrol(pupil, world["academy"])
    officer = api(world["users"]["la_officer"])
    url = f"/api/v1/pupils/{pupil.pk}/"
    tag = officer.get(url)["ETag"]
    response = officer.patch(url, {"primary_need": "ASD"}, format="json", HTTP_IF_MATCH=tag)
    assert response.status_code == 400
    assert response.json() == {
        "primary_need": ["A primary need is recorded only for pupils with SEN"]
    }
    with_sen = officer.patch(
        url, {"primary_need": "ASD", "sen_status": "K"}, format="json", HTTP_IF_MATCH=tag
    )
    assert with_sen.status_code == 200


def test_a_database_rule_no_service_checked_is_a_400_naming_it(world, draft):
    # The net under every API write: an IntegrityError from a check constraint, however it came,
    # is answered as the client's error. Made here by writing past the services on purpose.
    with pytest.raises(IntegrityError) as broken, transaction.atomic():
        Referral.objects.filter(pk=draft.pk).update(attendance_percent=101)
    response = api_exception_handler(broken.value, {})
    assert response.status_code == 400
    assert response.data == {
        "detail": ["The change breaks the rule “referral attendance is a percentage”"]
    }
    assert api_exception_handler(IntegrityError("duplicate key"), {}) is None


def test_a_body_over_djangos_memory_limit_but_under_ours_is_json(world, api, draft):
    # Django refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) with its HTML 400 page,
    # whatever the path; the API's answer is JSON.
    senco = api(world["users"]["school_staff"])
    url = f"/api/v1/referrals/{draft.pk}/"
    tag = senco.get(url)["ETag"]
    body = json.dumps({"reason": "x" * 3_000_000})
    response = senco.generic("PATCH", url, body, content_type="application/json", HTTP_IF_MATCH=tag)
    assert response.status_code in (400, 413)
    assert response["Content-Type"] == "application/json"
