"""Each role sees only its own organisations' rows, in lists, details and counts."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from organisations.models import LocalAuthority, ProviderOrganisation, School, Trust, User


def names(queryset):
    return set(queryset.values_list("name", flat=True))


EXPECTED_SCHOOLS = {
    "la_officer": {"Harbridge Academy", "Kestrel Academy", "Kelmscott High School"},
    "la_admin": {"Harbridge Academy", "Kestrel Academy", "Kelmscott High School"},
    "panel_member": {"Harbridge Academy", "Kestrel Academy", "Kelmscott High School"},
    "director": {"Harbridge Academy", "Kestrel Academy", "Kelmscott High School"},
    "school_staff": {"Harbridge Academy"},
    # A trust spans local authorities: its lead sees its schools in both.
    "trust_lead": {"Harbridge Academy", "Southvale Academy"},
    "provider_staff": set(),
    "other_la_officer": {"Southvale Academy", "Ashcombe High School"},
    "other_school_staff": {"Kelmscott High School"},
}


@pytest.mark.parametrize("role", EXPECTED_SCHOOLS)
def test_schools_visible_to_each_role(world, role):
    assert names(School.objects.visible_to(world["users"][role])) == EXPECTED_SCHOOLS[role]


@pytest.mark.parametrize("role", EXPECTED_SCHOOLS)
def test_school_list_page_shows_each_role_only_its_schools(world, sign_in, role):
    user = world["users"][role]
    client = sign_in(user)
    response = client.get(reverse("organisations:school_list"))
    if role == "provider_staff":
        # Provider staff have no school directory at all: refused, not just empty.
        assert response.status_code == 403
        return
    assert response.status_code == 200
    shown = {school.name for school in response.context["school_list"]}
    assert shown == EXPECTED_SCHOOLS[role]
    for school in School.objects.exclude(name__in=shown):
        assert school.name not in response.text


@pytest.mark.parametrize("role", EXPECTED_SCHOOLS)
def test_out_of_scope_school_answers_404_like_a_missing_one(world, sign_in, role):
    client = sign_in(world["users"][role])
    for school in School.objects.all():
        response = client.get(reverse("organisations:school_detail", args=[school.urn]))
        if role == "provider_staff":
            assert response.status_code == 403
        elif school.name in EXPECTED_SCHOOLS[role]:
            assert response.status_code == 200
        else:
            assert response.status_code == 404
    assert client.get(reverse("organisations:school_detail", args=["999999"])).status_code in (
        403,
        404,
    )


def test_trusts_local_authorities_and_providers_are_scoped(world):
    users = world["users"]
    academy_trust = world["academy"].trust.name
    assert names(Trust.objects.visible_to(users["school_staff"])) == {academy_trust}
    assert names(Trust.objects.visible_to(users["trust_lead"])) == {academy_trust}
    assert names(Trust.objects.visible_to(users["other_school_staff"])) == set()
    assert names(Trust.objects.visible_to(users["la_officer"])) == {
        academy_trust,
        world["other_trust_school"].trust.name,
    }
    assert names(LocalAuthority.objects.visible_to(users["trust_lead"])) == {
        "Northmoor County Council",
        "Southvale Borough Council",
    }
    assert names(LocalAuthority.objects.visible_to(users["director"])) == {
        "Northmoor County Council"
    }
    assert names(ProviderOrganisation.objects.visible_to(users["provider_staff"])) == {
        "The Harbridge Centre"
    }
    assert names(ProviderOrganisation.objects.visible_to(users["other_la_officer"])) == {
        "Southvale Learning Centre"
    }


def test_users_are_visible_to_the_la_administrator_only_within_the_la(world):
    users = world["users"]
    visible = set(User.objects.visible_to(users["la_admin"]))
    assert users["other_la_officer"] not in visible
    for role in [
        "la_officer",
        "school_staff",
        "provider_staff",
        "trust_lead",
        "other_school_staff",
    ]:
        assert users[role] in visible
    # Everyone else sees only themselves.
    assert list(User.objects.visible_to(users["la_officer"])) == [users["la_officer"]]


def test_user_list_is_for_la_administrators_only(world, sign_in):
    assert (
        sign_in(world["users"]["la_admin"]).get(reverse("organisations:user_list")).status_code
        == 200
    )
    officer = sign_in(world["users"]["la_officer"])
    assert officer.get(reverse("organisations:user_list")).status_code == 403


def test_anonymous_and_disabled_users_see_nothing(world):
    disabled = world["users"]["la_officer"]
    disabled.is_active = False
    for user in [AnonymousUser(), disabled]:
        assert not School.objects.visible_to(user).exists()
        assert not Trust.objects.visible_to(user).exists()
        assert not LocalAuthority.objects.visible_to(user).exists()
        assert not ProviderOrganisation.objects.visible_to(user).exists()
        assert not User.objects.visible_to(user).exists()


def test_a_large_trusts_home_page_links_to_the_paged_school_list(world, sign_in):
    from tests.factories import AcademyFactory

    for _ in range(25):
        AcademyFactory(la=world["home"], trust=world["academy"].trust)
    response = sign_in(world["users"]["trust_lead"]).get(reverse("reports:home"))
    assert len(response.context["schools"]) == 20
    assert "See all 27 of your trust's schools" in response.text
