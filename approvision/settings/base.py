"""Settings shared by every environment. Secrets and hosts come from the environment."""

import os
import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from celery.schedules import crontab
from kombu import Queue

from approvision.storage import s3_storage

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("APPROVISION_VAR_DIR", BASE_DIR / "var"))

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h]

SERVICE_NAME = "Alternative provision panel"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    # third party
    "rest_framework",
    "drf_spectacular",
    "django_filters",
    "guardian",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp_webauthn",
    "django_celery_beat",
    "django_htmx",
    "crispy_forms",
    "crispy_forms_gds",
    # ours, in the order imports may run
    "organisations",
    "audit",
    "providers",
    "cases",
    "placements",
    "panels",
    "reports",
    "rights",
    "api",
    # the demo LA and the generated large LA: built through every app's services, imported by none
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "approvision.middleware.SecurityHeadersMiddleware",
    # Inside the headers middleware, so even a refused upload's 413 page carries the CSP.
    "approvision.middleware.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A NUL in the address is a 400, audited, before any view or query meets it.
    "approvision.middleware.RefuseNulMiddleware",
    # Sees each response after everything within: logs 401/403/404 and sign-in redirects.
    "audit.middleware.DenialLogMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "organisations.middleware.SessionLimitsMiddleware",
    "organisations.middleware.RequireVerifiedMiddleware",
    "organisations.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks, so it sees the outcome of every sign-in.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "approvision.urls"
WSGI_APPLICATION = "approvision.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "builtins": ["organisations.templatetags.govuk_dates"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "approvision.context_processors.service",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:54329/approvision"),
        conn_max_age=60,
        conn_health_checks=True,
    )
}
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 3
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:63799/0")

# Counted figures (the dashboards', the Fair Access ledger) are kept in PostgreSQL: one copy for
# every gunicorn worker (each worker counting the LA's figures for itself cost a director a
# second four times over), and still there while Redis is down. The table is made by a migration.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "approvision_cache",
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
}

AUTH_USER_MODEL = "organisations.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out username+IP before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "organisations.backends.MemberBackend",
    "guardian.backends.ObjectPermissionBackend",
]
LOGIN_URL = "organisations:sign_in"
LOGIN_REDIRECT_URL = "reports:home"
LOGOUT_REDIRECT_URL = "organisations:sign_in"

# NCSC: length, not composition; no expiry. 12 minimum, long passphrases allowed.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "organisations.validators.MaximumLengthValidator"},
]

# Sessions live in PostgreSQL so sign-in keeps working while Redis is down.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=12)
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# ASVS / Cyber Essentials: lock after 5 failures per username+IP, for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_CALLABLE = "organisations.views.sign_in.locked_out"
AXES_USERNAME_FORM_FIELD = "username"
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("APPROVISION_PROXY_COUNT", "0"))
AXES_VERBOSE = False

OTP_TOTP_ISSUER = "approvision"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, g:i a"
SHORT_DATE_FORMAT = "j M Y"

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", VAR_DIR / "staticfiles"))
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Object storage (approvision/storage.py) when a bucket is given: what several web nodes share.
if os.environ.get("APPROVISION_S3_BUCKET"):
    STORAGES["default"] = s3_storage(
        bucket=os.environ["APPROVISION_S3_BUCKET"],
        endpoint=os.environ.get("APPROVISION_S3_ENDPOINT", ""),
        key=os.environ.get("APPROVISION_S3_KEY", ""),
        secret=os.environ.get("APPROVISION_S3_SECRET", ""),
    )

