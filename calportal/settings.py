"""Settings for the CAL portal, read from the environment.

With nothing set, the portal runs on an embedded default: a SQLite file under
``var/``, Celery tasks executed in-process and e-mail printed to the console.
See README.md for the variables a deployment sets.
"""

from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from redis.backoff import NoBackoff
from redis.retry import Retry

from calportal.env import (
    envbool,
    envbounds,
    envchoice,
    envdatabase,
    envint,
    envlist,
    envredis,
    envstr,
    envurl,
    redis_database,
)
from calportal.redis_breaker import BreakerConnection

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(envstr("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = envbool("DEBUG", default=True)

SECRET_KEY = envstr("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

# Public address used in e-mails (links sent outside a request, e.g. from Celery).
SITE_URL = envurl("SITE_URL", "http://127.0.0.1:8000", require_https=not DEBUG)
SITE_NAME = envstr("SITE_NAME", "CAL Śrem")
# Shown on the public pages and in the privacy notice; a deployment sets its real ones.
CONTACT_EMAIL = envstr("CONTACT_EMAIL", "cal@ops.srem.pl")
CONTACT_PHONE = envstr("CONTACT_PHONE")
DPO_EMAIL = envstr("DPO_EMAIL", "iod@ops.srem.pl")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "axes",
    "csp",
    "post_office",
    "django_celery_beat",
    "auditlog",
    "calportal",
    "calportal.organisations",
    "calportal.accounts",
    "calportal.team",
    "calportal.documents",
    "calportal.outbox",
    "calportal.calls",
    "calportal.health",
    "calportal.reports",
    "calportal.public_tasks",
    "calportal.projects",
    "calportal.strategy",
    "calportal.privacy",
    "calportal.audit",
    "initiatives",
    "resources_map",
    "volunteers",
    "selfhelp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A NUL byte in the address or query string is a 400 page, not a database error.
    "calportal.middleware.RefuseUnstorableCharactersMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Axes comes after every middleware that answers a request: it turns a locked-out login into
    # the lockout page (the public cache below answers only anonymous GETs of public pages).
    "axes.middleware.AxesMiddleware",
    # Innermost: a stored public page is served before URL resolution, wrapped by all the above.
    "calportal.public_cache.PublicCacheMiddleware",
]

if not DEBUG:
    # In production gunicorn serves the collected static files itself.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

# --- Audit trail (django-auditlog; PRIVACY.md §6) ----------------------------------------------
# Which models are tracked and which fields masked: calportal/audit/tracking.py. The middleware
# names the logged-in user as the actor of each change; it must follow authentication.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "auditlog.middleware.AuditlogMiddleware",
)
# No IP addresses in the trail (minimisation; failed logins keep theirs for 90 days in axes).
AUDITLOG_DISABLE_REMOTE_ADDR = True
AUDITLOG_MASK_CALLABLE = "calportal.audit.tracking.mask"

ROOT_URLCONF = "calportal.urls"
WSGI_APPLICATION = "calportal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "calportal.context_processors.site",
                "calportal.navigation.navigation",
                "calportal.navigation.site_url_check",
            ],
        },
    },
]

