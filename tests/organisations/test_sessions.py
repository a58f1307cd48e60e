from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from organisations.services import user_disable

HOME = reverse("reports:home")
SIGN_IN = reverse("organisations:sign_in")


@pytest.fixture
def officer_client(world, sign_in, time_machine):
    time_machine.move_to("2026-11-23 09:00", tick=False)
    client = sign_in(world["users"]["la_officer"])
    assert client.get(HOME).status_code == 200
    return client


def test_session_ends_after_30_minutes_idle(officer_client, time_machine):
    time_machine.shift(timedelta(minutes=29))
    assert officer_client.get(HOME).status_code == 200
    time_machine.shift(timedelta(minutes=31))
    response = officer_client.get(HOME)
    assert response.status_code == 302
    assert response.url == f"{SIGN_IN}?ended=idle"
    assert SESSION_KEY not in officer_client.session


def test_activity_keeps_a_session_alive_but_not_past_12_hours(officer_client, time_machine):
    for _ in range(12 * 3):  # active every 20 minutes, up to exactly 12 hours
        time_machine.shift(timedelta(minutes=20))
        assert officer_client.get(HOME).status_code == 200
    time_machine.shift(timedelta(minutes=1))
    response = officer_client.get(HOME)
    assert response.status_code == 302
    assert response.url == f"{SIGN_IN}?ended=limit"


def test_sign_in_page_explains_why_the_session_ended(client, db):
    response = client.get(f"{SIGN_IN}?ended=idle")
    assert "not done anything for 30 minutes" in response.text


def test_sign_out_ends_the_session_on_the_server(officer_client):
    cookie = officer_client.cookies["sessionid"].value
    response = officer_client.post(reverse("organisations:sign_out"))
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=cookie).exists()
    # The old cookie, replayed, is worthless.
    replay = Client()
    replay.cookies["sessionid"] = cookie
    assert replay.get(HOME).status_code == 302


def test_disabling_a_user_ends_all_their_sessions(world, sign_in):
    officer = world["users"]["la_officer"]
    first, second = sign_in(officer, Client()), sign_in(officer, Client())
    other = sign_in(world["users"]["la_admin"], Client())
    user_disable(user=officer)
    assert first.get(HOME).status_code == 302
    assert second.get(HOME).status_code == 302
    assert other.get(HOME).status_code == 200
    assert Session.objects.count() == 1
