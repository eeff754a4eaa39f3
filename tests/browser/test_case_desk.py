"""The case desk in a real browser: two officers answer the same case at once; the later,
stale form is refused with who saved and when, keeps its text, and sends nothing; the
submitter sees the first answer on 受理查询, and exactly one e-mail went out."""

import pytest
from django.core import mail

from submissions.roles import OFFICER
from tests.factories import EntryRequestFactory, newsroom_user
from tests.helpers import PASSWORD, QUERY_CODE, change_url, log_in, watch_console

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("submission_settings"),
]

REPLY_A = "您好，亦庄管委会已安排专人对接，将于本周内电话联系您。"
REPLY_B = "您好，请补充提交项目可行性研究报告。"


def test_a_stale_reply_is_refused_and_the_submitter_sees_the_saved_one(page, live_server):
    base = live_server.url
    newsroom_user(OFFICER, username="officer_a", first_name="张专员", password=PASSWORD)
    newsroom_user(OFFICER, username="officer_b", first_name="李专员", password=PASSWORD)
    case = EntryRequestFactory(email="company@example.com")
    url = base + change_url(case)
    problems = watch_console(page)

    # Both officers open the case.
    log_in(page, base, "officer_a")
    page.goto(url)
    other = page.context.browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    second = other.new_page()
    log_in(second, base, "officer_b")
    second.goto(url)

    # Officer A answers first.
    page.get_by_label("新答复").fill(REPLY_A)
    page.get_by_role("button", name="保存", exact=True).click()
    page.wait_for_url(base + "/admin/submissions/entryrequest/")

    # Officer B's form is now stale: refused, naming A, keeping B's text.
    second.get_by_label("新答复").fill(REPLY_B)
    second.get_by_role("button", name="保存", exact=True).click()
    refusal = second.locator(".errorlist.nonfield").inner_text()
    assert "保存被拒绝" in refusal and "张专员" in refusal
    assert second.get_by_label("新答复").input_value() == REPLY_B
    other.close()

    # The submitter sees A's reply (and only it) on 受理查询.
    submitter = page.context.browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai").new_page()
    submitter.goto(base + "/track/")
    submitter.get_by_label("受理编号").fill(case.tracking_number)
    submitter.get_by_label("查询码").fill(QUERY_CODE)
    submitter.get_by_role("button", name="查询").click()
    replies = submitter.locator("[data-reply]")
    assert replies.count() == 1
    assert REPLY_A in replies.inner_text()
    assert REPLY_B not in submitter.content()
    assert "预计答复日期" in submitter.locator("[data-track-result]").inner_text()
    submitter.context.close()

    # Exactly one e-mail: A's reply, to the enterprise.
    assert [(m.to, REPLY_A in m.body) for m in mail.outbox] == [(["company@example.com"], True)]
    assert case.replies.get().text == REPLY_A
    assert [p for p in problems if "Content Security Policy" in p] == []
