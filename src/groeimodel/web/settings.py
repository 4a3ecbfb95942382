"""Django settings, all from the environment (documented in docs/configuration.md).

GROEIMODEL_DEBUG          "true" for development; off by default.
GROEIMODEL_SECRET_KEY     required when DEBUG is off; in development a key is kept in the data directory.
GROEIMODEL_ALLOWED_HOSTS  comma-separated host names; required when DEBUG is off.
GROEIMODEL_DATA_DIR       where the SQLite database and the development key live; ./var when unset.
DATABASE_URL              e.g. postgres://user:pass@host:5432/db; SQLite in the data directory when unset.
GROEIMODEL_DB_PREPARED_STATEMENTS  "false" behind a PgBouncer in transaction mode (PostgreSQL; on by default).
GROEIMODEL_SECURE_PROXY   "true" when behind a TLS-terminating proxy that sets X-Forwarded-Proto.
GROEIMODEL_LOCAL          "true" (what `make run` sets): production behaviour on this machine over plain HTTP.
GROEIMODEL_EMAIL_BACKEND, _HOST, _PORT, _USER, _PASSWORD, _TLS, GROEIMODEL_FROM_EMAIL  outgoing mail.
GROEIMODEL_EMPLOYEES_MIN  employees' scores are shown only from this many answers on (default 5).
GROEIMODEL_GAP_POINTS     owner/employee gap in points above which a block is marked (default 20).
GROEIMODEL_BENCHMARK_MIN  a peer group needs this many other firms to compare a firm with (default 5).
GROEIMODEL_BENCHMARK_STALE_SECONDS  after a change, a peer index this young is used while a new one is built (3600).
GROEIMODEL_MONITOR_MIN    a monitor cell describing fewer firms than this is not shown (default 5).
GROEIMODEL_TRUSTED_PROXIES  proxies believed in X-Forwarded-For: a hop count or addresses/CIDRs (see clientaddr).
GROEIMODEL_LOGIN_RATE, GROEIMODEL_LOGIN_CONCURRENCY  login attempts per client address; password checks at once.
GROEIMODEL_SESSION_IDLE_MINUTES  a session without a request for this long ends (default 60).
GROEIMODEL_IMPORT_MAX_BYTES  the largest file the import takes (default 5 MB).
GROEIMODEL_IMPORT_MAX_ROWS   the most rows (companies or scans) one import file may hold (default 10,000).
GROEIMODEL_IMPORT_MAX_SCANS  the most scans one import file may hold (default 1,000: each is scored and stored).
GROEIMODEL_PUBLIC_MONITOR "true": the national monitor at /monitor/ without login (off by default).
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent


def envbool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, got {value!r}")


def envint(name: str, default: int, minimum: int = 0) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {value!r}") from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {number}")
    return number


def envlist(name: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, "").split(",") if part.strip()]


DEBUG = envbool("GROEIMODEL_DEBUG")
# Local: the product as in production (DEBUG off, its own error pages, static files from the app server), on
# this machine over plain HTTP, with a secret key made once and kept in the data directory.
LOCAL = envbool("GROEIMODEL_LOCAL")
DATA_DIR = Path(os.environ.get("GROEIMODEL_DATA_DIR") or "var").resolve()

_INSECURE_PREFIX = "django-insecure"


def _kept_key(name: str, prefix: str = "") -> str:
    """A random key made on first use and kept (0600) in the data directory, so sessions survive a restart."""
    DATA_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    key_file = DATA_DIR / name
    if not key_file.exists():
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(prefix + secrets.token_urlsafe(64))
    return key_file.read_text().strip()


SECRET_KEY = os.environ.get("GROEIMODEL_SECRET_KEY", "")
if not SECRET_KEY:
    if LOCAL:
        SECRET_KEY = _kept_key("secret-key")
    elif DEBUG:
        SECRET_KEY = _kept_key("dev-secret-key", f"{_INSECURE_PREFIX}-")
    else:
        raise ImproperlyConfigured("GROEIMODEL_SECRET_KEY must be set when GROEIMODEL_DEBUG is off")
elif not DEBUG and (len(SECRET_KEY) < 50 or SECRET_KEY.startswith(_INSECURE_PREFIX)):
    raise ImproperlyConfigured("GROEIMODEL_SECRET_KEY must be a random string of at least 50 characters")

ALLOWED_HOSTS = envlist("GROEIMODEL_ALLOWED_HOSTS")
if (DEBUG or LOCAL) and not ALLOWED_HOSTS:
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("GROEIMODEL_ALLOWED_HOSTS must be set when GROEIMODEL_DEBUG is off")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "django_ratelimit",
    "groeimodel.web.accounts",
    "groeimodel.web.companies",
    "groeimodel.web.scans",
    "groeimodel.web.invitations",
    "groeimodel.web.initiatives",
    "groeimodel.web.audit",
    "ninja",  # its Swagger UI files, served from the package (without it the docs page loads them from a CDN)
    "groeimodel.web.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "groeimodel.web.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "groeimodel.web.urls"
WSGI_APPLICATION = "groeimodel.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "groeimodel.web.accounts.context.membership",
            ],
            # amount, percent, number and longdate filters in every template (groeimodel.formats underneath)
            "builtins": ["groeimodel.web.formatting"],
            "libraries": {"monitor_downloads": "groeimodel.web.monitor.download_tags"},
        },
    }
]

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and envbool(
        "GROEIMODEL_DB_PREPARED_STATEMENTS", True
    ):
        # Parameters bound by the server, and a statement run twice on a connection prepared (psycopg): the
        # server parses and plans the hot path's statements once per connection (a third of PostgreSQL's CPU per
        # API submission; bench/README.md). Off behind a PgBouncer in transaction mode, which cannot keep them.
        DATABASES["default"].setdefault("OPTIONS", {}).update({"server_side_binding": True, "prepare_threshold": 2})
else:
    DATA_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "groeimodel.sqlite3"),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                # WAL lets readers and a writer work at once; busy timeout instead of "database is locked".
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A per-process cache for rendered results: a submitted scan's result never changes, so its page body is kept.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
    # The rate limits of the public employee questionnaire (django-ratelimit). Per process: with several app
    # server workers a client may reach the limit once per worker, which still stops a flood; the library's
    # check asks for a shared cache (memcached, Redis), which a one-machine install does not have.
    "ratelimit": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "ratelimit",
        "OPTIONS": {"MAX_ENTRIES": 20000},
    },
}
RATELIMIT_USE_CACHE = "ratelimit"
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "groeimodel.web.accounts.backends.MembershipModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lock-out after repeated failed logins (django-axes): 5 failures for one username from one address lock that
# pair for 15 minutes, so a guesser is stopped without letting anyone lock a colleague out from elsewhere.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

EMAIL_BACKEND = os.environ.get("GROEIMODEL_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("GROEIMODEL_FROM_EMAIL", "groeimodel@localhost")
EMAIL_HOST = os.environ.get("GROEIMODEL_EMAIL_HOST", "localhost")
EMAIL_PORT = envint("GROEIMODEL_EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = os.environ.get("GROEIMODEL_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("GROEIMODEL_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = envbool("GROEIMODEL_EMAIL_TLS")

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Amsterdam"
USE_TZ = True

# The anonymity rule and the gap marking of the employees' view (DESIGN §5).
EMPLOYEES_MIN = envint("GROEIMODEL_EMPLOYEES_MIN", 5, minimum=2)
GAP_POINTS = envint("GROEIMODEL_GAP_POINTS", 20, minimum=1)
BENCHMARK_MIN = envint("GROEIMODEL_BENCHMARK_MIN", 5, minimum=2)
# A kept peer index younger than this many seconds is used while a new one is built in the background after the
# peers changed (groeimodel.web.scans.benchmark); 0: every lookup after a change waits for the rebuild.
BENCHMARK_STALE_SECONDS = envint("GROEIMODEL_BENCHMARK_STALE_SECONDS", 3600, minimum=0)
MONITOR_MIN = envint("GROEIMODEL_MONITOR_MIN", 5, minimum=2)
PUBLIC_MONITOR = envbool("GROEIMODEL_PUBLIC_MONITOR")

# Imports of companies and scans (groeimodel.web.imports): files larger or longer are refused before they are read.
IMPORT_MAX_BYTES = envint("GROEIMODEL_IMPORT_MAX_BYTES", 5 * 1024 * 1024, minimum=1024)
IMPORT_MAX_ROWS = envint("GROEIMODEL_IMPORT_MAX_ROWS", 10_000, minimum=1)
IMPORT_MAX_SCANS = envint("GROEIMODEL_IMPORT_MAX_SCANS", 1_000, minimum=1)

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# The report's stylesheet is the core's own (reports/assets), served as groeimodel-report/report.css.
STATICFILES_DIRS = [PACKAGE_DIR / "static", ("groeimodel-report", PACKAGE_DIR.parent / "reports" / "assets")]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve straight from the package's static folders; no collectstatic step is needed to run.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Security. Cookies and HTTPS are strict unless DEBUG; the CSP allows only our own scripts and styles.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
_HTTPS = not DEBUG and not LOCAL  # local runs speak plain HTTP to this machine only
SESSION_COOKIE_SECURE = _HTTPS
CSRF_COOKIE_SECURE = _HTTPS
SECURE_SSL_REDIRECT = _HTTPS and not envbool("GROEIMODEL_NO_SSL_REDIRECT")
SECURE_HSTS_SECONDS = 31536000 if _HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = _HTTPS
SECURE_HSTS_PRELOAD = _HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if envbool("GROEIMODEL_SECURE_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# --- Floods and defaults (issue 13) ------------------------------------------------------------------------------
# The client address, trusted proxies, login and reset-mail limits, shared rate-limit counters, refusals of unsafe
# production settings, private pages, idle sessions, error pages and the one-line bad-Host log. One block, so the
# rest of this file reads as before.
from django.core.checks.security.base import _check_secret_key  # type: ignore[attr-defined]  # noqa: E402

from groeimodel.web import clientaddr  # noqa: E402

PRODUCTION = not DEBUG and not LOCAL
TRUSTED_PROXIES = clientaddr.parse_trusted_proxies(
    os.environ.get("GROEIMODEL_TRUSTED_PROXIES", ""), behind_proxy=envbool("GROEIMODEL_SECURE_PROXY")
)
AXES_CLIENT_IP_CALLABLE = "groeimodel.web.clientaddr.axes_client_ip"


def envrate(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip() or default
    count, _slash, period = value.partition("/")
    if not (count.isascii() and count.isdigit() and int(count) > 0 and period in ("s", "m", "h", "d")):
        raise ImproperlyConfigured(f"{name} must be a number of attempts per s, m, h or d (like 10/m), got {value!r}")
    return value


LOGIN_RATE = envrate("GROEIMODEL_LOGIN_RATE", "10/m")
LOGIN_CONCURRENCY = envint("GROEIMODEL_LOGIN_CONCURRENCY", 1, minimum=1)
LOGIN_WAIT_SECONDS = 2.0

# The rate-limit counters in the database instead of the per-process cache above, so that every app-server process
# (and machine) counts together; the table is made by `migrate` (a post_migrate hook in the accounts app).
CACHES["ratelimit"] = {
    "BACKEND": "django.core.cache.backends.db.DatabaseCache",
    "LOCATION": "groeimodel_ratelimit_cache",
    "OPTIONS": {"MAX_ENTRIES": 50000},
}
# (its increments are not atomic, which lets a flood a few extra tries at most: the checks stay silenced above)

if not DEBUG and not _check_secret_key(SECRET_KEY):
    raise ImproperlyConfigured(
        "GROEIMODEL_SECRET_KEY is weak: it needs at least 50 characters, 5 different ones, no 'django-insecure' prefix"
    )
if not DEBUG and "*" in ALLOWED_HOSTS:
    raise ImproperlyConfigured("GROEIMODEL_ALLOWED_HOSTS must name the host names; '*' would answer any Host header")
_LOST_MAIL_BACKENDS = {f"django.core.mail.backends.{name}.EmailBackend" for name in ("console", "dummy", "locmem")}
if PRODUCTION and "GROEIMODEL_EMAIL_BACKEND" not in os.environ:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
if PRODUCTION and EMAIL_BACKEND in _LOST_MAIL_BACKENDS:
    raise ImproperlyConfigured(
        f"GROEIMODEL_EMAIL_BACKEND {EMAIL_BACKEND} delivers no mail; use django.core.mail.backends.smtp.EmailBackend"
    )

# The SQLite database is made private (0600) before SQLite makes it with the umask's mode; its -wal and -shm
# files take the database's mode.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    _db_file = Path(DATABASES["default"]["NAME"])
    if not _db_file.exists():
        os.close(os.open(_db_file, os.O_WRONLY | os.O_CREAT, 0o600))

MIDDLEWARE += [
    "groeimodel.web.hardening.IdleSessionMiddleware",
    "groeimodel.web.hardening.PrivatePagesMiddleware",
]
SESSION_IDLE_MINUTES = envint("GROEIMODEL_SESSION_IDLE_MINUTES", 60, minimum=1)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60  # the middleware renews it at most once a minute while in use
CSRF_FAILURE_VIEW = "groeimodel.web.hardening.csrf_failure"

LOGGING = {
    **LOGGING,
    "filters": {"no_traceback": {"()": "groeimodel.web.hardening.NoTracebackFilter"}},
    "formatters": {"one_line": {"format": "%(levelname)s %(name)s: %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "one_line": {"class": "logging.StreamHandler", "filters": ["no_traceback"], "formatter": "one_line"},
    },
    "loggers": {
        # A request for a host we do not serve (a scanner, a misconfigured proxy): one line, no traceback.
        "django.security.DisallowedHost": {"handlers": ["one_line"], "level": "ERROR", "propagate": False},
    },
}
