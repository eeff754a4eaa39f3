"""The three public forms end to end in Chromium: fill, fail, fix, submit, track."""

import re

import pytest

from submissions.models import ContactMessage, Contribution, EntryRequest
from tests.factories import IndustryFactory, RegionFactory
from tests.files import image_bytes, pdf_bytes
from tests.helpers import valid_credit_code, watch_console

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("submission_settings"),
]


@pytest.fixture
def region():
    district = RegionFactory(name="海淀区", slug="haidian")
    return RegionFactory(name="中关村科学城", slug="zgc", parent=district, kind="park")


def png(name="现场.png"):
    return {"name": name, "mimeType": "image/png", "buffer": image_bytes("PNG", size=(80, 60), color=(30, 120, 200))}


def pdf(name="营业执照.pdf"):
    return {"name": name, "mimeType": "application/pdf", "buffer": pdf_bytes()}


@pytest.fixture
def console(page):
    """Console errors and uncaught exceptions of the page, CSP violations included."""
    return watch_console(page)


def assert_clean_console(console):
    """No CSP violation or script error; a refused form's own 400 response is expected."""
    csp = [m for m in console if "Content Security Policy" in m]
    assert csp == [], csp
    assert [m for m in console if "status of 400" not in m] == []


def receipt(page):
    number = page.locator("[data-tracking-number]").inner_text().strip()
    code = page.locator("[data-query-code]").inner_text().strip()
    return number, code


def fill_contribution(page, live_server, *, phone, title, body, region):
    """Open 投稿 and fill in its text fields and region as 张三 would."""
    page.goto(f"{live_server.url}/submit/")
    page.get_by_label("姓名").fill("张三")
    page.get_by_label("手机号码").fill(phone)
    page.get_by_label("电子邮箱").fill("zhangsan@example.com")
    page.get_by_label("标题").fill(title)
    page.get_by_label("正文").fill(body)
    page.get_by_label("所属区域").select_option(label=region)


def track(page, live_server, number, code):
    page.goto(f"{live_server.url}/track/")
    page.get_by_label("受理编号").fill(number)
    page.get_by_label("查询码").fill(code)
    page.get_by_role("button", name="查询").click()
    return page.locator("[data-status]").inner_text()


def test_a_contribution_fails_on_a_bad_phone_keeps_its_text_then_succeeds_and_tracks(
    page, console, live_server, region
):
    fill_contribution(
        page,
        live_server,
        phone="12345",
        title="中关村科学城新增三个人工智能项目",
        body="近日，中关村科学城新签约三个人工智能项目，总投资约 12 亿元。",
        region="\u3000中关村科学城",
    )
    page.get_by_label("附件").set_input_files([png()])
    page.get_by_label("我已阅读并同意").check()
    page.get_by_role("button", name="提交投稿").click()

    summary = page.locator("[data-error-summary]")
    assert "请填写 11 位中国大陆手机号码" in summary.inner_text()
    page.wait_for_load_state()
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    phone = page.get_by_label("手机号码")
    assert phone.get_attribute("aria-invalid") == "true"
    assert "id_phone_error" in phone.get_attribute("aria-describedby")
    assert page.get_by_label("标题").input_value() == "中关村科学城新增三个人工智能项目"
    assert page.get_by_label("我已阅读并同意").is_checked()
    assert page.get_by_text("（无需重新选择）").is_visible()  # the checked picture is kept
    assert Contribution.objects.count() == 0

    phone.fill("+86 138-0013-8000")
    page.get_by_role("button", name="提交投稿").click()

    number, code = receipt(page)
    assert re.fullmatch(r"TG-\d{8}-\d{6}", number)
    assert re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{4}", code)
    contribution = Contribution.objects.get()
    assert contribution.attachments.count() == 1
    assert_clean_console(console)

    assert track(page, live_server, number, code.lower()) == "新投稿"
    assert_clean_console(console)


def test_a_double_click_on_submit_saves_one_contribution(page, console, live_server, region):
    fill_contribution(
        page,
        live_server,
        phone="13800138000",
        title="双击测试稿件",
        body="这是一段足够长的正文，用来测试双击提交按钮只会保存一份投稿。",
        region="海淀区",
    )
    page.get_by_label("我已阅读并同意").check()
    page.get_by_role("button", name="提交投稿").dblclick()

    page.locator("[data-tracking-number]").wait_for()
    assert Contribution.objects.count() == 1


def test_an_entry_request_with_a_lower_case_credit_code_is_accepted(page, console, live_server, region):
    IndustryFactory(name="人工智能", slug="ai")
    page.goto(f"{live_server.url}/enterprise/apply/")
    page.get_by_label("企业名称").fill("北京示例智能科技有限公司")
    page.get_by_label("统一社会信用代码").fill("91110108ma01abcd2")  # one character short
    page.get_by_label("所属行业").select_option(label="人工智能")
    page.get_by_label("营业执照").set_input_files([pdf()])
    page.get_by_label("意向区域").select_option(label="\u3000中关村科学城")
    page.get_by_label("计划投资额（万元）").fill("5000")
    page.get_by_label("员工人数").fill("120")
    page.get_by_label("需求说明").fill("需要 2000 平方米研发办公用房。")
    page.get_by_label("联系人").fill("李四")
    page.get_by_label("手机号码").fill("139 0013 9000")
    page.get_by_label("电子邮箱").fill("lisi@example.com")
    page.get_by_role("button", name="提交申请").click()

    assert "统一社会信用代码应为 18 位" in page.locator("[data-error-summary]").inner_text()
    assert EntryRequest.objects.count() == 0

    page.get_by_label("统一社会信用代码").fill(valid_credit_code().lower())
    page.get_by_label("营业执照").set_input_files([pdf()])
    page.get_by_role("button", name="提交申请").click()

    number, code = receipt(page)
    assert number.startswith("RZ-")
    assert EntryRequest.objects.get().credit_code == valid_credit_code()
    assert track(page, live_server, number, code) == "已受理"
    assert_clean_console(console)


def test_the_contact_page_works_on_a_360px_phone(page, console, live_server):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}/contact/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.get_by_label("姓名").fill("王五")
    page.get_by_label("联系方式").fill("wangwu@example.com")
    page.get_by_role("textbox", name="留言").fill("请问亦庄有哪些生物医药产业扶持政策？")
    button = page.get_by_role("button", name="提交留言")
    box = button.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    button.click()

    number, code = receipt(page)
    assert number.startswith("LX-")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert ContactMessage.objects.get().email == "wangwu@example.com"
    assert track(page, live_server, number, code) == "已收到"
    assert_clean_console(console)


@pytest.mark.parametrize("path", ["/submit/", "/enterprise/apply/", "/contact/", "/track/"])
def test_forms_fit_a_360px_screen_without_csp_violations(page, console, live_server, region, path):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}{path}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    for honeypot in page.locator(".hp-field input").all():
        box = honeypot.bounding_box()
        assert box["x"] + box["width"] <= 0  # off-screen for people, still there for bots
    assert_clean_console(console)
