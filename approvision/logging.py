"""Log filters. A database outage, or the object store's, is an expected event with a known answer
(503): logged as one line, not a traceback per request (security bar G18). So is a refusal (401,
403, 404): it is already in the audit's denials, and a traceback per refusal hid the signal
(hardening finding 6)."""

import logging

from django.db import InterfaceError, OperationalError

from approvision.storage import is_storage_outage


class DatabaseOutageFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        what = None
        if isinstance(error, (OperationalError, InterfaceError)):
            what = "database"
        elif is_storage_outage(error):
            what = "document store"
        if what:
            record.msg = f"{record.getMessage()} ({what} unavailable: {type(error).__name__})"
            record.args = ()
            record.exc_info = None
            record.exc_text = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


REFUSALS = frozenset({401, 403, 404, 405})


class RefusalFilter(logging.Filter):
    """A refused request (Django's "Forbidden (Permission denied): /path") as one line, with no
    traceback: the refusal is expected, and audited."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) in REFUSALS and record.exc_info:
            record.exc_info = None
            record.exc_text = None
        return True
