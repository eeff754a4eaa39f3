"""Library images in HTML: srcset, intrinsic size and lazy loading, for covers and bodies.

Nothing here queries the database: callers pass the Image rows (or, for article bodies,
a lookup from stored file names to rows), so models can use these helpers freely.
"""

import html as htmllib
import re

from django.conf import settings
from django.utils.html import escape

# Body images take the text column's width; phones take the whole screen.
BODY_SIZES = "(max-width: 760px) 100vw, 760px"


def srcset(image):
    storage = image.file.storage
    return ", ".join(f"{storage.url(r['name'])} {r['width']}w" for r in image.renditions or [])


def display_url(image, max_width=1280):
    """The widest rendition up to `max_width`, else the original (renditions still pending)."""
    fitting = [r for r in image.renditions or [] if r["width"] <= max_width]
    if fitting:
        return image.file.storage.url(fitting[-1]["name"])
    return image.file.url


def thumbnail_url(image):
    renditions = image.renditions or []
    return image.file.storage.url(renditions[0]["name"]) if renditions else image.file.url


def img_tag(image, alt, sizes, loading="lazy", css_class=""):
    """An <img> with srcset, sizes, intrinsic size and loading for a library image."""
    attrs = {
        "class": css_class,
        "src": display_url(image),
        "srcset": srcset(image),
        "sizes": sizes if image.renditions else "",
        "width": image.width or "",
        "height": image.height or "",
        "alt": alt,
        "loading": loading,
    }
    parts = [f'{k}="{escape(v)}"' for k, v in attrs.items() if v != "" or k == "alt"]
    return "<img " + " ".join(parts) + ">"


_IMG = re.compile(r"<img\s([^>]*?)/?>")
_ATTR = re.compile(r'([a-zA-Z-]+)="([^"]*)"')


def _attributes(text):
    return {name: htmllib.unescape(value) for name, value in _ATTR.findall(text)}


def _library_name(src):
    prefix = settings.MEDIA_URL + "images/"
    return src[len(settings.MEDIA_URL) :] if src.startswith(prefix) else None


def library_file_names(html):
    """The stored file names of the library images an (already sanitised) body shows."""
    if "<img" not in (html or ""):
        return set()
    return {_library_name(_attributes(m[1]).get("src", "")) for m in _IMG.finditer(html)} - {None}


def responsive_body(html, find_images):
    """Give each library image in an (already sanitised) body its srcset, size and lazy loading.

    `find_images(names)` returns {stored file name: Image} for the names it knows. Runs after
    the nh3 allowlist and only adds allowlisted attributes built from the library's own
    records, so it cannot reintroduce anything unsafe.
    """
    names = library_file_names(html)
    if not names:
        return html
    library = find_images(names)

    def rewrite(match):
        attrs = _attributes(match[1])
        image = library.get(_library_name(attrs.get("src", "")))
        if image is None:
            return match[0]
        attrs.update({"src": image.file.url, "width": str(image.width), "height": str(image.height), "loading": "lazy"})
        if image.renditions:
            attrs.update({"srcset": srcset(image), "sizes": BODY_SIZES})
        if not attrs.get("alt"):
            attrs["alt"] = image.alt_text
        return "<img " + " ".join(f'{k}="{escape(v)}"' for k, v in attrs.items()) + ">"

    return _IMG.sub(rewrite, html)
