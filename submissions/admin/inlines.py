"""What a case page lists under the form: attachments, status history, replies, extensions, notes."""

from django.contrib import admin
from django.contrib.contenttypes.admin import GenericTabularInline
from django.template.defaultfilters import filesizeformat, linebreaksbr
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from submissions import deadlines, roles
from submissions.models import (
    Attachment,
    DeadlineExtension,
    InternalNote,
    Reply,
    StatusChange,
)


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
