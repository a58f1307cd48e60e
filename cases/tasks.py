from celery import shared_task
from django.utils import timezone

from cases.casework.chasers import deadline_chasers
from cases.exclusions.services import deadlines_recount
from cases.exclusions.term_dates import term_dates_remind
from cases.notices import reminders
from cases.notices import services as notices
from cases.pupils.counts import la_counts_compact


@shared_task(name="cases.tasks.term_dates_remind")
def term_dates_remind_task() -> int:
    """Tell the LA administrators whose clocks need term dates not yet entered."""
    return term_dates_remind(timezone.localdate())


@shared_task(name="cases.tasks.deadlines_refresh")
def deadlines_refresh(la_id: int | None = None) -> int:
    """Recount the open deadlines (of one LA, or all) from the current calendars.

    Runs after term dates change and nightly; safe to run any number of times.
    """
    return deadlines_recount(la_id=la_id)


@shared_task(name="cases.tasks.deadline_chasers")
def deadline_chasers_task() -> dict:
    """Tasks to chase the statutory deadlines falling in the next days (nightly)."""
    return deadline_chasers(timezone.localdate())


@shared_task(name="cases.tasks.message_send")
def message_send(message_id: str) -> str:
    """Send one message through GOV.UK Notify; safe to run any number of times."""
    return notices.message_send(message_id)


@shared_task(name="cases.tasks.messages_retry")
def messages_retry() -> int:
    """Queue again the messages Notify did not take, once their wait is over."""
    return notices.messages_retry()


@shared_task(name="cases.tasks.messages_check")
def messages_check() -> dict:
    """Read the delivery status of the messages sent lately."""
    return notices.messages_check()


@shared_task(name="cases.tasks.summaries_send")
def summaries_send() -> int:
    """The daily summary to each person who chose one."""
    return notices.summaries_send()


@shared_task(name="cases.tasks.reminders_send")
def reminders_send() -> dict:
    """The day's reminders: placements ending soon, returns and reviews overdue, Fair Access
    answers due, tasks overdue (each registered by its app)."""
    return reminders.reminders_send(timezone.localdate())


@shared_task(name="cases.tasks.la_counts_compact")
def la_counts_compact_task() -> int:
    """Fold the day's kept-count rows into one an LA and subject (nightly; safe to run twice)."""
    return la_counts_compact()
