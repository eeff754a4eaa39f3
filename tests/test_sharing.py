"""分享到 微信 / 微博 / 复制链接 on an article page, its og:image (the cover or a generated share
card) and the JSON-LD that crawlers and share previews read."""

import datetime
import html
import io
import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image, ImageFont

from articles.models import Article
from articles.reading import share
from tests.factories import ArticleFactory, ImageFactory, RegionFactory
from tests.helpers import use_database_queue, work

pytestmark = pytest.mark.django_db

SITE = "https://news.example.cn"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


def page_of(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def meta(page, prop):
    return html.unescape(re.search(rf'<meta property="{prop}" content="([^"]*)">', page)[1])


def jsonld(page):
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)[1])


def card_path(page):
    """The og:image URL of a story without a cover, as a path the test client can get."""
    url = meta(page, "og:image")
    assert url.startswith(SITE)
    return url.removeprefix(SITE)


def png_size(response):
    return Image.open(io.BytesIO(response.content)).size


def test_the_wechat_qr_code_encodes_the_storys_public_address(client):
    article = ArticleFactory()
    page = page_of(client, article)
    url = f"{SITE}/articles/{article.pk}/"
    assert share.qr_svg(url) in page  # segno's drawing of the same address
    assert "<?xml" not in page and "用微信扫一扫，分享给朋友" in page
    assert re.search(r"<details>\s*<summary[^>]*>微信</summary>", page)


def test_the_share_block_has_no_style_attributes_or_inline_scripts(client):
    page = page_of(client, ArticleFactory())
    assert "style=" not in page
    inline = [tag for tag in re.findall(r"<script[^>]*>", page) if "src=" not in tag]
    assert inline == ['<script type="application/ld+json">']
    assert re.search(r'<script src="/static/js/share[^"]*\.js" defer>', page)


def test_the_weibo_link_carries_the_encoded_address_and_title(client):
    article = ArticleFactory(title="亦庄生物医药 & 抗体药平台")
    page = page_of(client, article)
    link = html.unescape(re.search(r'href="(https://service\.weibo\.com/share/share\.php\?[^"]+)"', page)[1])
    query = parse_qs(urlsplit(link).query)
    assert query == {"url": [f"{SITE}/articles/{article.pk}/"], "title": ["亦庄生物医药 & 抗体药平台"]}
    assert "%E4%BA%A6%E5%BA%84" in link  # percent-encoded, not raw
    assert 'target="_blank" rel="noopener noreferrer"' in page


def test_copy_link_copies_the_public_address_and_has_a_live_region(client):
    article = ArticleFactory()
    page = page_of(client, article)
    assert f'data-share-url="{SITE}/articles/{article.pk}/"' in page
    assert 'role="status" data-share-status' in page
    assert f'readonly value="{SITE}/articles/{article.pk}/"' in page


def test_a_story_without_a_cover_shares_a_1200_by_630_card(client):
    article = ArticleFactory(title="怀柔影视产业重磅激励，最高3000万元招商计划", regions=[RegionFactory(name="怀柔区")])
    page = page_of(client, article)
    path = card_path(page)
    assert path.startswith(f"/articles/{article.pk}/share.png?v=")
    assert meta(page, "og:image:width") == "1200" and meta(page, "og:image:height") == "630"
    response = client.get(path)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert png_size(response) == (1200, 630)
    assert "immutable" in response["Cache-Control"] and "max-age=31536000" in response["Cache-Control"]
    assert jsonld(page)["image"] == [SITE + path]


def test_the_card_is_drawn_once_and_then_read_from_storage(client, monkeypatch):
    article = ArticleFactory()
    path = card_path(page_of(client, article))
    first = client.get(path).content
    _, stored = default_storage.listdir(f"share-cards/{article.pk}")
    assert len(stored) == 1

    def fail(*args):
        raise AssertionError("drawn again")

    monkeypatch.setattr(share, "render_card", fail)
    assert client.get(path).content == first


def test_a_new_title_gives_a_new_card_url_and_replaces_the_stored_card(client):
    article = ArticleFactory(title="旧标题")
    old_path = card_path(page_of(client, article))
    old_card = client.get(old_path).content
    Article.objects.filter(pk=article.pk).update(updated_at=timezone.now() - datetime.timedelta(minutes=5))
    article.refresh_from_db()
    article.title = "新标题：中关村科学城发布新政"
    article.save()
    new_path = card_path(page_of(client, article))
    assert new_path != old_path
    assert client.get(new_path).content != old_card
    _, stored = default_storage.listdir(f"share-cards/{article.pk}")
    assert len(stored) == 1  # the old title's card is gone
    # An old link still leads to a card: the current one.
    response = client.get(old_path)
    assert response.status_code == 302 and response["Location"] == SITE + new_path


