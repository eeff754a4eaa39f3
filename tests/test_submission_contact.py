"""联系我们 at /contact/: the office's details and the message form."""

import pytest
from django.core import mail

from submissions.models import ContactMessage
from tests.helpers import contact_data, required, too_long

URL = "/contact/"
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("submission_settings")]


def test_the_page_shows_the_office_contact_details(client, settings, django_assert_max_num_queries):
    settings.OFFICE_ADDRESS = "北京市东城区示例路 1 号"
    settings.OFFICE_PHONE = "010-1234 5678"
    settings.OFFICE_EMAIL = "service@example.gov.cn"
    # The menus and the footer's 站点信息, read once into the navigation cache (cold here).
    with django_assert_max_num_queries(3):
        html = client.get(URL).content.decode()
    assert "北京市东城区示例路 1 号" in html
    assert 'href="tel:01012345678"' in html
    assert "service@example.gov.cn" in html
    for label in ["姓名", "联系方式", "留言"]:
        assert f"{label}<" in html


def test_empty_office_details_are_left_out(client, settings):
    settings.OFFICE_ADDRESS = ""
    assert "<dt>地址</dt>" not in client.get(URL).content.decode()


@pytest.mark.parametrize(
    ("contact", "stored", "email"),
    [
        ("WangWu@Example.COM", "WangWu@example.com", "WangWu@example.com"),
        ("+86 139-0013-9000", "13900139000", ""),
        ("010-12345678", "01012345678", ""),
    ],
)
def test_a_message_with_a_phone_or_email_is_saved(client, contact, stored, email):
    response = client.post(URL, contact_data(contact=contact))
    assert response.status_code == 200
    message = ContactMessage.objects.get()
    assert (message.contact, message.email) == (stored, email)
    assert message.tracking_number.startswith("LX-")
    assert message.tracking_number in response.content.decode()


def test_a_receipt_is_mailed_only_when_an_email_was_left(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, contact_data(contact="13900139000"))
    assert [m.to for m in mail.outbox] == [["staff@example.com"]]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        required("name", "姓名"),
        required("contact", "联系方式"),
        ({"contact": "微信 abc"}, "请填写手机号码、固定电话"),
        ({"contact": "a@b"}, "电子邮箱格式不正确"),
        ({"message": "你好"}, "留言至少 5 个字"),
        too_long("message", "留言", 2000),
        ({"homepage": "spam"}, "提交未通过安全校验"),
    ],
)
def test_bad_input_is_refused(client, overrides, message):
    response = client.post(URL, contact_data(**overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert ContactMessage.objects.count() == 0


def test_a_line_break_smuggled_into_the_name_does_not_reach_email_headers(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, contact_data(name="王五\r\nBcc: victim@example.com"))
    assert ContactMessage.objects.get().name == "王五 Bcc: victim@example.com"
    assert all("\n" not in m.subject for m in mail.outbox)
