"""The task worker: with TASKS_BACKEND=database tasks wait in the database until `manage.py worker`
runs them; e-mail written while the mail server is down arrives once it is back, exactly once;
the worker beats (newsportal.worker.last_heartbeat), runs the periodic jobs once per interval
and stops after the current task on SIGTERM."""

import datetime
import json
import os
import signal
import smtplib
import subprocess
import sys
import time

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import CommandError
from django.db.models import F
from django.tasks import task
from django.tasks.base import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles.models import Article, ArticleDraft, Status
from articles.newsroom import drafts
from articles.reading import view_counts
from newsportal import worker
from newsportal.models import PeriodicJob, WorkerHeartbeat
from submissions.models import ContactMessage, StatusChange
from tests.factories import ArticleFactory, newsroom_user
from tests.helpers import contact_data, later, use_database_queue, work
from tests.test_settings_env import ROOT, server_env

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("submission_settings")]

CONTACT_URL = "/contact/"
SUBMITTER, STAFF = "wangwu@example.com", "staff@example.com"


@pytest.fixture
def queue(settings, monkeypatch):
    use_database_queue(settings, monkeypatch)


def rows():
    """{task name: status} of the queue's rows."""
    return {row.task_path.rpartition(".")[2]: row.status for row in DBTaskResult.objects.all()}


class MailServerDown:
    """A mail server that drops the connection (or, below, refuses it)."""

    error = smtplib.SMTPServerDisconnected

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise self.error("smtp.example: no answer")


class ConnectionRefused(MailServerDown):
    error = ConnectionRefusedError


class StaffAddressRefused(EmailBackend):
    """A mail server that takes the submitter's mail and refuses the staff address."""

    def send_messages(self, messages):
        if any(STAFF in message.to for message in messages):
            raise smtplib.SMTPRecipientsRefused({STAFF: (550, b"mailbox unavailable")})
        return super().send_messages(messages)


def submit_contact_message(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CONTACT_URL, contact_data(contact=SUBMITTER))
    assert response.status_code == 200
    return ContactMessage.objects.get()


# ----- the queue -----


def test_the_database_backend_queues_a_task_and_the_worker_runs_it(client, queue, django_capture_on_commit_callbacks):
    message = submit_contact_message(client, django_capture_on_commit_callbacks)
    assert mail.outbox == []
    assert rows() == {"submission_received": TaskResultStatus.READY}

    output = work()
    assert sorted(m.to[0] for m in mail.outbox) == [STAFF, SUBMITTER]
    receipt = next(m for m in mail.outbox if m.to == [SUBMITTER])
    assert message.tracking_number in receipt.subject
    assert set(rows().values()) == {TaskResultStatus.SUCCESSFUL} and len(rows()) == 3
    assert "共执行 3 个任务" in output


def test_the_worker_refuses_to_start_when_tasks_run_in_process():
    with pytest.raises(CommandError, match="TASKS_BACKEND=database"):
        work()


