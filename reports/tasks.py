from celery import shared_task

from reports import services


@shared_task(name="reports.tasks.produce", acks_late=True, reject_on_worker_lost=True)
def produce(report_id: int) -> str:
    """Produce one report (once: see reports/services.py)."""
    return services.produce(report_id)


@shared_task(name="reports.tasks.sweep")
def sweep() -> int:
    """Requeue reports whose worker died or that never reached one."""
    return services.sweep()


@shared_task(name="reports.tasks.scheduled")
def scheduled(kind: str) -> int:
    """The weekly panel pack, the monthly monitoring report, the termly board report."""
    return len(services.scheduled(kind))
