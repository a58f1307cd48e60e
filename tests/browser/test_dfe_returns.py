"""An officer checks the AP census, puts right the placement it lists, records a provider's
site; a SENCO checks the school's census module."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_exclusions import signed_in_home

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_puts_right_what_the_ap_census_lists(page, accounts, assert_accessible):
    signed_in_home(page, accounts["officer"], assert_accessible)
    page.get_by_role("link", name="AP census").click()
    main = page.locator("main")
    expect(main).to_contain_text("would fail the DfE's checks")
    expect(main).to_contain_text("Record the placement's primary reason")
    assert_accessible(page)
    page.get_by_role("link", name="The Harbridge Centre (secondary PRU), from").first.click()
    page.get_by_role("link", name="Change the reason and sites").click()
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select the primary reason")
    assert_accessible(page)
    page.get_by_label("To improve behaviour (off-site direction)").check()
    page.get_by_label("Main centre").check()
    page.get_by_role("button", name="Save").click()
    expect(main).to_contain_text("To improve behaviour (off-site direction)")
    expect(main).to_contain_text("Main centre, 14 Mill Lane, Harbridge, NM1 4HC")
    page.goto("/reports/ap-census/")
    expect(main).not_to_contain_text("would fail the DfE's checks")
    page.goto("/providers/")
    page.get_by_role("link", name="Pathways Alternative Education").click()
    page.get_by_role("button", name="Add a site").click()
    assert_accessible(page)
    page.get_by_label("Site name").fill("Town centre annexe")
    page.get_by_label("Address").fill("5 High Street, Northmoor")
    page.get_by_label("Postcode").fill("not one")
    page.get_by_role("button", name="Add the site").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a real postcode")
    assert_accessible(page)
    page.get_by_label("Postcode").fill("nm2 4tc")
    page.get_by_role("button", name="Add the site").click()
    expect(main).to_contain_text("Town centre annexe: 5 High Street, Northmoor, NM2 4TC")
    assert_accessible(page)


def test_senco_checks_the_school_census_module(page, accounts, assert_accessible):
    signed_in_home(page, accounts["senco"], assert_accessible)
    page.get_by_role("link", name="School census: AP placements you arranged").click()
    expect(page.locator("h1")).to_contain_text("School census: AP placements")
    expect(page.locator("main")).to_contain_text("ready to send")
    assert_accessible(page)
    page.set_viewport_size({"width": 320, "height": 800})
    assert_accessible(page)
