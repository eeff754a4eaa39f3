"""Where library images are used: recorded on every save, shown in the library, and an image a
story still shows cannot be deleted (single delete page and "delete selected")."""

import importlib

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from articles.models import Article, ArticleDraft, Image, ImageUsage
from tests.factories import ArticleFactory, ImageFactory, TopicFactory, newsroom_user
from tests.helpers import change_url

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/articles/image/"


def body_with(*images, extra=""):
    figures = "".join(f'<figure><img src="{image.file.url}" alt="图"></figure>' for image in images)
    return f"<p>导语。</p>{figures}{extra}"


def usages(article=None, image=None):
    rows = ImageUsage.objects.all()
    if article is not None:
        rows = rows.filter(article=article)
    if image is not None:
        rows = rows.filter(image=image)
    return sorted(rows.values_list("image_id", "copy", "place"))


def delete_url(image):
    return f"/admin/articles/image/{image.pk}/delete/"


@pytest.fixture
def chief(client):
    user = newsroom_user("总编辑", username="chief")
    client.force_login(user)
    return user


# ----- the rows -----


def test_a_live_storys_cover_and_body_images_are_recorded():
    cover, inline, other = ImageFactory(), ImageFactory(), ImageFactory()
    article = ArticleFactory(cover=cover, body=body_with(inline))
    assert usages(article) == sorted([(cover.pk, "live", "cover"), (inline.pk, "live", "body")])
    assert usages(image=other) == []


def test_images_outside_the_library_and_renditions_are_not_counted():
    image = ImageFactory()
    image.renditions = [{"width": 320, "height": 180, "name": f"renditions/{image.pk}/320.webp"}]
    image.save()
    article = ArticleFactory(
        body=body_with(
            image, extra='<p><img src="/static/img/map.png" alt="地图"><img src="/media/images/gone.jpg"></p>'
        )
    )
    assert 'srcset="/media/renditions/' in article.body  # the body does carry rendition URLs
    assert usages(article) == [(image.pk, "live", "body")]


def test_the_same_image_twice_in_a_body_is_one_row():
    image = ImageFactory()
    article = ArticleFactory(cover=image, body=body_with(image, image))
    assert usages(article) == sorted([(image.pk, "live", "body"), (image.pk, "live", "cover")])


def test_changing_the_body_and_cover_updates_the_rows():
    first, second = ImageFactory(), ImageFactory()
    article = ArticleFactory(cover=first, body=body_with(first))
    article.cover = second
    article.body = "<p>图片已删去。</p>"
    article.save()
    assert usages(article) == [(second.pk, "live", "cover")]
    article.cover = None
    article.save()
    assert usages(article) == []


def test_a_status_only_save_leaves_the_rows_alone():
    image = ImageFactory()
    article = ArticleFactory(cover=image)
    ImageUsage.objects.all().delete()
    article.status = Article.Status.ARCHIVED
    article.save(update_fields=["status"])
    assert usages(article) == []  # not recomputed: nothing it reads changed


def test_unpublished_changes_are_recorded_as_the_draft_copy_and_dropped_with_them():
    live_cover, new_cover, inline = ImageFactory(), ImageFactory(), ImageFactory()
    article = ArticleFactory(cover=live_cover)
    draft = ArticleDraft.objects.create(article=article, data={"body": body_with(inline), "cover_id": new_cover.pk})
    assert usages(article) == sorted(
        [(live_cover.pk, "live", "cover"), (new_cover.pk, "draft", "cover"), (inline.pk, "draft", "body")]
    )
    draft.data = {"body": "<p>改了。</p>", "cover_id": None}
    draft.save()
    assert usages(article) == [(live_cover.pk, "live", "cover")]
    draft.data = {"body": body_with(inline), "cover_id": live_cover.pk}
    draft.save()
    ArticleDraft.objects.filter(pk=draft.pk).delete()  # discarded (a queryset delete, as drafts.discard does)
    assert usages(article) == [(live_cover.pk, "live", "cover")]


