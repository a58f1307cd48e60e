"""DfE Sign-in's roles asked again, against the real local provider's roles API, for everyone who
may still be signed in: a role withdrawn at DfE Sign-in ends the sessions within the quarter
hour, not only at the next sign-in; a kept role keeps them; an API that does not answer
withdraws nobody; someone whose sessions have all run out is not asked."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from organisations.identity import identities_recheck
from organisations.models import ExternalIdentity
from tests.identity.provider import person, round_trip, school_claims, service_client

pytestmark = pytest.mark.django_db


def _signed_in(world, roles=("APPROVISION_SCHOOL",)):
    claims = school_claims(world["academy"])
    sub = person("dfe", claims=claims, roles=list(roles))
    client = service_client()
    round_trip(client, "dfe", sub)
    assert client.get("/").status_code == 200
    return sub, claims, client


def test_a_role_withdrawn_at_dfe_sign_in_ends_the_sessions_at_the_next_check(world):
    _, _, kept = _signed_in(world)
    sub, claims, withdrawn = _signed_in(world)
    identity = ExternalIdentity.objects.get(subject=sub)
    assert identity.organisation_id == claims["organisation"]["id"]
    person("dfe", sub=sub, claims=claims, roles=[])

    outcome = identities_recheck()
    # Two signed in: one kept, one withdrawn.
    assert (outcome.asked, outcome.kept, outcome.withdrawn, outcome.unanswered) == (2, 1, 1, 0)
    assert withdrawn.get("/").status_code == 302
    assert kept.get("/").status_code == 200
    # Not asked again until they sign in once more.
    assert identities_recheck().asked == 1


def test_a_role_the_service_does_not_map_is_no_role_here(world):
    sub, claims, client = _signed_in(world)
    person("dfe", sub=sub, claims=claims, roles=["SOME_OTHER_SERVICE_ROLE"])
    assert identities_recheck().withdrawn == 1
    assert client.get("/").status_code == 302


def test_an_api_that_does_not_answer_withdraws_nobody(world, settings):
    sub, claims, client = _signed_in(world)
    person("dfe", sub=sub, claims=claims, roles=[])
    # Nothing listens on port 9 of loopback ("discard"): the connection is refused.
    settings.DFE_SIGNIN = {**settings.DFE_SIGNIN, "api_url": "http://127.0.0.1:9"}
    outcome = identities_recheck()
    assert (outcome.asked, outcome.withdrawn, outcome.unanswered) == (1, 0, 1)
    assert client.get("/").status_code == 200


def test_someone_whose_sessions_have_all_run_out_is_not_asked(world):
    sub, claims, _ = _signed_in(world)
    # Signed in just over the absolute session limit ago: no session of theirs may be going.
    ExternalIdentity.objects.filter(subject=sub).update(
        last_signed_in=timezone.now() - settings.SESSION_ABSOLUTE_TIMEOUT - timedelta(minutes=1)
    )
    person("dfe", sub=sub, claims=claims, roles=[])
    assert identities_recheck().asked == 0
