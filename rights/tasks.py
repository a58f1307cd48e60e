from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from audit.models import RateCount
from rights.retention import retention_run


@shared_task(acks_late=True)
def retention() -> dict:
    run = retention_run(timezone.localdate())
    # Rate-limit windows older than a day are spent.
    RateCount.objects.filter(window_start__lt=timezone.now() - timedelta(days=1)).delete()
    return {"pupils": run.pupils_deleted, "records": run.records_deleted, "held": run.held}
