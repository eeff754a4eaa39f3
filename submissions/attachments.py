"""Checking and storing uploads by what they contain, never by their name or Content-Type.

Only allowlisted kinds pass: JPEG/PNG/WebP images (through the site's one image pipeline,
`articles.media.pipeline`, which re-encodes them and so drops EXIF and any trailing payload),
PDF and DOCX. Documents cannot be re-encoded, so they are refused when they carry active
content: a PDF with scripts, launch or remote actions, embedded files or multimedia (parsed with
pypdf, object streams included, within fixed limits), an encrypted or unreadable PDF, a DOCX
with macros, ActiveX or OLE objects, or one that unpacks to far more than it weighs.
Files get generated names under PRIVATE_MEDIA_ROOT; the name the submitter used is kept only
for the download. A checked file survives a form refused for another reason (`keep`, below).
"""

import io
import posixpath
import re
import time
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from articles.media import pipeline
from newsportal.text import strip_control_characters
from submissions.models import Attachment
from submissions.pdf import check_pdf
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
# A DOCX is a zip. Text compresses five to twenty times and pictures not at all, so a real
# document unpacks to a few times its size; far more is a zip bomb.
DOCX_MAX_UNPACKED_FACTOR = 5  # times SUBMISSIONS_MAX_UPLOAD_BYTES, for the whole archive
DOCX_MAX_RATIO = 100  # unpacked / packed, for each entry that unpacks to more than a megabyte
DOCX_RATIO_FROM = 1024 * 1024
DOCX_MAX_ENTRIES = 2000
# Parts that run code or carry foreign programs: VBA macros, ActiveX controls, OLE objects.
_DOCX_ACTIVE_PART = re.compile(r"(^|/)(vbaproject\.bin|activex/.*|embeddings/oleobject[^/]*\.bin)$", re.IGNORECASE)

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
    # Then what is left unseen (C1, bidi overrides, zero-width) goes: "报告\u202efdp.exe" is no PDF.
    name = strip_control_characters(_UNSAFE_NAME_CHARS.sub("_", name)).strip(" .")
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
        check_pdf(data, shown)
        content, extension, mime_type = data, "pdf", "application/pdf"
    else:
        check_docx(data, shown, refused)
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


def docx_max_unpacked():
    """How much a DOCX may unpack to in all: DOCX_MAX_UNPACKED_FACTOR times the upload limit."""
    return DOCX_MAX_UNPACKED_FACTOR * settings.SUBMISSIONS_MAX_UPLOAD_BYTES


