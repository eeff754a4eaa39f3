"""The security response headers Django has no setting for, on every response.

SecurityMiddleware already sends HSTS, X-Content-Type-Options, Referrer-Policy and
Cross-Origin-Opener-Policy; this adds Cross-Origin-Resource-Policy and Permissions-Policy
(settings CROSS_ORIGIN_RESOURCE_POLICY and PERMISSIONS_POLICY). It sits right after
SecurityMiddleware, outside WhiteNoiseMiddleware: WhiteNoise answers static files without calling
the rest of the chain, so the CSP and X-Frame-Options middleware never see them, and this one
gives them a lock-down policy of its own as well.
"""

from django.conf import settings
from whitenoise.middleware import WhiteNoiseFileResponse

# A static file is never a page: nothing in it may load, run or be framed if it is opened directly
# (an SVG, say), whatever the page policy in SECURE_CSP allows.
STATIC_FILE_CSP = "default-src 'none'; frame-ancestors 'none'"

# Browser features no page of the site uses: settings.PERMISSIONS_POLICY denies them. Not listed,
# so left to their defaults: fullscreen, clipboard-write, web-share and publickey-credentials-* (a
# security key as a second factor).
UNUSED_BROWSER_FEATURES = (
    "accelerometer", "autoplay", "browsing-topics", "camera", "clipboard-read", "display-capture",
    "encrypted-media", "geolocation", "gyroscope", "hid", "idle-detection", "local-fonts",
    "magnetometer", "microphone", "midi", "payment", "screen-wake-lock", "serial", "usb",
    "xr-spatial-tracking",
)  # fmt: skip


def permissions_policy(features):
    """The Permissions-Policy header for {feature: [allowed origins]}: [] denies, ["self"] keeps it."""
    return ", ".join(f"{feature}=({' '.join(allowed)})" for feature, allowed in features.items())


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # setdefault: a view that needs another value for one response may set its own.
        response.headers.setdefault("Cross-Origin-Resource-Policy", settings.CROSS_ORIGIN_RESOURCE_POLICY)
        response.headers.setdefault("Permissions-Policy", permissions_policy(settings.PERMISSIONS_POLICY))
        if isinstance(response, WhiteNoiseFileResponse):
            response.headers.setdefault("Content-Security-Policy", STATIC_FILE_CSP)
            response.headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
        return response
