from celery import shared_task

from placements.commissioning.services import placements_daily


@shared_task(name="placements.tasks.daily")
def daily() -> dict[str, int]:
    """Start accepted placements whose day has come; end providers' sight of pupils whose
    placements ended longer ago than the LA's grace period. Safe to run any number of times."""
    return placements_daily()
