"""The one image pipeline: every picture the site stores passes through `clean()`.

Used by the media library (editors' uploads and covers, `articles.media.library`) and by
the public forms' attachments (`submissions.attachments`). A picture is judged by its
content, never its name: it must decode as one of the allowed formats, within a pixel
limit read from its header before anything is decoded (decompression bombs), and it is
stored re-encoded in its own format, upright, without EXIF, XMP, comments or any bytes
that trailed the image. Renditions of library images are made from the cleaned original
(`articles.media.renditions`).
"""

import io
import warnings
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from PIL import Image, ImageOps, UnidentifiedImageError

# Pillow format -> (extension, MIME type, name shown to people).
FORMATS = {
    "JPEG": ("jpg", "image/jpeg", "JPEG"),
    "PNG": ("png", "image/png", "PNG"),
    "WEBP": ("webp", "image/webp", "WebP"),
    "GIF": ("gif", "image/gif", "GIF"),
}
MAX_FRAMES = 300
# GIF keeps only what animation needs; everything else in `info` is metadata.
_GIF_INFO = {"duration", "loop", "transparency", "background"}
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError)

# (message without a file name, message naming the file); the same rule either way.
_MESSAGES = {
    "unreadable": (
        "无法识别的图片文件：请上传 {formats} 格式的图片。",
        "“{name}”无法识别为有效的图片：请上传 {formats} 格式的图片。",
    ),
    "damaged": ("图片文件已损坏或不完整，请重新导出后上传。", "“{name}”已损坏或不完整，请重新导出后上传。"),
    "too_many_pixels": (
        "图片尺寸过大{size}，超过 {limit}的上限，请缩小后再上传。",
        "“{name}”的像素尺寸过大{size}，超过 {limit}的上限，请缩小后再上传。",
    ),
    "too_many_frames": ("动图帧数过多，请压缩后再上传。", "“{name}”动图帧数过多，请压缩后再上传。"),
}


@dataclass(frozen=True)
class CleanImage:
    """A picture that passed every check, re-encoded and ready to be written."""

    content: bytes
    format: str
    width: int
    height: int

    @property
    def extension(self):
        return FORMATS[self.format][0]

    @property
    def mime_type(self):
        return FORMATS[self.format][1]


def describe_formats(formats):
    names = [FORMATS[f][2] for f in formats]
    return "、".join(names[:-1]) + f" 或 {names[-1]}" if len(names) > 1 else names[0]


def _pixels(limit):
    return f"{limit / 10_000:g} 万像素" if limit >= 10_000 else f"{limit} 像素"


def _refuse(code, name=None, formats=(), width=None, height=None, limit=0):
    anonymous, named = _MESSAGES[code]
    message = (named if name else anonymous).format(
        name=name,
        formats=describe_formats(formats) if formats else "",
        size=f"（{width}×{height}）" if width else "",
        limit=_pixels(limit),
    )
    return ValidationError(message, code=code)


def clean(data, *, max_pixels, formats=tuple(FORMATS), name=None):
    """Check the bytes of one picture and return it as a CleanImage.

    Raises ValidationError with a Chinese message (naming the file when `name` is given)
    for anything that is not a sound picture in one of `formats` within `max_pixels`.
    """
    with warnings.catch_warnings():
        # Pillow only warns between its own limit and twice it; treat the warning as the bomb it is.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as probe:
                fmt, (width, height) = probe.format, probe.size
                frames = getattr(probe, "n_frames", 1)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _refuse("too_many_pixels", name, limit=max_pixels) from None
        except (UnidentifiedImageError, *_DECODE_ERRORS):
            raise _refuse("unreadable", name, formats) from None
        if fmt not in formats:
            raise _refuse("unreadable", name, formats)
        if width < 1 or height < 1:
            raise _refuse("damaged", name)
        if width * height > max_pixels:
            raise _refuse("too_many_pixels", name, width=width, height=height, limit=max_pixels)
        if frames > MAX_FRAMES or width * height * frames > max_pixels * 4:
            raise _refuse("too_many_frames", name)
        try:
            with Image.open(io.BytesIO(data)) as image:
                content = _reencode(image, fmt)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _refuse("too_many_pixels", name, width=width, height=height, limit=max_pixels) from None
        except _DECODE_ERRORS:
            raise _refuse("damaged", name) from None
    return CleanImage(content, fmt, width, height)


def _reencode(image, fmt):
    """The picture alone: upright, in its own format, with no EXIF, XMP or comments."""
    out = io.BytesIO()
    icc = image.info.get("icc_profile")
    if fmt == "GIF":
        frames = getattr(image, "n_frames", 1)
        image.load()
        image.info = {k: v for k, v in image.info.items() if k in _GIF_INFO}
        image.save(out, format="GIF", save_all=frames > 1)
        return out.getvalue()
    # The EXIF orientation is applied to the pixels, since the EXIF itself is dropped.
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
        if upright.mode not in {"RGB", "RGBA"}:
            upright = upright.convert("RGBA")
        upright.save(out, format="WEBP", quality=90, **options)
    return out.getvalue()
