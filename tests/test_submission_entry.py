"""企业入驻 at /enterprise/apply/: credit codes, the business licence and the receipt."""

import pytest
from django.core import mail
from django.core.cache import cache

from submissions import tracking
from submissions.models import Attachment, EntryRequest
from tests.factories import IndustryFactory, RegionFactory
from tests.files import docx_bytes, image_bytes, pdf_bytes, stored_files, upload
from tests.helpers import entry_data, receipt_codes, required, too_long, valid_credit_code

URL = "/enterprise/apply/"
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("submission_settings")]


@pytest.fixture
def region():
    district = RegionFactory(name="北京经济技术开发区", slug="yizhuang")
    return RegionFactory(name="亦庄生物医药园", slug="yizhuang-bio", parent=district, kind="park")


@pytest.fixture
def industry():
    return IndustryFactory(name="生物医药", slug="biomed")


def licence():
    return upload("营业执照.pdf", pdf_bytes(), "application/pdf")


def test_the_form_lists_regions_as_a_tree_and_industries(client, region, industry, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    for label in ["企业名称", "统一社会信用代码", "联系人", "手机号码", "电子邮箱", "所属行业", "意向区域",
                  "计划投资额（万元）", "员工人数", "需求说明", "营业执照"]:  # fmt: skip
        assert label in html
    assert html.index("北京经济技术开发区") < html.index("\u3000亦庄生物医药园")
    assert "生物医药" in html


def test_a_good_application_is_saved_with_its_licence_and_a_working_receipt(client, region, industry, settings):
    data = entry_data(region, industry, credit_code=" 91110108ma01abcd2" + valid_credit_code()[-1].lower())
    response = client.post(URL, {**data, "business_license": licence()})

    assert response.status_code == 200
    entry = EntryRequest.objects.get()
    assert entry.credit_code == valid_credit_code()
    assert entry.region == region
    assert entry.status == EntryRequest.Status.RECEIVED
    number, code = receipt_codes(response)
    assert number.startswith("RZ-")
    assert tracking.lookup(number, code) == entry
    attachment = Attachment.objects.get()
    assert attachment.label == "营业执照"
    assert attachment.submission == entry
    assert len(stored_files(settings)) == 1


def test_a_full_width_credit_code_with_spaces_is_normalised(client, region, industry):
    code = valid_credit_code()
    full_width = " ".join(chr(ord(c) + 0xFEE0) for c in code)
    client.post(URL, {**entry_data(region, industry, credit_code=full_width), "business_license": licence()})
    assert EntryRequest.objects.get().credit_code == code


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"credit_code": "91110108MA01ABCD"}, "统一社会信用代码应为 18 位"),
        ({"credit_code": "91110108MA01ABCDI" + "0"}, "不含 I、O、S、V、Z"),
        ({"credit_code": valid_credit_code()[:-1] + ("1" if valid_credit_code()[-1] == "0" else "0")}, "校验位不正确"),
        required("company_name", "企业名称"),
        required("contact_name", "联系人"),
        ({"phone": "010-12345678"}, "手机号码"),
        ({"email": "lisi@"}, "电子邮箱格式不正确"),
        ({"industry": ""}, "请选择所属行业。"),
        ({"region": ""}, "请选择意向区域。"),
        ({"investment_amount": "很多"}, "计划投资额（万元）请填写数字"),
        ({"investment_amount": "-5"}, "0"),
        ({"employee_count": "0"}, "1"),
        ({"requirements": "需要"}, "需求说明至少 10 个字"),
        too_long("requirements", "需求说明", 5000),
    ],
)
def test_bad_input_is_refused_with_a_chinese_message(client, region, industry, settings, overrides, message):
    response = client.post(URL, {**entry_data(region, industry, **overrides), "business_license": licence()})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert EntryRequest.objects.count() == 0
    assert stored_files(settings) == []


def test_the_licence_is_required(client, region, industry):
    response = client.post(URL, entry_data(region, industry))
    assert response.status_code == 400
    assert "请上传营业执照。" in response.content.decode()


@pytest.mark.parametrize(
    ("name", "content"),
    [("执照.docx", docx_bytes()), ("执照.pdf", b"MZ" + b"\x00" * 100), ("执照.jpg", b"\xff\xd8\xff" + b"\x00" * 50)],
)
def test_a_licence_that_is_not_an_image_or_pdf_is_refused(client, region, industry, settings, name, content):
    response = client.post(URL, {**entry_data(region, industry), "business_license": upload(name, content)})
    assert response.status_code == 400
    assert "执照" in response.content.decode()
    assert EntryRequest.objects.count() == 0
    assert stored_files(settings) == []


def test_an_image_licence_is_accepted(client, region, industry):
    photo = upload("执照.png", image_bytes("PNG"), "image/png")
    client.post(URL, {**entry_data(region, industry), "business_license": photo})
    assert EntryRequest.objects.get().attachments.get().mime_type == "image/png"


def test_a_refused_application_keeps_its_text_and_the_licence(client, region, industry):
    data = {**entry_data(region, industry, credit_code="123"), "business_license": licence()}
    html = client.post(URL, data).content.decode()
    assert 'value="北京示例生物医药有限公司"' in html
    assert "需要 2000 平方米研发办公用房" in html
    assert "（无需重新选择）" in html and "请重新选择文件" not in html  # tests/test_upload_kept.py


def test_the_receipt_email_goes_out_after_commit(client, region, industry, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, {**entry_data(region, industry), "business_license": licence()})
    entry = EntryRequest.objects.get()
    assert [m.to for m in mail.outbox] == [["lisi@example.com"], ["staff@example.com"]]
    assert entry.tracking_number in mail.outbox[0].body
    assert "李四" in mail.outbox[0].body


def test_the_rate_limit_is_shared_with_the_other_forms(client, region, industry):
    cache.set("ratelimit:submissions:127.0.0.1", 5)
    response = client.post(URL, {**entry_data(region, industry), "business_license": licence()})
    assert response.status_code == 429
    assert EntryRequest.objects.count() == 0
