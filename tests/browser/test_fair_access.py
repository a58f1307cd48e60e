"""Fair Access in the browser: the officer opens a case, the panel sees whose turn it is and why,
allocates, the school refuses, the officer escalates."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.fair_access.models import FairAccessAllocation, FairAccessCase
from organisations.calendar import school_year_of
from organisations.models import LocalAuthority
from tests.browser.test_exclusions import fill_date, signed_in_home
from tests.factories import PupilFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_fair_access_case_from_referral_to_escalation(page, accounts, assert_accessible):
    # Year 9 this school year (whatever day it runs), new to the area and on no school's roll.
    today = timezone.localdate()
    pupil = PupilFactory(
        la=LocalAuthority.objects.get(code="929"),
        legal_first_name="Noah",
        legal_last_name="Brennan",
        date_of_birth=date(school_year_of(today) - 13, 1, 15),
    )

    signed_in_home(page, accounts["officer"], assert_accessible)
    page.goto(f"/pupils/{pupil.pk}/")
    page.get_by_role("link", name="Open a Fair Access case").click()
    assert_accessible(page)
    fill_date(page, "unplaced_since", today - timedelta(weeks=8))
    page.get_by_label("In-year applications made").fill("Kelmscott High: full. Harbridge: full.")
    page.get_by_label("Home postcode district").fill("NM1")
    page.get_by_role("button", name="Open the case").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Select at least one of the groups"
    )
    assert_accessible(page)
    assert not FairAccessCase.objects.filter(pupil=pupil).exists()
    page.get_by_label("Homeless").check()
    page.get_by_label("Out of education for 4 weeks or more").check()
    page.get_by_role("button", name="Open the case").click()
    expect(page.locator("main")).to_contain_text("Fair Access case opened")
    assert_accessible(page)
    case_url = page.url
    page.get_by_role("button", name="Start the 20-day clock").click()
    expect(page.locator("main")).to_contain_text("a place must be allocated by")
    assert_accessible(page)

    # The panel member sees whose turn it is, with the reasons, and allocates.
    signed_in_home(page, accounts["panel"], assert_accessible)
    page.get_by_role("link", name="Fair Access").first.click()
    assert_accessible(page)
    page.get_by_role("link", name="Noah Brennan").click()
    expect(page.locator("main")).to_contain_text("Whose turn is it")
    expect(page.locator("main")).to_contain_text("placements in Year 9")
    assert_accessible(page)
    rows = page.locator("table[class='govuk-table'] tbody tr")
    first = rows.first.locator("td").nth(1).inner_text()
    page.get_by_label("School asked to admit the child").select_option(
        label="Harbridge Park Primary School"
    )
    page.get_by_label("Reason for choosing it").fill("Closest to the refuge")
    page.get_by_role("button", name="Allocate the place").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "this child needs a secondary place"
    )
    assert_accessible(page)
    assert not FairAccessAllocation.objects.filter(case__pupil=pupil).exists()
    page.get_by_label("School asked to admit the child").select_option(label="Harbridge Academy")
    if first != "Harbridge Academy":
        page.get_by_label("Reason for choosing it").fill("")
        page.get_by_role("button", name="Allocate the place").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text(
            f"{first} is recommended first"
        )
        page.get_by_label("Reason for choosing it").fill("On the bus route from the refuge")
    page.get_by_role("button", name="Allocate the place").click()
    expect(page.locator("main")).to_contain_text("Place allocated")
    assert_accessible(page)

    # The school refuses, with its reason.
    signed_in_home(page, accounts["senco"], assert_accessible)
    page.get_by_role("link", name="Fair Access").first.click()
    page.get_by_role("link", name="Noah Brennan").click()
    expect(page.locator("main")).not_to_contain_text("Whose turn is it")
    page.get_by_label("No, refuse").check()
    page.get_by_role("button", name="Send the answer").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Give the reason for refusing")
    assert_accessible(page)
    page.get_by_label("No, refuse").check()
    page.get_by_label("Reason for refusing").fill("Year 9 is over its admission number")
    page.get_by_role("button", name="Send the answer").click()
    expect(page.locator("main")).to_contain_text("Answer recorded")
    assert_accessible(page)

    # The officer escalates: an academy, so a request to the Secretary of State.
    signed_in_home(page, accounts["officer"], assert_accessible)
    page.goto(case_url)
    page.get_by_role("button", name="Escalate the refusal to a direction").click()
    expect(page.locator("main")).to_contain_text("Request to the Secretary of State (academy)")
    assert_accessible(page)
    page.get_by_label("Yes").check()
    fill_date(page, "decided_on", today)
    fill_date(page, "start_date", today)
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator("main")).to_contain_text("Decision recorded")
    fill_date(page, "started_on", today)
    page.get_by_role("button", name="Record the start").click()
    expect(page.locator("main")).to_contain_text("Start recorded: the case is closed")
    assert_accessible(page)
    assert FairAccessCase.objects.get(pupil=pupil).state == FairAccessCase.State.STARTED

    page.goto("/fair-access/oversight/")
    expect(page.locator("h1")).to_contain_text("every school's share")
    assert_accessible(page)
    assert re.search(r"Harbridge Academy", page.locator("main").inner_text())
