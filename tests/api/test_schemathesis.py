"""schemathesis over every operation of /api/v1/schema/, signed in as each role (security bar G6):
no server errors, every answer as documented. Bounded in examples so `make test` stays quick."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi import checks

from api.docs import api_schema
from organisations.services import api_token_issue
from tests.factories import PupilFactory, enrol

# For the officer, whose scope is widest, every phase runs: the coverage phase (each boundary of
# each parameter, and values the schema forbids), then generated cases. For every other role,
# generated cases only: how a role's scope is answered varies by role, what the schema allows does
# not, and the coverage phase for each of seven roles would add minutes to `make test`.
app_under_test = get_wsgi_application()
schema = schemathesis.openapi.from_dict(api_schema())
generated_only = schemathesis.openapi.from_dict(
    api_schema(),
    config=SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": False}}}),
)
for each in (schema, generated_only):
    each.app = app_under_test
    each.location = "/api/v1/schema/"
# Every check runs (server errors, status codes, content types, response schemas and headers,
# ignored auth, schema-violating requests refused) but one, and for writes only: a schema-valid
# body may break a rule the schema cannot say (a UPN's check letter, a pupil or school that must
# exist and be in scope, a primary need only with SEN), which rightly answers 400.
WRITES = {"POST", "PATCH", "PUT"}
EXCLUDED_FOR_WRITES = [checks.positive_data_acceptance]
ROLES = [
    "la_officer",
    "la_admin",
    "panel_member",
    "director",
    "school_staff",
    "trust_lead",
    "provider_staff",
]


@pytest.fixture
def world(world):
    """The two LAs and every role, a pupil on a roll, and a token for each role."""
    pupil = PupilFactory(la=world["home"])
    enrol(pupil, world["academy"])
    keys = {role: api_token_issue(user=world["users"][role])[1] for role in ROLES}
    return {**world, "keys": keys}


@pytest.fixture(scope="module")
def app():
    # As Django's test client does: keep the test's connection (and its transaction) open.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield app_under_test
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


SETTINGS = settings(
    max_examples=4, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
)


def call_as(case, key):
    case.call_and_validate(
        headers={"Authorization": f"Token {key}"},
        excluded_checks=EXCLUDED_FOR_WRITES if case.method in WRITES else [],
    )


@schema.exclude(path="/api/v1/auth/token/").parametrize()
@SETTINGS
def test_api_as_the_officer_every_phase(case, world, app):
    call_as(case, world["keys"]["la_officer"])


@pytest.mark.parametrize("role", [role for role in ROLES if role != "la_officer"])
@generated_only.exclude(path="/api/v1/auth/token/").parametrize()
@SETTINGS
def test_api_as_each_other_role(case, role, world, app):
    call_as(case, world["keys"][role])


@schema.include(path="/api/v1/auth/token/").parametrize()
@settings(max_examples=20, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_token_endpoint(case, db, app):
    case.call_and_validate(excluded_checks=EXCLUDED_FOR_WRITES)
