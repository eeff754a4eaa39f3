"""Revoking shared preview links: 撤销预览链接 on the staff preview page ends every link shared so far."""

import pytest
from django.core import signing
from django.test import Client
from reversion.models import Version

from articles.models import Article
from articles.newsroom import preview
from tests.factories import ArticleFactory, newsroom_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft():
    writer = newsroom_user("撰稿人", username="author")
    return ArticleFactory(title="未发布的亦庄新闻", status=Article.Status.DRAFT, created_by=writer)


def staff_page(article):
    return f"/admin/articles/article/{article.pk}/preview/"


def revoke_url(article):
    return f"/admin/articles/article/{article.pk}/preview/revoke/"


def shared(client, token):
    return client.get(f"/preview/{token}/")


def test_revoking_ends_the_links_shared_so_far_and_new_links_work(client, draft):
    old_token = preview.make_token(draft)
    assert shared(Client(), old_token).status_code == 200

    client.force_login(newsroom_user("编辑", username="editor"))
    page = client.get(staff_page(draft)).content.decode()
    assert "撤销预览链接" in page and revoke_url(draft) in page and "csrfmiddlewaretoken" in page

    response = client.post(revoke_url(draft), follow=True)
    assert response.redirect_chain == [(staff_page(draft), 302)]
    assert "已撤销此前分享的全部预览链接" in response.content.decode()

    refused = shared(Client(), old_token)
    assert refused.status_code == 404
    assert "预览链接已失效" in refused.content.decode() and "已被撤销" in refused.content.decode()
    assert refused["X-Robots-Tag"] == "noindex, nofollow"
    assert 'name="robots" content="noindex, nofollow"' in refused.content.decode()

    new_token = response.context["preview_share_url"].rstrip("/").rsplit("/", 1)[-1]
    assert new_token != old_token
    fresh = shared(Client(), new_token)
    assert fresh.status_code == 200 and "未发布的亦庄新闻" in fresh.content.decode()


def test_the_author_of_a_draft_may_revoke_its_links(client, draft):
    token = preview.make_token(draft)
    client.force_login(draft.created_by)
    assert client.post(revoke_url(draft)).status_code == 302
    assert shared(client, token).status_code == 404


def test_a_writer_who_may_not_edit_the_article_cannot_revoke(client, draft):
    token = preview.make_token(draft)
    client.force_login(newsroom_user("撰稿人", username="other-writer"))
    assert "撤销预览链接" not in client.get(staff_page(draft)).content.decode()

    assert client.post(revoke_url(draft)).status_code == 403
    assert shared(Client(), token).status_code == 200


def test_a_get_does_not_revoke(client, draft):
    token = preview.make_token(draft)
    client.force_login(newsroom_user("编辑", username="editor"))
    assert client.get(revoke_url(draft)).status_code == 405
    assert shared(Client(), token).status_code == 200


def test_revoking_needs_the_csrf_token(draft):
    token = preview.make_token(draft)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(newsroom_user("编辑", username="editor"))
    assert browser.post(revoke_url(draft)).status_code == 403
    assert shared(Client(), token).status_code == 200


def test_revoking_needs_a_staff_login(client, draft):
    token = preview.make_token(draft)
    response = client.post(revoke_url(draft))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert shared(client, token).status_code == 200


def test_revoking_is_not_an_edit(client, draft):
    client.force_login(newsroom_user("编辑", username="editor"))
    versions = Version.objects.get_for_object(draft).count()
    client.post(revoke_url(draft))
    revoked = Article.objects.get(pk=draft.pk)
    assert revoked.version == draft.version and revoked.updated_at == draft.updated_at
    assert revoked.preview_key != draft.preview_key
    assert Version.objects.get_for_object(draft).count() == versions


def test_revoking_one_article_leaves_the_links_of_others_working(client, draft):
    other = ArticleFactory(status=Article.Status.DRAFT)
    token = preview.make_token(other)
    client.force_login(newsroom_user("编辑", username="editor"))
    client.post(revoke_url(draft))
    assert shared(client, token).status_code == 200


def test_each_article_has_its_own_preview_key():
    keys = {ArticleFactory().preview_key for _ in range(5)}
    assert len(keys) == 5 and all(len(key) >= 10 for key in keys)


@pytest.mark.parametrize(
    "payload",
    [
        {"a": 1},  # a link made before preview keys existed
        {"a": 1, "k": None},
        {"a": 1, "k": ["x"]},
        {"a": 1, "k": "guessed-key"},
    ],
)
def test_links_without_the_current_key_are_refused(client, payload):
    ArticleFactory(pk=1, status=Article.Status.DRAFT)
    token = signing.dumps(payload, salt="articles.preview", compress=True)
    assert shared(client, token).status_code == 404


def test_revoking_an_unknown_article_is_404(client):
    client.force_login(newsroom_user("编辑", username="editor"))
    assert client.post("/admin/articles/article/999999/preview/revoke/").status_code == 404
    assert client.post("/admin/articles/article/abc/preview/revoke/").status_code == 404
