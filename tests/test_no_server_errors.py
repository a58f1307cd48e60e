"""Every page, for every role, answers without a server error: 200, a redirect, 403 or 404."""

import pytest
from django.urls import get_resolver

from tests.test_routes import PUBLIC, _example_path, _walk

ROLES = [
    "la_officer",
    "la_admin",
    "panel_member",
    "director",
    "school_staff",
    "trust_lead",
    "provider_staff",
    "other_la_officer",
]


@pytest.mark.parametrize("role", ROLES)
def test_no_page_answers_a_server_error_to_any_role(world, sign_in, role):
    client = sign_in(world["users"][role])
    client.raise_request_exception = False
    checked = 0
    for route, name, _callback in _walk(get_resolver().url_patterns):
        if (name or "").startswith("admin") or name in PUBLIC or name == "organisations:sign_out":
            continue
        path = _example_path(route)
        response = client.get(path)
        assert response.status_code < 500, (role, path, response.status_code)
        checked += 1
    assert checked > 40
