"""Django settings read from the environment (django-environ), with embedded defaults.

Without DATABASE_URL / REDIS_URL the product runs on SQLite (WAL) + a file cache + Celery's
filesystem broker, all under var/, so `make run` needs nothing but Python.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(environ.Env().str("EXECCENTER_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()
env_file = BASE_DIR / ".env"
if env_file.exists():
    environ.Env.read_env(str(env_file))

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# seed_demo (demo logins with a published password, demo API keys) runs only in the embedded/dev profile. Its own
# name because test runners force DEBUG off.
DEMO_DATA_ALLOWED = DEBUG

if DEBUG:
    # Embedded/dev default only: production refuses to start without its own key (below).
    SECRET_KEY = env.str("SECRET_KEY", default="dev-insecure-execcenter-key-change-me-0123456789abcdef")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
else:
    SECRET_KEY = env.str("SECRET_KEY", default="")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
    if not SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY must be set when DJANGO_DEBUG=False")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DJANGO_DEBUG=False")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "captcha",  # django-simple-captcha: the public lookup's locally drawn image challenge
    "axes",  # before execcenter: execcenter/admin.py re-registers its lockout list with an audited unlock
    "execcenter",
    "cases",
    "querycontrol",
    "simulator",
    "command",
    "dashboards",
    "workbench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "execcenter.static.WeakETagWhiteNoise",  # WhiteNoise with RFC 9110 If-None-Match (execcenter.conditional)
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A policy or service refusal escaping a browser view becomes its 403/409/404 page (execcenter/policy_http.py).
    "execcenter.policy_http.PolicyRefusalMiddleware",
    # Last, as django-axes requires: turns a locked-out login into its 429 answer (execcenter/lockout.py).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "execcenter.urls"
WSGI_APPLICATION = "execcenter.wsgi.application"
ASGI_APPLICATION = "execcenter.asgi.application"

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
                "execcenter.context_processors.officer",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
    # Test worker processes are pointed at the test database by name (see tests/workers.py).
    if env.str("DATABASE_NAME", default=""):
        DATABASES["default"]["NAME"] = env.str("DATABASE_NAME")
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # No JIT: our queries are short (a page, a grouped count) and PostgreSQL's cost model switched JIT on for the
    # indicator queries' correlated EXISTS, where compiling took 1.4 s of a 1.9 s query at a million cases.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", env.str("PG_OPTIONS", default="-c jit=off"))
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env.str("DATABASE_NAME", default=str(VAR_DIR / "execcenter.sqlite3")),
            # WAL lets web, worker and beat read while one writes; the busy timeout makes a
            # writer wait for the lock instead of failing with "database is locked".
            "OPTIONS": {
                "timeout": 30,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;",
            },
            # A file (not :memory:) so that a real Celery worker process sees the test data.
            "TEST": {"NAME": str(VAR_DIR / "test_execcenter.sqlite3")},
        }
    }
# A streaming replica for the heavy reads (execcenter/db.py: screens, indicators, bulletins, exports); made on one
# machine by scripts/replica.py. Tests read the primary through it (TEST MIRROR).
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = {
        **env.db("DATABASE_REPLICA_URL"),
        "OPTIONS": dict(DATABASES["default"].get("OPTIONS", {})),
        "CONN_MAX_AGE": DATABASES["default"].get("CONN_MAX_AGE", 0),
        "CONN_HEALTH_CHECKS": True,
        "TEST": {"MIRROR": "default"},
    }
    if "postgresql" in DATABASES["replica"]["ENGINE"]:
        # A replica that is down must cost a page seconds at most before it falls back to the primary.
        DATABASES["replica"]["OPTIONS"]["connect_timeout"] = env.int("DATABASE_REPLICA_CONNECT_TIMEOUT", default=3)
DATABASE_ROUTERS = ["execcenter.db.ReplicaRouter"]
# Seconds a process reads the primary after the replica failed to answer, before it asks the replica again.
DATABASE_REPLICA_RETRY_SECONDS = env.int("DATABASE_REPLICA_RETRY_SECONDS", default=10)
# Seconds of replication lag past which the big screen shows its stale banner (the data time already shows the lag).
SCREEN_REPLICA_LAG_LIMIT_SECONDS = env.float("SCREEN_REPLICA_LAG_LIMIT_SECONDS", default=30.0)
DB_VENDOR = DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (shared by web and worker processes: snapshots, rate-limit buckets, heartbeats) ---
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "execcenter.cache.RedisCache",  # Django's, reusing its Redis clients (execcenter/cache.py)
            "LOCATION": env.str("REDIS_CACHE_URL", default=REDIS_URL),
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="execcenter"),
            # A dead or hung Redis must fail a cache call in about a second, not hang the request (issue 16).
            "OPTIONS": {
                "socket_connect_timeout": env.float("REDIS_CONNECT_TIMEOUT", default=1.0),
                "socket_timeout": env.float("REDIS_SOCKET_TIMEOUT", default=2.0),
            },
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }

# --- Auth -------------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# django-axes first: it refuses a locked-out account or address before the password is even checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
# Login lockout (issue 11): separate budgets per account and per client address within a cool-off window, for the
# site, the admin and the API's session login alike (all go through django.contrib.auth.authenticate).
LOGIN_FAILURES_PER_ACCOUNT = env.int("LOGIN_FAILURES_PER_ACCOUNT", default=5)
# Higher than per account: a court's officers may all come from one NAT address.
LOGIN_FAILURES_PER_IP = env.int("LOGIN_FAILURES_PER_IP", default=20)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each on its own, not the pair (execcenter/lockout.py)
AXES_FAILURE_LIMIT = LOGIN_FAILURES_PER_ACCOUNT
AXES_HANDLER = "execcenter.lockout.LoginLockoutHandler"
AXES_COOLOFF_TIME = timedelta(
    minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15)
)  # an administrator can unlock sooner
AXES_CLIENT_IP_CALLABLE = "execcenter.clientip.client_ip"
AXES_LOCKOUT_CALLABLE = "execcenter.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = False  # one right password must not wipe an address's record of guessing other accounts
# Proxies in front of the app (execcenter/clientip.py): which networks, or how many; neither = the socket address.
TRUSTED_PROXY_NETWORKS = env.list("TRUSTED_PROXY_NETWORKS", default=[])
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# Public disclosure lookup (command/disclosure.py): lookups per sliding window per client address, per case number
# and per ID number (the last two count only lookups whose captcha was solved), the burst of failures across all
# addresses that alerts the duty desk, and the time every answer takes (so timing tells nothing).
DISCLOSURE_LIMIT_PER_IP = env.int("DISCLOSURE_LIMIT_PER_IP", default=10)
DISCLOSURE_WINDOW_PER_IP = env.int("DISCLOSURE_WINDOW_PER_IP", default=600)
DISCLOSURE_LIMIT_PER_CASE_NUMBER = env.int("DISCLOSURE_LIMIT_PER_CASE_NUMBER", default=10)
DISCLOSURE_WINDOW_PER_CASE_NUMBER = env.int("DISCLOSURE_WINDOW_PER_CASE_NUMBER", default=86400)
DISCLOSURE_LIMIT_PER_ID_NUMBER = env.int("DISCLOSURE_LIMIT_PER_ID_NUMBER", default=10)
DISCLOSURE_WINDOW_PER_ID_NUMBER = env.int("DISCLOSURE_WINDOW_PER_ID_NUMBER", default=86400)
# Captchas issued (page views) and images drawn per client address in DISCLOSURE_WINDOW_PER_IP: a row and a PNG each.
DISCLOSURE_CHALLENGES_PER_IP = env.int("DISCLOSURE_CHALLENGES_PER_IP", default=60)
DISCLOSURE_IMAGES_PER_IP = env.int("DISCLOSURE_IMAGES_PER_IP", default=120)
DISCLOSURE_BURST_FAILURES = env.int("DISCLOSURE_BURST_FAILURES", default=50)
DISCLOSURE_BURST_WINDOW = env.int("DISCLOSURE_BURST_WINDOW", default=600)
DISCLOSURE_MIN_SECONDS = env.float("DISCLOSURE_MIN_SECONDS", default=0.4)
# django-simple-captcha: 5 random letters, distorted, with arcs and dots; valid 5 minutes, used once.
CAPTCHA_LENGTH = 5
CAPTCHA_TIMEOUT = 5
CAPTCHA_IMAGE_SIZE = (200, 70)
CAPTCHA_FONT_SIZE = 44
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- I18N: Chinese first (msgids are Chinese), English available via locale/en ---------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
# Where issued documents and bulletins are stored (cases.IssuedDocument, through Django's storage API): the media
# directory by default; any storage backend by dotted path and JSON options, e.g. an S3-compatible object store with
# django-storages: FILE_STORAGE_BACKEND=storages.backends.s3.S3Storage FILE_STORAGE_OPTIONS='{"bucket_name": "ec-docs"}'.
STORAGES = {
    "default": {
        "BACKEND": env("FILE_STORAGE_BACKEND", default="django.core.files.storage.FileSystemStorage"),
        "OPTIONS": env.json("FILE_STORAGE_OPTIONS", default={}),
    },
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- Security (production profile; `manage.py check --deploy` is clean with DJANGO_DEBUG=False) --
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): scripts, styles, fonts and fetches from this site only, no inline script or
# style (templates bind behaviour through static/js/app.js), images also as data: (favicons, ECharts exports) and
# blob:. Browsers post violations to /csp-report, which logs them; the browser tests fail on any violation.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "report-uri": "/csp-report",
    },
}
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)  # one duty shift

# --- REST framework ---------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "execcenter.api.authentication.APIKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["execcenter.api.permissions.PolicyPermission"],
    # DRF's parsers, JSON through execcenter.api.parsers (deep nesting is a 400, not a RecursionError).
    "DEFAULT_PARSER_CLASSES": [
        "execcenter.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "execcenter.api.pagination.ColumnOrderingFilter",  # ?ordering= by this table's columns only
    ],
    "DEFAULT_PAGINATION_CLASS": "execcenter.api.pagination.DefaultCursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "execcenter.api.schema.PolicyAutoSchema",  # descriptions carry each endpoint's permission rule
    "DEFAULT_THROTTLE_CLASSES": ["execcenter.api.throttling.PartnerKeyThrottle"],
    "DEFAULT_THROTTLE_RATES": {"partner": env.str("PARTNER_THROTTLE_RATE", default="600/min")},
    "EXCEPTION_HANDLER": "execcenter.api.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "执行指挥中心 API (Execution Command Centre)",
    "DESCRIPTION": "Partner and browser API: cases, network query-and-control, screens.",
    "VERSION": "1.0.0",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "execcenter.api.schema.declare_common_responses",  # error statuses and Idempotency-Key on every operation
    ],
}
# Choice sets that share a field name ("kind", "status") get explicit OpenAPI enum names (no naming collisions).
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {}).update(
    {
        "PartyKindEnum": "cases.choices.PartyKind",
        "MeasureKindEnum": "cases.choices.MeasureKind",
        "AuctionItemKindEnum": "cases.choices.AuctionItemKind",
        "AlertStatusEnum": "execcenter.choices.AlertStatus",
        "AlertSeverityEnum": "execcenter.choices.AlertSeverity",
        "PartnerKindEnum": "execcenter.choices.PartnerKind",
        "IncidentSeverityEnum": "command.choices.IncidentSeverity",
        "IncidentKindEnum": "command.choices.IncidentKind",
        "IncidentEventKindEnum": "command.choices.IncidentEventKind",
        "LinkageKindEnum": "command.choices.LinkageKind",
        "BulletinKindEnum": "command.choices.BulletinKind",
        "InstitutionKindEnum": "querycontrol.choices.InstitutionKind",
        "AssetKindEnum": "querycontrol.choices.AssetKind",
        "OrderKindEnum": "querycontrol.choices.OrderKind",
    }
)
# Largest JSON body accepted by the API (oversized requests answer 413/400, change nothing).
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2 * 1024 * 1024)
# Files per request (an incident takes at most 9 photos): more answers 413 before any is stored.
DATA_UPLOAD_MAX_NUMBER_FILES = env.int("DATA_UPLOAD_MAX_NUMBER_FILES", default=10)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # axes logs every attempt at INFO; lockouts (WARNING) and the audit rows are what an operator needs.
    # httpx / httpcore log every request of the HTTP connector at INFO / DEBUG: thousands a minute in a fan-out;
    # its failures reach the query results and the task logs instead.
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
    },
}

# Seconds after which the last worker heartbeat counts as stale in /healthz.
WORKER_HEARTBEAT_STALE_SECONDS = env.int("WORKER_HEARTBEAT_STALE_SECONDS", default=90)
# /healthz fails when an outbox message (a task committed while the broker was down) waits longer than this.
OUTBOX_STALE_SECONDS = env.int("OUTBOX_STALE_SECONDS", default=60)
# Seconds between the web process's background broker probes (what the big screen shows as "broker down").
BROKER_PROBE_SECONDS = env.int("BROKER_PROBE_SECONDS", default=10)
# Recovery thresholds of the querycontrol sweep (issue 16; the sweep's interval is in settings/celery.py):
# a running chunk touches its row every HEARTBEAT seconds; one untouched for CHUNK_STALE lost its worker; an
# approved or sent order untouched for ORDER_STALE is sent again (the institution dedups by the order's UUID).
QUERYCONTROL_CHUNK_HEARTBEAT_SECONDS = env.int("QUERYCONTROL_CHUNK_HEARTBEAT_SECONDS", default=5)
QUERYCONTROL_CHUNK_STALE_SECONDS = env.int("QUERYCONTROL_CHUNK_STALE_SECONDS", default=30)
QUERYCONTROL_ORDER_STALE_SECONDS = env.int("QUERYCONTROL_ORDER_STALE_SECONDS", default=30)

# --- Read by the apps (each once, as settings.NAME) ----------------------------------------------------
# Hours a stored Idempotency-Key answer is kept (a client's retry comes within minutes); then pruned hourly.
IDEMPOTENCY_KEY_TTL_HOURS = env.int("IDEMPOTENCY_KEY_TTL_HOURS", default=48)
# Minutes an alert may stay unacknowledged at post A before it escalates to post B (dashboards.services.alerts).
DASHBOARDS_ESCALATE_AFTER_MINUTES = env.int("DASHBOARDS_ESCALATE_AFTER_MINUTES", default=15)
# On PostgreSQL the case modules read the trigger-kept per-court tally (cases/tally.py); False reads the case table
# (the benchmark's baseline and the equality test).
DASHBOARD_CASE_TALLY = env.bool("DASHBOARD_CASE_TALLY", default=True)
# Seconds a big-screen link (screen token) stays valid: never longer than the login session (dashboards.screen_access).
SCREEN_TOKEN_MAX_AGE = env.int("SCREEN_TOKEN_MAX_AGE", default=SESSION_COOKIE_AGE)
# Seconds after which a module's snapshot is shown with a stale badge (dashboards.api.snapshot).
SCREEN_STALE_AFTER_SECONDS = env.int("SCREEN_STALE_AFTER_SECONDS", default=30)
# Seconds each web process keeps a screen's ETag, so unchanged polls skip the cache round trip (float).
SCREEN_POLL_LOCAL_SECONDS = env.float("SCREEN_POLL_LOCAL_SECONDS", default=0.5)
# The refresher loop (manage.py refresh_screens) looks for dirty marks this often when idle (issue 17: a change on the
# wall within 3 s = this tick + the incremental refresh + SCREEN_POLL_LOCAL_SECONDS + the screens' 1 s poll).
SCREEN_REFRESH_TICK_SECONDS = env.float("SCREEN_REFRESH_TICK_SECONDS", default=0.2)
# A round that gathers the whole province for one module (seconds at a million cases on a loaded machine) delays the
# marks that arrive meanwhile, so the loop does fewer of them: each module's time-driven province gather at most every
# SCREEN_PROVINCE_REFRESH_SECONDS (changes arrive as marks; time alone moves "today" and days to a deadline), and a
# non-additive module (indicators, ranking) with marks at most every SCREEN_HEAVY_MIN_SECONDS (its marks coalesce).
SCREEN_PROVINCE_REFRESH_SECONDS = env.float("SCREEN_PROVINCE_REFRESH_SECONDS", default=60.0)
SCREEN_HEAVY_MIN_SECONDS = env.float("SCREEN_HEAVY_MIN_SECONDS", default=30.0)
# Redis of the per-institution token buckets shared by all workers (querycontrol.ratelimit); default REDIS_URL.
QUERYCONTROL_RATELIMIT_REDIS_URL = env.str("QUERYCONTROL_RATELIMIT_REDIS_URL", default=REDIS_URL)

# --- Network query-and-control connectors (querycontrol/connectors) -------------------------------
# "simulator": the in-process simulated banks and registries; "http": JSON over HTTP to a gateway.
QUERYCONTROL_CONNECTOR = env.str("QUERYCONTROL_CONNECTOR", default="simulator")
# Base URL of the gateway (or of `manage.py serve_simulator`) when QUERYCONTROL_CONNECTOR=http.
QUERYCONTROL_HTTP_BASE_URL = env.str("QUERYCONTROL_HTTP_BASE_URL", default="")
# Seconds one HTTP call to an institution may take before it counts as a (retryable) timeout.
QUERYCONTROL_HTTP_TIMEOUT = env.float("QUERYCONTROL_HTTP_TIMEOUT", default=10.0)
# Simulator latency: "zero" (tests, throughput), "realistic" (each institution's latency profile,
# timeouts and failures), "failures" (the profile's timeouts and failures without sleeping).
SIMULATOR_LATENCY = env.str("SIMULATOR_LATENCY", default="zero")
# Institutions (comma-separated codes) whose simulated gateway answers off-protocol garbage (`make faults`).
SIMULATOR_GARBAGE_CODES = env.str("SIMULATOR_GARBAGE_CODES", default="")
# Seconds after the last look at a simulated account before its debtor may move money again (0: never).
SIMULATOR_BALANCE_MOVE_SECONDS = env.int("SIMULATOR_BALANCE_MOVE_SECONDS", default=3600)
# Fan-out (querycontrol): institutions per chunk task, and I/O threads per worker process that ask them.
QUERYCONTROL_CHUNK_SIZE = env.int("QUERYCONTROL_CHUNK_SIZE", default=200)
# 终本 re-queries: minutes between beat runs, most rounds started per run, most re-query fan-outs in flight at once.
QUERYCONTROL_REQUERY_EVERY_MINUTES = env.int("QUERYCONTROL_REQUERY_EVERY_MINUTES", default=15)
QUERYCONTROL_REQUERY_PER_RUN = env.int("QUERYCONTROL_REQUERY_PER_RUN", default=20)
QUERYCONTROL_REQUERY_MAX_ACTIVE = env.int("QUERYCONTROL_REQUERY_MAX_ACTIVE", default=10)
QUERYCONTROL_QUERY_THREADS = env.int("QUERYCONTROL_QUERY_THREADS", default=4)
# Prompt retries (issue 17): an institution that timed out or was busy is asked again within the same chunk
# run, after 0..DELAY_MS (full jitter), at most RETRIES times, unless more than MAX_SHARE of the chunk (and
# more than 4) failed so: an outage, left to the task's backoff (0-2 s, 0-4 s, ...). 0: only the backoff.
QUERYCONTROL_PROMPT_RETRIES = env.int("QUERYCONTROL_PROMPT_RETRIES", default=2)
# Copies of each prompt-retry ask sent at once (reads only; querycontrol/services/fanout.py, bench/README.md).
QUERYCONTROL_PROMPT_HEDGES = env.int("QUERYCONTROL_PROMPT_HEDGES", default=2)
QUERYCONTROL_PROMPT_RETRY_DELAY_MS = env.int("QUERYCONTROL_PROMPT_RETRY_DELAY_MS", default=250)
QUERYCONTROL_PROMPT_RETRY_MAX_SHARE = env.float("QUERYCONTROL_PROMPT_RETRY_MAX_SHARE", default=0.25)

# --- Notifications (execcenter.notify): e-mail, SMS gateway, group-robot webhook ------------------------------------
# Django's e-mail backend: SMTP in production (EMAIL_HOST/EMAIL_PORT/...); the embedded default writes each message
# as a file under var/mail, so `make run` needs no mail server.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = str(VAR_DIR / "mail")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="执行指挥中心 <noreply@execcenter.local>")
# Which class sends each channel (execcenter.channels.Channel); swap a gateway here.
NOTIFY_CHANNELS = {
    "email": env.str("NOTIFY_EMAIL_CHANNEL", default="execcenter.channels.EmailChannel"),
    "sms": env.str("NOTIFY_SMS_CHANNEL", default="execcenter.channels.SmsGatewayChannel"),
    "webhook": env.str("NOTIFY_WEBHOOK_CHANNEL", default="execcenter.channels.WebhookChannel"),
}
# The SMS gateway's send URL ({"phone", "text", "ref"} → {"message_id"}); empty: SMS rows fail as "not configured".
NOTIFY_SMS_URL = env.str("NOTIFY_SMS_URL", default="")
# The hosts an officer's group-robot webhook may name (企业微信, 钉钉): anything else is refused (execcenter.channels).
NOTIFY_WEBHOOK_HOSTS = env.list("NOTIFY_WEBHOOK_HOSTS", default=["qyapi.weixin.qq.com", "oapi.dingtalk.com"])
NOTIFY_SMS_MAX_CHARS = env.int("NOTIFY_SMS_MAX_CHARS", default=300)
# Seconds one send (SMTP or HTTP) may take before it counts as a transient failure.
NOTIFY_HTTP_TIMEOUT = env.float("NOTIFY_HTTP_TIMEOUT", default=10.0)
NOTIFY_MAX_ATTEMPTS = env.int("NOTIFY_MAX_ATTEMPTS", default=6)
# A row `sending` for longer than this belonged to a worker that died; the sweep gives it back (resent with the same id).
NOTIFY_CLAIM_SECONDS = env.int("NOTIFY_CLAIM_SECONDS", default=300)
# Links in messages are made absolute with this; Message-IDs end in this domain.
NOTIFY_SITE_URL = env.str("NOTIFY_SITE_URL", default="http://localhost:8000")
NOTIFY_MESSAGE_ID_DOMAIN = env.str("NOTIFY_MESSAGE_ID_DOMAIN", default="execcenter.local")
