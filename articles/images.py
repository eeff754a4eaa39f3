"""The media library's rules: what an upload may be, how it is cleaned, and its renditions.

An upload is checked by its content (never its name): JPEG, PNG, WebP or GIF, within a byte
and a pixel limit (a decompression bomb is refused from its header, before it is decoded).
The stored original is re-encoded without EXIF (GPS, camera serials) and turned upright.
WebP renditions at several widths are generated once, by a task that runs after commit;
pages then serve them with srcset and lazy loading, without another query.
"""

import html as htmllib
import re
import uuid
import warnings
from io import BytesIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.tasks import task
from django.utils.html import escape
from PIL import Image as PILImage
from PIL import ImageOps, UnidentifiedImageError

from articles.models import Image

# Format Pillow detects from the bytes → extension of the stored original.
ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
RENDITION_WIDTHS = (320, 640, 960, 1280, 1920)
MAX_GIF_FRAMES = 300
# Body images take the text column's width; phones take the whole screen.
BODY_SIZES = "(max-width: 760px) 100vw, 760px"

UNREADABLE = "无法识别的图片文件：请上传 JPEG、PNG、WebP 或 GIF 格式的图片。"
DAMAGED = "图片文件已损坏或不完整，请重新导出后上传。"


def _too_many_pixels(width=None, height=None):
    limit = settings.ARTICLE_IMAGE_MAX_PIXELS
    size = f"（{width}×{height} 像素）" if width else ""
    return ValidationError(
        f"图片尺寸过大{size}，超过 {limit // 10_000} 万像素的上限，请缩小后再上传。", code="too_many_pixels"
    )


def clean_upload(uploaded):
    """Check an uploaded file and return it re-encoded, EXIF-free, as a ContentFile.

    Raises ValidationError with a message for the editor on anything that is not a sound
    JPEG, PNG, WebP or GIF within the size and pixel limits.
    """
    max_bytes = settings.ARTICLE_IMAGE_MAX_BYTES
    if uploaded.size > max_bytes:
        raise ValidationError(
            f"图片文件过大（{uploaded.size / 1048576:.1f} MB），不能超过 {max_bytes / 1048576:.0f} MB。",
            code="too_large",
        )
    if uploaded.size == 0:
        raise ValidationError("上传的文件是空的。", code="empty")
    with warnings.catch_warnings():
        # Pillow only warns between its own limit and twice it; treat the warning as the bomb it is.
        warnings.simplefilter("error", PILImage.DecompressionBombWarning)
        try:
            uploaded.seek(0)
            with PILImage.open(uploaded) as probe:
                fmt, (width, height) = probe.format, probe.size
                frames = getattr(probe, "n_frames", 1)
        except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
            raise _too_many_pixels() from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
            raise ValidationError(UNREADABLE, code="unreadable") from None
        if fmt not in ALLOWED_FORMATS:
            raise ValidationError(UNREADABLE, code="format")
        if width < 1 or height < 1:
            raise ValidationError(DAMAGED, code="damaged")
        if width * height > settings.ARTICLE_IMAGE_MAX_PIXELS:
            raise _too_many_pixels(width, height)
        if frames > MAX_GIF_FRAMES or width * height * frames > settings.ARTICLE_IMAGE_MAX_PIXELS * 4:
            raise ValidationError("动图帧数过多，请压缩后再上传。", code="too_many_frames")
        try:
            uploaded.seek(0)
            with PILImage.open(uploaded) as image:
                data = _reencode(image, fmt)
        except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
            raise _too_many_pixels(width, height) from None
        except (OSError, SyntaxError, ValueError, EOFError):
            raise ValidationError(DAMAGED, code="damaged") from None
    return ContentFile(data, name=f"{uuid.uuid4().hex}.{ALLOWED_FORMATS[fmt]}")


