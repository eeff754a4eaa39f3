"""Revisions: every save is kept (tags too), two read side by side as plain text, one can be
restored after a confirmation page (a published story gets it as unpublished changes); stale
saves are refused. The diff itself is tested in test_revision_diff.py."""

import datetime

import pytest
import reversion
from django.test import Client
from reversion.models import Revision, Version

from articles.models import Article, ArticleDraft, VersionTags
from articles.newsroom import revisions
from tests.factories import ArticleFactory, ChannelFactory, IndustryFactory, RegionFactory, newsroom_user
from tests.helpers import article_data, change_url

pytestmark = pytest.mark.django_db

# 06:05 UTC is 14:05 in Beijing.
AT = datetime.datetime(2026, 11, 26, 6, 5, tzinfo=datetime.UTC)


@pytest.fixture
def editor(login_as):
    return login_as("编辑", "editor")


def versions(article):
    return list(revisions.history(article))


def revisions_url(article):
    return f"/admin/articles/article/{article.pk}/revisions/"


def compare_url(article, older, newer):
    return f"{revisions_url(article)}compare/?from={older.pk}&to={newer.pk}"


def restore_url(article, version):
    return f"{revisions_url(article)}{version.pk}/restore/"


def draft_article(**kwargs):
    """A story that is not published (edited in place), its first revision made with its tags."""
    tags = kwargs.pop("tags", [])
    with reversion.create_revision():
        article = ArticleFactory(status=Article.Status.DRAFT, **kwargs)
        article.tags.set(tags)
    return article


def first_and_latest(article):
    found = versions(article)
    return found[-1], found[0]


# ---------- what is kept ----------


def test_every_admin_save_keeps_a_revision_with_its_user(client, editor):
    article = draft_article()
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


def test_an_admin_save_records_the_tags_it_saved(client, editor):
    article = draft_article(tags=["旧标签"])
    client.post(change_url(article), article_data(article, tags="新能源，智能网联汽车"))
    assert revisions.version_tags(versions(article)[0]) == ["新能源", "智能网联汽车"]
    assert revisions.version_tags(versions(article)[1]) == ["旧标签"]


def test_a_change_of_tags_alone_is_kept_as_a_version():
    article = draft_article(tags=["新能源"])
    with reversion.create_revision():
        article.save()
        article.tags.add("生物医药")
    assert [revisions.version_tags(v) for v in versions(article)] == [["新能源", "生物医药"], ["新能源"]]


def test_a_save_that_changes_nothing_keeps_no_new_version():
    article = draft_article(tags=["新能源"])
    for _ in range(2):
        with reversion.create_revision():
            article.save()
    assert len(versions(article)) == 1
    assert Revision.objects.count() == 1


def test_publishing_records_the_tags_of_the_published_story(client, editor):
    article = ArticleFactory(status=Article.Status.REVIEW, tags=["亦庄"])
    client.post(change_url(article), article_data(article, tags="亦庄, 经开区", _transition="publish"))
    assert revisions.version_tags(versions(article)[0]) == ["亦庄", "经开区"]


def test_a_story_whose_tags_were_all_removed_records_an_empty_list():
    article = draft_article(tags=["新能源"])
    with reversion.create_revision():
        article.save()
        article.tags.clear()
    assert revisions.version_tags(versions(article)[0]) == []


# ---------- the history list ----------


def test_history_page_lists_revisions_in_beijing_time(client, editor):
    article = draft_article()
    client.post(change_url(article), article_data(article, title="改后的标题"))
    Revision.objects.filter(pk=versions(article)[0].revision_id).update(date_created=AT)
    page = client.get(revisions_url(article)).content.decode()
    assert "版本历史" in page and "修改" in page and "恢复此版本" in page
    assert "2026年11月26日 14:05" in page
    assert "06:05" not in page and "+00:00" not in page


# ---------- compare ----------


def test_compare_shows_the_body_as_text_with_what_changed_marked(client, editor):
    article = draft_article(title="原标题", body="<p>第一段。</p><p>亦庄新签约三个项目。</p>")
    client.post(
        change_url(article),
        article_data(
            article, title="新标题", body="<p>第一段。</p><p>亦庄新签约五个项目。</p><p>新增的<b>段落</b>。</p>"
        ),
    )
    older, newer = first_and_latest(article)
    page = client.get(compare_url(article, older, newer)).content.decode()
    assert "<del>三</del><ins>五</ins>" in page
    assert "<ins>新增的段落。</ins>" in page
    assert "<del>原</del>标题" in page and "<ins>新</ins>标题" in page
    assert "&lt;p&gt;" not in page and "&lt;b&gt;" not in page  # no HTML source in sight


