"""Signing in as councils and schools do, in Chromium, through the real local OpenID providers:
the demo SENCO through DfE Sign-in lands on her school's home page; someone whose school is not
known gets the plain page saying whom to ask; a role withdrawn at DfE Sign-in ends the old
session at the next sign-in; the demo officer signs in through the council's provider; signing
out ends the provider's session too."""

import pytest
from playwright.sync_api import expect

from organisations.models import School
from tests.identity.provider import person, school_claims

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _through(page, link: str, sub: str):
    page.goto("/sign-in/")
    page.get_by_role("link", name=link).click()
    # The provider's own page (not ours): who is signing in.
    page.get_by_label("Your sign-in id").fill(sub)
    page.get_by_role("button", name="Sign in").click()


def test_the_senco_signs_in_through_dfe_sign_in_and_lands_on_her_schools_home(
    page, accounts, assert_accessible
):
    page.goto("/sign-in/")
    assert_accessible(page)
    _through(page, "DfE Sign-in (school and trust staff)", "senco")
    expect(page.locator(".app-account-bar")).to_contain_text("School staff at Harbridge Academy")
    expect(page.locator("h1")).to_be_visible()
    assert_accessible(page)
    # Signing out ends DfE Sign-in's session too, and comes back to say so.
    page.get_by_role("button", name="Sign out").click()
    # The provider asks, as DfE Sign-in does, before ending its own session.
    page.get_by_role("button", name="Yes, sign me out").click()
    expect(page.locator("h1")).to_have_text("You are signed out")
    assert_accessible(page)
    page.goto("/")
    expect(page.locator("h1")).to_have_text("Sign in")


def test_someone_whose_school_is_not_known_is_told_whom_to_ask(page, accounts, assert_accessible):
    sub = person(
        "dfe", claims=school_claims(None, name="Nowhere School"), roles=["APPROVISION_SCHOOL"]
    )
    _through(page, "DfE Sign-in (school and trust staff)", sub)
    expect(page.locator("h1")).to_have_text("You cannot sign in to approvision")
    expect(page.locator("main")).to_contain_text("approvision does not know Nowhere School.")
    expect(page.locator("main")).to_contain_text("Ask your organisation's approver in DfE Sign-in")
    assert_accessible(page)


def test_a_role_withdrawn_at_dfe_sign_in_ends_the_old_session_at_the_next_sign_in(
    page, browser, live_server, accounts, assert_accessible
):
    harbridge = School.objects.get(name="Harbridge Academy")
    claims = school_claims(harbridge)
    sub = person("dfe", claims=claims, roles=["APPROVISION_SCHOOL"])
    _through(page, "DfE Sign-in (school and trust staff)", sub)
    expect(page.locator(".app-account-bar")).to_contain_text("Harbridge Academy")
    # The approver withdraws the role; the person signs in again elsewhere and is refused...
    person("dfe", sub=sub, claims=claims, roles=[])
    elsewhere = browser.new_context(base_url=live_server.url).new_page()
    _through(elsewhere, "DfE Sign-in (school and trust staff)", sub)
    expect(elsewhere.locator("main")).to_contain_text(
        "You do not have a role in approvision at Harbridge Academy."
    )
    elsewhere.context.close()
    # ...and the first session has ended.
    page.reload()
    expect(page.locator("h1")).to_have_text("Sign in")


def test_the_officer_signs_in_through_the_councils_provider(page, accounts, assert_accessible):
    _through(page, "Your council's sign-in (Northmoor County Council)", "officer")
    expect(page.locator(".app-account-bar")).to_contain_text(
        "LA officer at Northmoor County Council"
    )
    assert_accessible(page)
