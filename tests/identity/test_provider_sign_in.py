"""Signing in through DfE Sign-in and a council's provider, against the real local OpenID
providers: who a person is follows the provider at every sign-in; the unknown, the closed and the
role-less are refused in words; a withdrawn role ends every session; state, nonce and PKCE are
checked, and a token for another issuer or audience is refused."""

import html
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.urls import reverse
from joserfc.errors import InvalidClaimError, JoseError

from organisations.identity import client, providers
from organisations.models import ExternalIdentity, User
from organisations.roles import Role
from tests.identity.provider import person, round_trip, school_claims, service_client

pytestmark = pytest.mark.django_db


def test_a_senco_signs_in_through_dfe_sign_in_with_its_second_factor(world):
    academy = world["academy"]
    sub = person("dfe", claims=school_claims(academy), roles=["APPROVISION_SCHOOL"])
    client = service_client()
    answer = round_trip(client, "dfe", sub)
    assert answer.status_code == 302 and answer["Location"] == reverse("reports:home")
    user = ExternalIdentity.objects.get(provider="dfe", subject=sub).user
    assert user.membership.role == Role.SCHOOL_STAFF and user.membership.school == academy
    assert not user.has_usable_password()
    home = client.get("/")
    assert home.status_code == 200 and academy.name in home.content.decode()


def test_without_the_providers_second_factor_ours_is_asked(world):
    sub = person(
        "dfe", claims=school_claims(world["academy"]), roles=["APPROVISION_SCHOOL"], mfa=False
    )
    client = service_client()
    answer = round_trip(client, "dfe", sub)
    assert answer["Location"] == reverse("organisations:sign_in_setup")
    assert client.get("/").status_code == 302  # not signed in yet


@pytest.mark.parametrize(
    ("claims", "roles", "words"),
    [
        (lambda w: school_claims(None, name="Nowhere School"), ["APPROVISION_SCHOOL"],
         "approvision does not know Nowhere School."),
        (lambda w: school_claims(w["academy"], closed=True), ["APPROVISION_SCHOOL"],
         "Harbridge Academy is closed in DfE Sign-in."),
        (lambda w: school_claims(w["academy"]), [],
         "You do not have a role in approvision at Harbridge Academy."),
    ],
)  # fmt: skip
def test_the_unknown_the_closed_and_the_role_less_are_refused_in_words(world, claims, roles, words):
    sub = person("dfe", claims=claims(world), roles=roles)
    answer = round_trip(service_client(), "dfe", sub)
    assert answer.status_code == 403
    text = html.unescape(answer.content.decode())
    assert words in text and "Ask your organisation's approver in DfE Sign-in" in text
    assert not ExternalIdentity.objects.filter(subject=sub).exists()


def test_a_role_withdrawn_at_dfe_sign_in_ends_the_old_sessions_at_the_next_sign_in(world):
    claims = school_claims(world["academy"])
    sub = person("dfe", claims=claims, roles=["APPROVISION_SCHOOL"])
    first = service_client()
    round_trip(first, "dfe", sub)
    assert first.get("/").status_code == 200
    # Moved school: the membership follows.
    moved = school_claims(world["maintained"])
    person("dfe", sub=sub, claims=moved, roles=["APPROVISION_SCHOOL"])
    round_trip(service_client(), "dfe", sub)
    user = ExternalIdentity.objects.get(subject=sub).user
    user.refresh_from_db()
    assert user.membership.school == world["maintained"]
    # Withdrawn: refused, and the session still open elsewhere ends.
    person("dfe", sub=sub, claims=moved, roles=[])
    refused = round_trip(service_client(), "dfe", sub)
    assert refused.status_code == 403
    assert first.get("/").status_code == 302


def test_an_la_officer_signs_in_through_the_councils_provider(world):
    la = world["home"]
    la.council_roles = "AP-Officers = la_officer\nAP-Admins = la_admin"
    la.save()
    sub = person(
        "council-929",
        claims={"email": "officer@northmoor.example.org", "given_name": "Priya",
                "family_name": "Shah", "roles": ["All-Staff", "AP-Officers"]},
    )  # fmt: skip
    client = service_client()
    answer = round_trip(client, "council-929", sub)
    assert answer.status_code == 302
    user = ExternalIdentity.objects.get(provider="council-929", subject=sub).user
    assert user.membership.role == Role.LA_OFFICER and user.membership.la == la
    # A council person in no mapped group is refused.
    nobody = person(
        "council-929", claims={"email": "x@northmoor.example.org", "roles": ["All-Staff"]}
    )
    refused = round_trip(service_client(), "council-929", nobody)
    assert refused.status_code == 403
    assert "You do not have a role in approvision at Northmoor County Council." in (
        html.unescape(refused.content.decode())
    )


def _state_key(session) -> str:
    return next(key for key in list(session.keys()) if key.startswith("_state_dfe_"))


def test_a_callback_with_another_state_is_refused(world):
    sub = person("dfe", claims=school_claims(world["academy"]), roles=["APPROVISION_SCHOOL"])

    def other_state(session, url):
        parts = urlsplit(url)
        query = parse_qs(parts.query)
        query["state"] = ["not-the-state-we-sent"]
        return f"{parts.scheme}://{parts.netloc}{parts.path}?{urlencode(query, doseq=True)}"

    answer = round_trip(service_client(), "dfe", sub, tamper=other_state)
    assert answer.status_code == 400
    assert "Signing in did not complete" in answer.content.decode()
    assert not ExternalIdentity.objects.filter(subject=sub).exists()


