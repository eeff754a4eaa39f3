"""Downloading the files attached to a story: readers once it is published, staff at any time.

The files live in private storage (no URL reaches them, on disk or in S3), so these views are
the only way in: they stream the file after their check.
"""

from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import never_cache

from articles.models import Article, ArticleAttachment
from newsportal.storage import private_file_response


def download(request, pk, attachment_pk):
    """/articles/<pk>/files/<attachment_pk>/: a published story's attachment; 404 otherwise."""
    visible = ArticleAttachment.objects.filter(article__in=Article.objects.published())
    return _file_response(request, get_object_or_404(visible, pk=attachment_pk, article_id=pk))


@never_cache
@staff_member_required
def staff_download(request, pk):
    """An attachment of any story, whatever its status, for staff who may see articles."""
    if not request.user.has_perm("articles.view_article"):
        raise PermissionDenied
    return _file_response(request, get_object_or_404(ArticleAttachment, pk=pk))


def _file_response(request, attachment):
    return private_file_response(
        request, attachment.file, filename=attachment.original_name, content_type=attachment.mime_type
    )
