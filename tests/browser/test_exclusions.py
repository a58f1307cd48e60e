"""A SENCO records exclusions; the LA sees them and their clocks; another school cannot."""

import re
from datetime import date

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from organisations.calendar import SchoolCalendar, nth_working_day_after
from organisations.models import School
from organisations.roles import Role
from tests.browser.test_sign_in_every_role import sign_in
from tests.conftest import totp_code
from tests.factories import PASSWORD, TOTP_SECRET, make_member, make_upn

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_date(page, name: str, day: date):
    page.locator(f"#id_{name}_0").fill(str(day.day))
    page.locator(f"#id_{name}_1").fill(str(day.month))
    page.locator(f"#id_{name}_2").fill(str(day.year))


def signed_in_home(page, account, assert_accessible):
    # django-otp refuses a code used once already (replay protection); a test signing the same
    # account in twice within 30 seconds stands in for waiting for the app's next code.
    TOTPDevice.objects.filter(user__username=account["username"]).update(last_t=-1)
    page.context.clear_cookies()
    sign_in(page, account, assert_accessible)
    page.wait_for_url(lambda url: url.rstrip("/").count("/") == 2)


def test_senco_records_a_suspension_and_a_permanent_exclusion_the_la_sees_both(
    page, accounts, assert_accessible
):
    harbridge = School.objects.get(name="Harbridge Academy")
    calendar = SchoolCalendar.for_school(harbridge)
    today = timezone.localdate()
    # The last two school days before today (a board's decision cannot be in the future).
    second_day = calendar.last_school_day_before(today).date
    first_day = calendar.last_school_day_before(second_day).date
    upn = make_upn("929", 777)

    signed_in_home(page, accounts["senco"], assert_accessible)
    page.get_by_role("link", name="Pupils").first.click()
    page.get_by_role("button", name="Add a pupil").click()
    assert_accessible(page)
    page.get_by_label("UPN (unique pupil number)").fill(upn)
    page.get_by_label("Legal first name").fill("Mason")
    page.get_by_label("Legal last name").fill("Holmes")
    fill_date(page, "date_of_birth", date(2012, 3, 14))
    page.get_by_label("Male", exact=True).check()
    fill_date(page, "joined_on", date(2023, 9, 4))
    page.get_by_role("button", name="Add pupil").click()
    page.wait_for_url(re.compile(r"/pupils/\d+/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Mason Holmes"
    assert_accessible(page)
    pupil_url = page.url
    for link in ("Change details", "Record that they left Harbridge Academy"):
        page.get_by_role("link", name=link).click()
        assert_accessible(page)
        page.go_back()

    # A suspension with no reason and its last day before its first: both refused, clearly.
    page.get_by_role("button", name="Record an exclusion").click()
    assert_accessible(page)
    page.get_by_label("Suspension", exact=True).check()
    fill_date(page, "start_date", second_day)
    fill_date(page, "end_date", first_day)
    page.get_by_label("Number of half-day sessions").fill("2")
    page.get_by_label("Headteacher who decided").fill("Mrs A Patel")
    page.get_by_role("button", name="Record exclusion").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Select the main reason" in summary
    assert "The last day must be the same as or after the first day" in summary
    assert page.title().startswith("Error: ")
    assert_accessible(page)

    fill_date(page, "start_date", first_day)
    fill_date(page, "end_date", second_day)
    page.get_by_label("Number of half-day sessions").fill("4")
    page.get_by_label("Main reason").select_option("DB")
    page.get_by_role("button", name="Record exclusion").click()
    page.wait_for_url(re.compile(r"/exclusions/\d+/$"))
    assert (
        "The local authority can see it now"
        in page.locator(".govuk-notification-banner").inner_text()
    )
    assert "No statutory clock runs" in page.locator("main").inner_text()
    assert_accessible(page)

    page.goto(pupil_url)
    page.get_by_role("button", name="Record an exclusion").click()
    page.get_by_label("Permanent exclusion").check()
    fill_date(page, "start_date", first_day)
    page.get_by_label("Main reason").select_option("PA")
    page.get_by_label("Second reason (optional)").select_option("DB")
    page.get_by_label("Headteacher who decided").fill("Mrs A Patel")
    page.get_by_role("button", name="Record exclusion").click()
    page.wait_for_url(re.compile(r"/exclusions/\d+/$"))
    sixth = calendar.nth_school_day_after(first_day - timezone.timedelta(days=1), 6).date
    clocks = page.locator("table").first.inner_text()
    assert "LA full-time provision (6th day)" in clocks
    assert f"{sixth.day} {sixth:%B %Y}" in clocks
    assert "s19(3A)" in clocks
    assert_accessible(page)
    pex_url = page.url

    # The LA officer sees both at once, with their clocks.
    signed_in_home(page, accounts["officer"], assert_accessible)
    recent = page.locator("main").inner_text()
    assert recent.count("Mason Holmes") == 2
    assert_accessible(page)
    page.get_by_role("link", name="Deadlines").first.click()
    page.get_by_label("Due").select_option("open")
    page.get_by_label("School").select_option(label="Harbridge Academy")
    page.get_by_role("button", name="Show deadlines").click()
    assert "Mason Holmes" in page.locator("table").inner_text()
    assert_accessible(page)
    page.goto(pex_url)
    page.get_by_role("button", name="Record what happened next").click()
    assert_accessible(page)
    page.get_by_label("The governing board upheld the exclusion").check()
    fill_date(page, "on", second_day)
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/exclusions/\d+/$"))
    assert "Upheld by the board" in page.locator("main").inner_text()
    assert "Last day to request an independent review" in page.locator("main").inner_text()
    assert "Written notice not yet recorded" in page.locator("main").inner_text()
    # The written notice went by post that day: the window counts from when it is given.
    page.get_by_role("button", name="Record the written notice of the decision").click()
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()
    assert "Enter the date the notice was sent" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    fill_date(page, "sent_on", second_day)
    page.get_by_label("Posted first class").check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/exclusions/\d+/$"))
    given = nth_working_day_after(second_day, 2)
    assert f"counted as given on {given.day} {given:%B %Y}" in page.locator("main").inner_text()
    assert_accessible(page)
    page.goto(pupil_url)
    assert "Permanent exclusion" in page.locator("main").inner_text()
    assert_accessible(page)

    # Another school's SENCO: those pages do not exist for them.
    other = make_member(
        Role.SCHOOL_STAFF, School.objects.get(name="Kelmscott High School"), username="othersenco"
    )
    page.context.clear_cookies()
    page.goto("/sign-in/")
    page.get_by_label("Username").fill(other.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code from your authenticator app").fill(totp_code(TOTP_SECRET))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(lambda url: url.rstrip("/").count("/") == 2)
    for url in (pupil_url, pex_url):
        response = page.goto(url)
        assert response.status == 404
    assert "Mason Holmes" not in page.goto("/pupils/").text()


def test_administrator_changes_a_term_and_imports_a_calendar(
    page, accounts, assert_accessible, tmp_path
):
    signed_in_home(page, accounts["admin"], assert_accessible)
    page.get_by_role("link", name="Term dates").first.click()
    assert_accessible(page)
    page.get_by_role("link", name="Change Autumn 2").click()
    assert_accessible(page)
    # Autumn 2 starts on 2 November 2026: make it end in October.
    page.locator("#id_end_0").fill("1")
    page.locator("#id_end_1").fill("10")
    page.get_by_role("button", name="Save dates").click()
    assert (
        "The last day must be after the first day"
        in page.locator(".govuk-error-summary").inner_text()
    )
    assert_accessible(page)

    page.goto("/term-dates/days/add/")
    assert_accessible(page)
    page.get_by_role("button", name="Add day").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the date")
    assert_accessible(page)
    fill_date(page, "date", date(2026, 12, 7))
    page.get_by_label("Closure").check()
    page.get_by_label("Description (optional)").fill("Heating failure")
    page.get_by_role("button", name="Add day").click()
    expect(page.locator("main")).to_contain_text("Closure on 7 December 2026 added")
    assert_accessible(page)

    page.goto("/term-dates/import/")
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "school_year,urn,type,name,start,end,description\n2027,,term,autumn_9,2027-09-01,2027-10-22,\n"
    )
    page.get_by_label("CSV file").set_input_files(str(bad))
    page.get_by_role("button", name="Check and import").click()
    assert "A term's name must be one of" in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Check another file").click()
    good = tmp_path / "good.csv"
    good.write_text(
        "school_year,urn,type,name,start,end,description\n"
        "2027,,term,autumn_1,2027-09-01,2027-10-22,\n"
        "2027,,inset,,2027-09-01,2027-09-02,Start of year\n"
    )
    page.get_by_label("CSV file").set_input_files(str(good))
    page.get_by_role("button", name="Check and import").click()
    # A file with no problems is imported straight after its check.
    expect(page.locator("main")).to_contain_text("1 term and 2 non-school days")
    assert_accessible(page)
    page.get_by_role("link", name="Go to term dates").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Term dates")
