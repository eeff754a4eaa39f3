"""Logs and error reports: what happened, to which request or task, and how long it took.

- Request ids. Every request gets one: the `X-Request-ID` it arrived with when that looks like an
  id (nginx sets it from `$request_id`, deploy/nginx.conf), else a new one. It goes back in the
  response's `X-Request-ID` and onto every log record made while the request runs (a contextvar
  that `RequestContextFilter` reads), so one id finds the request line, Django's own warnings and
  the tasks run inline.
- `RequestLogMiddleware` writes one line per request to `newsportal.requests`: method, path,
  status, duration, the user's id (or anonymous) and the page cache's `X-Cache` outcome.
- Tasks: `connect_task_logs()` makes every finished django.tasks task one line on
  `newsportal.tasks` (task, id, duration, outcome, attempt), and records logged inside a task
  carry its id. Django's own started/finished lines stay quiet (settings: `django.tasks`).
- `logging_config()` builds settings.LOGGING: one JSON object per line (`JsonFormatter`) in
  production, a readable line (`TextFormatter`) in development.
- `init_sentry()` starts sentry-sdk when SENTRY_DSN is set, with no personal data sent.

Written here rather than taken from a library (python-json-logger, django-guid, structlog): each
part is a few lines over the standard logging module, and nothing is added to the dependencies.
"""

import contextvars
import datetime
import json
import logging
import os
import re
import time
import uuid

import sentry_sdk
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import request_finished
from django.utils.functional import empty

REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID_META = "HTTP_X_REQUEST_ID"
# What an incoming id may look like: UUIDs, nginx's $request_id (32 hex digits), trace ids. Anything
# else (too long, spaces, control characters that could forge log lines) is replaced, not cleaned.
_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_MAX_LOGGED_PATH = 500

_request_id = contextvars.ContextVar("request_id", default=None)
_task_id = contextvars.ContextVar("task_id", default=None)

request_logger = logging.getLogger("newsportal.requests")
task_logger = logging.getLogger("newsportal.tasks")


def current_request_id():
    """The id of the request being answered in this thread or task, or None."""
    return _request_id.get()


def request_id_from(value):
    """The incoming X-Request-ID when it looks like an id, else a new random one."""
    if value and _REQUEST_ID.fullmatch(value):
        return value
    return uuid.uuid4().hex


# ---------- log records and formats ----------


class RequestContextFilter(logging.Filter):
    """Puts the current request id and task id on every record (None outside of them)."""

    def filter(self, record):
        if getattr(record, "request_id", None) is None:
            record.request_id = _request_id.get()
        if getattr(record, "task_id", None) is None:
            record.task_id = _task_id.get()
        return True


