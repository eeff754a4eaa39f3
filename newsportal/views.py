import sys

from django.conf import settings
from django.http import HttpResponsePermanentRedirect, HttpResponseServerError, JsonResponse
from django.template import loader
from django.templatetags.static import static
from django.utils.crypto import constant_time_compare
from django.views.decorators.cache import never_cache
from django.views.decorators.vary import vary_on_headers

from newsportal import health
from newsportal.middleware import database_unavailable, database_unavailable_response


@never_cache
@vary_on_headers("Authorization")
def healthz(request):
    """200 when the database, cache, file storage and (where tasks need one) the task worker
    answer; 503 otherwise (newsportal.health).

    Anyone learns only ok or error; staff and callers with HEALTHZ_TOKEN also see each check.
    """
    checks = health.run_checks()
    healthy = all(result in health.HEALTHY for result in checks.values())
    body = {"status": "ok" if healthy else "error"}
    if _may_see_details(request):
        body.update(checks)
    return JsonResponse(body, status=200 if healthy else 503)


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
    # The database unreachable before any view ran (a signed-in editor's session is read in
    # middleware) is the same 503 as DatabaseUnavailableMiddleware gives a view's failure.
    if database_unavailable(sys.exception()):
        return database_unavailable_response()
    # Rendered without the request context: the database or cache may be what failed.
    return HttpResponseServerError(loader.get_template("500.html").render())


def favicon(request):
    # Resolved per request: the hashed static name exists only after collectstatic.
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))
