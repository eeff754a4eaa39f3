"""newsportal settings, fed by the environment through newsportal.env (which builds the compound ones).

Development defaults are safe; with DEBUG off the site refuses to start without a real SECRET_KEY,
ALLOWED_HOSTS, EMAIL_HOST and a public https SITE_URL, then speaks HTTPS only unless BEHIND_TLS_PROXY
or INSECURE_HTTP says how TLS is arranged; `check --deploy` passes. Tests: newsportal.test_settings.
"""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from newsportal.env import (
    caches_config,
    check_site_url,
    database_config,
    env_bool,
    env_dates,
    env_int,
    env_list,
    env_str,
    env_url,
    env_url_list,
    mailers_config,
    secret_key,
    tasks_config,
)
from newsportal.headers import UNUSED_BROWSER_FEATURES
from newsportal.observability import init_sentry, logging_config
from newsportal.storage import file_storages, media_origins

BASE_DIR = Path(__file__).resolve().parent.parent

# Development by default; production sets DEBUG=0 and must then supply SECRET_KEY and ALLOWED_HOSTS.
DEBUG = env_bool("DEBUG", True)

SECRET_KEY = secret_key(DEBUG)

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
    "newsportal.signin.apps.LockoutConfig",  # django-axes, under a Chinese name
    "django_otp",
    "newsportal.signin.apps.TOTPConfig",  # django_otp.plugins.otp_totp, under a Chinese name
    "newsportal.apps.TaskQueueConfig",  # django-tasks-db (the task queue), under a Chinese name
    "newsportal",  # the back office's Chinese where Django hard-codes English
    "newsportal.signin",
    "articles",
    "submissions",
]

MIDDLEWARE = [
    # First: the request id and one log line per request, timed over everything below.
    "newsportal.observability.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "newsportal.headers.SecurityHeadersMiddleware",  # before WhiteNoise: static files get them too
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # brotli or gzip for text responses; after WhiteNoise, which serves static files pre-compressed.
    "newsportal.compression.CompressionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Page cache hits for anonymous readers are answered here, with the headers above and none of
    # the session, CSRF or sign-in work below (articles.reading.cache).
    "articles.reading.cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "newsportal.middleware.HostileInputMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "newsportal.signin.middleware.SecondFactorMiddleware",
    "axes.middleware.AxesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Publishes scheduled changes to live stories without a cron job (see articles.newsroom.drafts).
    "articles.newsroom.drafts.ScheduledChangesMiddleware",
    # Last, so its process_exception sees a view's exception first: the database unreachable is a 503.
    "newsportal.middleware.DatabaseUnavailableMiddleware",
]
# Seconds between two looks for due scheduled changes in each process; 0 turns the look off (when
# `manage.py publish_scheduled_changes` runs from a scheduler instead).
NEWSROOM_SCHEDULED_CHANGES_INTERVAL = env_int("NEWSROOM_SCHEDULED_CHANGES_INTERVAL", 60, minimum=0)

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

# Redis with REDIS_URL (newsportal.cache.ResilientRedisCache: Redis down is a cache miss), else
# local memory in each process.
CACHES = caches_config()

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
# The project's own Chinese for what Django and the packages leave in English (new Django strings,
# the prose editor's menus and dialogs, taggit's admin); it wins over their catalogues.
LOCALE_PATHS = [BASE_DIR / "locale"]
# Tags may be typed with Chinese separators too (，、；): one parser, articles.content.tags.
TAGGIT_TAGS_FROM_STRING = "articles.content.tags.parse_tags"
TAGGIT_STRING_FROM_TAGS = "articles.content.tags.edit_string_for_tags"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# Files that must never be reachable through MEDIA_URL (submission attachments).
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private_media")))
# Public media ("default") and private files ("private") on local disk, or in an S3-compatible
# bucket when S3_BUCKET is set (newsportal.storage; README "Storage and backups").
_FILE_STORAGES, MEDIA_URL = file_storages()
BACKUP_DIR = Path(env_str("BACKUP_DIR", str(BASE_DIR / "backups")))

