"""Previews of unpublished articles: for staff in the admin, and by signed, expiring link.

A shared link carries the article id and its preview key, signed with the site's secret key
and a timestamp, so a reviewer without an account can read the draft until the link expires
(ARTICLE_PREVIEW_HOURS). Revoking gives the article a new preview key: every link shared so
far stops working at once, links made afterwards work. The page is the reader's article page
plus a preview banner; it is never indexed, cached or counted as a view.
"""

import datetime

from django.conf import settings
from django.core import signing
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from taggit.models import Tag

from articles.models import Article
from articles.newsroom import drafts, policy
from articles.reading import related, story_parts

_SALT = "articles.preview"


def make_token(article):
    return signing.dumps({"a": article.pk, "k": article.preview_key}, salt=_SALT, compress=True)


def revoke(article):
    """Every link to `article` shared so far stops working; links made from now on work.

    An update of the one column: revoking is not an edit (no new version, no stale-save
    conflict for an editor who has the form open, no search reindex)."""
    article.preview_key = Article._meta.get_field("preview_key").get_default()
    Article.objects.filter(pk=article.pk).update(preview_key=article.preview_key)


def shared_url(request, article):
    return request.build_absolute_uri(reverse("articles:preview", args=[make_token(article)]))


def expires_at():
    return timezone.now() + datetime.timedelta(hours=settings.ARTICLE_PREVIEW_HOURS)


def article_from_token(token):
    """The article a token points to, or None when it is forged, malformed, expired or revoked.

    Links made before preview keys existed carry none: they count as revoked."""
    try:
        data = signing.loads(token, salt=_SALT, max_age=datetime.timedelta(hours=settings.ARTICLE_PREVIEW_HOURS))
    except signing.BadSignature:  # includes SignatureExpired
        return None
    if not isinstance(data, dict):
        return None
    article_id, key = data.get("a"), data.get("k")
    if not isinstance(article_id, int) or not isinstance(key, str):
        return None
    return _articles().filter(pk=article_id, preview_key=key).first()


def _articles():
    return Article.objects.select_related("channel", "responsible_editor", "cover").prefetch_related("regions", "tags")


def with_changes(article):
    """`article` as it will read once its unpublished changes are published (itself if none)."""
    pending = drafts.pending(article) if drafts.holds_drafts(article) else None
    if pending is None:
        return article
    drafts.apply_values(article, pending.data)
    # The page reads regions and tags through their managers: hand them the changed sets,
    # evaluated, as prefetch_related would (tags not created yet appear once published).
    chosen = {
        name: model.objects.filter(pk__in=pending.data.get(name, [])) for name, model in drafts.M2M_FIELDS.items()
    }
    chosen["tags"] = Tag.objects.filter(name__in=pending.data.get("tags", []))
    cache = getattr(article, "_prefetched_objects_cache", {})
    for name, queryset in chosen.items():
        if name in pending.data:
            queryset._fetch_all()
            cache[name] = queryset
    article._prefetched_objects_cache = cache
    return article


def render_preview(request, article, shared=False, can_revoke=False):
    article = with_changes(article)
    context = {
        **related.article_page(article),
        "parts": story_parts.unkept(article),
        "preview_shared": shared,
        "preview_share_url": None if shared else shared_url(request, article),
        "preview_expires": None if shared else expires_at(),
        "preview_can_revoke": can_revoke,
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
    """Admin view body (permission checked by the admin): any status, exactly as published,
    with the share link and, for those who may edit the article, the button that revokes links."""
    article = get_object_or_404(_articles(), pk=pk)
    return render_preview(request, article, can_revoke=policy.can_edit(request.user, article))
