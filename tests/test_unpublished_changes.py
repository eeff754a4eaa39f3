"""Editing a published story: readers keep the published version until the changes are published."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from articles.models import Article, ArticleDraft, ArticleTransition, Status
from articles.newsroom import drafts
from tests.factories import ArticleFactory, RegionFactory, newsroom_user
from tests.helpers import article_data, change_url, use_database_queue, work

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/articles/article/"


@pytest.fixture
def editor():
    return newsroom_user("编辑", username="editor", email="editor@example.com")


@pytest.fixture
def live():
    article = ArticleFactory(title="亦庄新政", body="<p>旧的正文。</p>", status=Status.PUBLISHED)
    article.tags.set(["亦庄"])
    return article


def edit(client, article, **overrides):
    article.refresh_from_db()
    published = timezone.localtime(article.publish_at).replace(microsecond=0)
    data = article_data(article, publish_at_0=f"{published:%Y-%m-%d}", publish_at_1=f"{published:%H:%M:%S}")
    data.update({"tags": "亦庄", **overrides})
    return client.post(change_url(article), data)


def test_saving_a_live_story_keeps_the_changes_unpublished(client, editor, live):
    client.force_login(editor)
    region = RegionFactory(name="大兴")
    response = edit(
        client, live, title="亦庄新政（更新）", body="<p>新的正文。</p>", regions=[region.pk], tags="亦庄，新能源"
    )
    assert response.status_code == 302
    client.get(LIST_URL)  # the admin's messages are read there, not on the public page
    public = client.get(live.get_absolute_url()).content.decode()
    assert "旧的正文" in public and "新的正文" not in public and "（更新）" not in public
    live.refresh_from_db()
    assert live.title == "亦庄新政" and list(live.regions.all()) == [] and live.tags.names()[0] == "亦庄"
    pending = ArticleDraft.objects.get(article=live)
    assert pending.data["title"] == "亦庄新政（更新）" and pending.data["regions"] == [region.pk]
    assert sorted(pending.data["tags"]) == ["亦庄", "新能源"] and pending.updated_by == editor


def test_the_form_list_and_dashboard_show_the_unpublished_changes(client, editor, live):
    client.force_login(editor)
    edit(client, live, title="亦庄新政（更新）")
    form = client.get(change_url(live)).content.decode()
    assert 'value="亦庄新政（更新）"' in form and "已发布，有未发布的修改" in form and "放弃修改" in form
    assert 'value="publish_changes"' in form
    listing = client.get(LIST_URL).content.decode()
    assert "已发布，有未发布的修改" in listing
    assert "亦庄新政" in client.get(LIST_URL + "?schedule=changes").content.decode()
    assert "已发布，有未发布的修改" in client.get("/admin/").content.decode()


def test_publishing_the_changes_makes_them_public_as_one_revision(client, editor, live):
    client.force_login(editor)
    edit(client, live, title="亦庄新政（更新）", body="<p>新的正文。</p>")
    live.refresh_from_db()
    published_at = live.publish_at
    response = edit(client, live, title="亦庄新政（更新）", body="<p>新的正文。</p>", _transition="publish_changes")
    assert response.status_code == 302
    live.refresh_from_db()
    assert live.title == "亦庄新政（更新）" and "新的正文" in live.body
    assert live.publish_at == published_at.replace(microsecond=0)  # a correction keeps its 发布时间
    assert not ArticleDraft.objects.filter(article=live).exists()
    assert "新的正文" in client.get(live.get_absolute_url()).content.decode()
    step = ArticleTransition.objects.filter(article=live).first()
    assert (step.from_status, step.to_status) == (Status.PUBLISHED, Status.PUBLISHED)


def test_publish_changes_action_publishes_pending_changes_and_skips_the_others(client, editor, live):
    other = ArticleFactory(status=Status.PUBLISHED)
    drafts.save(live, {"title": "亦庄新政（批量）", "tags": ["亦庄", "批量"]}, editor)
    client.force_login(editor)
    page = client.post(
        LIST_URL, {"action": "publish_changes_selected", "_selected_action": [live.pk, other.pk]}, follow=True
    ).content.decode()
    assert "已发布修改 1 篇文章" in page and "1 篇文章当前状态不能发布修改" in page
    live.refresh_from_db()
    assert live.title == "亦庄新政（批量）" and sorted(live.tags.names()) == ["亦庄", "批量"]


def test_a_scheduled_change_goes_live_at_its_time_without_cron(client, editor, live, settings):
    client.force_login(editor)
    soon = timezone.localtime() + datetime.timedelta(hours=2)
    edit(
        client, live, title="亦庄新政（定时）", _transition="publish_changes",
        changes_go_live_at_0=f"{soon:%Y-%m-%d}", changes_go_live_at_1=f"{soon:%H:%M:%S}",
    )  # fmt: skip
    live.refresh_from_db()
    assert live.title == "亦庄新政" and ArticleDraft.objects.get(article=live).go_live_at is not None
    assert drafts.publish_due() == 0
    assert drafts.publish_due(now=timezone.now() + datetime.timedelta(hours=3)) == 1
    live.refresh_from_db()
    assert live.title == "亦庄新政（定时）"


def test_the_middleware_publishes_due_changes_on_the_next_request(client, editor, live, settings):
    draft = drafts.save(live, {"title": "亦庄新政（已到时间）"}, editor)
    ArticleDraft.objects.filter(pk=draft.pk).update(go_live_at=timezone.now() - datetime.timedelta(minutes=1))
    settings.NEWSROOM_SCHEDULED_CHANGES_INTERVAL = 60
    assert "亦庄新政（已到时间）" in client.get(live.get_absolute_url()).content.decode()


def test_with_task_workers_requests_leave_due_changes_to_the_worker(client, editor, live, settings, monkeypatch):
    draft = drafts.save(live, {"title": "亦庄新政（已到时间）"}, editor)
    ArticleDraft.objects.filter(pk=draft.pk).update(go_live_at=timezone.now() - datetime.timedelta(minutes=1))
    settings.NEWSROOM_SCHEDULED_CHANGES_INTERVAL = 60
    settings.PAGE_CACHE_SECONDS = 0  # the page cache would apply them when they fall due
    use_database_queue(settings, monkeypatch)
    assert "亦庄新政（已到时间）" not in client.get(live.get_absolute_url()).content.decode()
    work()  # the worker's periodic job
    assert "亦庄新政（已到时间）" in client.get(live.get_absolute_url()).content.decode()


def test_discarding_asks_first_and_leaves_the_public_story_alone(client, editor, live):
    client.force_login(editor)
    edit(client, live, title="亦庄新政（草稿）")
    url = f"/admin/articles/article/{live.pk}/changes/discard/"
    assert "确定放弃" in client.get(url).content.decode()
    assert ArticleDraft.objects.filter(article=live).exists()
    client.post(url)
    live.refresh_from_db()
    assert live.title == "亦庄新政" and not ArticleDraft.objects.filter(article=live).exists()


def test_a_stale_form_cannot_overwrite_newer_unpublished_changes(client, editor, live):
    client.force_login(editor)
    live.refresh_from_db()
    opened = article_data(live, tags="亦庄", title="旧表单的标题")
    edit(client, live, title="先保存的修改")
    response = client.post(change_url(live), opened)
    assert response.status_code == 200 and "保存被拒绝" in response.content.decode()
    assert ArticleDraft.objects.get(article=live).data["title"] == "先保存的修改"


def test_taking_down_a_story_with_pending_changes_keeps_them_in_the_story(editor, live):
    from articles.newsroom import workflow

    chief = newsroom_user("总编辑", username="chief")
    drafts.save(live, {"title": "亦庄新政（待发布）"}, editor)
    workflow.apply(live, "archive", chief)
    live.refresh_from_db()
    assert live.status == Status.ARCHIVED and live.title == "亦庄新政（待发布）"
    assert not ArticleDraft.objects.filter(article=live).exists()


def test_drafts_and_reviews_are_still_edited_in_place(client, editor):
    draft = ArticleFactory(status=Status.DRAFT, title="草稿")
    client.force_login(editor)
    edit(client, draft, title="草稿（改）")
    draft.refresh_from_db()
    assert draft.title == "草稿（改）" and not ArticleDraft.objects.exists()


def test_staff_preview_shows_the_unpublished_changes(client, editor, live):
    drafts.save(live, {"title": "预览里的新标题", "body": "<p>预览正文。</p>"}, editor)
    client.force_login(editor)
    page = client.get(f"/admin/articles/article/{live.pk}/preview/").content.decode()
    assert "预览里的新标题" in page and "预览正文" in page
    assert "预览里的新标题" not in client.get(live.get_absolute_url()).content.decode()


def test_unpublished_changes_are_sanitised_like_a_save(editor, live):
    pending = drafts.save(live, {"body": '<p onclick="x()">好</p><script>alert(1)</script>'}, editor)
    assert "onclick" not in pending.data["body"] and "<script" not in pending.data["body"]


def test_publishing_changes_mails_the_writer(editor, django_capture_on_commit_callbacks):
    from articles.newsroom import workflow

    writer = newsroom_user("撰稿人", username="writer", email="writer@example.com")
    story = ArticleFactory(status=Status.PUBLISHED, created_by=writer)
    drafts.save(story, {"title": "改过的标题"}, editor)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.apply(Article.objects.get(pk=story.pk), "publish_changes", editor)
    assert [m.to for m in mail.outbox] == [["writer@example.com"]] and "修改已发布" in mail.outbox[0].subject