def check_docx(data, shown, refused):
    """A real Word document: an OOXML zip with a main document part, no macros, ActiveX or OLE
    objects, that unpacks to a sane size. Every entry is read (bounded by its declared size, with
    its CRC checked), so an archive that lies about its sizes is refused as well."""
    limit = docx_max_unpacked()
    bomb = ValidationError(
        f"“{shown}”解压后超过 {filesizeformat(limit)} 或压缩比异常，可能是压缩炸弹，不予接收。", code="bomb"
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            names = {entry.filename for entry in entries}
            if "[Content_Types].xml" not in names or "word/document.xml" not in names:
                raise refused
            if any(_DOCX_ACTIVE_PART.search(name) for name in names):
                raise ValidationError(
                    f"“{shown}”包含宏、ActiveX 控件或嵌入的程序对象，出于安全考虑不予接收。"
                    "请另存为普通的 DOCX 文档后重新上传。",
                    code="active",
                )
            if len(entries) > DOCX_MAX_ENTRIES or sum(e.file_size for e in entries) > limit:
                raise bomb
            if any(e.file_size > DOCX_RATIO_FROM and e.file_size > DOCX_MAX_RATIO * e.compress_size for e in entries):
                raise bomb
            if archive.getinfo("[Content_Types].xml").file_size > 1024 * 1024:
                raise refused
            content_types = archive.read("[Content_Types].xml")
            for entry in entries:
                with archive.open(entry) as member:
                    while member.read(1024 * 1024):
                        pass
    except ValidationError:
        raise
    except Exception:  # zipfile raises many kinds of error on a hostile archive; all mean "not a DOCX"
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


# ----- uploads kept across a refused form -----
#
# When another field of a public form fails, a file that passed every check above is written to
# private storage under kept/ with a random name and described by a signed, expiring token in a
# hidden field, so the submitter need not choose it again. The token names the file, the form
# field it was given for, and what the checks found; a token cannot be made or altered without
# SECRET_KEY, and the random name cannot be guessed, so no token reaches another person's file.
# A kept file is deleted once its submission is saved; files nobody came back for are purged
# once they are older than KEPT_MAX_AGE whenever another file is kept.

KEPT_MAX_AGE = 3 * 60 * 60  # seconds a kept upload stays usable
_KEPT_SALT = "submissions.kept-upload"
_KEPT_DIR = "kept"
_KEPT_NAME = re.compile(rf"{_KEPT_DIR}/(\d+)-[0-9a-f]{{32}}\.(jpg|png|webp|pdf|docx)")  # fullmatch only
KEPT_GONE = "之前上传的文件已失效，请重新选择文件。"


@dataclass(frozen=True)
class KeptUpload:
    """A checked upload waiting in private storage for the form to be sent again."""

    token: str
    name: str  # in private storage
    purpose: str  # "<form>.<field>": the only field the token is good for
    kind: str
    mime_type: str
    original_name: str

    def load(self):
        """The PreparedFile again, or ValidationError when the file has gone (used or purged)."""
        try:
            with private_storage().open(self.name, "rb") as handle:
                content = handle.read()
        except FileNotFoundError:
            raise ValidationError(KEPT_GONE, code="kept_gone") from None
        extension = self.name.rsplit(".", 1)[1]
        return PreparedFile(self.kind, extension, self.mime_type, content, self.original_name)


def keep(prepared, purpose):
    """Write a checked file to kept/ and return its KeptUpload (with the token for the form)."""
    purge_kept()
    name = f"{_KEPT_DIR}/{int(time.time())}-{uuid.uuid4().hex}.{prepared.extension}"
    name = private_storage().save(name, ContentFile(prepared.content))
    payload = {"p": name, "u": purpose, "k": prepared.kind, "m": prepared.mime_type, "o": prepared.original_name}
    token = signing.dumps(payload, salt=_KEPT_SALT, compress=True)
    return KeptUpload(token, name, purpose, prepared.kind, prepared.mime_type, prepared.original_name)


def read_kept(token, purpose):
    """The KeptUpload a posted token stands for, or None if it is forged, expired, for another
    field, or its file is gone."""
    try:
        data = signing.loads(token or "", salt=_KEPT_SALT, max_age=KEPT_MAX_AGE)
        fields = [str(data[key]) for key in ("p", "u", "k", "m", "o")]
    except (signing.BadSignature, KeyError, TypeError):
        return None
    name, kept_for, kind, mime_type, original_name = fields
    if kept_for != purpose or not _KEPT_NAME.fullmatch(name) or kind not in KIND_NAMES:
        return None
    kept = KeptUpload(str(token), name, kept_for, kind, mime_type, display_name(original_name))
    return kept if private_storage().exists(kept.name) else None


def discard_kept(kept_uploads):
    """Delete kept files whose submission has been saved."""
    storage = private_storage()
    for kept in kept_uploads:
        storage.delete(kept.name)


def purge_kept(now=None):
    """Delete kept files older than KEPT_MAX_AGE (their tokens have expired); returns how many."""
    storage = private_storage()
    try:
        _, names = storage.listdir(_KEPT_DIR)
    except FileNotFoundError:
        return 0
    oldest = (now or time.time()) - KEPT_MAX_AGE
    purged = 0
    for name in names:
        match = _KEPT_NAME.fullmatch(f"{_KEPT_DIR}/{name}")
        if match and int(match.group(1)) < oldest:
            storage.delete(f"{_KEPT_DIR}/{name}")
            purged += 1
    return purged
