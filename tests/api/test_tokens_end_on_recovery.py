"""Account recovery ends every way in (hardening finding 2): after an administrator resets the
password or the second factor, after the user changes their own password, and after the account is
disabled and enabled again, no API token issued before works, and no other session is signed in."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from organisations.models import ApiToken, User
from organisations.services import (
    user_change_password,
    user_reset_password,
    user_reset_second_factor,
    user_set_active,
)

pytestmark = pytest.mark.django_db


def _disable_and_enable(admin, user):
    user_set_active(by=admin, user=user, active=False)
    user_set_active(by=admin, user=user, active=True)


RECOVERIES = {
    "an administrator resets the password": lambda admin, user: user_reset_password(
        by=admin, user=user
    ),
    "an administrator resets the second factor": lambda admin, user: user_reset_second_factor(
        by=admin, user=user
    ),
    "the user changes their own password": lambda admin, user: user_change_password(
        user=user, password="A new long passphrase 2026"
    ),
    "the account is disabled and enabled again": _disable_and_enable,
}


@pytest.mark.parametrize("recovery", RECOVERIES)
def test_every_token_and_session_ends(world, api, sign_in, recovery):
    user, admin = world["users"]["la_officer"], world["users"]["la_admin"]
    program = api(user)
    assert program.get("/api/v1/schools/").status_code == 200
    browser = sign_in(user, Client())
    assert browser.get("/").status_code == 200
    RECOVERIES[recovery](admin, User.objects.get(pk=user.pk))
    assert program.get("/api/v1/schools/").status_code == 401
    assert not ApiToken.objects.filter(user=user, revoked_at__isnull=True).exists()
    assert not any(
        s.get_decoded().get("_auth_user_id") == str(user.pk) for s in Session.objects.all()
    )


def test_changing_your_own_password_keeps_this_session_and_ends_the_others(world, api, sign_in):
    user = world["users"]["la_officer"]
    program = api(user)
    here, elsewhere = sign_in(user, Client()), sign_in(user, Client())
    user_change_password(
        user=user, password="A new long passphrase 2026", session_key=here.session.session_key
    )
    assert program.get("/api/v1/schools/").status_code == 401
    kept = [
        s.session_key
        for s in Session.objects.all()
        if s.get_decoded().get("_auth_user_id") == str(user.pk)
    ]
    assert kept == [here.session.session_key]
    assert elsewhere.session.session_key not in kept
