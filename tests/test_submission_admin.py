"""Processing in the admin: lists, status changes, replies, notes, exports and conversion."""

import csv
import datetime
import io

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.utils import timezone
from openpyxl import load_workbook

from articles.media import renditions
from articles.models import Article, Image
from submissions.models import Contribution, EntryRequest, InternalNote, StatusChange
from tests.factories import ContactMessageFactory, ContributionFactory, EntryRequestFactory, RegionFactory, UserFactory
from tests.files import image_bytes, pdf_bytes
from tests.helpers import QUERY_CODE, attach, change_data, change_url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("submission_settings")]


# ----- lists -----


@pytest.mark.parametrize("factory", [ContributionFactory, EntryRequestFactory, ContactMessageFactory])
def test_lists_show_status_assignee_time_and_an_overdue_marker(admin_client, factory, django_assert_max_num_queries):
    editor = UserFactory(username="caseworker")
    late = factory(due_at=timezone.now() - datetime.timedelta(hours=1), assignee=editor)
    factory.create_batch(30)
    url = f"/admin/submissions/{late._meta.model_name}/"
    with django_assert_max_num_queries(12):
        response = admin_client.get(url)
    html = response.content.decode()

    assert response.status_code == 200
    assert late.tracking_number in html
    assert html.count('class="submission-overdue"') == 1
    assert "caseworker" in html
    assert late.get_status_display() in html


def test_the_overdue_filter_ignores_closed_submissions(admin_client):
    past = timezone.now() - datetime.timedelta(days=1)
    late = ContributionFactory(due_at=past)
    decided = ContributionFactory(due_at=past, status=Contribution.Status.ACCEPTED)
    on_time = ContributionFactory()

    html = admin_client.get("/admin/submissions/contribution/?overdue=yes").content.decode()
    assert late.tracking_number in html
    assert decided.tracking_number not in html
    assert on_time.tracking_number not in html
    html = admin_client.get("/admin/submissions/contribution/?overdue=no").content.decode()
    assert late.tracking_number not in html
    assert decided.tracking_number in html and on_time.tracking_number in html


def test_search_finds_a_submission_by_tracking_number_and_credit_code(admin_client):
    wanted = EntryRequestFactory()
    other = EntryRequestFactory(credit_code="911101085923662400")
    html = admin_client.get(f"/admin/submissions/entryrequest/?q={wanted.tracking_number}").content.decode()
    assert wanted.tracking_number in html and other.tracking_number not in html
    html = admin_client.get("/admin/submissions/entryrequest/?q=911101085923662400").content.decode()
    assert other.tracking_number in html and wanted.tracking_number not in html


def test_submissions_are_not_added_in_the_admin(admin_client):
    assert admin_client.get("/admin/submissions/contribution/add/").status_code == 403


# ----- processing -----


def test_a_status_change_is_recorded_with_who_and_when(admin_client, admin_user):
    contribution = ContributionFactory()
    response = admin_client.post(change_url(contribution), change_data(contribution, status="processing"))

    assert response.status_code == 302
    contribution.refresh_from_db()
    assert contribution.status == Contribution.Status.PROCESSING
    change = StatusChange.objects.get()
    assert (change.from_status, change.to_status, change.changed_by) == ("new", "processing", admin_user)
    assert change.changed_at <= timezone.now()
    page = admin_client.get(change_url(contribution)).content.decode()
    assert "新投稿" in page and "处理中" in page


def test_a_status_the_submission_cannot_move_to_is_refused(admin_client):
    landed = EntryRequestFactory(status=EntryRequest.Status.LANDED)
    response = admin_client.post(change_url(landed), change_data(landed, status="received"))

    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    landed.refresh_from_db()
    assert landed.status == EntryRequest.Status.LANDED
    assert StatusChange.objects.count() == 0


def test_assigning_a_received_entry_request_marks_it_assigned(admin_client):
    entry = EntryRequestFactory()
    caseworker = UserFactory(username="caseworker", is_staff=True)
    admin_client.post(change_url(entry), change_data(entry, assignee=caseworker.pk))

    entry.refresh_from_db()
    assert entry.assignee == caseworker
    assert entry.status == EntryRequest.Status.ASSIGNED
    assert StatusChange.objects.get().to_status == "assigned"


def test_a_public_reply_is_mailed_after_commit_and_shown_on_track(
    admin_client, client, django_capture_on_commit_callbacks
):
    contribution = ContributionFactory()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            change_url(contribution),
            change_data(contribution, status="accepted", public_reply="已采用，将于下周刊发。"),
        )

    contribution.refresh_from_db()
    assert contribution.replied_at is not None
    (message,) = mail.outbox
    assert message.to == [contribution.email]
    assert "已采用，将于下周刊发。" in message.body
    page = client.post("/track/", {"tracking_number": contribution.tracking_number, "query_code": QUERY_CODE})
    assert "已采用，将于下周刊发。" in page.content.decode()


