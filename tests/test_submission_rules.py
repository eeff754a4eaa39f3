"""The rules under the forms: credit codes, phone numbers, files, deadlines, tracking numbers."""

import datetime
import io
import threading
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from PIL import Image

from submissions import attachments, deadlines, tracking
from submissions.models import TrackingCounter
from submissions.validators import (
    normalize_contact,
    normalize_credit_code,
    normalize_mobile,
    validate_credit_code,
    validate_mobile,
)
from tests.files import docx_bytes, exif_with_gps, image_bytes, pdf_bytes

BEIJING = ZoneInfo("Asia/Shanghai")

# The example in GB 32100-2015 and a code printed on a real licence.
REAL_CODES = ["91350100M000100Y43", "91110000600037341L"]


class _Upload(io.BytesIO):
    def __init__(self, name, content):
        super().__init__(content)
        self.name = name
        self.size = len(content)


# ----- 统一社会信用代码 -----


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_credit_codes_pass(code):
    validate_credit_code(normalize_credit_code(code))


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("91350100m000100y43", "91350100M000100Y43"),
        (" 9135 0100 M000 100Y 43 ", "91350100M000100Y43"),
        ("９１３５０１００Ｍ０００１００Ｙ４３", "91350100M000100Y43"),
        ("91350100M000100Y43\u3000", "91350100M000100Y43"),
    ],
)
def test_credit_codes_are_normalised_before_checking(typed, expected):
    assert normalize_credit_code(typed) == expected
    validate_credit_code(normalize_credit_code(typed))


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("91350100M000100Y4", "应为 18 位"),
        ("91350100M000100Y433", "应为 18 位"),
        ("91350100M000100I43", "I"),
        ("91350100O000100Y43", "O"),
        ("91350100M000100Y44", "校验位不正确"),
        ("91350100M000100Y4-", "-"),
    ],
)
def test_bad_credit_codes_are_refused_with_the_reason(code, message):
    with pytest.raises(ValidationError) as error:
        validate_credit_code(code)
    assert message in error.value.messages[0]


# ----- phone numbers and contact details -----


@pytest.mark.parametrize(
    "typed", ["13800138000", "+86 138 0013 8000", "+86-138-0013-8000", "0086 13800138000", "８６１３８００１３８０００"]
)
def test_mainland_mobile_numbers_are_normalised(typed):
    assert normalize_mobile(typed) == "13800138000"
    validate_mobile(normalize_mobile(typed))


@pytest.mark.parametrize("typed", ["12800138000", "1380013800", "138001380001", "+1 415 555 0100", "010-12345678"])
def test_other_numbers_are_not_mobile_numbers(typed):
    with pytest.raises(ValidationError):
        validate_mobile(normalize_mobile(typed))


def test_contact_details_accept_mobiles_landlines_and_emails():
    assert normalize_contact("010-6512 3456") == ("01065123456", "")
    assert normalize_contact("a.b@Example.CN") == ("a.b@example.cn", "a.b@example.cn")
    with pytest.raises(ValidationError):
        normalize_contact("QQ 12345")


# ----- files -----


def test_files_are_recognised_by_content_not_name():
    assert attachments.sniff(image_bytes("JPEG")) == attachments.IMAGE
    assert attachments.sniff(image_bytes("WEBP")) == attachments.IMAGE
    assert attachments.sniff(pdf_bytes()) == attachments.PDF
    assert attachments.sniff(docx_bytes()) == attachments.DOCX
    assert attachments.sniff(b"GIF89a") is None
    assert attachments.sniff(b"MZ\x90") is None


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_images_are_reencoded_in_their_own_format_without_metadata(fmt):
    original = image_bytes(fmt, exif=exif_with_gps()) + b"<?php system($_GET['c']); ?>"
    prepared = attachments.prepare(_Upload("photo.bin", original), [attachments.IMAGE])
    image = Image.open(io.BytesIO(prepared.content))

    assert image.format == fmt
    assert not image.getexif()
    assert b"<?php" not in prepared.content
    assert prepared.original_name.startswith("photo.")


