"""The submitter hears of every step once: each status change, reply and extension, by e-mail
after commit where an address was left. A message left with only a telephone number promises
no e-mail anywhere, and the officer is told to call. A failing mail server never breaks a save."""

import logging
import smtplib

import pytest
from django.core import mail

from submissions import notifications, tasks
from submissions.models import ContactMessage, EntryRequest, Reply, StatusChange
from submissions.roles import OFFICER
from tests.factories import ContactMessageFactory, ContributionFactory, EntryRequestFactory
from tests.helpers import QUERY_CODE, change_data, change_url, contact_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("submission_settings")]
PHONE_ONLY = {"contact": "13900139000", "email": ""}


@pytest.fixture
def officer(login_as):
    return login_as(OFFICER, "officer")


def save(client, case, capture, **fields):
    with capture(execute=True):
        response = client.post(change_url(case), change_data(case, **fields))
    case.refresh_from_db()
    return response


# ----- status changes -----


def test_every_status_change_notifies_the_submitter_once(client, officer, django_capture_on_commit_callbacks):
    case = EntryRequestFactory()
    save(client, case, django_capture_on_commit_callbacks, status="negotiating")
    save(client, case, django_capture_on_commit_callbacks, status="landed")

    assert [m.to for m in mail.outbox] == [[case.email], [case.email]]
    assert "洽谈中" in mail.outbox[0].subject and "已落地" in mail.outbox[1].subject
    assert "已受理 → 洽谈中" in mail.outbox[0].body
    assert all(change.notified_at for change in StatusChange.objects.all())


def test_a_retried_status_task_never_mails_twice():
    case = ContributionFactory()
    change = StatusChange.objects.create(submission=case, from_status="new", to_status="processing")
    assert tasks.status_changed.call(change.pk) == 1
    assert tasks.status_changed.call(change.pk) == 0
    assert len(mail.outbox) == 1


def test_the_first_status_is_announced_by_the_receipt_only():
    case = ContributionFactory()
    change = StatusChange.objects.create(submission=case, to_status="new")
    assert tasks.status_changed.call(change.pk) == 0
    assert mail.outbox == []


def test_a_reply_and_a_status_change_saved_together_make_one_email(client, officer, django_capture_on_commit_callbacks):
    case = ContributionFactory()
    save(client, case, django_capture_on_commit_callbacks, status="accepted", new_reply="已采用，感谢投稿。")
    (message,) = mail.outbox
    assert "已采用，感谢投稿。" in message.body and "状态已更新为：已采用" in message.body
    assert StatusChange.objects.get().notified_at is not None


def test_assigning_an_entry_request_tells_the_enterprise_once(client, officer, django_capture_on_commit_callbacks):
    case = EntryRequestFactory()
    save(client, case, django_capture_on_commit_callbacks, assignee=officer.pk)
    assert case.status == EntryRequest.Status.ASSIGNED
    (message,) = mail.outbox
    assert "已分派" in message.subject


# ----- no e-mail address: say so, promise nothing -----


def test_a_phone_only_message_is_processed_without_any_email(client, officer, django_capture_on_commit_callbacks):
    case = ContactMessageFactory(**PHONE_ONLY)
    page = client.get(change_url(case)).content.decode()
    assert "提交人未留邮箱，请电话联系：13900139000" in page
    assert "以邮件通知" not in page and "以邮件发送" not in page

    response = save(client, case, django_capture_on_commit_callbacks, status="done", new_reply="已电话答复。")

    assert mail.outbox == []
    assert case.status == ContactMessage.Status.DONE and case.replies.get().emailed_at is None
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("提交人未留邮箱" in m and "13900139000" in m for m in messages)
    assert "未发送：提交人未留邮箱" in client.get(change_url(case)).content.decode()


def test_the_receipt_of_a_phone_only_message_promises_no_email(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        html = client.post("/contact/", contact_data(contact="13900139000")).content.decode()
    assert "已发送至" not in html and "以邮件通知" not in html
    assert "不会发送邮件" in html and "13900139000" in html
    assert "预计答复日期" in html
    (staff_notice,) = mail.outbox
    assert "未留邮箱，请电话联系：13900139000" in staff_notice.body


def test_the_receipt_with_an_email_says_where_it_went(client):
    html = client.post("/contact/", contact_data(contact="wangwu@example.com")).content.decode()
    assert "已发送至 wangwu@example.com" in html


def test_track_promises_no_email_to_a_phone_only_submitter(client):
    case = ContactMessageFactory(**PHONE_ONLY)
    html = client.post("/track/", {"tracking_number": case.tracking_number, "query_code": QUERY_CODE}).content
    html = html.decode()
    assert "发送邮件通知您" not in html and "您未留电子邮箱" in html


# ----- a failing mail server -----


def test_a_failing_mail_server_is_logged_and_the_save_stands(
    client, officer, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    case = ContributionFactory()

    def down(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("connection refused")

    monkeypatch.setattr(notifications, "send_mail", down)
    with caplog.at_level(logging.ERROR, logger="django.tasks"):
        response = save(client, case, django_capture_on_commit_callbacks, status="processing", new_reply="已受理。")

    assert response.status_code == 302
    reply = case.replies.get()
    assert case.status == "processing" and reply.emailed_at is None
    assert any(record.levelno == logging.ERROR and record.exc_info for record in caplog.records)

    # When the server is back, a retry sends it, once.
    monkeypatch.undo()
    assert tasks.reply_published.call(reply.pk, StatusChange.objects.get().pk) == 1
    assert tasks.reply_published.call(reply.pk) == 0
    assert len(mail.outbox) == 1


def test_a_reply_for_a_submitter_without_email_is_never_mailed():
    case = ContactMessageFactory(**PHONE_ONLY)
    reply = Reply.objects.create(submission=case, text="已电话答复。")
    assert tasks.reply_published.call(reply.pk) == 0
    assert mail.outbox == []
