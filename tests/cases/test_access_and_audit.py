"""Who sees which pupils, exclusions and deadlines; and every read of a case file is audited."""

from datetime import date

import pytest
from django.urls import reverse

from audit.models import PupilRead
from cases.exclusions.models import Deadline, Exclusion
from cases.exclusions.services import exclusion_record
from cases.pupils.models import Pupil
from cases.pupils.services import pupil_leave_school
from organisations.roles import Role
from tests.factories import PupilFactory, enrol, make_member


@pytest.fixture
def cases(world, today):
    """A pupil excluded at the academy; a pupil who moved from it to the maintained school."""
    senco = world["users"]["school_staff"]
    stays = PupilFactory(la=world["home"], legal_first_name="Stays")
    enrol(stays, world["academy"])
    pex = exclusion_record(
        by=senco,
        pupil=stays,
        school=world["academy"],
        kind=Exclusion.Kind.PERMANENT,
        start_date=date(2026, 10, 5),
        reasons=["PA"],
        decided_by="Head",
    )
    moved = PupilFactory(la=world["home"], legal_first_name="Moved")
    enrol(moved, world["academy"])
    old = exclusion_record(
        by=senco,
        pupil=moved,
        school=world["academy"],
        kind=Exclusion.Kind.SUSPENSION,
        start_date=date(2026, 10, 5),
        end_date=date(2026, 10, 5),
        sessions=2,
        reasons=["DB"],
        decided_by="Head",
    )
    pupil_leave_school(
        pupil=moved,
        on=date(2026, 10, 12),
        reason="moved_school",
        by=senco,
        to_school=world["maintained"],
    )
    new = exclusion_record(
        by=world["users"]["other_school_staff"],
        pupil=moved,
        school=world["maintained"],
        kind=Exclusion.Kind.SUSPENSION,
        start_date=date(2026, 11, 9),
        end_date=date(2026, 11, 9),
        sessions=2,
        reasons=["VA"],
        decided_by="Head",
    )
    foreign = PupilFactory(la=world["other"], legal_first_name="Foreign")
    enrol(foreign, world["foreign"])
    return {"stays": stays, "moved": moved, "foreign": foreign, "pex": pex, "old": old, "new": new}


def firsts(queryset):
    return set(queryset.values_list("legal_first_name", flat=True))


EXPECTED = {
    "la_officer": {"Stays", "Moved"},
    "panel_member": {"Stays", "Moved"},
    "la_admin": set(),
    "director": set(),
    "school_staff": {"Stays", "Moved"},  # Moved: it recorded an exclusion of theirs
    "other_school_staff": {"Moved"},
    "trust_lead": {"Stays", "Moved"},
    "provider_staff": set(),
    "other_la_officer": {"Foreign"},
}


@pytest.mark.parametrize("role", EXPECTED)
def test_pupils_visible_to_each_role(world, cases, role):
    assert firsts(Pupil.objects.visible_to(world["users"][role])) == EXPECTED[role]


def test_a_school_keeps_seeing_only_what_it_recorded_of_a_pupil_who_left(world, cases):
    old_school = set(Exclusion.objects.visible_to(world["users"]["school_staff"]))
    assert cases["old"] in old_school and cases["new"] not in old_school
    # The new school sees the pupil's whole history: the cap counts across schools.
    new_school = set(Exclusion.objects.visible_to(world["users"]["other_school_staff"]))
    assert {cases["old"], cases["new"]} <= new_school
    assert cases["pex"] not in new_school


def test_deadlines_follow_their_exclusions(world, cases):
    assert (
        Deadline.objects.visible_to(world["users"]["la_officer"])
        .filter(exclusion=cases["pex"])
        .exists()
    )
    assert not Deadline.objects.visible_to(world["users"]["other_school_staff"]).exists()
    assert not Deadline.objects.visible_to(world["users"]["director"]).exists()


