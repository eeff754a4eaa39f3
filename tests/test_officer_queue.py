"""The officer's queue: dashboard boxes, the 经办人 / 办结情况 / 已逾期 list filters, who may be
assigned a case, and e-mail links built on SITE_URL."""

import datetime
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.utils import timezone

from articles.newsroom.roles import EDITOR
from submissions.models import ContactMessage, Contribution, EntryRequest
from submissions.roles import OFFICER, processing_staff
from tests.factories import (
    ContactMessageFactory,
    ContributionFactory,
    EntryRequestFactory,
    IndustryFactory,
    RegionFactory,
    UserFactory,
    newsroom_user,
)
from tests.files import pdf_bytes, upload
from tests.helpers import change_data, change_url, contact_data, entry_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("submission_settings")]
KINDS = [ContributionFactory, EntryRequestFactory, ContactMessageFactory]
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def yesterday():
    return timezone.localdate() - datetime.timedelta(days=1)


def list_url(model):
    return f"/admin/submissions/{model._meta.model_name}/"


@pytest.fixture
def officer(client):
    user = newsroom_user(OFFICER, username="officer", first_name="王", last_name="专员")
    client.force_login(user)
    return user


# ----- the dashboard -----


def test_the_dashboard_has_a_box_of_open_messages_with_overdue_and_assigned_counts(client, officer):
    colleague = newsroom_user(OFFICER, username="colleague")
    ContactMessageFactory(name="逾期的留言人", due_date=yesterday(), assignee=officer)
    ContactMessageFactory(name="我的留言人", assignee=officer)
    ContactMessageFactory(name="同事的留言人", assignee=colleague)
    ContactMessageFactory(name="未指派留言人")
    ContactMessageFactory(name="已办结留言人", status=ContactMessage.Status.DONE, due_date=yesterday())

    page = client.get("/admin/").content.decode()

    box = page[page.index("待办留言") :]
    box = box[: box.index("</section>")]
    assert '<span class="dashboard-count">4</span>' in box
    assert "逾期的留言人" in box and "未指派留言人" in box and "已办结留言人" not in box
    assert '<a href="/admin/submissions/contactmessage/?overdue=yes">已逾期 1</a>' in box
    assert '<a href="/admin/submissions/contactmessage/?assigned=me&amp;open=yes">指派给我 2</a>' in box
    assert '<a href="/admin/submissions/contactmessage/?assigned=none&amp;open=yes">未指派 1</a>' in box


@pytest.mark.parametrize(("model", "title"), [(Contribution, "新投稿"), (EntryRequest, "新的入驻申请")])
def test_every_submission_box_links_to_the_overdue_and_assigned_views(client, officer, model, title):
    url = list_url(model)
    page = client.get("/admin/").content.decode()
    box = page[page.index(title) :]
    box = box[: box.index("</section>")]
    assert f'href="{url}?overdue=yes"' in box and f'href="{url}?assigned=me&amp;open=yes"' in box


def test_the_dashboard_links_lead_to_the_lists_they_count(client, officer):
    late = ContactMessageFactory(due_date=yesterday())
    mine = ContactMessageFactory(assignee=officer)
    mine_done = ContactMessageFactory(assignee=officer, status=ContactMessage.Status.DONE)

    overdue = client.get("/admin/submissions/contactmessage/?overdue=yes").content.decode()
    assigned = client.get("/admin/submissions/contactmessage/?assigned=me&open=yes").content.decode()

    assert late.tracking_number in overdue and mine.tracking_number not in overdue
    assert mine.tracking_number in assigned
    assert late.tracking_number not in assigned and mine_done.tracking_number not in assigned


def test_the_dashboard_asks_a_fixed_number_of_queries(client, officer, django_assert_max_num_queries):
    def load():
        client.get("/admin/")

    load()  # warm the session and permission caches of the first request
    for factory in KINDS:
        factory.create_batch(3, due_date=yesterday(), assignee=officer)
    with django_assert_max_num_queries(30) as few:
        load()
    for factory in KINDS:
        factory.create_batch(15, due_date=yesterday())
    with django_assert_max_num_queries(len(few.captured_queries)):
        load()


def test_staff_who_may_not_view_messages_see_no_message_box(client):
    client.force_login(newsroom_user("撰稿人", username="writer"))
    ContactMessageFactory()
    assert "待办留言" not in client.get("/admin/").content.decode()


# ----- the list filters -----


@pytest.mark.parametrize("factory", KINDS)
def test_each_list_filters_by_assigned_to_me_unassigned_and_overdue(client, officer, factory):
    colleague = newsroom_user(OFFICER, username="colleague", first_name="李", last_name="同事")
    mine = factory(assignee=officer)
    theirs = factory(assignee=colleague)
    nobody = factory(due_date=yesterday())
    url = list_url(type(mine))

    page = client.get(url).content.decode()
    assert "经办人" in page and "指派给我" in page and "未指派" in page and "已逾期" in page
    assert "李 同事" in page  # the officers by name

    html = client.get(f"{url}?assigned=me").content.decode()
    assert mine.tracking_number in html and theirs.tracking_number not in html and nobody.tracking_number not in html
    html = client.get(f"{url}?assigned=none").content.decode()
    assert nobody.tracking_number in html and mine.tracking_number not in html
    html = client.get(f"{url}?assigned={colleague.pk}").content.decode()
    assert theirs.tracking_number in html and mine.tracking_number not in html
    html = client.get(f"{url}?overdue=yes").content.decode()
    assert nobody.tracking_number in html and mine.tracking_number not in html


