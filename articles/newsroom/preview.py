"""Previews of unpublished articles: for staff in the admin, and by signed, expiring link.

A shared link carries the article id signed with the site's secret key and a timestamp, so
a reviewer without an account can read the draft until the link expires
(ARTICLE_PREVIEW_HOURS). The page is the reader's article page plus a preview banner; it is
never indexed, cached or counted as a view.
"""

import datetime

from django.conf import settings
from django.core import signing
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from articles.models import Article
from articles.reading import related

_SALT = "articles.preview"


def make_token(article):
    return signing.dumps({"a": article.pk}, salt=_SALT, compress=True)


def shared_url(request, article):
    return request.build_absolute_uri(reverse("articles:preview", args=[make_token(article)]))


def expires_at():
    return timezone.now() + datetime.timedelta(hours=settings.ARTICLE_PREVIEW_HOURS)


def article_from_token(token):
    """The article a token points to, or None when it is forged, malformed or expired."""
    try:
        data = signing.loads(token, salt=_SALT, max_age=datetime.timedelta(hours=settings.ARTICLE_PREVIEW_HOURS))
    except signing.BadSignature:  # includes SignatureExpired
        return None
    article_id = data.get("a") if isinstance(data, dict) else None
    if not isinstance(article_id, int):
        return None
    return _articles().filter(pk=article_id).first()


def _articles():
    return Article.objects.select_related("channel", "responsible_editor", "cover").prefetch_related("regions", "tags")


def render_preview(request, article, shared=False):
    context = {
        **related.article_page(article),
        "preview_shared": shared,
        "preview_share_url": None if shared else shared_url(request, article),
        "preview_expires": None if shared else expires_at(),
    }
    response = render(request, "articles/article_preview.html", context)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
def shared_preview(request, token):
    """/preview/<token>/: the draft as readers will see it, for whoever holds the link."""
    article = article_from_token(token)
    if article is None:
        response = render(request, "articles/preview_expired.html", status=404)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response
    return render_preview(request, article, shared=True)


def staff_preview(request, pk):
    """Admin view body (permission checked by the admin): any status, exactly as published."""
    return render_preview(request, get_object_or_404(_articles(), pk=pk))
