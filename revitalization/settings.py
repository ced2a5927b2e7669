"""One settings module for laptop, CI and production; every difference is an environment variable (STYLE §2)."""

import datetime
from pathlib import Path

import django_stubs_ext
import environ
from django.utils.translation import gettext_lazy as _

django_stubs_ext.monkeypatch()  # lets views subclass ListView[Household] at run time

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

ENV = env.str("DJANGO_ENV", default="dev")  # dev | production
PRODUCTION = ENV == "production"

# The dev key is public on purpose: production refuses to start without SECRET_KEY.
SECRET_KEY = env.str("SECRET_KEY") if PRODUCTION else env.str("SECRET_KEY", default="dev-insecure-" + "x" * 50)
# Off unless asked for (DEBUG=1): `make run` shows the pages users see, the Chinese 404/403/500 included, never
# Django's English debug pages with the URL list. Static files are then served by WhiteNoise from the finders.
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CSRF_FAILURE_VIEW = "web.views.csrf_failure"  # the Chinese 403 page, not Django's English one

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "simple_history",
    "django_celery_beat",
    "django_htmx",
    # Our apps, in dependency order (STYLE §2): core ← geo ← accounts ← households ← monitoring/projects/funds.
    "core",  # no models: the ground floor's management commands (backup, restore)
    "geo",
    "accounts",
    "notifications",
    "households",
    "monitoring",
    "sweeps",
    "national",  # entries into the national system: on the floor of sweeps, above monitoring
    "projects",
    "funds",
    # Support programmes (SPEC §11), on the floor above funds: microcredit, insurance, employment, then the
    # public-welfare posts, which read employment.
    "credit",
    "insurance",
    "employment",
    "welfare_posts",
    "ledgers",
    "offline",  # visits captured on a phone without signal (reads households and monitoring only)
    "web",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.uploads.BodyLimitMiddleware",  # before anything reads the body (CSRF reads POST)
    "csp.middleware.CSPMiddleware",
    "core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): a second factor was given this session
    "core.middleware.LoginRequiredMiddleware",
    "geo.middleware.ParametersOnceMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.sessions.SessionExpiryMiddleware",  # after messages: it leaves a word for the login page
    "core.dispatch.UnsentWorkMiddleware",  # after messages: tells the page its work is queued
    "accounts.twofactor.TwoFactorMiddleware",  # the second factor before anything else, the new password too
    "accounts.sessions.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # turns a locked-out login into the lockout page
]

ROOT_URLCONF = "revitalization.urls"
WSGI_APPLICATION = "revitalization.wsgi.application"

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
                "django.template.context_processors.i18n",
                "web.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60 if PRODUCTION else 0)
# A kept connection is checked before each request (a Celery worker opens a fresh one for each task): after a
# PostgreSQL restart the app reconnects by itself instead of failing one request per worker on a dead socket
# (tests/core/test_db_recovery.py).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # JIT compilation costs seconds per query on this workload (short set-based queries over one township) and saves
    # nothing: measured in docs/adr/0001-household-facts.md. Off for the app's own connections only.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", env.str("PG_OPTIONS", default="-c jit=off"))
# A read replica for ledgers, dashboards, reconciliation and sweep detection (core.replica).
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    if DATABASES["replica"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["replica"].setdefault("OPTIONS", {}).setdefault(
            "options", env.str("PG_OPTIONS", default="-c jit=off")
        )
    # The test run checks routing against a stand-in of its own (tests/test_replica.py); every other test reads
    # the primary's test database through the alias.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["core.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: a locked-out account is refused before its password is tried
    "accounts.backends.RoleBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.validators.CharacterKindsValidator"},
]
# Login throttling (django-axes, README "Security model"): the AXES_FAILURE_LIMIT-th wrong password for a user name
# locks that account for AXES_COOLOFF_MINUTES, on the login form, the admin and the API token endpoint alike. By
# user name, not address: a township's offices share one address behind their gateway.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes warns that a lockout without the address can be dodged by changing user agents or cookies; by user name alone
# it cannot (the account itself is locked), and adding the address would lock a whole township office out.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_HTTP_RESPONSE_CODE = 429
# Sessions end after SESSION_IDLE_MINUTES without a request and SESSION_ABSOLUTE_HOURS after their login
# (accounts.sessions); API tokens after API_TOKEN_HOURS, and at logout or a password change (accounts.tokens).
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_ABSOLUTE_HOURS = env.int("SESSION_ABSOLUTE_HOURS", default=12)
API_TOKEN_HOURS = env.int("API_TOKEN_HOURS", default=24)
# Two-factor sign-in (accounts.twofactor, django-otp TOTP): anyone may add a phone authenticator; the roles listed
# here (role codes, and "staff" for Django-admin operators) must, before any other page. Empty: optional for all.
# A production county would list county_reviewer,county_finance,county_admin,system_admin,staff.
TWO_FACTOR_REQUIRED_ROLES = env.list("TWO_FACTOR_REQUIRED_ROLES", default=[])
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="防返贫监测")
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
GUARDIAN_RAISE_403 = False
ANONYMOUS_USER_NAME = None  # no guardian anonymous user: anonymous visitors see nothing

