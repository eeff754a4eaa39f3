"""Workflow and roles: 草稿 → 待审核 → 已发布 → 已下线, enforced on the server for each role."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from articles.models import Article, ArticleTransition
from articles.newsroom import workflow
from tests.factories import ArticleFactory, ChannelFactory, newsroom_user
from tests.helpers import article_data, change_url

pytestmark = pytest.mark.django_db

Status = Article.Status
ADD_URL = "/admin/articles/article/add/"
LIST_URL = "/admin/articles/article/"


@pytest.fixture
def writer():
    return newsroom_user("撰稿人", username="writer")


@pytest.fixture
def editor():
    return newsroom_user("编辑", username="editor")


@pytest.fixture
def chief():
    return newsroom_user("总编辑", username="chief")


def test_the_three_roles_exist_with_their_permissions():
    perms = {g.name: {p.codename for p in g.permissions.all()} for g in Group.objects.all()}
    assert {"submit_article", "add_article", "change_article"} <= perms["撰稿人"]
    assert not {"publish_article", "archive_article", "delete_article", "edit_others_article"} & perms["撰稿人"]
    assert {"publish_article", "edit_others_article"} <= perms["编辑"]
    assert not {"archive_article", "delete_article"} & perms["编辑"]
    assert {"archive_article", "delete_article", "publish_article"} <= perms["总编辑"]


def test_writer_creates_a_draft_and_submits_it_for_review(client, writer):
    client.force_login(writer)
    response = client.post(ADD_URL, article_data(_transition="submit"))
    assert response.status_code == 302
    article = Article.objects.get(title="石景山发布数字经济政策")
    assert article.status == Status.REVIEW
    assert article.created_by == writer
    step = ArticleTransition.objects.get(article=article)
    assert (step.from_status, step.to_status, step.user) == (Status.DRAFT, Status.REVIEW, writer)


def test_writer_cannot_set_status_flags_or_schedule_through_the_form(client, writer):
    client.force_login(writer)
    client.post(
        ADD_URL,
        article_data(status="published", is_headline="on", publish_at_0="2020-01-01", expire_at_0="2030-01-01"),
    )
    article = Article.objects.get(title="石景山发布数字经济政策")
    assert article.status == Status.DRAFT
    assert not article.is_headline and article.expire_at is None
    assert article.publish_at.year != 2020


@pytest.mark.parametrize("name", ["publish", "archive", "reject"])
def test_writer_crafting_a_transition_post_gets_403_and_nothing_changes(client, writer, name):
    article = ArticleFactory(status=Status.DRAFT, created_by=writer)
    client.force_login(writer)
    response = client.post(change_url(article), article_data(article, title="改过的标题", _transition=name))
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.status == Status.DRAFT and article.title != "改过的标题"
    assert not ArticleTransition.objects.exists()


def test_writer_crafting_a_publish_on_the_add_form_gets_403(client, writer):
    client.force_login(writer)
    response = client.post(ADD_URL, article_data(_transition="publish"))
    assert response.status_code == 403
    assert not Article.objects.exists()


def test_writer_crafting_the_bulk_publish_action_gets_403(client, writer):
    article = ArticleFactory(status=Status.REVIEW, created_by=writer)
    client.force_login(writer)
    response = client.post(LIST_URL, {"action": "publish_selected", "_selected_action": [article.pk]})
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.status == Status.REVIEW


def test_writer_edits_only_their_own_drafts(client, writer):
    own = ArticleFactory(status=Status.DRAFT, created_by=writer)
    submitted = ArticleFactory(status=Status.REVIEW, created_by=writer)
    someone_elses = ArticleFactory(status=Status.DRAFT)
    client.force_login(writer)
    assert client.post(change_url(own), article_data(own, title="自己的草稿")).status_code == 302
    for article in (submitted, someone_elses):
        response = client.post(change_url(article), article_data(article, title="被改了"))
        assert response.status_code == 403
        article.refresh_from_db()
        assert article.title != "被改了"


def test_writer_cannot_delete(client, writer):
    article = ArticleFactory(status=Status.DRAFT, created_by=writer)
    client.force_login(writer)
    assert client.post(f"/admin/articles/article/{article.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Article.objects.filter(pk=article.pk).exists()


def test_editor_publishes_now_and_becomes_responsible_editor(client, editor):
    article = ArticleFactory(status=Status.REVIEW, publish_at=timezone.now() - datetime.timedelta(days=3))
    client.force_login(editor)
    response = client.post(change_url(article), article_data(article, _transition="publish"), follow=True)
    assert "已发布" in response.content.decode()
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED and article.is_published
    assert article.responsible_editor == editor
    assert timezone.now() - article.publish_at < datetime.timedelta(minutes=1)
    assert client.get(article.get_absolute_url()).status_code == 200


def test_editor_schedules_publication_and_it_appears_on_time(client, editor):
    article = ArticleFactory(status=Status.REVIEW)
    later = timezone.localtime() + datetime.timedelta(hours=3)
    client.force_login(editor)
    data = article_data(
        article, publish_at_0=f"{later:%Y-%m-%d}", publish_at_1=f"{later:%H:%M:%S}", _transition="publish"
    )
    response = client.post(change_url(article), data, follow=True)
    assert "已定时发布" in response.content.decode()
    listing = client.get(LIST_URL).content.decode()
    assert "定时发布" in listing and f"{later:%m-%d %H:%M}" in listing
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED and article.is_scheduled
    assert not Article.objects.published().filter(pk=article.pk).exists()
    assert Article.objects.published(at=later + datetime.timedelta(seconds=1)).filter(pk=article.pk).exists()
    client.logout()
    assert client.get(article.get_absolute_url()).status_code == 404


def test_scheduled_take_down_hides_the_story_without_a_cron_job(client, editor, monkeypatch):
    article = ArticleFactory(expire_at=timezone.now() + datetime.timedelta(hours=1))
    assert client.get(article.get_absolute_url()).status_code == 200
    later = article.expire_at + datetime.timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)  # the take-down time comes; nobody touches the row
    assert client.get(article.get_absolute_url()).status_code == 404
    client.force_login(editor)
    assert "已到期下线" in client.get(LIST_URL).content.decode()


def test_take_down_before_publication_time_is_refused(client, editor):
    article = ArticleFactory(status=Status.REVIEW)
    client.force_login(editor)
    response = client.post(
        change_url(article),
        article_data(article, publish_at_0="2026-01-05", expire_at_0="2026-01-04", expire_at_1="09:00:00"),
    )
    assert response.status_code == 200
    assert "下线时间必须晚于发布时间" in response.content.decode()


def test_editor_cannot_take_down_but_chief_can(client, editor, chief):
    article = ArticleFactory()
    client.force_login(editor)
    assert client.post(change_url(article), article_data(article, _transition="archive")).status_code == 403
    client.force_login(chief)
    article.refresh_from_db()
    assert client.post(change_url(article), article_data(article, _transition="archive")).status_code == 302
    article.refresh_from_db()
    assert article.status == Status.ARCHIVED
    assert client.get(article.get_absolute_url()).status_code == 404


def test_a_transition_from_the_wrong_status_is_refused_with_a_message(client, editor):
    article = ArticleFactory(status=Status.PUBLISHED)
    client.force_login(editor)
    response = client.post(change_url(article), article_data(article, _transition="submit"))
    assert response.status_code == 200
    assert "不能提交审核" in response.content.decode()


def test_unknown_transition_is_403(client, chief):
    article = ArticleFactory(status=Status.DRAFT)
    client.force_login(chief)
    assert client.post(change_url(article), article_data(article, _transition="<script>")).status_code == 403


def test_source_is_required(client, editor):
    client.force_login(editor)
    response = client.post(ADD_URL, article_data(source="   "))
    assert response.status_code == 200
    assert "请填写来源" in response.content.decode()
    assert not Article.objects.exists()


def test_bulk_publish_and_take_down_respect_status_and_roles(client, editor, chief):
    ready = ArticleFactory.create_batch(2, status=Status.REVIEW)
    archived = ArticleFactory(status=Status.ARCHIVED)
    client.force_login(editor)
    pks = [a.pk for a in ready] + [archived.pk]
    response = client.post(LIST_URL, {"action": "publish_selected", "_selected_action": pks}, follow=True)
    page = response.content.decode()
    assert "已发布 2 篇文章" in page and "1 篇文章当前状态不能发布" in page
    assert Article.objects.filter(status=Status.PUBLISHED).count() == 2
    assert client.post(LIST_URL, {"action": "archive_selected", "_selected_action": pks}).status_code == 403
    client.force_login(chief)
    page = client.post(LIST_URL, {"action": "archive_selected", "_selected_action": pks}).content.decode()
    assert "确认下线" in page and Article.objects.filter(status=Status.ARCHIVED).count() == 1  # asks first
    client.post(LIST_URL, {"action": "archive_selected", "_selected_action": pks, "confirmed": "1"})
    assert Article.objects.filter(status=Status.ARCHIVED).count() == 3
    assert ArticleTransition.objects.filter(to_status=Status.ARCHIVED, user=chief).count() == 2


def test_change_form_offers_only_the_users_transitions(client, writer, editor):
    own = ArticleFactory(status=Status.DRAFT, created_by=writer)
    client.force_login(writer)
    page = client.get(change_url(own)).content.decode()
    assert 'value="submit"' in page and 'value="publish"' not in page
    client.force_login(editor)
    page = client.get(change_url(own)).content.decode()
    assert 'value="publish"' in page and 'value="archive"' not in page


def test_article_list_shows_thumbnail_badges_regions_channel_and_views(client, editor):
    ArticleFactory(title="海淀新政", channel=ChannelFactory(name="政策解读"), status=Status.REVIEW)
    client.force_login(editor)
    page = client.get(LIST_URL).content.decode()
    for text in ("海淀新政", "status-review", "待审核", "政策解读", "浏览次数", "admin-thumb"):
        assert text in page, text
    assert client.get(LIST_URL + "?schedule=scheduled").status_code == 200


def test_workflow_service_refuses_users_without_permission(writer):
    article = ArticleFactory(status=Status.REVIEW)
    with pytest.raises(workflow.PermissionDenied):
        workflow.apply(article, "publish", writer)
    article.refresh_from_db()
    assert article.status == Status.REVIEW


def test_hostile_body_html_posted_through_the_admin_never_reaches_readers(client, editor):
    client.force_login(editor)
    hostile = (
        '<p onclick="steal()" style="color:red">导语<script>alert(1)</script></p>'
        '<a href="javascript:alert(1)">点我</a><img src="x" onerror="alert(1)">'
        '<iframe src="https://evil.example"></iframe><h2 style="x">一、小标题</h2>'
    )
    client.post(ADD_URL, article_data(body=hostile, _transition="publish"))
    article = Article.objects.get(title="石景山发布数字经济政策")
    page = client.get(article.get_absolute_url()).content.decode()
    body = article.body
    for bad in ("<script", "onclick", "onerror", "javascript:", "style=", "<iframe"):
        assert bad not in body, bad
    assert "alert(1)" not in page.split("data-article-body")[1].split("</div>")[0]
    assert '<h2 id="sec-1">一、小标题</h2>' in body


def test_the_publish_button_saves_the_edits_and_the_move_in_one_write(client, editor, monkeypatch):
    from reversion.models import Version

    article = ArticleFactory(status=Status.REVIEW, title="待发布的稿件")
    versions_before = Version.objects.get_for_object(article).count()
    writes, save = [], Article.save

    def counted_save(self, *args, **kwargs):
        writes.append(kwargs.get("update_fields"))
        return save(self, *args, **kwargs)

    monkeypatch.setattr(Article, "save", counted_save)
    client.force_login(editor)
    response = client.post(change_url(article), article_data(article, title="改好的标题", _transition="publish"))

    assert response.status_code == 302
    assert writes == [None]  # one save of the whole row: the edits and the move together
    article.refresh_from_db()
    assert (article.title, article.status, article.responsible_editor) == ("改好的标题", Status.PUBLISHED, editor)
    assert ArticleTransition.objects.filter(article=article).count() == 1
    assert Version.objects.get_for_object(article).count() == versions_before + 1
    assert "发布" in Version.objects.get_for_object(article).first().revision.comment


def test_a_move_refused_by_the_policy_saves_nothing(client, editor):
    later = timezone.now() - datetime.timedelta(hours=1)
    article = ArticleFactory(status=Status.REVIEW, publish_at=later - datetime.timedelta(days=1), expire_at=later)
    client.force_login(editor)
    data = article_data(article, title="不该保存", _transition="publish")
    data.update(publish_at_0=f"{timezone.localtime(later) - datetime.timedelta(days=1):%Y-%m-%d}")
    data.update(
        expire_at_0=f"{timezone.localtime(later):%Y-%m-%d}", expire_at_1=f"{timezone.localtime(later):%H:%M:%S}"
    )
    response = client.post(change_url(article), data)
    assert response.status_code == 200
    assert "下线时间早于发布时间" in response.content.decode()
    article.refresh_from_db()
    assert article.title != "不该保存" and article.status == Status.REVIEW
    assert not ArticleTransition.objects.exists()
