import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from organisations.forms import INVALID_CREDENTIALS
from organisations.roles import Role
from tests.conftest import totp_code
from tests.factories import PASSWORD, TOTP_SECRET, make_member

SIGN_IN = reverse("organisations:sign_in")
CODE = reverse("organisations:sign_in_code")
SETUP = reverse("organisations:sign_in_setup")
HOME = reverse("reports:home")


def password_step(client, username, password=PASSWORD, **extra):
    return client.post(SIGN_IN, {"username": username, "password": password}, **extra)


@pytest.fixture
def officer(world):
    return world["users"]["la_officer"]


def test_password_alone_does_not_sign_anyone_in(client, officer):
    response = password_step(client, officer.username)
    assert response.status_code == 302
    assert response.url == CODE
    assert SESSION_KEY not in client.session
    # Every signed-in page still sends them to sign in.
    assert client.get(HOME).status_code == 302


def test_password_then_code_signs_in_and_lands_on_home(client, officer):
    password_step(client, officer.username)
    response = client.post(CODE, {"code": totp_code(TOTP_SECRET)})
    assert response.status_code == 302
    assert response.url == HOME
    assert client.session[SESSION_KEY] == str(officer.pk)
    assert client.get(HOME).status_code == 200


def test_sign_in_gives_the_session_a_new_key(client, officer):
    client.get(SIGN_IN)
    password_step(client, officer.username)
    before = client.session.session_key
    client.post(CODE, {"code": totp_code(TOTP_SECRET)})
    assert client.session.session_key != before


def test_wrong_code_is_refused_with_a_field_error(client, officer):
    password_step(client, officer.username)
    good = totp_code(TOTP_SECRET)
    wrong = f"{(int(good) + 1) % 1_000_000:06d}"
    response = client.post(CODE, {"code": wrong})
    assert response.status_code == 200
    assert "The code is not right" in response.text
    assert 'class="govuk-error-summary"' in response.text
    assert SESSION_KEY not in client.session


def test_code_that_is_not_six_digits_gets_a_clear_error(client, officer):
    password_step(client, officer.username)
    response = client.post(CODE, {"code": "12ab"})
    assert "Enter the code as 6 digits" in response.text


def test_code_page_without_a_password_goes_back_to_sign_in(client, officer):
    response = client.post(CODE, {"code": totp_code(TOTP_SECRET)})
    assert response.status_code == 302
    assert response.url == SIGN_IN


def test_unknown_user_and_wrong_password_get_the_same_answer(client, officer):
    unknown = password_step(client, "nobody-here", "whatever-password-1")
    wrong = password_step(client, officer.username, "not-the-password-1")
    assert unknown.status_code == wrong.status_code == 200
    assert INVALID_CREDENTIALS in unknown.text
    assert INVALID_CREDENTIALS in wrong.text

    def normalised(text, username):
        # The CSRF token differs at every answer: in the form, and given to the passkey script.
        text = re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", text)
        return re.sub(r'"csrfToken": "\w+"', "", text).replace(username, "X")

    assert normalised(unknown.text, "nobody-here") == normalised(wrong.text, officer.username)


@pytest.mark.parametrize("username", ["known", "unknown"])
def test_five_failures_lock_out_that_username_from_that_address_for_15_minutes(
    client, officer, username
):
    name = officer.username if username == "known" else "ghost-user"
    for _ in range(4):
        assert password_step(client, name, "wrong-password-123").status_code == 200
    locked = password_step(client, name, "wrong-password-123")
    assert locked.status_code == 429
    assert "try again in 15 minutes" in locked.text
    # Even the right password is refused while locked.
    if username == "known":
        assert password_step(client, name).status_code == 429
    attempt = AccessAttempt.objects.get(username=name)
    assert attempt.failures_since_start == 5 + (1 if username == "known" else 0)


def test_lockout_is_per_address_too(client, officer):
    for _ in range(5):
        password_step(client, officer.username, "wrong-password-123", REMOTE_ADDR="10.0.0.1")
    assert password_step(client, officer.username, REMOTE_ADDR="10.0.0.2").status_code == 302


def test_lockout_ends_after_15_minutes(client, officer, time_machine):
    time_machine.move_to("2026-11-23 09:00", tick=False)
    for _ in range(5):
        password_step(client, officer.username, "wrong-password-123")
    assert password_step(client, officer.username).status_code == 429
    time_machine.move_to("2026-11-23 09:16", tick=False)
    assert password_step(client, officer.username).status_code == 302


def test_wrong_codes_count_towards_the_lockout(client, officer):
    password_step(client, officer.username)
    good = totp_code(TOTP_SECRET)
    wrong = f"{(int(good) + 7) % 1_000_000:06d}"
    statuses = [client.post(CODE, {"code": wrong}).status_code for _ in range(5)]
    assert statuses[-1] == 429
    assert client.post(CODE, {"code": totp_code(TOTP_SECRET)}).status_code == 429


def test_first_sign_in_sets_up_an_authenticator_from_a_qr_code(client, world):
    newcomer = make_member(Role.LA_OFFICER, world["home"], with_device=False)
    response = password_step(client, newcomer.username)
    assert response.url == SETUP
    page = client.get(SETUP)
    assert "data:image/svg+xml;base64," in page.text
    device = TOTPDevice.objects.get(user=newcomer)
    assert device.confirmed is False
    from django_otp.oath import TOTP

    code = f"{TOTP(device.bin_key, step=30, t0=0, digits=6).token():06d}"
    response = client.post(SETUP, {"code": code})
    assert response.url == HOME
    device.refresh_from_db()
    assert device.confirmed is True
    assert client.session[SESSION_KEY] == str(newcomer.pk)


def test_a_session_signed_in_without_a_second_factor_is_refused(client, officer):
    # However someone became authenticated, without a verified device they are signed out.
    client.force_login(officer, backend="organisations.backends.MemberBackend")
    response = client.get(HOME)
    assert response.status_code == 302
    assert response.url == SIGN_IN
    assert SESSION_KEY not in client.session


def test_next_is_followed_only_within_the_service(client, officer):
    password_step(client, officer.username, REMOTE_ADDR="127.0.0.1")
    client.post(
        SIGN_IN + "?next=https://evil.example/",
        {"username": officer.username, "password": PASSWORD},
    )
    response = client.post(CODE, {"code": totp_code(TOTP_SECRET)})
    assert response.url == HOME


def test_next_within_the_service_is_followed(client, officer):
    client.post(SIGN_IN + "?next=/schools/", {"username": officer.username, "password": PASSWORD})
    response = client.post(CODE, {"code": totp_code(TOTP_SECRET)})
    assert response.url == "/schools/"


def test_disabled_user_cannot_sign_in(client, officer):
    officer.is_active = False
    officer.save()
    response = password_step(client, officer.username)
    assert INVALID_CREDENTIALS in response.text
