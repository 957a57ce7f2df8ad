"""Django settings for Liaison, read once from ``LIAISON_*`` environment variables.

Every value has an offline default: SQLite in the per-user data directory, the
database task backend, the console e-mail backend. ``LIAISON_<NAME>_FILE`` may
point at a file holding a secret instead of the variable itself.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
import platformdirs
from django.core.exceptions import ImproperlyConfigured

from liaison.lib.private_files import private_directory, private_file

BASE_DIR = Path(__file__).resolve().parent


def env_str(name: str, default: str | None = None) -> str | None:
    """The variable ``name``, or the contents of the file named by ``name_FILE``."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = env_str(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}: {raw!r} is not a boolean (use true or false)")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = env_str(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


# Its owner's alone (0700), as the SQLite database created in it (0600): docs/security.md.
DATA_DIR = private_directory(
    Path(env_str("LIAISON_DATA_DIR") or platformdirs.user_data_dir("liaison"))
)


def _generated_secret(name: str, file_name: str) -> str:
    """The variable ``name`` (or ``name_FILE``), else a random secret generated once
    into the data directory (readable by its owner only)."""
    configured = env_str(name)
    if configured:
        return configured
    key_file = DATA_DIR / file_name
    if not key_file.exists():
        # O_EXCL keeps two processes starting at once from writing different keys.
        try:
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(secrets.token_urlsafe(64))
    return key_file.read_text(encoding="utf-8").strip()


SECRET_KEY = _generated_secret("LIAISON_SECRET_KEY", "secret_key")

# The audit chain's key (HMAC-SHA-256), never stored in the database; see docs/audit.md.
LIAISON_AUDIT_KEY = _generated_secret("LIAISON_AUDIT_KEY", "audit_key")
#: Whether the key is the generated file (``liaison audit rotate-key`` may replace it).
LIAISON_AUDIT_KEY_GENERATED = not env_str("LIAISON_AUDIT_KEY")
#: Keys of earlier chain segments: the variable (comma or newline separated, or
#: ``_FILE``) and the files ``liaison audit rotate-key`` retires into this folder.
LIAISON_AUDIT_RETIRED_KEYS = [
    key.strip()
    for key in (env_str("LIAISON_AUDIT_RETIRED_KEYS") or "").replace("\n", ",").split(",")
    if key.strip()
]
LIAISON_AUDIT_KEYS_DIR = DATA_DIR / "audit_keys"
#: The append-only log the chain head is anchored in ("" turns anchoring off).
LIAISON_AUDIT_ANCHOR_FILE = env_str(
    "LIAISON_AUDIT_ANCHOR_FILE", str(DATA_DIR / "audit-anchors.log")
)
#: Seconds between anchors (0: after every commit that wrote audit events).
LIAISON_AUDIT_ANCHOR_INTERVAL = float(env_str("LIAISON_AUDIT_ANCHOR_INTERVAL") or 0)
#: Also send each anchor to the local syslog (a write-once store off this machine).
LIAISON_AUDIT_ANCHOR_SYSLOG = env_bool("LIAISON_AUDIT_ANCHOR_SYSLOG", False)
DEBUG = env_bool("LIAISON_DEBUG", False)
ALLOWED_HOSTS = env_list("LIAISON_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("LIAISON_CSRF_TRUSTED_ORIGINS", [])
SECURE = env_bool("LIAISON_SECURE", False)  # behind TLS: secure cookies, HSTS, redirect

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "liaison.core",
    "liaison.directory",
    # Trials before literature: the API's paths keep their order (trials, then publications).
    "liaison.trials",
    "liaison.literature",
    "liaison.surveillance",
    "liaison.experts",
    "liaison.engagement",
    "liaison.medinfo",
    "liaison.safety",
    # The composition on top (the demo world, `liaison serve`): it may import every app.
    "liaison.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "liaison.core.middleware.DatabaseUnavailableMiddleware",
    "liaison.core.middleware.MemberRequiredMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "liaison.urls"
WSGI_APPLICATION = "liaison.wsgi.application"

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
                "liaison.core.context_processors.navigation",
                "liaison.core.context_processors.worker_alert",
            ],
        },
    }
]


