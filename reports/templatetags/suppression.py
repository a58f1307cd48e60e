from django import template

from reports.figures import SMALL, SUPPRESSED

register = template.Library()


@register.filter
def suppress(value):
    """A single count a director or a school sees: 1 and 2 are shown as "c"."""
    return SUPPRESSED if value in SMALL else value
