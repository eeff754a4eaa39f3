"""转为文章草稿: a contribution becomes a draft with its text, region, images and documents,
made by the officer who converts it, and the case and the draft link to each other."""

from unittest import mock

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from articles.media import renditions
from articles.models import Article, ArticleAttachment, Image
from submissions import attachments, services
from submissions.models import Contribution
from tests.factories import ArticleFactory, ContributionFactory, RegionFactory, UserFactory
from tests.files import docx_bytes, image_bytes, pdf_bytes, stored_files, upload
from tests.helpers import attach, change_url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("submission_settings")]

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def convert(client, contribution, **kwargs):
    return client.post(f"/admin/submissions/contribution/{contribution.pk}/convert/", **kwargs)


def media_files(settings):
    root = settings.MEDIA_ROOT
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()) if root.exists() else []


def attach_docx(contribution, name):
    """A Word attachment, checked and stored as the contribution form does it."""
    prepared = attachments.prepare(upload(name, docx_bytes()), [attachments.DOCX])
    attachment = attachments.store(prepared)
    attachment.submission = contribution
    attachment.save()
    return attachment


# ----- the draft -----


def test_a_contribution_becomes_a_draft_article_with_text_and_images(admin_client, admin_user):
    region = RegionFactory(name="海淀区")
    contribution = ContributionFactory(
        title="中关村新项目", body="第一段 <b>加粗</b>\n\n第二段 & 更多", region=region, organization="某园区"
    )
    attach(contribution, image_bytes("JPEG", size=(1000, 600)), "封面.jpg")
    attach(contribution, image_bytes("PNG", size=(700, 500)), "现场.png")
    attach(contribution, pdf_bytes(), "方案.pdf")

    response = convert(admin_client, contribution)

    article = Article.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/admin/articles/article/{article.pk}/change/"
    assert article.status == Article.Status.DRAFT
    assert article.title == "中关村新项目"
    assert "<p>第一段 &lt;b&gt;加粗&lt;/b&gt;</p>\n<p>第二段 &amp; 更多</p>" in article.body
    assert list(article.regions.all()) == [region]
    assert article.author == contribution.name
    assert article.responsible_editor == admin_user
    contribution.refresh_from_db()
    assert contribution.article == article


def test_the_officer_who_converts_is_the_drafts_creator(client):
    chief = UserFactory(username="chief", is_superuser=True, is_staff=True)
    client.force_login(chief)
    contribution = ContributionFactory()

    convert(client, contribution)

    article = Article.objects.get()
    assert article.created_by == chief and article.responsible_editor == chief


def test_the_images_enter_the_media_library_with_renditions(admin_client, admin_user, settings):
    contribution = ContributionFactory(title="中关村新项目")
    attach(contribution, image_bytes("JPEG", size=(1000, 600)), "封面.jpg")
    attach(contribution, image_bytes("PNG", size=(700, 500)), "现场.png")

    convert(admin_client, contribution)

    article = Article.objects.select_related("cover").get()
    cover, figure = Image.objects.order_by("id")
    assert article.cover == cover
    assert cover.alt_text == article.cover_alt == "投稿配图：中关村新项目"
    assert cover.uploaded_by == admin_user and cover.credit == f"投稿人：{contribution.name}"
    assert (cover.width, cover.height) == (1000, 600)
    assert [r["width"] for r in cover.renditions] == [320, 640, 960, 1000]
    assert article.cover.file.name == cover.file.name and cover.file.name.startswith("images/")
    # The other image is a body figure pointing at its library image, as the editor makes one.
    assert figure.alt_text == "投稿配图：中关村新项目（图2）"
    assert [r["width"] for r in figure.renditions] == [320, 640, 700]
    assert article.body.count("<figure>") == 1 and article.body.count("<img") == 1
    assert f'src="{figure.file.url}"' in article.body
    assert 'srcset="/media/renditions/' in article.body and "700w" in article.body
    assert 'loading="lazy"' in article.body and 'width="700"' in article.body
    # Every file written is the library's: originals and renditions, nothing else.
    expected = [image.file.name for image in (cover, figure)]
    expected += [r["name"] for image in (cover, figure) for r in image.renditions]
    assert media_files(settings) == sorted(expected)


