"""Every route either is one of the few public ones or sends anonymous visitors to sign in."""

from django.urls import URLPattern, URLResolver, get_resolver

PUBLIC = {
    "healthz",
    "readyz",
    "organisations:sign_in",
    "organisations:sign_in_code",
    "organisations:sign_in_setup",
    # Signing in through an identity provider: off to it, back from it, and signed out of it.
    "organisations:provider_sign_in",
    "organisations:provider_callback",
    "organisations:signed_out",
    # Signing in with a passkey (alone, or in place of the code) and the words its script shows.
    "otp_webauthn:credential-authentication-begin",
    "otp_webauthn:credential-authentication-complete",
    "otp_webauthn:js-i18n-catalog",
    "organisations:accessibility",
    "admin_login_redirect",
    # The API's way in (password + TOTP code) and its description (no data).
    "api:token",
    "api:schema",
}


def _walk(patterns, prefix="", namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace
            full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), full_ns)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield prefix + str(pattern.pattern), name, pattern.callback


def _example_path(route: str) -> str:
    path = route.replace("^", "").replace("$", "").replace("\\Z", "").replace("\\", "")
    for token in ["<str:urn>", "<path:object_id>", "<int:pk>", "<str:pk>"]:
        path = path.replace(token, "1")
    return "/" + path.split("(")[0].split("<")[0]


def _api(name) -> bool:
    return (name or "").startswith("api:")


def test_only_the_listed_routes_are_public():
    public = {
        name
        for _, name, callback in _walk(get_resolver().url_patterns)
        if not getattr(callback, "login_required", True)
        and not (name or "").startswith("admin:")
        and not (_api(name) and name not in PUBLIC)
    }
    assert public == PUBLIC


def test_every_other_api_route_answers_401_to_anonymous_callers(client, db):
    checked = 0
    for route, name, _ in _walk(get_resolver().url_patterns):
        if not _api(name) or name in PUBLIC:
            continue
        path = _example_path(route.replace("(?P<pk>[0-9]{1,18})", "1"))
        for method in ("get", "post", "patch"):
            response = getattr(client, method)(path, content_type="application/json")
            assert response.status_code in (401, 405), (method, path, response.status_code)
        checked += 1
    assert checked >= 24


def test_the_admin_sign_in_leads_to_the_one_sign_in_page(client, db):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response.url == "/sign-in/?next=/admin/"


def test_anonymous_visitors_are_sent_to_sign_in_from_every_other_route(client, db):
    checked = 0
    for route, name, callback in _walk(get_resolver().url_patterns):
        if name in PUBLIC or not getattr(callback, "login_required", True) or _api(name):
            continue
        response = client.get(_example_path(route))
        assert response.status_code in (302, 404), (route, response.status_code)
        if response.status_code == 302:
            assert "/sign-in/" in response.url or "/admin/login/" in response.url, route
        checked += 1
    assert checked > 10
