"""Processing in the admin: lists, status changes, replies, notes, exports (conversion has its own file)."""

import csv
import datetime
import io

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.utils import timezone
from openpyxl import load_workbook

from submissions.models import Contribution, EntryRequest, InternalNote, Reply, StatusChange
from submissions.roles import OFFICER
from tests.factories import (
    ContactMessageFactory,
    ContributionFactory,
    EntryRequestFactory,
    RegionFactory,
    UserFactory,
    newsroom_user,
)
from tests.files import pdf_bytes
from tests.helpers import QUERY_CODE, attach, change_data, change_url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("submission_settings")]


# ----- lists -----


@pytest.mark.parametrize("factory", [ContributionFactory, EntryRequestFactory, ContactMessageFactory])
def test_lists_show_status_assignee_time_and_an_overdue_marker(admin_client, factory, django_assert_max_num_queries):
    editor = UserFactory(username="caseworker")
    late = factory(due_date=timezone.localdate() - datetime.timedelta(days=1), assignee=editor)
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
    past = timezone.localdate() - datetime.timedelta(days=1)
    late = ContributionFactory(due_date=past)
    decided = ContributionFactory(due_date=past, status=Contribution.Status.ACCEPTED)
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
    caseworker = newsroom_user(OFFICER, username="caseworker")  # only those who may process it
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
            change_data(contribution, status="accepted", new_reply="已采用，将于下周刊发。"),
        )

    reply = contribution.replies.get()
    assert reply.emailed_at is not None
    (message,) = mail.outbox  # the reply and the status change it came with, in one e-mail
    assert message.to == [contribution.email]
    assert "已采用，将于下周刊发。" in message.body and "已采用" in message.body
    page = client.post("/track/", {"tracking_number": contribution.tracking_number, "query_code": QUERY_CODE})
    assert "已采用，将于下周刊发。" in page.content.decode()


def test_saving_without_a_new_reply_mails_no_reply(admin_client, django_capture_on_commit_callbacks):
    contribution = ContributionFactory()
    Reply.objects.create(submission=contribution, text="旧答复", emailed_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(change_url(contribution), change_data(contribution, note="内部备注"))
    assert mail.outbox == []
    contribution.refresh_from_db()  # the form of the saved version
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(change_url(contribution), change_data(contribution, status="processing"))
    (message,) = mail.outbox  # the status change only
    assert "处理中" in message.body and "旧答复" not in message.body
    assert contribution.replies.count() == 1


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


@pytest.mark.parametrize("factory", [ContributionFactory, EntryRequestFactory, ContactMessageFactory])
def test_every_detail_page_shows_history_notes_and_reply(admin_client, factory):
    submission = factory()
    response = admin_client.get(change_url(submission))
    html = response.content.decode()
    assert response.status_code == 200
    for text in ["状态记录", "内部备注", "答复记录", "新答复", "延长办理期限", submission.tracking_number]:
        assert text in html


def test_the_footer_links_to_the_submission_pages(client):
    html = client.get("/contact/").content.decode()
    for href in ['href="/submit/"', 'href="/contact/"', 'href="/enterprise/apply/"', 'href="/track/"']:
        assert href in html