def test_saving_without_changing_the_reply_sends_nothing(admin_client, django_capture_on_commit_callbacks):
    contribution = ContributionFactory(public_reply="旧答复")
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(change_url(contribution), change_data(contribution, status="processing"))
    assert mail.outbox == []


def test_internal_notes_record_their_author_and_stay_internal(admin_client, admin_user, client):
    contribution = ContributionFactory()
    admin_client.post(change_url(contribution), change_data(contribution, note="已电话联系作者核实数据。"))

    note = InternalNote.objects.get()
    assert (note.author, note.submission) == (admin_user, contribution)
    page = client.post("/track/", {"tracking_number": contribution.tracking_number, "query_code": QUERY_CODE})
    assert "已电话联系作者核实数据" not in page.content.decode()


def test_the_detail_page_links_attachments_for_download(admin_client):
    contribution = ContributionFactory()
    attachment = attach(contribution, pdf_bytes(), "方案.pdf")
    html = admin_client.get(change_url(contribution)).content.decode()
    assert f"/submissions/attachments/{attachment.pk}/download/" in html
    assert "方案.pdf" in html


# ----- attachment downloads -----


def test_staff_download_attachments_as_files(admin_client):
    attachment = attach(ContributionFactory(), pdf_bytes(), "方案.pdf")
    response = admin_client.get(f"/submissions/attachments/{attachment.pk}/download/")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == pdf_bytes()


def test_anonymous_visitors_are_sent_to_log_in(client):
    attachment = attach(ContributionFactory(), pdf_bytes(), "方案.pdf")
    response = client.get(f"/submissions/attachments/{attachment.pk}/download/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_logged_in_non_staff_are_refused(client):
    attachment = attach(ContributionFactory(), pdf_bytes(), "方案.pdf")
    client.force_login(UserFactory(username="reader"))
    assert client.get(f"/submissions/attachments/{attachment.pk}/download/").status_code == 403


def test_staff_without_view_permission_are_refused(client):
    attachment = attach(ContributionFactory(), pdf_bytes(), "方案.pdf")
    staff = UserFactory(username="clerk", is_staff=True)
    client.force_login(staff)
    assert client.get(f"/submissions/attachments/{attachment.pk}/download/").status_code == 403

    staff.user_permissions.add(Permission.objects.get(codename="view_contribution"))
    client.force_login(staff)
    assert client.get(f"/submissions/attachments/{attachment.pk}/download/").status_code == 200


def test_attachments_are_not_under_the_public_media_url(settings):
    attachment = attach(ContributionFactory(), pdf_bytes(), "方案.pdf")
    with pytest.raises(ValueError):
        attachment.file.url  # noqa: B018
    assert not str(attachment.file.path).startswith(str(settings.MEDIA_ROOT))


# ----- exports -----


def test_the_filtered_list_exports_to_csv_with_chinese_headers(admin_client):
    ContributionFactory(title='=HYPERLINK("http://evil")', status=Contribution.Status.NEW)
    ContributionFactory(title="已处理的稿件", status=Contribution.Status.PROCESSING)

    response = admin_client.get("/admin/submissions/contribution/export/csv/?status__exact=new")
    text = response.content.decode("utf-8")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="contributions-')
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:4] == ["受理编号", "状态", "受理时间", "办理期限"]
    assert "标题" in rows[0] and "所属区域" in rows[0]
    assert len(rows) == 2
    assert rows[1][1] == "新投稿"
    assert rows[1][rows[0].index("标题")] == '\'=HYPERLINK("http://evil")'


def test_the_filtered_list_exports_to_xlsx(admin_client):
    region = RegionFactory(name="朝阳区")
    EntryRequestFactory(company_name="=1+1", region=region)
    EntryRequestFactory(status=EntryRequest.Status.CLOSED)

    response = admin_client.get("/admin/submissions/entryrequest/export/xlsx/?status__exact=received")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)

    assert response.status_code == 200
    assert rows[0][:2] == ("受理编号", "状态")
    assert "统一社会信用代码" in rows[0] and "计划投资额（万元）" in rows[0]
    assert len(rows) == 2
    assert rows[1][rows[0].index("企业名称")] == "=1+1"
    assert sheet.cell(row=2, column=rows[0].index("企业名称") + 1).data_type == "s"
    assert rows[1][rows[0].index("意向区域")] == "朝阳区"


def test_selected_rows_export_through_an_action(admin_client):
    chosen, _ = ContactMessageFactory(), ContactMessageFactory()
    response = admin_client.post(
        "/admin/submissions/contactmessage/",
        {"action": "export_selected_csv", "_selected_action": [chosen.pk]},
    )
    rows = list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff"))))
    assert [row[0] for row in rows[1:]] == [chosen.tracking_number]


