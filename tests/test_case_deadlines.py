"""Deadlines (办理期限): working days on the mainland calendar, shown as "12月3日前" everywhere,
overdue once that day has passed in Beijing, and extended by officers with a reason."""

import csv
import datetime
import io

import pytest
from django.core import mail
from django.utils import timezone

from submissions import deadlines, notifications, tasks
from submissions.models import ContactMessage, Contribution, DeadlineExtension
from submissions.roles import OFFICER
from tests.factories import ContributionFactory, EntryRequestFactory
from tests.helpers import QUERY_CODE, change_data, change_url, contact_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("submission_settings")]
BEIJING = datetime.timezone(datetime.timedelta(hours=8))


def received(year, month, day, hour=10):
    return datetime.datetime(year, month, day, hour, 0, tzinfo=BEIJING)


@pytest.fixture
def officer(login_as):
    return login_as(OFFICER, "officer")


@pytest.fixture
def no_local_days(settings):
    settings.SUBMISSIONS_HOLIDAYS = frozenset()
    settings.SUBMISSIONS_MAKEUP_WORKDAYS = frozenset()
    settings.SUBMISSION_DEADLINE_WORKING_DAYS = 5
    return settings


def at(monkeypatch, moment):
    """Make `timezone.now()` return `moment` (what localdate() and the queryset read)."""
    monkeypatch.setattr(timezone, "now", lambda: moment)


# ----- the calendar -----


@pytest.mark.usefixtures("no_local_days")
def test_a_case_received_on_30_september_is_not_due_in_the_national_day_week():
    due = deadlines.due_date(received(2026, 9, 30))
    # Oct 1–7 are off; Thu 8, Fri 9, make-up Sat 10, Mon 12, Tue 13.
    assert due == datetime.date(2026, 10, 13)
    assert not datetime.date(2026, 10, 1) <= due <= datetime.date(2026, 10, 7)


@pytest.mark.usefixtures("no_local_days")
def test_statutory_holidays_are_skipped_and_make_up_days_count():
    assert not deadlines.is_working_day(datetime.date(2026, 10, 5))  # a Monday in the National Day week
    assert deadlines.is_working_day(datetime.date(2026, 10, 10))  # the make-up Saturday
    assert not deadlines.is_working_day(datetime.date(2026, 11, 28))  # an ordinary Saturday


@pytest.mark.usefixtures("no_local_days")
def test_the_day_of_receipt_is_the_day_in_beijing():
    # Monday 17:00 UTC is Tuesday 01:00 in Beijing: counting starts on Wednesday.
    night = datetime.datetime(2026, 11, 30, 17, 0, tzinfo=datetime.UTC)
    assert deadlines.due_date(night) == datetime.date(2026, 12, 8)


def test_the_settings_win_over_the_calendar(no_local_days):
    no_local_days.SUBMISSION_DEADLINE_WORKING_DAYS = 1
    # A local day off on an ordinary Tuesday, and a National Day holiday declared a working day.
    no_local_days.SUBMISSIONS_HOLIDAYS = frozenset({datetime.date(2026, 12, 1)})
    no_local_days.SUBMISSIONS_MAKEUP_WORKDAYS = frozenset({datetime.date(2026, 10, 1)})
    assert deadlines.due_date(received(2026, 11, 30)) == datetime.date(2026, 12, 2)
    assert deadlines.due_date(received(2026, 9, 30)) == datetime.date(2026, 10, 1)


@pytest.mark.usefixtures("no_local_days")
def test_years_the_calendar_does_not_know_fall_back_to_weekends():
    assert deadlines.due_date(received(2031, 10, 1)) == datetime.date(2031, 10, 8)  # weekends only
    assert deadlines.is_working_day(datetime.date(1999, 10, 1))  # a Friday; no crash for the past either


def test_a_new_submission_gets_its_due_date_from_the_calendar(client, monkeypatch, no_local_days):
    at(monkeypatch, received(2026, 9, 30))
    client.post("/contact/", contact_data())
    assert ContactMessage.objects.get().due_date == datetime.date(2026, 10, 13)


# ----- how a deadline is shown -----


def test_a_deadline_reads_as_its_last_day(monkeypatch):
    at(monkeypatch, received(2026, 11, 26))
    assert deadlines.due_label(datetime.date(2026, 12, 3)) == "12月3日前"
    assert deadlines.due_label(datetime.date(2027, 1, 5)) == "2027年1月5日前"
    assert deadlines.due_label(None) == ""


def test_every_place_shows_the_same_deadline(client, admin_client, django_capture_on_commit_callbacks):
    case = EntryRequestFactory(due_date=timezone.localdate() + datetime.timedelta(days=3))
    label = case.due_label
    assert label.endswith("日前") and "00:00" not in label

    assert label in admin_client.get("/admin/submissions/entryrequest/").content.decode()
    assert label in admin_client.get(change_url(case)).content.decode()
    track = client.post("/track/", {"tracking_number": case.tracking_number, "query_code": QUERY_CODE})
    assert f"<dt>预计答复日期</dt><dd data-due-date>{label}</dd>" in track.content.decode()
    export = admin_client.get("/admin/submissions/entryrequest/export/csv/").content.decode()
    rows = list(csv.reader(io.StringIO(export.lstrip("\ufeff"))))
    assert rows[1][rows[0].index("办理期限")] == label
    notifications.notify_staff(case)
    notifications.send_receipt(case)
    assert all(label in message.body for message in mail.outbox) and len(mail.outbox) == 2