# Content-Security-Policy (django-csp): scripts, styles, images and connections from this site only; no inline
# script anywhere (page behaviours are data attributes read by static/js/behaviours.js). Inline style attributes
# stay allowed: progress bars set their width with one. No site may frame the pages.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Permissions-Policy (core.middleware): the browser features a page may use — the position and the camera for a
# visit recorded on a phone, nothing else.
PERMISSIONS_POLICY = "geolocation=(self), camera=(self), microphone=(), payment=(), usb=(), interest-cohort=()"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
NODE_MODULES = BASE_DIR / "node_modules"
# Front-end packages come from the npm registry at install time (package.json), never from a CDN.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/chart.js", NODE_MODULES / "chart.js" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    # The phone app (offline): IndexedDB through idb, the service worker's precache through Workbox's modules,
    # which workbox-sw loads from one folder.
    ("vendor/idb", NODE_MODULES / "idb" / "build"),
    *(
        ("vendor/workbox", NODE_MODULES / f"workbox-{module}" / "build")
        for module in ("sw", "core", "precaching", "routing", "strategies")
    ),
]
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
# Outside production WhiteNoise serves the source folders directly (no collectstatic) and sees edits at once.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "media/"
# `manage.py backup` writes its archives here (README "Backups"); they hold ID numbers: keep the folder private.
BACKUP_DIR = env.path("BACKUP_DIR", default=BASE_DIR / "backups")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # The token first: an API call without valid credentials is then 401 with WWW-Authenticate (not 403).
        "accounts.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.CappedPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "core.api.AutoSchema",  # documents the error answers too
    "EXCEPTION_HANDLER": "core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "防止返贫动态监测和帮扶系统 API",
    "DESCRIPTION": "Jurisdiction-scoped API: every list and detail shows only what the caller's area may see.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its documentation are for signed-in users (the page middleware leaves /api/ to DRF).
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",  # assets from the drf-spectacular-sidecar wheel: no CDN
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One schema name per closed list that several fields share.
    "ENUM_NAME_OVERRIDES": {
        "EntryStateEnum": "monitoring.choices.EntryState",
        "EliminationStateEnum": "monitoring.choices.EliminationState",
        "SubjectCategoryEnum": "monitoring.choices.SubjectCategory",
        "RiskTypeEnum": "households.choices.RiskType",
        "RiskSourceEnum": "households.choices.RiskSource",
        "RiskSourceByHandEnum": "households.choices.RISK_SOURCES_BY_HAND",
        "SourceEnum": "projects.choices.FundingSource",  # the funds' name, kept beside the risks' "source" (§4.3)
        "ProblemStatusEnum": "sweeps.choices.ProblemStatus",
        "RunStatusEnum": "sweeps.choices.RunStatus",
        "WarningStatusEnum": "sweeps.choices.WarningStatus",
        "SweepKindEnum": "sweeps.choices.SweepKind",
        "RiskEventKindEnum": "sweeps.choices.RiskEventKind",
        "VisitKindEnum": "households.choices.VisitKind",
        "DepartmentEnum": "accounts.roles.Department",
        "ProjectStatusEnum": "projects.choices.ProjectStatus",
        "AssetStatusEnum": "projects.choices.AssetStatus",
        "FundLevelEnum": "funds.choices.FundLevel",
        "FundUseEnum": "funds.choices.FundUse",
        "FundCategoryEnum": "funds.choices.FundCategory",
        "NationalEntryKindEnum": "national.choices.NationalEntryKind",
        "LifeEventKindEnum": "households.choices.LifeEventKind",
        "AreaFieldEnum": "households.choices.AreaField",
        "EmploymentRecordStatusEnum": "employment.choices.EmploymentStatus",
        "EmploymentServiceKindEnum": "employment.choices.ServiceKind",
        "LoanKindEnum": "credit.choices.LoanKind",
        "LoanStatusEnum": "credit.choices.LoanStatus",
    },
}

