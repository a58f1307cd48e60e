"""Times as GOV.UK writes them (the style guide): "9am", "1:30pm", "midday", "midnight", never
"12:00 p.m." (which, before a full stop, gave "p.m.."); and a date with its time, "3 March 2026
at 1:30pm". Built in to every template (settings: TEMPLATES builtins)."""

from datetime import datetime, time

from django import template
from django.utils import dateformat, timezone

register = template.Library()


def _local(value):
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


@register.filter
def clock(value) -> str:
    """A time of day: 9am, 1:30pm, midday, midnight."""
    if value in (None, ""):
        return ""
    value = _local(value)
    moment = value.time() if isinstance(value, datetime) else value
    if not isinstance(moment, time):
        return ""
    if (moment.hour, moment.minute) == (12, 0):
        return "midday"
    if (moment.hour, moment.minute) == (0, 0):
        return "midnight"
    hour = moment.hour % 12 or 12
    minutes = f":{moment.minute:02d}" if moment.minute else ""
    return f"{hour}{minutes}{'am' if moment.hour < 12 else 'pm'}"


@register.filter
def when(value, date_format: str = "j F Y") -> str:
    """A date and time: 3 March 2026 at 1:30pm (the date written by `date_format`)."""
    if value in (None, ""):
        return ""
    value = _local(value)
    day = dateformat.format(value, date_format)
    return f"{day} at {clock(value)}" if isinstance(value, datetime) else day
