"""A story's downloadable files: readers get them once the story is published, staff at any
time from the newsroom, where they are listed and can be removed."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, ArticleAttachment
from tests.factories import ArticleFactory, UserFactory, newsroom_user
from tests.files import pdf_bytes
from tests.helpers import article_data, change_url

pytestmark = pytest.mark.django_db

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
NOW = timezone.now()


def add_file(article, name="实施细则.pdf", content=None, mime_type="application/pdf"):
    """An attachment of `article` stored in private storage, as a conversion leaves one."""
    content = pdf_bytes() if content is None else content
    attachment = ArticleAttachment(
        article=article, title=name.rsplit(".", 1)[0], original_name=name, mime_type=mime_type, size=len(content)
    )
    attachment.file.save(f"stored.{name.rsplit('.', 1)[1]}", ContentFile(content), save=False)
    attachment.save()
    return attachment


def public_url(attachment):
    return f"/articles/{attachment.article_id}/files/{attachment.pk}/"


def staff_url(attachment):
    return f"/articles/attachments/{attachment.pk}/download/"


# ----- readers -----


def test_readers_download_a_published_storys_pdf_under_its_own_name(client):
    attachment = add_file(ArticleFactory())

    response = client.get(public_url(attachment))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''%E5%AE%9E%E6%96%BD%E7%BB%86%E5%88%99.pdf" in disposition  # 实施细则.pdf
    assert b"".join(response.streaming_content) == pdf_bytes()


def test_a_word_file_keeps_its_type(client):
    attachment = add_file(ArticleFactory(), "说明.docx", b"PK\x03\x04word", DOCX_MIME)
    response = client.get(public_url(attachment))
    assert response.status_code == 200 and response["Content-Type"] == DOCX_MIME


@pytest.mark.parametrize(
    "state",
    [
        {"status": Article.Status.DRAFT},
        {"status": Article.Status.REVIEW},
        {"status": Article.Status.ARCHIVED},
        {"status": Article.Status.PUBLISHED, "publish_at": NOW + datetime.timedelta(days=1)},
        {"status": Article.Status.PUBLISHED, "expire_at": NOW - datetime.timedelta(minutes=1)},
    ],
    ids=["draft", "review", "archived", "scheduled", "expired"],
)
def test_a_storys_files_are_not_found_while_readers_cannot_see_it(client, admin_client, state):
    attachment = add_file(ArticleFactory(**state))
    assert client.get(public_url(attachment)).status_code == 404
    # Not even for staff at the readers' address: theirs is the newsroom's download.
    assert admin_client.get(public_url(attachment)).status_code == 404


def test_a_file_is_not_found_under_another_storys_address(client):
    attachment = add_file(ArticleFactory(status=Article.Status.DRAFT))
    other = ArticleFactory()
    assert client.get(f"/articles/{other.pk}/files/{attachment.pk}/").status_code == 404


def test_a_file_missing_from_storage_is_not_found(client):
    attachment = add_file(ArticleFactory())
    attachment.file.storage.delete(attachment.file.name)
    assert client.get(public_url(attachment)).status_code == 404


def test_the_article_page_lists_the_files_with_name_type_and_size(client):
    article = ArticleFactory()
    pdf = add_file(article, "实施细则.pdf", b"%PDF-" + b"x" * 2555)
    add_file(article, "申报表.docx", b"PK\x03\x04" + b"x" * 1020, DOCX_MIME)

    page = client.get(article.get_absolute_url()).content.decode()

    assert "附件下载" in page
    assert f'<a href="{public_url(pdf)}" download>实施细则</a>' in page
    # filesizeformat keeps number and unit together with a no-break space.
    assert "（PDF，2.5\xa0KB）" in page and "申报表" in page and "（Word，1.0\xa0KB）" in page


def test_a_story_without_files_shows_no_download_box(client):
    article = ArticleFactory()
    assert "附件下载" not in client.get(article.get_absolute_url()).content.decode()


def test_the_preview_of_a_draft_lists_its_files_without_dead_links(admin_client):
    attachment = add_file(ArticleFactory(status=Article.Status.DRAFT))
    page = admin_client.get(f"/admin/articles/article/{attachment.article_id}/preview/").content.decode()
    assert "附件下载" in page and "实施细则" in page
    assert public_url(attachment) not in page


def test_the_article_page_runs_as_many_queries_with_five_files_as_with_none(client):
    article = ArticleFactory()

    def queries():
        client.get(article.get_absolute_url())  # warm the navigation cache: compare steady states
        with CaptureQueriesContext(connection) as captured:
            assert client.get(article.get_absolute_url()).status_code == 200
        return len(captured.captured_queries)

    without = queries()
    for n in range(5):
        add_file(article, f"附件{n}.pdf")
    assert "附件4" in client.get(article.get_absolute_url()).content.decode()
    assert queries() == without


# ----- staff -----


def test_staff_download_a_drafts_file_from_the_newsroom(admin_client):
    attachment = add_file(ArticleFactory(status=Article.Status.DRAFT))

    response = admin_client.get(staff_url(attachment))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-cache" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == pdf_bytes()


def test_a_writer_may_download_too(client):
    client.force_login(newsroom_user("撰稿人", username="writer"))
    attachment = add_file(ArticleFactory(status=Article.Status.REVIEW))
    assert client.get(staff_url(attachment)).status_code == 200


def test_the_staff_download_needs_a_newsroom_login(client):
    attachment = add_file(ArticleFactory(status=Article.Status.DRAFT))

    response = client.get(staff_url(attachment))
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")

    client.force_login(UserFactory(username="reader"))  # an account, but not staff
    assert client.get(staff_url(attachment)).status_code == 302

    clerk = UserFactory(username="clerk", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_contribution"))
    client.force_login(clerk)  # staff, but not of the newsroom
    assert client.get(staff_url(attachment)).status_code == 403


def test_an_unknown_file_is_not_found_for_staff_either(admin_client):
    assert admin_client.get("/articles/attachments/999/download/").status_code == 404


# ----- the newsroom's article page -----


def test_the_article_admin_page_lists_the_files_with_download_links(admin_client):
    article = ArticleFactory(status=Article.Status.DRAFT)
    attachment = add_file(article)

    page = admin_client.get(change_url(article)).content.decode()

    assert f'<a href="{staff_url(attachment)}" download>实施细则.pdf</a>' in page
    assert "attachments-0-DELETE" in page
    # Files come from converted contributions; nothing is uploaded here.
    assert 'name="attachments-0-file"' not in page and "attachments-__prefix__" not in page


def test_the_add_page_has_no_files_section(admin_client):
    assert "attachments-TOTAL_FORMS" not in admin_client.get("/admin/articles/article/add/").content.decode()


def test_an_editor_removes_a_file_and_it_is_gone_for_good(client, django_capture_on_commit_callbacks):
    client.force_login(newsroom_user("编辑", username="editor"))
    article = ArticleFactory(status=Article.Status.DRAFT)
    kept, removed = add_file(article, "保留.pdf"), add_file(article, "删除.pdf")
    data = article_data(article) | {
        "attachments-TOTAL_FORMS": 2,
        "attachments-INITIAL_FORMS": 2,
        "attachments-0-id": kept.pk,
        "attachments-0-article": article.pk,
        "attachments-1-id": removed.pk,
        "attachments-1-article": article.pk,
        "attachments-1-DELETE": "on",
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(change_url(article), data)

    assert response.status_code == 302
    assert list(article.attachments.all()) == [kept]
    assert not removed.file.storage.exists(removed.file.name)
    assert kept.file.storage.exists(kept.file.name)


def test_a_writer_cannot_remove_a_file_from_a_story_that_is_not_theirs(client):
    client.force_login(newsroom_user("撰稿人", username="writer"))
    article = ArticleFactory(status=Article.Status.DRAFT)
    attachment = add_file(article)

    page = client.get(change_url(article)).content.decode()

    assert "实施细则.pdf" in page
    assert "attachments-0-DELETE" not in page
    assert ArticleAttachment.objects.filter(pk=attachment.pk).exists()


def test_a_live_storys_files_are_not_offered_for_removal(admin_client):
    # Its edits wait as unpublished changes; a removal would not reach readers, so none is offered.
    attachment = add_file(ArticleFactory())
    page = admin_client.get(change_url(attachment.article)).content.decode()
    assert staff_url(attachment) in page
    assert "attachments-0-DELETE" not in page
