"""Driving the local OpenID providers (scripts/oidc_local.mjs) from tests: adding people, and a
whole sign-in round trip as a browser would make it (the provider's pages through `requests`,
the service's through Django's test client)."""

import json
import os
import re
import urllib.request
import uuid
from urllib.parse import urlsplit

import requests
from django.test import Client

SERVICE = "127.0.0.1:8000"  # the provider takes the service's callback on loopback


def provider_url(key: str) -> str:
    if key == "dfe":
        return os.environ["DFE_SIGNIN_ISSUER"]
    return os.environ[f"COUNCIL_OIDC_{key.removeprefix('council-')}_ISSUER"]


def person(
    key: str,
    *,
    claims: dict,
    roles=(),
    mfa: bool = True,
    sub: str | None = None,
    overage: bool = False,
) -> str:
    """Add (or change) a person at a local provider; their sign-in id."""
    sub = sub or f"person-{uuid.uuid4().hex[:12]}"
    body = {
        "provider": "dfe" if key == "dfe" else "council",
        "sub": sub,
        "claims": claims,
        "roles": list(roles),
        "mfa": mfa,
        "overage": overage,  # Entra ID's: the groups left out of the ID token
    }
    request = urllib.request.Request(  # noqa: S310 (the local provider, on loopback)
        os.environ["DFE_SIGNIN_ISSUER"] + "/_local/accounts",
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=5):  # noqa: S310 (loopback)
        pass
    return sub


def school_claims(school, *, name=None, category="001", closed=False) -> dict:
    return {
        "email": f"{uuid.uuid4().hex[:8]}@school.example.org",
        "given_name": "Sarah",
        "family_name": "Collins",
        "organisation": {
            "id": str(uuid.uuid5(uuid.NAMESPACE_URL, school.urn if school else "none")),
            "name": name or (school.name if school else "Nowhere School"),
            "category": {"id": category, "name": "Establishment"},
            "urn": school.urn if school else "999999",
            "uid": None,
            "status": {"id": 2 if closed else 1},
            "closedOn": "2026-08-31" if closed else None,
        },
    }


def service_client() -> Client:
    return Client(HTTP_HOST=SERVICE)


def round_trip(client: Client, key: str, sub: str, *, tamper=None):
    """Start signing in at the service, sign in at the provider as `sub`, and come back: the
    service's answer to the callback. `tamper(session, callback_url)` may change either first."""
    start = client.get(f"/sign-in/with/{key}/")
    assert start.status_code == 302, start
    browser = requests.Session()
    url = start["Location"]
    for _ in range(10):
        answer = browser.get(url, allow_redirects=False, timeout=10)
        if answer.status_code in (302, 303):
            url = requests.compat.urljoin(url, answer.headers["Location"])
        else:
            break
        if url.startswith(f"http://{SERVICE}/"):
            break
        match = re.search(r"/interaction/([^/?]+)$", urlsplit(url).path)
        if match and answer.status_code in (302, 303):
            page = browser.get(url, timeout=10)
            assert "Your sign-in id" in page.text
            posted = browser.post(
                f"{url}/login", data={"sub": sub}, allow_redirects=False, timeout=10
            )
            url = requests.compat.urljoin(url, posted.headers["Location"])
    assert url.startswith(f"http://{SERVICE}/"), url
    if tamper is not None:
        url = tamper(client.session, url) or url
    parts = urlsplit(url)
    return client.get(f"{parts.path}?{parts.query}")
