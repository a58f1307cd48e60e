"""A child new to the area gets a Fair Access case, and the recommendation looks near their home,
shows the parents' preference and puts last, with the reason, a school the child recently left."""

from datetime import date

import pytest
from django.urls import reverse
from stdnum.gb import upn as stdnum_upn

from approvision.records import Refused
from cases.fair_access.ledger import candidate_schools, recommend
from cases.fair_access.models import FairAccessCase
from cases.fair_access.services import fair_access_agree, fair_access_allocate, fair_access_open
from cases.pupils.identifiers import upn_validator
from cases.pupils.models import Enrolment, Pupil
from cases.pupils.services import pupil_create_unplaced
from tests.factories import date_post, enrol, record_exclusion

CHILD = {
    "legal_first_name": "Zofia",
    "legal_last_name": "Nowak",
    "date_of_birth": date(2013, 5, 4),  # Year 8 in 2026/27
    "sex": "F",
}


def _new_child(fa, **overrides):
    fields = {
        "by": fa["users"]["la_officer"],
        "la": fa["home"],
        "arrived_on": date(2026, 12, 14),
        "home_postcode": "nm4 6tt",
        "last_school_elsewhere": "Szkoła Podstawowa nr 12, Gdańsk, Poland",
        **CHILD,
    }
    return pupil_create_unplaced(**{**fields, **overrides})


def test_a_child_from_abroad_is_recorded_without_a_school_and_given_a_temporary_upn(fa):
    child = _new_child(fa)
    assert child.home_postcode == "NM4 6TT"
    assert not child.enrolments.exists()
    # The LA's code, 0000 for no establishment, 26 for the school year 2026/27, serial 00A.
    assert child.upn[1:] == f"{fa['home'].code}00002600A"
    assert stdnum_upn.is_valid(child.upn) or child.upn[0] == stdnum_upn.calc_check_digit(
        child.upn[1:]
    )
    upn_validator(child.upn)  # passes our own check (the DfE register's LA codes)
    # The next child gets the next serial.
    second = _new_child(fa, legal_first_name="Jan")
    assert second.upn[1:] == f"{fa['home'].code}00002601A"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"home_postcode": "nowhere"}, "home_postcode"),
        ({"arrived_on": date(2027, 2, 1)}, "arrived_on"),  # after today, 11 January 2027
        ({"last_school": "kelmscott"}, "last_school_elsewhere"),  # both given
    ],
)
def test_a_new_child_with_wrong_details_is_refused_and_nothing_saved(fa, overrides, field):
    if overrides.get("last_school") == "kelmscott":
        overrides = {"last_school": fa["schools"]["kelmscott"]}
    with pytest.raises(Refused) as error:
        _new_child(fa, **overrides)
    assert error.value.field == field
    assert not Pupil.objects.filter(legal_last_name="Nowak").exists()


def test_only_the_las_officers_record_a_child_without_a_school(fa):
    for role in ("school_staff", "other_la_officer"):
        with pytest.raises(Refused, match="Only the local authority"):
            _new_child(fa, by=fa["users"][role])
    assert not Pupil.objects.filter(legal_last_name="Nowak").exists()


def test_districts_near_a_home_are_the_las_list_or_the_numbers_either_side(fa):
    la = fa["home"]
    assert la.districts_near("nm4") == ["NM4", "NM1", "NM2"]  # the fixture's list
    assert la.districts_near("NM1") == ["NM1", "NM4"]  # read both ways
    assert la.districts_near("NM7") == ["NM7", "NM6", "NM8"]  # not listed: either side
    assert la.districts_near("NM1A") == ["NM1A"]


def test_the_recommendation_looks_near_home_and_says_so(fa):
    reach = candidate_schools(fa["home"], "secondary", "NM4")
    assert {s.name for s in reach.schools} == {s.name for s in fa["schools"].values()}
    assert reach.words == (
        "schools in the child's home district, NM4, and the districts next to it (NM1, NM2)"
    )
    # NM7's neighbours are NM6 and NM8: no secondary there, so the NM area, said in words.
    wider = candidate_schools(fa["home"], "secondary", "NM7")
    assert len(wider.schools) == 3
    assert wider.words.startswith("every secondary school in the NM postcode area: none is in NM7")


