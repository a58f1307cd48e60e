"""One timeline of everything about a pupil, from every app's registered events (registry),
newest first, filtered by kind; with whether some were left out because the user may not see
them. Each source reads a fixed number of queries, so the page does not grow with the events."""

from django.db.models import Exists, OuterRef

from cases.casework.registry import EVENT_SOURCES


def timeline(user, pupil, kinds: set[str] | None = None):
    """(events newest first, labels of the kinds with events hidden from this user)."""
    events, hidden = [], []
    for key, source in EVENT_SOURCES.items():
        if kinds and key not in kinds:
            continue
        seen, some_hidden = source.events(user, pupil)
        events.extend(seen)
        if some_hidden:
            hidden.append(source.label)
    events.sort(key=lambda e: e.sort_key, reverse=True)
    return events, hidden


def hidden_from(user, rows) -> bool:
    """Whether any of a pupil's `rows` (an unscoped queryset of a scoped model) are outside
    what `user` may see. NOT EXISTS (an anti-join on the primary key), not NOT IN: on a large LA
    a NOT IN over every record the user may see is read in full."""
    visible = rows.model.objects.visible_to(user).filter(pk=OuterRef("pk"))
    return rows.filter(~Exists(visible)).exists()