@pytest.mark.parametrize("value", ["abc", "99999999999999999999999", "-1", "1 OR 1=1", "０"])
def test_a_made_up_assignee_value_shows_the_list_unfiltered(admin_client, value):
    submission = ContributionFactory()
    response = admin_client.get("/admin/submissions/contribution/", {"assigned": value}, follow=True)
    assert response.status_code == 200
    assert submission.tracking_number in response.content.decode()


@pytest.mark.parametrize("factory", KINDS)
def test_the_filtered_lists_keep_a_fixed_query_count(admin_client, admin_user, factory, django_assert_max_num_queries):
    factory.create_batch(40, assignee=admin_user, due_date=yesterday())
    url = list_url(factory._meta.model)
    with django_assert_max_num_queries(14):
        assert admin_client.get(f"{url}?assigned=me&open=yes&overdue=yes").status_code == 200


# ----- who may be assigned -----


def make_staff(username, **kwargs):
    return UserFactory(username=username, is_staff=True, **kwargs)


def test_only_active_staff_who_may_process_the_kind_are_offered_by_name(client, officer):
    superuser = make_staff("boss", is_superuser=True, first_name="赵", last_name="主任")
    direct = make_staff("direct", first_name="", last_name="")
    direct.user_permissions.add(Permission.objects.get(codename="change_entryrequest"))
    only_messages = make_staff("messages_only")
    only_messages.user_permissions.add(Permission.objects.get(codename="change_contactmessage"))
    editor = newsroom_user(EDITOR, username="reader_editor")  # reads submissions only
    gone = newsroom_user(OFFICER, username="gone", is_active=False)
    outsider = UserFactory(username="outsider", is_staff=False)
    outsider.groups.add(Group.objects.get(name=OFFICER))

    assert set(processing_staff(EntryRequest)) == {officer, superuser, direct}
    page = client.get(change_url(EntryRequestFactory())).content.decode()
    select = re.search(r'<select name="assignee".*?</select>', page, re.S).group(0)
    assert f'value="{officer.pk}">王 专员<' in select
    assert f'value="{superuser.pk}">赵 主任<' in select
    assert f'value="{direct.pk}">direct<' in select  # no name: the username
    for user in (only_messages, editor, gone, outsider):
        assert f'value="{user.pk}"' not in select


@pytest.mark.parametrize("who", ["editor", "inactive", "non_staff", "missing"])
def test_assigning_someone_who_may_not_process_it_is_refused_in_chinese(client, officer, who):
    people = {
        "editor": lambda: newsroom_user(EDITOR, username="reader_editor").pk,
        "inactive": lambda: newsroom_user(OFFICER, username="gone", is_active=False).pk,
        "non_staff": lambda: UserFactory(username="outsider").pk,
        "missing": lambda: 987654,
    }
    submission = ContactMessageFactory()
    response = client.post(change_url(submission), change_data(submission, assignee=people[who]()))

    assert response.status_code == 200
    assert "只能指派给有权办理留言的在职工作人员" in response.content.decode()
    submission.refresh_from_db()
    assert submission.assignee is None


def test_an_assignee_who_lost_the_permission_stays_until_someone_else_is_chosen(client, officer):
    former = newsroom_user(OFFICER, username="former")
    submission = ContributionFactory(assignee=former)
    former.groups.clear()

    response = client.post(change_url(submission), change_data(submission, status="processing"))

    assert response.status_code == 302
    submission.refresh_from_db()
    assert (submission.status, submission.assignee) == ("processing", former)


# ----- e-mail links -----


def links(text):
    return re.findall(r"https?://\S+", text)


def test_e_mail_links_are_built_on_site_url(client, settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://news.example.cn"
    region, industry = RegionFactory(), IndustryFactory()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/enterprise/apply/", {**entry_data(region, industry), "business_license": upload("a.pdf", pdf_bytes())}
        )
        client.post("/contact/", contact_data())

    assert len(mail.outbox) == 4  # a receipt and a staff notice each
    found = [link for message in mail.outbox for link in links(message.body)]
    assert found and all(link.startswith("https://news.example.cn/") for link in found)
    assert "https://news.example.cn/track/" in found
    assert any(link.startswith("https://news.example.cn/admin/submissions/") for link in found)


def test_no_e_mail_template_spells_out_an_address_of_its_own():
    templates = sorted(TEMPLATES.rglob("email/*.txt"))
    assert templates
    for template in templates:
        text = template.read_text()
        assert not re.search(r"https?://|127\.0\.0\.1|localhost", text), template
