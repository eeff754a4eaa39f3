"""Checking and storing uploads by what they contain, never by their name or Content-Type.

Only allowlisted kinds pass: JPEG/PNG/WebP images (through the site's one image pipeline,
`articles.media.pipeline`, which re-encodes them and so
drops EXIF and any trailing payload), PDF and DOCX. Files get generated names under
PRIVATE_MEDIA_ROOT; the name the submitter used is kept only for the download.
"""

import io
import posixpath
import re
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from articles.media import pipeline
from submissions.models import Attachment
from submissions.storage import private_storage

IMAGE = Attachment.Kind.IMAGE
PDF = Attachment.Kind.PDF
DOCX = Attachment.Kind.DOCX

# The picture formats the public forms accept (the pipeline knows each one's extension and type).
IMAGE_FORMATS = ("JPEG", "PNG", "WEBP")
KIND_NAMES = {IMAGE: "JPG、PNG、WebP 图片", PDF: "PDF", DOCX: "DOCX（Word）文档"}
ACCEPT = {
    IMAGE: ".jpg,.jpeg,.png,.webp,image/jpeg,image/png,image/webp",
    PDF: ".pdf,application/pdf",
    DOCX: ".docx,application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# A DOCX is a zip; refuse archives that would unpack to something absurd (zip bombs).
DOCX_MAX_UNPACKED = 200 * 1024 * 1024
DOCX_MAX_ENTRIES = 2000

_UNSAFE_NAME_CHARS = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")


@dataclass(frozen=True)
class PreparedFile:
    """An upload that passed every check, ready to be written."""

    kind: str
    extension: str
    mime_type: str
    content: bytes
    original_name: str

    @property
    def size(self):
        return len(self.content)


def accept_attribute(kinds):
    """The <input type=file accept=…> hint for the given kinds (the server still checks)."""
    return ",".join(ACCEPT[kind] for kind in kinds)


def describe_kinds(kinds):
    return "、".join(KIND_NAMES[kind] for kind in kinds)


def display_name(name):
    """The file's own name without any path, control or reserved characters, at most 100 characters."""
    name = unicodedata.normalize("NFC", name or "")
    name = posixpath.basename(name.replace("\\", "/"))
    name = _UNSAFE_NAME_CHARS.sub("_", name).strip(" .")
    return name[-100:] or "附件"


def prepare(upload, kinds):
    """Check one uploaded file and return a PreparedFile, or raise ValidationError in Chinese."""
    shown = display_name(upload.name)
    limit = settings.SUBMISSIONS_MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise ValidationError(
            f"“{shown}”大小为 {filesizeformat(upload.size)}，超过了 {filesizeformat(limit)} 的上限。", code="too_big"
        )
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:  # the declared size lied
        raise ValidationError(f"“{shown}”超过了 {filesizeformat(limit)} 的上限。", code="too_big")
    if not data:
        raise ValidationError(f"“{shown}”是空文件。", code="empty")

    refused = ValidationError(f"“{shown}”不是允许的文件类型。请上传{describe_kinds(kinds)}。", code="type")
    kind = sniff(data)
    if kind not in kinds:
        raise refused
    if kind == IMAGE:
        content, extension, mime_type = reencode_image(data, shown)
    elif kind == PDF:
        content, extension, mime_type = data, "pdf", "application/pdf"
    else:
        check_docx(data, refused)
        content, extension, mime_type = data, "docx", DOCX_MIME
    stem = posixpath.splitext(shown)[0] or "附件"
    return PreparedFile(kind, extension, mime_type, content, f"{stem}.{extension}")


def sniff(data):
    """The kind of file the bytes say this is (magic numbers), or None."""
    if data.startswith(b"\xff\xd8\xff") or data.startswith(b"\x89PNG\r\n\x1a\n"):
        return IMAGE
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return IMAGE
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"PK\x03\x04"):
        return DOCX
    return None


def reencode_image(data, shown):
    """Decode and re-encode an image through the site's one image pipeline (no EXIF, no bombs)."""
    image = pipeline.clean(data, max_pixels=settings.SUBMISSIONS_MAX_IMAGE_PIXELS, formats=IMAGE_FORMATS, name=shown)
    return image.content, image.extension, image.mime_type


def check_docx(data, refused):
    """A real Word document: an OOXML zip with a main document part and no macros."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            names = {entry.filename for entry in entries}
            if len(entries) > DOCX_MAX_ENTRIES or sum(e.file_size for e in entries) > DOCX_MAX_UNPACKED:
                raise refused
            if "[Content_Types].xml" not in names or "word/document.xml" not in names:
                raise refused
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                raise refused
            if archive.getinfo("[Content_Types].xml").file_size > 1024 * 1024:
                raise refused
            content_types = archive.read("[Content_Types].xml")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, OSError, RuntimeError, ValueError):
        raise refused from None
    if b"macroEnabled" in content_types or b"wordprocessingml.document.main+xml" not in content_types:
        raise refused


def store(prepared, label="附件"):
    """Write a prepared file under a generated name and return its unsaved Attachment."""
    attachment = Attachment(
        label=label,
        original_name=prepared.original_name,
        kind=prepared.kind,
        mime_type=prepared.mime_type,
        size=prepared.size,
    )
    name = f"submissions/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{prepared.extension}"
    attachment.file.save(name, ContentFile(prepared.content), save=False)
    return attachment


def delete_files(stored):
    """Remove the files of attachments whose database rows were never written."""
    storage = private_storage()
    for attachment in stored:
        storage.delete(attachment.file.name)