def test_a_new_child_gets_a_case_and_a_place_and_the_school_they_left_comes_last(fa):
    # Sam (the fixture's pupil) was at Harbridge Academy, suspended on 21 October 2026 and taken
    # off its roll for home education on 31 October: ten days later.
    pupil, harbridge = fa["pupil"], fa["schools"]["harbridge"]
    enrol(pupil, harbridge)
    record_exclusion(by=fa["users"]["school_staff"], pupil=pupil, school=harbridge)
    Enrolment.objects.filter(pupil=pupil).update(
        left_on=date(2026, 10, 31), leaving_reason=Enrolment.LeavingReason.ELECTIVE_HOME_EDUCATION
    )
    case = fair_access_open(
        pupil=pupil,
        by=fa["users"]["la_officer"],
        groups=["7"],
        unplaced_since=date(2026, 12, 1),
        applications_tried="Kelmscott High (full)",
        home_district="NM4",
        referred_on=date(2027, 1, 6),
        parental_preference="Kestrel Park School, near their aunt",
    )
    ranked = recommend(case)
    names = [r.row.name for r in ranked]
    # With an empty ledger Harbridge (900 pupils) would rank below the two larger schools anyway;
    # what matters is that it is last and says why, in words.
    assert names[-1] == harbridge.name
    last = ranked[-1]
    assert last.reasons[0].startswith("the child was suspended from this school on 21 October 2026")
    assert last.reasons[1] == (
        "the child left this school on 31 October 2026 (elective home education), "
        "10 days after a suspension there: possible off-rolling"
    )
    kestrel = next(r for r in ranked if r.row.school_id == fa["schools"]["kestrel"].pk)
    assert "named in the parents' preference" in kestrel.reasons


def test_an_officer_adds_a_child_new_to_the_area_and_opens_the_case(fa, sign_in):
    client = sign_in(fa["users"]["la_officer"])
    url = reverse("cases:pupil_add_unplaced")
    form = {
        "upn": "",
        "legal_first_name": "Zofia",
        "legal_last_name": "Nowak",
        **date_post("date_of_birth", date(2013, 5, 4)),
        "sex": "F",
        "ethnicity": "WOTH",
        "sen_status": "N",
        "social_care": "none",
        "home_postcode": "NM4 6TT",
        **date_post("arrived_on", date(2026, 12, 14)),
        "last_school_elsewhere": "Szkoła Podstawowa nr 12, Gdańsk, Poland",
    }
    wrong = client.post(url, {**form, "home_postcode": "NM4"})
    assert wrong.status_code == 200
    body = wrong.content.decode()
    assert "Enter the postcode where they live, like NM4 8JW" in body
    assert 'value="Szkoła Podstawowa nr 12, Gdańsk, Poland"' in body  # kept as typed
    done = client.post(url, form)
    child = Pupil.objects.get(legal_last_name="Nowak")
    assert done["Location"] == reverse("cases:fair_access_open", args=[child.pk])
    # The case form starts from what is known: unplaced since they arrived, their district.
    page = client.get(done["Location"]).content.decode()
    assert 'name="home_district" value="NM4"' in page
    assert 'name="unplaced_since_0" value="14"' in page
    case = fair_access_open(
        pupil=child, by=fa["users"]["la_officer"], groups=["9"],
        unplaced_since=child.arrived_on, applications_tried="None: new from abroad",
        home_district="NM4", referred_on=date(2027, 1, 6),
    )  # fmt: skip
    case = fair_access_agree(
        case=case, by=fa["users"]["la_officer"], version=case.version, agreed_on=date(2027, 1, 7)
    )
    first = recommend(case)[0].row
    allocation = fair_access_allocate(
        case=case,
        by=fa["users"]["la_officer"],
        version=case.version,
        school=next(s for s in fa["schools"].values() if s.pk == first.school_id),
    )
    assert allocation.recommended_rank == 1
    assert FairAccessCase.objects.get(pk=case.pk).state == FairAccessCase.State.ALLOCATED
    # A school sees no child without a school, and cannot reach the page.
    assert sign_in(fa["users"]["school_staff"]).get(url).status_code == 403


