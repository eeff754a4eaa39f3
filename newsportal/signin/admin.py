"""Administrators see and remove staff authenticators (a lost phone); staff enrol their own on
the two-step verification page, never here."""

from django.contrib import admin
from django_otp.plugins.otp_totp.models import TOTPDevice

from newsportal.signin.models import Authenticator

if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


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
