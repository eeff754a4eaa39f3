"""投稿 at /submit/: the form, its checks, the receipt and what is (not) written."""

import re

import pytest
from django.core import mail
from django.db import DatabaseError

from submissions import tracking
from submissions.models import Attachment, Contribution, StatusChange
from tests.factories import RegionFactory
from tests.files import docx_bytes, exif_with_gps, image_bytes, pdf_bytes, stored_files, upload
from tests.helpers import contribution_data, form_token, receipt_codes, required, too_long

URL = "/submit/"
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("submission_settings")]


@pytest.fixture
def region():
    return RegionFactory(name="海淀区", slug="haidian")


def test_the_form_shows_every_field_with_its_chinese_label(client, region, django_assert_max_num_queries):
    RegionFactory.create_batch(30)
    with django_assert_max_num_queries(4):
        response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    for label in ["姓名", "手机号码", "电子邮箱", "单位", "标题", "正文", "所属区域", "附件", "投稿须知"]:
        assert f">{label}<" in html or label in html
    assert 'name="form_token"' in html
    assert 'enctype="multipart/form-data"' in html
    assert "海淀区" in html


def test_a_good_contribution_is_saved_with_a_receipt_that_works_on_track(client, region, settings):
    files = [
        upload("现场.jpg", image_bytes("JPEG"), "image/jpeg"),
        upload("方案.pdf", pdf_bytes(), "application/pdf"),
        upload("说明.docx", docx_bytes()),
    ]
    response = client.post(URL, contribution_data(region, attachments=files))

    assert response.status_code == 200
    contribution = Contribution.objects.get()
    assert contribution.phone == "13800138000"
    assert contribution.status == Contribution.Status.NEW
    assert contribution.region == region
    number, code = receipt_codes(response)
    assert number == contribution.tracking_number
    assert re.fullmatch(r"TG-\d{8}-000001", number)
    assert code.replace("-", "") not in contribution.query_code_hash
    assert tracking.lookup(number, code) == contribution
    assert sorted(a.original_name for a in contribution.attachments.all()) == ["方案.pdf", "现场.jpg", "说明.docx"]
    assert len(stored_files(settings)) == 3
    assert StatusChange.objects.filter(to_status="new", changed_by=None).count() == 1


