"""Log filters. A database outage is an expected event with a known answer (503): logged as one
line, not a traceback per request (security bar G18)."""

import logging

from django.db import InterfaceError, OperationalError


class DatabaseOutageFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, (OperationalError, InterfaceError)):
            record.msg = f"{record.getMessage()} (database unavailable: {type(error).__name__})"
            record.args = ()
            record.exc_info = None
            record.exc_text = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True
