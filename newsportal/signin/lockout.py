"""What a client sees once django-axes has locked it out of the admin sign-in.

SignInForm puts the Chinese lockout message on the sign-in page it renders; axes' middleware then
hands that page to lockout_response(), which only changes its status to 429. The page keeps the
admin's look and every header the rest of the middleware gave it (CSP, frame and referrer rules).
"""

import ipaddress
from datetime import timedelta

from django.conf import settings
from django.http import HttpResponse

from newsportal.clients import client_ip

MESSAGE = "登录失败次数过多，该账号或您所在的网络已被暂时锁定。请 {minutes} 分钟后再试，或联系管理员解锁。"


def client_address(request):
    """The address axes counts (AXES_CLIENT_IP_CALLABLE): the one the submission rate limits use,
    or None when that is no IP address (a proxy chain set up wrong), which PostgreSQL's inet
    column would refuse; such clients then share one count."""
    try:
        return str(ipaddress.ip_address(client_ip(request)))
    except ValueError:
        return None


def cool_off(request=None):
    """How long a lockout lasts (axes' AXES_COOLOFF_TIME)."""
    return timedelta(minutes=settings.ADMIN_LOGIN_COOLOFF_MINUTES)


def message():
    return MESSAGE.format(minutes=settings.ADMIN_LOGIN_COOLOFF_MINUTES)


def is_locked_out(request):
    """Whether axes refused this request's sign-in, or locked its client out with this failure."""
    return bool(getattr(request, "axes_locked_out", False))


def lockout_response(request, original_response=None, credentials=None):
    """Axes' AXES_LOCKOUT_CALLABLE: the page already rendered, as 429 Too Many Requests."""
    if isinstance(original_response, HttpResponse) and original_response.status_code == 200:
        response = original_response
        response.status_code = 429
    else:  # a sign-in outside the admin's form: no page to keep
        response = HttpResponse(message(), status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(int(cool_off().total_seconds()))
    return response
