"""The figures in the browser: a director chooses a period and compares it with England; an
officer records the bases of the rates (an import and the LA's count of children looked after);
a trust lead sees its schools in full beside the LA; a board report for a past school year."""

from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from demo.reports import last_census_year
from organisations.calendar import long_date
from organisations.models import School
from reports.census import school_census_day
from tests.browser.test_exclusions import signed_in_home

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_director_chooses_a_period_and_sees_england_only_beside_a_like_one(
    page, accounts, assert_accessible
):
    signed_in_home(page, accounts["director"], assert_accessible)
    main = page.locator("main")
    # A term is not set beside England's whole-year rate: a caveat stands in its place.
    page.get_by_label("Period", exact=True).select_option(value="term")
    page.get_by_role("button", name="Show these figures").click()
    expect(page.locator("#national-caveat")).to_contain_text("are for a whole school year")
    expect(page.get_by_role("rowheader", name="England, 2023/24")).to_have_count(0)
    page.get_by_label("Period", exact=True).select_option(value="last-12-months")
    page.get_by_role("button", name="Show these figures").click()
    expect(page.locator("h1")).to_have_text("Figures")
    expect(page.locator("#national-caveat")).to_have_count(0)
    expect(page.get_by_role("rowheader", name="England, 2023/24")).to_have_count(1)
    expect(main).to_contain_text("Pupils suspended or permanently excluded, by group")
    # Each chart has its title, drawn and for assistive technology.
    assert page.locator("svg[role='img'] title").count() == 2
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download this table (CSV)").first.click()
    assert download.value.suggested_filename == "by_month-last-12-months.csv"
    page.set_viewport_size({"width": 320, "height": 800})
    assert_accessible(page)


def test_the_officer_imports_census_counts_and_records_children_looked_after(
    page, accounts, assert_accessible, tmp_path
):
    signed_in_home(page, accounts["officer"], assert_accessible)
    page.get_by_role("link", name="Figures").first.click()
    page.get_by_role("link", name="the census counts held").click()
    main = page.locator("main")
    # The demo holds the last two January censuses before the day it was loaded.
    latest = last_census_year(timezone.localdate())
    expect(main).to_contain_text(f"Census of {long_date(school_census_day(latest, 'spring'))}")
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the date of the count")
    assert_accessible(page)
    page.get_by_label("Day").fill("14")
    page.get_by_label("Month").fill("1")
    page.get_by_label("Year").fill("2026")
    page.get_by_label("Children looked after of school age").fill("-4")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("cannot be less than 0")
    # What was typed is kept.
    expect(page.get_by_label("Day")).to_have_value("14")
    page.get_by_label("Children looked after of school age").fill("297")
    page.get_by_role("button", name="Save").click()
    expect(main).to_contain_text("297 on 14 January 2026")

    page.get_by_role("link", name="enter one school's counts").click()
    page.get_by_role("button", name="Save the counts").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the census day")
    assert_accessible(page)
    page.get_by_role("link", name="Back to pupils on roll").click()

    page.get_by_role("link", name="Import census counts").click()
    assert_accessible(page)
    urn = School.objects.get(name="Kelmscott High School").urn
    # The earlier of the demo's two censuses, as the DfE's time_period names it (202425).
    earlier = school_census_day(latest - 1, "spring")
    period = f"{latest - 1}{latest % 100:02d}"
    upload = Path(tmp_path) / "spc.csv"
    upload.write_text(
        f"urn,time_period,headcount of pupils,SEN support,EHC plan\n{urn},{period},lots,40,x\n",
        encoding="utf-8",
    )
    page.get_by_label("CSV file").set_input_files(str(upload))
    page.get_by_role("button", name="Check the file").click()
    expect(main).to_contain_text("not a number of pupils")
    assert_accessible(page)
    page.get_by_role("link", name="Check another file").click()
    # The earlier census, which the demo holds: two counts change; the EHC plan
    # count the DfE suppressed ("c") is not imported.
    upload.write_text(
        f"urn,time_period,headcount of pupils,SEN support,EHC plan\n{urn},{period},881,99,c\n",
        encoding="utf-8",
    )
    page.get_by_label("CSV file").set_input_files(str(upload))
    page.get_by_role("button", name="Check the file").click()
    expect(main).to_contain_text("The file has no problems")
    page.get_by_role("button", name="Import 2 changes").click()
    expect(main).to_contain_text("Imported: 0 added, 2 changed")
    assert_accessible(page)
    page.get_by_role("link", name="Go to the counts").click()
    expect(main).to_contain_text(f"Census of {long_date(earlier)}")
    assert_accessible(page)


def test_a_trust_sees_its_schools_in_full_beside_the_la_and_england(
    page, accounts, assert_accessible
):
    signed_in_home(page, accounts["trust"], assert_accessible)
    page.get_by_role("link", name="All your figures").click()
    page.get_by_label("Period", exact=True).select_option(value="year-2025")
    page.get_by_role("button", name="Show these figures").click()
    main = page.locator("main")
    expect(main).to_contain_text("These are your own figures, in full")
    expect(main).to_contain_text("beside the local authority and England")
    expect(main).to_contain_text("(all its schools): School year 2025/26")
    assert_accessible(page)


def test_a_board_report_for_a_past_school_year(page, accounts, assert_accessible):
    signed_in_home(page, accounts["director"], assert_accessible)
    page.get_by_role("link", name="Board reports and the report archive").click()
    page.get_by_label("Board report (PDF)", exact=False).check()
    page.get_by_label("Period (board report)").select_option(value="year-2025")
    page.get_by_role("button", name="Produce the report").click()
    expect(page.locator("#report-progress")).to_contain_text("Ready")
    expect(page.locator("h1")).to_contain_text("School year 2025/26")
    assert_accessible(page)
