import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction

from organisations.models import Membership, School
from organisations.roles import ROLE_PERMISSIONS, Role
from organisations.services import membership_set
from tests.factories import LocalAuthorityFactory, SchoolFactory, TrustFactory, UserFactory


def test_every_role_is_a_group_holding_exactly_its_permissions(db):
    for role in Role:
        group = Group.objects.get(name=role.label)
        held = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        assert held == set(ROLE_PERMISSIONS[role])


def test_membership_gives_the_role_group_and_only_that(db):
    la = LocalAuthorityFactory()
    user = UserFactory()
    membership_set(user=user, role=Role.LA_OFFICER, organisation=la)
    membership_set(user=user, role=Role.LA_ADMIN, organisation=la)
    assert [g.name for g in user.groups.all()] == ["LA administrator"]
    assert user.has_perm("organisations.view_user")


def test_a_membership_must_name_the_organisation_its_role_belongs_to(db):
    la = LocalAuthorityFactory()
    school = SchoolFactory(la=la)
    user = UserFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, role=Role.SCHOOL_STAFF, la=la)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, role=Role.LA_OFFICER, la=la, school=school)


def test_an_academy_needs_a_trust_and_a_maintained_school_has_none(db):
    la = LocalAuthorityFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        SchoolFactory(la=la, type=School.Type.ACADEMY_CONVERTER, trust=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        SchoolFactory(la=la, type=School.Type.COMMUNITY, trust=TrustFactory())


def test_identifiers_are_checked_by_the_database(db):
    la = LocalAuthorityFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        SchoolFactory(la=la, urn="12345")
    with pytest.raises(IntegrityError), transaction.atomic():
        SchoolFactory(la=la, laestab="88612")


def test_changes_to_schools_are_versioned(db):
    school = SchoolFactory()
    school.name = "Renamed School"
    school.save()
    assert [h.name for h in school.history.order_by("history_date")][-1] == "Renamed School"
    assert school.history.count() == 2