def test_the_receipt_promises_an_answer_date(client, no_local_days, monkeypatch):
    at(monkeypatch, received(2026, 11, 26))
    html = client.post("/contact/", contact_data()).content.decode()
    assert "<dt>预计答复日期</dt>" in html and "<dd data-due-date>12月3日前</dd>" in html


# ----- overdue -----


def test_a_case_is_overdue_only_after_its_last_day_in_beijing(monkeypatch):
    case = ContributionFactory(due_date=datetime.date(2026, 12, 3))
    closed = ContributionFactory(due_date=datetime.date(2026, 12, 3), status=Contribution.Status.ACCEPTED)

    at(monkeypatch, datetime.datetime(2026, 12, 3, 15, 59, tzinfo=datetime.UTC))  # 23:59 on the day itself
    assert not case.is_overdue
    assert not Contribution.objects.overdue().exists()

    at(monkeypatch, datetime.datetime(2026, 12, 3, 16, 0, tzinfo=datetime.UTC))  # 00:00 the next day
    assert case.is_overdue and not closed.is_overdue
    assert list(Contribution.objects.overdue()) == [case]
    assert set(Contribution.objects.not_overdue()) == {closed}


# ----- extensions -----


def later_working_day(case, days=10):
    day = case.due_date + datetime.timedelta(days=days)
    while not deadlines.is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def test_an_officer_extends_a_deadline_with_a_reason(client, officer, django_capture_on_commit_callbacks):
    case = EntryRequestFactory()
    before = case.due_date
    new_date = later_working_day(case)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            change_url(case), change_data(case, extend_to=new_date.isoformat(), extension_reason="需会同区发改委研究")
        )

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.due_date == new_date
    extension = DeadlineExtension.objects.get()
    assert (extension.previous_date, extension.new_date, extension.reason, extension.extended_by) == (
        before, new_date, "需会同区发改委研究", officer
    )  # fmt: skip
    # In the case's history for staff, and for the submitter on 受理查询.
    assert "需会同区发改委研究" in client.get(change_url(case)).content.decode()
    track = client.post("/track/", {"tracking_number": case.tracking_number, "query_code": QUERY_CODE})
    assert f"办理期限延长至{deadlines.day_label(new_date)}，原因：需会同区发改委研究" in track.content.decode()
    # The submitter is told once.
    (message,) = mail.outbox
    assert message.to == [case.email] and "需会同区发改委研究" in message.body and "办理期限已延长" in message.subject
    assert tasks.deadline_extended.call(extension.pk) == 0
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"extend_to": "+10", "extension_reason": ""}, "请填写延期原因。"),
        ({"extend_to": "", "extension_reason": "材料不全"}, "请选择新的办理期限"),
        ({"extend_to": "-1", "extension_reason": "材料不全"}, "新的办理期限须晚于当前期限"),
        ({"extend_to": "2099-12-31", "extension_reason": "材料不全"}, "一次延期不能超过一年。"),
        ({"extend_to": "saturday", "extension_reason": "材料不全"}, "不是工作日，请选择工作日。"),
        ({"extend_to": "2026-13-45", "extension_reason": "材料不全"}, "日期格式不正确"),
        ({"extend_to": "+10", "extension_reason": "因" * 501}, "延期原因最多 500 个字"),
        ({"extend_to": "+10", "extension_reason": "材料不全\x00"}, "空字符"),
    ],
)
def test_a_bad_extension_is_refused_with_a_chinese_message(client, officer, fields, message):
    case = ContributionFactory()
    before = case.due_date
    when = fields["extend_to"]
    if when.startswith(("+", "-")):
        fields["extend_to"] = (
            later_working_day(case, int(when)) if when.startswith("+") else before - datetime.timedelta(days=1)
        ).isoformat()
    elif when == "saturday":
        day = before + datetime.timedelta(days=7)
        while deadlines.is_working_day(day):
            day += datetime.timedelta(days=1)
        fields["extend_to"] = day.isoformat()

    response = client.post(change_url(case), change_data(case, **fields))

    assert response.status_code == 200
    assert message in response.content.decode()
    case.refresh_from_db()
    assert case.due_date == before and not DeadlineExtension.objects.exists()
    assert mail.outbox == []


def test_a_closed_case_is_not_extended(client, officer):
    case = ContributionFactory(status=Contribution.Status.REJECTED)
    response = client.post(
        change_url(case), change_data(case, extend_to=later_working_day(case).isoformat(), extension_reason="复核")
    )
    assert "已办结的事项无需延长办理期限。" in response.content.decode()
    assert not DeadlineExtension.objects.exists()