# Evidence uploads: a request body over this is refused with a 413 before Django reads it.
APPROVISION_MAX_REQUEST_BYTES = 20 * 1024 * 1024
# An import's upload page takes a whole LA's export (200,000 pupils) or the DfE register.
APPROVISION_MAX_IMPORT_BYTES = 80 * 1024 * 1024
# An import's worker writes its progress every second; one silent this long is taken as dead.
IMPORT_STALE_SECONDS = 300
APPROVISION_VIRUS_SCANNER = os.environ.get(
    "APPROVISION_VIRUS_SCANNER", "cases.referrals.uploads.ClamdScanner"
)
APPROVISION_CLAMD_HOST = os.environ.get("APPROVISION_CLAMD_HOST", "127.0.0.1")
APPROVISION_CLAMD_PORT = int(os.environ.get("APPROVISION_CLAMD_PORT", "3310"))
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "approvision@localhost")
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_USE_TLS = os.environ.get("DJANGO_EMAIL_USE_TLS", "") == "1"

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiTokenAuthentication",
        "api.authentication.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.SignedInWithOwnPassword"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.PerUserApiThrottle"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "api.paging.Paging",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "api.errors.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "approvision API",
    "VERSION": "1",
    "DESCRIPTION": (
        "Records of pupils, exclusions, AP referrals, panels, Fair Access, placements and "
        "reports, scoped to the signed-in user's organisation. Every read of pupil-level data "
        "is audited. Updates need If-Match with the ETag of the record read."
    ),
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "COMPONENT_SPLIT_REQUEST": True,
    # Choice sets shared by several fields get one name each in the schema.
    "ENUM_NAME_OVERRIDES": {
        "ClockKindEnum": "cases.exclusions.models.Deadline.Kind",
        "ExclusionKindEnum": "cases.exclusions.models.Exclusion.Kind",
        "ExclusionStateEnum": "cases.exclusions.models.Exclusion.State",
        "NoticeMethodEnum": "cases.exclusions.models.Exclusion.NoticeMethod",
        "ReviewOutcomeEnum": "cases.exclusions.models.Exclusion.ReviewOutcome",
        "ExclusionStepEnum": "api.serializers.EXCLUSION_STEPS",
        "CaseNoteKindEnum": "cases.casework.models.CaseNote.Kind",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.errors.add_error_responses",
        "api.filtering.document_filter_values",
    ],
}

CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
# Without this a task whose worker is killed is acknowledged and lost.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Longer than the longest task, or Redis redelivers a task still running.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 2 * 60 * 60}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Named queues, so a burst of one kind of work does not hold up another: "reports" for the long
# work (reports and their PDFs, imports), "notifications" for messages
# to people, and the default queue ("celery") for housekeeping (recounts, chasers, sweeps,
# retention). A worker started without -Q takes all three (`make run`); several hosts start a
# worker a queue (`celery -A approvision worker -Q reports`). Every task is safe to run twice.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = (Queue("celery"), Queue("notifications"), Queue("reports"))
CELERY_TASK_ROUTES = {
    "reports.tasks.produce": {"queue": "reports"},
    "reports.tasks.scheduled": {"queue": "reports"},
    "organisations.tasks.import_run": {"queue": "reports"},
    "cases.tasks.message_send": {"queue": "notifications"},
    "cases.tasks.messages_retry": {"queue": "notifications"},
    "cases.tasks.messages_check": {"queue": "notifications"},
    "cases.tasks.summaries_send": {"queue": "notifications"},
    "cases.tasks.reminders_send": {"queue": "notifications"},
}
# GOV.UK Notify: the key and address (`make run` and `make test` start a local Notify and set
# both); the templates by id. Each kind of message may have its own template
# (NOTIFY_TEMPLATE_<KIND>,
# e.g. NOTIFY_TEMPLATE_PANEL_DECISION); the rest use the channel's general one, whose content is
# ((subject)) and ((body)).
NOTIFY_API_KEY = os.environ.get("NOTIFY_API_KEY", "")
NOTIFY_BASE_URL = os.environ.get("NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
NOTIFY_TEMPLATES = {
    "email": os.environ.get("NOTIFY_TEMPLATE_EMAIL", "5e3b6a1d-3f0c-4b8e-9a43-6f2d1c7e8b01"),
    "sms": os.environ.get("NOTIFY_TEMPLATE_SMS", "5e3b6a1d-3f0c-4b8e-9a43-6f2d1c7e8b02"),
    "letter": os.environ.get("NOTIFY_TEMPLATE_LETTER", "5e3b6a1d-3f0c-4b8e-9a43-6f2d1c7e8b03"),
    **{
        name.removeprefix("NOTIFY_TEMPLATE_").lower(): value
        for name, value in os.environ.items()
        if name.startswith("NOTIFY_TEMPLATE_")
        and name not in ("NOTIFY_TEMPLATE_EMAIL", "NOTIFY_TEMPLATE_SMS", "NOTIFY_TEMPLATE_LETTER")
    },
}
# Sign-in through identity providers (organisations/identity.py). DfE Sign-in for schools and
# trusts: its issuer, this service's client, and its public API (roles are not in the token). A
# council's own provider for its staff: COUNCIL_OIDC_<LA code>_ISSUER, _CLIENT_ID, _CLIENT_SECRET
# (and _SCOPES); which of its groups or roles mean which of our roles is in the LA's settings.
DFE_SIGNIN = (
    {
        "issuer": os.environ["DFE_SIGNIN_ISSUER"],
        "client_id": os.environ.get("DFE_SIGNIN_CLIENT_ID", ""),
        "client_secret": os.environ.get("DFE_SIGNIN_CLIENT_SECRET", ""),
        "scopes": os.environ.get("DFE_SIGNIN_SCOPES", "openid email profile organisation"),
        "api_url": os.environ.get("DFE_SIGNIN_API_URL", "https://api.signin.education.gov.uk"),
        "api_secret": os.environ.get("DFE_SIGNIN_API_SECRET", ""),
        "service_id": os.environ.get("DFE_SIGNIN_SERVICE_ID", ""),
    }
    if os.environ.get("DFE_SIGNIN_ISSUER")
    else None
)
# DfE Sign-in's role codes for this service, and the role each gives here.
DFE_SIGNIN_ROLES = {"APPROVISION_SCHOOL": "school_staff", "APPROVISION_TRUST": "trust_lead"}
COUNCIL_OIDC = {
    name.split("_")[2]: {
        "issuer": value,
        "client_id": os.environ.get(f"COUNCIL_OIDC_{name.split('_')[2]}_CLIENT_ID", ""),
        "client_secret": os.environ.get(f"COUNCIL_OIDC_{name.split('_')[2]}_CLIENT_SECRET", ""),
        "scopes": os.environ.get(
            f"COUNCIL_OIDC_{name.split('_')[2]}_SCOPES", "openid email profile roles"
        ),
        # Entra ID: where a person's groups are asked for when the ID token has too many to carry
        # (its "overage" claim). Only this address is used, never one named in the token.
        "graph_url": os.environ.get(
            f"COUNCIL_OIDC_{name.split('_')[2]}_GRAPH_URL", "https://graph.microsoft.com/v1.0"
        ),
    }
    for name, value in os.environ.items()
    if re.fullmatch(r"COUNCIL_OIDC_\d{3}_ISSUER", name)
}

# Where the service is reached: the links in messages.
SITE_URL = os.environ.get("APPROVISION_SITE_URL", "http://127.0.0.1:8000")
# The read-audit log is kept at least this long; older months may be archived whole
# (`manage.py audit_archive`).
AUDIT_KEEP_MONTHS = int(os.environ.get("APPROVISION_AUDIT_KEEP_MONTHS", "24"))

# Passkeys (django-otp-webauthn) for local accounts. A passkey belongs to one host name (the
# relying party): the service's own, from APPROVISION_SITE_URL. Browsers refuse an IP address
# as one, so a loopback address becomes "localhost" (open http://localhost:8000 to use them).
_site = urlsplit(SITE_URL)
_passkey_host = _site.hostname or "localhost"
if re.fullmatch(r"[\d.]+|.*:.*", _passkey_host):  # IPv4, or IPv6 (urlsplit drops the brackets)
    _passkey_host = "localhost"
OTP_WEBAUTHN_RP_ID = _passkey_host
OTP_WEBAUTHN_RP_NAME = "approvision"
OTP_WEBAUTHN_ALLOWED_ORIGINS = [
    f"{_site.scheme}://{_passkey_host}" + (f":{_site.port}" if _site.port else "")
]
OTP_WEBAUTHN_HELPER_CLASS = "organisations.passkeys.PasskeyHelper"
OTP_WEBAUTHN_EXCEPTION_LOGGER_NAME = "organisations.passkeys"
# Where `make run` and the tests serve on any loopback port, the passkey's host and origin are
# the request's own (organisations.passkeys.PasskeyHelper); never in production.
PASSKEY_HOST_FROM_REQUEST = False

# The page of what the local Notify received (development only).
NOTIFY_LOCAL_PAGE = False

# django-celery-beat's scheduler, run by one beat at a time (approvision/beat.py).
CELERY_BEAT_SCHEDULER = "approvision.beat:SingleBeatScheduler"
CELERY_BEAT_SCHEDULE = {
    "clear-expired-sessions": {
        "task": "organisations.tasks.clear_expired_sessions",
        "schedule": timedelta(hours=1),
    },
    # The read-audit log's monthly partitions, made three months ahead.
    "audit-partitions": {
        "task": "audit.tasks.partitions_ensure",
        "schedule": crontab(hour=0, minute=20),
    },
    # Imports whose worker died queued again; checks no one confirmed expire after a day.
    "imports-sweep": {
        "task": "organisations.tasks.imports_sweep",
        "schedule": timedelta(minutes=1),
    },
    # DfE Sign-in's roles asked again while a session may last: a withdrawal ends it.
    "identities-recheck": {
        "task": "organisations.tasks.identities_recheck",
        "schedule": timedelta(minutes=15),
    },
    # Deadlines are recounted when term dates change; nightly as well, to be sure.
    "refresh-deadlines": {
        "task": "cases.tasks.deadlines_refresh",
        "schedule": crontab(hour=2, minute=30),
    },
    # The pupils and exclusions kept counted per LA: the day's rows folded into one an LA.
    "la-counts-compact": {
        "task": "cases.tasks.la_counts_compact",
        "schedule": crontab(hour=2, minute=40),
    },
    # A task for whoever's duty a statutory deadline is, a week before it falls.
    "deadline-chasers": {
        "task": "cases.tasks.deadline_chasers",
        "schedule": crontab(hour=2, minute=50),
    },
    # Clocks counted past the term dates entered: the LA's administrators are told (weekly).
    "term-dates-remind": {
        "task": "cases.tasks.term_dates_remind",
        "schedule": crontab(hour=7, minute=0),
    },
    # Placements start; providers lose sight of pupils a grace period after a placement ends.
    "placements-daily": {
        "task": "placements.tasks.daily",
        "schedule": crontab(hour=1, minute=15),
    },
    # Messages GOV.UK Notify did not take the first time, tried again as their wait ends; the
    # delivery status of those it took; the daily summaries; the day's reminders.
    "messages-retry": {
        "task": "cases.tasks.messages_retry",
        "schedule": timedelta(minutes=1),
    },
    "messages-check": {
        "task": "cases.tasks.messages_check",
        "schedule": timedelta(minutes=2),
    },
    "messages-summaries": {
        "task": "cases.tasks.summaries_send",
        "schedule": crontab(hour=7, minute=30),
    },
    "messages-reminders": {
        "task": "cases.tasks.reminders_send",
        "schedule": crontab(hour=6, minute=30),
    },
    # Reports: the panel pack the day before each week's meetings, monitoring on the 1st of each
    # month, the board report at the end of each term; a sweep requeues any a dead worker left.
    "reports-panel-pack": {
        "task": "reports.tasks.scheduled",
        "schedule": crontab(hour=6, minute=0, day_of_week="mon"),
        "args": ["panel_pack"],
    },
    "reports-monitoring": {
        "task": "reports.tasks.scheduled",
        "schedule": crontab(hour=5, minute=0, day_of_month="1"),
        "args": ["monitoring"],
    },
    "reports-board": {
        "task": "reports.tasks.scheduled",
        "schedule": crontab(hour=5, minute=30, day_of_month="20", month_of_year="12,3,7"),
        "args": ["board"],
    },
    # Records past their retention period are deleted nightly (legal holds excepted).
    "rights-retention": {
        "task": "rights.tasks.retention",
        "schedule": crontab(hour=3, minute=15),
    },
    "reports-sweep": {
        "task": "reports.tasks.sweep",
        "schedule": timedelta(minutes=1),
    },
}
# A report whose worker has not reported progress for this long is given to another worker.
REPORT_STALE_SECONDS = int(os.environ.get("APPROVISION_REPORT_STALE_SECONDS", "120"))

# Signing out through an identity provider is a form whose answer goes on to the provider's
# sign-out page: form-action names the providers' origins (a browser checks the redirect too).
_SIGN_IN_ORIGINS = " ".join(
    sorted(
        {
            "{0.scheme}://{0.netloc}".format(urlsplit(config["issuer"]))
            for config in [*([DFE_SIGNIN] if DFE_SIGNIN else []), *COUNCIL_OIDC.values()]
        }
    )
)
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    f"font-src 'self'; connect-src 'self'; form-action 'self' {_SIGN_IN_ORIGINS}; "
    "base-uri 'self'; object-src 'none'; frame-ancestors 'none'"
).replace("'self' ;", "'self';")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {
        "outage": {"()": "approvision.logging.DatabaseOutageFilter"},
        "refusal": {"()": "approvision.logging.RefusalFilter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["outage", "refusal"],
        }
    },
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# API tokens live this many days; then the user asks for a new one (with a fresh TOTP code).
APPROVISION_API_TOKEN_DAYS = int(os.environ.get("APPROVISION_API_TOKEN_DAYS", "30"))
# Per-user limits: (requests, per seconds). Beyond them the answer is 429 with Retry-After.
APPROVISION_RATE_LIMITS = {
    "api": (int(os.environ.get("APPROVISION_API_RATE", "600")), 60),
    "export": (int(os.environ.get("APPROVISION_EXPORT_RATE", "60")), 3600),
}

# The GOV.UK class for the widgets crispy-forms-gds does not know by name (approvision.forms has
# the select and number input it does, so those get the error border too).
CRISPY_CLASS_CONVERTERS = {
    "timeinput": "govuk-input",
    "dateinput": "govuk-input",
    "numberinput": "govuk-input",
    "urlinput": "govuk-input",
    "fastselect": "govuk-select",
}
