"""A story page's kept parts (articles.reading.story_parts) follow every change readers could see."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from articles.models import Article, ArticleAttachment
from articles.newsroom import drafts, workflow
from tests.factories import ArticleFactory, RegionFactory, UserFactory, newsroom_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    """Whole pages are never kept here: what is seen is rendered from the kept parts."""
    settings.PAGE_CACHE_SECONDS = 0
    settings.STORY_PART_SECONDS = 3600


@pytest.fixture
def region():
    return RegionFactory(name="北京经济技术开发区", slug="yizhuang")


@pytest.fixture
def story(region):
    editor = UserFactory(username="wang", first_name="王编辑")
    return ArticleFactory(
        title="亦庄抗体药平台",
        regions=[region],
        tags=["生物医药"],
        responsible_editor=editor,
        publish_at=timezone.now() - datetime.timedelta(hours=3),
    )


@pytest.fixture
def chief():
    return newsroom_user("总编辑", username="chief")


def page(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def kept(client, article):
    """Render the page twice: the second is drawn from the kept parts (its row is the only query)."""
    page(client, article)
    with CaptureQueriesContext(connection) as queries:
        content = page(client, article)
    assert len(queries) == 1, [q["sql"] for q in queries]
    return content


def terms(content):
    """The story's own 相关区域/标签 footer."""
    start = content.index('<footer class="article-terms">')
    return content[start : content.index("</footer>", start)]


def test_a_page_from_kept_parts_is_the_page_rendered_afresh(client, story, settings):
    from_parts = kept(client, story)
    settings.STORY_PART_SECONDS = 0
    assert page(client, story) == from_parts


def test_nothing_is_kept_with_story_part_seconds_zero(client, story, settings):
    settings.STORY_PART_SECONDS = 0
    page(client, story)
    with CaptureQueriesContext(connection) as queries:
        page(client, story)
    assert len(queries) > 1


def test_each_story_has_parts_of_its_own(client, story):
    other = ArticleFactory(title="中关村人工智能园区", tags=["人工智能"])
    kept(client, story)
    content = page(client, other)
    assert "中关村人工智能园区" in content and "人工智能" in content and "生物医药" not in content


def test_an_edit_of_the_story_is_seen(client, story):
    kept(client, story)
    story.title, story.body = "亦庄抗体药平台投产", "<p>新的正文。</p>"
    story.save()
    content = page(client, story)
    assert "亦庄抗体药平台投产" in content and "新的正文" in content


def test_published_changes_are_seen(client, story, chief):
    kept(client, story)
    drafts.save(story, {"body": "<p>发布修改后的正文。</p>"}, chief)
    assert "发布修改后的正文" not in page(client, story)
    workflow.apply(story, "publish_changes", chief)
    assert "发布修改后的正文" in page(client, story)


def test_tags_added_and_removed_are_seen(client, story):
    kept(client, story)
    story.tags.add("新能源")
    assert "新能源" in terms(page(client, story))
    story.tags.remove("生物医药")
    assert "生物医药" not in terms(page(client, story))


def test_regions_changed_from_either_side_are_seen(client, story, region):
    kept(client, story)
    park = RegionFactory(name="亦庄生物医药园")
    park.articles.add(story)
    assert "亦庄生物医药园" in terms(page(client, story))
    story.regions.remove(region)
    assert "北京经济技术开发区" not in terms(page(client, story))
    park.articles.clear()
    assert "相关区域" not in page(client, story)


def test_a_renamed_region_tag_or_channel_is_seen(client, story, region):
    kept(client, story)
    region.name = "亦庄新城"
    region.save()
    assert "亦庄新城" in terms(page(client, story))
    tag = Tag.objects.get(name="生物医药")
    tag.name = "生物制药"
    tag.save()
    assert "生物制药" in terms(page(client, story))
    story.channel.name = "园区动态"
    story.channel.save()
    assert '<meta property="article:section" content="园区动态">' in page(client, story)


def test_a_tag_merge_is_seen(client, story):
    kept(client, story)
    merged = Tag.objects.create(name="医药健康", slug="yiyao")
    # What the tag merge does (articles.admin.tags): each tagging moved, without m2m_changed.
    item = TaggedItem.objects.get(content_type=ContentType.objects.get_for_model(Article), object_id=story.pk)
    item.tag = merged
    item.save(update_fields=["tag"])
    assert "医药健康" in terms(page(client, story))


