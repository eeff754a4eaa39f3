"""Uploads into the media library: the library's limits applied to the shared image pipeline."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from articles.media import pipeline


def clean_upload(uploaded):
    """Check an uploaded file and return it re-encoded, EXIF-free, as a ContentFile.

    Raises ValidationError with a message for the editor on anything that is not a sound
    JPEG, PNG, WebP or GIF within the library's byte and pixel limits.
    """
    max_bytes = settings.ARTICLE_IMAGE_MAX_BYTES
    if uploaded.size > max_bytes:
        raise ValidationError(
            f"图片文件过大（{uploaded.size / 1048576:.1f} MB），不能超过 {max_bytes / 1048576:.0f} MB。",
            code="too_large",
        )
    if uploaded.size == 0:
        raise ValidationError("上传的文件是空的。", code="empty")
    uploaded.seek(0)
    image = pipeline.clean(uploaded.read(max_bytes + 1), max_pixels=settings.ARTICLE_IMAGE_MAX_PIXELS)
    return ContentFile(image.content, name=f"{uuid.uuid4().hex}.{image.extension}")
