"""Hostile query strings stopped before they reach a view; a database outage answered with a 503.

`DatabaseUnavailableMiddleware` (at the end of this module) turns a view's failure to reach the
database into the Chinese 503 page with Retry-After.

`HostileInputMiddleware` owns two rules.

NUL characters. PostgreSQL refuses NUL in text, so a NUL that reached any query was a 500:
an admin list filter (`?title__exact=%00`), the image picker's search, a submissions export
of such a filtered list. No browser puts one in a link or in a form a person fills in, so
nothing legitimate is lost:

- in the path, where it never names a page, the request is refused with a short 400 page;
- in the query string it is dropped from every parameter name and value before any view
  sees them, as the search box and the admin search already drop it from what is typed, so a
  stray one still finds what the rest of the query asks for.

Posted form fields are not touched: every form CharField refuses NUL with a message on its
field (Django's ProhibitNullCharactersValidator), and the public forms drop control
characters themselves (`newsportal.text`).

Admin changelist lookups. Every changelist, ours and those of installed apps (auth, taggit,
axes …), applies any `field__lookup=value` in its URL to its query, and a few of those fail
in the database or in Python's date arithmetic instead of being refused. `changelist_query_is_safe`
names them; an unsafe changelist URL gets what Django gives any lookup it cannot apply: the
list again, unfiltered, with `?e=1`.
"""

import datetime
import logging
import threading
import time
from urllib.parse import urlencode

from django.contrib.admin.views.main import ERROR_FLAG
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import validate_ipv46_address
from django.db import InterfaceError, OperationalError, connection
from django.db.models import GenericIPAddressField
from django.db.models.constants import LOOKUP_SEP
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseRedirect, QueryDict
from django.template import loader
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)

NUL = "\x00"

_BAD_REQUEST_PAGE = """<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><meta name="robots" content="noindex"><title>请求无效</title></head>
<body>
<h1>请求无效</h1>
<p>网址中含有不允许的字符，请检查链接是否完整、正确。</p>
<p><a href="/">返回首页</a></p>
</body>
</html>
"""

# Lookups a changelist URL may use: the admin's own links and filters use no others. The rest
# (regex, full-text search, trigram …) hand the database a pattern it may refuse.
URL_LOOKUPS = {
    "exact", "iexact", "contains", "icontains", "startswith", "istartswith", "endswith", "iendswith",
    "in", "range", "gt", "gte", "lt", "lte", "isnull", "date", "year", "month", "day", "pk",
}  # fmt: skip
# Lookups that hand the value to the database as the column's own type (the others compare text).
_COMPARISONS = {"exact", "iexact", "in", "range", "gt", "gte", "lt", "lte"}


class HostileInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if NUL in request.path_info:
            return HttpResponseBadRequest(_BAD_REQUEST_PAGE)
        query_string = request.META.get("QUERY_STRING", "")
        if "%00" in query_string or NUL in query_string:
            # Views and get_full_path() alike see the cleaned query.
            request.META["QUERY_STRING"] = without_nul(request.GET)
            request.GET = QueryDict(request.META["QUERY_STRING"], encoding=request.encoding)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # ModelAdmin.get_urls marks its views with the ModelAdmin they belong to.
        model_admin = getattr(view_func, "model_admin", None)
        if model_admin is None or getattr(view_func, "__name__", "") != "changelist_view":
            return None
        if changelist_query_is_safe(model_admin, request.GET):
            return None
        return HttpResponseRedirect(f"{request.path}?{ERROR_FLAG}=1")


def without_nul(query):
    """The QueryDict `query` encoded again with NUL removed from every name and value."""
    pairs = [(name, value) for name, values in query.lists() for value in values]
    return urlencode([(name.replace(NUL, ""), value.replace(NUL, "")) for name, value in pairs])


def changelist_query_is_safe(model_admin, query):
    """False when `model_admin`'s changelist would crash on the URL lookups in `query`:

    - a date hierarchy (`publish_at__year=99999999999`, `__year=9999&__month=12&__day=31`)
      that overflows Python's dates once the admin adds a year, a month or a day to it;
    - a lookup outside URL_LOOKUPS on a model field (`title__regex=(`);
    - any lookup on a full-text search column (its text is parsed as a tsvector);
    - a comparison of an IP address column with something that is not an IP address;
    - a comparison of an integer column, or a relation by its key, with a number the database
      cannot hold (`?article=9223372036854775808`).
    """
    hierarchy = model_admin.date_hierarchy
    if hierarchy and not _date_hierarchy_is_valid(*(query.get(f"{hierarchy}__{p}") for p in ("year", "month", "day"))):
        return False
    model = model_admin.model
    return all(_lookup_is_safe(model, name, value) for name, values in query.lists() for value in values)