def test_the_api_records_a_child_without_a_school_with_field_errors(fa, api):
    client = api(fa["users"]["la_officer"])
    body = {
        "legal_first_name": "Zofia",
        "legal_last_name": "Nowak",
        "date_of_birth": "2013-05-04",
        "sex": "F",
    }
    # Neither a school nor a home postcode: both named.
    missing = client.post("/api/v1/pupils/", body, format="json")
    assert missing.status_code == 400
    assert set(missing.json()) >= {"school", "home_postcode"}
    wrong = client.post("/api/v1/pupils/", {**body, "home_postcode": "nowhere"}, format="json")
    assert wrong.status_code == 400 and "home_postcode" in wrong.json()
    assert not Pupil.objects.filter(legal_last_name="Nowak").exists()
    made = client.post(
        "/api/v1/pupils/",
        {**body, "home_postcode": "NM4 6TT", "arrived_on": "2026-12-14",
         "last_school": fa["schools"]["kestrel"].urn},
        format="json",
    )  # fmt: skip
    assert made.status_code == 201, made.json()
    data = made.json()
    assert data["current_school"] is None and data["home_postcode"] == "NM4 6TT"
    assert data["last_school"] == fa["schools"]["kestrel"].urn
    assert data["upn"][1:] == f"{fa['home'].code}00002600A"  # a temporary UPN
    # A school's staff add pupils to their roll only.
    refused = api(fa["users"]["school_staff"]).post(
        "/api/v1/pupils/", {**body, "home_postcode": "NM4 6TT"}, format="json"
    )
    assert refused.status_code == 400
    assert Pupil.objects.filter(legal_last_name="Nowak").count() == 1


def test_a_wrong_postcode_is_corrected_on_the_page_and_through_the_api(fa, sign_in, api):
    child = _new_child(fa)
    client = sign_in(fa["users"]["la_officer"])
    url = reverse("cases:pupil_edit", args=[child.pk])
    page = client.get(url).content.decode()
    assert 'name="home_postcode" value="NM4 6TT"' in page
    form = {
        "legal_first_name": "Zofia", "legal_last_name": "Nowak",
        **date_post("date_of_birth", CHILD["date_of_birth"]), "sex": "F", "ethnicity": "NOBT",
        "sen_status": "N", "social_care": "none", "version": child.version,
        **date_post("arrived_on", child.arrived_on),
        "last_school_elsewhere": child.last_school_elsewhere,
    }  # fmt: skip
    wrong = client.post(url, {**form, "home_postcode": "NM46"})
    assert "Enter the postcode where they live, like NM4 8JW" in wrong.content.decode()
    assert client.post(url, {**form, "home_postcode": "nm3 1aa"}).status_code == 302
    child.refresh_from_db()
    assert child.home_postcode == "NM3 1AA"
    # The API corrects it the same way, with the same rule.
    officer = api(fa["users"]["la_officer"])
    read = officer.get(f"/api/v1/pupils/{child.pk}/")
    bad = officer.patch(
        f"/api/v1/pupils/{child.pk}/", {"arrived_on": "2027-03-01"}, format="json",
        HTTP_IF_MATCH=read["ETag"],
    )  # fmt: skip
    assert bad.status_code == 400 and "arrived_on" in bad.json()
    good = officer.patch(
        f"/api/v1/pupils/{child.pk}/", {"home_postcode": "NM2 4BB"}, format="json",
        HTTP_IF_MATCH=read["ETag"],
    )  # fmt: skip
    assert good.status_code == 200 and good.json()["home_postcode"] == "NM2 4BB"
