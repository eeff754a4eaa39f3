"""Sharing and crawler metadata for article pages: Open Graph and schema.org JSON-LD."""

import json

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime

from articles.reading import share
from newsportal.links import site_url

register = template.Library()

# The escapes django.utils.html.json_script applies, so the JSON cannot close the tag.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def _absolute(request, url):
    """`url` on SITE_URL: a page from the shared cache is served to every reader, whatever host
    they asked (`request` is kept for the tags' signature)."""
    return site_url(url) if url else None


@register.simple_tag(takes_context=True)
def article_jsonld(context, article):
    """A schema.org NewsArticle block. It is data, never executed: no CSP nonce, so the page can be cached."""
    request = context["request"]
    logo = _absolute(request, static("img/favicon.svg"))
    image = share.image_url(article)
    editor = article.responsible_editor
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title[:110],
        "description": article.excerpt,
        "datePublished": localtime(article.publish_at).isoformat(),
        "dateModified": localtime(max(article.updated_at, article.publish_at)).isoformat(),
        "mainEntityOfPage": _absolute(request, article.get_absolute_url()),
        "image": [image],
        "author": [_author(article)],
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


def _author(article):
    """The byline as schema.org wants it: the site itself for its own newsroom (本网记者), the
    source (else the site) for a story without one, a person otherwise."""
    author = article.author.strip()
    if not author:
        return {"@type": "Organization", "name": article.source or settings.SITE_NAME}
    if share.is_newsroom_byline(author):
        return {"@type": "Organization", "name": settings.SITE_NAME}
    return {"@type": "Person", "name": author}


@register.simple_tag
def og_image(article):
    """The absolute og:image URL: the story's cover, else its generated share card."""
    return share.image_url(article)


@register.simple_tag
def article_share(article):
    """What the share block needs: the public URL, its QR code as inline SVG, the 微博 link."""
    url = share.public_url(article)
    return {"url": url, "qr_svg": share.qr_svg(url), "weibo_url": share.weibo_url(article)}


@register.simple_tag(takes_context=True)
def absolute_url(context, url):
    return _absolute(context["request"], url)