def _database() -> dict[str, Any]:
    url = env_str("LIAISON_DATABASE_URL")
    if not url:
        config: dict[str, Any] = {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(private_file(DATA_DIR / "liaison.sqlite3")),
        }
    else:
        config = dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        options = config.setdefault("OPTIONS", {})
        # WAL lets readers run beside the one writer; IMMEDIATE takes the write
        # lock at BEGIN, so concurrent writers queue instead of failing mid-way,
        # and the audit chain is appended by one writer at a time.
        options.setdefault("transaction_mode", "IMMEDIATE")
        options.setdefault("timeout", 20)
        options.setdefault(
            "init_command",
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        )
        # Tests use a file as well: threads and the live server then share the
        # database and queue their writes as processes do (in-memory cannot).
        config.setdefault("TEST", {}).setdefault("NAME", str(DATA_DIR / "test-liaison.sqlite3"))
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Lock-out (docs/security.md): five failed sign-ins for one username from one client
# address lock that pair for 30 minutes. Locking the username alone let anyone lock
# out `admin`; the pair keeps the owner's own address free, and colleagues behind one
# office address are not locked by another's typos. `liaison unlock` clears one.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
AXES_ENABLED = env_bool("LIAISON_AXES_ENABLED", True)
# The client's address, also behind reverse proxies (LIAISON_TRUSTED_PROXIES).
AXES_CLIENT_IP_CALLABLE = "liaison.core.ratelimit.client_address"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 10
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = SECURE
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365 if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Nothing but our own origin: no CDN, no inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = DATA_DIR / "files"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

REDIS_URL = env_str("LIAISON_REDIS_URL")
if REDIS_URL:
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 3600}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
else:
    TASKS = {
        "default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend", "QUEUES": ["default"]}
    }


def _env_count(name: str, default: int) -> int:
    raw = env_str(name)
    if raw is None or raw.strip() == "":
        return default
    if not raw.strip().isdigit():
        raise ImproperlyConfigured(f"{name}: {raw!r} is not a whole number (e.g. {default})")
    return int(raw)


# Caps of uploaded files, stated in the upload forms (docs/jobs.md).
LIAISON_UPLOAD_MAX_MB = _env_count("LIAISON_UPLOAD_MAX_MB", 200)
LIAISON_REFERENCE_IMPORT_MAX_MB = _env_count("LIAISON_REFERENCE_IMPORT_MAX_MB", 50)
LIAISON_REFERENCE_IMPORT_MAX_RECORDS = _env_count("LIAISON_REFERENCE_IMPORT_MAX_RECORDS", 250_000)

# Days an MSL edits an interaction after logging it; then amendments with a reason.
LIAISON_INTERACTION_EDIT_DAYS = _env_count("LIAISON_INTERACTION_EDIT_DAYS", 7)

