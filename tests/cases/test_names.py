"""Names refuse control and text-direction characters with a plain message (hardening finding 5):
a right-to-left override or a terminal escape in a name would change how pages and logs show it."""

from datetime import date

import pytest
from django.urls import reverse

from approvision.records import Refused
from cases.pupils.models import Pupil
from cases.pupils.services import pupil_create, pupil_update
from tests.factories import PupilFactory, enrol, make_upn

pytestmark = pytest.mark.django_db

SPOOFS = ["Ada\u202eecalper", "Eve\x1b[31m", "Nul\x00l", "Tab\tbed", "Iso\u2066late"]


@pytest.mark.parametrize("name", SPOOFS)
def test_a_name_with_hidden_controls_is_refused_and_nothing_is_saved(world, name):
    with pytest.raises(Refused) as refusal:
        pupil_create(
            by=world["users"]["school_staff"],
            school=world["academy"],
            joined_on=date(2026, 9, 3),
            upn=make_upn("929", 5151),
            legal_first_name=name,
            legal_last_name="Pupil",
        )
    assert refusal.value.field == "legal_first_name"
    assert "must not contain control or text-direction characters" in str(refusal.value)
    assert not Pupil.objects.filter(upn=make_upn("929", 5151)).exists()


def test_a_change_of_name_is_refused_the_same_way(world):
    pupil = PupilFactory(la=world["home"], legal_last_name="Marsh")
    with pytest.raises(Refused) as refusal:
        pupil_update(
            pupil=pupil,
            by=world["users"]["la_officer"],
            version=pupil.version,
            preferred_last_name="Marsh\u202e",
        )
    assert refusal.value.field == "preferred_last_name"
    pupil.refresh_from_db()
    assert pupil.preferred_last_name == "" and pupil.version == 1


def test_the_api_and_the_page_say_so_on_the_field(world, api, sign_in, client):
    given = {
        "upn": make_upn("929", 4343),
        "legal_first_name": "Ada\u202eecalper",
        "legal_last_name": "Pupil",
        "date_of_birth": "2013-05-01",
        "sex": "F",
        "school": world["academy"].urn,
        "joined_on": "2026-09-03",
    }
    answer = api(world["users"]["school_staff"]).post("/api/v1/pupils/", given, format="json")
    assert answer.status_code == 400
    assert "text-direction" in answer.json()["legal_first_name"][0]
    pupil = PupilFactory(la=world["home"])
    enrol(pupil, world["academy"])
    sign_in(world["users"]["la_officer"])
    page = client.post(
        reverse("cases:pupil_edit", args=[pupil.pk]),
        {
            "version": pupil.version,
            "legal_first_name": "Eve\x1b[31m",
            "legal_last_name": pupil.legal_last_name,
            "date_of_birth_0": pupil.date_of_birth.day,
            "date_of_birth_1": pupil.date_of_birth.month,
            "date_of_birth_2": pupil.date_of_birth.year,
            "sex": pupil.sex,
            "ethnicity": pupil.ethnicity,
            "sen_status": pupil.sen_status,
            "social_care": pupil.social_care,
        },
    )
    assert page.status_code == 200
    assert "must not contain control or text-direction characters" in page.content.decode()
    assert Pupil.objects.get(pk=pupil.pk).legal_first_name == pupil.legal_first_name
