from celery import shared_task
from django.utils import timezone

from rights.retention import retention_run


@shared_task(acks_late=True)
def retention() -> dict:
    run = retention_run(timezone.localdate())
    return {"pupils": run.pupils_deleted, "records": run.records_deleted, "held": run.held}
