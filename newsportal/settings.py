"""newsportal settings: one file, fed by the environment through newsportal.env.

Development defaults are safe; a production configuration (DEBUG off) refuses to start
without a real SECRET_KEY, ALLOWED_HOSTS and EMAIL_HOST. The test suite runs on
newsportal.test_settings, which builds on this file.
"""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from newsportal.env import database_config, env_bool, env_int, env_list, env_str, env_url

BASE_DIR = Path(__file__).resolve().parent.parent

# Development by default; production sets DEBUG=0 and must then supply SECRET_KEY and ALLOWED_HOSTS.
DEBUG = env_bool("DEBUG", True)

_DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production"
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (use a long random string).")
    SECRET_KEY = _DEV_SECRET_KEY
elif not DEBUG and len(SECRET_KEY) < 32:
    raise ImproperlyConfigured("SECRET_KEY must be at least 32 characters long when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the site's host names when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "taggit",
    "reversion",
    "django_prose_editor",
    "articles",
    "submissions",
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
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "newsportal.urls"
WSGI_APPLICATION = "newsportal.wsgi.application"

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
                "django.template.context_processors.csp",
                "articles.reading.context_processors.site_navigation",
            ],
        },
    },
]

DATABASES = {"default": database_config("DATABASE_URL", BASE_DIR / "db.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

_redis_url = env_url("REDIS_URL", {"redis", "rediss", "unix"})
if _redis_url:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _redis_url,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "newsportal"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# Files that must never be reachable through MEDIA_URL (submission attachments).
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private_media")))

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

# Background work (search documents, image renditions, e-mails) goes through django.tasks:
# run in-process by default; production may name a worker backend's class here.
TASKS = {"default": {"BACKEND": env_str("TASKS_BACKEND", "django.tasks.backends.immediate.ImmediateBackend")}}

# A strict, nonce-based Content Security Policy: no inline script or style anywhere.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0, minimum=0)
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# E-mail through Django 6.1's MAILERS: the console in development, SMTP from the environment
# in production (EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS/SSL).
if env_str("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env_str("EMAIL_HOST"),
                "port": env_int("EMAIL_PORT", 25, minimum=1),
                "username": env_str("EMAIL_HOST_USER") or None,
                "password": env_str("EMAIL_HOST_PASSWORD") or None,
                "use_tls": env_bool("EMAIL_USE_TLS", False),
                "use_ssl": env_bool("EMAIL_USE_SSL", False),
                "timeout": env_int("EMAIL_TIMEOUT", 10, minimum=1),
            },
        }
    }
    if MAILERS["default"]["OPTIONS"]["use_tls"] and MAILERS["default"]["OPTIONS"]["use_ssl"]:
        raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be on.")
elif DEBUG:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
else:
    raise ImproperlyConfigured("EMAIL_HOST must be set when DEBUG is off (receipts and notifications are e-mailed).")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "北京招商资讯网 <noreply@newsportal.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# The site's own name and contact details, shown in the header and footer.
SITE_NAME = env_str("SITE_NAME", "北京招商资讯网")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

# Listing pages show this many stories per page.
ARTICLES_PER_PAGE = env_int("ARTICLES_PER_PAGE", 20, minimum=1)

# ---------- Editorial back office (images, preview links) ----------
# Media-library uploads: at most this many bytes and pixels (decompression bombs are refused).
ARTICLE_IMAGE_MAX_BYTES = env_int("ARTICLE_IMAGE_MAX_BYTES", 10 * 1024 * 1024, minimum=1)
ARTICLE_IMAGE_MAX_PIXELS = env_int("ARTICLE_IMAGE_MAX_PIXELS", 40_000_000, minimum=1)
# A shared preview link for a draft stays valid this many hours.
ARTICLE_PREVIEW_HOURS = env_int("ARTICLE_PREVIEW_HOURS", 72, minimum=1)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # One line per task state change is noise at INFO; failures still surface.
    "loggers": {"django.tasks": {"level": "WARNING"}},
}

# Development serves static files straight from the finders (no collectstatic).
if DEBUG:
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = True

# ---------- Submissions (投稿, 企业入驻, 联系我们) ----------
# New submissions are announced to these addresses (comma-separated); empty sends nothing.
SUBMISSIONS_NOTIFY_EMAIL = env_list("SUBMISSIONS_NOTIFY_EMAIL", ["investment@newsportal.localhost"])
# Open submissions older than this many working days are marked overdue in the admin.
SUBMISSION_DEADLINE_WORKING_DAYS = env_int("SUBMISSION_DEADLINE_WORKING_DAYS", 5, minimum=1)


def _env_dates(name):
    from datetime import date

    try:
        return frozenset(date.fromisoformat(item) for item in env_list(name))
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must list ISO dates such as 2026-10-01,2026-10-02: {exc}") from None


# Public holidays (法定节假日) and weekend make-up working days (调休上班), as ISO dates.
SUBMISSIONS_HOLIDAYS = _env_dates("SUBMISSIONS_HOLIDAYS")
SUBMISSIONS_MAKEUP_WORKDAYS = _env_dates("SUBMISSIONS_MAKEUP_WORKDAYS")
# Each attachment at most this many bytes; images at most this many pixels (decompression bombs).
SUBMISSIONS_MAX_UPLOAD_BYTES = env_int("SUBMISSIONS_MAX_UPLOAD_BYTES", 10 * 1024 * 1024, minimum=1)
SUBMISSIONS_MAX_IMAGE_PIXELS = env_int("SUBMISSIONS_MAX_IMAGE_PIXELS", 50_000_000, minimum=1)
SUBMISSIONS_MAX_ATTACHMENTS = env_int("SUBMISSIONS_MAX_ATTACHMENTS", 5, minimum=1)
# Anti-abuse: a form posted sooner than this after it was served is refused as a bot;
# a form older than the maximum age must be posted again with a fresh token.
SUBMISSIONS_MIN_FILL_SECONDS = env_int("SUBMISSIONS_MIN_FILL_SECONDS", 3, minimum=0)
SUBMISSIONS_FORM_MAX_AGE = env_int("SUBMISSIONS_FORM_MAX_AGE", 24 * 60 * 60, minimum=60)
# Per client IP within the window: submissions accepted (or refused as abuse), any form posts,
# and /track/ lookups. Behind reverse proxies, set how many of them append X-Forwarded-For.
SUBMISSIONS_RATE_LIMIT = env_int("SUBMISSIONS_RATE_LIMIT", 5, minimum=1)
SUBMISSIONS_ATTEMPT_LIMIT = env_int("SUBMISSIONS_ATTEMPT_LIMIT", 30, minimum=1)
SUBMISSIONS_RATE_WINDOW = env_int("SUBMISSIONS_RATE_WINDOW", 10 * 60, minimum=1)
TRACK_RATE_LIMIT = env_int("TRACK_RATE_LIMIT", 10, minimum=1)
TRACK_RATE_WINDOW = env_int("TRACK_RATE_WINDOW", 10 * 60, minimum=1)
SUBMISSIONS_TRUSTED_PROXIES = env_int("SUBMISSIONS_TRUSTED_PROXIES", 0, minimum=0)
# The investment-promotion office, shown on 联系我们; empty details are left out.
OFFICE_NAME = env_str("OFFICE_NAME", "北京招商资讯网投资服务部")
OFFICE_ADDRESS = env_str("OFFICE_ADDRESS")
OFFICE_PHONE = env_str("OFFICE_PHONE")
OFFICE_EMAIL = env_str("OFFICE_EMAIL")
OFFICE_HOURS = env_str("OFFICE_HOURS", "工作日 9:00–12:00，13:30–17:30")