DATABASES = {"default": envdatabase("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections: opening a PostgreSQL connection costs more than serving a cached page,
# so each gunicorn thread (and Celery worker) keeps its connection this many seconds (0: a new
# one per request, the development default). Before reuse it is checked, so a connection the
# server dropped (a restart, an idle timeout) is replaced instead of failing the request.
DATABASES["default"]["CONN_MAX_AGE"] = envint(
    "DATABASE_CONN_MAX_AGE", 0 if DEBUG else 60, minimum=0
)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Anonymous public pages served from the cache (calportal/public_cache.py); 0 turns it off.
PUBLIC_CACHE = envbool("PUBLIC_CACHE", default=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# REDIS_URL names the broker's database; the cache and Celery's results use the next two databases
# on the same server (redis://redis:6379/0 → cache in 1, results in 2), or CACHE_REDIS_URL and
# CELERY_RESULT_URL.
REDIS_URL = envredis("REDIS_URL")
CACHE_REDIS_URL = envredis("CACHE_REDIS_URL") or (REDIS_URL and redis_database(REDIS_URL, 1))
CELERY_RESULT_URL = envredis("CELERY_RESULT_URL") or (REDIS_URL and redis_database(REDIS_URL, 2))
# Seconds: a Redis that is down or hung costs a request at most about this long.
REDIS_TIMEOUT = 1

if REDIS_URL:
    CACHES = {
        "default": {
            # django-redis, so that a cache that does not answer is a miss (logged), never an
            # error: rate limits then let requests through (RATELIMIT_FAIL_OPEN below).
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": CACHE_REDIS_URL,
            "KEY_PREFIX": "calportal",
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": REDIS_TIMEOUT,
                "SOCKET_TIMEOUT": REDIS_TIMEOUT,
                "IGNORE_EXCEPTIONS": True,
                # No retries, and after a failure the cache is skipped for a while (with one
                # warning in the log): a hung Redis costs one request about a second.
                "CONNECTION_POOL_KWARGS": {
                    "connection_class": BreakerConnection,
                    "retry": Retry(NoBackoff(), 0),
                },
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "home"
# Invitations and password-reset links stay valid for three days.
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600

# How many reverse proxies of ours stand in front of the application, each appending the
# address it was reached from to X-Forwarded-For (0: none, the client connects directly).
# Login lockouts, rate limits and records of failed logins all take the client's address from
# calportal.client_ip.client_ip, which reads this.
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 0, minimum=0)
for _retired in ("AXES_PROXY_COUNT", "RATELIMIT_IP_META_KEY"):
    if envstr(_retired):
        # Silently ignoring them would bring back lockouts of everyone behind the proxy.
        raise ImproperlyConfigured(f"{_retired} is no longer read: set TRUSTED_PROXY_COUNT")

# Brute-force protection: five failures for one e-mail from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=envint("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "calportal.accounts.axes.username_from_credentials"
AXES_CLIENT_IP_CALLABLE = "calportal.client_ip.client_ip"

# Public signups per client address (django-ratelimit syntax, e.g. "10/h").
SIGNUP_RATE_LIMIT = envstr("SIGNUP_RATE_LIMIT", "20/h")
RATELIMIT_IP_META_KEY = "calportal.client_ip.client_ip"
# A cache that does not answer lets requests through rather than refusing everyone.
RATELIMIT_FAIL_OPEN = True

SESSION_COOKIE_AGE = 8 * 3600  # one working day
SESSION_COOKIE_HTTPONLY = True

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "pl"
LANGUAGES = [("pl", _("Polish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Warsaw"
USE_I18N = True
# One unambiguous date format per language, accepted back as input (calportal/dates.py).
FORMAT_MODULE_PATH = ["calportal.formats"]
USE_TZ = True

# --- Static and media -------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(envstr("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(VAR_DIR / "media")))
# The largest file a form takes (CSV imports); a larger one is cut off as it arrives.
MAX_UPLOAD_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "calportal.uploads.CappedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Generated documents (attendance sheets, reports) name residents: never under MEDIA_URL.
PRIVATE_MEDIA_ROOT = Path(envstr("PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Attachments of queued e-mails (calendar files): kept out of MEDIA_URL.
    "outbox": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT / "outbox"},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

FILTERS_EMPTY_CHOICE_LABEL = _("Any")
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- E-mail -----------------------------------------------------------------------------------
EMAIL_HOST = envstr("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "calportal.outbox.backends.PatientSMTPBackend"
    EMAIL_PORT = envint("EMAIL_PORT", 587, minimum=1)
    EMAIL_HOST_USER = envstr("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", default=EMAIL_PORT == 587)
    EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", default=EMAIL_PORT == 465)
    if EMAIL_USE_TLS and EMAIL_USE_SSL:
        raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be on")
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Connecting to the relay fails fast (EMAIL_TIMEOUT); once connected we wait patiently for its
# answer (EMAIL_REPLY_TIMEOUT), so a slow relay that accepts a message is never sent it twice.
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 10, minimum=1)
EMAIL_REPLY_TIMEOUT = envint("EMAIL_REPLY_TIMEOUT", 120, minimum=1)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "CAL Śrem <cal@ops.srem.pl>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# The outbox (calportal/outbox, on django-post-office): every e-mail is stored with the change
# that causes it and delivered by Celery; a failure is retried after 1, 2, 4 … minutes (at most
# OUTBOX_RETRY_MAX_SECONDS apart) until OUTBOX_RETRY_HOURS have passed.
OUTBOX_RETRY_BASE_SECONDS = envint("OUTBOX_RETRY_BASE_SECONDS", 60, minimum=1)
OUTBOX_RETRY_MAX_SECONDS = envint("OUTBOX_RETRY_MAX_SECONDS", 3600, minimum=1)
OUTBOX_RETRY_HOURS = envint("OUTBOX_RETRY_HOURS", 72, minimum=1)
# The sweep hands on a message still queued this long after it was queued, and again if it is
# still not sent this long after it was handed on (its task was lost with a worker).
OUTBOX_SWEEP_AFTER_SECONDS = envint("OUTBOX_SWEEP_AFTER_SECONDS", 60, minimum=0)
OUTBOX_REHAND_SECONDS = envint("OUTBOX_REHAND_SECONDS", 600, minimum=1)
# Sent (and given-up) messages hold residents' names and personal links: kept this long.
OUTBOX_KEEP_DAYS = envint("OUTBOX_KEEP_DAYS", 90, minimum=7)

# --- Text messages (calportal/outbox/sms.py) -----------------------------------------------------
# SMS_PROVIDER: "console" prints them (the default with DEBUG, like e-mail), "smsapi" sends them
# through SMSAPI.pl (SMSAPI_TOKEN, an OAuth token from the provider's panel; SMS_SENDER, a sender
# name registered there, or empty for the provider's default), "off" sends none: people without
# e-mail are then told by the office's call list only. SMSAPI_URL is for a test server.
SMS_PROVIDER = envchoice(
    "SMS_PROVIDER", "CONSOLE" if DEBUG else "OFF", ["CONSOLE", "SMSAPI", "OFF"]
).lower()
SMS_BACKEND = {
    "console": "calportal.outbox.sms_backends.ConsoleBackend",
    "smsapi": "calportal.outbox.sms_backends.SMSAPIBackend",
    "off": "",
}[SMS_PROVIDER]
SMSAPI_TOKEN = envstr("SMSAPI_TOKEN")
SMSAPI_URL = envstr("SMSAPI_URL", "https://api.smsapi.pl/")
SMS_SENDER = envstr("SMS_SENDER")
if SMS_PROVIDER == "smsapi" and not SMSAPI_TOKEN:
    raise ImproperlyConfigured("SMS_PROVIDER=smsapi needs SMSAPI_TOKEN")
# Seconds to wait for the provider; a message not delivered after SMS_MAX_ATTEMPTS tries
# (SMS_RETRY_BASE_SECONDS, then twice as long each time) goes to the call list.
SMS_TIMEOUT = envint("SMS_TIMEOUT", 15, minimum=1)
SMS_MAX_ATTEMPTS = envint("SMS_MAX_ATTEMPTS", 4, minimum=1)
SMS_RETRY_BASE_SECONDS = envint("SMS_RETRY_BASE_SECONDS", 60, minimum=1)
# No text message wakes anyone: one queued from SMS_QUIET_FROM o'clock (local time) waits until
# SMS_QUIET_UNTIL o'clock (the reminder the day before is queued just after midnight).
SMS_QUIET_FROM = envint("SMS_QUIET_FROM", 21, minimum=0)
SMS_QUIET_UNTIL = envint("SMS_QUIET_UNTIL", 8, minimum=0)

# PDF documents (calportal/documents): a job no worker has started is sent again after
# DOCUMENTS_RESEND_SECONDS, then after twice as long each time (at most an hour apart); a
# document whose render was lost with its worker this many times is marked failed.
DOCUMENTS_RESEND_SECONDS = envint("DOCUMENTS_RESEND_SECONDS", 60, minimum=1)
DOCUMENTS_MAX_ATTEMPTS = envint("DOCUMENTS_MAX_ATTEMPTS", 3, minimum=1)
POST_OFFICE = {
    # Delivery is ours (calportal.outbox.services.deliver): row locks instead of a lock file.
    "CELERY_ENABLED": False,
    "MESSAGE_ID_ENABLED": True,
    "MESSAGE_ID_FQDN": SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0],
    "LOG_LEVEL": 2,
    "FILE_STORAGE": "outbox",
}

# --- Celery -----------------------------------------------------------------------------------
# Without a broker, tasks run in the calling process: the embedded default needs no Redis.
# Every task's work is recorded in the database first (calportal/queue.py): a broker that is down
# delays it, the sweeps below re-send it, nothing is lost.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = CELERY_RESULT_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = envbool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
# The longest any task may run (seconds); the deployment's stop grace period exceeds it.
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
# A message is acknowledged when its task has finished, and handed back to the broker when the
# process running it dies (killed, out of memory): no task is lost with a worker.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # An unacknowledged message (its worker vanished) is delivered again after this long: just
    # over the longest task time limit.
    "visibility_timeout": CELERY_TASK_TIME_LIMIT + 60,
    "socket_connect_timeout": REDIS_TIMEOUT,
    "socket_timeout": REDIS_TIMEOUT,
    # Publishing (a web request handing on work) gives up after one quick retry: the work is
    # already in the database and a sweep sends it later (calportal/queue.py).
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
# A worker whose broker is away keeps trying to reconnect, however long the outage.
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": REDIS_TIMEOUT,
    "socket_timeout": REDIS_TIMEOUT,
    "retry_policy": {"max_retries": 1, "interval_start": 0, "interval_step": 0.2},
}
# Nothing waits for a task's return value (the database holds every outcome); a task that is
# asked for its result (the worker ping) says so itself.
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_TIMEZONE = TIME_ZONE
# The schedule and each task's last run live in the database (django-celery-beat), so a
# re-created beat container keeps them and runs at start whatever it missed.
# calportal/beat.py: an interval entry that has never run is due at once, not a whole interval
# after each start.
CELERY_BEAT_SCHEDULER = "calportal.beat:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "event-reminders": {
        "task": "initiatives.send_event_reminders",
        "schedule": 3600,  # hourly; each reminder is sent once, the day before
    },
    "expire-senior-passes": {
        "task": "initiatives.passes.expire",
        "schedule": 6 * 3600,
    },
    "volunteer-missing-hours": {
        "task": "volunteers.remind_missing_hours",
        "schedule": crontab(hour=8, minute=0, day_of_week="mon"),
    },
    "volunteer-shift-reminders": {
        "task": "volunteers.remind_shift_volunteers",
        "schedule": 3600,  # hourly; each shift's volunteers hear once, within a day of it
    },
    "volunteer-stale-applications": {
        "task": "volunteers.purge_stale_applications",
        "schedule": 24 * 3600,
    },
    "privacy-retention": {
        "task": "privacy.apply_retention",
        # every retention rule of PRIVACY.md §1 that fell due, at night
        "schedule": crontab(hour=2, minute=30),
    },
    "outbox-sweep": {
        "task": "calportal.outbox.sweep",
        "schedule": 60,  # messages queued while the broker was down, and retries that are due
    },
    "outbox-forget-old": {
        "task": "calportal.outbox.forget_old",
        "schedule": 24 * 3600,
    },
    "documents-sweep": {
        "task": "calportal.documents.sweep",
        "schedule": 60,  # documents whose job was lost with a worker or never published
    },
    "reports-sweep": {
        "task": "calportal.reports.sweep",
        "schedule": 60,  # report builds whose job was lost with a worker or never published
    },
    "reports-event-summaries": {
        "task": "calportal.reports.event_summaries",
        "schedule": 3600,  # each event's organisers hear once, the day after it
    },
    "reports-due-schedules": {
        "task": "calportal.reports.run_due_schedules",
        "schedule": 15 * 60,  # the scheduled reports that are due (REPORTS.md §5)
    },
    "public-task-reports": {
        "task": "public_tasks.due_reports",
        # R6's draft on the task's end date and a reminder 20 days later (REPORTS.md §5)
        "schedule": crontab(hour=6, minute=30),
    },
    "projects-delete-expired-lists": {
        "task": "projects.delete_expired_lists",
        "schedule": 3600,  # project participant lists are kept 7 days (REPORTS.md R4)
    },
    "worker-heartbeat": {
        "task": "calportal.tasks.heartbeat",
        "schedule": 30,  # /healthz reports a worker that has not answered for two minutes
    },
    "clear-expired-sessions": {
        "task": "calportal.tasks.clear_expired_sessions",
        "schedule": 24 * 3600,
    },
}

# --- Security ---------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Map tiles (Leaflet). On a closed network leave it empty: the maps then show their points
# and areas on a plain background, and the lists beside them carry the same information.
MAP_TILE_URL = envstr("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = envstr("MAP_TILE_ATTRIBUTION", "© OpenStreetMap contributors")
# The municipality's bounding box (south,west,north,east): map points must fall inside it.
MAP_BOUNDS = envbounds("MAP_BOUNDS", "51.95,16.80,52.20,17.30")
_TILE_ORIGIN = "/".join(MAP_TILE_URL.split("/", 3)[:3]) if MAP_TILE_URL else ""

# A strict Content-Security-Policy: everything is served from the portal itself (and map tiles
# from the configured tile server).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:", *([_TILE_ORIGIN] if _TILE_ORIGIN else [])],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {
        "handlers": ["console"],
        "level": envchoice("LOG_LEVEL", "INFO", ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]),
    },
    "loggers": {"axes": {"level": "WARNING"}},
}
