"""Downloading the files attached to a story: readers once it is published, staff at any time.

The files live in private storage (no URL reaches them), so these views are the only way in.
"""

from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import never_cache

from articles.models import Article, ArticleAttachment


def download(request, pk, attachment_pk):
    """/articles/<pk>/files/<attachment_pk>/: a published story's attachment; 404 otherwise."""
    visible = ArticleAttachment.objects.filter(article__in=Article.objects.published())
    return _file_response(get_object_or_404(visible, pk=attachment_pk, article_id=pk))


@never_cache
@staff_member_required
def staff_download(request, pk):
    """An attachment of any story, whatever its status, for staff who may see articles."""
    if not request.user.has_perm("articles.view_article"):
        raise PermissionDenied
    return _file_response(get_object_or_404(ArticleAttachment, pk=pk))


def _file_response(attachment):
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404("附件文件不存在。") from None
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.mime_type
    )
    # The stored type is the one the checks established; the browser must not guess another.
    response["X-Content-Type-Options"] = "nosniff"
    return response