# A record's own attributes; whatever else it carries came through `extra=` and is logged as a field.
_RECORD_ATTRIBUTES = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "context"}
# Django passes the HttpRequest (or the socket) along with its records: the request line says
# which request it was, and its repr would only add noise.
_UNLOGGED_EXTRAS = {"request"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, request_id/task_id when set,
    every `extra=` field, and the traceback as one string."""

    def format(self, record):
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name, value in record.__dict__.items():
            if name in _RECORD_ATTRIBUTES or name in _UNLOGGED_EXTRAS or name.startswith("_"):
                continue
            if value is not None or name not in ("request_id", "task_id"):
                entry[name] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """A readable line for development: `12:03:04 INFO newsportal.requests [id] message`."""

    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s%(context)s %(message)s", datefmt="%H:%M:%S")

    def format(self, record):
        ids = [getattr(record, "request_id", None), getattr(record, "task_id", None)]
        context = " ".join(f"[{value}]" for value in ids if value)
        record.context = f" {context}" if context else ""
        return super().format(record)


def logging_config(*, level="", log_format="", debug=False):
    """settings.LOGGING: everything through one handler on stderr, as JSON lines (LOG_FORMAT=json,
    the default unless DEBUG) or readable text (LOG_FORMAT=text, the default in development)."""
    level = (level or "INFO").strip().upper()
    if level not in logging.getLevelNamesMapping():
        raise ImproperlyConfigured(f"LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL; got {level!r}.")
    log_format = (log_format or ("text" if debug else "json")).strip().lower()
    if log_format not in {"json", "text"}:
        raise ImproperlyConfigured(f"LOG_FORMAT must be json or text; got {log_format!r}.")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": RequestContextFilter}},
        "formatters": {"json": {"()": JsonFormatter}, "text": {"()": TextFormatter}},
        "handlers": {
            "console": {"class": "logging.StreamHandler", "filters": ["context"], "formatter": log_format},
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Django's own handlers (console when DEBUG, mail_admins) are dropped: its records go
            # through the one handler above, once, in the same format (Sentry reports errors).
            "django": {"handlers": [], "level": level},
            # runserver's own line per request repeats newsportal.requests' (its 4xx/5xx stay).
            "django.server": {"handlers": [], "level": "WARNING", "propagate": True},
            # One line per task state change, or per sign-in (axes keeps those in its access log),
            # is noise: newsportal.tasks writes one line per finished task, and failures and
            # lockouts still surface. pypdf warns about every flaw of a refused upload: a hostile
            # file must not flood the log.
            "django.tasks": {"level": "WARNING"},
            "django_tasks_db": {"level": "WARNING"},
            "axes": {"level": "WARNING"},
            "pypdf": {"level": "ERROR"},
        },
    }


# ---------- requests ----------


class RequestLogMiddleware:
    """Gives the request its id and writes one line when the response is ready.

    First in MIDDLEWARE, so the duration covers every other middleware and every record logged
    on the way carries the id. The duration is the time to the response object: a streamed
    file's bytes are still on their way. The id stays on the thread's records until the response
    is closed (request_finished): Django logs its "Not Found: …" warnings after the middleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        request_finished.connect(_forget_request_id, dispatch_uid="newsportal.observability.request_id")

    def __call__(self, request):
        # META, not request.headers: that mapping of every header would be built for one lookup.
        request_id = request_id_from(request.META.get(_REQUEST_ID_META))
        request.request_id = request_id
        _request_id.set(request_id)
        if sentry_sdk.is_initialized():
            sentry_sdk.set_tag("request_id", request_id)
        started = time.perf_counter()
        response = self.get_response(request)
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        response[REQUEST_ID_HEADER] = request_id
        log_request(request, response, duration_ms)
        return response


def _forget_request_id(**kwargs):
    _request_id.set(None)


def log_request(request, response, duration_ms):
    level = logging.WARNING if response.status_code >= 500 else logging.INFO
    if not request_logger.isEnabledFor(level):
        return  # LOG_LEVEL=WARNING: nothing to compose for a line no handler writes
    path = request.path[:_MAX_LOGGED_PATH]
    fields = {
        "method": request.method,
        "path": path,
        "status": response.status_code,
        "duration_ms": duration_ms,
        "user": _user_of(request),
        "cache": response.get("X-Cache"),
    }
    request_logger.log(
        level,
        "%s %s %s %.1fms user=%s cache=%s",
        request.method,
        _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", path),  # a %0A in the URL forges no line
        response.status_code,
        duration_ms,
        "-" if fields["user"] is None else fields["user"],
        fields["cache"] or "-",
        extra=fields,
    )


def _user_of(request):
    """The signed-in user's id (as a string), "anonymous", or None when the answer never looked the
    user up and the request carries a session (finding out now would cost queries on each one)."""
    user = getattr(request, "user", None)
    if user is None:  # answered before AuthenticationMiddleware (static files)
        return "anonymous"
    resolved = getattr(user, "_wrapped", user)
    if resolved is empty:
        from django.conf import settings

        return None if settings.SESSION_COOKIE_NAME in request.COOKIES else "anonymous"
    # A string either way: a log store types a field by its first value (a number, then "anonymous").
    return str(resolved.pk) if resolved.is_authenticated else "anonymous"


# ---------- tasks ----------


def connect_task_logs():
    """Log every django.tasks task's end (called once per process, from NewsportalConfig.ready)."""
    from django.tasks.signals import task_finished, task_started

    task_started.connect(_task_started, dispatch_uid="newsportal.observability.task_started")
    task_finished.connect(_task_finished, dispatch_uid="newsportal.observability.task_finished")


def _task_started(sender, task_result, **kwargs):
    _task_id.set(str(task_result.id))


def _task_finished(sender, task_result, **kwargs):
    log_task(task_result)
    _task_id.set(None)


def log_task(task_result):
    """One line for a finished task: name, id, duration, outcome, attempt and the error's class."""
    duration_ms = None
    if task_result.started_at and task_result.finished_at:
        duration_ms = round((task_result.finished_at - task_result.started_at).total_seconds() * 1000, 1)
    outcome = str(getattr(task_result.status, "value", task_result.status))
    failed = outcome == "FAILED"
    error = task_result.errors[-1].exception_class_path if failed and task_result.errors else None
    name = task_result.task.module_path
    task_logger.log(
        logging.WARNING if failed else logging.INFO,
        "task %s %s in %sms%s",
        name,
        outcome,
        "-" if duration_ms is None else f"{duration_ms:.1f}",
        f" ({error})" if error else "",
        extra={
            "task": name,
            "task_id": str(task_result.id),
            "queue": task_result.task.queue_name,
            "duration_ms": duration_ms,
            "outcome": outcome,
            "attempt": task_result.attempts,
            "error": error,
        },
    )


# ---------- error reports ----------


def sentry_options(environ, *, debug):
    """sentry_sdk.init's arguments from SENTRY_* variables, or None when SENTRY_DSN is unset."""
    from sentry_sdk.integrations.django import DjangoIntegration
    from sentry_sdk.utils import BadDsn, Dsn

    dsn = environ.get("SENTRY_DSN", "").strip()
    if not dsn:
        return None
    try:
        Dsn(dsn)
    except BadDsn:
        raise ImproperlyConfigured("SENTRY_DSN is not a valid Sentry DSN (https://key@host/project).") from None
    raw_rate = environ.get("SENTRY_TRACES_SAMPLE_RATE", "").strip() or "0"
    try:
        rate = float(raw_rate)
    except ValueError:
        rate = -1.0
    if not 0.0 <= rate <= 1.0:
        raise ImproperlyConfigured(f"SENTRY_TRACES_SAMPLE_RATE must be a number from 0 to 1; got {raw_rate!r}.")
    return {
        "dsn": dsn,
        "integrations": [DjangoIntegration()],
        # No cookies, IP addresses, user names or e-mail addresses; and no form bodies or local
        # variables either: contributions and entry requests are full of personal details
        # (names, phone numbers, ID numbers) that Sentry's key-name scrubbing would not catch.
        "send_default_pii": False,
        "max_request_body_size": "never",
        "include_local_variables": False,
        "environment": environ.get("SENTRY_ENVIRONMENT", "").strip() or ("development" if debug else "production"),
        "release": environ.get("SENTRY_RELEASE", "").strip() or None,
        "traces_sample_rate": rate,
        "before_send": drop_retried_task_failures,
    }


def drop_retried_task_failures(event, hint):
    """Sentry's before_send: one event per failed queued task, not one per attempt.

    django.tasks logs every failed run at ERROR; with the database queue the task runs again
    (newsportal.tasks), and when its attempts are spent newsportal.tasks logs the error that is
    reported. With the in-process backend a failure is final, and reported as it happens.
    """
    if event.get("logger") == "django.tasks":
        from newsportal.tasks import uses_worker

        try:
            if uses_worker():
                return None
        except Exception:  # an event must never be lost to this check
            return event
    return event


def init_sentry(environ=None, *, debug=False):
    """Start error reporting when SENTRY_DSN is set; True when started."""
    options = sentry_options(os.environ if environ is None else environ, debug=debug)
    if options is None:
        return False
    sentry_sdk.init(**options)
    return True
