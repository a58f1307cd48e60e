"""Times as GOV.UK writes them: never "12:00 p.m.." again."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template

from organisations.templatetags.govuk_dates import clock, when


@pytest.mark.parametrize(
    ("moment", "words"),
    [
        (time(9, 0), "9am"),
        (time(13, 30), "1:30pm"),
        (time(12, 0), "midday"),
        (time(0, 0), "midnight"),
        (time(12, 5), "12:05pm"),
        (time(0, 45), "12:45am"),
        (None, ""),
    ],
)
def test_clock(moment, words):
    assert clock(moment) == words


def test_a_date_and_time_in_london_and_in_every_template_without_loading_anything(settings):
    # 12:00 UTC on 1 July is 1pm in London (summer time); 12:00 UTC on 1 December is midday.
    summer = datetime(2026, 7, 1, 12, 0, tzinfo=ZoneInfo("UTC"))
    winter = datetime(2026, 12, 1, 12, 0, tzinfo=ZoneInfo("UTC"))
    assert when(summer) == "1 July 2026 at 1pm"
    assert when(winter, "l j F Y") == "Tuesday 1 December 2026 at midday"
    page = Template("{{ at|when }}. {{ at|clock }}.").render(Context({"at": winter}))
    assert page == "1 December 2026 at midday. midday."
    assert when(date(2026, 12, 1)) == "1 December 2026"  # a day alone has no time to give
