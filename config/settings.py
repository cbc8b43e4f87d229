"""Settings for Shuzhi Talent.

One source of truth: environment variables read through the typed helpers in `config.env`.
With nothing set the platform runs on embedded defaults (SQLite under var/, in-memory channel
layer, local-memory cache, media under media/, DEBUG on). See README.md for every variable.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_choice, env_int, env_list, env_str, env_url
from config.observability import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

DJANGO_ENV = env_choice("DJANGO_ENV", ("development", "production", "test"), "development")
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env_bool("DEBUG", not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off when DJANGO_ENV=production.")

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "SECRET_KEY is required when DJANGO_ENV=production: set it to a long random string "
            "(for example: python -c 'import secrets; print(secrets.token_urlsafe(64))')."
        )
    SECRET_KEY = "dev-insecure-0f1c7d9e6b2a4c8f9d3e5a7b1c2d4e6f8a0b2c4d6e8f0a1b3c5d7e9f1a3b5c7d"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS is required when DJANGO_ENV=production: a comma-separated list of host names."
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "daphne",
    "accounts.apps.AccountsConfig",
    "exchange",
    "talent",
    "cms",
    "lms",
    "competitions",
    "competitions.live",
    "frontend",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "accounts.apps.ShuzhiWagtailUsersConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "import_export",
    "django_tasks_db",
    "channels",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "axes",
]

MIDDLEWARE = [
    # /healthz and /readyz answer before anything else runs: no session, no user, no log line (config/health.py).
    "config.health.HealthCheckMiddleware",
    # One log line per request with its id (X-Request-ID), status and duration (config/observability.py).
    "config.observability.RequestLogMiddleware",
    # Then: a body over its route's ceiling is refused before anything reads it (config/limits.py).
    "config.limits.RequestBodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # The Content-Security-Policy header (policy below); outside the page cache so a cached page
    # gets a fresh nonce. Then the nonce for templates rendered without the request (config/csp.py).
    "csp.middleware.CSPMiddleware",
    "config.csp.CSPRequestContext",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A NUL character in the path, query or form is a 400 (PostgreSQL refuses it in text; config/bad_input.py).
    "config.bad_input.NulCharacterMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "cms.middleware.PageCacheMiddleware",
    # The Wagtail and Django admins' views answer input they trip over with 400, not 500 (config/bad_input.py).
    "config.bad_input.ThirdPartyBadInputMiddleware",
    # Last: turns a request that axes flagged as locked out into the Chinese lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "frontend" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "frontend.context_processors.navigation",
                "accounts.context_processors.notices",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env_url("DATABASE_URL", ("postgres", "postgresql"))
# Under daphne each request may run in its own thread with its own connection: with many
# simultaneous requests set DB_POOL_SIZE (psycopg's pool) so they share a bounded set instead
# of exceeding PostgreSQL's max_connections.
DB_POOL_SIZE = env_int("DB_POOL_SIZE", 0, minimum=0)
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=0 if DB_POOL_SIZE else env_int("DB_CONN_MAX_AGE", 60, minimum=0),
            conn_health_checks=not DB_POOL_SIZE,
        )
    }
    if env_str("TEST_DB_SUFFIX"):
        # Several test runs on one PostgreSQL server each get their own test database.
        DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{env_str('TEST_DB_SUFFIX')}"}
    if DB_POOL_SIZE:
        DATABASES["default"]["OPTIONS"] = {
            "pool": {"min_size": 2, "max_size": DB_POOL_SIZE, "timeout": env_int("DB_POOL_TIMEOUT", 10, minimum=1)}
        }
else:
    VAR_DIR.mkdir(exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(Path(env_str("SQLITE_NAME", str(VAR_DIR / "db.sqlite3")))),
            # A file (not memory) for tests too, so a live daphne process can share it.
            # TEST_DB_SUFFIX lets several test runs share one checkout without sharing a file.
            "TEST": {"NAME": VAR_DIR / f"test-{env_str('TEST_DB_SUFFIX', 'main')}.sqlite3"},
            # IMMEDIATE: a transaction takes the write lock up front, so two overlapping
            # read-then-write requests wait for each other instead of failing "database is locked".
            "OPTIONS": {"timeout": 30, "init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"},
            # Kept open between requests and socket events like PostgreSQL's: opening the file,
            # setting WAL and registering functions per database call was most of a live join.
            "CONN_MAX_AGE": env_int("DB_CONN_MAX_AGE", 60, minimum=0),
            "CONN_HEALTH_CHECKS": True,
        }
    }
# Threads (each with its own connection) for WebSocket sign-in, joins and snapshots
# (config/db_threads.py): a hall joining at once is served this many at a time per process.
DB_THREADS = env_int("DB_THREADS", 4, minimum=1)
# Exams (lms/papers.py): a quiz's question pool is prepared once per process and kept this many
# seconds, so a sitting opening at the bell reads the bank once, not once per examinee.
PAPER_CACHE_SECONDS = env_int("PAPER_CACHE_SECONDS", 10, minimum=0)
# The exam socket's group commit (lms/consumers.py): answers, paper openings and submissions that
# arrive within this many milliseconds are written in one transaction.
EXAM_FLUSH_MS = env_int("EXAM_FLUSH_MS", 10, minimum=0)
# The live round's answers (competitions/live/consumers.py): what a process's sockets send within
# this many milliseconds is committed in one transaction, each acknowledged after the commit.
LIVE_FLUSH_MS = env_int("LIVE_FLUSH_MS", 15, minimum=0)
# WebSocket sign-ins (config/ws_auth.py) and live-round joins (competitions/live/consumers.py)
# that arrive within this many milliseconds are read and written together.
SOCKET_JOIN_FLUSH_MS = env_int("SOCKET_JOIN_FLUSH_MS", 5, minimum=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: channel layer and cache -------------------------------------------------------
REDIS_URL = env_url("REDIS_URL", ("redis", "rediss", "unix"))
# Prefix of every key the platform writes to Redis (cache, channel layer, leaderboards), so
# several deployments can share one Redis.
REDIS_PREFIX = env_str("REDIS_PREFIX", "shuzhi")
# redis-py 8's async pool defaults to 100 connections and raises "Too many connections" when a
# few hundred sockets join at once; size it for the sockets one process serves.
REDIS_MAX_CONNECTIONS = env_int("REDIS_MAX_CONNECTIONS", 2000, minimum=10)
CHANNEL_CAPACITY = env_int("CHANNEL_CAPACITY", 5000, minimum=100)
if REDIS_URL:
    import redis
    from redis.driver_info import DriverInfo

    # Named once for every connection: without it redis-py reads its own version from the
    # installed packages' metadata on disk for each new connection (a hall's handshakes open
    # many at once, on the event loop's thread).
    REDIS_DRIVER_INFO = DriverInfo(name="redis-py", lib_version=redis.__version__)
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [
                    {
                        "address": REDIS_URL,
                        "max_connections": REDIS_MAX_CONNECTIONS,
                        "driver_info": REDIS_DRIVER_INFO,
                    }
                ],
                "capacity": CHANNEL_CAPACITY,
                "expiry": 60,
                "prefix": REDIS_PREFIX + ":asgi",
            },
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "config.cache.RedisCache",  # process-wide connection pools (config/cache.py)
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": REDIS_PREFIX,
            "OPTIONS": {"driver_info": REDIS_DRIVER_INFO},
        }
    }
    # Sessions read from Redis, written through to the database: signed-in API reads skip a query.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels.layers.InMemoryChannelLayer", "CONFIG": {"capacity": CHANNEL_CAPACITY}}
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "shuzhi"}}

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# axes' backend comes first: it refuses a locked client before any password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "accounts.backends.MobileBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "me:home"
LOGOUT_REDIRECT_URL = "/"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttling (django-axes, rules in accounts/login_throttle.py and docs/foundation.md):
# LOGIN_FAILURE_LIMIT failures lock one account from one address, LOGIN_ADDRESS_FAILURE_LIMIT
# failures over any accounts lock the address, each for LOGIN_LOCKOUT_SECONDS after the last.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 20, minimum=1)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 900, minimum=1)
# How many reverse proxies we run in front of daphne (each appends to X-Forwarded-For); 0 trusts
# no header and uses the socket's address.
TRUSTED_PROXY_HOPS = env_int("TRUSTED_PROXY_HOPS", 0, minimum=0)
AXES_HANDLER = "accounts.login_throttle.LoginThrottleHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_FAILURE_LIMIT = "accounts.login_throttle.failure_limit"
AXES_COOLOFF_TIME = "accounts.login_throttle.lockout_period"
AXES_USERNAME_CALLABLE = "accounts.login_throttle.account_key"
AXES_CLIENT_IP_CALLABLE = "accounts.login_throttle.client_address"
AXES_LOCKOUT_CALLABLE = "accounts.login_throttle.lockout_response"
AXES_RESET_ON_SUCCESS = False
AXES_DISABLE_ACCESS_LOG = True  # successful logins are in the audit log already
AXES_ENABLE_ADMIN = False  # lockouts are lifted on /accounts/lockouts/, which audits the unlock
AXES_VERBOSE = False
# django-ratelimit's per-address limits use the same client address as the login throttle.
RATELIMIT_IP_META_KEY = "accounts.login_throttle.client_address"
# Public certificate lookups (verify by number or code, the printable certificate, its QR code).
CERTIFICATE_LOOKUPS_PER_MINUTE = env_int("CERTIFICATE_LOOKUPS_PER_MINUTE", 30, minimum=1)
# Personal calendar feeds (/calendar/feed/<token>.ics) fetched from one client address a minute.
CALENDAR_FEED_LOOKUPS_PER_MINUTE = env_int("CALENDAR_FEED_LOOKUPS_PER_MINUTE", 30, minimum=1)
# Key for encrypting and fingerprinting national ID numbers; derived from SECRET_KEY if unset.
PII_KEY = env_str("PII_KEY", SECRET_KEY)
# Submissions of a new ID number (accounts.actions.count_id_submission), as (count, seconds):
# per account (per mobile number on registration), and per client address.
ID_SUBMISSIONS_PER_PERSON = (env_int("ID_SUBMISSIONS_PER_PERSON", 5, minimum=1), 24 * 3600)
ID_SUBMISSIONS_PER_ADDRESS = (env_int("ID_SUBMISSIONS_PER_ADDRESS", 10, minimum=1), 3600)

# --- Text messages (accounts/sms.py; codes in accounts.actions.send_sms_code) ----------------
# The class that sends them, by dotted path: a provider's backend in production (see
# accounts/sms.py); ConsoleBackend prints them, FileBackend appends them to SMS_FILE_PATH.
SMS_BACKEND = env_str("SMS_BACKEND", "accounts.sms.ConsoleBackend")
SMS_FILE_PATH = Path(env_str("SMS_FILE_PATH", str(VAR_DIR / "sms-outbox.jsonl")))
# A verification code is valid for SMS_CODE_TTL seconds and void after SMS_CODE_ATTEMPTS wrong tries.
SMS_CODE_TTL = env_int("SMS_CODE_TTL", 300, minimum=60, maximum=3600)
SMS_CODE_ATTEMPTS = env_int("SMS_CODE_ATTEMPTS", 5, minimum=1, maximum=20)
# Sending limits as [(sends, seconds), ...]: for one mobile number, and from one client address.
SMS_CODE_PER_NUMBER = [(1, 60), (5, 3600)]
SMS_CODE_PER_ADDRESS = [(env_int("SMS_CODES_PER_ADDRESS_HOUR", 10, minimum=1), 3600)]
if PRODUCTION:
    PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.ScryptPasswordHasher",
    ]
# Tests only: the test run sets it for itself and every server it starts (tests/conftest.py), so
# the thousands of people the tests make and sign in are not hashed with a million PBKDF2 rounds
# each (a quarter of a second apiece here; Django's advice for tests is a fast hasher).
if env_bool("TEST_FAST_PASSWORD_HASHER", False):
    if PRODUCTION:
        raise ImproperlyConfigured("TEST_FAST_PASSWORD_HASHER is for the test suite, never for DJANGO_ENV=production.")
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# --- Language and time ----------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
# Chinese strings of Wagtail 8's admin that its own zh_Hans catalog lacks live in
# locale/zh_Hans/LC_MESSAGES (LOCALE_PATHS are merged over the apps' catalogs, so ours win).
# Dates: templates use the per-language named formats (`date:"DATE_FORMAT"`: 2026年10月20日 /
# Oct. 20, 2026) or the language-neutral Y-m-d, never a Chinese pattern written into the template.
WAGTAIL_I18N_ENABLED = False

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "frontend" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# Private uploads (practical exam answers, work-study photos): never under MEDIA_URL, served
# only through permission-checked views (lms.storage).
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# In development whitenoise serves straight from the finders, so no collectstatic is needed.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG
# An uploaded file above this is spooled to a temporary file instead of memory (Django's default).
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Form fields other than files, held in memory while parsing; whole bodies are bounded by
# REQUEST_BODY_LIMITS below, before they are read.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# --- Email ------------------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1, maximum=65535)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "noreply@shuzhi.example.cn")

# --- Wagtail ----------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "数智英才"
WAGTAILADMIN_BASE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "pptx", "txt", "csv", "zip", "odt", "ods"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAIL_USER_CUSTOM_FIELDS = ["real_name", "mobile"]
WAGTAIL_PASSWORD_RESET_ENABLED = True
WAGTAILADMIN_LOGIN_URL = "accounts:login"
WAGTAIL_FRONTEND_LOGIN_URL = "accounts:login"
WAGTAILDOCS_EXTENSIONS += ["mp4", "webm"]  # lesson videos uploaded as documents
# No outside calls from the admin: the deployments this serves have no route to the internet, and a
# browser that tries one waits for it. Off: Wagtail's release check (releases.wagtail.io), the
# "what's new" banner, avatars from gravatar.com, and oEmbed look-ups of pasted video links (an
# operator whose servers can reach the video hosts turns them on with EMBEDS_FETCH=true). The help
# menu's links to guide.wagtail.org are removed by cms/wagtail_hooks.py.
# Page slugs are ASCII: a Chinese title gives its pinyin (cms/slugs.py), never a percent-encoded URL.
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILEMBEDS_FINDERS: list[dict[str, object]] = (
    [{"class": "wagtail.embeds.finders.oembed"}] if env_bool("EMBEDS_FETCH", False) else []
)
# Overrides of the talent index formula (a dict merged over talent.formula.DEFAULT_FORMULA).
TALENT_INDEX_FORMULA: dict[str, object] = {}
# Whole-page cache for anonymous visitors, invalidated on publish (cms/cache.py); 0 = off.
CMS_PAGE_CACHE_SECONDS = env_int("CMS_PAGE_CACHE_SECONDS", 0, minimum=0, maximum=86400)

# Data exchange: uploads are kept outside MEDIA_ROOT (never served) until imported or abandoned.
EXCHANGE_ROOT = Path(env_str("EXCHANGE_ROOT", str(VAR_DIR / "exchange")))
EXCHANGE_MAX_UPLOAD_BYTES = env_int("EXCHANGE_MAX_UPLOAD_BYTES", 20 * 1024 * 1024, minimum=1024)
EXCHANGE_INLINE_ROWS = env_int("EXCHANGE_INLINE_ROWS", 1000, minimum=1)
EXCHANGE_KEEP_HOURS = env_int("EXCHANGE_KEEP_HOURS", 24, minimum=1)

TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default", "notices"]},
    # Long imports and exports (the exchange app) are queued in the database and run by
    # `manage.py worker` (db_worker with a heartbeat for /readyz), which `make run` starts beside daphne.
    "exchange": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "notices"]},
}
# Notices (accounts/notifications.py): email and SMS go out from a task on this backend (the
# worker's queue "notices"); the worker runs the deadline reminders every NOTICE_REMINDER_SECONDS,
# NOTICE_REMINDER_HOURS before each deadline.
NOTICE_TASK_BACKEND = env_str("NOTICE_TASK_BACKEND", "exchange")
NOTICE_REMINDER_SECONDS = env_int("NOTICE_REMINDER_SECONDS", 300, minimum=10, maximum=3600)
# The worker runs the jobs people wait on (an exam's stragglers graded at its close) this often.
HOUSEKEEPING_OFTEN_SECONDS = env_int("HOUSEKEEPING_OFTEN_SECONDS", 5, minimum=1, maximum=300)
NOTICE_REMINDER_HOURS = env_int("NOTICE_REMINDER_HOURS", 24, minimum=1, maximum=24 * 14)

# --- Request bodies and images (config/limits.py, docs/foundation.md "Request bodies and images") --
# Every request body has a ceiling, enforced before it is read (inside daphne as it arrives, and
# by the outermost ASGI and Django middleware): forms and the JSON API get REQUEST_MAX_BODY_BYTES,
# the upload routes below their own. Over the ceiling: 413 with a Chinese message.
REQUEST_MAX_BODY_BYTES = env_int("REQUEST_MAX_BODY_BYTES", 1024 * 1024, minimum=64 * 1024)
LMS_PHOTO_MAX_BYTES = env_int("LMS_PHOTO_MAX_BYTES", 8 * 1024 * 1024, minimum=64 * 1024)
LMS_PHOTOS_PER_LOG = 6
LMS_PRACTICAL_MAX_BYTES = env_int("LMS_PRACTICAL_MAX_BYTES", 20 * 1024 * 1024, minimum=64 * 1024)
# Without JavaScript a paper's practical files arrive with the submission itself: room for three
# (with JavaScript each file is uploaded on its own through the API as soon as it is picked).
LMS_PRACTICAL_FILES_PER_SUBMIT = 3
# An image whose width x height is over this is refused before it is decoded (Pillow's
# decompression-bomb limit, set in every process by AccountsConfig.ready(); Wagtail's upload
# check; the work-study photo check).
IMAGE_MAX_PIXELS = env_int("IMAGE_MAX_PIXELS", 40_000_000, minimum=1_000_000)
WAGTAILIMAGES_MAX_IMAGE_PIXELS = IMAGE_MAX_PIXELS
# A refused body is still read (and thrown away) for up to this long, so the client, which is
# usually still sending, gets to read the 413 instead of a reset connection.
REQUEST_BODY_LINGER_SECONDS = env_int("REQUEST_BODY_LINGER_SECONDS", 10, minimum=0, maximum=120)
_MARGIN = 256 * 1024  # multipart boundaries, part headers and the small fields beside a file
_SPREADSHEET = EXCHANGE_MAX_UPLOAD_BYTES + _MARGIN
_ADMIN_UPLOAD = max(WAGTAILDOCS_MAX_UPLOAD_SIZE, WAGTAILIMAGES_MAX_UPLOAD_SIZE, LMS_PRACTICAL_MAX_BYTES) + _MARGIN
# (path regex, bytes), first match wins; paths as sent, from the site's root.
REQUEST_BODY_LIMITS: list[tuple[str, int]] = [
    (r"^/exchange/[^/]+/import/$", _SPREADSHEET),
    # The Django admin's import (exchange.admin_bridge) takes the exchange's files.
    (r"^/django-admin/[^/]+/[^/]+/import/$", _SPREADSHEET),
    (r"^/learn/courses/\d+/workstudy/$", LMS_PHOTO_MAX_BYTES * LMS_PHOTOS_PER_LOG + _MARGIN),
    (r"^/api/lms/attempts/\d+/uploads$", LMS_PRACTICAL_MAX_BYTES + _MARGIN),
    (r"^/learn/attempts/\d+/submit/$", LMS_PRACTICAL_MAX_BYTES * LMS_PRACTICAL_FILES_PER_SUBMIT + _MARGIN),
    (r"^/cms-admin/", _ADMIN_UPLOAD),
    (r"^/django-admin/", _ADMIN_UPLOAD),
]

# --- Content-Security-Policy (django-csp; docs/foundation.md "Content-Security-Policy") ----------
# Scripts: the site's own files, and inline scripts carrying the response's nonce; never
# 'unsafe-inline'. Styles keep 'unsafe-inline': our templates and Wagtail's admin (and the SVG
# charts) use style="" attributes, and a style cannot run code. img-src data: blob: for Wagtail's
# admin (data: icons, blob: previews of an image being uploaded). Frames: the site itself (Wagtail's
# preview) and the video hosts editors may embed in rich text (CSP_FRAME_SOURCES).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],  # plus ws:/wss: of the request's own host (config.csp)
        "media-src": [SELF, "blob:"],
        "frame-src": [SELF, *env_list("CSP_FRAME_SOURCES", ["https://player.bilibili.com"])],
        "worker-src": [SELF, "blob:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    }
}

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters with at least 5 distinct characters.")

# --- Logs and health (config/observability.py, config/health.py, docs/operations.md) --------------
# To stdout, one line a record: JSON for journald in production, readable text in development.
LOG_FORMAT = env_choice("LOG_FORMAT", ("json", "text"), "json" if PRODUCTION else "text")
LOGGING = logging_config(LOG_FORMAT, env_str("LOG_LEVEL", "INFO"))
# `manage.py worker` writes its heartbeat this often; /readyz wants one younger than
# READY_WORKER_MAX_AGE seconds (0: no worker check, for a machine that runs none).
WORKER_HEARTBEAT_SECONDS = env_int("WORKER_HEARTBEAT_SECONDS", 5, minimum=1)
# /metrics (config/metrics.py): clients in these networks, or a request with
# `Authorization: Bearer <METRICS_TOKEN>` when a token is set; everyone else gets 404.
METRICS_ALLOWED_NETWORKS = [
    str(ipaddress.ip_network(n)) for n in env_list("METRICS_ALLOWED_NETWORKS", ["127.0.0.1/32", "::1/128"])
]
METRICS_TOKEN = env_str("METRICS_TOKEN")

# --- Backups (accounts/backup.py, `manage.py backup` / `restore`, docs/operations.md) -------------
# BACKUP_KEY: 32 bytes, url-safe base64 (`manage.py backup --new-key`); without it no backup is written.
BACKUP_KEY = env_str("BACKUP_KEY")
BACKUP_ROOT = Path(env_str("BACKUP_ROOT", str(VAR_DIR / "backups")))
BACKUP_KEEP = env_int("BACKUP_KEEP", 14, minimum=1)
READY_WORKER_MAX_AGE = env_int("READY_WORKER_MAX_AGE", 60, minimum=0)

SITE_NAME = _("数智英才")