STORAGES = {
    **_FILE_STORAGES,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# ---------- Background work (README: "Background tasks"; newsportal.tasks, newsportal.worker) ----------
# E-mails, image renditions, search documents and view-count flushes go through django.tasks.
# TASKS_BACKEND=immediate (development, tests) runs them in-process; =database queues them in the
# database (django-tasks-db) for `manage.py worker` processes on any machine, retried with backoff.
TASKS = tasks_config()
# A failed task runs again after 30 s, 1 min, 2 min … (at most an hour apart) until it has run
# TASKS_MAX_ATTEMPTS times; then it stays failed, for staff to retry (重试) in the admin.
TASKS_MAX_ATTEMPTS = env_int("TASKS_MAX_ATTEMPTS", 10, minimum=1)
TASKS_RETRY_DELAY_SECONDS = env_int("TASKS_RETRY_DELAY_SECONDS", 30, minimum=1)
TASKS_RETRY_MAX_DELAY_SECONDS = env_int("TASKS_RETRY_MAX_DELAY_SECONDS", 3600, minimum=1)
# How often the workers, between them, publish due scheduled changes (the view-count flush
# follows VIEW_COUNT_FLUSH_SECONDS below).
WORKER_SCHEDULED_CHANGES_SECONDS = env_int("WORKER_SCHEDULED_CHANGES_SECONDS", 60, minimum=1)

# ---------- HTTPS and security headers (README: "TLS and proxies") ----------
# A strict Content Security Policy: no inline script or style anywhere. The nonce is for the back
# office (the rich-text editor's import map); public pages use none, so they can be cached and the
# header of a page from the cache names no nonce (articles.reading.cache refuses a page that made one).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", *media_origins(MEDIA_URL)],  # the bucket, with S3 media
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Sent by newsportal.headers.SecurityHeadersMiddleware. Uploaded media is served by the web server
# in front, not by Django, so feed readers may still show article images.
CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"
# Browser features no page of the site uses, denied (newsportal.headers.UNUSED_BROWSER_FEATURES).
PERMISSIONS_POLICY = {feature: [] for feature in UNUSED_BROWSER_FEATURES}

# Production speaks HTTPS only: redirect, HSTS, Secure __Host- cookies. Two explicit switches:
# BEHIND_TLS_PROXY=1 when a proxy terminates TLS and forwards plain HTTP with X-Forwarded-Proto;
# INSECURE_HTTP=1 serves plain HTTP with no TLS anywhere (a LAN demo, never the internet).
INSECURE_HTTP = env_bool("INSECURE_HTTP", False)
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", False)
if INSECURE_HTTP and BEHIND_TLS_PROXY:
    raise ImproperlyConfigured("INSECURE_HTTP and BEHIND_TLS_PROXY cannot both be on: is there TLS in front or not?")
for _retired in ("SECURE_COOKIES", "SECURE_SSL_REDIRECT"):
    if env_str(_retired, None) is not None:
        raise ImproperlyConfigured(f"{_retired} is no longer read: DEBUG=0 means HTTPS unless INSECURE_HTTP=1.")
_https_only = not DEBUG and not INSECURE_HTTP
_ONE_YEAR = 365 * 24 * 60 * 60

SECURE_SSL_REDIRECT = _https_only
# Monitors ask for /healthz over plain HTTP on the loopback interface; it answers there too.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", _ONE_YEAR if _https_only else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# The browsers' preload list is a commitment that takes months to undo: opt in, never by default.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if SECURE_HSTS_PRELOAD and SECURE_HSTS_SECONDS < _ONE_YEAR:
    raise ImproperlyConfigured("SECURE_HSTS_PRELOAD needs SECURE_HSTS_SECONDS of at least 31536000 (one year).")
# Django's deploy check warns about every site not preloaded: that is the deliberate default here.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _https_only
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
if _https_only:
    # Browsers accept a __Host- cookie only when Secure, host-only and for Path=/, so neither a
    # sibling subdomain nor a plain-HTTP response can plant or overwrite one.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
if BEHIND_TLS_PROXY:
    # Trusted from whoever reaches the server: it must listen only where the proxy alone reaches it.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# /healthz names each failing check only to staff and to callers presenting this token
# (Authorization: Bearer …); everyone else learns "ok" or "error".
HEALTHZ_TOKEN = env_str("HEALTHZ_TOKEN")
if HEALTHZ_TOKEN and len(HEALTHZ_TOKEN) < 32:
    raise ImproperlyConfigured("HEALTHZ_TOKEN must be at least 32 characters long (or unset).")
# The task worker check fails when no worker has beaten for this long (they beat every 10 s).
HEALTHZ_WORKER_STALE_SECONDS = env_int("HEALTHZ_WORKER_STALE_SECONDS", 60, minimum=1)
# /healthz writes a file to each storage at most this often per process (it is public).
HEALTHZ_STORAGE_SECONDS = env_int("HEALTHZ_STORAGE_SECONDS", 30, minimum=0)

# E-mail through Django 6.1's MAILERS: the console in development, SMTP from the environment
# in production (EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS/SSL).
MAILERS = mailers_config(DEBUG)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "北京招商资讯网 <noreply@newsportal.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# The site's own name and contact details, shown in the header and footer.
SITE_NAME = env_str("SITE_NAME", "北京招商资讯网")
# The footer's publisher and filings (备案) until an editor saves 站点信息 in the admin
# (articles.models.SiteInfo, which validates them), e.g. SITE_ICP=京ICP备12345678号-1,
# SITE_POLICE_RECORD=京公网安备 11010202000001号.
SITE_SPONSOR = env_str("SITE_SPONSOR")
SITE_OPERATOR = env_str("SITE_OPERATOR")
SITE_PHONE = env_str("SITE_PHONE")
SITE_ICP = env_str("SITE_ICP")
SITE_POLICE_RECORD = env_str("SITE_POLICE_RECORD")
# The public address every absolute link is built on (e-mails: receipts, replies, staff notices).
# Production must name it, over https unless INSECURE_HTTP, and never a development address.
SITE_URL = env_url("SITE_URL", {"http", "https"}, "http://127.0.0.1:8000" if DEBUG else "")
if not DEBUG:
    check_site_url(SITE_URL, INSECURE_HTTP)

# Listing pages show this many stories per page.
ARTICLES_PER_PAGE = env_int("ARTICLES_PER_PAGE", 20, minimum=1)
# A page of search results is kept this long at most (less when a scheduled story is due sooner;
# any change readers could see starts afresh): articles.search.paging. 0 turns that off.
SEARCH_RESULTS_SECONDS = env_int("SEARCH_RESULTS_SECONDS", 300, minimum=0)

# ---------- Page cache (README: "Page cache"; articles.reading.cache) ----------
# Anonymous readers' pages are kept this long in CACHES["default"] at most (less when a scheduled
# story is due sooner); 0 turns the page cache off (benchmarks of rendering, template work).
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 300, minimum=0)
# A story's own parts are kept this long under its version (articles.reading.story_parts); 0: never.
STORY_PART_SECONDS = env_int("STORY_PART_SECONDS", 24 * 3600, minimum=0)
# Browsers may reuse a page this long without asking again (Cache-Control max-age); each process
# serves the pages it served lately this long without asking the store (articles.reading.local_pages).
PAGE_CACHE_BROWSER_SECONDS = env_int("PAGE_CACHE_BROWSER_SECONDS", 60, minimum=0)
PAGE_CACHE_LOCAL_SECONDS = env_int("PAGE_CACHE_LOCAL_SECONDS", 1, minimum=0)
# A front cache (nginx, Varnish, a CDN) told of every change: each URL gets FRONT_CACHE_PURGE_METHOD
# after commit, in the background. With none, the front cache keeps pages only as long as browsers.
FRONT_CACHE_PURGE_URLS = env_url_list("FRONT_CACHE_PURGE_URLS", {"http", "https"})
FRONT_CACHE_PURGE_METHOD = _method = env_str("FRONT_CACHE_PURGE_METHOD", "PURGE").strip().upper()
if not _method.isascii() or not _method.isalpha():
    raise ImproperlyConfigured(f"FRONT_CACHE_PURGE_METHOD must be a method such as PURGE or BAN; got {_method!r}.")
