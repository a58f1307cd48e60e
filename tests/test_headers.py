from django.urls import reverse


def test_every_page_sends_the_security_headers(client, db):
    response = client.get(reverse("organisations:sign_in"))
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_signed_in_pages_are_never_cached(world, sign_in):
    client = sign_in(world["users"]["la_officer"])
    for name in ["reports:home", "organisations:school_list", "organisations:account"]:
        assert client.get(reverse(name))["Cache-Control"] == "no-store"


def test_an_oversized_request_is_refused_with_413_and_the_security_headers(client, db):
    response = client.generic("POST", "/sign-in/", data=b"x", CONTENT_LENGTH=str(25 * 1024 * 1024))
    assert response.status_code == 413
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
