"""Who may process submissions: 招商专员 and 总编辑 process, 编辑 reads, 撰稿人 stays out.

Every refusal is checked on the server: a crafted POST for a change, an action or a
conversion the role lacks gets 403 and changes nothing.
"""

import csv
import io

import pytest
from django.contrib.auth.models import Group, Permission

from articles.models import Article, Image
from articles.newsroom.roles import ensure_roles
from submissions.models import ContactMessage, Contribution, EntryRequest, InternalNote, StatusChange
from submissions.roles import GRANTS as ROLES
from submissions.roles import OFFICER
from tests.factories import ContactMessageFactory, ContributionFactory, EntryRequestFactory, UserFactory, newsroom_user
from tests.files import image_bytes, pdf_bytes
from tests.helpers import attach, change_data, change_url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("submission_settings")]
KINDS = [ContributionFactory, EntryRequestFactory, ContactMessageFactory]
NEXT_STATUS = {
    Contribution: Contribution.Status.PROCESSING,
    EntryRequest: EntryRequest.Status.NEGOTIATING,
    ContactMessage: ContactMessage.Status.PROCESSING,
}


@pytest.fixture
def officer(login_as):
    return login_as(OFFICER, "officer")


@pytest.fixture
def chief(login_as):
    return login_as("总编辑", "chief")


@pytest.fixture
def editor(login_as):
    return login_as("编辑", "editor")


def list_url(submission):
    return f"/admin/submissions/{submission._meta.model_name}/"


def convert_url(contribution):
    return f"/admin/submissions/contribution/{contribution.pk}/convert/"


def action(client, submission, name):
    return client.post(list_url(submission), {"action": name, "index": 0, "_selected_action": [submission.pk]})


def exported_numbers(response):
    rows = list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff"))))
    return [row[0] for row in rows[1:]]


# ----- the groups -----


def perms_of(name):
    return {f"{p.content_type.app_label}.{p.codename}" for p in Group.objects.get(name=name).permissions.all()}


def test_the_officer_may_process_submissions_but_not_delete_or_write_articles():
    perms = perms_of(OFFICER)
    assert {"submissions.change_contribution", "submissions.change_entryrequest"} <= perms
    assert {"submissions.change_contactmessage", "submissions.add_internalnote"} <= perms
    assert {"submissions.view_attachment", "submissions.view_statuschange", "submissions.view_internalnote"} <= perms
    assert not [p for p in perms if p.split(".")[1].startswith("delete_")]
    assert not [p for p in perms if not p.startswith("submissions.")]


def test_the_chief_processes_submissions_and_the_editor_only_reads_them():
    chief, editor = perms_of("总编辑"), perms_of("编辑")
    assert {"submissions.change_contribution", "submissions.add_internalnote", "articles.add_article"} <= chief
    submission_perms = {p for p in editor if p.startswith("submissions.")}
    assert "submissions.view_contactmessage" in submission_perms
    assert all(p.split(".")[1].startswith("view_") for p in submission_perms)
    assert not [p for p in perms_of("撰稿人") if p.startswith("submissions.")]


def test_creating_the_roles_again_adds_nothing_and_removes_nothing():
    officers = Group.objects.get(name=OFFICER)
    extra = Permission.objects.get(codename="view_region")  # given by an administrator
    officers.permissions.add(extra)
    before = {name: perms_of(name) for name in ROLES}

    ensure_roles(Group, Permission, ROLES)

    assert {name: perms_of(name) for name in ROLES} == before
    assert Group.objects.filter(name=OFFICER).count() == 1


# ----- 招商专员 -----


@pytest.mark.parametrize("factory", KINDS)
def test_the_officer_changes_status_assigns_replies_and_notes(client, officer, factory):
    submission = factory()
    colleague = newsroom_user(OFFICER, username="colleague")
    assert client.get(list_url(submission)).status_code == 200
    page = client.get(change_url(submission)).content.decode()
    assert "状态记录" in page and "内部备注" in page and 'name="new_reply"' in page and 'name="extend_to"' in page

    new_status = NEXT_STATUS[type(submission)]
    data = change_data(submission, note="已电话联系。", status=new_status, assignee=colleague.pk, new_reply="已受理。")
    response = client.post(change_url(submission), data)

    assert response.status_code == 302
    submission.refresh_from_db()
    assert (submission.status, submission.assignee) == (new_status, colleague)
    assert [(reply.text, reply.author) for reply in submission.replies.all()] == [("已受理。", officer)]
    assert StatusChange.objects.get().changed_by == officer
    assert InternalNote.objects.get().author == officer


def test_the_officer_assigns_staff_only(client, officer):
    submission = EntryRequestFactory()
    reader = UserFactory(username="reader")
    page = client.get(change_url(submission)).content.decode()
    assert f'value="{officer.pk}">{officer.get_full_name()}<' in page and f'value="{reader.pk}"' not in page

    response = client.post(change_url(submission), change_data(submission, assignee=reader.pk))

    assert response.status_code == 200 and "errorlist" in response.content.decode()
    submission.refresh_from_db()
    assert submission.assignee is None


