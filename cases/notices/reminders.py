"""The day's reminders (cases.tasks.reminders_send, each morning): each app registers what it
chases in its AppConfig.ready() (a placement ending soon, a return overdue, a Fair Access answer
due, a task overdue). Each reminder goes once for its occasion, however often this runs."""

from collections.abc import Callable
from datetime import date

from cases.notices.models import Message

REMINDERS: dict[str, Callable[[date], int]] = {}


def register_reminder(key: str, send: Callable[[date], int]) -> None:
    REMINDERS[key] = send


def reminded(kind: str, about, occasion: str) -> bool:
    """Whether this reminder has gone already (to anyone)."""
    return Message.objects.about(about).filter(kind=kind, occasion=occasion).exists()


def reminders_send(today: date) -> dict[str, int]:
    return {key: send(today) for key, send in REMINDERS.items()}
