"""Small helpers that read settings from the environment and fail loudly.

Besides the typed readers (env_str, env_int …), the builders of settings made of several
variables: SECRET_KEY, DATABASES, CACHES, TASKS, MAILERS (`*_config`), and SITE_URL's production
check.

Every helper names the offending variable in its error so that a bad deployment
stops at start-up with a message an operator can act on.
"""

import os
from datetime import date
from urllib.parse import urlparse, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false, yes/no, on/off); got {raw!r}.")


def env_int(name, default, minimum=None):
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer; got {raw!r}.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}; got {value}.")
    return value


def env_list(name, default=()):
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_url(name, schemes, default=""):
    """A URL whose scheme is one of `schemes`, or `default` when unset."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    parsed = urlparse(raw)
    if parsed.scheme not in schemes:
        allowed = ", ".join(sorted(schemes))
        raise ImproperlyConfigured(f"{name} must be a URL with one of the schemes {allowed}; got {raw!r}.")
    return raw


def env_url_list(name, schemes):
    """A comma-separated list of URLs whose schemes are all among `schemes`."""
    urls = env_list(name)
    for url in urls:
        if urlparse(url).scheme not in schemes:
            allowed = ", ".join(sorted(schemes))
            raise ImproperlyConfigured(f"{name} must list URLs with one of the schemes {allowed}; got {url!r}.")
    return urls


def database_config(name, default_sqlite_path):
    """The DATABASES['default'] entry from a DATABASE_URL-style variable."""
    import dj_database_url

    raw = env_url(name, {"sqlite", "postgres", "postgresql", "pgsql"})
    if not raw:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(default_sqlite_path)}
    try:
        config = dj_database_url.parse(raw, conn_max_age=60, conn_health_checks=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} could not be parsed: {exc}") from None
    if config["ENGINE"] != "django.db.backends.sqlite3" and not config.get("NAME"):
        raise ImproperlyConfigured(f"{name} must name a database, e.g. postgres://user@host:5432/newsportal.")
    return config


def env_dates(name):
    """A comma-separated list of ISO dates (2026-10-01,2026-10-02) as a frozenset."""
    try:
        return frozenset(date.fromisoformat(item) for item in env_list(name))
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must list ISO dates such as 2026-10-01,2026-10-02: {exc}") from None


def mailers_config(debug):
    """Django 6.1's MAILERS: SMTP from EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD,
    EMAIL_USE_TLS/SSL and EMAIL_TIMEOUT; the console in development; production must name a host."""
    if not env_str("EMAIL_HOST"):
        if debug:
            return {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
        raise ImproperlyConfigured(
            "EMAIL_HOST must be set when DEBUG is off (receipts and notifications are e-mailed)."
        )
    options = {
        "host": env_str("EMAIL_HOST"),
        "port": env_int("EMAIL_PORT", 25, minimum=1),
        "username": env_str("EMAIL_HOST_USER") or None,
        "password": env_str("EMAIL_HOST_PASSWORD") or None,
        "use_tls": env_bool("EMAIL_USE_TLS", False),
        "use_ssl": env_bool("EMAIL_USE_SSL", False),
        "timeout": env_int("EMAIL_TIMEOUT", 10, minimum=1),
    }
    if options["use_tls"] and options["use_ssl"]:
        raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be on.")
    return {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": options}}


def check_site_url(url, insecure_http):
    """Production's SITE_URL: set, https (unless INSECURE_HTTP), a public host, no query or fragment."""
    if not url:
        raise ImproperlyConfigured("SITE_URL must be set when DEBUG is off, e.g. https://news.example.cn.")
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        raise ImproperlyConfigured(f"SITE_URL is not a valid address: {url!r}.") from None
    if parts.scheme != "https" and not insecure_http:
        raise ImproperlyConfigured(f"SITE_URL must be an https:// address when DEBUG is off; got {url!r}.")
    if host in {"", "localhost", "127.0.0.1", "0.0.0.0", "::1"} or host.endswith(".localhost"):
        raise ImproperlyConfigured(f"SITE_URL must name the site's public host when DEBUG is off; got {url!r}.")
    if parts.query or parts.fragment:
        raise ImproperlyConfigured(f"SITE_URL must be a plain address without ?query or #fragment; got {url!r}.")


_DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production"


def secret_key(debug):
    """SECRET_KEY: production's own (32 characters or more); a fixed one in development."""
    key = env_str("SECRET_KEY")
    if not key:
        if not debug:
            raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (use a long random string).")
        return _DEV_SECRET_KEY
    if not debug and len(key) < 32:
        raise ImproperlyConfigured("SECRET_KEY must be at least 32 characters long when DEBUG is off.")
    return key


def caches_config():
    """CACHES: Redis from REDIS_URL (keys under CACHE_KEY_PREFIX), else local memory."""
    url = env_url("REDIS_URL", {"redis", "rediss", "unix"})
    if not url:
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # Django's RedisCache with short timeouts, where Redis being down is a cache miss (a circuit
    # breaker spares each request the timeout; see newsportal.cache).
    return {
        "default": {
            "BACKEND": "newsportal.cache.ResilientRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "newsportal"),
        }
    }


_TASK_BACKENDS = {
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}


def tasks_config():
    """TASKS from TASKS_BACKEND: immediate (in-process) or database (django-tasks-db), or a class path."""
    backend = env_str("TASKS_BACKEND", "immediate").strip()
    if backend not in {*_TASK_BACKENDS, *_TASK_BACKENDS.values()}:  # a class path: the older spelling
        raise ImproperlyConfigured(f"TASKS_BACKEND must be immediate or database; got {backend!r}.")
    return {"default": {"BACKEND": _TASK_BACKENDS.get(backend, backend)}}