def test_the_officer_exports_and_downloads_attachments(client, officer):
    contribution = ContributionFactory()
    attachment = attach(contribution, pdf_bytes(), "方案.pdf")
    assert client.get(f"/submissions/attachments/{attachment.pk}/download/").status_code == 200
    response = client.get("/admin/submissions/contribution/export/csv/")
    assert exported_numbers(response) == [contribution.tracking_number]
    assert exported_numbers(action(client, contribution, "export_selected_csv")) == [contribution.tracking_number]


def test_the_officer_is_not_offered_conversion_and_a_crafted_post_is_refused(client, officer):
    contribution = ContributionFactory()
    attach(contribution, image_bytes("JPEG", size=(800, 500)), "封面.jpg")
    assert "转为文章草稿" not in client.get(change_url(contribution)).content.decode()
    assert "convert_to_article" not in client.get(list_url(contribution)).content.decode()

    assert client.post(convert_url(contribution)).status_code == 403
    assert action(client, contribution, "convert_to_article").status_code == 403

    assert Article.objects.count() == Image.objects.count() == 0
    contribution.refresh_from_db()
    assert contribution.article is None


@pytest.mark.parametrize("factory", KINDS)
def test_the_officer_deletes_nothing(client, officer, factory):
    submission = factory()
    assert "delete_selected" not in client.get(list_url(submission)).content.decode()
    assert action(client, submission, "delete_selected").status_code == 403
    delete_url = change_url(submission).replace("/change/", "/delete/")
    assert client.get(delete_url).status_code == 403
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert type(submission).objects.filter(pk=submission.pk).exists()


def test_the_officer_has_no_access_to_articles(client, officer):
    assert client.get("/admin/articles/article/").status_code == 403
    assert client.get("/admin/articles/article/add/").status_code == 403


# ----- 总编辑 -----


def test_the_chief_processes_and_converts_a_contribution(client, chief):
    contribution = ContributionFactory()
    attach(contribution, image_bytes("JPEG", size=(800, 500)), "封面.jpg")
    response = client.post(change_url(contribution), change_data(contribution, status="accepted", note="采用。"))
    assert response.status_code == 302
    assert "转为文章草稿" in client.get(change_url(contribution)).content.decode()

    response = client.post(convert_url(contribution))

    article = Article.objects.get()
    assert response.status_code == 302 and article.responsible_editor == chief
    assert article.cover.renditions and article.cover.uploaded_by == chief
    contribution.refresh_from_db()
    assert (contribution.status, contribution.article) == (Contribution.Status.ACCEPTED, article)


def test_the_chief_converts_through_the_bulk_action(client, chief):
    contribution = ContributionFactory()
    action(client, contribution, "convert_to_article")
    contribution.refresh_from_db()
    assert contribution.article == Article.objects.get()


# ----- 编辑 -----


@pytest.mark.parametrize("factory", KINDS)
def test_the_editor_reads_submissions_with_attachments_and_history(client, editor, factory):
    submission = factory()
    attachment = attach(submission, pdf_bytes(), "方案.pdf")
    submission.replies.create(text="已转交园区办理。")
    assert client.get(list_url(submission)).status_code == 200
    page = client.get(change_url(submission)).content.decode()
    assert submission.tracking_number in page and "状态记录" in page and "方案.pdf" in page
    assert "已转交园区办理。" in page
    assert 'name="status"' not in page and "转为文章草稿" not in page
    assert 'name="new_reply"' not in page and 'name="extend_to"' not in page and "打开时的版本号" not in page
    assert client.get(f"/submissions/attachments/{attachment.pk}/download/").status_code == 200


@pytest.mark.parametrize("factory", KINDS)
def test_the_editor_cannot_change_a_submission(client, editor, factory):
    submission = factory()
    data = change_data(submission, note="编辑备注", status=NEXT_STATUS[type(submission)], new_reply="答复")

    assert client.post(change_url(submission), data).status_code == 403

    submission.refresh_from_db()
    assert submission.status == type(submission).INITIAL_STATUS
    assert not submission.replies.exists()
    assert StatusChange.objects.count() == InternalNote.objects.count() == 0


def test_the_editor_cannot_convert_even_with_article_permissions(client, editor):
    contribution = ContributionFactory()
    assert client.post(convert_url(contribution)).status_code == 403
    assert action(client, contribution, "convert_to_article").status_code == 403
    assert Article.objects.count() == 0


# ----- 撰稿人 -----


def test_the_writer_sees_no_submissions(client):
    client.force_login(newsroom_user("撰稿人", username="writer"))
    contribution = ContributionFactory()
    attachment = attach(contribution, pdf_bytes(), "方案.pdf")
    assert client.get(list_url(contribution)).status_code == 403
    assert client.get(change_url(contribution)).status_code == 403
    assert client.post(convert_url(contribution)).status_code == 403
    assert client.get(f"/submissions/attachments/{attachment.pk}/download/").status_code == 403
