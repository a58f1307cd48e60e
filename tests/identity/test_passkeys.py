"""Passkeys at the server (the whole ceremony, in Chromium's virtual authenticator, is
tests/browser/test_passkeys.py): who may add one, what a sign-in asks of the authenticator, bad
answers refused with a 4xx and no one signed in, another's passkey not found, and an
administrator's reset taking them away."""

import json
import time

import pytest
from django.urls import reverse
from django_otp_webauthn.models import WebAuthnCredential
from webauthn.helpers import bytes_to_base64url

from organisations.models import ExternalIdentity
from organisations.services import user_reset_second_factor
from organisations.views.sign_in import PENDING_SINCE, PENDING_USER

pytestmark = pytest.mark.django_db

REGISTER_BEGIN = reverse("otp_webauthn:credential-registration-begin")
REGISTER_COMPLETE = reverse("otp_webauthn:credential-registration-complete")
SIGN_IN_BEGIN = reverse("otp_webauthn:credential-authentication-begin")
SIGN_IN_COMPLETE = reverse("otp_webauthn:credential-authentication-complete")


def _passkey(user, credential_id: bytes) -> WebAuthnCredential:
    return WebAuthnCredential.objects.create(
        user=user,
        name="Passkey added 11 January 2027",
        credential_id=credential_id,
        public_key=b"not a real key",
        sign_count=0,
        confirmed=True,
    )


def test_a_local_account_is_offered_a_passkey_for_this_host(world, sign_in):
    client = sign_in(world["users"]["provider_staff"])
    answer = client.post(REGISTER_BEGIN)
    assert answer.status_code == 200
    options = answer.json()
    # Named for the host it was asked on (the tests' "testserver"), and for the person.
    assert options["rp"] == {"name": "approvision", "id": "testserver"}
    assert options["user"]["name"] == world["users"]["provider_staff"].username


def test_someone_who_signs_in_through_a_provider_is_refused_one_in_words(world, sign_in):
    user = world["users"]["school_staff"]
    ExternalIdentity.objects.create(user=user, provider="dfe", subject="s-1")
    client = sign_in(user)
    for url in (REGISTER_BEGIN, REGISTER_COMPLETE):
        answer = client.post(url, data="{}", content_type="application/json")
        assert answer.status_code == 403
        assert answer.json()["detail"].startswith(
            "You sign in through your organisation's sign-in, so you cannot use a passkey here."
        )
    assert not client.get(reverse("organisations:account")).context["passkeys_allowed"]


def test_a_passkey_alone_must_verify_the_person_and_after_a_password_must_be_theirs(world, client):
    head = world["users"]["provider_staff"]
    mine = _passkey(head, b"head's passkey")
    _passkey(world["users"]["director"], b"director's passkey")
    # Nobody named: any passkey may answer, but its authenticator must verify the person.
    alone = client.post(SIGN_IN_BEGIN).json()
    assert alone["userVerification"] == "required"
    assert alone["allowCredentials"] == []
    # After the password: only the person's own passkeys are asked for.
    session = client.session
    session[PENDING_USER], session[PENDING_SINCE] = head.pk, int(time.time())
    session.save()
    after = client.post(SIGN_IN_BEGIN).json()
    assert [c["id"] for c in after["allowCredentials"]] == [bytes_to_base64url(mine.credential_id)]


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "{}",
        json.dumps({"id": "AAAA", "rawId": "AAAA", "type": "public-key", "response": {}}),
        json.dumps(
            {
                "id": "AAAA",
                "rawId": "AAAA",
                "type": "public-key",
                "response": {
                    "authenticatorData": "AAAA",
                    "clientDataJSON": "AAAA",
                    "signature": "AAAA",
                },
            }
        ),
    ],
)
def test_a_bad_answer_to_a_sign_in_is_a_4xx_and_signs_nobody_in(world, client, body):
    _passkey(world["users"]["provider_staff"], b"\x00\x00\x00")
    # Without starting first: the state is missing.
    answer = client.post(SIGN_IN_COMPLETE, data=body, content_type="application/json")
    assert 400 <= answer.status_code < 500 and "detail" in answer.json()
    client.post(SIGN_IN_BEGIN)
    answer = client.post(SIGN_IN_COMPLETE, data=body, content_type="application/json")
    assert 400 <= answer.status_code < 500 and "detail" in answer.json()
    assert "_auth_user_id" not in client.session
    # The challenge is used once: a second try must start again.
    again = client.post(SIGN_IN_COMPLETE, data=body, content_type="application/json")
    assert again.status_code == 400 and again.json()["code"] in {
        "invalid_state",
        "malformed_request",
    }


@pytest.mark.parametrize("body", ["not json", "{}", json.dumps({"id": "AAAA", "response": {}})])
def test_a_bad_answer_to_adding_a_passkey_is_a_4xx_and_adds_none(world, sign_in, body):
    client = sign_in(world["users"]["provider_staff"])
    client.post(REGISTER_BEGIN)
    answer = client.post(REGISTER_COMPLETE, data=body, content_type="application/json")
    assert 400 <= answer.status_code < 500 and "detail" in answer.json()
    assert not WebAuthnCredential.objects.exists()


def test_anothers_passkey_is_not_found_and_stays(world, sign_in):
    theirs = _passkey(world["users"]["director"], b"director's passkey")
    client = sign_in(world["users"]["provider_staff"])
    answer = client.post(reverse("organisations:passkey_remove", args=[theirs.pk]))
    assert answer.status_code == 404
    assert WebAuthnCredential.objects.filter(pk=theirs.pk).exists()


def test_an_administrators_reset_takes_the_passkeys_too(world):
    head = world["users"]["provider_staff"]
    _passkey(head, b"on the lost laptop")
    user_reset_second_factor(by=world["users"]["la_admin"], user=head)
    assert not WebAuthnCredential.objects.filter(user=head).exists()
