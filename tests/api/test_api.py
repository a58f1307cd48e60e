"""API v1: tokens, scoping, audit, If-Match, errors, paging and limits."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection, transaction
from django.db.utils import InternalError, ProgrammingError
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import Denial, PupilRead
from cases.exclusions.models import Exclusion
from cases.pupils.models import Pupil
from organisations.models import ApiToken
from organisations.services import user_disable
from tests.conftest import totp_code
from tests.factories import PASSWORD, TOTP_SECRET, PupilFactory, enrol, make_upn


@pytest.fixture
def pupils(world):
    mine = PupilFactory(la=world["home"], legal_first_name="Mine")
    enrol(mine, world["academy"])
    foreign = PupilFactory(la=world["other"], legal_first_name="Foreign")
    enrol(foreign, world["foreign"])
    return {"mine": mine, "foreign": foreign}


def test_a_token_needs_the_password_and_a_current_code(world, api):
    user = world["users"]["la_officer"]
    client = api(None)
    url = "/api/v1/auth/token/"
    wrong_code = client.post(
        url, {"username": user.username, "password": PASSWORD, "otp_token": "000000"}, format="json"
    )
    unknown = client.post(
        url, {"username": "nobody", "password": PASSWORD, "otp_token": "000000"}, format="json"
    )
    assert wrong_code.status_code == unknown.status_code == 401
    assert wrong_code.json() == unknown.json()  # the same answer: no user enumeration
    missing = client.post(url, {"username": user.username}, format="json")
    assert missing.status_code == 400
    assert set(missing.json()) == {"password", "otp_token"}
    # django-otp makes a device wait after a wrong code; this test does not wait.
    TOTPDevice.objects.filter(user=user).update(throttling_failure_count=0)
    given = client.post(
        url,
        {"username": user.username, "password": PASSWORD, "otp_token": totp_code(TOTP_SECRET)},
        format="json",
    )
    assert given.status_code == 201
    key = given.json()["token"]
    assert not ApiToken.objects.filter(key_hash=key).exists()  # only the hash is kept
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/pupils/").status_code == 200


def test_revoked_expired_and_disabled_tokens_stop_working(world, api, sign_in, client):
    user = world["users"]["la_officer"]
    client_api = api(user)
    assert client_api.get("/api/v1/schools/").status_code == 200
    token = ApiToken.objects.get(user=user)
    # The account page lists it, and revoking it there stops it.
    sign_in(user)
    page = client.get("/account/")
    assert token.prefix in page.content.decode()
    assert client.post(f"/account/tokens/{token.pk}/revoke/").status_code == 302
    assert client_api.get("/api/v1/schools/").status_code == 401
    # Someone else's token cannot be revoked by this user.
    other = api(world["users"]["director"])
    other_token = ApiToken.objects.get(user=world["users"]["director"])
    assert client.post(f"/account/tokens/{other_token.pk}/revoke/").status_code == 404
    # Expiry.
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        assert other.get("/api/v1/schools/").status_code == 401
    # A disabled user's tokens stop at once.
    user_disable(user=world["users"]["director"])
    assert other.get("/api/v1/schools/").status_code == 401


def test_anonymous_gets_401_json_not_a_redirect(db):
    from rest_framework.test import APIClient

    response = APIClient().get("/api/v1/pupils/")
    assert response.status_code == 401
    assert "detail" in response.json()
    assert response["WWW-Authenticate"] == "Token"
    assert Denial.objects.filter(path="/api/v1/pupils/", status=401).count() == 1


def test_lists_are_scoped_and_each_read_is_audited_once(world, pupils, api):
    officer = api(world["users"]["la_officer"])
    before = PupilRead.objects.count()
    listed = officer.get("/api/v1/pupils/")
    ids = {row["id"] for row in listed.json()["results"]}
    assert ids == {pupils["mine"].pk}
    assert PupilRead.objects.count() == before + 1
    row = PupilRead.objects.first()
    assert row.action == PupilRead.Action.API_LIST and row.pupil_ids == [pupils["mine"].pk]
    got = officer.get(f"/api/v1/pupils/{pupils['mine'].pk}/")
    assert got.status_code == 200
    assert got["ETag"] == f'"{pupils["mine"].pk}-1"'
    assert PupilRead.objects.count() == before + 2
    # Another LA's pupil does not exist for this officer.
    assert officer.get(f"/api/v1/pupils/{pupils['foreign'].pk}/").status_code == 404
    assert PupilRead.objects.count() == before + 2
    # The audit never holds the data itself.
    assert "Mine" not in str(PupilRead.objects.values_list().first())


def test_directors_reach_no_pupil_level_resource(world, pupils, api):
    director = api(world["users"]["director"])
    for resource in ("pupils", "exclusions", "referrals", "placements", "fair-access-cases"):
        assert director.get(f"/api/v1/{resource}/").status_code == 403
    assert director.get("/api/v1/reports/").status_code == 200


def test_updates_need_if_match_and_stale_copies_get_412(world, pupils, api):
    officer = api(world["users"]["la_officer"])
    url = f"/api/v1/pupils/{pupils['mine'].pk}/"
    tag = officer.get(url)["ETag"]
    no_tag = officer.patch(url, {"looked_after": True}, format="json")
    assert no_tag.status_code == 428
    changed = officer.patch(url, {"looked_after": True}, format="json", HTTP_IF_MATCH=tag)
    assert changed.status_code == 200 and changed.json()["looked_after"] is True
    assert changed["ETag"] != tag
    stale = officer.patch(url, {"looked_after": False}, format="json", HTTP_IF_MATCH=tag)
    assert stale.status_code == 412
    assert Pupil.objects.get(pk=pupils["mine"].pk).looked_after is True
    bad = officer.patch(url, {"sex": "Q"}, format="json", HTTP_IF_MATCH=changed["ETag"])
    assert bad.status_code == 400 and "sex" in bad.json()
    # Scope fields cannot be written: la and upn are read only (ignored), nothing else changes.
    sneaky = officer.patch(
        url, {"la": "938", "upn": "X"}, format="json", HTTP_IF_MATCH=changed["ETag"]
    )
    assert sneaky.status_code == 200
    pupil = Pupil.objects.get(pk=pupils["mine"].pk)
    assert pupil.la_id == world["home"].pk and pupil.upn == pupils["mine"].upn


def test_bad_exclusion_gets_field_errors_and_saves_nothing(world, pupils, api, today):
    senco = api(world["users"]["school_staff"])
    before = Exclusion.objects.count()
    given = {
        "pupil": pupils["mine"].pk,
        "kind": "FIXD",
        "start_date": "2026-11-10",
        "end_date": "2026-11-09",
        "sessions": 2,
        "reasons": ["DB"],
        "decided_by": "Head",
    }
    response = senco.post("/api/v1/exclusions/", given, format="json")
    assert response.status_code == 400
    assert "end_date" in response.json()
    unknown = senco.post(
        "/api/v1/exclusions/", {**given, "reasons": ["ZZ"], "end_date": "2026-11-10"}, format="json"
    )
    assert unknown.status_code == 400 and "reasons" in unknown.json()
    foreign = senco.post(
        "/api/v1/exclusions/",
        {**given, "pupil": pupils["foreign"].pk, "end_date": "2026-11-10"},
        format="json",
    )
    assert foreign.status_code == 400 and "pupil" in foreign.json()
    assert Exclusion.objects.count() == before
    made = senco.post("/api/v1/exclusions/", {**given, "end_date": "2026-11-10"}, format="json")
    assert made.status_code == 201, made.json()
    assert made.json()["school"] == world["academy"].urn


def test_a_school_adds_a_pupil_to_its_own_roll_only(world, api):
    senco = api(world["users"]["school_staff"])
    given = {
        "upn": make_upn("929", 4242),
        "legal_first_name": "New",
        "legal_last_name": "Pupil",
        "date_of_birth": "2013-05-01",
        "sex": "F",
        "school": world["maintained"].urn,
        "joined_on": "2026-09-03",
    }
    refused = senco.post("/api/v1/pupils/", given, format="json")
    assert refused.status_code == 400 and "school" in refused.json()
    bad_upn = senco.post(
        "/api/v1/pupils/",
        {**given, "school": world["academy"].urn, "upn": "A929000000001"},
        format="json",
    )
    assert bad_upn.status_code == 400 and "upn" in bad_upn.json()
    assert not Pupil.objects.filter(legal_first_name="New").exists()
    made = senco.post("/api/v1/pupils/", {**given, "school": world["academy"].urn}, format="json")
    assert made.status_code == 201
    assert made.json()["current_school"] == world["academy"].urn
    again = senco.post("/api/v1/pupils/", {**given, "school": world["academy"].urn}, format="json")
    assert again.status_code == 400 and "upn" in again.json()


def test_page_size_is_capped(world, api):
    for _ in range(3):
        PupilFactory(la=world["home"])
    response = api(world["users"]["la_officer"]).get("/api/v1/pupils/?page_size=1000")
    assert response.status_code == 200
    assert len(response.json()["results"]) <= 100
    from api.paging import Paging

    assert Paging.max_page_size == 100


def test_the_api_is_rate_limited_per_user(world, api, settings):
    settings.APPROVISION_RATE_LIMITS = {**settings.APPROVISION_RATE_LIMITS, "api": (3, 60)}
    officer = api(world["users"]["la_officer"])
    codes = [officer.get("/api/v1/schools/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert int(officer.get("/api/v1/schools/")["Retry-After"]) >= 1
    # Another user has their own allowance.
    assert api(world["users"]["panel_member"]).get("/api/v1/schools/").status_code == 200


def test_the_audit_log_cannot_be_changed_or_deleted(world, pupils, api):
    api(world["users"]["la_officer"]).get(f"/api/v1/pupils/{pupils['mine'].pk}/")
    row = PupilRead.objects.first()
    for sql in (
        "UPDATE audit_pupilread SET username = 'someone' WHERE id = %s",
        "DELETE FROM audit_pupilread WHERE id = %s",
    ):
        with (
            pytest.raises((InternalError, ProgrammingError)),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [row.pk])
    with pytest.raises((InternalError, ProgrammingError)), transaction.atomic():
        PupilRead.objects.filter(pk=row.pk).delete()
    assert PupilRead.objects.get(pk=row.pk).username == world["users"]["la_officer"].username


def test_the_schema_and_docs_page(world, sign_in, client):
    schema = client.get("/api/v1/schema/?format=json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/pupils/{id}/" in paths
    for operations in paths.values():
        for operation in operations.values():
            assert {"401", "403", "404", "429"} <= set(operation["responses"])
    sign_in(world["users"]["la_officer"])
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    assert "If-Match" in docs.content.decode()


def test_exports_are_limited_per_user_and_each_is_logged(world, sign_in, client, settings):
    settings.APPROVISION_RATE_LIMITS = {**settings.APPROVISION_RATE_LIMITS, "export": (2, 3600)}
    sign_in(world["users"]["la_officer"])
    before = PupilRead.objects.count()
    codes = [client.get("/reports/ap-census/", {"download": 1}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    refused = client.get("/reports/ap-census/", {"download": 1})
    assert int(refused["Retry-After"]) >= 1
    assert "downloaded a lot recently" in refused.content.decode()
    # The two exports are in the audit; the refused ones are not exports.
    assert PupilRead.objects.count() == before + 2
    assert set(PupilRead.objects.values_list("action", flat=True)) == {PupilRead.Action.EXPORT}


@pytest.mark.parametrize(
    "query,field",
    [
        ("page_size=null", "page_size"),
        ("page_size=0", "page_size"),
        ("page=", "page"),
        ("sen_status=", "sen_status"),
        ("looked_after=null", "looked_after"),
        ("ordering=password", "ordering"),
        ("ordering=", "ordering"),
    ],
)
def test_a_query_the_schema_forbids_is_a_400_not_ignored(world, api, query, field):
    # Hardening finding 9: each of these was quietly ignored (200), against the schema.
    response = api(world["users"]["la_officer"]).get(f"/api/v1/pupils/?{query}")
    assert response.status_code == 400
    assert field in response.json()


def test_the_schema_documents_if_match_and_the_upn_and_filter_values(db):
    from api.docs import api_schema

    schema = api_schema()
    patch = schema["paths"]["/api/v1/pupils/{id}/"]["patch"]
    if_match = [p for p in patch["parameters"] if p["name"] == "If-Match"]
    assert if_match and if_match[0]["in"] == "header" and if_match[0]["required"] is True
    create = schema["components"]["schemas"]["PupilCreateRequest"]["properties"]["upn"]
    assert "pattern" in create and create["maxLength"] == 20
    listing = {p["name"]: p for p in schema["paths"]["/api/v1/exclusions/"]["get"]["parameters"]}
    assert listing["school"]["schema"]["minLength"] == 1
    assert listing["pupil"]["schema"]["type"] == "integer"
    assert "-start_date" in listing["ordering"]["schema"]["enum"]
