"""Queueing a Celery task when Redis may be down.

A page that starts background work must still answer when the broker is unreachable: the work
is recorded in the database first (a queued report, a calendar change), and the sweeper or the
nightly run picks it up once Redis is back (security bar G19).
"""

import logging
import os
import socket

from celery import current_app
from kombu.exceptions import OperationalError as BrokerUnreachable

logger = logging.getLogger("approvision.tasks")


def queue(task_name: str, *args, **kwargs) -> bool:
    """Send a task by its registered name; False (and a warning) if the broker is unreachable."""
    try:
        current_app.tasks[task_name].delay(*args, **kwargs)
    except BrokerUnreachable:
        logger.warning(
            "Broker unreachable: %s not queued now; it will be picked up later", task_name
        )
        return False
    return True


def worker_name() -> str:
    """This worker, as written on the work it claims: host and process."""
    return f"{socket.gethostname()}:{os.getpid()}"
