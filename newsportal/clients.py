"""Who is asking: the client's address, as every per-client rule (rate limits, sign-in lockout) sees it."""

from django.conf import settings


def client_ip(request):
    """REMOTE_ADDR, or the X-Forwarded-For entry added by our own proxies.

    `SUBMISSIONS_TRUSTED_PROXIES` (env TRUSTED_PROXY_COUNT) proxies append to X-Forwarded-For;
    the entry the outermost of them wrote is the client. Entries further left are whatever the
    client sent and are never trusted. With no trusted proxy the header is ignored.
    """
    proxies = settings.SUBMISSIONS_TRUSTED_PROXIES
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")
