"""The second factor: who must have one, and checking a 验证码 against a TOTP authenticator.

Every staff member may enrol one authenticator (a django-otp TOTPDevice); once it is confirmed
its 验证码 is asked at every sign-in. settings.ADMIN_REQUIRE_OTP says who may not use the admin
without one: "superusers", "staff" or nobody ("off").
"""

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.db import transaction
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

DEVICE_NAME = "身份验证器"

TOKEN_REQUIRED = "该账号已启用两步验证，请输入身份验证器中的 6 位验证码。"
TOKEN_INVALID = "验证码不正确或已过期，请输入身份验证器当前显示的 6 位数字。"
TOKEN_THROTTLED = "验证码错误次数过多，请稍等片刻再试。"


def must_have_device(user):
    """Whether the policy keeps `user` out of the admin until an authenticator is enrolled."""
    policy = settings.ADMIN_REQUIRE_OTP
    return (policy == "staff" and user.is_staff) or (policy == "superusers" and user.is_superuser)


def confirmed_device(user):
    """The user's enrolled authenticator, or None."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("pk").first()


def pending_device(user, create=True):
    """The not yet confirmed authenticator the enrolment page shows, made on its first visit."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("pk").first()
    if device is None and create:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def check_token(device, token):
    """Raise a ValidationError unless `token` is the device's current 验证码.

    The device row is locked while it is checked: django-otp refuses a code already used
    (replay) and slows down repeated failures, and both need one check at a time.
    """
    token = _without_spaces(token)
    # Raised after the transaction: the failure count django-otp records must be kept.
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        allowed, _ = device.verify_is_allowed()
        accepted = allowed and token.isdigit() and device.verify_token(token)
    if not allowed:
        raise ValidationError(TOKEN_THROTTLED, code="throttled")
    if not accepted:
        raise ValidationError(TOKEN_INVALID, code="invalid_token")
    return device


def check_sign_in(request, user, token):
    """The second step of a sign-in: the authenticator device that accepted `token`, or None
    for a user who has not enrolled one. A wrong code counts as a failed sign-in (lockout)."""
    device = confirmed_device(user)
    if device is None:
        return None
    if not _without_spaces(token):
        raise ValidationError(TOKEN_REQUIRED, code="token_required")
    try:
        return check_token(device, token)
    except ValidationError:
        user_login_failed.send(__name__, credentials={"username": user.get_username()}, request=request)
        raise


def _without_spaces(token):
    """A code as typed: apps show "123 456", people paste it with spaces."""
    return "".join(str(token or "").split())


def confirm(request, device):
    """Make `device` the user's one authenticator and count this session as verified by it."""
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    request.session.cycle_key()  # the session now carries more trust: give it a new key, as login does
    otp_login(request, device)
