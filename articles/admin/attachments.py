"""A story's downloadable files (PDF/DOCX) on its admin page: listed, downloaded, removed.

No uploads here: the files come from a contribution's conversion, whose upload checks
(active content in PDFs, macros in DOCX) belong to the submissions app, which this app does
not import. Whether someone may see or remove a story's files is the story's own question,
answered by the newsroom policy, not by permissions on the attachment model.
"""

from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html

from articles.models import ArticleAttachment
from articles.newsroom import drafts, policy


class AttachmentFormSet(BaseInlineFormSet):
    # What save() records. When ArticleAdmin keeps a published story's edits as unpublished
    # changes it saves no inline, and the admin's change message still reads these.
    # (A removed row's file goes with it: articles.models.signals.)
    new_objects = changed_objects = deleted_objects = ()


class ArticleAttachmentInline(admin.TabularInline):
    model = ArticleAttachment
    formset = AttachmentFormSet
    fields = ["download", "file_type", "file_size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields
    extra = 0
    verbose_name_plural = "附件（供读者下载，文章发布后可见）"

    def get_queryset(self, request):
        # Not super()'s: it asks has_view_permission without the story, which answers no (the
        # add page has no files section); the change page only shows this when the story is seen.
        return ArticleAttachment.objects.select_related("uploaded_by")

    def has_view_permission(self, request, obj=None):
        # Not on the add page: a new story has no files, and none are uploaded here.
        return obj is not None and request.user.has_perm("articles.view_article")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # A published story's edits wait as unpublished changes and its inlines are not saved
        # (ArticleAdmin.save_related): a removal would silently not happen. Its files go once
        # the story is taken down, or through a new story.
        return obj is not None and policy.can_edit(request.user, obj) and not drafts.holds_drafts(obj)

    @admin.display(description="文件")
    def download(self, obj):
        url = reverse("articles:attachment_download", args=[obj.pk])
        return format_html('<a href="{}" download>{}</a>', url, obj.original_name)

    @admin.display(description="类型")
    def file_type(self, obj):
        return "PDF" if obj.mime_type == "application/pdf" else "Word"

    @admin.display(description="大小")
    def file_size(self, obj):
        return filesizeformat(obj.size)
