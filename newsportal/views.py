from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponsePermanentRedirect, HttpResponseServerError, JsonResponse
from django.template import loader
from django.templatetags.static import static
from django.utils.crypto import constant_time_compare
from django.views.decorators.cache import never_cache
from django.views.decorators.vary import vary_on_headers


@never_cache
@vary_on_headers("Authorization")
def healthz(request):
    """200 when the database and the cache both answer, 503 otherwise.

    Anyone learns only ok or error; staff and callers with HEALTHZ_TOKEN also see each check.
    """
    checks = {"database": _database_check(), "cache": _cache_check()}
    healthy = all(result == "ok" for result in checks.values())
    body = {"status": "ok" if healthy else "error"}
    if _may_see_details(request):
        body.update(checks)
    return JsonResponse(body, status=200 if healthy else 503)


def _database_check():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # any failure means unhealthy; report it, never raise
        return f"error: {exc.__class__.__name__}"
    return "ok"


def _cache_check():
    try:
        cache.set("healthz", "1", 5)
        return "ok" if cache.get("healthz") == "1" else "error: no round trip"
    except Exception as exc:
        return f"error: {exc.__class__.__name__}"


def _may_see_details(request):
    scheme, _, presented = request.headers.get("Authorization", "").partition(" ")
    if settings.HEALTHZ_TOKEN and scheme.lower() == "bearer":
        return constant_time_compare(presented.strip(), settings.HEALTHZ_TOKEN)
    try:
        return request.user.is_staff
    except Exception:
        # Sessions live in the database: when it is down nobody can be recognised, so monitors
        # that need the details use the token.
        return False


def server_error(request):
    # Rendered without the request context: the database or cache may be what failed.
    return HttpResponseServerError(loader.get_template("500.html").render())


def favicon(request):
    # Resolved per request: the hashed static name exists only after collectstatic.
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))