def _reencode(image, fmt):
    """The picture alone: upright, in its own format, with no EXIF, XMP or comments."""
    out = BytesIO()
    icc = image.info.get("icc_profile")
    if fmt == "GIF":
        frames = getattr(image, "n_frames", 1)
        image.load()
        image.info = {k: v for k, v in image.info.items() if k in {"duration", "loop", "transparency", "background"}}
        image.save(out, format="GIF", save_all=frames > 1)
        return out.getvalue()
    upright = ImageOps.exif_transpose(image)
    upright.info = {}
    options = {"icc_profile": icc} if icc else {}
    if fmt == "JPEG":
        if upright.mode not in {"RGB", "L", "CMYK"}:
            upright = upright.convert("RGB")
        upright.save(out, format="JPEG", quality=90, optimize=True, **options)
    elif fmt == "PNG":
        upright.save(out, format="PNG", optimize=True, **options)
    else:
        upright.save(out, format="WEBP", quality=90, **options)
    return out.getvalue()


# ---------- renditions ----------


def rendition_widths(width):
    """The standard widths narrower than the original, plus the original (capped)."""
    widths = {w for w in RENDITION_WIDTHS if w < width}
    widths.add(min(width, RENDITION_WIDTHS[-1]))
    return sorted(widths)


@task
def generate_renditions(image_id):
    """Write the WebP renditions of one library image, once."""
    image = Image.objects.filter(pk=image_id).first()
    if image is None or image.renditions:
        return
    storage = image.file.storage
    made = []
    with image.file.open("rb") as fh, PILImage.open(fh) as source:
        source.seek(0)
        frame = source.convert("RGBA" if source.mode in {"RGBA", "LA", "P", "PA"} else "RGB")
        for width in rendition_widths(frame.width):
            height = max(1, round(frame.height * width / frame.width))
            resized = frame if width == frame.width else frame.resize((width, height), PILImage.Resampling.LANCZOS)
            out = BytesIO()
            resized.save(out, format="WEBP", quality=80, method=4)
            name = storage.save(f"renditions/{image.pk}/{width}.webp", ContentFile(out.getvalue()))
            made.append({"width": width, "height": height, "name": name})
    updated = Image.objects.filter(pk=image.pk, renditions=[]).update(renditions=made)
    if not updated:  # another worker won the race: keep its files, drop ours
        for item in made:
            storage.delete(item["name"])


@receiver(post_save, sender=Image)
def _schedule_renditions(sender, instance, created, raw=False, **kwargs):
    if raw or instance.renditions:
        return
    transaction.on_commit(lambda: generate_renditions.enqueue(instance.pk))


@receiver(post_delete, sender=Image)
def _delete_files(sender, instance, **kwargs):
    """No orphan files: the original and its renditions go once the row is gone for good."""
    storage = instance.file.storage
    names = [instance.file.name, *(r["name"] for r in instance.renditions or [])]

    def delete():
        for name in names:
            if name:
                storage.delete(name)

    transaction.on_commit(delete)


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


# ---------- images inside article bodies ----------

_IMG = re.compile(r"<img\s([^>]*?)/?>")
_ATTR = re.compile(r'([a-zA-Z-]+)="([^"]*)"')


def _attributes(text):
    return {name: htmllib.unescape(value) for name, value in _ATTR.findall(text)}


def _library_name(src):
    prefix = settings.MEDIA_URL + "images/"
    return src[len(settings.MEDIA_URL) :] if src.startswith(prefix) else None


def responsive_body(html):
    """Give each library image in an (already sanitised) body its srcset, size and lazy loading.

    Runs after the nh3 allowlist and only adds allowlisted attributes built from the
    library's own records, so it cannot reintroduce anything unsafe.
    """
    if "<img" not in (html or ""):
        return html
    names = {_library_name(_attributes(m[1]).get("src", "")) for m in _IMG.finditer(html)} - {None}
    if not names:
        return html
    library = {image.file.name: image for image in Image.objects.filter(file__in=names)}

    def rewrite(match):
        attrs = _attributes(match[1])
        image = library.get(_library_name(attrs.get("src", "")))
        if image is None:
            return match[0]
        attrs.update({"src": image.file.url, "width": str(image.width), "height": str(image.height), "loading": "lazy"})
        if image.renditions:
            attrs.update({"srcset": srcset(image), "sizes": BODY_SIZES})
        attrs.setdefault("alt", image.alt_text)
        if not attrs["alt"]:
            attrs["alt"] = image.alt_text
        return "<img " + " ".join(f'{k}="{escape(v)}"' for k, v in attrs.items()) + ">"

    return _IMG.sub(rewrite, html)
