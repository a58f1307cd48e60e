from celery import shared_task
from django.utils import timezone

from cases.casework.chasers import deadline_chasers
from cases.exclusions.models import Exclusion
from cases.exclusions.services import exclusion_deadlines_refresh
from cases.exclusions.term_dates import term_dates_remind
from cases.notices import reminders
from cases.notices import services as notices
from organisations.calendar import SchoolCalendar


@shared_task(name="cases.tasks.term_dates_remind")
def term_dates_remind_task() -> int:
    """Tell the LA administrators whose clocks need term dates not yet entered."""
    return term_dates_remind(timezone.localdate())


@shared_task(name="cases.tasks.deadlines_refresh")
def deadlines_refresh(la_id: int | None = None) -> int:
    """Recount the open deadlines (of one LA, or all) from the current calendars.

    Runs after term dates change and nightly; safe to run any number of times.
    """
    exclusions = (
        Exclusion.objects.filter(deadlines__met_on__isnull=True)
        .select_related("pupil", "school__la")
        .distinct()
        .order_by("school_id")
    )
    if la_id is not None:
        exclusions = exclusions.filter(deadlines__la_id=la_id)
    calendars: dict[int, SchoolCalendar] = {}
    count = 0
    for exclusion in exclusions.iterator(chunk_size=500):
        calendar = calendars.get(exclusion.school_id)
        if calendar is None:
            calendar = calendars[exclusion.school_id] = SchoolCalendar.for_school(exclusion.school)
        # Each is counted from its own record and the exclusions before it (clocks.py), so a
        # recount gives what the day of recording gave, with today's calendar.
        exclusion_deadlines_refresh(exclusion=exclusion, calendar=calendar)
        count += 1
    return count


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
