"""The officer orders next week's agenda with the keyboard: a move is swapped in place and keeps
their place; a removal reloads the page and says what went."""

import re
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from organisations.models import LocalAuthority
from panels.models import PanelMeeting
from panels.services.agenda import agenda_item_add
from tests.browser.test_exclusions import signed_in_home

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_officer_reorders_the_agenda_by_keyboard_and_removes_an_item(
    page, accounts, assert_accessible, today
):
    meeting = PanelMeeting.objects.create(
        la=LocalAuthority.objects.get(code="929"),
        date=today + timedelta(days=30),
        start_time=time(13),
        cutoff=timezone.make_aware(datetime.combine(today + timedelta(days=20), time(12))),
        quorum=1,
    )
    for title in ("Budget for the term", "Outreach pilot", "Any other business"):
        agenda_item_add(meeting=meeting, title=title)
    signed_in_home(page, accounts["officer"], assert_accessible)
    page.goto(f"/panels/{meeting.pk}/")
    assert_accessible(page)
    agenda = page.locator("#agenda ol > li")

    def button(name):
        # The item's title is in a visually hidden span after the button's words.
        return page.locator("#agenda button").filter(
            has_text=re.compile(f"^{re.escape(name)}$".replace(":", "\\s*:"))
        )

    def titles():
        return [row.locator("strong").first.inner_text() for row in agenda.all()]

    assert titles() == ["Budget for the term", "Outreach pilot", "Any other business"]
    # Keyboard only: to "Move down" of the first item and Enter.
    button("Move down: Budget for the term").focus()
    page.keyboard.press("Enter")
    expect(agenda.first.locator("strong").first).to_have_text("Outreach pilot")
    assert titles() == ["Outreach pilot", "Budget for the term", "Any other business"]
    # The agenda was swapped in place (no reload: still the same address) and focus is back on
    # the item just moved, so Enter again moves it on.
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Move down: Budget for the term"
    page.keyboard.press("Enter")
    expect(agenda.last.locator("strong").first).to_have_text("Budget for the term")
    assert titles() == ["Outreach pilot", "Any other business", "Budget for the term"]
    # Last now: "Move down" is gone, so focus goes to the same item's other button.
    assert page.evaluate("document.activeElement.textContent") == "Move up: Budget for the term"
    assert_accessible(page)

    button("Remove: Outreach pilot").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Removed: Outreach pilot")
    assert titles() == ["Any other business", "Budget for the term"]
    assert list(meeting.items.order_by("position").values_list("title", flat=True)) == [
        "Any other business",
        "Budget for the term",
    ]
    assert_accessible(page)
