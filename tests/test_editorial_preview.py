"""Preview: staff see drafts as readers will; a signed, expiring link works without an account."""

import datetime

import pytest
from django.core import signing
from django.utils import timezone

from articles.models import Article
from articles.newsroom import preview
from tests.factories import ArticleFactory, newsroom_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft():
    return ArticleFactory(title="未发布的亦庄新闻", status=Article.Status.DRAFT, body="<p>草稿正文。</p>")


def test_staff_preview_shows_a_draft_as_readers_will(client, draft):
    client.force_login(newsroom_user("撰稿人", username="writer"))
    response = client.get(f"/admin/articles/article/{draft.pk}/preview/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "未发布的亦庄新闻" in page and "草稿正文" in page and "preview-banner" in page
    assert 'name="robots" content="noindex, nofollow"' in page
    draft.refresh_from_db()
    assert draft.view_count == 0


def test_staff_preview_needs_a_staff_login(client, draft):
    response = client.get(f"/admin/articles/article/{draft.pk}/preview/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_shared_link_works_without_an_account_until_it_expires(client, draft, settings):
    token = preview.make_token(draft)
    response = client.get(f"/preview/{token}/")
    assert response.status_code == 200
    assert "未发布的亦庄新闻" in response.content.decode()
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    draft.refresh_from_db()
    assert draft.view_count == 0

    later = timezone.now() + datetime.timedelta(hours=settings.ARTICLE_PREVIEW_HOURS, minutes=1)
    import time

    real_time = time.time
    try:
        time.time = lambda: later.timestamp()
        expired = client.get(f"/preview/{token}/")
    finally:
        time.time = real_time
    assert expired.status_code == 404
    assert "预览链接已失效" in expired.content.decode()


@pytest.mark.parametrize(
    "token",
    [
        "garbage",
        "x" * 500,
        "<script>alert(1)</script>",
        signing.dumps({"a": 1}, salt="another.salt"),
        signing.dumps({"a": "1 OR 1=1"}, salt="articles.preview"),
        signing.dumps([1], salt="articles.preview"),
    ],
    # Signed tokens carry a timestamp: ids that stay the same in every process (pytest-xdist).
    ids=["garbage", "long", "markup", "other-salt", "string-id", "list"],
)
def test_forged_or_malformed_links_are_refused(client, draft, token):
    response = client.get(f"/preview/{token}/")
    assert response.status_code == 404
    assert "未发布的亦庄新闻" not in response.content.decode()


def test_link_to_a_deleted_article_is_refused(client, draft):
    token = preview.make_token(draft)
    draft.delete()
    assert client.get(f"/preview/{token}/").status_code == 404


def test_staff_preview_page_offers_the_share_link(client, draft):
    client.force_login(newsroom_user("编辑", username="editor"))
    page = client.get(f"/admin/articles/article/{draft.pk}/preview/").content.decode()
    assert "/preview/" in page and "有效期至" in page