def test_a_docx_unpacking_to_something_absurd_is_refused(settings):
    bomb = docx_bytes(extra={"word/media/huge.bin": b"\x00" * (attachments.docx_max_unpacked() + 1)})
    with pytest.raises(ValidationError):
        attachments.prepare(_Upload("bomb.docx", bomb), [attachments.DOCX])


def test_a_zip_that_is_not_a_word_document_is_refused():
    not_word = docx_bytes().replace(b"word/document.xml", b"xl/workbook.xmlx")
    with pytest.raises(ValidationError):
        attachments.prepare(_Upload("sheet.docx", not_word), [attachments.DOCX])


def test_file_names_lose_paths_and_control_characters():
    assert attachments.display_name("C:\\Users\\me\\报告.pdf") == "报告.pdf"
    assert attachments.display_name("../../etc/passwd") == "passwd"
    assert attachments.display_name("a\x00b\r\n.pdf") == "a_b_.pdf"
    assert attachments.display_name("") == "附件"


def test_an_image_declaring_huge_dimensions_is_refused_before_decoding(settings):
    settings.SUBMISSIONS_MAX_IMAGE_PIXELS = 1000
    with pytest.raises(ValidationError) as error:
        attachments.prepare(_Upload("big.png", image_bytes("PNG", size=(100, 100))), [attachments.IMAGE])
    assert "像素尺寸过大" in error.value.messages[0]


# ----- deadlines -----


def test_the_deadline_counts_working_days_only(settings):
    settings.SUBMISSION_DEADLINE_WORKING_DAYS = 5
    friday = datetime.datetime(2026, 11, 27, 16, 0, tzinfo=BEIJING)
    assert deadlines.due_date(friday) == datetime.date(2026, 12, 4)  # next Friday, that day included


def test_configured_holidays_and_make_up_days_are_respected(settings):
    # 2031 is beyond the holiday calendar the package ships: only weekends and the settings count.
    settings.SUBMISSION_DEADLINE_WORKING_DAYS = 2
    settings.SUBMISSIONS_HOLIDAYS = frozenset({datetime.date(2031, 10, 1), datetime.date(2031, 10, 2)})
    settings.SUBMISSIONS_MAKEUP_WORKDAYS = frozenset({datetime.date(2031, 10, 4)})
    received = datetime.datetime(2031, 9, 30, 10, 0, tzinfo=BEIJING)
    # Oct 1–2 are holidays, Friday Oct 3 counts, Saturday Oct 4 is a make-up day.
    assert deadlines.due_date(received) == datetime.date(2031, 10, 4)


# ----- tracking numbers and codes -----


@pytest.mark.django_db
def test_tracking_numbers_count_per_prefix_and_day():
    day = datetime.date(2026, 11, 25)
    assert tracking.next_tracking_number("TG", day) == "TG-20261125-000001"
    assert tracking.next_tracking_number("TG", day) == "TG-20261125-000002"
    assert tracking.next_tracking_number("RZ", day) == "RZ-20261125-000001"
    assert tracking.next_tracking_number("TG", day + datetime.timedelta(days=1)) == "TG-20261126-000001"
    assert TrackingCounter.objects.get(prefix="TG", day=day).value == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_never_share_a_tracking_number():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; real concurrency needs PostgreSQL")
    from django.db import connections, transaction

    numbers, errors = [], []

    def take():
        try:
            with transaction.atomic():
                numbers.append(tracking.next_tracking_number("TG"))
        except Exception as exc:  # report, never hang the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(numbers)) == 12


def test_query_codes_are_stable_per_token_and_only_their_hash_is_kept():
    code = tracking.query_code_for("nonce-1")
    assert code == tracking.query_code_for("nonce-1") != tracking.query_code_for("nonce-2")
    assert len(code) == 8 and set(code) <= set(tracking.CODE_ALPHABET)
    stored = tracking.hash_query_code(code)
    assert code not in stored
    assert tracking.check_query_code(code.lower(), stored)
    assert tracking.check_query_code(tracking.format_query_code(code), stored)
    assert not tracking.check_query_code("ZZZZZZZZ", stored)
    assert not tracking.check_query_code(code, "garbage")
