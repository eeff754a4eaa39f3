"""Responsive cover images: library renditions with srcset and lazy loading."""

from django import template
from django.utils.safestring import mark_safe

from articles.media import html as media_html

register = template.Library()


@register.simple_tag
def cover_img(item, sizes="100vw", loading="lazy", css_class=""):
    """The <img> for an article's (or topic's) library cover: srcset, lazy by default."""
    cover = getattr(item, "cover", None)
    if cover is None:
        return ""
    alt = getattr(item, "cover_alt", "") or cover.alt_text
    return mark_safe(media_html.img_tag(cover, alt, sizes, loading=loading, css_class=css_class))
