"""The processing back office: lists with deadlines, status history, notes, replies, exports."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.contenttypes.admin import GenericTabularInline
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import filesizeformat
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from newsportal.middleware import changelist_query_is_safe
from submissions import exports, services
from submissions.models import Attachment, ContactMessage, Contribution, EntryRequest, InternalNote, StatusChange


class OverdueFilter(admin.SimpleListFilter):
    title = "办理期限"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", "已逾期"), ("no", "未逾期")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.overdue()
        if self.value() == "no":
            return queryset.not_overdue()
        return queryset


class AppendOnlyInline(GenericTabularInline):
    """Rows are never changed or deleted here: what was recorded stays as it was."""

    can_delete = False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyInline(AppendOnlyInline):
    """Rows are only shown: they come from the submission's processing, not from this form."""

    extra = 0

    def has_add_permission(self, request, obj=None):
        return False


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = ["label", "download", "kind", "file_size", "created_at"]
    readonly_fields = fields

    @admin.display(description="文件")
    def download(self, obj):
        url = reverse("submissions:attachment_download", args=[obj.pk])
        return format_html('<a href="{}" download>{}</a>', url, obj.original_name)

    @admin.display(description="大小")
    def file_size(self, obj):
        return filesizeformat(obj.size)


class StatusChangeInline(ReadOnlyInline):
    model = StatusChange
    verbose_name_plural = "状态记录"
    fields = ["changed_at", "from_label", "to_label", "changed_by_name"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("content_type", "changed_by")

    @admin.display(description="原状态")
    def from_label(self, obj):
        return obj.from_label or "—"

    @admin.display(description="新状态")
    def to_label(self, obj):
        return obj.to_label

    @admin.display(description="操作人")
    def changed_by_name(self, obj):
        if obj.changed_by is None:
            return "提交人" if not obj.from_status else "—"
        return obj.changed_by.get_full_name() or obj.changed_by.get_username()


class InternalNoteInline(AppendOnlyInline):
    """Notes are added, never edited: the record of who said what stays as it was."""

    model = InternalNote
    fields = ["text", "author", "created_at"]
    readonly_fields = ["author", "created_at"]
    extra = 1

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")


class SubmissionAdminForm(forms.ModelForm):
    """Offers only the statuses the submission may move to, and only staff as assignees."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        status = self.fields.get("status")
        if status is not None and self.instance.pk:
            allowed = set(self.instance.allowed_statuses())
            status.choices = [(value, label) for value, label in status.choices if value in allowed]
        assignee = self.fields.get("assignee")
        if assignee is not None:
            # A plain list of active staff (plus whoever holds it now): an autocomplete would
            # need permission to browse every user account, which caseworkers do not have.
            staff = Q(is_staff=True, is_active=True) | Q(pk=self.instance.assignee_id)
            assignee.queryset = assignee.queryset.filter(staff).order_by("username")

    def clean_status(self):
        new_status = self.cleaned_data["status"]
        services.check_transition(self.instance, self.instance.status, new_status)
        return new_status


class SubmissionAdmin(admin.ModelAdmin):
    form = SubmissionAdminForm
    inlines = [AttachmentInline, StatusChangeInline, InternalNoteInline]
    date_hierarchy = "received_at"
    list_per_page = 50
    list_select_related = ["assignee"]
    actions = ["export_selected_csv", "export_selected_xlsx"]
    change_list_template = "admin/submissions/change_list.html"
    processing_fields = ["status", "assignee", "public_reply", "replied_at"]
    record_fields = ["tracking_number", "received_at", "due_at", "overdue_text", "submitter_ip"]
    export_columns = []

    def has_add_permission(self, request):
        return False  # submissions arrive through the public forms only

    def get_readonly_fields(self, request, obj=None):
        return [f for group in self.get_fieldsets(request, obj) for f in group[1]["fields"]
                if f not in ("status", "assignee", "public_reply")]  # fmt: skip

    def response_action(self, request, queryset, action_location=admin.ActionLocation.CHANGE_LIST):
        # Django quietly ignores an action the user is not offered; a crafted POST is refused.
        field = "action" if action_location == admin.ActionLocation.CHANGE_LIST else f"{action_location.value}-action"
        declared = {*self.actions, *(name for name, _ in self.admin_site.actions)}
        withheld = declared - self.get_actions(request, action_location=action_location).keys()
        if withheld.intersection(request.POST.getlist(field)):
            raise PermissionDenied
        return super().response_action(request, queryset, action_location=action_location)

    def save_model(self, request, obj, form, change):
        services.save_by_staff(obj, request.user, form.initial.get("status", obj.status), set(form.changed_data))

    def save_formset(self, request, form, formset, change):
        for note in formset.save(commit=False):
            if isinstance(note, InternalNote) and note.author_id is None:
                note.author = request.user
            note.save()
        formset.save_m2m()

    @admin.display(description="逾期", ordering="due_at")
    def overdue_marker(self, obj):
        if obj.is_overdue:
            return format_html('<span class="submission-overdue">{}</span>', "已逾期")
        return ""

    @admin.display(description="是否逾期")
    def overdue_text(self, obj):
        return "已逾期" if obj.is_overdue else "否"

    # ----- exports: the selected rows (action) or the whole filtered list (button) -----

    def get_urls(self):
        meta = self.model._meta
        name = f"{meta.app_label}_{meta.model_name}"
        return [
            path("export/<str:fmt>/", self.admin_site.admin_view(self.export_view), name=f"{name}_export"),
            *super().get_urls(),
        ]

    def export_queryset(self, queryset):
        return queryset

    def export(self, queryset, fmt):
        queryset = self.export_queryset(queryset)
        meta = self.model._meta
        stem = f"{meta.model_name}s"
        if fmt == "xlsx":
            return exports.xlsx_response(queryset, self.export_columns, stem, str(meta.verbose_name_plural))
        return exports.csv_response(queryset, self.export_columns, stem)

    def export_view(self, request, fmt):
        if not self.has_view_permission(request) or fmt not in ("csv", "xlsx"):
            raise PermissionDenied
        try:
            # What the list itself refuses (HostileInputMiddleware guards the list's own URL).
            if not changelist_query_is_safe(self, request.GET):
                raise IncorrectLookupParameters
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            meta = self.model._meta
            return redirect(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        return self.export(changelist.get_queryset(request), fmt)

    @admin.action(description="导出所选（CSV）", permissions=["view"])
    def export_selected_csv(self, request, queryset):
        return self.export(queryset, "csv")

    @admin.action(description="导出所选（Excel）", permissions=["view"])
    def export_selected_xlsx(self, request, queryset):
        return self.export(queryset, "xlsx")

    class Media:
        css = {"all": ["submissions/admin.css"]}


COMMON_COLUMNS = [
    ("受理编号", "tracking_number"),
    ("状态", "status"),
    ("受理时间", "received_at"),
    ("办理期限", "due_at"),
    ("是否逾期", lambda obj: "是" if obj.is_overdue else "否"),
    ("经办人", lambda obj: (obj.assignee.get_full_name() or obj.assignee.get_username()) if obj.assignee else ""),
]
REPLY_COLUMNS = [("公开答复", "public_reply"), ("答复时间", "replied_at")]


def submission_fieldsets(*sections):
    """The 受理 and 办理 sections every kind shows first, then its own (title, field names) sections."""
    return [
        ("受理", {"fields": SubmissionAdmin.record_fields}),
        ("办理", {"fields": SubmissionAdmin.processing_fields}),
        *((title, {"fields": fields}) for title, fields in sections),
    ]


@admin.register(Contribution)
class ContributionAdmin(SubmissionAdmin):
    list_display = [
        "tracking_number", "title", "name", "status", "region", "assignee", "received_at", "overdue_marker",
        "article_link",
    ]  # fmt: skip
    list_filter = ["status", OverdueFilter, "region", "assignee"]
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
        "received_at", "overdue_marker",
    ]  # fmt: skip
    list_filter = ["status", OverdueFilter, "industry", "region", "assignee"]
    list_select_related = ["assignee", "industry", "region"]
    search_fields = ["tracking_number", "company_name", "credit_code", "contact_name", "phone", "email"]
    fieldsets = submission_fieldsets(
        ("企业信息", [
            "company_name", "credit_code", "industry", "region", "investment_amount", "employee_count", "requirements",
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


@admin.register(ContactMessage)
class ContactMessageAdmin(SubmissionAdmin):
    list_display = ["tracking_number", "name", "contact", "status", "assignee", "received_at", "overdue_marker"]
    list_filter = ["status", OverdueFilter, "assignee"]
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
