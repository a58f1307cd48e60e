"""List pages run a fixed number of queries however many rows there are."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organisations.roles import Role
from tests.factories import AcademyFactory, SchoolFactory, UserFactory


def _queries(client, url):
    client.get(url)  # the first request of a session also records when it started
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_school_list_queries_do_not_grow_with_schools(world, sign_in):
    client = sign_in(world["users"]["la_officer"])
    url = reverse("organisations:school_list")
    few = _queries(client, url)
    for _ in range(30):
        AcademyFactory(la=world["home"])
        SchoolFactory(la=world["home"])
    assert _queries(client, url) == few
    assert few <= 12


def test_user_list_queries_do_not_grow_with_users(world, sign_in):
    from organisations.services import membership_set

    client = sign_in(world["users"]["la_admin"])
    url = reverse("organisations:user_list")
    few = _queries(client, url)
    for _ in range(30):
        membership_set(user=UserFactory(), role=Role.SCHOOL_STAFF, organisation=world["academy"])
    assert _queries(client, url) == few
    assert few <= 12
