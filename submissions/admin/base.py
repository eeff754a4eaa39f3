"""What every kind of case shares in the back office: the processing form, list, actions and exports."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import redirect
from django.urls import path
from django.utils.html import format_html

from newsportal.middleware import changelist_query_is_safe
from submissions import exports, processing, roles, services
from submissions.admin.inlines import (
    AttachmentInline,
    DeadlineExtensionInline,
    InternalNoteInline,
    ReplyInline,
    StatusChangeInline,
)
from submissions.models import (
    InternalNote,
)


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
