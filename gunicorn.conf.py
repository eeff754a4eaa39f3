"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py newsportal.wsgi` (README, "Production").

gunicorn also reads this file by itself when it is started from the project directory.
Command-line options (--bind, --workers …) override what is set here.
"""

import os

from gunicorn import glogging
from gunicorn.http import wsgi as gunicorn_http

# The loopback interface only: the TLS proxy in front must be the one way in, because the site
# trusts its X-Forwarded-Proto (BEHIND_TLS_PROXY) and X-Forwarded-For (TRUSTED_PROXY_COUNT).
# Stated here because gunicorn's own default turns into 0.0.0.0 (every interface) whenever PORT is set.
# An app server behind nginx on another machine passes --bind <its private address>:8000.
bind = [f"127.0.0.1:{os.environ.get('PORT', '8000')}"]


def _cores():
    # The cores this process may run on (a container's or cgroup's CPU set), not the host's.
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


# Sync workers, one request each. A request spends much of its time waiting on PostgreSQL and
# Redis, so two workers per core keep the cores busy, and one more takes over while another waits
# on a slow client (gunicorn's own advice: 2 × cores + 1). Capped at 16: every worker holds its
# own database connection, and several app servers share PostgreSQL's max_connections (100 by
# default; docs/deploy.md). WEB_CONCURRENCY sets the number outright, --workers too.
workers = int(os.environ.get("WEB_CONCURRENCY") or min(2 * _cores() + 1, 16))

# A request past 30 s is stuck (every page answers in well under a second): the worker is
# replaced. On TERM, requests in hand get 30 s to finish.
timeout = 30
graceful_timeout = 30

# No control socket (gunicornc): its default path is one per user, so a second gunicorn on the
# machine (make serve beside make bench or the tests) would take it over; nothing here uses it.
control_socket_disable = True

# Don't name the server software. gunicorn 27 has no setting for its Server header (the
# maintainers declined one, benoitc/gunicorn#825) and writes gunicorn.http.wsgi.SERVER into every
# HTTP/1 and HTTP/2 response; the master reads this file before it forks the workers.
# tests/test_security_headers.py starts gunicorn and fails if an upgrade brings "gunicorn" back.
gunicorn_http.SERVER = "web"

# No access log of gunicorn's own: newsportal.observability.RequestLogMiddleware writes one line
# per request, with its request id, user and page-cache outcome. gunicorn's error log (start-up,
# worker restarts, timeouts) goes to stderr in the site's format: JSON lines unless DEBUG is on
# or LOG_FORMAT=text, as settings.LOGGING does.
accesslog = None
errorlog = "-"


class Logger(glogging.Logger):
    """gunicorn's logger, its error lines written by newsportal's JSON formatter."""

    def setup(self, cfg):
        super().setup(cfg)
        debug = os.environ.get("DEBUG", "").strip().lower() in {"1", "true", "yes", "on"}
        if (os.environ.get("LOG_FORMAT") or ("text" if debug else "json")).strip().lower() != "json":
            return
        from newsportal.observability import JsonFormatter

        for handler in self.error_log.handlers:
            handler.setFormatter(JsonFormatter())


logger_class = Logger