@pytest.mark.parametrize("role", EXPECTED)
def test_case_files_answer_404_out_of_scope(world, cases, sign_in, role):
    client = sign_in(world["users"][role])
    for key in ("stays", "moved", "foreign"):
        pupil = cases[key]
        response = client.get(reverse("cases:pupil_detail", args=[pupil.pk]))
        if pupil.legal_first_name in EXPECTED[role]:
            assert response.status_code == 200
        else:
            assert response.status_code in (403, 404)
            assert response.status_code == 404 or not EXPECTED[role]


def test_a_bulk_loaded_pupil_without_history_rows_has_a_case_file(world, cases, sign_in):
    # Migrated or generated records arrive by bulk insert: no history rows to show.
    cases["stays"].history.all().delete()
    response = sign_in(world["users"]["la_officer"]).get(
        reverse("cases:pupil_detail", args=[cases["stays"].pk])
    )
    assert response.status_code == 200
    assert "Stays" in response.text


def test_viewing_a_case_file_writes_exactly_one_audit_row_without_the_data(world, cases, sign_in):
    officer = world["users"]["la_officer"]
    client = sign_in(officer)
    before = PupilRead.objects.count()
    client.get(reverse("cases:pupil_detail", args=[cases["stays"].pk]))
    assert PupilRead.objects.count() == before + 1
    row = PupilRead.objects.latest("at")
    assert row.pupil_ids == [cases["stays"].pk]
    assert row.user_id == officer.pk
    assert row.role == "LA officer"
    assert row.organisation == "Northmoor County Council"
    assert row.action == PupilRead.Action.VIEW_CASE_FILE
    assert row.ip_address == "127.0.0.1"
    stored = " ".join(str(value) for value in row.__dict__.values())
    for secret in (cases["stays"].legal_first_name, cases["stays"].upn, "1 January"):
        assert secret not in stored


def test_lists_and_exclusions_are_audited_too(world, cases, sign_in):
    client = sign_in(world["users"]["la_officer"])
    client.get(reverse("cases:pupil_list"))
    listed = PupilRead.objects.latest("at")
    assert listed.action == PupilRead.Action.LIST
    assert set(listed.pupil_ids) == {cases["stays"].pk, cases["moved"].pk}
    client.get(reverse("cases:exclusion_detail", args=[cases["pex"].pk]))
    assert PupilRead.objects.latest("at").pupil_ids == [cases["stays"].pk]


def test_directors_have_no_pupil_pages(world, cases, sign_in):
    client = sign_in(world["users"]["director"])
    assert client.get(reverse("cases:pupil_list")).status_code == 403
    assert client.get(reverse("cases:deadline_list")).status_code == 403


def test_a_duplicate_upn_says_where_the_record_is_when_the_user_may_see_it(world, cases, sign_in):
    client = sign_in(world["users"]["la_officer"])
    form = {
        "upn": cases["stays"].upn,
        "legal_first_name": "Again",
        "legal_last_name": "Child",
        "date_of_birth_0": "1",
        "date_of_birth_1": "1",
        "date_of_birth_2": "2012",
        "sex": "F",
        "ethnicity": "NOBT",
        "sen_status": "N",
        "social_care": "none",
        "school": world["maintained"].pk,
        "joined_on_0": "1",
        "joined_on_1": "9",
        "joined_on_2": "2024",
    }
    response = client.post(reverse("cases:pupil_add"), form)
    assert reverse("cases:pupil_detail", args=[cases["stays"].pk]) in response.text
    # Another school's staff are told it exists, but not where, and see nothing of it.
    other = make_member(Role.SCHOOL_STAFF, world["maintained"])
    response = sign_in(other).post(reverse("cases:pupil_add"), form)
    assert "already recorded by the local authority" in response.text
    assert reverse("cases:pupil_detail", args=[cases["stays"].pk]) not in response.text
    assert Pupil.objects.filter(legal_first_name="Again").count() == 0