def test_compare_shows_tags_regions_and_times_in_plain_words(client, editor):
    yizhuang, huairou = RegionFactory(name="亦庄"), RegionFactory(name="怀柔")
    article = draft_article(regions=[yizhuang], tags=["新能源"])
    data = article_data(
        article, regions=[huairou.pk], tags="新能源, 生物医药", publish_at_0="2026-11-26", publish_at_1="14:05:00"
    )
    client.post(change_url(article), data)
    older, newer = first_and_latest(article)
    page = client.get(compare_url(article, older, newer)).content.decode()
    assert "<del>亦庄</del>" in page and "<ins>怀柔</ins>" in page
    assert "新能源<ins>、生物医药</ins>" in page
    assert "2026年11月26日 <del>" in page and "<ins>14:05</ins>" in page and "+00:00" not in page


def test_compare_of_an_unchanged_body_says_nothing_about_it():
    article = draft_article(body="<p>正文。</p>")
    with reversion.create_revision():
        article.title = "只改了标题"
        article.save()
    older, newer = first_and_latest(article)
    changes = revisions.compare(older, newer)
    assert [c.label for c in changes] == ["标题"]


def test_compare_escapes_what_the_story_contains(client, editor):
    article = draft_article(title="原标题")
    client.post(change_url(article), article_data(article, title="<script>alert(1)</script>"))
    older, newer = first_and_latest(article)
    page = client.get(compare_url(article, older, newer)).content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page


@pytest.mark.parametrize("query", ["", "?from=abc&to=1", "?from=999999&to=999998"])
def test_compare_with_bad_versions_redirects_with_a_message(client, editor, query):
    article = ArticleFactory()
    response = client.get(f"{revisions_url(article)}compare/{query}", follow=True)
    assert response.status_code == 200
    assert "请选择这篇文章的两个版本" in response.content.decode()


# ---------- restore ----------


def test_restore_first_shows_what_it_would_change_and_changes_nothing(client, editor):
    article = draft_article(title="最初的标题", body="<p>亦庄新签约三个项目。</p>", tags=["新能源"])
    client.post(change_url(article), article_data(article, title="后来的标题", body="<p>亦庄新签约五个项目。</p>"))
    first = versions(article)[-1]
    Revision.objects.filter(pk=first.revision_id).update(date_created=AT)
    count = Version.objects.count()
    response = client.get(restore_url(article, first))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="恢复到此版本"' in page and "csrfmiddlewaretoken" in page and 'method="post"' in page
    assert "2026年11月26日 14:05" in page
    assert "<del>后来的</del>" in page or "<del>后来</del>" in page
    assert "<del>五</del><ins>三</ins>" in page
    assert "<ins>新能源</ins>" in page  # the admin save above cleared the tags
    article.refresh_from_db()
    assert article.title == "后来的标题" and Version.objects.count() == count


def test_restore_brings_back_content_regions_industries_and_tags(client, editor):
    region, industry = RegionFactory(), IndustryFactory()
    article = draft_article(title="最初的标题", regions=[region], industries=[industry], tags=["新能源", "亦庄"])
    client.post(change_url(article), article_data(article, title="后来的标题", tags="别的标签"))
    Article.objects.filter(pk=article.pk).update(view_count=42)
    first = versions(article)[-1]
    response = client.post(restore_url(article, first), follow=True)
    article.refresh_from_db()
    assert article.title == "最初的标题"
    assert list(article.regions.all()) == [region] and list(article.industries.all()) == [industry]
    assert sorted(article.tags.names()) == ["亦庄", "新能源"]
    assert article.view_count == 42 and article.status == Article.Status.DRAFT
    latest = versions(article)[0]
    assert latest.revision.comment.startswith("恢复到 ") and "年" in latest.revision.comment
    assert revisions.version_tags(latest) == ["亦庄", "新能源"]
    assert "已恢复到" in response.content.decode()


