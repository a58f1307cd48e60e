"""Issue 16 on the pages, the API and the import: the administrator told of missing term dates,
both 45-day totals, the PH warning, the INSET warning, and implausible dates refused in words.

The test world has no term dates: its clocks are estimates. Today is Monday 11 January 2027.
"""

from datetime import date

import pytest
from django.urls import reverse

from cases.exclusions.models import Exclusion
from cases.exclusions.term_dates import term_dates_needed, term_dates_remind
from cases.notices.models import Message
from cases.pupils.models import Pupil
from organisations.models import LocalAuthority, Term
from tests.factories import PupilFactory, enrol, make_upn, record_exclusion


@pytest.fixture
def pex(world, today):
    pupil = PupilFactory(la=world["home"])
    enrol(pupil, world["academy"])
    return record_exclusion(
        by=world["users"]["school_staff"],
        pupil=pupil,
        school=world["academy"],
        kind=Exclusion.Kind.PERMANENT,
        start_date=date(2027, 1, 4),
        end_date=None,
    )


def test_the_administrator_is_told_which_term_dates_the_clocks_need(world, pex, sign_in, client):
    # No term dates at all: the permanent exclusion's two clocks (6th day, board) are estimates
    # falling in 2026/27.
    needed = term_dates_needed(world["home"])
    assert needed == {"years": [2026], "clocks": 2}
    sign_in(world["users"]["la_admin"])
    page = client.get(reverse("reports:home")).content.decode()
    assert "2 open deadlines are counted past the term dates entered" in page
    assert "Enter the term dates for 2026/27" in page
    # Once 2026/27's dates are entered (and the clocks recounted) nothing is needed.
    Term.objects.create(
        la=world["home"],
        school_year=2026,
        name="autumn_1",
        start=date(2026, 9, 1),
        end=date(2026, 12, 18),
    )
    Term.objects.create(
        la=world["home"],
        school_year=2026,
        name="spring_1",
        start=date(2027, 1, 4),
        end=date(2027, 7, 21),
    )
    from cases.tasks import deadlines_refresh

    deadlines_refresh()
    assert term_dates_needed(world["home"]) == {"years": [], "clocks": 0}
    assert "counted past the term dates" not in client.get(reverse("reports:home")).content.decode()


def test_the_reminder_goes_to_the_las_administrators_at_most_once_a_week(world, pex):
    admin = world["users"]["la_admin"]
    admin.email = "admin@northmoor.example.org"
    admin.save(update_fields=["email"])
    assert term_dates_remind(date(2027, 1, 11)) == 1
    (message,) = Message.objects.filter(kind="term_dates")
    assert message.to_address == "admin@northmoor.example.org"
    assert "2026/27" in message.body and "2 open deadlines" in message.body
    assert pex.pupil.legal_last_name not in message.body  # no pupil named in e-mail
    assert term_dates_remind(date(2027, 1, 17)) == 0  # six days later: not again
    assert term_dates_remind(date(2027, 1, 18)) == 1  # a week later, still missing: again
    assert LocalAuthority.objects.get(pk=world["home"].pk).term_dates_reminded_on == date(
        2027, 1, 18
    )


def test_the_case_file_shows_the_cap_at_the_school_and_across_schools(
    world, today, sign_in, client
):
    pupil = PupilFactory(la=world["home"])
    enrol(pupil, world["maintained"], joined_on=date(2026, 9, 1))
    # 3 days at the maintained school in the autumn; the pupil then moves to the academy and is
    # suspended there for 2 days: 5 across schools, 2 at the academy (the school now).
    record_exclusion(
        by=world["users"]["other_school_staff"],
        pupil=pupil,
        school=world["maintained"],
        start_date=date(2026, 11, 9),
        end_date=date(2026, 11, 11),
        sessions=6,
    )
    from cases.pupils.services import pupil_leave_school

    pupil_leave_school(
        pupil=pupil,
        on=date(2026, 11, 30),
        reason="moved_school",
        by=world["users"]["la_officer"],
        to_school=world["academy"],
    )
    record_exclusion(
        by=world["users"]["school_staff"],
        pupil=pupil,
        school=world["academy"],
        start_date=date(2027, 1, 5),
        end_date=date(2027, 1, 6),
        sessions=4,
    )
    sign_in(world["users"]["la_officer"])
    page = client.get(reverse("cases:pupil_detail", args=[pupil.pk])).content.decode()
    assert "5 of 45 days across schools" in page
    assert f"2 days at {world['academy'].name}" in page


