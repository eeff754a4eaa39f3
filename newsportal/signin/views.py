"""The enrolment page of the admin: a QR code and the secret for an authenticator app, then its
first 验证码 to confirm it. The QR code is drawn here as SVG (segno); no third party sees the secret."""

import base64
import io

import segno
from django.contrib import admin, messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from newsportal.signin import factors
from newsportal.signin.forms import EnrolForm


def setup(request):
    """GET shows the user's authenticator (or a new one to scan); POST confirms it with a 验证码."""
    device = factors.confirmed_device(request.user)
    form = None
    if device is None:
        device = factors.pending_device(request.user)
        form = EnrolForm(device, request.POST or None)
        if request.method == "POST" and form.is_valid():
            factors.confirm(request, form.device)
            messages.success(request, "两步验证已启用：以后每次登录都需要输入身份验证器中的验证码。")
            return redirect("admin:index")
    context = {
        **admin.site.each_context(request),
        "title": "两步验证",
        "device": device,
        "form": form,
        "secret": _grouped_secret(device) if form is not None else "",
        "required": factors.must_have_device(request.user),
    }
    return TemplateResponse(request, "admin/signin/setup.html", context, status=400 if form and form.errors else 200)


def qr_code(request):
    """The QR code of the user's authenticator still to be confirmed, as SVG."""
    device = factors.pending_device(request.user, create=False)
    if device is None:
        raise Http404("没有待绑定的身份验证器。")
    out = io.BytesIO()
    segno.make(device.config_url, error="m").save(out, kind="svg", scale=5, border=2, xmldecl=False)
    return HttpResponse(out.getvalue(), content_type="image/svg+xml")


def _grouped_secret(device):
    """The base32 secret in groups of four, for typing into an app by hand."""
    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


setup_view = admin.site.admin_view(setup)
qr_view = admin.site.admin_view(qr_code)