def _date_hierarchy_is_valid(year, month, day):
    if year is None:
        return True
    try:
        start = datetime.date(int(year), int(month or 1), int(day or 1))
    except (ValueError, OverflowError):
        return False
    # Year 1 overflows on its way to UTC; 9999 when the admin adds a year to reach the end.
    return 1 < start.year < 9999


def _lookup_is_safe(model, name, value):
    field, lookups = _resolve(model, name.split(LOOKUP_SEP))
    if field is None:
        return True  # the changelist's own parameters (q, o, p …), list filters', made-up ones
    if not URL_LOOKUPS.issuperset(lookups) or isinstance(field, SearchVectorField):
        return False
    lookup = (lookups or ["exact"])[-1]
    if lookup not in _COMPARISONS:
        return True
    column = field.related_model._meta.pk if field.related_model is not None else field
    parts = value.split(",") if lookup in ("in", "range") else [value]
    if isinstance(column, GenericIPAddressField):
        return all(_is_ip_address(part) for part in parts)
    column_type = column.get_internal_type()
    if column_type not in connection.ops.integer_field_ranges:
        return True
    return all(_fits(part, *connection.ops.integer_field_range(column_type)) for part in parts)


def _fits(text, low, high):
    """Is `text` no integer (the admin refuses it itself), or one within [low, high]?"""
    try:
        number = int(text)
    except ValueError:
        return True
    return low <= number <= high


def _resolve(model, parts):
    """The field the leading `parts` name (across relations) and the lookups after it;
    (None, []) when the first part names no field."""
    field, target = None, model
    for index, part in enumerate(parts):
        if target is None:
            return field, parts[index:]
        try:
            field = target._meta.get_field(part)
        except FieldDoesNotExist:
            return (field, parts[index:]) if field is not None else (None, [])
        target = field.related_model
    return field, []


def _is_ip_address(text):
    try:
        validate_ipv46_address(text.strip())
    except ValidationError:
        return False
    return True


# ----- the database unreachable -----

# What a reader is told to wait before trying again, in seconds.
RETRY_AFTER_SECONDS = 30
# At most one logged traceback per process in this many seconds while the database is down.
LOG_INTERVAL_SECONDS = 60
# SQLite's "cannot reach the file now" (not "no such table", a bug that stays a 500).
_SQLITE_UNAVAILABLE = ("SQLITE_CANTOPEN", "SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_IOERR", "SQLITE_NOMEM")
# SQLSTATE classes the server answers with when it cannot serve: connection exception,
# insufficient resources (too many connections, disk full), operator intervention (shutting
# down, starting up, statement timeout).
_SQLSTATE_UNAVAILABLE = ("08", "53", "57")


def database_unavailable(exc):
    """Is `exc` the database being unreachable or unable to serve, rather than a bug in a query?

    InterfaceError (a connection that is gone); OperationalError from a failed connect or a lost
    connection (no SQLSTATE: the server never answered), or with a SQLSTATE or SQLite code that
    says the server or file cannot serve now. Errors in the query itself stay 500s.
    """
    if isinstance(exc, InterfaceError):
        return True
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    sqlstate = getattr(cause, "pgcode", None) or getattr(cause, "sqlstate", None)  # psycopg2, psycopg 3
    if sqlstate:
        return sqlstate[:2] in _SQLSTATE_UNAVAILABLE
    sqlite_error = getattr(cause, "sqlite_errorname", None)
    if sqlite_error:
        return sqlite_error.startswith(_SQLITE_UNAVAILABLE)
    return True


def database_unavailable_response():
    """The Chinese 503 page with Retry-After, rendered without a request context or the database."""
    response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)  # no front cache may keep the outage
    return response


class DatabaseUnavailableMiddleware:
    """A view that cannot reach the database answers the 503 page (a front cache or the page
    cache still serves what it holds). Last in MIDDLEWARE, so it sees the view's exception first.

    An exception raised by another middleware (a signed-in user's session read) never reaches
    process_exception: the 500 handler (newsportal.views.server_error) may answer it with
    `database_unavailable_response()` when `database_unavailable(sys.exception())`.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not database_unavailable(exception):
            return None
        _log_outage(request, exception)
        return database_unavailable_response()


_last_logged = None
_log_lock = threading.Lock()


def _log_outage(request, exc):
    global _last_logged
    now = time.monotonic()
    with _log_lock:
        if _last_logged is not None and now - _last_logged < LOG_INTERVAL_SECONDS:
            return
        _last_logged = now
    logger.error(
        "Database unavailable: %s %s answered 503 (logged at most once a minute).",
        request.method,
        request.path,
        exc_info=exc,
    )
