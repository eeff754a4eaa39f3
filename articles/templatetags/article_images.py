"""Responsive cover images: library renditions with srcset, falling back to the plain file."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from articles import images

register = template.Library()


@register.simple_tag
def cover_img(item, sizes="100vw", loading="lazy", css_class=""):
    """The <img> for an article's (or topic's) cover: srcset from the library, lazy by default.

    Items whose cover file was set directly (imports) get a plain <img>.
    """
    alt = getattr(item, "cover_alt", "") or ""
    cover = getattr(item, "cover", None)
    if cover is not None:
        return mark_safe(images.img_tag(cover, alt or cover.alt_text, sizes, loading=loading, css_class=css_class))
    file = getattr(item, "cover_image", None)
    if file:
        return format_html('<img class="{}" src="{}" alt="{}" loading="{}">', css_class, file.url, alt, loading)
    return ""
