"""The three kinds of case in the back office: 投稿, 企业入驻申请 and 留言."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Subquery
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from submissions import services, validators
from submissions.admin.base import COMMON_COLUMNS, REPLY_COLUMNS, SubmissionAdmin, submission_fieldsets
from submissions.admin.filters import AssigneeFilter, OpenFilter, OverdueFilter
from submissions.models import (
    ContactMessage,
    Contribution,
    EntryRequest,
)


@admin.register(Contribution)
class ContributionAdmin(SubmissionAdmin):
    list_display = [
        "tracking_number", "title", "name", "status", "region", "assignee", "received_at", "overdue_marker",
        "article_link",
    ]  # fmt: skip
    list_filter = ["status", OpenFilter, OverdueFilter, AssigneeFilter, "region"]
    list_select_related = ["assignee", "region", "article"]
    search_fields = ["tracking_number", "title", "name", "phone", "email", "organization"]
    actions = [*SubmissionAdmin.actions, "convert_to_article"]
    change_form_template = "admin/submissions/contribution/change_form.html"
    fieldsets = submission_fieldsets(
        ("投稿内容", ["title", "body", "region", "article_link"]),
        ("投稿人", ["name", "phone", "email", "organization", "terms_accepted_at"]),
    )
    export_columns = [
        *COMMON_COLUMNS,
        ("标题", "title"),
        ("所属区域", "region"),
        ("姓名", "name"),
        ("手机号码", "phone"),
        ("电子邮箱", "email"),
        ("单位", "organization"),
        ("正文", "body"),
        ("附件数", "attachment_count"),
        *REPLY_COLUMNS,
        ("文章草稿", lambda obj: obj.article_id or ""),
    ]

    def export_queryset(self, queryset):
        return queryset.select_related("region", "assignee").annotate(attachment_count=Count("attachments"))

    @admin.display(description="文章草稿")
    def article_link(self, obj):
        if obj.article_id is None:
            return "—"
        url = reverse("admin:articles_article_change", args=[obj.article_id])
        return format_html('<a href="{}">{}</a>', url, obj.article)

    def get_urls(self):
        return [
            path(
                "<int:pk>/convert/",
                self.admin_site.admin_view(require_POST(self.convert_view)),
                name="submissions_contribution_convert",
            ),
            *super().get_urls(),
        ]

    def has_convert_permission(self, request, obj=None):
        """Processing the contribution, and making what a conversion makes: an article and images."""
        return self.has_change_permission(request, obj) and request.user.has_perms(
            ["articles.add_article", "articles.add_image"]
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["can_convert"] = self.has_convert_permission(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def convert_view(self, request, pk):
        if not self.has_convert_permission(request):
            raise PermissionDenied
        contribution = get_object_or_404(Contribution, pk=pk)
        conversion = services.convert_to_article(contribution, request.user)
        if conversion.created:
            messages.success(request, f"已将投稿转为文章草稿“{conversion.article.title}”。")
        else:
            messages.info(request, "该投稿已转为文章草稿，未重复创建。")
        _report_skipped(request, contribution, conversion)
        return redirect("admin:articles_article_change", conversion.article.pk)

    @admin.action(description="转为文章草稿", permissions=["convert"])
    def convert_to_article(self, request, queryset):
        created = 0
        for contribution in queryset:
            conversion = services.convert_to_article(contribution, request.user)
            created += conversion.created
            _report_skipped(request, contribution, conversion)
        earlier = queryset.count() - created
        messages.success(
            request, f"已创建 {created} 篇文章草稿。" + (f"{earlier} 篇此前已转换，已跳过。" if earlier else "")
        )


def _report_skipped(request, contribution, conversion):
    for name, reason in conversion.skipped:
        messages.warning(
            request, f"{contribution.tracking_number} 的图片“{name}”未能导入图片库：{reason} 请下载附件处理后手动上传。"
        )


@admin.register(EntryRequest)
class EntryRequestAdmin(SubmissionAdmin):
    list_display = [
        "tracking_number", "company_name", "contact_name", "status", "industry", "region", "assignee",
        "received_at", "overdue_marker", "same_code_applications",
    ]  # fmt: skip
    list_filter = ["status", OpenFilter, OverdueFilter, AssigneeFilter, "industry", "region"]
    list_select_related = ["assignee", "industry", "region"]
    search_fields = ["tracking_number", "company_name", "credit_code", "contact_name", "phone", "email"]
    fieldsets = submission_fieldsets(
        ("企业信息", [
            "company_name", "credit_code", "same_code_applications", "industry", "region", "investment_amount",
            "employee_count", "requirements",
        ]),
        ("联系人", ["contact_name", "phone", "email"]),
    )  # fmt: skip
    export_columns = [
        *COMMON_COLUMNS,
        ("企业名称", "company_name"),
        ("统一社会信用代码", "credit_code"),
        ("所属行业", "industry"),
        ("意向区域", "region"),
        ("计划投资额（万元）", "investment_amount"),
        ("员工人数", "employee_count"),
        ("需求说明", "requirements"),
        ("联系人", "contact_name"),
        ("手机号码", "phone"),
        ("电子邮箱", "email"),
        *REPLY_COLUMNS,
    ]

    def export_queryset(self, queryset):
        return queryset.select_related("industry", "region", "assignee")

    def get_queryset(self, request):
        # How many applications share each row's credit code: one correlated COUNT in the same
        # query, so the list stays at a fixed number of queries however many rows it shows.
        same_code = (
            EntryRequest.objects.filter(credit_code=OuterRef("credit_code"))
            .order_by()
            .values("credit_code")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return super().get_queryset(request).annotate(same_code_count=Subquery(same_code))

    @admin.display(description="同一信用代码", ordering="same_code_count")
    def same_code_applications(self, obj):
        count = getattr(obj, "same_code_count", None)
        if count is None:
            count = EntryRequest.objects.filter(credit_code=obj.credit_code).count()
        if count < 2:
            return "—"
        url = reverse("admin:submissions_entryrequest_changelist") + "?" + urlencode({"credit_code": obj.credit_code})
        return format_html('<a class="submission-same-code" href="{}">该信用代码已有 {} 份申请</a>', url, count)

    def get_search_results(self, request, queryset, search_term):
        """Also finds a credit code typed full-width or with spaces and dashes (９１１１ 0108-…)."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        code = validators.credit_code_fragment(search_term)
        if code and code != search_term:
            results = results | queryset.filter(credit_code__contains=code)
        return results, may_have_duplicates


@admin.register(ContactMessage)
class ContactMessageAdmin(SubmissionAdmin):
    list_display = ["tracking_number", "name", "contact", "status", "assignee", "received_at", "overdue_marker"]
    list_filter = ["status", OpenFilter, OverdueFilter, AssigneeFilter]
    search_fields = ["tracking_number", "name", "contact", "message"]
    fieldsets = submission_fieldsets(("留言", ["name", "contact", "email", "message"]))
    export_columns = [
        *COMMON_COLUMNS,
        ("姓名", "name"),
        ("联系方式", "contact"),
        ("留言", "message"),
        *REPLY_COLUMNS,
    ]

    def export_queryset(self, queryset):
        return queryset.select_related("assignee")