FRONT_CACHE_PURGE_TIMEOUT = env_int("FRONT_CACHE_PURGE_TIMEOUT", 2, minimum=1)

# ---------- Editorial back office (images, preview links) ----------
# Media-library uploads: at most this many bytes and pixels (decompression bombs are refused).
ARTICLE_IMAGE_MAX_BYTES = env_int("ARTICLE_IMAGE_MAX_BYTES", 10 * 1024 * 1024, minimum=1)
ARTICLE_IMAGE_MAX_PIXELS = env_int("ARTICLE_IMAGE_MAX_PIXELS", 40_000_000, minimum=1)
# A shared preview link for a draft stays valid this many hours.
ARTICLE_PREVIEW_HOURS = env_int("ARTICLE_PREVIEW_HOURS", 72, minimum=1)
# Views (浏览次数) wait in the cache and reach the database at most this often (articles.reading.view_counts).
VIEW_COUNT_FLUSH_SECONDS = env_int("VIEW_COUNT_FLUSH_SECONDS", 60, minimum=1)

# ---------- Logs and error reports (newsportal.observability; README "Production (make serve)") ----------
# One JSON object per line on stderr in production, a readable line in development (LOG_FORMAT
# json|text); each request's line and every record logged during it carry its X-Request-ID.
LOGGING = logging_config(level=env_str("LOG_LEVEL", "INFO"), log_format=env_str("LOG_FORMAT"), debug=DEBUG)
# Errors go to Sentry (or a self-hosted one) only when SENTRY_DSN is set; SENTRY_ENVIRONMENT,
# SENTRY_RELEASE and SENTRY_TRACES_SAMPLE_RATE (default 0: no performance tracing) refine it.
init_sentry(debug=DEBUG)