def test_receipt_and_staff_emails_are_sent_only_after_commit(client, region, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(URL, contribution_data(region))
    assert len(callbacks) == 1
    assert mail.outbox == []

    callbacks[0]()
    contribution = Contribution.objects.get()
    receipt, notice = mail.outbox
    assert receipt.to == ["zhangsan@example.com"]
    assert contribution.tracking_number in receipt.subject
    assert contribution.tracking_number in receipt.body
    assert notice.to == ["staff@example.com"]
    assert f"/admin/submissions/contribution/{contribution.pk}/change/" in notice.body


def test_the_query_code_is_not_in_the_email(client, region, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, contribution_data(region))
    _, code = receipt_codes(response)
    assert all(code not in message.body and code.replace("-", "") not in message.body for message in mail.outbox)


def test_images_are_reencoded_without_exif_under_a_generated_private_name(client, region, settings):
    photo = image_bytes("JPEG", size=(40, 20), exif=exif_with_gps())
    client.post(URL, contribution_data(region, attachments=[upload("../../etc/家.jpg", photo, "text/plain")]))

    attachment = Attachment.objects.get()
    from PIL import Image

    with attachment.file.open("rb") as handle:
        stored = Image.open(handle)
        stored.load()
    assert not stored.getexif()
    assert stored.size == (20, 40)  # the EXIF orientation was applied before it was dropped
    assert attachment.original_name == "家.jpg"
    path = stored_files(settings)[0]
    assert path.is_relative_to(settings.PRIVATE_MEDIA_ROOT)
    assert re.fullmatch(r"[0-9a-f]{32}\.jpg", path.name)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        required("name", "姓名"),
        ({"phone": "12345"}, "请填写 11 位中国大陆手机号码"),
        ({"phone": "+1 415 555 0100"}, "请填写 11 位中国大陆手机号码"),
        ({"email": "not-an-email"}, "电子邮箱格式不正确"),
        required("title", "标题"),
        too_long("title", "标题", 100),
        ({"body": "太短了"}, "正文至少 20 个字"),
        ({"region": ""}, "请选择所属区域。"),
        ({"region": "999999"}, "所选所属区域不存在"),
        ({"agree_terms": ""}, "请阅读并同意投稿须知后再提交。"),
    ],
)
def test_bad_input_is_refused_with_a_chinese_message_and_nothing_is_written(
    client, region, settings, overrides, message
):
    data = contribution_data(region, attachments=[upload("a.png", image_bytes("PNG"), "image/png")], **overrides)
    response = client.post(URL, data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert Contribution.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert stored_files(settings) == []


def test_a_refused_form_keeps_what_was_typed_and_the_files(client, region):
    data = contribution_data(region, email="bad", attachments=[upload("a.png", image_bytes("PNG"))])
    response = client.post(URL, data)
    html = response.content.decode()

    assert 'value="中关村科学城新增三个人工智能项目"' in html
    assert "项目总投资约 12 亿元" in html
    assert f'<option value="{region.pk}" selected>' in html
    assert "（无需重新选择）" in html and "请重新选择文件" not in html  # tests/test_upload_kept.py
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_email_error"' in html
    assert 'id="id_email_error"' in html


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("virus.jpg", b"MZ\x90\x00" + b"\x00" * 200),  # an executable dressed as a photo
        ("page.pdf", b"<html><script>alert(1)</script></html>"),
        ("script.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("broken.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100),
        ("macro.docx", docx_bytes(macro=True)),
        ("archive.docx", b"PK\x03\x04" + b"\x00" * 100),
        ("photo.gif", b"GIF89a" + b"\x00" * 100),
    ],
)
def test_hostile_or_unsupported_files_are_refused_by_content(client, region, settings, name, content):
    response = client.post(URL, contribution_data(region, attachments=[upload(name, content, "image/jpeg")]))

    assert response.status_code == 400
    assert name.split(".")[0] in response.content.decode()
    assert Contribution.objects.count() == 0
    assert stored_files(settings) == []


def test_an_oversized_file_is_refused(client, region, settings):
    settings.SUBMISSIONS_MAX_UPLOAD_BYTES = 1024
    big = upload("大图.png", image_bytes("PNG", size=(400, 400), color=(1, 2, 3)) + b"\x00" * 2048)
    response = client.post(URL, contribution_data(region, attachments=[big]))

    assert response.status_code == 400
    assert re.search(r"“大图.png”大小为 3.4\sKB，超过了 1.0\sKB 的上限", response.content.decode())
    assert Contribution.objects.count() == 0


def test_a_decompression_bomb_is_refused(client, region, settings):
    settings.SUBMISSIONS_MAX_IMAGE_PIXELS = 100 * 100
    bomb = upload("bomb.png", image_bytes("PNG", size=(200, 200)))
    response = client.post(URL, contribution_data(region, attachments=[bomb]))

    assert response.status_code == 400
    assert "像素尺寸过大" in response.content.decode()
    assert Contribution.objects.count() == 0


def test_more_than_five_files_are_refused(client, region, settings):
    files = [upload(f"{i}.pdf", pdf_bytes()) for i in range(6)]
    response = client.post(URL, contribution_data(region, attachments=files))

    assert response.status_code == 400
    assert "最多上传 5 个附件，您选择了 6 个" in response.content.decode()
    assert stored_files(settings) == []


def test_markup_in_the_text_is_shown_as_text(client, region):
    data = contribution_data(region, title="<script>alert('x')</script>标题", email="bad")
    html = client.post(URL, data).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert" in html


def test_a_filled_honeypot_is_refused_and_nothing_is_saved(client, region):
    response = client.post(URL, contribution_data(region, homepage="http://spam.example"))

    assert response.status_code == 400
    assert "提交未通过安全校验" in response.content.decode()
    assert Contribution.objects.count() == 0


