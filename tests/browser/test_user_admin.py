"""An LA administrator adds a user, who then signs in, sets up TOTP and chooses a password."""

import json

import pytest
from django.core.management import call_command
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.browser.test_sign_in_every_role import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_accounts(settings):
    call_command("load_demo", "--quiet-accounts", "--scale", "0.05")
    return {
        a["username"]: a for a in json.loads((settings.VAR_DIR / "demo-accounts.json").read_text())
    }


def test_admin_adds_a_senco_who_signs_in_and_chooses_a_password(
    page, demo_accounts, assert_accessible
):
    sign_in(page, demo_accounts["admin"], assert_accessible)
    page.wait_for_url(lambda url: url.rstrip("/").count("/") == 2)
    page.goto("/users/")
    page.get_by_role("button", name="Add a user").click()
    page.wait_for_url("**/users/add/")
    assert_accessible(page)

    # Sending it empty shows every problem in the error summary.
    page.get_by_role("button", name="Add user").click()
    assert "Enter a first name" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)

    page.get_by_label("First name").fill("Amira")
    page.get_by_label("Last name").fill("Hussain")
    page.get_by_label("Email address").fill("amira.hussain@example.org")
    page.get_by_label("Username").fill("ahussain")
    page.get_by_label("School staff").check()
    page.get_by_label("School", exact=True).select_option(label="Kelmscott High School")
    page.get_by_role("button", name="Add user").click()
    page.wait_for_url("**/password/")
    assert_accessible(page)
    password = page.locator("#one-time-password").inner_text()

    page.get_by_role("link", name="Go to their account").click()
    assert "Kelmscott High School" in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Disable this account").click()
    assert_accessible(page)
    page.get_by_role("link", name="Cancel").click()

    page.context.clear_cookies()
    page.goto("/sign-in/")
    page.get_by_label("Username").fill("ahussain")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/sign-in/set-up/")
    device = TOTPDevice.objects.get(user__username="ahussain")
    page.get_by_label("Code from your authenticator app").fill(
        f"{TOTP(device.bin_key, step=30, t0=0, digits=6).token():06d}"
    )
    page.get_by_role("button", name="Set up and sign in").click()
    page.wait_for_url("**/account/password/")
    assert "one-time password" in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_label("Current password").fill(password)
    page.get_by_label("New password", exact=True).fill("my own long passphrase")
    page.get_by_label("Confirm new password").fill("my own long passphrase")
    page.get_by_role("button", name="Change password").click()
    page.wait_for_url("**/account/")
    assert "Your password has been changed" in page.locator("main").inner_text()
    assert_accessible(page)
    page.goto("/")
    assert page.get_by_role("heading", level=1).inner_text() == "Your school"
