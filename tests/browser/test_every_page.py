"""Every page each demo role can reach, walked in Chromium under the real CSP at 320 pixels wide:
no console error (a CSP refusal or a script error), no control outside the GOV.UK Design System's
classes, no sideways scrolling, and axe with every rule (best practice too) finding nothing.

Each kind of page is visited once per role (URLs that differ only by a number or a query are the
same kind), following the links a person would, from the role's home page."""

import re
from collections import deque
from urllib.parse import urlsplit

import pytest

from tests.browser.test_exclusions import signed_in_home
from tests.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Not pages: files to download, sign-out, the API and its schema, the admin site.
SKIP = re.compile(
    r"/(sign-out|api|admin|media|static)/|\.(pdf|csv|xlsx|json|zip|xml)$|/(download|export|file)/"
)
# Links that change something on a GET would be a bug of their own; none is followed twice.
MOST_PAGES_PER_ROLE = 45

STRAY_CONTROLS = """() => [...document.querySelectorAll(
    'input:not([type=hidden]), select, textarea, button')].filter((el) => {
  const c = el.classList;
  if (el.closest('.govuk-accordion, .govuk-tabs, .govuk-service-navigation, .govuk-details'))
    return el.tagName !== 'BUTTON' && !/govuk-/.test(el.className);
  if (el.tagName === 'SELECT') return !c.contains('govuk-select');
  if (el.tagName === 'TEXTAREA') return !c.contains('govuk-textarea');
  if (el.tagName === 'BUTTON')
    return !(c.contains('govuk-button') || c.contains('app-account-bar__sign-out'));
  switch (el.type) {
    case 'radio': return !c.contains('govuk-radios__input');
    case 'checkbox': return !c.contains('govuk-checkboxes__input');
    case 'file': return !c.contains('govuk-file-upload');
    case 'submit': return !c.contains('govuk-button');
    default: return !c.contains('govuk-input');
  }
}).map((el) => el.outerHTML.slice(0, 160))"""


def kind_of(path: str) -> str:
    return re.sub(r"/\d+(?=/)", "/N", path)


def links_on(page) -> list[str]:
    hrefs = page.eval_on_selector_all(
        "main a[href], .govuk-service-navigation a[href]", "els => els.map(e => e.href)"
    )
    origin = urlsplit(page.url)
    found = []
    for href in hrefs:
        parts = urlsplit(href)
        if parts.netloc == origin.netloc and not SKIP.search(parts.path):
            found.append(parts.path)
    return found


@pytest.mark.parametrize(
    "username", ["officer", "admin", "panel", "senco", "trust", "provider", "director"]
)
def test_every_page_a_role_reaches_is_clean(browser, live_server, accounts, username):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 320, "height": 800})
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(f"{page.url}: {m.text}"))
    page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
    signed_in_home(page, accounts[username], lambda _page: None)
    home = urlsplit(page.url).path
    queue, seen, problems = deque([(home, "")]), {kind_of(home)}, []
    visited = 0
    while queue and visited < MOST_PAGES_PER_ROLE:
        path, came_from = queue.popleft()
        response = page.goto(path)
        visited += 1
        if response.status >= 400:
            # A link a role is shown must be one it may follow.
            problems.append(f"{path}: {response.status}, linked from {came_from}")
            errors.clear()  # the browser's console reports the status too
            continue
        stray = page.evaluate(STRAY_CONTROLS)
        if stray:
            problems.append(f"{path}: controls without GOV.UK classes: {stray}")
        if not page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"):
            problems.append(f"{path}: scrolls sideways at 320 pixels")
        violations = axe_violations(page)
        if violations:
            problems.append(f"{path}: axe: {violations}")
        for link in links_on(page):
            if kind_of(link) not in seen:
                seen.add(kind_of(link))
                queue.append((link, path))
    context.close()
    assert visited >= 5, f"only {visited} pages reached from {home}"
    assert errors == [], "\n".join(errors)
    assert problems == [], "\n".join(problems)
