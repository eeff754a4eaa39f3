"""Keeps staff sessions that lack their second factor out of the back office."""

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

from newsportal.signin import factors


class SecondFactorMiddleware:
    """After django-otp's OTPMiddleware, for signed-in staff:

    - whoever has an authenticator but a session it did not verify (opened before it was
      enrolled, or by any way in other than the sign-in form) is signed out;
    - whoever ADMIN_REQUIRE_OTP obliges to have one and has none is sent to the enrolment page,
      and may open nothing else but it and 退出 until the authenticator is confirmed.

    Requests without a session cookie are not looked at (and get no Vary: Cookie from here), nor
    is /healthz: it must answer while the database (and so every session) is down, and shows
    staff nothing that needs a second factor.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SESSION_COOKIE_NAME in request.COOKIES and request.path_info != reverse("healthz"):
            response = self.check(request)
            if response is not None:
                return response
        return self.get_response(request)

    def check(self, request):
        user = request.user
        if not (user.is_authenticated and user.is_staff) or user.is_verified():
            return None
        if factors.confirmed_device(user) is not None:
            logout(request)
            return None
        if factors.must_have_device(user) and request.path_info not in self.enrolment_paths():
            return redirect("signin:setup")
        return None

    @staticmethod
    def enrolment_paths():
        return {reverse("signin:setup"), reverse("signin:qr"), reverse("admin:logout")}