def test_the_draft_is_previewed_and_published_with_srcset(admin_client, client):
    contribution = ContributionFactory(title="亦庄签约")
    attach(contribution, image_bytes("JPEG", size=(1000, 600)), "封面.jpg")
    attach(contribution, image_bytes("PNG", size=(700, 500)), "现场.png")
    convert(admin_client, contribution)
    article = Article.objects.get()

    preview = admin_client.get(f"/admin/articles/article/{article.pk}/preview/").content.decode()
    assert preview.count('srcset="/media/renditions/') == 2  # the cover and the body figure
    assert 'alt="投稿配图：亦庄签约"' in preview and "1000w" in preview and "700w" in preview

    Article.objects.filter(pk=article.pk).update(status=Article.Status.PUBLISHED, publish_at=timezone.now())
    page = client.get(article.get_absolute_url()).content.decode()
    assert page.count('srcset="/media/renditions/') == 2
    assert 'alt="投稿配图：亦庄签约"' in page and 'loading="lazy"' in page


def test_a_contribution_without_images_becomes_a_draft_without_a_cover(admin_client):
    contribution = ContributionFactory()
    attach(contribution, pdf_bytes(), "方案.pdf")
    convert(admin_client, contribution)
    article = Article.objects.get()
    assert article.cover is None
    assert Image.objects.count() == 0


def test_an_image_the_library_refuses_is_left_out_and_reported(admin_client, settings):
    settings.ARTICLE_IMAGE_MAX_PIXELS = 500_000  # the submission form allowed more than the library does
    contribution = ContributionFactory(title="大图投稿")
    attach(contribution, image_bytes("JPEG", size=(1000, 600)), "超大.jpg")
    attach(contribution, image_bytes("PNG", size=(700, 500)), "现场.png")

    response = convert(admin_client, contribution, follow=True)

    article = Article.objects.get()
    (picture,) = Image.objects.all()
    assert article.cover == picture and (picture.width, picture.height) == (700, 500)
    assert picture.alt_text == "投稿配图：大图投稿"
    assert "<img" not in article.body
    page = response.content.decode()
    assert "超大.jpg" in page and "未能导入图片库" in page and "超过 50 万像素" in page
    assert contribution.attachments.count() == 2  # the refused picture stays with the contribution


# ----- documents -----


def test_pdf_and_docx_attachments_become_the_drafts_downloadable_files(admin_client, admin_user):
    contribution = ContributionFactory()
    pdf = attach(contribution, pdf_bytes(), "招商方案.pdf")
    attach(contribution, image_bytes("JPEG", size=(1000, 600)), "封面.jpg")
    docx = attach_docx(contribution, "项目说明.docx")

    convert(admin_client, contribution)

    article = Article.objects.get()
    copies = list(article.attachments.all())
    assert [(c.title, c.original_name, c.mime_type, c.size) for c in copies] == [
        ("招商方案", "招商方案.pdf", "application/pdf", pdf.size),
        ("项目说明", "项目说明.docx", DOCX_MIME, docx.size),
    ]
    assert all(c.uploaded_by == admin_user for c in copies)
    # New files of the draft's own, not the case's: removing one never touches the other.
    assert all(c.file.name.startswith("articles/") for c in copies)
    assert {c.file.name for c in copies}.isdisjoint({pdf.file.name, docx.file.name})
    with copies[0].file.open("rb") as handle:
        assert handle.read() == pdf_bytes()
    assert contribution.attachments.count() == 3  # the case keeps everything it received
    assert Image.objects.count() == 1  # the picture went to the media library, not the downloads