def test_a_form_sent_faster_than_a_person_can_fill_it_is_refused(client, region, settings):
    settings.SUBMISSIONS_MIN_FILL_SECONDS = 5
    data = contribution_data(region, form_token=form_token("contribution", age=1))
    response = client.post(URL, data)

    assert response.status_code == 400
    assert "提交过快" in response.content.decode()
    assert "中关村科学城新增三个人工智能项目" in response.content.decode()
    assert Contribution.objects.count() == 0


@pytest.mark.parametrize(
    "token",
    ["", "forged:token", form_token("contact"), form_token("contribution", age=3 * 24 * 3600)],
    ids=["missing", "forged", "other-form", "expired"],
)
def test_a_missing_forged_or_stale_token_asks_to_submit_again_with_a_fresh_one(client, region, token):
    response = client.post(URL, contribution_data(region, form_token=token))
    html = response.content.decode()

    assert response.status_code == 400
    assert "页面已过期" in html
    fresh = re.search(r'name="form_token" value="([^"]+)"', html).group(1)
    assert fresh != token
    assert tracking.read_form_token(fresh, "contribution") is not None
    assert Contribution.objects.count() == 0


def test_a_double_submission_creates_one_record_and_shows_the_same_receipt(client, region):
    data = contribution_data(region)
    first = client.post(URL, data)
    second = client.post(URL, data)

    assert Contribution.objects.count() == 1
    assert receipt_codes(first) == receipt_codes(second)
    assert "没有重复提交" in second.content.decode()


def test_a_duplicate_that_races_past_the_check_is_caught_by_the_unique_token(region, settings):
    from submissions import services
    from submissions.forms import ContributionForm

    data = contribution_data(region)
    receipts = []
    for _ in range(2):
        form = ContributionForm(data)
        assert form.is_valid()
        receipts.append(services.submit(form.build_submission(), form.token, form.prepared_files()))

    assert Contribution.objects.count() == 1
    assert receipts[1].duplicate
    assert receipts[1].submission.pk == receipts[0].submission.pk


def test_the_sixth_submission_within_ten_minutes_gets_a_friendly_429(client, region):
    for _ in range(5):
        assert client.post(URL, contribution_data(region)).status_code == 200
    response = client.post(URL, contribution_data(region))

    assert response.status_code == 429
    assert "操作过于频繁" in response.content.decode()
    assert response["Retry-After"] == "600"
    assert Contribution.objects.count() == 5


def test_the_rate_limit_counts_per_client_address(client, region):
    for _ in range(5):
        client.post(URL, contribution_data(region), REMOTE_ADDR="10.0.0.1")
    assert client.post(URL, contribution_data(region), REMOTE_ADDR="10.0.0.2").status_code == 200


def test_refused_bot_attempts_count_towards_the_limit(client, region):
    for _ in range(5):
        client.post(URL, contribution_data(region, homepage="spam"))
    assert client.post(URL, contribution_data(region)).status_code == 429


def test_files_are_deleted_when_the_database_write_fails(client, region, settings, monkeypatch):
    def fail(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(Attachment.objects, "bulk_create", fail)
    data = contribution_data(region, attachments=[upload("a.pdf", pdf_bytes())])
    with pytest.raises(DatabaseError):
        client.post(URL, data)

    assert Contribution.objects.count() == 0
    assert stored_files(settings) == []


def test_posting_the_form_stays_within_its_query_budget(client, region, django_assert_max_num_queries):
    # Navigation (2, uncached here), duplicate check, region, counter, record, history, files.
    files = [upload(f"{i}.png", image_bytes("PNG")) for i in range(5)]
    with django_assert_max_num_queries(20):
        response = client.post(URL, contribution_data(region, attachments=files))
    assert response.status_code == 200


def test_the_terms_page_exists(client):
    response = client.get("/submit/terms/")
    assert response.status_code == 200
    assert "投稿须知" in response.content.decode()
