import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from approvision.records import Refused
from organisations.models import User
from organisations.roles import Role
from organisations.services import user_add, user_set_active

ADD = reverse("organisations:user_add")


def add_form(**overrides):
    return {
        "first_name": "Jo",
        "last_name": "Bloggs",
        "email": "jo.bloggs@example.org",
        "username": "jbloggs",
        "job_title": "SENCO",
        "role": Role.SCHOOL_STAFF,
        **overrides,
    }


@pytest.fixture
def admin_client(world, sign_in):
    return sign_in(world["users"]["la_admin"])


def test_la_admin_adds_a_school_user_and_sees_the_one_time_password_once(world, admin_client):
    response = admin_client.post(ADD, add_form(school=world["maintained"].pk))
    user = User.objects.get(username="jbloggs")
    assert response.url == reverse("organisations:user_password_shown", args=[user.pk])
    assert user.membership.school == world["maintained"]
    assert user.must_change_password
    shown = admin_client.get(response.url)
    password = shown.context["password"]
    assert user.check_password(password)
    assert password in shown.text
    # Gone after one showing.
    again = admin_client.get(response.url)
    assert again.status_code == 302
    assert password not in admin_client.get(again.url).text


def test_la_roles_join_the_administrators_own_la(world, admin_client):
    admin_client.post(ADD, add_form(role=Role.DIRECTOR))
    assert User.objects.get(username="jbloggs").membership.la == world["home"]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"role": ""}, "role", "Select a role"),
        ({"school": ""}, "school", "Select the school they work for"),
        ({"first_name": ""}, "first_name", "Enter a first name"),
        ({"email": "not-an-email"}, "email", "Enter an email address in the correct format"),
        ({"username": "a b"}, "username", "Enter a username of 3 or more"),
    ],
)
def test_bad_input_gets_a_field_error_and_saves_nothing(
    world, admin_client, overrides, field, message
):
    before = User.objects.count()
    response = admin_client.post(ADD, add_form(**overrides))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert 'class="govuk-error-summary"' in response.text
    assert User.objects.count() == before


def test_a_taken_username_is_refused(world, admin_client):
    taken = world["users"]["la_officer"].username.upper()
    response = admin_client.post(ADD, add_form(username=taken, school=world["maintained"].pk))
    assert "That username is taken" in response.text


def test_an_organisation_in_another_la_cannot_be_chosen(world, admin_client):
    response = admin_client.post(ADD, add_form(school=world["foreign"].pk))
    assert "Select a school from the list" in response.text
    assert not User.objects.filter(username="jbloggs").exists()


def test_a_users_name_with_hidden_controls_is_refused_on_its_field(world, admin_client):
    # Hardening finding 5: a right-to-left override would make a name read backwards on pages.
    response = admin_client.post(
        ADD, add_form(last_name="Bloggs\u202eevil", school=world["academy"].pk)
    )
    assert response.status_code == 200
    assert "Last name must not contain control or text-direction characters" in response.text
    assert not User.objects.filter(username="jbloggs").exists()


def test_the_service_refuses_an_organisation_outside_the_administrators_la(world):
    with pytest.raises(Refused):
        user_add(
            by=world["users"]["la_admin"],
            username="sneaky",
            role=Role.LA_OFFICER,
            organisation=world["other"],
            first_name="S",
            last_name="N",
            email="s@example.org",
        )
    assert not User.objects.filter(username="sneaky").exists()


def test_only_la_administrators_manage_users(world, sign_in):
    officer = sign_in(world["users"]["la_officer"])
    assert officer.get(ADD).status_code == 403
    target = world["users"]["school_staff"].pk
    assert officer.get(reverse("organisations:user_detail", args=[target])).status_code == 403
    assert (
        officer.post(reverse("organisations:user_action", args=[target, "disable"])).status_code
        == 403
    )


def test_users_of_another_la_answer_404(world, admin_client):
    foreign = world["users"]["other_la_officer"].pk
    assert admin_client.get(reverse("organisations:user_detail", args=[foreign])).status_code == 404
    response = admin_client.post(reverse("organisations:user_action", args=[foreign, "disable"]))
    assert response.status_code == 404
    assert User.objects.get(pk=foreign).is_active


def test_disabling_signs_them_out_and_enabling_lets_them_back(world, admin_client, sign_in):
    staff = world["users"]["school_staff"]
    their_client = sign_in(staff, Client())
    admin_client.post(reverse("organisations:user_action", args=[staff.pk, "disable"]))
    staff.refresh_from_db()
    assert not staff.is_active
    assert their_client.get("/").status_code == 302
    admin_client.post(reverse("organisations:user_action", args=[staff.pk, "enable"]))
    staff.refresh_from_db()
    assert staff.is_active


def test_resetting_the_authenticator_removes_it_and_ends_their_sessions(
    world, admin_client, sign_in
):
    staff = world["users"]["school_staff"]
    sign_in(staff, Client())
    admin_client.post(reverse("organisations:user_action", args=[staff.pk, "reset-second-factor"]))
    assert not TOTPDevice.objects.filter(user=staff).exists()
    assert all(s.get_decoded().get("_auth_user_id") != str(staff.pk) for s in Session.objects.all())


def test_resetting_a_password_shows_a_new_one_time_password(world, admin_client):
    staff = world["users"]["school_staff"]
    response = admin_client.post(
        reverse("organisations:user_action", args=[staff.pk, "reset-password"])
    )
    password = admin_client.get(response.url).context["password"]
    staff.refresh_from_db()
    assert staff.check_password(password)
    assert staff.must_change_password


def test_an_administrator_cannot_disable_themselves(world, admin_client):
    admin = world["users"]["la_admin"]
    with pytest.raises(Refused):
        user_set_active(by=admin, user=admin, active=False)
    admin_client.post(reverse("organisations:user_action", args=[admin.pk, "disable"]))
    admin.refresh_from_db()
    assert admin.is_active


def test_unknown_actions_answer_404(world, admin_client):
    target = world["users"]["school_staff"].pk
    response = admin_client.post(reverse("organisations:user_action", args=[target, "delete"]))
    assert response.status_code == 404


def test_a_one_time_password_must_be_replaced_before_anything_else(world, sign_in):
    staff = world["users"]["school_staff"]
    staff.must_change_password = True
    staff.save()
    client = sign_in(staff)
    response = client.get(reverse("reports:home"))
    assert response.url == reverse("organisations:password_change")
    from tests.factories import PASSWORD

    bad = client.post(
        reverse("organisations:password_change"),
        {"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"},
    )
    assert "This password is too short" in bad.text
    done = client.post(
        reverse("organisations:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a new long passphrase",
            "new_password2": "a new long passphrase",
        },
    )
    assert done.url == reverse("organisations:account")
    staff.refresh_from_db()
    assert not staff.must_change_password
    assert staff.check_password("a new long passphrase")
    assert client.get(reverse("reports:home")).status_code == 200
