"""站点信息 in the admin: the one record, edited in place; it can be neither added twice nor deleted."""

from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse

from articles.models import SiteInfo


@admin.register(SiteInfo)
class SiteInfoAdmin(admin.ModelAdmin):
    fieldsets = [
        ("主办与联系", {"fields": ["sponsor", "operator", "phone", "address"]}),
        ("备案信息", {"fields": ["icp_number", "police_record"]}),
        ("隐私政策与使用条款", {"fields": ["privacy_policy", "terms_of_use"]}),
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        """The list of one: straight to the record (created from the defaults the first time)."""
        if not self.has_view_or_change_permission(request):
            return super().changelist_view(request, extra_context)
        info = SiteInfo.load()
        return redirect(reverse("admin:articles_siteinfo_change", args=[info.pk]))
