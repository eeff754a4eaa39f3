"""Factories and helpers for the submissions tests: records, form posts and real files."""

import datetime
import io
import secrets
import time
import zipfile

import factory
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from submissions import attachments, tracking
from submissions.models import ContactMessage, Contribution, EntryRequest
from submissions.validators import credit_code_check_char
from tests.factories import IndustryFactory, RegionFactory

QUERY_CODE = "ABCD2345"
_QUERY_CODE_HASH = tracking.hash_query_code(QUERY_CODE)


def stored_files(settings):
    root = settings.PRIVATE_MEDIA_ROOT
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


class SubmissionFactory(factory.django.DjangoModelFactory):
    query_code_hash = _QUERY_CODE_HASH
    form_token = factory.Sequence(lambda n: f"{n:064x}")
    received_at = factory.LazyFunction(timezone.now)
    due_at = factory.LazyAttribute(lambda o: o.received_at + datetime.timedelta(days=7))


class ContributionFactory(SubmissionFactory):
    class Meta:
        model = Contribution

    tracking_number = factory.Sequence(lambda n: f"TG-20261125-{n + 1:06d}")
    name = "张三"
    phone = "13800138000"
    email = factory.Sequence(lambda n: f"author{n}@example.com")
    title = factory.Sequence(lambda n: f"中关村新项目落地第{n}篇")
    body = "第一段：项目概况。\n\n第二段：投资额与就业。"
    region = factory.SubFactory(RegionFactory)
    terms_accepted_at = factory.LazyFunction(timezone.now)


class EntryRequestFactory(SubmissionFactory):
    class Meta:
        model = EntryRequest

    tracking_number = factory.Sequence(lambda n: f"RZ-20261125-{n + 1:06d}")
    company_name = factory.Sequence(lambda n: f"北京示例科技有限公司{n}")
    credit_code = factory.LazyFunction(lambda: valid_credit_code())
    contact_name = "李四"
    phone = "13900139000"
    email = factory.Sequence(lambda n: f"company{n}@example.com")
    industry = factory.SubFactory(IndustryFactory)
    region = factory.SubFactory(RegionFactory)
    investment_amount = "5000.00"
    employee_count = 120
    requirements = "需要 2000 平方米研发办公用房，咨询人才落户政策。"
    status = EntryRequest.Status.RECEIVED


class ContactMessageFactory(SubmissionFactory):
    class Meta:
        model = ContactMessage

    tracking_number = factory.Sequence(lambda n: f"LX-20261125-{n + 1:06d}")
    name = "王五"
    contact = "wangwu@example.com"
    email = "wangwu@example.com"
    message = "请问亦庄有哪些生物医药产业扶持政策？"


def valid_credit_code(first17="91110108MA01ABCD2"):
    return first17 + credit_code_check_char(first17)


def form_token(form_name, age=60):
    """A signed one-time token for `form_name`, issued `age` seconds ago."""
    payload = {"n": secrets.token_urlsafe(24), "f": form_name, "t": time.time() - age}
    return signing.dumps(payload, salt="submissions.form-token")


def contribution_data(region, /, **overrides):
    data = {
        "form_token": form_token("contribution"),
        "homepage": "",
        "name": "张三",
        "phone": "+86 138-0013-8000",
        "email": "zhangsan@example.com",
        "organization": "海淀区某科技园",
        "title": "中关村科学城新增三个人工智能项目",
        "body": "近日，中关村科学城新签约三个人工智能项目。\n\n项目总投资约 12 亿元，预计新增就业岗位 800 个。",
        "region": str(region.pk),
        "agree_terms": "on",
    }
    data.update(overrides)
    return data


def entry_data(region, industry, /, **overrides):
    data = {
        "form_token": form_token("entry"),
        "homepage": "",
        "company_name": "北京示例生物医药有限公司",
        "credit_code": valid_credit_code(),
        "contact_name": "李四",
        "phone": "13900139000",
        "email": "lisi@example.com",
        "industry": str(industry.pk),
        "region": str(region.pk),
        "investment_amount": "5000",
        "employee_count": "120",
        "requirements": "需要 2000 平方米研发办公用房，咨询人才落户政策。",
    }
    data.update(overrides)
    return data


def contact_data(**overrides):
    data = {
        "form_token": form_token("contact"),
        "homepage": "",
        "name": "王五",
        "contact": "wangwu@example.com",
        "message": "请问亦庄有哪些生物医药产业扶持政策？",
    }
    data.update(overrides)
    return data


# ----- real files -----


def image_bytes(fmt="JPEG", size=(64, 48), color=(200, 30, 30), exif=None):
    buffer = io.BytesIO()
    image = Image.new("RGB", size, color)
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(buffer, fmt, **kwargs)
    return buffer.getvalue()


def exif_with_gps():
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    exif[0x8825] = {1: "N", 2: (39.0, 54.0, 27.0), 3: "E", 4: (116.0, 23.0, 17.0)}  # GPSInfo
    return exif


def pdf_bytes():
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


def docx_bytes(macro=False, extra=None):
    buffer = io.BytesIO()
    main = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    if macro:
        main = "application/vnd.ms-word.document.macroEnabled.main+xml"
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            f'<?xml version="1.0"?><Types><Override PartName="/word/document.xml" ContentType="{main}"/></Types>',
        )
        archive.writestr("word/document.xml", "<w:document><w:body><w:p>投稿正文</w:p></w:body></w:document>")
        if macro:
            archive.writestr("word/vbaProject.bin", b"\x00" * 64)
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


# ----- the processing admin -----

INLINES = {
    "attachment": "submissions-attachment-content_type-object_id",
    "statuschange": "submissions-statuschange-content_type-object_id",
    "internalnote": "submissions-internalnote-content_type-object_id",
}


def attach(submission, content, name, label="附件"):
    """An attachment of `submission`, checked and stored as the public forms do it."""
    prepared = attachments.prepare(upload(name, content), [attachments.IMAGE, attachments.PDF])
    attachment = attachments.store(prepared, label)
    attachment.submission = submission
    attachment.save()
    return attachment


def change_data(submission, note="", **fields):
    """The admin change form as a browser would post it."""
    data = {
        "status": submission.status,
        "assignee": submission.assignee_id or "",
        "public_reply": submission.public_reply,
    }
    existing = {
        "attachment": list(submission.attachments.values_list("pk", flat=True)),
        "statuschange": list(submission.status_changes.values_list("pk", flat=True)),
        "internalnote": list(submission.notes.values_list("pk", flat=True)),
    }
    for key, prefix in INLINES.items():
        pks = existing[key]
        extra = 1 if key == "internalnote" else 0
        data |= {
            f"{prefix}-TOTAL_FORMS": len(pks) + extra,
            f"{prefix}-INITIAL_FORMS": len(pks),
            f"{prefix}-MIN_NUM_FORMS": 0,
            f"{prefix}-MAX_NUM_FORMS": 1000,
        }
        for index, pk in enumerate(pks):
            data[f"{prefix}-{index}-id"] = pk
        if extra:
            data[f"{prefix}-{len(pks)}-text"] = note
    data.update(fields)
    return data


def change_url(submission):
    return f"/admin/submissions/{submission._meta.model_name}/{submission.pk}/change/"
