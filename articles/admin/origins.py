"""Where a story came from, shown on its admin page: the case a draft was converted from.

Other apps know the origins; this app never names their models. An app registers a source,
a function `source(article)` that returns (label, url) for the article, or None when the
article did not come from it (`SubmissionsConfig.ready()` registers the contributions').
`ArticleOriginMixin` shows every origin found as links on the article's change page.
"""

from django.contrib import admin
from django.utils.html import format_html_join

_sources = []


def register(source):
    """Add `source(article) -> (label, url) | None` (once; registering again is harmless)."""
    if source not in _sources:
        _sources.append(source)
    return source


def origins(article):
    """The (label, url) of every record `article` was made from; none for an unsaved article."""
    if article is None or article.pk is None:
        return []
    return [found for source in _sources if (found := source(article)) is not None]


class ArticleOriginMixin:
    """For ArticleAdmin: the read-only field `origin_link`, the article's origins as links."""

    @admin.display(description="来源投稿")
    def origin_link(self, obj):
        found = origins(obj)
        if not found:
            return "—"
        return format_html_join("、", '<a href="{}">{}</a>', ((url, label) for label, url in found))