def test_list_pages_run_a_fixed_number_of_queries(
    world, cases, sign_in, django_assert_max_num_queries
):
    client = sign_in(world["users"]["la_officer"])
    for url in (reverse("cases:pupil_list"), reverse("cases:deadline_list") + "?when=open"):
        client.get(url)
        with django_assert_max_num_queries(16) as few:
            client.get(url)
        for n in range(20):
            pupil = PupilFactory(la=world["home"])
            enrol(pupil, world["maintained"])
            exclusion_record(
                by=world["users"]["la_officer"],
                pupil=pupil,
                school=world["maintained"],
                kind=Exclusion.Kind.PERMANENT,
                start_date=date(2026, 10, 1 + n % 20),
                reasons=["DB"],
                decided_by="Head",
            )
        with django_assert_max_num_queries(len(few.captured_queries)):
            client.get(url)


def test_the_case_file_runs_at_most_20_queries_however_many_exclusions(
    world, cases, sign_in, django_assert_max_num_queries
):
    client = sign_in(world["users"]["la_officer"])
    url = reverse("cases:pupil_detail", args=[cases["moved"].pk])
    client.get(url)
    with django_assert_max_num_queries(20) as few:
        assert client.get(url).status_code == 200
    for day in (16, 17, 18, 19, 20, 23):  # school days
        exclusion_record(
            by=world["users"]["la_officer"],
            pupil=cases["moved"],
            school=world["maintained"],
            kind=Exclusion.Kind.LUNCHTIME,
            start_date=date(2026, 11, day),
            reasons=["DB"],
            decided_by="Head",
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_pupil_details_change_with_history_and_a_stale_edit_is_refused(world, cases, sign_in):
    client = sign_in(world["users"]["la_officer"])
    pupil = cases["stays"]
    url = reverse("cases:pupil_edit", args=[pupil.pk])
    form = client.get(url).context["form"]
    data = {
        **{k: v for k, v in form.initial.items() if v is not None and not isinstance(v, bool)},
        "date_of_birth_0": pupil.date_of_birth.day,
        "date_of_birth_1": pupil.date_of_birth.month,
        "date_of_birth_2": pupil.date_of_birth.year,
        "preferred_first_name": "Stevie",
        "home_la": "",
    }
    data.pop("date_of_birth", None)
    assert client.post(url, data).status_code == 302
    pupil.refresh_from_db()
    assert pupil.preferred_first_name == "Stevie" and pupil.version == 2
    page = client.get(reverse("cases:pupil_detail", args=[pupil.pk])).text
    assert "Preferred first name: blank → Stevie" in page
    # The same form sent again carries version 1: someone else's change would be lost.
    stale = client.post(url, {**data, "preferred_first_name": "Sam"})
    assert "Someone else changed this record" in stale.text
    pupil.refresh_from_db()
    assert pupil.preferred_first_name == "Stevie"


def test_leaving_the_roll_records_why_and_the_old_school_loses_the_pupil(world, cases, sign_in):
    client = sign_in(world["users"]["school_staff"])
    pupil = PupilFactory(la=world["home"], legal_first_name="Leaver")
    enrol(pupil, world["academy"])
    url = reverse("cases:pupil_leave", args=[pupil.pk])
    bad = client.post(url, {"left_on_0": "1", "left_on_1": "10", "left_on_2": "2026"})
    assert "Select why they left" in bad.text
    done = client.post(
        url, {"left_on_0": "1", "left_on_1": "10", "left_on_2": "2026", "reason": "ehe"}
    )
    assert done.status_code == 302
    enrolment = pupil.enrolments.get()
    assert (enrolment.left_on, enrolment.leaving_reason) == (date(2026, 10, 1), "ehe")
    # Nothing recorded about them there, so the school no longer sees them.
    assert client.get(reverse("cases:pupil_detail", args=[pupil.pk])).status_code == 404
    assert (
        sign_in(world["users"]["la_officer"])
        .get(reverse("cases:pupil_detail", args=[pupil.pk]))
        .status_code
        == 200
    )


def test_another_school_cannot_change_a_pupil_it_only_once_excluded(world, cases, sign_in):
    client = sign_in(world["users"]["school_staff"])
    moved = cases["moved"]
    assert client.get(reverse("cases:pupil_detail", args=[moved.pk])).status_code == 200
    assert client.get(reverse("cases:pupil_edit", args=[moved.pk])).status_code == 403
    assert client.get(reverse("cases:pupil_leave", args=[moved.pk])).status_code == 403
