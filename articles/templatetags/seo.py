"""Sharing and crawler metadata for article pages: Open Graph and schema.org JSON-LD."""

import json

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime

register = template.Library()

# The escapes django.utils.html.json_script applies, so the JSON cannot close the tag.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def _absolute(request, url):
    return request.build_absolute_uri(url) if url else None


@register.simple_tag(takes_context=True)
def article_jsonld(context, article):
    """A schema.org NewsArticle block. It is data, never executed: no CSP nonce, so the page can be cached."""
    request = context["request"]
    logo = _absolute(request, static("img/favicon.svg"))
    image = _absolute(request, article.cover.display_url) if article.cover_id else logo
    editor = article.responsible_editor
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title[:110],
        "description": article.summary,
        "datePublished": localtime(article.publish_at).isoformat(),
        "dateModified": localtime(max(article.updated_at, article.publish_at)).isoformat(),
        "mainEntityOfPage": _absolute(request, article.get_absolute_url()),
        "image": [image],
        "author": [{"@type": "Person", "name": article.author}]
        if article.author
        else [{"@type": "Organization", "name": article.source or settings.SITE_NAME}],
        "publisher": {
            "@type": "Organization",
            "name": settings.SITE_NAME,
            "logo": {"@type": "ImageObject", "url": logo},
        },
        "articleSection": article.channel.name if article.channel else None,
        "keywords": [t.name for t in article.tags.all()],
        "contentLocation": [{"@type": "Place", "name": r.name} for r in article.regions.all()],
    }
    if editor:
        data["editor"] = {"@type": "Person", "name": editor.get_full_name() or editor.get_username()}
    payload = json.dumps({k: v for k, v in data.items() if v not in (None, [], "")}, ensure_ascii=False)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(payload.translate(_JSON_ESCAPES)),
    )


@register.simple_tag(takes_context=True)
def absolute_url(context, url):
    return _absolute(context["request"], url)
