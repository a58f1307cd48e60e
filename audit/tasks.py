from celery import shared_task

from audit.partitions import audit_partitions_ensure


@shared_task
def partitions_ensure():
    """The read-audit log's partitions for this month and the next three (daily; safe to run
    any number of times)."""
    return audit_partitions_ensure()