@pytest.mark.parametrize(
    "data",
    [
        {"cover_id": 999_999},  # deleted since the changes were saved
        {"cover_id": "1"},
        {"cover_id": True},
        {"body": None},
        {"body": 42},
        ["not", "a", "dict"],
        {},
    ],
    ids=["deleted-cover", "string-id", "bool", "no-body", "number-body", "list", "empty"],
)
def test_odd_or_stale_draft_values_record_nothing_and_never_fail(data):
    article = ArticleFactory()
    ArticleDraft.objects.create(article=article, data=data)
    assert usages(article) == []


def test_deleting_a_story_with_unpublished_changes_removes_its_rows():
    image = ImageFactory()
    article = ArticleFactory(cover=image, body=body_with(image))
    ArticleDraft.objects.create(article=article, data={"body": body_with(image), "cover_id": image.pk})
    assert len(usages(image=image)) == 4
    article.delete()
    assert not ImageUsage.objects.exists() and not ArticleDraft.objects.exists()
    ArticleFactory(cover=image)
    Article.objects.all().delete()  # a queryset delete, too
    assert not ImageUsage.objects.exists()


def test_fixture_loads_are_not_counted(tmp_path):
    image = ImageFactory()
    article = ArticleFactory(cover=image)
    ImageUsage.objects.all().delete()
    fixture = tmp_path / "article.json"
    call_command("dumpdata", "articles.article", f"--pks={article.pk}", output=str(fixture), verbosity=0)
    call_command("loaddata", str(fixture), verbosity=0)
    assert usages(article) == []


# ----- rebuilding: the command and the migration -----


def test_the_command_rebuilds_rows_for_stories_saved_without_signals():
    cover, inline = ImageFactory(), ImageFactory()
    articles = Article.objects.bulk_create(
        Article(title=f"批量导入{n}", body=body_with(inline), cover=cover if n % 2 else None) for n in range(7)
    )
    ArticleDraft.objects.bulk_create([ArticleDraft(article=articles[0], data={"cover_id": cover.pk})])
    ImageUsage.objects.create(image=inline, article=articles[0], copy="draft", place="cover")  # stale
    assert ImageUsage.objects.count() == 1
    call_command("refresh_image_usage", batch_size=3, stdout=(out := _Out()))
    assert "已重新统计 7 篇文章的图片使用情况" in out.text
    assert ImageUsage.objects.filter(place="body").count() == 7
    assert ImageUsage.objects.filter(place="cover", copy="live").count() == 3
    assert usages(articles[0]) == sorted([(inline.pk, "live", "body"), (cover.pk, "draft", "cover")])


def test_the_command_refuses_a_batch_size_below_one():
    with pytest.raises(CommandError, match="--batch-size"):
        call_command("refresh_image_usage", batch_size=0)


def test_the_data_migration_fills_rows_for_existing_stories():
    fill = importlib.import_module("articles.migrations.0009_fill_image_usage").fill
    cover, inline = ImageFactory(), ImageFactory()
    articles = Article.objects.bulk_create(
        Article(title=f"旧文章{n}", body=body_with(inline), cover=cover) for n in range(3)
    )
    ArticleDraft.objects.bulk_create(
        [ArticleDraft(article=articles[1], data={"body": body_with(cover), "cover_id": 999_999})]
    )
    fill(apps, None)
    assert usages(articles[0]) == sorted([(cover.pk, "live", "cover"), (inline.pk, "live", "body")])
    assert usages(articles[1]) == sorted(
        [(cover.pk, "live", "cover"), (inline.pk, "live", "body"), (cover.pk, "draft", "body")]
    )
    fill(apps, None)  # running again changes nothing
    assert ImageUsage.objects.count() == 7


class _Out:
    def __init__(self):
        self.text = ""

    def write(self, text):
        self.text += text

    def flush(self):
        pass


