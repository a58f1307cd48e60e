"""The PRU head's register and the officer's Fair Access for a child new to the area, in Chromium:
a whole day's register in one form with two exceptions and the week's return counted from it; a
child with no school place recorded, given a case and a place; a recommendation that puts last,
with the reason, the school a child recently left."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from cases.fair_access.models import FairAccessAllocation, FairAccessCase
from cases.pupils.models import Pupil
from cases.pupils.services import pupil_leave_school
from organisations.calendar import SchoolCalendar, school_year_of
from organisations.models import LocalAuthority, ProviderOrganisation, School, User
from placements.commissioning.models import ALL_SESSIONS, Placement
from placements.commissioning.services import placement_answer
from placements.registers.models import AttendanceMark, ProviderReturn
from placements.registers.services import week_start
from tests.browser.test_exclusions import fill_date, signed_in_home
from tests.factories import PupilFactory, enrol, offer, record_exclusion

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _running_at_the_pru(first_name: str, start: date) -> Placement:
    """A full-time placement at the demo PRU, running since `start`, every session expected."""
    harbridge = School.objects.get(name="Harbridge Academy")
    pupil = PupilFactory(la=harbridge.la, legal_first_name=first_name, legal_last_name="Quill")
    enrol(pupil, harbridge)
    provider = ProviderOrganisation.objects.get(name__startswith="The Harbridge Centre")
    placement = offer(
        {"pupil": pupil, "provider": provider, "officer": User.objects.get(username="officer")},
        start_date=start,
        capacity_override_reason="Room made for the test",
    )
    return placement_answer(
        placement=placement,
        by=User.objects.get(username="provider"),
        version=placement.version,
        accept=True,
        sessions=ALL_SESSIONS,
    )


def test_a_pru_head_takes_the_register_by_day_and_the_return_counts_it(
    page, today, accounts, assert_accessible
):
    # Today is Monday 11 January 2027 (the one fixture): last week's Monday is 4 January.
    last_monday = week_start(today) - timedelta(days=7)
    ada = _running_at_the_pru("Ada", last_monday - timedelta(days=14))
    ben = _running_at_the_pru("Ben", last_monday - timedelta(days=14))
    signed_in_home(page, accounts["provider"], assert_accessible)
    page.get_by_role("link", name="Register").first.click()
    page.goto(f"/register/?day={last_monday.isoformat()}")
    assert_accessible(page)
    # Present by default: two exceptions typed, Ada ill in the afternoon, Ben's morning unexplained.
    expect(page.get_by_label("Ada Quill, morning")).to_have_value("/")
    page.get_by_label("Ada Quill, afternoon").fill("i")
    page.get_by_label("Ben Quill, morning").fill("Q")  # not a code
    page.get_by_role("button", name="Save the register").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter a DfE attendance code for Ben Quill, morning, like / or I"
    )
    expect(page.get_by_label("Ada Quill, afternoon")).to_have_value("i")  # nothing typed lost
    assert_accessible(page)
    assert not AttendanceMark.objects.filter(placement__in=[ada, ben]).exists()
    page.get_by_label("Ben Quill, morning").fill("O")
    page.get_by_role("button", name="Save the register").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Register saved for Monday")
    # The rest of the week, everyone present: one press a day.
    for _day in range(1, 5):
        page.get_by_role("link", name="Next day").click()
        page.get_by_role("button", name="Save the register").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text("Register saved")
    assert AttendanceMark.objects.filter(placement=ada).count() == 10

    # Ada's return for the week: the sessions are counted from the register, not typed.
    page.goto(f"/placements/{ada.pk}/returns/add/?week={last_monday.isoformat()}")
    # Ten sessions, one of them illness: 9 of 10 attended, 90%.
    expect(page.locator("main")).to_contain_text("9 of 10 sessions (90%)")
    assert_accessible(page)
    page.get_by_label("Progress against the outcomes sought").fill("Settling; maths daily")
    page.get_by_label("Reason attendance is low").fill("Ill on Monday afternoon")
    page.get_by_role("button", name="Send the return").click()
    expect(page.locator("main")).to_contain_text("9 of 10 sessions (90.0%)")
    expect(page.locator("main")).to_contain_text("From the register")
    saved = ProviderReturn.objects.get(placement=ada)
    assert (saved.sessions_possible, saved.sessions_attended, saved.from_register) == (10, 9, True)


def test_a_child_new_to_the_area_gets_a_case_and_a_place(page, today, accounts, assert_accessible):
    signed_in_home(page, accounts["officer"], assert_accessible)
    page.goto("/fair-access/")
    page.get_by_role("link", name="add a child without a school place").click()
    assert_accessible(page)
    page.get_by_label("Legal first name").fill("Mariam")
    page.get_by_label("Legal last name").fill("Haddad")
    fill_date(page, "date_of_birth", date(school_year_of(today) - 13, 3, 9))  # Year 8
    page.get_by_label("Female").check()
    page.get_by_label("Postcode where they live").fill("NM2 9ZZ")
    fill_date(page, "arrived_on", today - timedelta(days=9))
    page.get_by_label("Their last school outside the local authority or abroad").fill(
        "Al-Nour School, Aleppo, Syria"
    )
    page.get_by_role("button", name="Add the child").click()
    expect(page.locator("main")).to_contain_text("now open the Fair Access case")
    assert_accessible(page)
    child = Pupil.objects.get(legal_last_name="Haddad")
    assert child.upn[-1].isalpha() and not child.enrolments.exists()  # a temporary UPN
    # The case form starts from what is known.
    expect(page.get_by_label("Home postcode district")).to_have_value("NM2")
    page.get_by_label("In-year applications made").fill("None: arrived from Syria last week")
    page.get_by_label("Gypsy, Roma or Traveller, a refugee or asylum seeker").check()
    page.get_by_role("button", name="Open the case").click()
    expect(page.locator("main")).to_contain_text("Fair Access case opened")
    page.get_by_role("button", name="Start the 20-day clock").click()
    # NM2's neighbours are NM1 and NM3 (the demo LA lists none): its schools and no others.
    expect(page.locator("main")).to_contain_text(
        "schools in the child's home district, NM2, and the districts next to it (NM1, NM3)"
    )
    ranked = page.get_by_role("region", name="Recommendation table")
    expect(ranked).to_contain_text("Kelmscott High School")  # NM2
    expect(ranked).not_to_contain_text("Castleton Community College")  # NM7
    assert_accessible(page)
    first = ranked.locator("tbody tr").first.locator("td").nth(1)
    page.get_by_label("School asked to admit the child").select_option(
        label=first.inner_text().split("\n")[0]
    )
    page.get_by_role("button", name="Allocate the place").click()
    expect(page.locator("main")).to_contain_text("Place allocated")
    case = FairAccessCase.objects.get(pupil=child)
    assert case.state == FairAccessCase.State.ALLOCATED
    assert FairAccessAllocation.objects.get(case=case).recommended_rank == 1


def test_the_recommendation_puts_last_the_school_a_child_just_left(
    page, today, accounts, assert_accessible
):
    # Suspended from Harbridge Academy, then taken off its roll for home education 10 days later.
    harbridge = School.objects.get(name="Harbridge Academy")
    calendar = SchoolCalendar.for_school(harbridge)
    suspended = calendar.last_school_day_before(today - timedelta(days=14)).date
    pupil = PupilFactory(
        la=LocalAuthority.objects.get(code="929"),
        legal_first_name="Theo",
        legal_last_name="Marsh",
        date_of_birth=date(school_year_of(today) - 14, 1, 15),  # Year 9
    )
    enrol(pupil, harbridge)
    senco = User.objects.get(username="senco")
    record_exclusion(
        by=senco, pupil=pupil, school=harbridge, start_date=suspended, end_date=suspended
    )
    pupil_leave_school(pupil=pupil, on=suspended + timedelta(days=10), reason="ehe", by=senco)

    signed_in_home(page, accounts["officer"], assert_accessible)
    page.goto(f"/pupils/{pupil.pk}/")
    page.get_by_role("link", name="Open a Fair Access case").click()
    fill_date(page, "unplaced_since", suspended + timedelta(days=10))
    page.get_by_label("In-year applications made").fill("Kelmscott High: full")
    page.get_by_label("Home postcode district").fill("NM2")
    page.get_by_label("Parental preference").fill("Wexley Academy, near their grandparents")
    page.get_by_label("Out of education for 4 weeks or more").check()
    page.get_by_role("button", name="Open the case").click()
    expect(page.locator("main")).to_contain_text("Whose turn is it")
    assert_accessible(page)
    rows = page.get_by_role("region", name="Recommendation table").locator("tbody tr")
    last = rows.nth(rows.count() - 1)
    expect(last).to_contain_text("Harbridge Academy")
    expect(last).to_contain_text("The child's recent school")
    expect(last).to_contain_text("10 days after a suspension there: possible off-rolling")
    expect(page.locator("main")).to_contain_text(
        "The parents' preference: Wexley Academy, near their grandparents"
    )
    wexley = rows.filter(has_text="Wexley Academy").first
    expect(wexley).to_contain_text("Parents' preference")
