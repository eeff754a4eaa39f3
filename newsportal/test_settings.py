"""Settings for the test suite: pytest's DJANGO_SETTINGS_MODULE (see pyproject.toml).

The development configuration of newsportal.settings, then everything the tests rely on, stated
here instead of being inferred from how the process was started.
"""

import os

# newsportal.settings reads the environment as it is imported. The suite always runs the
# development configuration: a DEBUG=0 left in the shell must neither make it demand production
# secrets nor quietly test another configuration. DATABASE_URL and REDIS_URL still apply (CI runs
# the suite again on PostgreSQL with Redis as the cache).
os.environ["DEBUG"] = "1"
# Files go to temporary folders on disk (tests/conftest.py): an S3_* configuration left in the shell
# must not send them to a bucket. The S3 tests configure their own (tests/s3.py).
for _name in [name for name in os.environ if name.startswith("S3_")]:
    del os.environ[_name]

from newsportal.settings import *  # noqa: E402, F403

# A fixed key, whatever SECRET_KEY the shell exports: signed tokens and sessions are reproducible.
SECRET_KEY = "tests-only-insecure-key-that-signs-nothing-outside-the-suite"

# The test client's host, and the live server's for the browser tests.
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]

# Static files come straight from the finders: no collectstatic, no manifest.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# The test client and the live server speak plain HTTP.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_SSL_REDIRECT = False

# Mail is kept in django.core.mail.outbox, never sent (whatever EMAIL_HOST the shell exports).
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}

# Background work runs at once, inside the test, as in development.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

# Every test that logs someone in or sets a password would otherwise spend most of its time hashing.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Passwords alone sign staff in, unless a test asks for a second factor; the trusted proxy
# count is the development one (none), whatever the shell exports.
ADMIN_REQUIRE_OTP = "off"
SUBMISSIONS_TRUSTED_PROXIES = 0

# Query budgets must not depend on when the last look for scheduled changes happened;
# tests of that look turn it on themselves.
NEWSROOM_SCHEDULED_CHANGES_INTERVAL = 0

# The page cache is on, as in production, in the local-memory cache unless REDIS_URL says otherwise
# (tests.conftest empties it around every test); no front cache is told of changes.
PAGE_CACHE_SECONDS = 300
PAGE_CACHE_BROWSER_SECONDS = 60
FRONT_CACHE_PURGE_URLS = []

# pytest-xdist's workers (gw0, gw1 …) each get their own test database (pytest-django) and, when
# the cache is Redis, their own Redis database below REDIS_URL's: every test clears the cache.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _worker.startswith("gw") and CACHES["default"]["BACKEND"].endswith("RedisCache"):  # noqa: F405
    _base, _, _db = CACHES["default"]["LOCATION"].rpartition("/")  # noqa: F405
    _index = (int(_db) if _db.isdigit() else 0) - int(_worker[2:]) - 1
    CACHES["default"]["LOCATION"] = f"{_base}/{_index % 16}"  # noqa: F405

# The page cache's store is emptied between tests (tests/conftest.py), a process's own copies of
# pages are not: they are off, but in the tests of them (tests/test_local_pages.py).
PAGE_CACHE_LOCAL_SECONDS = 0
