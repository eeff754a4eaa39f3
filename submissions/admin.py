"""The processing back office: lists with deadlines, status history, notes, replies, exports."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.contenttypes.admin import GenericTabularInline
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Q, Subquery
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import filesizeformat, linebreaksbr
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from newsportal.middleware import changelist_query_is_safe
from submissions import deadlines, exports, processing, roles, services, validators
from submissions.models import (
    Attachment,
    ContactMessage,
    Contribution,
    DeadlineExtension,
    EntryRequest,
    InternalNote,
    Reply,
    StatusChange,
)


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


class OpenFilter(admin.SimpleListFilter):
    title = "办结情况"
    parameter_name = "open"

    def lookups(self, request, model_admin):
        return [("yes", "未办结"), ("no", "已办结")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.open()
        if self.value() == "no":
            return queryset.filter(status__in=queryset.model.CLOSED_STATUSES)
        return queryset


class AssigneeFilter(admin.SimpleListFilter):
    """指派给我, 未指派, or one of the staff who may process this kind, by name."""

    title = "经办人"
    parameter_name = "assigned"

    def lookups(self, request, model_admin):
        staff = roles.processing_staff(model_admin.model)
        return [("me", "指派给我"), ("none", "未指派"), *((str(u.pk), roles.display_name(u)) for u in staff)]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "me":
            return queryset.filter(assignee=request.user)
        if value == "none":
            return queryset.filter(assignee__isnull=True)
        if value in {key for key, _ in self.lookup_choices}:  # never an unchecked number into the query
            return queryset.filter(assignee_id=int(value))
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


class PublicRecordInline(ReadOnlyInline):
    """Records the submitter sees as well (replies, extensions): whoever may view the case sees them."""

    def has_view_permission(self, request, obj=None):
        opts = self.parent_model._meta
        return request.user.has_perm(f"{opts.app_label}.view_{opts.model_name}") or request.user.has_perm(
            f"{opts.app_label}.change_{opts.model_name}"
        )


class ReplyInline(PublicRecordInline):
    """The replies given so far, oldest first; a new one is added with the form's 新答复 field."""

    model = Reply
    verbose_name_plural = "答复记录"
    fields = ["created_at", "reply_text", "author_name", "mail_state"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author").prefetch_related("submission")

    @admin.display(description="答复内容")
    def reply_text(self, obj):
        return linebreaksbr(obj.text)

    @admin.display(description="答复人")
    def author_name(self, obj):
        return roles.display_name(obj.author) or "—"

    @admin.display(description="邮件")
    def mail_state(self, obj):
        if obj.emailed_at:
            return f"已发送（{timezone.localtime(obj.emailed_at):%Y-%m-%d %H:%M}）"
        return "待发送" if obj.submission.submitter_email else "未发送：提交人未留邮箱"


class DeadlineExtensionInline(PublicRecordInline):
    model = DeadlineExtension
    verbose_name_plural = "延期记录"
    fields = ["created_at", "previous_label", "new_label", "reason", "extended_by_name"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("extended_by")

    @admin.display(description="原办理期限")
    def previous_label(self, obj):
        return deadlines.due_label(obj.previous_date)

    @admin.display(description="延长至")
    def new_label(self, obj):
        return deadlines.due_label(obj.new_date)

    @admin.display(description="操作人")
    def extended_by_name(self, obj):
        return roles.display_name(obj.extended_by) or "—"


class InternalNoteInline(AppendOnlyInline):
    """Notes are added, never edited: the record of who said what stays as it was."""

    model = InternalNote
    fields = ["text", "author", "created_at"]
    readonly_fields = ["author", "created_at"]
    extra = 1

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")


class SubmissionAdminForm(processing.ProcessingForm, forms.ModelForm):
    """Offers only the statuses the submission may move to, and only staff as assignees; adds
    a new reply and a deadline extension, and refuses a stale save (submissions.processing)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        status = self.fields.get("status")
        if status is not None and self.instance.pk:
            allowed = set(self.instance.allowed_statuses())
            status.choices = [(value, label) for value, label in status.choices if value in allowed]
        assignee = self.fields.get("assignee")
        if assignee is not None:
            # A plain list of those who may process this kind (plus whoever holds it now), by
            # name: an autocomplete would need permission to browse every user account.
            model = type(self.instance)
            eligible = Q(pk__in=roles.processing_staff(model).values("pk")) | Q(pk=self.instance.assignee_id)
            assignee.queryset = assignee.queryset.filter(eligible).order_by("first_name", "last_name", "username")
            assignee.label_from_instance = roles.display_name
            assignee.error_messages["invalid_choice"] = (
                f"只能指派给有权办理{model._meta.verbose_name}的在职工作人员，请重新选择。"
            )

    def clean_status(self):
        new_status = self.cleaned_data["status"]
        services.check_transition(self.instance, self.instance.status, new_status)
        return new_status


class SubmissionAdmin(admin.ModelAdmin):
    form = SubmissionAdminForm
    inlines = [AttachmentInline, ReplyInline, StatusChangeInline, DeadlineExtensionInline, InternalNoteInline]
    date_hierarchy = "received_at"
    list_per_page = 50
    list_select_related = ["assignee"]
    actions = ["export_selected_csv", "export_selected_xlsx"]
    change_list_template = "admin/submissions/change_list.html"
    processing_fields = ["status", "assignee", "notify_by", "new_reply", "loaded_version"]
    extension_fields = ["extend_to", "extension_reason"]
    record_fields = ["tracking_number", "received_at", "deadline", "overdue_text", "submitter_ip"]
    editable_fields = ("status", "assignee", *processing.FORM_ONLY_FIELDS)
    export_columns = []

    def has_add_permission(self, request):
        return False  # submissions arrive through the public forms only

    def get_readonly_fields(self, request, obj=None):
        return [f for group in self.get_fieldsets(request, obj) for f in group[1]["fields"]
                if f not in self.editable_fields]  # fmt: skip

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self.has_change_permission(request, obj):
            return fieldsets
        # Who may only read a case sees no new-reply or extension fields (nor empty sections).
        shown = []
        for title, options in fieldsets:
            fields = [f for f in options["fields"] if f not in processing.FORM_ONLY_FIELDS]
            if fields:
                shown.append((title, {**options, "fields": fields}))
        return shown

    def response_action(self, request, queryset, action_location=admin.ActionLocation.CHANGE_LIST):
        # Django quietly ignores an action the user is not offered; a crafted POST is refused.
        field = "action" if action_location == admin.ActionLocation.CHANGE_LIST else f"{action_location.value}-action"
        declared = {*self.actions, *(name for name, _ in self.admin_site.actions)}
        withheld = declared - self.get_actions(request, action_location=action_location).keys()
        if withheld.intersection(request.POST.getlist(field)):
            raise PermissionDenied
        return super().response_action(request, queryset, action_location=action_location)

    def save_model(self, request, obj, form, change):
        old_status = form.initial.get("status", obj.status)
        reply = form.reply_text
        services.save_by_staff(obj, request.user, old_status, set(form.changed_data), reply, form.extension)
        if reply and not obj.submitter_email:
            messages.warning(request, f"答复已保存。提交人未留邮箱，不会发送邮件，请电话联系：{obj.submitter_phone}。")

    def save_formset(self, request, form, formset, change):
        for note in formset.save(commit=False):
            if isinstance(note, InternalNote) and note.author_id is None:
                note.author = request.user
            note.save()
        formset.save_m2m()

    @admin.display(description="办理期限", ordering="due_date")
    def overdue_marker(self, obj):
        if obj.is_overdue:
            return format_html('{} <span class="submission-overdue">{}</span>', obj.due_label, "已逾期")
        return obj.due_label

    @admin.display(description="办理期限")
    def deadline(self, obj):
        return obj.due_label

    @admin.display(description="通知方式")
    def notify_by(self, obj):
        if obj.submitter_email:
            return f"答复、状态变化和延期会以邮件通知提交人（{obj.submitter_email}）。"
        return format_html(
            '<strong class="submission-no-email">{}</strong>', f"提交人未留邮箱，请电话联系：{obj.submitter_phone}"
        )

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
        queryset = self.export_queryset(queryset).prefetch_related("replies")
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
        js = ["js/unsaved-changes.js"]  # warn before leaving a processing form with unsaved changes


COMMON_COLUMNS = [
    ("受理编号", "tracking_number"),
    ("状态", "status"),
    ("受理时间", "received_at"),
    ("办理期限", lambda obj: obj.due_label),
    ("是否逾期", lambda obj: "是" if obj.is_overdue else "否"),
    ("经办人", lambda obj: (obj.assignee.get_full_name() or obj.assignee.get_username()) if obj.assignee else ""),
]
# The replies come prefetched (SubmissionAdmin.export): one query for the whole export.
REPLY_COLUMNS = [
    ("答复", lambda obj: exports.dated_entries((reply.created_at, reply.text) for reply in obj.replies.all())),
    ("最近答复时间", lambda obj: max((reply.created_at for reply in obj.replies.all()), default=None)),
]


def submission_fieldsets(*sections):
    """The 受理 and 办理 sections every kind shows first, then its own (title, field names) sections."""
    return [
        ("受理", {"fields": SubmissionAdmin.record_fields}),
        ("办理", {"fields": SubmissionAdmin.processing_fields}),
        ("延长办理期限", {"fields": SubmissionAdmin.extension_fields}),
        *((title, {"fields": fields}) for title, fields in sections),
    ]


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
