"""`make test`: its own database and Redis (see scripts/services.sh)."""

import os

from approvision.settings.dev import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tasks run in the test process; the real worker is exercised by the fault drills.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# Everything the application logs during the suite also goes to a file a process (security bar
# G14): tests/conftest.py looks for the canary values of tests/test_log_canaries.py in them all
# when the suite ends. Each xdist worker writes its own.
SUITE_LOG = VAR_DIR / "logs" / f"suite-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}.log"
SUITE_LOG.parent.mkdir(parents=True, exist_ok=True)
LOGGING["handlers"]["suite_file"] = {
    "class": "logging.FileHandler",
    "filename": str(SUITE_LOG),
    "mode": "w",
    "formatter": "plain",
    "filters": ["outage", "refusal"],
}
LOGGING["root"]["handlers"] = ["console", "suite_file"]