def test_a_new_exclusion_with_reason_ph_is_recorded_with_a_warning(world, today, sign_in, client):
    pupil = PupilFactory(la=world["home"])
    enrol(pupil, world["academy"])
    sign_in(world["users"]["school_staff"])
    answer = client.post(
        reverse("cases:exclusion_add", args=[pupil.pk]),
        {
            "kind": "LNCH",
            "start_date_0": "11",
            "start_date_1": "1",
            "start_date_2": "2027",
            "reason_1": "PH",
            "decided_by": "Head",
        },
        follow=True,
    )
    assert Exclusion.objects.filter(pupil=pupil, reasons=["PH"]).exists()
    assert "may no longer be in the school census" in answer.content.decode()


def test_the_calendar_page_warns_when_inset_days_count(world, sign_in, client):
    sign_in(world["users"]["la_admin"])
    assert "s579" not in client.get(reverse("organisations:calendar")).content.decode()
    LocalAuthority.objects.filter(pk=world["home"].pk).update(inset_days_are_school_days=True)
    assert "s579" in client.get(reverse("organisations:calendar")).content.decode()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"date_of_birth": "9999-01-01"}, "date_of_birth"),
        ({"date_of_birth": "1890-01-01"}, "date_of_birth"),
        ({"date_of_birth": "2013-05-01", "joined_on": "2012-09-03"}, "joined_on"),  # before birth
        ({"joined_on": "2027-09-01"}, "joined_on"),  # in the future
    ],
)
def test_the_api_refuses_implausible_pupil_dates_by_field(world, today, api, change, field):
    given = {
        "upn": make_upn("929", 4711),
        "legal_first_name": "Ada",
        "legal_last_name": "Pupil",
        "date_of_birth": "2013-05-01",
        "sex": "F",
        "school": world["academy"].urn,
        "joined_on": "2026-09-03",
        **change,
    }
    answer = api(world["users"]["school_staff"]).post("/api/v1/pupils/", given, format="json")
    assert answer.status_code == 400
    assert field in answer.json(), answer.json()
    assert not Pupil.objects.filter(legal_first_name="Ada").exists()


@pytest.mark.parametrize(
    ("first", "words"),
    [("1899-12-01", "older records are not kept"), ("2100-01-04", "more than 60 days ahead")],
)
def test_the_api_refuses_an_exclusion_dated_1899_or_2100(world, today, api, first, words):
    pupil = PupilFactory(la=world["home"])
    enrol(pupil, world["academy"])
    answer = api(world["users"]["school_staff"]).post(
        "/api/v1/exclusions/",
        {
            "pupil": pupil.pk,
            "kind": "PERM",
            "start_date": first,
            "reasons": ["PA"],
            "decided_by": "Head",
        },
        format="json",
    )
    assert answer.status_code == 400
    assert words in answer.json()["start_date"][0]
    assert not Exclusion.objects.filter(pupil=pupil).exists()


@pytest.mark.parametrize(("sessions", "warned"), [(70, True), (69, False)])
def test_the_cap_warning_starts_at_35_days(world, today, sign_in, client, sessions, warned):
    # Mon 7 Sep - Fri 23 Oct 2026: 7 weeks of estimated school days (35). 70 sessions are 35
    # days (warned); 69 are 34.5 (not yet).
    pupil = PupilFactory(la=world["home"])
    enrol(pupil, world["academy"])
    record_exclusion(
        by=world["users"]["school_staff"],
        pupil=pupil,
        school=world["academy"],
        start_date=date(2026, 9, 7),
        end_date=date(2026, 10, 23),
        sessions=sessions,
    )
    sign_in(world["users"]["la_officer"])
    page = client.get(reverse("cases:pupil_detail", args=[pupil.pk])).content.decode()
    assert ("the limit is 45" in page) is warned
