"""Each role's dashboard in the browser, and a board report asked for, watched and downloaded."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from organisations.models import LocalAuthority
from reports.figures import la_figures, period_for, published
from tests.browser.test_exclusions import signed_in_home

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_director_sees_the_figures_and_produces_a_board_report(
    page, accounts, assert_accessible
):
    signed_in_home(page, accounts["director"], assert_accessible)
    # The dashboard's period: this school year to date, on the day the browser runs.
    period = period_for(None, timezone.localdate())
    headline = published(la_figures(LocalAuthority.objects.get(code="929"), period))["headline"]
    expect(page.locator("#fig-suspension-rate")).to_have_text(str(headline["suspension_rate"]))
    expect(page.locator("#fig-suspensions")).to_have_text(str(headline["suspensions"]))
    expect(page.locator("main")).to_contain_text(
        "Pupils suspended or permanently excluded, by group"
    )
    assert page.locator("svg[role='img'] title").count() == 2
    with page.expect_download() as download:
        page.get_by_role("link", name="Download this table (CSV)").first.click()
    assert download.value.suggested_filename == "by_month-year-to-date.csv"

    page.get_by_role("link", name="Board reports and the report archive").click()
    assert_accessible(page)
    page.get_by_label("Board report (PDF)", exact=False).check()
    page.get_by_role("button", name="Produce the report").click()
    expect(page.locator("#report-progress")).to_contain_text("Ready")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the report (PDF)").click()
    assert download.value.suggested_filename.startswith("board-")
    page.get_by_role("link", name="Back to reports").click()
    expect(page.locator("tbody")).to_contain_text("Board report")
    assert_accessible(page)


@pytest.mark.parametrize("username", ["senco", "trust", "officer", "panel", "provider"])
def test_each_roles_dashboard_is_accessible_and_shows_its_part(
    page, accounts, assert_accessible, username
):
    signed_in_home(page, accounts[username], assert_accessible)
    main = page.locator("main")
    if username in ("senco", "trust"):
        expect(main).to_contain_text("Your figures beside the local authority's")
    if username == "officer":
        expect(main).to_contain_text("Placements")
        expect(main).to_contain_text("Fair Access")
    if username == "provider":
        expect(main).to_contain_text("running")
