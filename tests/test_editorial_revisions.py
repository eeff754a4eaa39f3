"""Revisions: every save is kept, two can be compared, one can be restored; stale saves refused."""

import pytest
from reversion.models import Version

from articles.models import Article
from articles.newsroom import revisions
from tests.factories import ArticleFactory, RegionFactory, newsroom_user
from tests.helpers import article_data, change_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(login_as):
    return login_as("编辑", "editor")


def versions(article):
    return list(revisions.history(article))


def test_every_admin_save_keeps_a_revision_with_its_user(client, editor):
    article = ArticleFactory(status=Article.Status.DRAFT)
    before = len(versions(article))
    client.post(change_url(article), article_data(article, title="第二版标题"))
    latest = versions(article)[0]
    assert len(versions(article)) == before + 1
    assert latest.revision.user == editor
    assert latest.field_dict["title"] == "第二版标题"


def test_saves_outside_the_admin_keep_a_revision_too():
    article = ArticleFactory(title="导入的文章")
    article.title = "在命令行里改的标题"
    article.save()
    assert [v.field_dict["title"] for v in versions(article)][:2] == ["在命令行里改的标题", "导入的文章"]


def test_workflow_transitions_keep_a_revision_with_a_comment(client, editor):
    article = ArticleFactory(status=Article.Status.REVIEW)
    client.post(change_url(article), article_data(article, _transition="publish"))
    assert "发布" in versions(article)[0].revision.comment
    assert versions(article)[0].field_dict["status"] == Article.Status.PUBLISHED


def test_history_page_lists_revisions(client, editor):
    article = ArticleFactory()
    client.post(change_url(article), article_data(article, title="改后的标题"))
    page = client.get(f"/admin/articles/article/{article.pk}/revisions/").content.decode()
    assert "版本历史" in page and "修改" in page and "恢复此版本" in page


def test_compare_shows_what_changed_between_two_revisions(client, editor):
    article = ArticleFactory(title="原标题", body="<p>第一段。</p>")
    client.post(
        change_url(article), article_data(article, title="新标题", body="<p>第一段。</p><p>新增的<b>段落</b>。</p>")
    )
    newer, older = versions(article)[:2]
    page = client.get(
        f"/admin/articles/article/{article.pk}/revisions/compare/?from={older.pk}&to={newer.pk}"
    ).content.decode()
    assert "<del>" in page and "原标题" in page and "新标题" in page
    assert "&lt;p&gt;新增的&lt;b&gt;段落&lt;/b&gt;。&lt;/p&gt;" in page  # shown as source, never rendered


@pytest.mark.parametrize("query", ["", "?from=abc&to=1", "?from=999999&to=999998"])
def test_compare_with_bad_versions_redirects_with_a_message(client, editor, query):
    article = ArticleFactory()
    response = client.get(f"/admin/articles/article/{article.pk}/revisions/compare/{query}", follow=True)
    assert response.status_code == 200
    assert "请选择这篇文章的两个版本" in response.content.decode()


def test_restore_brings_back_content_but_keeps_status_and_views(client, editor):
    region = RegionFactory()
    article = ArticleFactory(title="最初的标题", regions=[region])
    client.post(change_url(article), article_data(article, title="后来的标题"))
    Article.objects.filter(pk=article.pk).update(view_count=42)
    first = versions(article)[-1]
    article.refresh_from_db()
    response = client.post(f"/admin/articles/article/{article.pk}/revisions/{first.pk}/restore/")
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "最初的标题"
    assert article.view_count == 42 and article.status == Article.Status.PUBLISHED
    assert "恢复到" in versions(article)[0].revision.comment


def test_restore_needs_post_and_change_permission(client):
    article = ArticleFactory(title="原样")
    other = ArticleFactory()
    version = versions(article)[0]
    client.force_login(newsroom_user("撰稿人", username="writer"))
    assert client.post(f"/admin/articles/article/{article.pk}/revisions/{version.pk}/restore/").status_code == 403
    client.force_login(newsroom_user("编辑", username="editor2"))
    assert client.get(f"/admin/articles/article/{article.pk}/revisions/{version.pk}/restore/").status_code == 403
    # A version of another article cannot be restored into this one.
    foreign = versions(other)[0]
    assert client.post(f"/admin/articles/article/{article.pk}/revisions/{foreign.pk}/restore/").status_code == 404


def test_stale_save_is_refused_and_keeps_what_was_typed(client, editor):
    article = ArticleFactory(status=Article.Status.DRAFT, title="原标题")
    stale = article_data(article, title="甲的标题", body="<p>甲输入的很长一段正文</p>")
    client.post(change_url(article), article_data(article, title="乙的标题"))  # the other editor saves first
    count = Version.objects.count()
    response = client.post(change_url(article), stale)
    page = response.content.decode()
    assert response.status_code == 200
    assert "保存被拒绝" in page and "（编辑 于" in page
    assert "甲的标题" in page and "甲输入的很长一段正文" in page
    article.refresh_from_db()
    assert article.title == "乙的标题"
    assert Version.objects.count() == count


def test_a_transition_makes_an_open_form_stale(client, editor):
    article = ArticleFactory(status=Article.Status.REVIEW)
    stale = article_data(article, title="旧页面上的修改")
    client.post("/admin/articles/article/", {"action": "publish_selected", "_selected_action": [article.pk]})
    assert "保存被拒绝" in client.post(change_url(article), stale).content.decode()


def test_a_missing_version_field_is_not_treated_as_stale(client, editor):
    article = ArticleFactory(status=Article.Status.DRAFT)
    data = article_data(article, title="无版本号也能保存")
    del data["loaded_version"]
    assert client.post(change_url(article), data).status_code == 302
