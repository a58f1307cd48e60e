"""Passkeys in Chromium, with its virtual authenticator standing in for a fingerprint reader, and
the service's real Content-Security-Policy in force (this page is not given the other browser
tests' CSP bypass): the demo PRU head adds a passkey on her account page, signs in with it alone,
and with it in place of the code after her password; removes it and is told it no longer works.
Someone who signs in through an identity provider is refused a passkey in words."""

import pytest
from django_otp_webauthn.models import WebAuthnCredential
from playwright.sync_api import expect

from organisations.models import ExternalIdentity, User
from tests.browser.test_sign_in_every_role import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def strict_page(browser, live_server):
    """A page under the real CSP, with a virtual platform authenticator that verifies the person
    (as a fingerprint would) and answers at once; and every CSP report the console gives."""
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.csp_reports = []
    page.on(
        "console",
        lambda message: (
            page.csp_reports.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    yield page
    context.close()


def _sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator("h1")).to_have_text("Sign in")


def test_a_local_account_adds_a_passkey_and_signs_in_with_it(
    strict_page, accounts, today, assert_accessible
):
    page = strict_page
    head = accounts["provider"]
    sign_in(page, head, assert_accessible)
    expect(page.locator("h1")).to_have_text("Your caseload")

    page.goto("/account/")
    expect(page.locator("#passkeys ~ p").first).to_contain_text("fingerprint, face or device PIN")
    expect(page.locator("main")).to_contain_text("You have no passkeys.")
    assert_accessible(page)
    page.get_by_role("button", name="Add a passkey").click()
    # The page reloads to list it, named by the day it was added (the fixture's today).
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Passkey added: you can sign in with it now"
    )
    expect(page.get_by_role("table", name="Your passkeys")).to_contain_text(
        "Passkey added 11 January 2027"
    )
    assert_accessible(page)
    user = User.objects.get(username="provider")
    assert WebAuthnCredential.objects.filter(user=user, confirmed=True).count() == 1

    # With the passkey alone: no username, password or code.
    _sign_out(page)
    page.goto("/sign-in/")
    assert_accessible(page)
    page.get_by_role("button", name="Use a passkey").click()
    expect(page.locator("h1")).to_have_text("Your caseload")
    expect(page.locator(".app-account-bar")).to_contain_text(head["organisation"])
    assert WebAuthnCredential.objects.get(user=user).last_used_at is not None

    # Or after the password, in place of the code; and where they were going is kept.
    _sign_out(page)
    page.goto("/account/")
    page.get_by_label("Username").fill(head["username"])
    page.get_by_label("Password").fill(head["password"])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/sign-in/code/")
    assert_accessible(page)
    page.get_by_role("button", name="Use your passkey").click()
    expect(page.locator("h1")).to_have_text("Your account")

    # Removed, it signs nobody in, and the page says why.
    page.get_by_role("button", name="Remove Passkey added 11 January 2027").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Passkey added 11 January 2027 removed: it no longer signs you in"
    )
    expect(page.locator("main")).to_contain_text("You have no passkeys.")
    _sign_out(page)
    page.goto("/sign-in/")
    page.get_by_role("button", name="Use a passkey").click()
    expect(page.locator("#passkey-verification-status-message")).to_contain_text("was not found")
    expect(page.locator("h1")).to_have_text("Sign in")
    assert page.csp_reports == []


def test_someone_who_signs_in_through_their_provider_is_refused_a_passkey_in_words(
    strict_page, accounts, today, assert_accessible
):
    page = strict_page
    director = accounts["director"]
    sign_in(page, director, assert_accessible)
    page.goto("/account/")
    page.get_by_role("button", name="Add a passkey").click()
    expect(page.get_by_role("table", name="Your passkeys")).to_be_visible()
    # Later their council moves them to its own sign-in: the passkey no longer lets them in.
    user = User.objects.get(username="director")
    ExternalIdentity.objects.create(user=user, provider="council-929", subject="d-1")
    _sign_out(page)
    page.goto("/sign-in/")
    page.get_by_role("button", name="Use a passkey").click()
    expect(page.locator("#passkey-verification-status-message")).to_contain_text(
        "You sign in through your organisation's sign-in, so you cannot use a passkey here."
    )
    expect(page.locator("h1")).to_have_text("Sign in")
    # And their account page offers none.
    sign_in(page, director, assert_accessible)
    page.goto("/account/")
    expect(page.locator("#passkeys")).to_have_count(0)
    assert page.csp_reports == []
