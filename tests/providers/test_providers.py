"""Providers' due diligence: a lapsed or missing check blocks new placements, in plain words."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from approvision.records import Refused
from providers.models import DueDiligence
from providers.services import due_diligence_record, placement_blockers, provider_profile


def record_all(provider, by, expires):
    for kind in DueDiligence.REQUIRED:
        due_diligence_record(
            provider=provider, by=by, kind=kind, confirmed_on=date(2026, 1, 5), expires_on=expires
        )


def test_a_provider_with_every_check_current_can_take_placements(world):
    record_all(
        world["provider"], world["users"]["la_officer"], timezone.localdate() + timedelta(days=200)
    )
    assert placement_blockers(provider_profile(world["provider"])) == []


def test_missing_and_lapsed_checks_say_why_placements_are_blocked(world):
    officer = world["users"]["la_officer"]
    assert "DBS and staff checks confirmed: none recorded" in placement_blockers(None)
    record_all(world["provider"], officer, timezone.localdate() + timedelta(days=200))
    due_diligence_record(
        provider=world["provider"],
        by=officer,
        kind=DueDiligence.Kind.STAFF_CHECKS,
        confirmed_on=date(2025, 1, 6),
        expires_on=date(2025, 12, 31),
    )
    # The newest check counts: a renewal lifts the block, an older lapsed one does not add it.
    assert placement_blockers(provider_profile(world["provider"])) == []
    profile = provider_profile(world["provider"])
    profile.due_diligence.filter(kind="staff_checks", expires_on__gt=date(2026, 1, 1)).delete()
    assert placement_blockers(profile) == [
        "DBS and staff checks confirmed: lapsed on 31 December 2025"
    ]


@pytest.mark.parametrize(
    ("confirmed_on", "expires_on", "field"),
    [
        (date(2026, 3, 1), date(2026, 2, 1), "expires_on"),
        (
            timezone.localdate() + timedelta(days=3),
            timezone.localdate() + timedelta(days=300),
            "confirmed_on",
        ),
    ],
)
def test_bad_dates_are_refused_and_nothing_is_saved(world, confirmed_on, expires_on, field):
    with pytest.raises(Refused) as error:
        due_diligence_record(
            provider=world["provider"],
            by=world["users"]["la_officer"],
            kind="insurance",
            confirmed_on=confirmed_on,
            expires_on=expires_on,
        )
    assert error.value.field == field
    assert not DueDiligence.objects.exists()


def test_providers_are_scoped(world, sign_in):
    own = reverse("providers:detail", args=[world["provider"].pk])
    other = reverse("providers:detail", args=[world["other_provider"].pk])
    staff = sign_in(world["users"]["provider_staff"])
    assert staff.get(own).status_code == 200
    assert staff.get(other).status_code == 404
    officer = sign_in(world["users"]["la_officer"])
    assert officer.get(other).status_code == 404
    listed = officer.get(reverse("providers:list")).context["rows"]
    assert [row["provider"] for row in listed] == [world["provider"]]


def test_only_officers_record_checks(world, sign_in):
    url = reverse("providers:due_diligence_add", args=[world["provider"].pk])
    assert sign_in(world["users"]["provider_staff"]).get(url).status_code == 403
    officer = sign_in(world["users"]["la_officer"])
    response = officer.post(
        url,
        {
            "kind": "insurance",
            "confirmed_on_0": "5",
            "confirmed_on_1": "1",
            "confirmed_on_2": "2026",
            "expires_on_0": "4",
            "expires_on_1": "1",
            "expires_on_2": "2027",
            "detail": "Policy AB123",
        },
    )
    assert response.status_code == 302
    assert DueDiligence.objects.get().detail == "Policy AB123"


def test_the_provider_list_runs_a_fixed_number_of_queries(
    world, sign_in, django_assert_max_num_queries
):
    from tests.factories import ProviderOrganisationFactory

    client = sign_in(world["users"]["la_officer"])
    # One provider with its checks first: the checks' prefetch runs once there are any.
    record_all(world["provider"], world["users"]["la_officer"], date(2027, 1, 1))
    url = reverse("providers:list")
    client.get(url)
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    for _ in range(15):
        provider = ProviderOrganisationFactory(la=world["home"])
        record_all(provider, world["users"]["la_officer"], date(2027, 1, 1))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)
