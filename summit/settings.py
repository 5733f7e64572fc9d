"""Settings for the CA+JAD summit tracker, read from environment variables.

Each helper fails loudly on a value it cannot read, so a typo in the environment stops
start-up with a message instead of silently falling back to a default.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import validate_email

BASE_DIR = Path(__file__).resolve().parent.parent

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def envbool(name, default):
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a boolean; use one of: {', '.join(sorted(TRUE_WORDS | FALSE_WORDS - {''}))}."
    )


def envlist(name, default):
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def envint(name, default):
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None


# Django's SQLite backend, converting each query's placeholders once (tracker/sqlite/base.py).
SQLITE_ENGINE = "tracker.sqlite"

# SQLite as a multi-process server needs it: WAL lets pages be read while an editor writes;
# IMMEDIATE takes the write lock when a transaction starts, so two writers queue instead of
# deadlocking on a read-then-write upgrade ("database is locked"); a writer waits up to
# 20 seconds for the lock instead of failing at once.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}


def database_from_url(url):
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme not in {"postgres", "postgresql", "sqlite"}:
        raise ImproperlyConfigured(
            f"DATABASE_URL must start with postgresql:// or sqlite://, got {url.split('@')[-1]!r}."
        )
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL could not be read: {exc}") from exc
    if not config.get("NAME"):
        raise ImproperlyConfigured("DATABASE_URL names no database (e.g. postgresql://user@host:5432/db).")
    if scheme == "sqlite":
        config["ENGINE"] = SQLITE_ENGINE
        config["OPTIONS"] = {**SQLITE_OPTIONS, **config.get("OPTIONS", {})}
    return config


DEBUG = envbool("DEBUG", False)


def secret_from_file(name):
    """The key in the file the variable `name` points to (`make run` writes one into var/)."""
    path = os.environ.get(name, "").strip()
    if not path:
        return ""
    try:
        return Path(path).read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ImproperlyConfigured(f"{name}={path!r} cannot be read: {exc.strerror}.") from None


SECRET_KEY = os.environ.get("SECRET_KEY", "") or secret_from_file("SECRET_KEY_FILE")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY to a long random string "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set DEBUG=true for local development."
        )
    SECRET_KEY = "insecure-development-only-key-never-used-with-debug-off"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "tracker.apps.TrackerAdminConfig",  # Django's admin, its home page the editors' desk
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django_filters",
    "simple_history",
    "axes",
    "csp",
    "tracker",
]

MIDDLEWARE = [
    # A HEAD answered without the body the rest of the stack writes (gunicorn warns of each).
    "tracker.middleware.HeadWithoutBodyMiddleware",
    # Next, so a database that cannot be reached gives a plain 503, never a 500.
    "tracker.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages and exports compressed (with Django's BREACH mitigation); static files come
    # precompressed from WhiteNoise above, so they never reach it.
    "django.middleware.gzip.GZipMiddleware",
    # /as-of/<moment>/<address>: the page as it stood then, read from a snapshot of the audit
    # trail (before the language is taken from the address it rewrites).
    "tracker.as_of.AsOfMiddleware",
    # Django's session middleware, answering 503 like the rest when the database is gone.
    "tracker.middleware.SessionMiddleware",
    # Japanese punctuation in the Japanese pages' sentences, set on the finished page.
    "tracker.typesetting.JapanesePunctuationMiddleware",
    # The language comes from the address alone (/ja/…, /ru/…; none is English), so a cached
    # page is always in the language of its address.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the 429 response.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # Refuses a locked-out username and address before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Login throttling: 5 failures for one username from one address lock that pair out for 15
# minutes (failures older than that are forgotten). A correct password does not lift the lock.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = False
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
# The address is the socket's peer unless TRUSTED_PROXY_COUNT reverse proxies of ours stand in
# front: then the entry the first of them appended to X-Forwarded-For (tracker.proxies). Entries
# to its left come from the client and are never trusted, so no one can lock editors out by
# sending their address.
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "tracker.proxies.client_address"

# Reverting to an old version from the history page would change a status without its dated,
# sourced record; corrections go through the forms instead.
SIMPLE_HISTORY_REVERT_DISABLED = True

ROOT_URLCONF = "summit.urls"

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
                "tracker.context_processors.site",
            ],
        },
    },
]

# Django's widget templates, the select and the plain inputs written in Python (the same markup).
FORM_RENDERER = "tracker.widgets.FastWidgetRenderer"

WSGI_APPLICATION = "summit.wsgi.application"

# Pages as they stood (tracker.as_of): snapshots of the audit trail, one SQLite file per
# moment an edit was made, the AS_OF_KEEP most recently used kept.
AS_OF_DIR = Path(os.environ.get("AS_OF_DIR", "") or BASE_DIR / "var" / "as-of")
AS_OF_KEEP = envint("AS_OF_KEEP", 50)
DATABASE_ROUTERS = ["tracker.as_of.AsOfRouter"]

DATABASE_URL = os.environ.get("DATABASE_URL", "").strip()
if DATABASE_URL:
    DATABASES = {"default": database_from_url(DATABASE_URL)}
else:
    DATABASES = {
        "default": {
            "ENGINE": SQLITE_ENGINE,
            "NAME": BASE_DIR / "var" / "tracker.sqlite3",
            "OPTIONS": SQLITE_OPTIONS,
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# English is the default and keeps today's addresses; Japanese and Russian (the shared language
# of officials and press in Central Asia) live under /ja/ and /ru/.
LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English"), ("ja", "日本語"), ("ru", "Русский")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates and numbers as each language writes them (tracker/formats/: British English dates in full).
FORMAT_MODULE_PATH = ["tracker.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Absolute, so an as-of page (its links under /as-of/<moment>/) still finds the static files.
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# Content-Security-Policy on every response, public and admin: only our own scripts, styles,
# images and fonts, no inline code, no framing, forms posting only to us.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Editors' sessions end after this many idle minutes (each request starts the clock again).
SESSION_COOKIE_AGE = envint("SESSION_IDLE_MINUTES", 60) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto (and strips it from clients):
# requests it forwarded over https count as secure, so CSRF and secure cookies work.
if envbool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = envbool("SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = envint("HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = envbool("HSTS_PRELOAD", False)  # a commitment to stay on https: opt in

LOGIN_URL = "admin:login"

# Synthetic records (for tests and benchmarks) never reach public figures; a test or benchmark
# database may show them, and the site then says so on every page.
SHOW_SYNTHETIC_RECORDS = envbool("SHOW_SYNTHETIC_RECORDS", False)

# A change readers would see (a status, a value, a tie to the target, a verdict, a new record)
# waits until a second editor approves it (tracker.services.reviews). A small team may switch
# this off; the audit trail then shows each change with its one editor.
REQUIRE_SECOND_EDITOR = envbool("REQUIRE_SECOND_EDITOR", True)

# Editors check every record against new evidence at least this often; each record's page
# says when it was last checked and when its next check falls due (tracker.method).
REVIEW_INTERVAL_DAYS = envint("REVIEW_INTERVAL_DAYS", 90)

# Where readers send corrections and questions, shown on every page's footer and on /about/.
# Checked when set; `check --deploy` warns when a public server has none.
CONTACT_EMAIL = os.environ.get("CONTACT_EMAIL", "").strip()
if CONTACT_EMAIL:
    try:
        validate_email(CONTACT_EMAIL)
    except ValidationError:
        raise ImproperlyConfigured(f"CONTACT_EMAIL={CONTACT_EMAIL!r} is not an email address.") from None

# Public pages rendered once per data version are kept in the cache (tracker.freshness.per_version)
# for at most PUBLIC_PAGE_SECONDS; off renders every request, the default with DEBUG, where
# templates change under a running server.
PUBLIC_PAGE_CACHE = envbool("PUBLIC_PAGE_CACHE", not DEBUG)
PUBLIC_PAGE_SECONDS = envint("PUBLIC_PAGE_SECONDS", 24 * 3600)


def cache_from_url(url):
    """Django's own Redis backend for redis:// and rediss:// addresses (shared by every process
    and server); nothing else is accepted."""
    if not url.startswith(("redis://", "rediss://")):
        raise ImproperlyConfigured(
            f"CACHE_URL must start with redis:// or rediss://, got {url.split('@')[-1]!r}."
        )
    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "tracker"),
        "TIMEOUT": None,
        # A cache that stops answering is a miss, not an error page (tracker.freshness).
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }


# Pages and computed figures, keyed on the data version (tracker.freshness). In one process by
# default, so `make run` needs nothing more; with CACHE_URL=redis://… one cache serves every
# worker and every server, and a figure is computed once for all of them after a change.
CACHE_URL = os.environ.get("CACHE_URL", "").strip()
CACHES = {
    "default": cache_from_url(CACHE_URL)
    if CACHE_URL
    else {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "TIMEOUT": None,
        "OPTIONS": {"MAX_ENTRIES": envint("CACHE_MAX_ENTRIES", 1000)},
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
