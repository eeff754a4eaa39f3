"""Retries: a failing task runs again after a growing backoff, then stays failed; a task left
running by a dead worker is taken back; failed tasks show in the Chinese admin, where 重试
queues them again (for those allowed to)."""

import datetime
from importlib import import_module

import pytest
from django.contrib.auth.models import Permission
from django.tasks import Task, task
from django.tasks.base import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from newsportal import task_admin, tasks, worker
from newsportal.models import WorkerHeartbeat
from tests.factories import UserFactory
from tests.helpers import later, use_database_queue, work
from tests.test_chinese_ui import english_in
from tests.test_settings_env import ROOT

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/django_tasks_database/dbtaskresult/"
BROKEN = {"on": True}


@task
def flaky_task():
    """Fails while BROKEN says so."""
    if BROKEN["on"]:
        raise ConnectionError("测试：下游服务不可用")
    return "done"


@pytest.fixture(autouse=True)
def _broken():
    BROKEN["on"] = True


@pytest.fixture
def queue(settings, monkeypatch):
    use_database_queue(settings, monkeypatch)  # three attempts, 30 s then 60 s apart


def waiting_for(result):
    """Seconds until the task's next attempt."""
    return (result.run_after - timezone.now()).total_seconds()


def exhausted():
    """A flaky task that has failed all its attempts."""
    result = flaky_task.enqueue()
    for _ in range(3):
        later()
        work()
    return DBTaskResult.objects.get(pk=result.id)


# ----- automatic retries -----


def test_a_failing_task_runs_again_after_a_growing_backoff_then_stays_failed(queue):
    result = flaky_task.enqueue()
    work()
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == TaskResultStatus.READY and len(row.worker_ids) == 1
    assert 25 < waiting_for(row) <= 30
    assert row.exception_class_path == "builtins.ConnectionError" and "下游服务不可用" in row.traceback

    later()
    work()
    row.refresh_from_db()
    assert row.status == TaskResultStatus.READY and len(row.worker_ids) == 2 and 55 < waiting_for(row) <= 60

    later()
    work()
    row.refresh_from_db()
    assert row.status == TaskResultStatus.FAILED and len(row.worker_ids) == 3
    later()
    work()
    row.refresh_from_db()
    assert row.status == TaskResultStatus.FAILED and len(row.worker_ids) == 3  # no fourth attempt


def test_a_task_that_recovers_on_a_retry_succeeds(queue):
    result = flaky_task.enqueue()
    work()
    BROKEN["on"] = False
    later()
    work()
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == TaskResultStatus.SUCCESSFUL and row.return_value == "done" and len(row.worker_ids) == 2
    assert row.exception_class_path == "" and row.traceback == ""


def test_the_backoff_doubles_up_to_its_maximum(settings):
    settings.TASKS_RETRY_DELAY_SECONDS = 30
    settings.TASKS_RETRY_MAX_DELAY_SECONDS = 3600
    seconds = [tasks.backoff(attempts).total_seconds() for attempts in (1, 2, 3, 7, 8, 500)]
    assert seconds == [30, 60, 120, 1920, 3600, 3600]


def test_in_process_tasks_log_a_failure_and_are_not_retried(caplog):
    result = flaky_task.enqueue()
    assert result.status == TaskResultStatus.FAILED
    assert DBTaskResult.objects.count() == 0
    assert any(record.levelname == "ERROR" for record in caplog.records)


def test_a_task_left_running_by_a_dead_worker_is_retried(queue):
    now = timezone.now()
    long_ago = now - datetime.timedelta(minutes=10)
    for name, seen in (("dead", long_ago), ("alive", now)):
        WorkerHeartbeat.objects.create(worker_id=name, host="host", pid=1, started_at=long_ago, seen_at=seen)
    lost, busy, foreign = (flaky_task.enqueue() for _ in range(3))
    for result, worker_id in ((lost, "dead"), (busy, "alive"), (foreign, "db-worker-without-heartbeat")):
        DBTaskResult.objects.filter(pk=result.id).update(
            status=TaskResultStatus.RUNNING, worker_ids=[worker_id], started_at=long_ago
        )

    assert worker.recover_lost_tasks(now) == 1
    row = DBTaskResult.objects.get(pk=lost.id)
    assert row.status == TaskResultStatus.READY and row.exception_class_path.endswith("WorkerLost")
    assert "dead" in row.traceback and "已停止心跳" in row.traceback
    others = DBTaskResult.objects.filter(pk__in=[busy.id, foreign.id])
    assert set(others.values_list("status", flat=True)) == {TaskResultStatus.RUNNING}


def test_a_worker_restarted_under_its_old_id_takes_back_its_interrupted_task(queue):
    interrupted = flaky_task.enqueue()
    DBTaskResult.objects.filter(pk=interrupted.id).update(status=TaskResultStatus.RUNNING, worker_ids=["worker-1"])
    BROKEN["on"] = False
    work("--worker-id", "worker-1")  # the retry waits for its backoff
    later()
    work("--worker-id", "worker-1")
    row = DBTaskResult.objects.get(pk=interrupted.id)
    assert row.status == TaskResultStatus.SUCCESSFUL and row.worker_ids == ["worker-1", "worker-1"]


# ----- the admin -----


@pytest.fixture
def boss():
    return UserFactory(username="boss", is_staff=True, is_superuser=True)