def test_tasks_backend_takes_a_name_and_refuses_anything_else():
    def settings_of(value):
        env = server_env(DEBUG="1")
        env.pop("TASKS_BACKEND", None)
        if value is not None:
            env["TASKS_BACKEND"] = value
        code = "import json; from django.conf import settings as s; print(json.dumps(s.TASKS))"
        return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)

    assert "ImmediateBackend" in json.loads(settings_of(None).stdout)["default"]["BACKEND"]
    assert json.loads(settings_of("database").stdout)["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    refused = settings_of("redis")
    assert refused.returncode != 0 and "TASKS_BACKEND must be immediate or database" in refused.stderr


# ----- e-mail while the mail server is down -----


@pytest.mark.parametrize("server", [MailServerDown, ConnectionRefused])
def test_a_receipt_written_while_the_mail_server_is_down_arrives_once_it_is_back(
    client, queue, settings, django_capture_on_commit_callbacks, server
):
    settings.MAILERS = {"default": {"BACKEND": f"tests.test_task_worker.{server.__name__}"}}
    message = submit_contact_message(client, django_capture_on_commit_callbacks)
    work()
    assert mail.outbox == []
    waiting = DBTaskResult.objects.get(task_path="submissions.tasks.send_receipt")
    assert waiting.status == TaskResultStatus.READY and len(waiting.worker_ids) == 1
    assert waiting.exception_class_path.endswith(server.error.__name__)
    assert ContactMessage.objects.get() == message  # the submission stands

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    work()  # the retry is not due yet
    assert mail.outbox == []
    later()
    work()
    assert [m.to for m in mail.outbox if m.to == [SUBMITTER]] == [[SUBMITTER]]
    assert [m.to for m in mail.outbox if m.to == [STAFF]] == [[STAFF]]
    later()
    work()
    assert len(mail.outbox) == 2  # exactly once each
    assert StatusChange.objects.get().notified_at is not None  # the receipt's stamp


def test_a_refused_staff_address_neither_holds_up_nor_repeats_the_receipt(
    client, queue, settings, django_capture_on_commit_callbacks
):
    settings.MAILERS = {"default": {"BACKEND": "tests.test_task_worker.StaffAddressRefused"}}
    submit_contact_message(client, django_capture_on_commit_callbacks)
    work()
    assert [m.to for m in mail.outbox] == [[SUBMITTER]]
    assert rows()["notify_staff"] == TaskResultStatus.READY  # waiting for its retry

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    later()
    work()
    assert [m.to for m in mail.outbox] == [[SUBMITTER], [STAFF]]


def test_a_receipt_task_run_twice_mails_once(client, queue, django_capture_on_commit_callbacks):
    from submissions import tasks

    message = submit_contact_message(client, django_capture_on_commit_callbacks)
    assert tasks.send_receipt.call(message.model_label, message.pk) == 1
    assert tasks.send_receipt.call(message.model_label, message.pk) == 0
    assert [m.to for m in mail.outbox] == [[SUBMITTER]]


def test_a_workflow_notice_written_while_the_mail_server_is_down_arrives_once_it_is_back(
    queue, settings, django_capture_on_commit_callbacks
):
    from articles.newsroom import workflow

    settings.MAILERS = {"default": {"BACKEND": "tests.test_task_worker.ConnectionRefused"}}
    writer = newsroom_user("撰稿人", username="writer", email="writer@example.com")
    newsroom_user("编辑", username="editor", email="editor@example.com")
    story = ArticleFactory(status=Status.DRAFT, created_by=writer)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.apply(story, "submit", writer)
    work()
    assert Article.objects.get(pk=story.pk).status == Status.REVIEW and mail.outbox == []

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    later()
    work()
    later()
    work()
    assert [m.to for m in mail.outbox] == [["editor@example.com"]]


# ----- heartbeat -----


def test_the_worker_beats_and_last_heartbeat_reads_it(queue):
    assert worker.last_heartbeat() is None
    work("--worker-id", "host-a-1")
    beat = worker.last_heartbeat()
    assert timezone.is_aware(beat) and abs((timezone.now() - beat).total_seconds()) < 10
    row = WorkerHeartbeat.objects.get()
    assert row.worker_id == "host-a-1" and row.pid == os.getpid()


def test_last_heartbeat_is_the_newest_of_all_workers():
    now = timezone.now()
    for name, age in (("a", 300), ("b", 5), ("c", 60)):
        seen = now - datetime.timedelta(seconds=age)
        WorkerHeartbeat.objects.create(worker_id=name, host=name, pid=1, started_at=seen, seen_at=seen)
    assert worker.last_heartbeat() == now - datetime.timedelta(seconds=5)


def test_the_heartbeat_goes_on_while_the_main_thread_runs_a_long_task():
    beats = []
    helper = worker.Repeating("heartbeat", 0.01, lambda: beats.append(1))
    helper.start()
    deadline = time.monotonic() + 5
    while len(beats) < 3 and time.monotonic() < deadline:  # busy, as with a long task
        time.sleep(0.01)
    helper.stop()
    assert len(beats) >= 3 and not helper.is_alive()


# ----- periodic jobs -----


@pytest.fixture
def due_change_and_views():
    """A published story with a scheduled change that is due, and two views waiting in the cache."""
    editor = newsroom_user("编辑", username="editor")
    story = ArticleFactory(title="亦庄新政", status=Status.PUBLISHED)
    draft = drafts.save(story, {"title": "亦庄新政（定时）"}, editor)
    ArticleDraft.objects.filter(pk=draft.pk).update(go_live_at=timezone.now() - datetime.timedelta(minutes=1))
    story.refresh_from_db()
    for _ in range(2):
        view_counts.count_view(story)
    return story


def test_the_worker_publishes_due_changes_and_flushes_view_counts(queue, due_change_and_views):
    story = due_change_and_views
    views = story.view_count
    work()
    story.refresh_from_db()
    assert story.title == "亦庄新政（定时）"
    assert story.view_count == views + 2 and view_counts.total(story) == views + 2


def test_each_periodic_job_runs_once_per_interval(queue, settings, due_change_and_views):
    story = due_change_and_views
    settings.VIEW_COUNT_FLUSH_SECONDS = 60
    work()
    view_counts.count_view(Article.objects.get(pk=story.pk))
    work()  # another worker, seconds later: not due
    assert Article.objects.get(pk=story.pk).view_count == story.view_count + 2
    PeriodicJob.objects.update(last_run_at=F("last_run_at") - datetime.timedelta(seconds=61))
    work()
    assert Article.objects.get(pk=story.pk).view_count == story.view_count + 3


def test_only_one_worker_takes_a_jobs_turn():
    job = worker.Job("test_job", "tests.test_task_worker.nothing", seconds=60)
    now = timezone.now()
    assert worker.claim(job, now)[0] is True
    assert worker.claim(job, now)[0] is False
    assert worker.claim(job, now + datetime.timedelta(seconds=59))[0] is False
    assert worker.claim(job, now + datetime.timedelta(seconds=60))[0] is True


def nothing():
    return 0


def broken_job():
    raise RuntimeError("测试：作业失败")


RAN = []


def counted_job():
    RAN.append(1)
    return 1


def test_a_failing_periodic_job_is_logged_and_the_others_still_run(caplog):
    RAN.clear()
    scheduler = worker.Scheduler(
        (
            worker.Job("broken", "tests.test_task_worker.broken_job", seconds=60),
            worker.Job("counted", "tests.test_task_worker.counted_job", seconds=60),
        )
    )
    scheduler.run_due()
    assert RAN == [1]
    assert any("broken" in r.getMessage() and r.exc_info for r in caplog.records)
    scheduler.run_due()  # neither is due again yet, and the database is not asked
    assert RAN == [1]


# ----- stopping -----


@task
def stop_the_worker_midway():
    """Sends the worker SIGTERM while it runs, as `systemctl stop` would, then finishes."""
    os.kill(os.getpid(), signal.SIGTERM)
    return "finished"


@task
def never_reached():
    return "ran"


def test_sigterm_lets_the_current_task_finish_and_stops_the_worker(queue):
    handler = signal.getsignal(signal.SIGTERM)
    stopping = stop_the_worker_midway.enqueue()
    waiting = never_reached.enqueue()
    output = work()
    assert DBTaskResult.objects.get(pk=stopping.id).status == TaskResultStatus.SUCCESSFUL
    assert DBTaskResult.objects.get(pk=stopping.id).return_value == "finished"
    assert DBTaskResult.objects.get(pk=waiting.id).status == TaskResultStatus.READY  # for the next worker
    assert "共执行 1 个任务" in output
    assert signal.getsignal(signal.SIGTERM) is handler