def test_exports_need_view_permission(client):
    client.force_login(UserFactory(username="clerk", is_staff=True))
    assert client.get("/admin/submissions/contribution/export/csv/").status_code == 403


# ----- conversion -----


def convert(client, contribution):
    return client.post(f"/admin/submissions/contribution/{contribution.pk}/convert/")


def media_files(settings):
    root = settings.MEDIA_ROOT
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()) if root.exists() else []


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

    response = admin_client.post(f"/admin/submissions/contribution/{contribution.pk}/convert/", follow=True)

    article = Article.objects.get()
    (picture,) = Image.objects.all()
    assert article.cover == picture and (picture.width, picture.height) == (700, 500)
    assert picture.alt_text == "投稿配图：大图投稿"
    assert "<img" not in article.body
    page = response.content.decode()
    assert "超大.jpg" in page and "未能导入图片库" in page and "超过 50 万像素" in page
    assert contribution.attachments.count() == 2  # the refused picture stays with the contribution


def test_a_failed_conversion_leaves_no_rows_and_no_files(admin_client, settings, monkeypatch):
    contribution = ContributionFactory()
    attach(contribution, image_bytes("JPEG", size=(1000, 600)), "封面.jpg")
    attach(contribution, image_bytes("PNG", size=(700, 500)), "现场.png")

    def broken_save(self, *args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Article, "save", broken_save)
    with pytest.raises(RuntimeError):
        convert(admin_client, contribution)

    assert Article.objects.count() == Image.objects.count() == 0
    assert media_files(settings) == []
    contribution.refresh_from_db()
    assert contribution.article is None


def test_renditions_that_fail_halfway_leave_no_files(admin_client, settings, monkeypatch):
    contribution = ContributionFactory()
    attach(contribution, image_bytes("JPEG", size=(1000, 600)), "封面.jpg")
    # Two good widths are written, then the third cannot be made.
    monkeypatch.setattr(renditions, "rendition_widths", lambda width: [320, 640, 0])

    with pytest.raises(ValueError):
        convert(admin_client, contribution)

    assert Article.objects.count() == Image.objects.count() == 0
    assert media_files(settings) == []


def test_converting_twice_makes_one_article_and_one_set_of_images(admin_client, settings):
    contribution = ContributionFactory()
    attach(contribution, image_bytes("JPEG", size=(1000, 600)), "封面.jpg")
    convert(admin_client, contribution)
    files = media_files(settings)

    response = admin_client.post(f"/admin/submissions/contribution/{contribution.pk}/convert/", follow=True)

    assert Article.objects.count() == Image.objects.count() == 1
    assert media_files(settings) == files
    assert "未重复创建" in response.content.decode()


def test_conversion_works_as_a_bulk_action(admin_client):
    contributions = ContributionFactory.create_batch(2)
    admin_client.post(
        "/admin/submissions/contribution/",
        {"action": "convert_to_article", "_selected_action": [c.pk for c in contributions]},
    )
    assert Article.objects.count() == 2
    assert all(c.article_id for c in Contribution.objects.all())


def test_conversion_needs_a_post_and_permission(admin_client, client):
    contribution = ContributionFactory()
    assert admin_client.get(f"/admin/submissions/contribution/{contribution.pk}/convert/").status_code == 405
    staff = UserFactory(username="viewer", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_contribution"))
    client.force_login(staff)
    assert client.post(f"/admin/submissions/contribution/{contribution.pk}/convert/").status_code == 403
    assert Article.objects.count() == 0


def test_the_change_page_offers_conversion_until_it_is_done(admin_client):
    contribution = ContributionFactory()
    assert "转为文章草稿" in admin_client.get(change_url(contribution)).content.decode()
    admin_client.post(f"/admin/submissions/contribution/{contribution.pk}/convert/")
    html = admin_client.get(change_url(contribution)).content.decode()
    assert "/convert/" not in html
    assert f"/admin/articles/article/{Article.objects.get().pk}/change/" in html


@pytest.mark.parametrize("factory", [ContributionFactory, EntryRequestFactory, ContactMessageFactory])
def test_every_detail_page_shows_history_notes_and_reply(admin_client, factory):
    submission = factory()
    response = admin_client.get(change_url(submission))
    html = response.content.decode()
    assert response.status_code == 200
    for text in ["状态记录", "内部备注", "公开答复", submission.tracking_number]:
        assert text in html


def test_the_footer_links_to_the_submission_pages(client):
    html = client.get("/contact/").content.decode()
    for href in ['href="/submit/"', 'href="/contact/"', 'href="/enterprise/apply/"', 'href="/track/"']:
        assert href in html