def test_failed_tasks_show_in_chinese_and_retry_queues_them_again(client, queue, boss):
    failed = exhausted()
    successful = flaky_task.enqueue()
    DBTaskResult.objects.filter(pk=successful.id).update(status=TaskResultStatus.SUCCESSFUL)
    client.force_login(boss)

    page = client.get(LIST_URL, {"state": "failed"}).content.decode()
    assert "失败" in page and "ConnectionError" in page and "重试所选的失败任务" in page
    assert str(failed.pk) in page and str(successful.id) not in page
    assert english_in(page) == []
    detail = client.get(f"{LIST_URL}{failed.pk}/change/").content.decode()
    assert "错误详情" in detail and "下游服务不可用" in detail and english_in(detail) == []
    assert f"flaky_task（{str(failed.pk)[:8]}）" in detail and "object (" not in detail

    response = client.post(
        LIST_URL, {"action": "retry", "_selected_action": [str(failed.pk), str(successful.id)]}, follow=True
    )
    page = response.content.decode()
    assert "已重新排队 1 个失败的任务" in page and "另有 1 个任务不是失败状态" in page
    failed.refresh_from_db()
    assert failed.status == TaskResultStatus.READY and failed.worker_ids == []  # a fresh set of attempts
    assert DBTaskResult.objects.get(pk=successful.id).status == TaskResultStatus.SUCCESSFUL

    BROKEN["on"] = False
    work()
    failed.refresh_from_db()
    assert failed.status == TaskResultStatus.SUCCESSFUL and failed.return_value == "done"


def test_every_admin_page_of_the_queue_speaks_chinese(client, queue, boss):
    exhausted()
    flaky_task.enqueue()
    client.force_login(boss)
    pages = ["/admin/", LIST_URL, *(f"{LIST_URL}?state={state}" for state in task_admin.STATES)]
    pages += [f"{LIST_URL}{pk}/change/" for pk in DBTaskResult.objects.values_list("pk", flat=True)]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert english_in(response.content.decode()) == [], url
    index = client.get("/admin/").content.decode()
    assert "后台任务" in index and "Tasks Database" not in index and "Task Result" not in index


def test_the_queue_is_read_only_apart_from_retrying(client, queue, boss):
    failed = exhausted()
    client.force_login(boss)
    assert client.get(f"{LIST_URL}add/").status_code == 403
    assert client.post(f"{LIST_URL}{failed.pk}/delete/").status_code == 403
    assert "保存" not in client.get(f"{LIST_URL}{failed.pk}/change/").content.decode()
    assert DBTaskResult.objects.filter(pk=failed.pk).exists()


def test_retrying_needs_the_change_permission(client, queue):
    failed = exhausted()
    viewer = UserFactory(username="viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_dbtaskresult"))
    client.force_login(viewer)
    page = client.get(LIST_URL).content.decode()
    assert "失败" in page and "重试所选的失败任务" not in page
    client.post(LIST_URL, {"action": "retry", "_selected_action": [str(failed.pk)]})
    assert DBTaskResult.objects.get(pk=failed.pk).status == TaskResultStatus.FAILED

    viewer.user_permissions.add(Permission.objects.get(codename="change_dbtaskresult"))
    client.post(LIST_URL, {"action": "retry", "_selected_action": [str(failed.pk)]})
    assert DBTaskResult.objects.get(pk=failed.pk).status == TaskResultStatus.READY


def test_the_chief_editor_sees_the_queue_and_retries_failed_tasks(client, queue, login_as):
    failed = exhausted()
    login_as("总编辑", "chief")
    assert "重试所选的失败任务" in client.get(LIST_URL).content.decode()
    client.post(LIST_URL, {"action": "retry", "_selected_action": [str(failed.pk)]})
    assert DBTaskResult.objects.get(pk=failed.pk).status == TaskResultStatus.READY


def test_writers_and_editors_do_not_see_the_queue(client, login_as):
    for role, username in (("撰稿人", "writer-2"), ("编辑", "editor-2")):
        login_as(role, username)
        assert client.get(LIST_URL).status_code == 403


def test_staff_without_the_view_permission_do_not_see_the_queue(client):
    client.force_login(UserFactory(username="writer", is_staff=True))
    assert client.get(LIST_URL).status_code == 403


def test_the_permissions_are_named_in_chinese():
    names = set(
        Permission.objects.filter(content_type__app_label="django_tasks_database").values_list("name", flat=True)
    )
    assert {"可查看 任务", "可修改 任务"} <= names


def test_the_list_warns_when_no_worker_is_beating(client, queue, boss):
    client.force_login(boss)
    assert "还没有任务进程运行过" in client.get(LIST_URL).content.decode()
    old = timezone.now() - datetime.timedelta(hours=1)
    WorkerHeartbeat.objects.create(worker_id="w", host="h", pid=1, started_at=old, seen_at=old)
    assert "可能已停止" in client.get(LIST_URL).content.decode()
    WorkerHeartbeat.objects.update(seen_at=timezone.now())
    page = client.get(LIST_URL).content.decode()
    assert "可能已停止" not in page and "还没有任务进程运行过" not in page


def test_every_task_of_the_project_has_a_chinese_name_in_the_admin():
    found = set()
    for package in ("articles", "submissions", "newsportal"):
        for path in (ROOT / package).rglob("*.py"):
            if "@task" not in path.read_text(encoding="utf-8"):
                continue
            module = import_module(".".join(path.relative_to(ROOT).with_suffix("").parts))
            found |= {
                obj.module_path
                for obj in vars(module).values()
                if isinstance(obj, Task) and obj.func.__module__ == module.__name__
            }
    assert len(found) >= 10 and found <= tasks.TASK_NAMES.keys(), found - tasks.TASK_NAMES.keys()
