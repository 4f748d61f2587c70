"""Twoway settings: one module, driven by environment variables.

Development needs no variables at all (SQLite, eager Celery, console email).
``DJANGO_ENV=production`` refuses to start without its secrets; every variable
is listed in README.md.
"""

import datetime
import sys
from email.utils import getaddresses
from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
if DJANGO_ENV not in {"development", "production"}:
    sys.exit(f"Twoway: DJANGO_ENV must be 'development' or 'production', not {DJANGO_ENV!r}.")
PRODUCTION = DJANGO_ENV == "production"

if PRODUCTION:
    _missing = [
        name
        for name in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL")
        if not env.str(name, default="").strip()
    ]
    if _missing:
        # One line, no traceback: this is an operator's mistake, not a bug.
        sys.exit(f"Twoway: DJANGO_ENV=production needs {', '.join(_missing)} (see README.md, Configuration).")

SECRET_KEY = env.str("SECRET_KEY", default="dev-only-twoway-key-never-use-in-production-0123456789")
DEBUG = env.bool("DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Where people reach the app: links in e-mails sent outside a request (reminders from Celery beat) start here.
SITE_URL = env.str("SITE_URL", default=f"https://{ALLOWED_HOSTS[0]}" if PRODUCTION else "http://127.0.0.1:8000").rstrip(
    "/"
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.microsoft",
    "allauth.socialaccount.providers.google",
    # Twoway, from the bottom of the dependency order up (make lint checks the order: see .importlinter).
    "mentoring.core",
    "mentoring.notifications",
    "accounts",
    "mentoring.programs",
    "mentoring.partnerships",
    "sessions_log",
    "mentoring.surveys",
    "matching",
    "mentoring.nudges",
    "mentoring.followup",
    "mentoring.community",
    "mentoring.home",
    "mentoring.reports",
    "mentoring.demo",
    # Only the migration history of the models that moved out of the single `mentoring` app.
    "mentoring.legacy",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "mentoring.core.middleware.RefuseNulCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "mentoring.core.middleware.PrivateResponsesMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.UserTimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "mentoring.urls"
WSGI_APPLICATION = "mentoring.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.site",
            ],
        },
    },
]

# --- Data -------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60 if PRODUCTION else 0)
# A row lock held too long (a stuck transaction) becomes an error after this many milliseconds instead of a request
# that hangs past gunicorn's timeout: the person sees the "briefly unavailable" page and may try again.
DATABASE_LOCK_TIMEOUT_MS = env.int("DATABASE_LOCK_TIMEOUT_MS", default=5000)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = f"-c lock_timeout={DATABASE_LOCK_TIMEOUT_MS}"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # Falls back to local memory while Redis does not answer: sign-in never depends on Redis.
            "BACKEND": "mentoring.core.cache.FailSafeRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Users and sign-in -------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"

ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="mandatory" if PRODUCTION else "optional")
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
# Choosing a (first) password through the reset e-mail signs the person in, so an invited or imported person goes
# straight on to where they were heading (accounts.adapters.AFTER_SIGN_IN_SESSION_KEY), not to a dead end.
ACCOUNT_LOGIN_ON_PASSWORD_RESET = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Twoway] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupExtraForm"
# Sign-in throttle (allauth's, also guarding /django-admin/, which signs in through it): five failures lock one
# account for five minutes from anywhere; one address may fail fifty times in five minutes (a whole office behind
# one NAT address is not locked out by one person guessing at one account); sign-in attempts of any outcome, 300 a
# minute from one address (allauth's 30 would turn a whole office away at nine in the morning).
ACCOUNT_RATE_LIMITS = {"login": "300/m/ip", "login_failed": "50/300s/ip,5/300s/key"}
# Behind a reverse proxy the client's address is in X-Forwarded-For: trust that many proxies' entries (0: none,
# use the connection's address), or name the header a single trusted proxy sets (e.g. X-Real-IP).
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env.str("TRUSTED_CLIENT_IP_HEADER", default="") or None
# Company e-mail domains allowed to sign up, e.g. "northwind.example,northwind.co.uk".
# Empty means any domain (only sensible on a private network).
ALLOWED_SIGNUP_DOMAINS = [
    d.strip().lower().lstrip("@")
    for d in env.list("ALLOWED_SIGNUP_DOMAINS", default=[] if PRODUCTION else ["northwind.example"])
    if d.strip()
]

SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"  # the company's identity provider has verified it
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_PROVIDERS: dict = {}
# Company single sign-on: each provider switches on when its variables are set.
if env.str("OIDC_CLIENT_ID", default=""):
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "APPS": [
            {
                "provider_id": env.str("OIDC_PROVIDER_ID", default="company"),
                "name": env.str("OIDC_NAME", default="Company single sign-on"),
                "client_id": env.str("OIDC_CLIENT_ID"),
                "secret": env.str("OIDC_CLIENT_SECRET", default=""),
                "settings": {"server_url": env.str("OIDC_SERVER_URL", default="")},
            }
        ]
    }
if env.str("MICROSOFT_CLIENT_ID", default=""):
    SOCIALACCOUNT_PROVIDERS["microsoft"] = {
        "APPS": [
            {
                "client_id": env.str("MICROSOFT_CLIENT_ID"),
                "secret": env.str("MICROSOFT_CLIENT_SECRET", default=""),
                "settings": {"tenant": env.str("MICROSOFT_TENANT", default="organizations")},
            }
        ]
    }
