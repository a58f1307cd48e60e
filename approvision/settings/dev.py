"""`make run`: a local service on loopback. Not for real data."""

import os

from approvision.settings.base import *  # noqa: F403

DEBUG = os.environ.get("DJANGO_DEBUG", "") == "1"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or "dev-only-not-secret-" + "x" * 40
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
# Serve the built front end straight from static/ without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
# Emails are printed, not sent.
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# LA administrators see what the local Notify received (`make run` only; not in production).
NOTIFY_LOCAL_PAGE = True
# Passkeys work on whichever loopback host and port the service is opened at.
PASSKEY_HOST_FROM_REQUEST = True
