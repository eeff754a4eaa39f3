from django_otp.plugins.otp_totp.models import TOTPDevice


class Authenticator(TOTPDevice):
    """A staff member's TOTP authenticator, under a Chinese name in the admin (django-otp's own
    admin labels cannot be translated)."""

    class Meta:
        proxy = True
        verbose_name = verbose_name_plural = "身份验证器"
