"""Administrators see and remove staff authenticators (a lost phone); staff enrol their own on
the two-step verification page, never here. django-axes' lists of failed sign-ins are its own
admin with Chinese labels where axes hard-codes English (column names, its one action); the
rows' own descriptions ("Attempted Access: …") come from axes' models and stay English."""

from axes.admin import AccessAttemptAdmin
from axes.conf import settings as axes_settings
from axes.models import AccessAttempt
from django.contrib import admin
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from newsportal.signin.models import Authenticator

if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)
if admin.site.is_registered(AccessAttempt):
    admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class LoginFailureAdmin(AccessAttemptAdmin):
    """axes' list of failed sign-ins (登录失败记录); deleting a row lifts that lockout."""

    @admin.display(description="状态")
    def status(self, obj):
        remaining = axes_settings.AXES_FAILURE_LIMIT - obj.failures_since_start
        return f"剩余 {remaining} 次机会" if remaining > 0 else "已锁定"

    @admin.display(description="过期时间")
    def expiration(self, obj):
        return super().expiration(obj)

    @admin.action(description="清理已过期的失败记录")
    def cleanup_expired_attempts(self, request, queryset):
        # axes measures "expired" from the time it stamps on a sign-in request; axes' own action
        # runs without that stamp and fails (AttributeError), so stamp this request the same way.
        request.axes_attempt_time = timezone.now()
        count = self.handler.clean_expired_user_attempts(request=request)
        self.message_user(request, f"已清理 {count} 条过期的失败记录。")


@admin.register(Authenticator)
class AuthenticatorAdmin(admin.ModelAdmin):
    list_display = ["owner", "enrolled", "created", "last_used"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    fields = ["owner", "enrolled", "created", "last_used"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="用户", ordering="user__username")
    def owner(self, obj):
        return obj.user.get_username()

    @admin.display(description="已启用", boolean=True)
    def enrolled(self, obj):
        return obj.confirmed

    @admin.display(description="创建时间", ordering="created_at")
    def created(self, obj):
        return obj.created_at

    @admin.display(description="最近使用", ordering="last_used_at")
    def last_used(self, obj):
        return obj.last_used_at