# Development serves static files straight from the finders (no collectstatic).
if DEBUG:
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = True

# ---------- Submissions (投稿, 企业入驻, 联系我们) ----------
# New submissions are announced to these addresses (comma-separated); empty sends nothing.
SUBMISSIONS_NOTIFY_EMAIL = env_list("SUBMISSIONS_NOTIFY_EMAIL", ["investment@newsportal.localhost"])
# Open submissions older than this many working days are marked overdue in the admin.
SUBMISSION_DEADLINE_WORKING_DAYS = env_int("SUBMISSION_DEADLINE_WORKING_DAYS", 5, minimum=1)


# Public holidays (法定节假日) and weekend make-up working days (调休上班), as ISO dates: they
# win over the mainland calendar that `chinese_calendar` ships (see submissions.deadlines).
SUBMISSIONS_HOLIDAYS = env_dates("SUBMISSIONS_HOLIDAYS")
SUBMISSIONS_MAKEUP_WORKDAYS = env_dates("SUBMISSIONS_MAKEUP_WORKDAYS")
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

# ---------- Admin sign-in (README: "Admin users") ----------
# django-axes' backend comes first: a locked-out client is refused before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# How many reverse proxies in front append X-Forwarded-For. One count serves the submission rate
# limits and the sign-in lockout, which both take the client's address from
# newsportal.clients.client_ip (not django-ipware, which counts proxies another way):
# TRUSTED_PROXY_COUNT is its general name, the older SUBMISSIONS_TRUSTED_PROXIES still works, and
# the two must agree when both are set.
_trusted_proxies = env_int("TRUSTED_PROXY_COUNT", SUBMISSIONS_TRUSTED_PROXIES, minimum=0)
if env_str("SUBMISSIONS_TRUSTED_PROXIES").strip() and _trusted_proxies != SUBMISSIONS_TRUSTED_PROXIES:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT and SUBMISSIONS_TRUSTED_PROXIES differ: set only the first.")
SUBMISSIONS_TRUSTED_PROXIES = _trusted_proxies
AXES_CLIENT_IP_CALLABLE = "newsportal.signin.lockout.client_address"

# After this many failed sign-ins (wrong password or wrong 验证码), counted per account from any
# address and per client address for any account, sign-in is refused for the cool-off minutes.
ADMIN_LOGIN_FAILURE_LIMIT = env_int("ADMIN_LOGIN_FAILURE_LIMIT", 5, minimum=1)
ADMIN_LOGIN_COOLOFF_MINUTES = env_int("ADMIN_LOGIN_COOLOFF_MINUTES", 15, minimum=1)
AXES_FAILURE_LIMIT = ADMIN_LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = "newsportal.signin.lockout.cool_off"
# Per account stops distributed guessing of one password; per address stops one client spraying
# passwords across many accounts.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# Attempts during a lockout do not extend it, so "请 N 分钟后再试" stays true; a success does not
# wipe the address's count either (else a valid account would reset a spraying client's record).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_CALLABLE = "newsportal.signin.lockout.lockout_response"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# Logged and listed with the account and address (the password is always masked), not the code.
AXES_SENSITIVE_PARAMETERS = ["otp_token"]
AXES_VERBOSE = False

# A second factor (TOTP, django-otp) for staff. Who must enrol one before using the admin:
# "superusers" (production's default), "staff", or "off" (development's default). Whoever has
# enrolled one enters its 验证码 at every sign-in, whatever this says.
ADMIN_REQUIRE_OTP = env_str("ADMIN_REQUIRE_OTP", "off" if DEBUG else "superusers").strip().lower()
if ADMIN_REQUIRE_OTP not in {"off", "superusers", "staff"}:
    raise ImproperlyConfigured(f"ADMIN_REQUIRE_OTP must be off, superusers or staff; got {ADMIN_REQUIRE_OTP!r}.")
if ADMIN_REQUIRE_OTP == "off" and not DEBUG:
    raise ImproperlyConfigured("ADMIN_REQUIRE_OTP cannot be off when DEBUG is off: superusers need a second factor.")
OTP_TOTP_ISSUER = SITE_NAME
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
