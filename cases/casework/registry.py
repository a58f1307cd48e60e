"""What each app adds to the caseload and the timeline. An app registers its kinds of open work
and of events in its AppConfig.ready(), so a new kind is one small addition in its own app, not
an edit to a central list (and this module imports no later app)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Expression, Q


@dataclass(frozen=True)
class WorkKind:
    """A kind of open work with a lead officer (a referral, a placement, a Fair Access case)."""

    key: str
    label: str
    model: type
    open: Q  # which of its records are open work
    due: Expression  # the date of what is due next (NULL: nothing dated)
    due_text: Callable  # (record, due date or None) -> words
    url: Callable  # record -> its page
    related: tuple[str, ...] = ("pupil",)


@dataclass(frozen=True)
class Event:
    when: date | datetime
    kind: str
    text: str
    href: str = ""

    @property
    def sort_key(self):
        # Dated events sort after the same day's timed ones of midnight: a day's events keep
        # their order, newest first.
        if isinstance(self.when, datetime):
            return (self.when.date(), self.when.timetz().replace(tzinfo=None))
        return (self.when, datetime.max.time())


@dataclass(frozen=True)
class EventSource:
    """A kind of event about a pupil. `events(user, pupil)` returns (events the user may see,
    whether some exist that they may not) in a fixed number of queries."""

    key: str
    label: str
    events: Callable


WORK_KINDS: dict[str, WorkKind] = {}
EVENT_SOURCES: dict[str, EventSource] = {}


def register_work(kind: WorkKind) -> None:
    WORK_KINDS[kind.key] = kind


def register_events(source: EventSource) -> None:
    EVENT_SOURCES[source.key] = source


@dataclass(frozen=True)
class HistorySection:
    """A part of a pupil's history shown where decisions are made (the triage page, the panel
    pack). `rows(user, pupil_ids)` returns {pupil id: [Event]} the user may see, in a fixed
    number of queries however many pupils."""

    key: str
    label: str
    rows: Callable
    empty: str


HISTORY_SECTIONS: dict[str, HistorySection] = {}


def register_history(section: HistorySection) -> None:
    HISTORY_SECTIONS[section.key] = section
