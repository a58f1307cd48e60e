"""Each demo account signs in with password and TOTP in Chromium; every page passes axe."""

import json

import pytest
from django.core.management import call_command

from tests.conftest import totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOME_HEADINGS = {
    "LA officer": "Your work this week",
    "LA administrator": "Administration",
    "Panel member": "Alternative provision panel",
    "School staff": "Your school",
    "Trust lead": "Your trust's schools",
    "Provider staff": "Your caseload",
    "Director": "Overview",
}


@pytest.fixture
def demo_accounts(settings):
    call_command("load_demo", "--quiet-accounts", "--scale", "0.05")
    return json.loads((settings.VAR_DIR / "demo-accounts.json").read_text())


def sign_in(page, account, assert_accessible):
    page.goto("/")
    assert page.url.endswith("/sign-in/?next=/")
    assert_accessible(page)
    page.get_by_label("Username").fill(account["username"])
    page.get_by_label("Password").fill(account["password"])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/sign-in/code/")
    assert_accessible(page)
    page.get_by_label("Code from your authenticator app").fill(totp_code(account["totp_secret"]))
    page.get_by_role("button", name="Continue").click()


@pytest.mark.parametrize(
    "username", ["officer", "admin", "panel", "senco", "trust", "provider", "director"]
)
def test_demo_account_signs_in_and_lands_on_its_home_page(
    page, demo_accounts, assert_accessible, username
):
    account = next(a for a in demo_accounts if a["username"] == username)
    sign_in(page, account, assert_accessible)
    page.wait_for_url(lambda url: url.rstrip("/").count("/") == 2)
    assert page.get_by_role("heading", level=1).inner_text() == HOME_HEADINGS[account["role"]]
    assert account["organisation"] in page.locator(".app-account-bar").inner_text()
    assert_accessible(page)

    # Every page the role's navigation offers, and the account page, pass axe too.
    links = page.locator(".govuk-service-navigation__list a")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    for href in [*hrefs, "/account/", "/accessibility/", "/no-such-page/"]:
        page.goto(href)
        assert_accessible(page)
    if "/schools/" in hrefs:
        page.goto("/schools/")
        page.locator("table a").first.click()
        page.wait_for_url("**/schools/*/")
        assert page.locator(".govuk-summary-list").is_visible()
        assert_accessible(page)

    page.goto("/account/")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/sign-in/")
    page.goto("/")
    assert "/sign-in/" in page.url


def test_each_role_sees_only_the_navigation_it_can_use(page, demo_accounts, assert_accessible):
    seen = {}
    for username in ["admin", "provider"]:
        account = next(a for a in demo_accounts if a["username"] == username)
        page.context.clear_cookies()
        sign_in(page, account, assert_accessible)
        page.wait_for_url(lambda url: url.rstrip("/").count("/") == 2)
        seen[username] = page.locator(".govuk-service-navigation__list").inner_text().split("\n")
    assert seen["admin"] == [
        "Home",
        "Providers",
        "Schools",
        "Term dates",
        "Users",
        "Audit log",
        "Letters",
        "Settings",
    ]
    # Provider staff see their caseload: its pupils, their referrals and placements.
    assert seen["provider"] == [
        "Home",
        "Tasks",
        "Pupils",
        "Referrals",
        "Placements",
        "Register",
        "Providers",
    ]
    # And what the navigation does not offer is refused, on a page in the service's style.
    response = page.goto("/schools/")
    assert response.status == 403
    assert page.get_by_role("heading", level=1).inner_text() == (
        "You do not have permission to see this page"
    )
    assert_accessible(page)


def test_wrong_password_shows_the_error_summary(page, demo_accounts, assert_accessible):
    page.goto("/sign-in/")
    page.get_by_label("Username").fill("officer")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    assert "Enter a correct username and password" in summary.inner_text()
    assert page.title().startswith("Error: ")
    assert_accessible(page)


def test_first_sign_in_sets_up_an_authenticator_from_the_qr_page(
    page, demo_accounts, assert_accessible
):
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from organisations.models import LocalAuthority
    from organisations.roles import Role
    from organisations.services import user_create

    user = user_create(
        username="newstarter",
        password="a brand new passphrase",
        role=Role.LA_OFFICER,
        organisation=LocalAuthority.objects.get(code="929"),
    )
    page.goto("/sign-in/")
    page.get_by_label("Username").fill("newstarter")
    page.get_by_label("Password").fill("a brand new passphrase")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/sign-in/set-up/")
    assert page.get_by_alt_text("QR code to add approvision to your authenticator app").is_visible()
    assert_accessible(page)
    page.get_by_text("I cannot scan the QR code").click()
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    device = TOTPDevice.objects.get(user=user)
    import base64

    assert base64.b32encode(device.bin_key).decode().rstrip("=") == secret
    code = f"{TOTP(device.bin_key, step=30, t0=0, digits=6).token():06d}"
    page.get_by_label("Code from your authenticator app").fill(code)
    page.get_by_role("button", name="Set up and sign in").click()
    page.wait_for_url(lambda url: url.rstrip("/").count("/") == 2)
    assert page.get_by_role("heading", level=1).inner_text() == "Your work this week"


def test_pages_fit_a_320_pixel_wide_screen(page, demo_accounts, assert_accessible):
    page.set_viewport_size({"width": 320, "height": 640})
    account = next(a for a in demo_accounts if a["username"] == "officer")
    sign_in(page, account, assert_accessible)
    page.wait_for_url(lambda url: url.rstrip("/").count("/") == 2)
    for href in ["/", "/schools/", "/account/"]:
        page.goto(href)
        assert_accessible(page)
