"""The admin's sign-in form (password, then the 验证码) and the authenticator enrolment form."""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError

from newsportal.signin import factors, lockout


def token_field(required):
    return forms.CharField(
        label="验证码",
        required=required,
        max_length=16,
        help_text="身份验证器应用中显示的 6 位数字" + ("" if required else "（已启用两步验证的账号必填）"),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 8}),
    )


class SignInForm(AdminAuthenticationForm):
    """AdminAuthenticationForm with the 验证码 of an enrolled authenticator.

    A locked-out client is told so in Chinese instead of "wrong password". The enrolled device
    is set on the user, so django-otp marks the session verified when it logs in.
    """

    otp_token = token_field(required=False)

    def clean(self):
        try:
            super().clean()
            device = factors.check_sign_in(self.request, self.user_cache, self.cleaned_data.get("otp_token"))
        except ValidationError:
            if lockout.is_locked_out(self.request):
                raise ValidationError(lockout.message(), code="locked_out") from None
            raise
        if device is not None:
            self.user_cache.otp_device = device
        return self.cleaned_data


class EnrolForm(forms.Form):
    """Confirms a new authenticator with the first 验证码 it shows."""

    otp_token = token_field(required=True)

    def __init__(self, device, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_otp_token(self):
        self.device = factors.check_token(self.device, self.cleaned_data["otp_token"])
        return self.cleaned_data["otp_token"]