@pytest.mark.parametrize("field", ["nonce", "code_verifier"])
def test_a_changed_nonce_or_pkce_verifier_is_refused(world, field):
    sub = person("dfe", claims=school_claims(world["academy"]), roles=["APPROVISION_SCHOOL"])

    def changed(session, url):
        key = _state_key(session)
        saved = session[key]
        saved["data"][field] = "x" * 43
        session[key] = saved
        session.save()

    answer = round_trip(service_client(), "dfe", sub, tamper=changed)
    # A changed verifier: the provider refuses the code; a changed nonce: we refuse the token.
    assert answer.status_code == 400
    assert not ExternalIdentity.objects.filter(subject=sub).exists()


def test_an_id_token_for_another_issuer_or_audience_is_refused(world):
    """The provider's genuine token, checked as if we were another client, or expected another
    issuer: Authlib's checks (which the callback uses) refuse both."""
    sub = person("dfe", claims=school_claims(world["academy"]), roles=["APPROVISION_SCHOOL"])
    captured = {}

    def keep(session, url):
        captured["session"] = {
            key: session[key] for key in list(session.keys()) if key.startswith("_state")
        }
        captured["url"] = url
        # The service is not given the code: the test exchanges it itself.
        return url.replace("code=", "unused=")

    round_trip(service_client(), "dfe", sub, tamper=keep)
    dfe = client(providers()["dfe"])
    state = parse_qs(urlsplit(captured["url"]).query)["state"][0]
    data = captured["session"][f"_state_dfe_{state}"]["data"]
    token = dfe.fetch_access_token(
        code=parse_qs(urlsplit(captured["url"]).query)["code"][0],
        redirect_uri=data["redirect_uri"],
        code_verifier=data["code_verifier"],
    )
    assert dfe.parse_id_token(token, nonce=data["nonce"])["sub"] == sub  # genuine
    metadata = dfe.load_server_metadata()
    real_issuer, real_id = metadata["issuer"], dfe.client_id
    try:
        metadata["issuer"] = "https://someone-else.example.org"
        with pytest.raises(InvalidClaimError, match="iss"):
            dfe.parse_id_token(token, nonce=data["nonce"])
        metadata["issuer"] = real_issuer
        dfe.client_id = "another-service"
        # Not for us: our client id is not its audience (nor, with no azp, its authorised party).
        with pytest.raises(JoseError, match=r"aud|azp"):
            dfe.parse_id_token(token, nonce=data["nonce"])
    finally:
        metadata["issuer"], dfe.client_id = real_issuer, real_id


def test_users_signed_in_by_a_provider_have_no_password(world):
    sub = person("dfe", claims=school_claims(world["academy"]), roles=["APPROVISION_SCHOOL"])
    round_trip(service_client(), "dfe", sub)
    assert not User.objects.get(identities__subject=sub).has_usable_password()


def test_the_las_settings_map_the_councils_groups_to_roles_and_refuse_a_bad_line(world):
    from organisations.forms import LocalAuthoritySettingsForm

    la = world["home"]
    data = {
        field: getattr(la, field)
        for field in LocalAuthoritySettingsForm.Meta.fields
        if getattr(la, field) is not None
    }
    bad = LocalAuthoritySettingsForm({**data, "council_roles": "AP-Officers = boss"}, instance=la)
    assert not bad.is_valid()
    assert bad.errors["council_roles"] == [
        "Line 1 must be a group, an equals sign and one of director, la_admin, la_officer, "
        "panel_member, like AP-Officers = la_officer"
    ]
    good = LocalAuthoritySettingsForm(
        {**data, "council_roles": "AP-Officers = la_officer\n\nAP-Heads = director"}, instance=la
    )
    assert good.is_valid(), good.errors
    good.save()
    la.refresh_from_db()
    assert la.council_role_map() == {"AP-Officers": "la_officer", "AP-Heads": "director"}


# Entra ID names groups by object id.
AP_OFFICERS = "6f1c3a52-8b1e-4d7a-9c1e-2b7f0e9d4a11"
ALL_STAFF = "0b9d7e21-4c3a-4f5e-8a6b-1d2c3e4f5a6b"


@pytest.mark.parametrize(
    ("groups", "role"), [([ALL_STAFF, AP_OFFICERS], Role.LA_OFFICER), ([ALL_STAFF], None)]
)
def test_past_entra_ids_group_limit_the_groups_are_asked_of_graph(world, groups, role):
    la = world["home"]
    la.council_roles = f"{AP_OFFICERS} = la_officer\nAP-Admins = la_admin"
    la.save()
    # The ID token carries no groups, only where they may be found (Entra ID's "overage").
    sub = person("council-929", claims={"groups": groups}, overage=True)
    answer = round_trip(service_client(), "council-929", sub)
    identity = ExternalIdentity.objects.filter(provider="council-929", subject=sub).first()
    if role is None:
        assert answer.status_code == 403 and identity is None
        assert "You do not have a role in approvision at Northmoor County Council." in (
            html.unescape(answer.content.decode())
        )
    else:
        assert answer.status_code == 302
        assert identity.user.membership.role == role and identity.user.membership.la == la


def test_past_entra_ids_group_limit_a_graph_that_does_not_answer_is_a_plain_503(world, settings):
    la = world["home"]
    la.council_roles = f"{AP_OFFICERS} = la_officer"
    la.save()
    settings.COUNCIL_OIDC = {
        "929": {**settings.COUNCIL_OIDC["929"], "graph_url": "http://127.0.0.1:9/v1.0"}
    }
    sub = person("council-929", claims={"groups": [AP_OFFICERS]}, overage=True)
    answer = round_trip(service_client(), "council-929", sub)
    # The groups were not in the token: without Graph nothing says what the person may do.
    assert answer.status_code == 503
    assert "Your council did not say what you may do in approvision." in (
        html.unescape(answer.content.decode())
    )
    assert not ExternalIdentity.objects.filter(subject=sub).exists()