# E-mail (password reset links): the console by default; SMTP with
# LIAISON_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and the host below.
EMAIL_BACKEND = env_str("LIAISON_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("LIAISON_FROM_EMAIL", "liaison@localhost")
EMAIL_HOST = env_str("LIAISON_EMAIL_HOST", "localhost")
EMAIL_PORT = _env_count("LIAISON_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("LIAISON_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("LIAISON_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("LIAISON_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("LIAISON_EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 10

# Password reset (docs/security.md): a link valid for one hour and one use; requests
# limited per e-mail address and per client address in each window.
PASSWORD_RESET_TIMEOUT = 60 * 60
LIAISON_PASSWORD_RESET_PER_ADDRESS = 3
LIAISON_PASSWORD_RESET_PER_CLIENT = 10
LIAISON_PASSWORD_RESET_WINDOW = 60 * 60
# Reverse proxies in front of Liaison that append to X-Forwarded-For (0: none, the
# peer is the client). Lock-outs and rate limits count per client address.
LIAISON_TRUSTED_PROXIES = _env_count("LIAISON_TRUSTED_PROXIES", 0)
# Rate limits count in a cache every web process shares (Redis when configured, else
# files in the data directory); the default cache stays in each process's memory.
CACHES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "ratelimit": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "liaison",
    }
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "ratelimit"),
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LIAISON_LOG_LEVEL", "WARNING")},
}

# Fixed knobs of the domain, kept here so tests can shrink them.
LIAISON_PAGE_SIZE = 50
LIAISON_API_MAX_PAGE_SIZE = 500

# Files and exports (docs/security.md, "Files and exports"). An export of more rows
# than this runs as a background job with a download link; a smaller one is written
# while the page waits. The job's file is removed this many days after it finished.
LIAISON_EXPORT_SYNC_MAX_ROWS = _env_count("LIAISON_EXPORT_SYNC_MAX_ROWS", 5_000)
LIAISON_EXPORT_KEEP_DAYS = _env_count("LIAISON_EXPORT_KEEP_DAYS", 7)
# Caps of the directory import's files, checked before they are read (the upload form
# states them): data rows (Excel's own maximum), and an XLSX workbook's unpacked size
# and the compression of its parts (a zip bomb unpacks 1 MB into 1 GB). Files of more
# rows than the last are checked in a background job, not while the report page waits.
LIAISON_IMPORT_MAX_ROWS = _env_count("LIAISON_IMPORT_MAX_ROWS", 1_048_575)
LIAISON_XLSX_MAX_UNPACKED_MB = _env_count("LIAISON_XLSX_MAX_UNPACKED_MB", 500)
LIAISON_XLSX_MAX_RATIO = _env_count("LIAISON_XLSX_MAX_RATIO", 100)
LIAISON_IMPORT_SYNC_CHECK_MAX_ROWS = _env_count("LIAISON_IMPORT_SYNC_CHECK_MAX_ROWS", 5_000)

# Live clients (used only when asked: `liaison pubmed fetch`, `liaison trials fetch`,
# `liaison nppes lookup`, the HCP form's NPI Registry look-up). The base URLs can
# point elsewhere (a mirror, a proxy, the tests' replay server).
LIAISON_NCBI_API_KEY = env_str("LIAISON_NCBI_API_KEY") or None
LIAISON_NCBI_EMAIL = env_str("LIAISON_NCBI_EMAIL") or None
LIAISON_NCBI_TOOL = env_str("LIAISON_NCBI_TOOL") or "liaison"
LIAISON_EUTILS_URL = (
    env_str("LIAISON_EUTILS_URL") or "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"
)
LIAISON_CTGOV_URL = env_str("LIAISON_CTGOV_URL") or "https://clinicaltrials.gov/api/v2/"
LIAISON_NPPES_URL = env_str("LIAISON_NPPES_URL") or "https://npiregistry.cms.hhs.gov/api/"


def _env_days_by_priority(name: str, default: dict[str, int]) -> dict[str, int]:
    """``urgent=1,high=3,normal=5,low=10``: business days per inquiry priority."""
    raw = env_str(name)
    if raw is None or raw.strip() == "":
        return dict(default)
    found = dict(default)
    for part in raw.split(","):
        key, _, value = part.partition("=")
        key, value = key.strip().lower(), value.strip()
        if key not in default or not value.isdigit():
            raise ImproperlyConfigured(
                f"{name}: {part.strip()!r} is not priority=days "
                f"(priorities: {', '.join(default)}; e.g. urgent=1,high=3)"
            )
        found[key] = int(value)
    return found


# Medical information (docs/medinfo.md): the target turnaround per priority, in business
# days of the requester's country, and the sender of the response letters.
LIAISON_INQUIRY_TARGET_DAYS = _env_days_by_priority(
    "LIAISON_INQUIRY_TARGET_DAYS", {"urgent": 1, "high": 3, "normal": 5, "low": 10}
)
LIAISON_MEDINFO_COMPANY = env_str("LIAISON_MEDINFO_COMPANY") or "Liaison Pharma"
# Address lines separated by ";" (one environment variable).
LIAISON_MEDINFO_ADDRESS = (env_str("LIAISON_MEDINFO_ADDRESS") or "").replace(";", "\n")
LIAISON_MEDINFO_PHONE = env_str("LIAISON_MEDINFO_PHONE") or ""
LIAISON_MEDINFO_EMAIL = env_str("LIAISON_MEDINFO_EMAIL") or ""
LIAISON_MEDINFO_DISCLAIMER = env_str("LIAISON_MEDINFO_DISCLAIMER") or ""

# Adverse events (docs/safety.md): business days to forward a case to pharmacovigilance
# (Day 0 excluded), the E2B(R3) sender and receiver identifiers, the ICH schema set the
# exports are validated against (not shipped: its terms are ICH's; unset, files are
# written but not validated) and the cap of an uploaded E2B or acknowledgement file.
LIAISON_AE_FORWARD_BUSINESS_DAYS = _env_count("LIAISON_AE_FORWARD_BUSINESS_DAYS", 1)
LIAISON_E2B_SENDER_ID = env_str("LIAISON_E2B_SENDER_ID") or "LIAISON"
LIAISON_E2B_RECEIVER_ID = env_str("LIAISON_E2B_RECEIVER_ID") or "ICHTEST"
LIAISON_E2B_SCHEMA_DIR = env_str("LIAISON_E2B_SCHEMA_DIR") or ""
LIAISON_E2B_UPLOAD_MAX_MB = _env_count("LIAISON_E2B_UPLOAD_MAX_MB", 20)