if env.str("GOOGLE_CLIENT_ID", default=""):
    SOCIALACCOUNT_PROVIDERS["google"] = {
        "APPS": [
            {
                "client_id": env.str("GOOGLE_CLIENT_ID"),
                "secret": env.str("GOOGLE_CLIENT_SECRET", default=""),
                "settings": {"scope": ["profile", "email"]},
            }
        ]
    }

# --- Internationalisation ----------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

# --- Static files -------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- E-mail ---------------------------------------------------------------------
if env.str("EMAIL_URL", default=""):
    globals().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Twoway <twoway@localhost>")
# A mail server that stops answering must not hold a worker: it is a temporary error, retried later.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
# Who is told when something breaks (a match run or a publication fails), e.g. "Ops <ops@example.com>, dev@example.com".
ADMINS = [(name, address) for name, address in getaddresses([env.str("ADMINS", default="")]) if address]
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)

# --- Celery ------------------------------------------------------------------------
CELERY_BROKER_URL = REDIS_URL or "memory://"
# Tasks write their results to the database; nobody waits on a Celery result, so there is no result backend.
CELERY_TASK_IGNORE_RESULT = True
# The broker is a doorbell: a request that rings it must not hang when it is down. One attempt, a short connect and
# socket timeout, and the failure is only logged (mentoring.core.tasks.ring); the outbox sweeper rings again.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 0}
CELERY_BROKER_CONNECTION_TIMEOUT = 1
# An unacknowledged task (its worker died: acks_late) is delivered again after visibility_timeout: just above the
# longest a task may run (CELERY_TASK_TIME_LIMIT), not Redis's default hour. The sweepers recover lost work
# sooner from the rows themselves.
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 2, "visibility_timeout": 360}
# Without a broker every task runs inline, so the app works with no services at all.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {"task": "mentoring.core.tasks.beat_heartbeat", "schedule": 60.0},
    "outbox-sweeper": {"task": "mentoring.notifications.tasks.sweep_outbox", "schedule": 60.0},
    "match-runs-sweeper": {"task": "matching.tasks.sweep_match_runs", "schedule": 60.0},
    "employee-imports-sweeper": {"task": "accounts.tasks.sweep_employee_imports", "schedule": 60.0},
    "session-reminders": {"task": "sessions_log.tasks.send_due_reminders", "schedule": 300.0},
    "assessment-emails": {"task": "mentoring.surveys.tasks.send_assessment_emails", "schedule": 900.0},
    # Nudges folded beyond the daily cap go out together at 08:00 in each person's zone: looked at every 15 minutes.
    "nudge-digests": {"task": "mentoring.notifications.tasks.send_nudge_digests", "schedule": 900.0},
    # Program admins' weekly digest, Monday 06:00 in CELERY_TIMEZONE (the server's time, UTC).
    "admin-weekly-digest": {
        "task": "mentoring.notifications.tasks.send_admin_weekly_digests",
        "schedule": crontab(minute=0, hour=6, day_of_week=1),
    },
    # Each nudge has its day (or its moment and a lookback), so hourly is often enough; each is written once.
    "nudges": {"task": "mentoring.nudges.tasks.sweep_nudges", "schedule": 3600.0},
    "inactive-pairs": {"task": "mentoring.followup.tasks.close_inactive_pairs", "schedule": 3600.0},
}

# Reminders that can wait (nudges): at most this many e-mails per person per day of their own; the rest come
# together in one digest e-mail the next morning (their entries in the app appear at once).
NUDGE_EMAILS_PER_DAY = env.int("NUDGE_EMAILS_PER_DAY", default=3)
# No nudge e-mail between 20:00 and 08:00 in its recipient's zone (it waits for the morning). Not a variable: the
# test suite turns it off so that a test run in the evening sends what a run at noon sends.
NUDGE_QUIET_HOURS = True

# How long background work is left to its own worker before a sweeper takes it over: a message whose doorbell the
# broker lost (OUTBOX_SWEEP_AFTER), a match run or publication whose worker stopped writing its heartbeat
# (MATCH_RUN_STALE_AFTER; it writes one every MATCH_RUN_HEARTBEAT_EVERY). Not variables: production keeps these;
# the fault tests (tests/faults/server_settings.py) shorten them in the processes they start, so that an outage and
# its recovery take seconds.
OUTBOX_SWEEP_AFTER = datetime.timedelta(minutes=1)
MATCH_RUN_HEARTBEAT_EVERY = datetime.timedelta(seconds=20)
MATCH_RUN_STALE_AFTER = datetime.timedelta(minutes=2)

# --- Security (production) ----------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^livez$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Errors reach people: ADMINS are e-mailed (see README), and with SENTRY_DSN set every unhandled error and failed
# task also goes to Sentry (or any service that speaks its protocol, e.g. GlitchTip), without personal data.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=DJANGO_ENV,
        send_default_pii=False,
        traces_sample_rate=0,
    )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# Largest upload accepted anywhere (CSV imports); bigger requests are refused with a message.
MAX_UPLOAD_BYTES = env.int("MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
# An employee file with more rows than this is checked and imported by a Celery worker, with a progress bar; the
# requests return at once (134,000 rows took 24 s inline, close to gunicorn's 30 s timeout).
IMPORT_BACKGROUND_ROWS = env.int("IMPORT_BACKGROUND_ROWS", default=2000)
