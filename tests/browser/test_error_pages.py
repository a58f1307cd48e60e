"""The page of a refusal input can cause (hardening finding 4) is a GOV.UK page with no axe
violations: an address that cannot be read is a 400."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_unreadable_address_gets_an_accessible_400_page(page, assert_accessible):
    response = page.goto("/pupils/%00/")
    assert response.status == 400
    assert page.get_by_role("heading", name="The request could not be read").is_visible()
    assert_accessible(page)
