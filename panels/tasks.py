from celery import shared_task

from panels import notifications


@shared_task(name="panels.tasks.decision_notify")
def decision_notify(decision_id: int) -> str:
    """E-mail one panel decision to the referrer and the provider; safe to run twice."""
    return notifications.decision_notify(decision_id)


@shared_task(name="panels.tasks.notify_pending")
def notify_pending() -> int:
    """Queue again the decisions whose e-mail the mail server has not taken yet."""
    return notifications.decisions_notify_pending()
