"""Handing work over: 退回修改 with a comment the writer sees and gets by mail, and notices for
submitting and publishing; plus the smaller newsroom courtesies (confirmations, own drafts)."""

import pytest
from django.core import mail

from articles.models import Article, ArticleTransition, Status
from articles.newsroom import workflow
from tests.factories import ArticleFactory, newsroom_user
from tests.helpers import article_data, change_url

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/articles/article/"


@pytest.fixture
def writer():
    return newsroom_user("撰稿人", username="writer", email="writer@example.com", first_name="小王")


@pytest.fixture
def editor():
    return newsroom_user("编辑", username="editor", email="editor@example.com")


@pytest.fixture
def in_review(writer):
    return ArticleFactory(status=Status.REVIEW, created_by=writer, title="怀柔科学城新进展")


def test_returning_without_a_comment_is_refused_and_nothing_changes(client, editor, in_review):
    client.force_login(editor)
    response = client.post(change_url(in_review), article_data(in_review, _transition="reject"))
    assert response.status_code == 200
    assert "请填写审核意见" in response.content.decode()
    in_review.refresh_from_db()
    assert in_review.status == Status.REVIEW
    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.apply(in_review, "reject", editor, note="  ")


def test_the_writer_reads_the_return_comment_on_the_story_dashboard_and_by_mail(
    client, editor, writer, in_review, django_capture_on_commit_callbacks
):
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            change_url(in_review), article_data(in_review, _transition="reject", workflow_note="第二节数据请核实来源。")
        )
    in_review.refresh_from_db()
    assert in_review.status == Status.DRAFT
    assert ArticleTransition.objects.filter(article=in_review, note="第二节数据请核实来源。").exists()
    assert [m.to for m in mail.outbox] == [["writer@example.com"]]
    assert "退回修改" in mail.outbox[0].subject and "第二节数据请核实来源。" in mail.outbox[0].body
    assert "http://testserver" not in mail.outbox[0].body
    client.force_login(writer)
    story = client.get(change_url(in_review)).content.decode()
    assert "退回意见" in story and "第二节数据请核实来源。" in story
    dashboard = client.get("/admin/").content.decode()
    assert "被退回的文章" in dashboard and "怀柔科学城新进展" in dashboard


def test_bulk_return_asks_for_a_comment_first(client, editor, in_review):
    client.force_login(editor)
    page = client.post(LIST_URL, {"action": "reject_selected", "_selected_action": [in_review.pk]}).content.decode()
    assert "审核意见" in page and "确认退回修改" in page
    in_review.refresh_from_db()
    assert in_review.status == Status.REVIEW
    client.post(
        LIST_URL,
        {
            "action": "reject_selected",
            "_selected_action": [in_review.pk],
            "confirmed": "1",
            "workflow_note": "请补图。",
        },
    )
    in_review.refresh_from_db()
    assert in_review.status == Status.DRAFT


def test_submitting_tells_the_editors_and_publishing_tells_the_writer(
    writer, editor, django_capture_on_commit_callbacks
):
    story = ArticleFactory(status=Status.DRAFT, created_by=writer)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.apply(story, "submit", writer)
    assert mail.outbox[-1].to == ["editor@example.com"] and "待审核" in mail.outbox[-1].subject
    with django_capture_on_commit_callbacks(execute=True):
        workflow.apply(Article.objects.get(pk=story.pk), "publish", editor)
    assert mail.outbox[-1].to == ["writer@example.com"] and "已发布" in mail.outbox[-1].subject


def test_a_failing_mail_server_does_not_undo_the_step(writer, editor, django_capture_on_commit_callbacks, settings):
    settings.MAILERS = {"default": {"BACKEND": "tests.test_workflow_notices.BrokenBackend"}}
    story = ArticleFactory(status=Status.DRAFT, created_by=writer)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.apply(story, "submit", writer)
    story.refresh_from_db()
    assert story.status == Status.REVIEW


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("smtp down")


def test_view_on_site_of_a_draft_opens_the_preview(client, editor):
    draft = ArticleFactory(status=Status.DRAFT)
    client.force_login(editor)
    page = client.get(change_url(draft)).content.decode()
    assert f"/admin/articles/article/{draft.pk}/preview/" in page
    assert f'href="/articles/{draft.pk}/"' not in page


def test_take_down_button_asks_for_confirmation(client):
    chief = newsroom_user("总编辑", username="chief")
    client.force_login(chief)
    page = client.get(change_url(ArticleFactory(status=Status.PUBLISHED))).content.decode()
    assert 'value="archive"' in page and "data-confirm=" in page and "workflow-confirm.js" in page


def test_writers_filter_their_own_stories(client, writer):
    mine = ArticleFactory(status=Status.DRAFT, created_by=writer, title="我的草稿")
    ArticleFactory(status=Status.DRAFT, title="别人的草稿")
    client.force_login(writer)
    page = client.get(LIST_URL + "?mine=1&status__exact=draft").content.decode()
    assert mine.title in page and "别人的草稿" not in page


def test_a_read_only_story_shows_rendered_text_not_html(client, writer):
    story = ArticleFactory(status=Status.PUBLISHED, body="<p>第一段<strong>重点</strong></p>")
    client.force_login(writer)
    page = client.get(change_url(story)).content.decode()
    assert "<strong>重点</strong>" in page and "&lt;strong&gt;" not in page


def test_a_draft_shows_no_publication_time(client, writer, editor):
    draft = ArticleFactory(status=Status.DRAFT, created_by=writer)
    client.force_login(writer)
    assert "发布时确定" in client.get(change_url(draft)).content.decode()
    client.force_login(editor)
    assert "发布时确定" in client.get(LIST_URL).content.decode()
