"""Providers' sites, the placement's sites and reason, and the registration warning."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from approvision.records import Refused
from placements.commissioning.details import placement_details_record
from placements.commissioning.models import Placement
from providers.services import provider_site_add, registration_warning
from tests.factories import PupilFactory, offer


@pytest.fixture
def unregistered(placed, today):
    provider = placed["provider"]
    provider.kind, provider.urn = "unregistered", ""
    provider.save()
    return placed


def _full_time(world, n, **pupil_fields):
    """n pupils of compulsory school age (Year 10 in 2026/27) placed 25 hours a week today."""
    for _ in range(n):
        placement = offer(world, pupil=PupilFactory(la=world["home"], **pupil_fields))
        Placement.objects.filter(pk=placement.pk).update(state=Placement.State.ACTIVE)


def test_five_full_time_pupils_at_an_unregistered_provider_is_a_warning(unregistered):
    _full_time(unregistered, 4)
    assert registration_warning(unregistered["provider"]) == ""
    _full_time(unregistered, 1)
    assert "full-time education to 5 pupils" in registration_warning(unregistered["provider"])


def test_one_looked_after_pupil_full_time_is_enough(unregistered):
    _full_time(unregistered, 1, looked_after=True)
    assert "looked-after pupil" in registration_warning(unregistered["provider"])


def test_part_time_places_and_a_registered_school_do_not_count(unregistered):
    # 10 hours a week is not full-time for the test (18 hours or more).
    for _ in range(5):
        placement = offer(
            unregistered,
            pupil=PupilFactory(la=unregistered["home"]),
            hours_per_week=Decimal("10"),
        )
        Placement.objects.filter(pk=placement.pk).update(state=Placement.State.ACTIVE)
    assert registration_warning(unregistered["provider"]) == ""
    _full_time(unregistered, 5)
    unregistered["provider"].urn = "140002"
    unregistered["provider"].save()
    assert registration_warning(unregistered["provider"]) == ""


def test_the_provider_page_shows_the_warning_and_its_sites(unregistered, sign_in):
    _full_time(unregistered, 5)
    provider = unregistered["provider"]
    provider_site_add(
        provider=provider,
        by=unregistered["officer"],
        name="Farm site",
        address="Long Lane",
        postcode="NM8 2RF",
    )
    page = sign_in(unregistered["officer"]).get(reverse("providers:detail", args=[provider.pk]))
    text = page.content.decode()
    assert "must register as an independent school" in text
    assert "Farm site: Long Lane, NM8 2RF" in text


def test_a_site_needs_a_real_postcode_and_a_name_of_its_own(placed, sign_in, client):
    provider = placed["provider"]
    sign_in(placed["officer"])
    url = reverse("providers:site_add", args=[provider.pk])
    bad = client.post(url, {"name": "Annexe", "address": "2 Station Road", "postcode": "nope"})
    assert bad.status_code == 200
    assert "Enter a real postcode" in bad.content.decode()
    # What was typed is kept.
    assert 'value="2 Station Road"' in bad.content.decode()
    assert client.post(url, {"name": "Annexe", "address": "2 Station Rd", "postcode": "nm1 7ks"})[
        "Location"
    ] == reverse("providers:detail", args=[provider.pk])
    assert provider.sites.get().postcode == "NM1 7KS"
    again = client.post(url, {"name": "annexe", "address": "Elsewhere", "postcode": "NM1 7KS"})
    assert "already has a site called annexe" in again.content.decode()


def test_another_las_officer_cannot_add_a_site(placed, sign_in):
    url = reverse("providers:site_add", args=[placed["provider"].pk])
    assert sign_in(placed["users"]["other_la_officer"]).get(url).status_code == 404


def test_a_placement_records_its_reason_and_only_its_providers_sites(placed, today, sign_in):
    placement = offer(placed, start_date=date(2027, 1, 18))
    mine = provider_site_add(
        provider=placed["provider"],
        by=placed["officer"],
        name="Main",
        address="A",
        postcode="NM1 1AA",
    )
    theirs = provider_site_add(
        provider=placed["other_provider"],
        by=placed["users"]["other_la_officer"],
        name="Other",
        address="B",
        postcode="SV1 1AA",
    )
    with pytest.raises(Refused):
        placement_details_record(
            placement=placement,
            by=placed["officer"],
            version=placement.version,
            reason="behaviour",
            sites=[theirs],
        )
    client = sign_in(placed["officer"])
    url = reverse("placements:details", args=[placement.pk])
    missing = client.post(url, {"version": placement.version, "sites": [mine.pk]})
    assert "Select the primary reason for the placement" in missing.content.decode()
    saved = client.post(
        url, {"version": placement.version, "reason": "mental_health", "sites": [mine.pk]}
    )
    assert saved.status_code == 302
    placement.refresh_from_db()
    assert placement.reason == "mental_health" and list(placement.sites.all()) == [mine]
    # Someone else's school may not.
    assert sign_in(placed["users"]["other_school_staff"]).get(url).status_code == 404
