"""A case's dated replies (答复) and the processing form's stale-save guard.

Replies are appended, never overwritten: each one is kept, shown on 受理查询 oldest first and
mailed once. A processing form loaded before someone else saved is refused, says who saved
and when, keeps what was typed and sends nothing.
"""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from submissions import tasks
from submissions.models import Contribution, EntryRequest, InternalNote, Reply, StatusChange
from submissions.roles import OFFICER
from tests.factories import ContactMessageFactory, ContributionFactory, EntryRequestFactory, newsroom_user
from tests.helpers import QUERY_CODE, change_data, change_url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("submission_settings")]


@pytest.fixture
def officer(login_as):
    return login_as(OFFICER, "officer")


def track(client, submission):
    return client.post("/track/", {"tracking_number": submission.tracking_number, "query_code": QUERY_CODE})


def post(client, submission, capture, **fields):
    with capture(execute=True):
        return client.post(change_url(submission), change_data(submission, **fields))


# ----- replies -----


def test_every_reply_is_kept_dated_and_shown_oldest_first(client, officer, django_capture_on_commit_callbacks):
    case = EntryRequestFactory()
    post(client, case, django_capture_on_commit_callbacks, new_reply="第一次答复：已转园区。")
    case.refresh_from_db()
    post(client, case, django_capture_on_commit_callbacks, new_reply="第二次答复：园区将于下周联系。")

    replies = list(case.replies.all())
    assert [r.text for r in replies] == ["第一次答复：已转园区。", "第二次答复：园区将于下周联系。"]
    assert all(r.author == officer and r.emailed_at for r in replies)
    html = track(client, case).content.decode()
    assert html.index("第一次答复") < html.index("第二次答复")
    local = timezone.localtime(replies[0].created_at)
    shown = f"{local:%Y}年{local.month}月{local.day}日 {local:%H:%M}"
    assert f'答复时间：<time datetime="{local.isoformat()}">{shown}</time>' in html


def test_each_reply_is_mailed_once_to_the_submitter(client, officer, django_capture_on_commit_callbacks):
    case = ContributionFactory()
    post(client, case, django_capture_on_commit_callbacks, new_reply="感谢投稿，已转编辑部。")
    case.refresh_from_db()
    post(client, case, django_capture_on_commit_callbacks, new_reply="稿件将于下周刊发。")

    assert [m.to for m in mail.outbox] == [[case.email], [case.email]]
    assert "感谢投稿，已转编辑部。" in mail.outbox[0].body and "稿件将于下周刊发。" not in mail.outbox[0].body
    assert "稿件将于下周刊发。" in mail.outbox[1].body and "感谢投稿" not in mail.outbox[1].body
    assert all(case.tracking_number in m.subject for m in mail.outbox)


def test_a_retried_reply_task_never_mails_twice():
    case = ContributionFactory()
    reply = Reply.objects.create(submission=case, text="已受理。")

    assert tasks.reply_published.call(reply.pk) == 1
    assert tasks.reply_published.call(reply.pk) == 0

    assert len(mail.outbox) == 1
    reply.refresh_from_db()
    assert reply.emailed_at is not None


def test_a_reply_task_for_a_deleted_reply_does_nothing():
    assert tasks.reply_published.call(999_999) == 0
    assert mail.outbox == []


def test_a_blank_reply_adds_nothing(client, officer, django_capture_on_commit_callbacks):
    case = ContributionFactory()
    response = post(client, case, django_capture_on_commit_callbacks, new_reply=" \n\u3000 ")
    assert response.status_code == 302
    assert not case.replies.exists() and mail.outbox == []


def test_earlier_replies_cannot_be_changed_or_deleted_through_the_form(client, officer):
    case = ContributionFactory()
    Reply.objects.create(submission=case, text="原答复", emailed_at=timezone.now())
    data = change_data(case)
    prefix = "submissions-reply-content_type-object_id"
    data |= {f"{prefix}-0-text": "篡改后的答复", f"{prefix}-0-DELETE": "on"}

    response = client.post(change_url(case), data)

    assert response.status_code == 302
    assert list(case.replies.values_list("text", flat=True)) == ["原答复"]
    page = client.get(change_url(case)).content.decode()
    assert "原答复" in page and f'name="{prefix}-0-text"' not in page


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        ("答" * 5001, "答复最多 5000 个字"),
        ("含有\x00空字符", "空字符"),
    ],
)
def test_bad_replies_are_refused_with_a_chinese_message(client, officer, reply, message):
    case = ContributionFactory()
    response = client.post(change_url(case), change_data(case, new_reply=reply))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not case.replies.exists()


def test_replies_are_not_shown_for_a_wrong_query_code(client):
    case = ContributionFactory()
    Reply.objects.create(submission=case, text="仅供提交人查看")
    response = client.post("/track/", {"tracking_number": case.tracking_number, "query_code": "ZZZZ9999"})
    assert "仅供提交人查看" not in response.content.decode()


