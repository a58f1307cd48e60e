"""An officer sees why a provider is blocked and renews the lapsed check."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.test_exclusions import fill_date, signed_in_home

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_renews_a_lapsed_check_and_the_provider_can_take_placements(
    page, accounts, assert_accessible
):
    signed_in_home(page, accounts["officer"], assert_accessible)
    page.get_by_role("link", name="Providers").first.click()
    assert_accessible(page)
    page.get_by_role("link", name="Riverside Farm Education").click()
    expect(page.locator("main")).to_contain_text("DBS and staff checks confirmed: lapsed on")
    assert_accessible(page)
    page.get_by_role("button", name="Record or renew a check").click()
    page.get_by_label("DBS and staff checks confirmed").check()
    today = timezone.localdate()
    fill_date(page, "confirmed_on", today)
    fill_date(page, "expires_on", today - timedelta(days=1))
    page.get_by_role("button", name="Record the check").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "It must expire after the date it was confirmed"
    )
    assert_accessible(page)
    fill_date(page, "expires_on", today + timedelta(days=365))
    page.get_by_role("button", name="Record the check").click()
    expect(page.locator("main")).to_contain_text("Recorded: DBS and staff checks confirmed")
    expect(page.locator("main")).not_to_contain_text("No new placements can be made")
    assert_accessible(page)