def test_the_converted_pdf_is_downloadable_once_the_draft_is_published(admin_client, client):
    contribution = ContributionFactory()
    attach(contribution, pdf_bytes(), "招商方案.pdf")
    convert(admin_client, contribution)
    article = Article.objects.get()
    copy = article.attachments.get()
    public_url = f"/articles/{article.pk}/files/{copy.pk}/"

    assert client.get(public_url).status_code == 404  # a draft's files are not the public's
    staff = admin_client.get(f"/articles/attachments/{copy.pk}/download/")
    assert staff.status_code == 200 and b"".join(staff.streaming_content) == pdf_bytes()

    Article.objects.filter(pk=article.pk).update(status=Article.Status.PUBLISHED, publish_at=timezone.now())
    page = client.get(article.get_absolute_url()).content.decode()
    assert "附件下载" in page and f'href="{public_url}"' in page
    response = client.get(public_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == pdf_bytes()


def test_a_document_whose_file_is_gone_is_left_out_and_named(admin_user):
    contribution = ContributionFactory()
    lost = attach(contribution, pdf_bytes(), "丢失.pdf")
    attach(contribution, pdf_bytes(), "完好.pdf")
    lost.file.storage.delete(lost.file.name)

    conversion = services.convert_to_article(contribution, admin_user)

    assert conversion.created
    assert [c.original_name for c in conversion.article.attachments.all()] == ["完好.pdf"]
    assert conversion.skipped_documents == (("丢失.pdf", "附件文件不存在。"),)


def test_removing_the_drafts_copy_leaves_the_cases_file(admin_client, admin_user):
    contribution = ContributionFactory()
    original = attach(contribution, pdf_bytes(), "招商方案.pdf")
    convert(admin_client, contribution)

    ArticleAttachment.objects.get().file.delete()

    with original.file.open("rb") as handle:
        assert handle.read() == pdf_bytes()
    assert admin_client.get(f"/submissions/attachments/{original.pk}/download/").status_code == 200


# ----- the link between the case and the draft -----


def test_the_drafts_admin_page_links_to_the_case_by_its_tracking_number(admin_client):
    contribution = ContributionFactory()
    convert(admin_client, contribution)
    article = Article.objects.get()

    page = admin_client.get(change_url(article)).content.decode()

    assert "来源投稿" in page
    assert f'<a href="{change_url(contribution)}">{contribution.tracking_number}</a>' in page
    assert admin_client.get(change_url(contribution)).status_code == 200


def test_a_story_written_in_the_newsroom_links_to_no_case(admin_client):
    article = ArticleFactory(status=Article.Status.DRAFT)
    case = ContributionFactory()  # a case, but not this story's
    page = admin_client.get(change_url(article)).content.decode()
    assert "来源投稿" in page
    assert change_url(case) not in page and case.tracking_number not in page


def test_the_case_links_to_its_draft_until_the_draft_is_deleted(admin_client):
    contribution = ContributionFactory()
    convert(admin_client, contribution)
    article = Article.objects.get()
    link = f'<a href="{change_url(article)}">{article.title}</a>'
    assert link in admin_client.get(change_url(contribution)).content.decode()
    assert link in admin_client.get("/admin/submissions/contribution/").content.decode()

    response = admin_client.post(f"/admin/articles/article/{article.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302 and not Article.objects.exists()
    contribution.refresh_from_db()
    assert contribution.article is None
    for url in (change_url(contribution), "/admin/submissions/contribution/"):
        response = admin_client.get(url)
        assert response.status_code == 200
        assert change_url(article) not in response.content.decode()
    assert "转为文章草稿" in admin_client.get(change_url(contribution)).content.decode()


def test_the_change_page_offers_conversion_until_it_is_done(admin_client):
    contribution = ContributionFactory()
    assert "转为文章草稿" in admin_client.get(change_url(contribution)).content.decode()
    convert(admin_client, contribution)
    html = admin_client.get(change_url(contribution)).content.decode()
    assert "/convert/" not in html
    assert f"/admin/articles/article/{Article.objects.get().pk}/change/" in html


# ----- failures, repeats and permissions -----


def test_a_failed_conversion_leaves_no_rows_and_no_files(admin_client, settings, monkeypatch):
    contribution = ContributionFactory()
    attach(contribution, image_bytes("JPEG", size=(1000, 600)), "封面.jpg")
    attach(contribution, image_bytes("PNG", size=(700, 500)), "现场.png")
    attach(contribution, pdf_bytes(), "方案.pdf")
    cases_files = stored_files(settings)

    def broken_save(self, *args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Article, "save", broken_save)
    with pytest.raises(RuntimeError):
        convert(admin_client, contribution)

    assert Article.objects.count() == Image.objects.count() == ArticleAttachment.objects.count() == 0
    assert media_files(settings) == []
    assert stored_files(settings) == cases_files
    contribution.refresh_from_db()
    assert contribution.article is None


def test_a_failure_after_the_documents_are_copied_leaves_no_rows_and_no_files(admin_client, settings):
    contribution = ContributionFactory()
    attach(contribution, image_bytes("JPEG", size=(1000, 600)), "封面.jpg")
    attach(contribution, pdf_bytes(), "方案.pdf")
    attach_docx(contribution, "说明.docx")
    cases_files = stored_files(settings)

    # The last write of the conversion, linking the case to its draft, fails.
    failing = mock.patch.object(Contribution, "save", side_effect=RuntimeError("database gone"))
    with failing, pytest.raises(RuntimeError):
        convert(admin_client, contribution)

    assert Article.objects.count() == Image.objects.count() == ArticleAttachment.objects.count() == 0
    assert media_files(settings) == []
    assert stored_files(settings) == cases_files
    contribution.refresh_from_db()
    assert contribution.article is None


def test_a_document_that_fails_halfway_takes_the_copies_before_it_along(admin_client, settings):
    contribution = ContributionFactory()
    attach(contribution, pdf_bytes(), "方案.pdf")
    attach_docx(contribution, "说明.docx")
    cases_files = stored_files(settings)
    real_save = ArticleAttachment.save

    def second_fails(self, *args, **kwargs):
        if ArticleAttachment.objects.exists():
            raise OSError("disk full")
        return real_save(self, *args, **kwargs)

    with mock.patch.object(ArticleAttachment, "save", autospec=True, side_effect=second_fails), pytest.raises(OSError):
        convert(admin_client, contribution)

    assert Article.objects.count() == ArticleAttachment.objects.count() == 0
    assert stored_files(settings) == cases_files


def test_renditions_that_fail_halfway_leave_no_files(admin_client, settings, monkeypatch):
    contribution = ContributionFactory()
    attach(contribution, image_bytes("JPEG", size=(1000, 600)), "封面.jpg")
    # Two good widths are written, then the third cannot be made.
    monkeypatch.setattr(renditions, "rendition_widths", lambda width: [320, 640, 0])

    with pytest.raises(ValueError):
        convert(admin_client, contribution)

    assert Article.objects.count() == Image.objects.count() == 0
    assert media_files(settings) == []


def test_converting_twice_makes_one_article_and_one_set_of_files(admin_client, settings):
    contribution = ContributionFactory()
    attach(contribution, image_bytes("JPEG", size=(1000, 600)), "封面.jpg")
    attach(contribution, pdf_bytes(), "方案.pdf")
    convert(admin_client, contribution)
    files, private = media_files(settings), stored_files(settings)

    response = convert(admin_client, contribution, follow=True)

    assert Article.objects.count() == Image.objects.count() == ArticleAttachment.objects.count() == 1
    assert media_files(settings) == files and stored_files(settings) == private
    assert "未重复创建" in response.content.decode()


def test_conversion_works_as_a_bulk_action(admin_client, admin_user):
    contributions = ContributionFactory.create_batch(2)
    attach(contributions[0], pdf_bytes(), "方案.pdf")
    admin_client.post(
        "/admin/submissions/contribution/",
        {"action": "convert_to_article", "_selected_action": [c.pk for c in contributions]},
    )
    assert Article.objects.count() == 2
    assert all(c.article_id for c in Contribution.objects.all())
    assert set(Article.objects.values_list("created_by", flat=True)) == {admin_user.pk}
    assert ArticleAttachment.objects.get().article == Contribution.objects.get(pk=contributions[0].pk).article


def test_conversion_needs_a_post_and_permission(admin_client, client):
    contribution = ContributionFactory()
    assert admin_client.get(f"/admin/submissions/contribution/{contribution.pk}/convert/").status_code == 405
    staff = UserFactory(username="viewer", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_contribution"))
    client.force_login(staff)
    assert convert(client, contribution).status_code == 403
    assert Article.objects.count() == 0
