"""Settings for `make serve` (newsportal.serve): the production settings, and for a run on one
machine without the servers production has, three local stand-ins that newsportal.serve asks for:

- SERVE_MAIL_DIR (no EMAIL_HOST given): e-mails are written as readable files in that folder
  (newsportal.serve.ReadableMailBackend) instead of going to an SMTP server that is not there;
- SERVE_CACHE_DIR (no REDIS_URL given): the cache is files in that folder, which every gunicorn
  worker and the task worker share, so a publication seen by one process invalidates the page
  cache for all (local memory would be one cache per process, each stale in its own way);
- SQLite (no DATABASE_URL): write-ahead logging, so readers never wait for the worker's writes,
  and immediate write transactions that wait their turn instead of failing as "database is locked".

`check --deploy` is told that the plain HTTP of INSECURE_HTTP=1 on the loopback is deliberate
here (newsportal.serve says so when it starts); without INSECURE_HTTP it checks everything, as
in production.
"""

import os

from newsportal.settings import *  # noqa: F403

if os.environ.get("SERVE_MAIL_DIR"):
    MAILERS = {
        "default": {
            "BACKEND": "newsportal.serve.ReadableMailBackend",
            "OPTIONS": {"file_path": os.environ["SERVE_MAIL_DIR"]},
        }
    }

if INSECURE_HTTP:  # noqa: F405
    # No HSTS, no HTTPS redirect, no Secure cookies: what INSECURE_HTTP=1 means.
    _PLAIN_HTTP_WARNINGS = ["security.W004", "security.W008", "security.W012", "security.W016"]
    SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, *_PLAIN_HTTP_WARNINGS]  # noqa: F405

if os.environ.get("SERVE_CACHE_DIR"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ["SERVE_CACHE_DIR"],
        }
    }

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["OPTIONS"] = {  # noqa: F405
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