# Celery: with REDIS_URL a real broker and result backend; without it tasks run in-process (`make run`).
REDIS_URL = env.str("REDIS_URL", default="")
# (The in-process broker is named a host: without one kombu warns "No hostname was supplied" on every send.)
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A message taken by a worker that dies comes back after this many seconds (Redis transport); long tasks are
# idempotent, so an early return costs a repeat, never a loss.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    # A request that sends a task waits at most this long for Redis (core.dispatch sends once, without retries).
    "socket_connect_timeout": 3,
    "socket_timeout": 5,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 3

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Fault injection for the sweep tests: a worker sleeps this long before each township chunk (0 in real use).
SWEEP_CHUNK_PAUSE_SECONDS = env.float("SWEEP_CHUNK_PAUSE_SECONDS", default=0)
# Ledger exports (SPEC §13.1): up to this many rows are written in the request, larger ones by a worker
# with a progress bar; files are kept this many hours for their owner, then deleted (the audit row stays).
# The beat job recounting every area's numbers (home counters, dashboards) runs this often.
AREA_COUNTS_EVERY_MINUTES = env.int("AREA_COUNTS_EVERY_MINUTES", default=10)
# Lists count at most this many rows; beyond it they say "more than" and ask for a narrower search.
LIST_COUNT_CAP = env.int("LIST_COUNT_CAP", default=2000)
LEDGER_SYNC_MAX_ROWS = env.int("LEDGER_SYNC_MAX_ROWS", default=2000)
LEDGER_EXPORT_KEEP_HOURS = env.int("LEDGER_EXPORT_KEEP_HOURS", default=72)

# E-mail copies of in-app notifications, only where an SMTP server is configured
# (EMAIL_URL=smtp+tls://user:password@mail.example.org:587); intranets without one keep the in-app inbox only.
EMAIL_URL = env.str("EMAIL_URL", default="")
NOTIFICATION_EMAIL = bool(EMAIL_URL)
if EMAIL_URL:
    globals().update(env.email_url("EMAIL_URL"))  # EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT …
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="noreply@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The address of the site as users reach it, for links in e-mails (https://fpjc.example.gov.cn).
SITE_URL = env.str("SITE_URL", default="")

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

if PRODUCTION:  # the hardened profile: `manage.py check --deploy` is clean
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SESSION_COOKIE_HTTPONLY = True
    X_FRAME_OPTIONS = "DENY"

# Visits recorded from a phone (SPEC §4.13): photo limits and how far back a visit may be entered.
VISIT_PHOTO_MAX_BYTES = env.int("VISIT_PHOTO_MAX_BYTES", default=5 * 1024 * 1024)
VISIT_PHOTO_MAX_COUNT = env.int("VISIT_PHOTO_MAX_COUNT", default=6)
VISIT_BACKDATE_MAX_DAYS = env.int("VISIT_BACKDATE_MAX_DAYS", default=90)
# Households a field user may take offline at once (offline app): more than this is offered one village at a time.
OFFLINE_MAX_HOUSEHOLDS = env.int("OFFLINE_MAX_HOUSEHOLDS", default=1000)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # a larger upload is spooled to a temporary file, never held in memory

# Upload limits (core.uploads; README "Upload limits"). A request body is refused above UPLOAD_MAX_REQUEST_BYTES
# (the proxy of docker-compose has the same limit); an attachment (minutes, evidence, notice photos) above
# UPLOAD_FILE_MAX_BYTES. Every .xlsx is checked from its zip directory before it is parsed — its size, what it
# unpacks to, and how tightly any part of 1 MB or more is packed (a normal workbook packs 5–20 to one, a zip bomb
# hundreds) — and read within a budget of rows (blank ones included), cells and seconds, always in a worker (the
# import, the screening list and the reconciliation each store the upload and answer at once).
UPLOAD_MAX_REQUEST_BYTES = env.int("UPLOAD_MAX_REQUEST_BYTES", default=40 * 1024 * 1024)
UPLOAD_FILE_MAX_BYTES = env.int("UPLOAD_FILE_MAX_BYTES", default=10 * 1024 * 1024)
XLSX_MAX_BYTES = env.int("XLSX_MAX_BYTES", default=20 * 1024 * 1024)
XLSX_MAX_UNPACKED_BYTES = env.int("XLSX_MAX_UNPACKED_BYTES", default=500 * 1024 * 1024)
XLSX_MAX_RATIO = env.int("XLSX_MAX_RATIO", default=100)
XLSX_MAX_ROWS = env.int("XLSX_MAX_ROWS", default=330_000)
XLSX_MAX_CELLS = env.int("XLSX_MAX_CELLS", default=20_000_000)
XLSX_PARSE_SECONDS = env.int("XLSX_PARSE_SECONDS", default=900)
