"""One timeline of everything about a pupil, from every app's registered events (registry),
newest first, filtered by kind; with whether some were left out because the user may not see
them. Each source reads a fixed number of queries (most one: the records with whether the user
may see each, and their steps gathered into arrays), so the page does not grow with the events
and stays within 20 queries in all."""

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Exists, OuterRef, Q

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


def seen_and_hidden(user, rows) -> tuple[list, bool]:
    """The pupil's `rows` (an unscoped queryset of a scoped model) that `user` may see, and
    whether any are hidden from them, in one query: each row marked by an EXISTS on the user's
    scope by primary key (not NOT IN: on a large LA a NOT IN over every record the user may see
    is read in full). The hidden rows are read only to be counted."""
    visible = rows.model.objects.visible_to(user).filter(pk=OuterRef("pk"))
    marked = list(rows.annotate(_seen=Exists(visible)))
    return [row for row in marked if row._seen], any(not row._seen for row in marked)


def with_steps(rows, relation: str, fields: list[str], *, exclude: Q | None = None, order=()):
    """`rows` with their `relation`'s `fields` gathered in the same query (array_agg, one array
    a field, in `order`), for a record's events with its steps' in one query; steps_of(row)
    reads them back."""
    present = Q(**{f"{relation}__isnull": False})
    if exclude is not None:
        present &= ~exclude
    return rows.annotate(
        **{
            f"_steps_{name}": ArrayAgg(
                f"{relation}__{name}",
                filter=present,
                order_by=[f"{relation}__{o}" for o in order] or None,
                default=[],
            )
            for name in fields
        }
    )


def steps_of(row, fields: list[str]) -> list[dict]:
    """A row's steps gathered by with_steps: a dict of `fields` each."""
    arrays = [getattr(row, f"_steps_{name}") for name in fields]
    return [dict(zip(fields, values, strict=True)) for values in zip(*arrays, strict=True)]