def test_the_change_page_stays_within_a_flat_query_budget(admin_client):
    def queries(case):
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(change_url(case)).status_code == 200
        return len(captured)

    few = EntryRequestFactory()
    Reply.objects.create(submission=few, text="答复")
    many = EntryRequestFactory()
    for n in range(25):
        Reply.objects.create(submission=many, text=f"答复{n}", emailed_at=timezone.now())
        StatusChange.objects.create(submission=many, from_status="received", to_status="assigned")
        InternalNote.objects.create(submission=many, text=f"备注{n}")
        many.extensions.create(previous_date=many.due_date, new_date=many.due_date, reason=f"原因{n}")
    assert queries(many) <= queries(few)


# ----- the stale-save guard -----


def test_every_save_bumps_the_version():
    case = ContributionFactory()
    assert case.version == 1
    case.save()
    case.save(update_fields=["status"])
    case.refresh_from_db()
    assert case.version == 3


def test_a_stale_form_is_refused_naming_who_saved_and_keeps_the_text(
    client, officer, django_capture_on_commit_callbacks
):
    case = EntryRequestFactory()
    stale = change_data(case, new_reply="乙的答复：请补充材料。", note="乙的备注", status="negotiating")
    colleague = newsroom_user(OFFICER, username="colleague", first_name="张专员")
    other = client.__class__()
    other.force_login(colleague)
    with django_capture_on_commit_callbacks(execute=True):
        other.post(change_url(case), change_data(case, new_reply="甲的答复：已安排对接。"))
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(change_url(case), stale)

    html = response.content.decode()
    assert response.status_code == 200
    assert "保存被拒绝" in html and "张专员" in html
    saved = timezone.localtime(EntryRequest.objects.get(pk=case.pk).updated_at)
    assert f"{saved:%Y-%m-%d %H:%M}" in html
    assert "乙的答复：请补充材料。" in html and "乙的备注" in html  # what was typed is still there
    case.refresh_from_db()
    assert case.status == EntryRequest.Status.RECEIVED
    assert list(case.replies.values_list("text", flat=True)) == ["甲的答复：已安排对接。"]
    assert not InternalNote.objects.exists() and not StatusChange.objects.exists()
    assert mail.outbox == []  # nothing goes out for a refused save


def test_a_form_opened_after_the_last_save_is_accepted(client, officer):
    case = ContributionFactory()
    case.save()  # version 2, before the officer opens the page
    page = client.get(change_url(case)).content.decode()
    assert 'name="loaded_version" value="2"' in page
    response = client.post(change_url(case), change_data(case, new_reply="答复"))
    assert response.status_code == 302


def test_a_tampered_version_is_refused_not_a_500(client, officer):
    case = ContactMessageFactory()
    response = client.post(change_url(case), change_data(case, loaded_version="abc", new_reply="答复"))
    assert response.status_code == 200
    assert "保存被拒绝" in response.content.decode()
    assert not case.replies.exists()


# ----- the migration of the old single reply -----


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_an_old_public_reply_as_the_first_entry():
    executor = MigrationExecutor(connection)
    executor.migrate([("submissions", "0003_tracking_counter_name")])
    old = executor.loader.project_state([("submissions", "0003_tracking_counter_name")]).apps
    region = old.get_model("articles", "Region").objects.create(name="海淀区", slug="haidian-migration")
    replied = datetime.datetime(2026, 11, 20, 2, 30, tzinfo=datetime.UTC)
    midnight = datetime.datetime(2026, 11, 27, 16, 0, tzinfo=datetime.UTC)  # 11月28日 00:00 in Beijing
    common = {"query_code_hash": "x", "received_at": replied, "due_at": midnight, "phone": "13800138000"}
    old.get_model("submissions", "Contribution").objects.create(
        tracking_number="TG-20261120-000001", form_token="a", public_reply="旧答复：已采用。", replied_at=replied,
        name="张三", email="a@example.com", title="标题", body="正文", region=region, terms_accepted_at=replied,
        **common,
    )  # fmt: skip
    old.get_model("submissions", "Contribution").objects.create(
        tracking_number="TG-20261120-000002", form_token="b", name="李四", email="b@example.com", title="标题二",
        body="正文", region=region, terms_accepted_at=replied, **common,
    )  # fmt: skip

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    answered, silent = Contribution.objects.order_by("tracking_number")
    (reply,) = answered.replies.all()
    assert (reply.text, reply.created_at, reply.emailed_at) == ("旧答复：已采用。", replied, replied)
    assert not silent.replies.exists()
    assert answered.due_date == silent.due_date == datetime.date(2026, 11, 27)  # the last working day itself
    assert tasks.reply_published.call(reply.pk) == 0  # mailed back then: never again