@pytest.mark.parametrize(
    ("places", "described"),
    [
        ({"cover": {"live"}}, "封面"),
        ({"cover": {"live", "draft"}, "body": {"live"}}, "封面、正文"),
        ({"body": {"draft"}}, "未发布的修改：正文"),
        ({"cover": {"live"}, "body": {"draft"}}, "封面；未发布的修改：正文"),
        ({"cover": {"draft"}, "body": {"draft"}}, "未发布的修改：封面、正文"),
    ],
)
def test_a_storys_use_is_described_live_first(places, described):
    from articles.media.usage import StoryUse

    use = StoryUse(Article(title="x"))
    use.places = {ImageUsage.Place(p): {ImageUsage.Copy(c) for c in copies} for p, copies in places.items()}
    assert use.describe() == described


# ----- the library shows it -----


def test_the_library_says_how_many_stories_use_each_image(client, chief):
    used = ImageFactory(alt_text="亦庄航拍")
    ImageFactory(alt_text="未用的图")
    ArticleFactory(cover=used, body=body_with(used))
    live = ArticleFactory()
    ArticleDraft.objects.create(article=live, data={"body": body_with(used)})
    page = client.get(LIST_URL).content.decode()
    assert "已用于 2 篇文章" in page  # two stories, however many places in each
    assert "未使用" in page
    by_use = client.get(LIST_URL + "?o=-5").content.decode()  # sorted on the column, most used first
    assert by_use.index("亦庄航拍") < by_use.index("未用的图")
    least_first = client.get(LIST_URL + "?o=5").content.decode()
    assert least_first.index("未用的图") < least_first.index("亦庄航拍")


def test_the_library_list_runs_a_fixed_number_of_queries(client, chief, django_assert_max_num_queries):
    images = [ImageFactory() for _ in range(35)]
    for n, image in enumerate(images):
        ArticleFactory(cover=image, body=body_with(images[(n + 1) % 35]))
    with django_assert_max_num_queries(12):
        response = client.get(LIST_URL + "?all=")
    page = response.content.decode()
    assert response.status_code == 200 and page.count("已用于 2 篇文章") == 35


def test_the_image_page_lists_the_stories_with_links(client, chief):
    image = ImageFactory()
    cover_story = ArticleFactory(title="亦庄机器人产业园开园", cover=image)
    draft_story = ArticleFactory(title="顺义航空产业新政")
    ArticleDraft.objects.create(article=draft_story, data={"body": body_with(image)})
    page = client.get(change_url(image)).content.decode()
    assert "已用于 2 篇文章" in page
    assert f'<a href="{change_url(cover_story)}">《亦庄机器人产业园开园》</a>（封面）' in page
    assert f'<a href="{change_url(draft_story)}">《顺义航空产业新政》</a>（未发布的修改：正文）' in page
    assert "js/unsaved-changes.js" in page


def test_an_unused_image_page_says_so(client, chief):
    image = ImageFactory()
    assert "未被文章使用" in client.get(change_url(image)).content.decode()


# ----- deletion is refused while used -----


@pytest.mark.parametrize("place", ["cover", "body", "draft-body", "draft-cover"])
def test_an_image_in_use_cannot_be_deleted_and_the_page_lists_the_stories(client, chief, place):
    image = ImageFactory()
    article = ArticleFactory(
        title="怀柔科学城项目签约",
        cover=image if place == "cover" else None,
        body=body_with(image) if place == "body" else "<p>正文。</p>",
    )
    if place.startswith("draft"):
        data = {"body": body_with(image)} if place == "draft-body" else {"cover_id": image.pk}
        ArticleDraft.objects.create(article=article, data=data)
    confirm = client.get(delete_url(image))
    assert confirm.status_code == 200
    page = confirm.content.decode()
    assert "该图片正用于以下文章，不能删除" in page and "《怀柔科学城项目签约》" in page
    assert change_url(article) in page and 'name="post"' not in page  # no "yes, delete" button
    response = client.post(delete_url(image), {"post": "yes"})
    assert response.status_code == 200 and "该图片正用于以下文章，不能删除" in response.content.decode()
    assert Image.objects.filter(pk=image.pk).exists() and ImageUsage.objects.filter(image=image).exists()


