"""A refused request is one log line with no traceback (hardening finding 6: 3,810 tracebacks in
35 minutes hid the signal); the refusal itself is audited."""

import io
import logging

import pytest
from django.urls import reverse

from approvision.logging import RefusalFilter

pytestmark = pytest.mark.django_db


def test_a_refused_request_is_one_line_without_a_traceback(world, sign_in, client):
    console = next(h for h in logging.getLogger().handlers if h.name == "console")
    assert any(isinstance(f, RefusalFilter) for f in console.filters)
    written = io.StringIO()
    previous = console.setStream(written)
    try:
        sign_in(world["users"]["school_staff"])
        response = client.get(reverse("cases:fair_access_oversight"))
    finally:
        console.setStream(previous)
    assert response.status_code == 403
    lines = [line for line in written.getvalue().splitlines() if "django.request" in line]
    assert len(lines) == 1 and "Forbidden" in lines[0]
    assert "Traceback" not in written.getvalue()
