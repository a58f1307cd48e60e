import pytest
from django.db import connection


def test_healthz_answers_without_signing_in(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_answers_200_when_database_and_redis_are_reachable(client, db):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "redis": "ok"}


def test_readyz_answers_503_naming_redis_when_redis_is_down(client, db, settings):
    # A real connection to a port where nothing listens.
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "redis": "failed"}


@pytest.mark.django_db(transaction=True)
def test_readyz_answers_503_naming_the_database_when_it_is_down(client):
    # Point the real connection at a port where no PostgreSQL listens, then put it back.
    real_port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = "1"
    try:
        response = client.get("/readyz")
    finally:
        connection.close()
        connection.settings_dict["PORT"] = real_port
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "failed", "redis": "ok"}


@pytest.mark.django_db(transaction=True)
def test_pages_answer_503_not_500_while_the_database_is_down(client):
    client.raise_request_exception = False
    real_port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = "1"
    try:
        # A session cookie makes the request look its session up in the database.
        client.cookies["sessionid"] = "a" * 32
        response = client.get("/")
    finally:
        connection.close()
        connection.settings_dict["PORT"] = real_port
    assert response.status_code == 503
    assert "the service is unavailable" in response.text