def test_a_cover_storys_og_image_is_its_cover(client):
    cover = ImageFactory()
    article = ArticleFactory(cover=cover)
    page = page_of(client, article)
    assert meta(page, "og:image") == SITE + cover.display_url
    assert jsonld(page)["image"] == [SITE + cover.display_url]
    assert "og:image:width" not in page


@pytest.mark.parametrize(
    "state",
    [
        {"status": Article.Status.DRAFT},
        {"status": Article.Status.REVIEW},
        {"publish_at": timezone.now() + datetime.timedelta(days=1)},  # scheduled
    ],
)
def test_stories_readers_cannot_see_have_no_share_card(client, state):
    article = ArticleFactory(**state)
    response = client.get(f"/articles/{article.pk}/share.png?v={share.card_version(article)}")
    assert response.status_code == 404
    assert client.get("/articles/999999/share.png").status_code == 404


def test_without_a_cjk_font_the_card_is_drawn_without_its_title(client, monkeypatch):
    monkeypatch.setattr(share, "_cjk_font_path", lambda: None)
    article = ArticleFactory()
    response = client.get(card_path(page_of(client, article)))
    assert response.status_code == 200 and png_size(response) == (1200, 630)


def test_a_storage_outage_still_serves_the_card(client, monkeypatch):
    article = ArticleFactory()
    path = card_path(page_of(client, article))

    def down(*args, **kwargs):
        raise ConnectionError("S3 unreachable")

    monkeypatch.setattr(default_storage, "exists", down)
    monkeypatch.setattr(default_storage, "save", down)
    response = client.get(path)
    assert response.status_code == 200 and png_size(response) == (1200, 630)


def test_long_titles_wrap_without_closing_punctuation_at_a_line_start():
    font = ImageFont.truetype(share._cjk_font_path(), 64) if share._cjk_font_path() else None
    if font is None:
        pytest.skip("no CJK font on this machine")
    title = "北京经济技术开发区发布生物医药产业高质量发展十条措施，助力创新药企业加快落地，打造世界级产业集群"
    lines = share.wrap(title, font, 1056, max_lines=4)
    assert all(font.getlength(line) <= 1056 + font.getlength("，") for line in lines)
    assert not any(line[0] in "，。、" for line in lines)
    assert "".join(lines) == title
    long = share.wrap(title * 3, font, 1056, max_lines=4)
    assert len(long) == 4 and long[-1].endswith("…")


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ("本网记者", {"@type": "Organization", "name": "北京招商资讯网"}),
        ("张明", {"@type": "Person", "name": "张明"}),
        ("", {"@type": "Organization", "name": "北京招商资讯网"}),
    ],
)
def test_jsonld_author_is_the_site_for_its_own_reporters(client, byline, expected):
    page = page_of(client, ArticleFactory(author=byline, source="北京招商资讯网"))
    assert jsonld(page)["author"] == [expected]


def test_a_preview_of_a_draft_has_no_share_block(admin_client):
    article = ArticleFactory(status=Article.Status.DRAFT)
    response = admin_client.get(f"/admin/articles/article/{article.pk}/preview/")
    assert response.status_code == 200 and article.title in response.content.decode()
    assert "用微信扫一扫" not in response.content.decode()


def test_cards_are_kept_in_the_object_store_when_media_is_on_s3(client, s3):
    buckets = s3
    article = ArticleFactory()
    response = client.get(card_path(page_of(client, article)))
    assert response.status_code == 200 and png_size(response) == (1200, 630)
    [key] = buckets.keys(buckets.public)
    assert key.startswith(f"media/share-cards/{article.pk}/") and key.endswith(".png")
    assert buckets.body(buckets.public, key) == response.content


def test_with_a_worker_the_card_is_drawn_in_the_background_before_anyone_asks(
    client, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    use_database_queue(settings, monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        article = ArticleFactory(title="亦庄新药获批上市", regions=[RegionFactory(name="亦庄")])
    queued = DBTaskResult.objects.filter(task_path="articles.reading.tasks.draw_share_card")
    assert queued.count() == 1  # the save and the regions it was given: one card
    assert not default_storage.exists(f"share-cards/{article.pk}")
    work()
    _, stored = default_storage.listdir(f"share-cards/{article.pk}")
    assert len(stored) == 1

    def fail(*args):
        raise AssertionError("drawn on the request")

    monkeypatch.setattr(share, "render_card", fail)
    response = client.get(card_path(page_of(client, article)))
    assert response.status_code == 200 and png_size(response) == (1200, 630)


def test_a_draft_queues_no_card(settings, monkeypatch, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    use_database_queue(settings, monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        ArticleFactory(status="draft")
    assert not DBTaskResult.objects.filter(task_path="articles.reading.tasks.draw_share_card").exists()