def test_a_topic_cover_cannot_be_deleted_either(client, chief):
    image = ImageFactory()
    TopicFactory(title="中关村论坛", cover=image)
    page = client.post(delete_url(image), {"post": "yes"}).content.decode()
    assert "不能删除" in page and "专题" in page and "《中关村论坛》" in page
    assert Image.objects.filter(pk=image.pk).exists()


def test_an_unused_image_is_deleted(client, chief):
    image = ImageFactory()
    ArticleFactory(body="<p>没有图片。</p>")
    page = client.get(delete_url(image)).content.decode()
    assert 'name="post"' in page and "不能删除" not in page
    assert client.post(delete_url(image), {"post": "yes"}).status_code == 302
    assert not Image.objects.filter(pk=image.pk).exists()


def test_delete_selected_refuses_the_whole_batch_and_lists_the_images_in_use(client, chief):
    used, unused = ImageFactory(alt_text="平谷物流园"), ImageFactory(alt_text="闲置图")
    article = ArticleFactory(title="平谷物流枢纽开工", body=body_with(used))
    data = {"action": "delete_selected", "_selected_action": [used.pk, unused.pk]}
    for step in ({}, {"post": "yes"}):
        response = client.post(LIST_URL, data | step)
        page = response.content.decode()
        assert response.status_code == 200
        assert "以下图片正用于文章，不能删除" in page
        assert "图片“平谷物流园”" in page and "《平谷物流枢纽开工》" in page and change_url(article) in page
        assert "闲置图" not in page
    assert Image.objects.count() == 2


def test_delete_selected_names_a_single_image_in_use_too(client, chief):
    image = ImageFactory(alt_text="通州副中心")
    ArticleFactory(title="城市副中心建设提速", cover=image)
    page = client.post(LIST_URL, {"action": "delete_selected", "_selected_action": [image.pk], "post": "yes"})
    assert "图片“通州副中心”" in page.content.decode() and "《城市副中心建设提速》" in page.content.decode()
    assert Image.objects.filter(pk=image.pk).exists()


def test_delete_selected_deletes_images_nobody_uses(client, chief):
    images = [ImageFactory(), ImageFactory()]
    ArticleFactory(cover=ImageFactory())
    ids = [image.pk for image in images]
    response = client.post(LIST_URL, {"action": "delete_selected", "_selected_action": ids, "post": "yes"})
    assert response.status_code == 302
    assert not Image.objects.filter(pk__in=ids).exists() and Image.objects.count() == 1


def test_removing_the_image_from_the_story_lets_it_be_deleted(client, chief):
    image = ImageFactory()
    article = ArticleFactory(cover=image, body=body_with(image))
    article.cover = None
    article.body = "<p>换掉了。</p>"
    article.save()
    assert client.post(delete_url(image), {"post": "yes"}).status_code == 302
    assert not Image.objects.filter(pk=image.pk).exists()


def test_stale_rows_cannot_let_a_protected_cover_go(client, chief):
    image = ImageFactory()
    ArticleFactory(title="朝阳国际消费中心城市", cover=image)
    ImageUsage.objects.all().delete()  # e.g. before refresh_image_usage ran
    response = client.post(delete_url(image), {"post": "yes"})
    assert response.status_code == 200 and "朝阳国际消费中心城市" in response.content.decode()
    assert Image.objects.filter(pk=image.pk).exists()


# ----- the unsaved-changes warning is loaded where forms are edited -----


def test_submission_change_form_loads_the_unsaved_changes_warning(client):
    from tests.factories import ContributionFactory

    client.force_login(newsroom_user("招商专员", username="officer"))
    contribution = ContributionFactory()
    assert "js/unsaved-changes.js" in client.get(change_url(contribution)).content.decode()