def test_restore_keeps_workflow_fields_as_they_are(client, editor):
    article = draft_article(title="草稿标题")
    first = versions(article)[0]
    with reversion.create_revision():
        Article.objects.filter(pk=article.pk).update(status=Article.Status.REVIEW)
    client.post(restore_url(article, first))
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW


def test_a_deleted_channel_is_not_restored(client, editor):
    channel = ChannelFactory()
    article = draft_article(channel=channel)
    first = versions(article)[0]
    channel.delete()
    client.post(restore_url(article, first))
    article.refresh_from_db()
    assert article.channel is None


def test_a_version_saved_before_tags_were_kept_leaves_the_tags_alone(client, editor):
    article = draft_article(title="最初的标题", tags=["新能源"])
    VersionTags.objects.filter(version=versions(article)[0]).delete()
    first = versions(article)[0]
    client.post(change_url(article), article_data(article, title="后来的标题", tags="生物医药"))
    assert "标签" not in [c.label for c in revisions.compare_with_current(article, first)]
    client.post(restore_url(article, first))
    article.refresh_from_db()
    assert article.title == "最初的标题" and list(article.tags.names()) == ["生物医药"]


def test_restoring_a_published_story_leaves_the_live_story_alone(client, editor):
    region = RegionFactory()
    with reversion.create_revision():
        article = ArticleFactory(title="最初的标题", body="<p>最初的正文。</p>", regions=[region])
        article.tags.set(["新能源"])
    first = versions(article)[0]
    with reversion.create_revision():
        article.title, article.body = "上线的标题", "<p>上线的正文。</p>"
        article.save()
        article.regions.clear()
        article.tags.set(["上线标签"])
    page = client.get(restore_url(article, first)).content.decode()
    assert "该版本的内容将成为未发布的修改" in page
    response = client.post(restore_url(article, first), follow=True)
    assert "已将该版本恢复为未发布的修改，发布后才会在前台生效。" in response.content.decode()
    article.refresh_from_db()
    assert article.title == "上线的标题" and article.status == Article.Status.PUBLISHED
    assert list(article.tags.names()) == ["上线标签"] and not article.regions.exists()
    draft = ArticleDraft.objects.get(article=article)
    assert draft.data["title"] == "最初的标题" and "最初的正文" in draft.data["body"]
    assert draft.data["regions"] == [region.pk] and draft.data["tags"] == ["新能源"]
    assert draft.updated_by == editor
    assert "status" not in draft.data and "publish_at" not in draft.data


def test_the_confirmation_says_when_waiting_changes_will_be_replaced(client, editor):
    article = ArticleFactory(title="上线的标题")
    first = versions(article)[0]
    client.post(change_url(article), article_data(article, title="编辑中的标题"))
    assert ArticleDraft.objects.filter(article=article).exists()
    page = client.get(restore_url(article, first)).content.decode()
    assert "已有的未发布修改" in page and "将被替换" in page


def test_restore_needs_change_permission(client):
    article = ArticleFactory(title="原样")
    version = versions(article)[0]
    client.force_login(newsroom_user("撰稿人", username="writer"))
    assert client.get(restore_url(article, version)).status_code == 403
    assert client.post(restore_url(article, version)).status_code == 403
    article.refresh_from_db()
    assert not ArticleDraft.objects.exists() and article.title == "原样"


def test_restore_refuses_a_version_of_another_article(client, editor):
    article, other = ArticleFactory(), ArticleFactory()
    foreign = versions(other)[0]
    assert client.get(restore_url(article, foreign)).status_code == 404
    assert client.post(restore_url(article, foreign)).status_code == 404


def test_restore_refuses_a_post_without_its_csrf_token(editor):
    article = draft_article(title="原样")
    version = versions(article)[0]
    guarded = Client(enforce_csrf_checks=True)
    guarded.force_login(editor)
    assert guarded.post(restore_url(article, version)).status_code == 403
    article.refresh_from_db()
    assert article.version == 1 and len(versions(article)) == 1


def test_restore_answers_only_get_and_post(client, editor):
    article = draft_article()
    assert client.put(restore_url(article, versions(article)[0])).status_code == 405


# ---------- stale saves ----------


def test_stale_save_is_refused_and_keeps_what_was_typed(client, editor):
    article = draft_article(title="原标题")
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