def test_attachments_added_and_removed_are_seen(client, story):
    kept(client, story)
    attachment = ArticleAttachment.objects.create(
        article=story, title="实施细则", original_name="实施细则.pdf", mime_type="application/pdf", size=1, file="x.pdf"
    )
    assert "实施细则" in page(client, story)
    attachment.delete()
    assert "附件下载" not in page(client, story)


def test_the_responsible_editor_renamed_is_seen(client, story):
    kept(client, story)
    editor = story.responsible_editor
    editor.first_name = "李编辑"
    editor.save()
    assert "责任编辑：李编辑" in page(client, story)


def test_signing_in_leaves_the_parts_kept(client, story, chief):
    kept(client, story)
    client.force_login(chief)  # saves last_login
    client.logout()
    with CaptureQueriesContext(connection) as queries:
        page(client, story)
    assert len(queries) == 1


def test_a_newer_story_becomes_the_next_one(client, story):
    assert 'rel="next"' not in kept(client, story)
    ArticleFactory(title="亦庄新药获批上市", publish_at=timezone.now() - datetime.timedelta(hours=1))
    content = page(client, story)
    assert 'rel="next">亦庄新药获批上市</a>' in content


def test_a_story_taken_down_leaves_its_neighbours_and_related_lists(client, story, chief):
    newer = ArticleFactory(
        title="亦庄新药获批上市", tags=["生物医药"], publish_at=timezone.now() - datetime.timedelta(hours=1)
    )
    assert "亦庄新药获批上市" in kept(client, story)
    workflow.apply(newer, "archive", chief)
    assert "亦庄新药获批上市" not in page(client, story)


def test_a_preview_never_shows_or_keeps_parts(client, story, chief):
    kept(client, story)
    drafts.save(story, {"title": "预览里的新标题", "body": "<p>预览正文。</p>"}, chief)
    client.force_login(chief)
    preview = client.get(f"/admin/articles/article/{story.pk}/preview/").content.decode()
    assert "预览正文" in preview
    client.logout()
    content = page(client, story)
    assert "预览正文" not in content and "预览里的新标题" not in content


# ---------- a story's item in a list ----------


def listing(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_listing_from_kept_items_is_the_listing_rendered_afresh(client, story, settings):
    listing(client, "/regions/yizhuang/")
    with CaptureQueriesContext(connection) as kept_queries:
        from_items = listing(client, "/regions/yizhuang/")
    settings.STORY_PART_SECONDS = 0
    with CaptureQueriesContext(connection) as rendered_queries:
        assert listing(client, "/regions/yizhuang/") == from_items
    # Kept items read no regions: the one query fewer.
    assert len(kept_queries) == len(rendered_queries) - 1


def test_an_item_follows_its_story_and_its_regions(client, story, region):
    park = RegionFactory(name="亦庄生物医药园", slug="bio-park")
    story.regions.add(park)
    assert "亦庄生物医药园" in listing(client, "/regions/yizhuang/")
    park.name = "亦庄生物医药基地"
    park.save()
    assert "亦庄生物医药基地" in listing(client, "/regions/yizhuang/")
    story.title = "亦庄抗体药平台投产"
    story.save()
    assert "亦庄抗体药平台投产" in listing(client, "/regions/yizhuang/")
    story.regions.remove(park)
    assert 'class="region-tag" href="/regions/bio-park/"' not in listing(client, "/regions/yizhuang/")


def test_each_kind_of_list_keeps_its_own_item(client, story, region):
    # One story is the home page's headline; the other is in its list (h3, 置顶 badges).
    story.is_headline = True
    story.save()
    older = ArticleFactory(
        title="亦庄新药研发中心", regions=[region], publish_at=timezone.now() - datetime.timedelta(days=1)
    )
    assert '<h2 class="article-item-title">' in listing(client, "/regions/yizhuang/")
    assert '<h3 class="article-item-title">' in listing(client, "/")
    older.is_pinned = True
    older.save()
    assert '<span class="badge">置顶</span>' in listing(client, "/")
    assert "置顶" not in listing(client, "/regions/yizhuang/")
