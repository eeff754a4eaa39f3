"""Retries of background tasks: the one place that decides when a failed task runs again.

Tasks go through django.tasks. With TASKS_BACKEND=database each one is a row of django-tasks-db
(`DBTaskResult`) that a worker (`manage.py worker`, newsportal.worker) claims, runs and marks
successful or failed. django-tasks-db retries nothing itself, so when a task fails this module
puts its row back in the queue, to run after an exponential backoff (TASKS_RETRY_DELAY_SECONDS,
doubled each time, at most TASKS_RETRY_MAX_DELAY_SECONDS), until it has run TASKS_MAX_ATTEMPTS
times; then it stays failed, shown to staff in the admin (newsportal.task_admin), whose 重试
queues it again with a fresh set of attempts.

Attempts are the row's `worker_ids` (one entry per run, `TaskResult.attempts`); a waiting retry
keeps the last error (`exception_class_path`, `traceback`) for the admin to show. Every task of
the project gets this, as it hangs on django.tasks' `task_finished` signal, not on a decorator.
A task that runs again must therefore be safe to run again: e-mails are stamped when sent
(submissions.notifications) or are one message per task, so a retry never mails twice.

With the in-process backend of development and the tests a failure is logged and not retried.
Staff read each task under its Chinese name (TASK_NAMES).
"""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django.tasks.base import TaskResultStatus
from django.tasks.signals import task_finished
from django.utils import timezone

logger = logging.getLogger(__name__)

# What each of the project's tasks does, as staff read it in the admin (newsportal.task_admin).
TASK_NAMES = {
    "articles.newsroom.tasks.send_transition_mail": "稿件流转通知邮件",
    "articles.reading.tasks.flush_view_counts": "写入浏览次数",
    "articles.search.documents.reindex_article": "更新文章的搜索索引",
    "articles.search.documents.reindex_region": "更新区域下文章的搜索索引",
    "articles.search.documents.reindex_channel": "更新栏目下文章的搜索索引",
    "articles.media.renditions.generate_renditions": "生成图片的 WebP 尺寸",
    "articles.reading.tasks.draw_share_card": "绘制文章的分享卡片",
    "submissions.tasks.submission_received": "新事项的邮件（分派）",
    "submissions.tasks.send_receipt": "受理回执邮件",
    "submissions.tasks.notify_staff": "新事项通知邮件（工作人员）",
    "submissions.tasks.reply_published": "答复邮件",
    "submissions.tasks.status_changed": "状态变更通知邮件",
    "submissions.tasks.deadline_extended": "延期通知邮件",
}


def connect():
    """Retry failed database tasks from now on (called once, from NewsportalConfig.ready)."""
    task_finished.connect(_retry_failed, dispatch_uid="newsportal.tasks.retry_failed")


def title(task_path):
    """A task's name for staff: TASK_NAMES, or its code path for a task that has none."""
    return TASK_NAMES.get(task_path, task_path)


def describe(db_result):
    """A queued task as the admin's titles name it (DBTaskResult has no __str__ of its own)."""
    return f"{title(db_result.task_path)}（{str(db_result.pk)[:8]}）"


class _EnqueueOnCommit:
    """The on-commit callback for one task and object, recognisable while it is pending."""

    def __init__(self, task, object_id):
        self.task, self.object_id, self.done = task, object_id, False
        self.key = (task.name, object_id)

    def __call__(self):
        self.done = True
        self.task.enqueue(self.object_id)


def enqueue_on_commit(task, object_id):
    """Enqueue `task(object_id)` once the transaction commits, once however often it is asked.

    Saving an article in the admin sends post_save and an m2m signal for each of tags,
    regions and industries; one run of a task covers them all. Pending callbacks are read
    from the connection, so a rolled-back savepoint drops its own.
    """
    callback = _EnqueueOnCommit(task, object_id)
    pending = transaction.get_connection().run_on_commit
    if any(getattr(other, "key", None) == callback.key and not other.done for _, other, _ in pending):
        return
    transaction.on_commit(callback)


def uses_worker(alias=DEFAULT_TASK_BACKEND_ALIAS):
    """True when tasks of backend `alias` wait in the database queue for `manage.py worker`."""
    from django_tasks_db import DatabaseBackend

    return isinstance(task_backends[alias], DatabaseBackend)


def backoff(attempts):
    """How long a task that has failed `attempts` times (1, 2, …) waits before it runs again."""
    seconds = settings.TASKS_RETRY_DELAY_SECONDS * 2 ** min(max(attempts - 1, 0), 32)
    return datetime.timedelta(seconds=min(seconds, settings.TASKS_RETRY_MAX_DELAY_SECONDS))


def retry_later(db_result, now=None):
    """Queue the failed task `db_result` (a DBTaskResult) to run again after its backoff.

    Returns the time it will run after, or None when it has used all its attempts (it stays
    failed) or is no longer failed (someone else re-queued it).
    """
    from django_tasks_db.models import DBTaskResult

    attempts = len(db_result.worker_ids)
    if attempts >= settings.TASKS_MAX_ATTEMPTS:
        logger.error(
            "Task id=%s path=%s failed %d times, last with %s: it stays failed (重试 in the admin runs it again).",
            db_result.pk,
            db_result.task_path,
            attempts,
            db_result.exception_class_path or "an unknown error",
        )
        return None
    run_after = (now or timezone.now()) + backoff(attempts)
    waiting = DBTaskResult.objects.filter(pk=db_result.pk, status=TaskResultStatus.FAILED).update(
        status=TaskResultStatus.READY, run_after=run_after, finished_at=None
    )
    if not waiting:
        return None
    logger.warning(
        "Task id=%s path=%s failed (attempt %d of %d); it runs again after %s.",
        db_result.pk,
        db_result.task_path,
        attempts,
        settings.TASKS_MAX_ATTEMPTS,
        run_after.isoformat(timespec="seconds"),
    )
    return run_after


def requeue(queryset):
    """Queue the failed tasks of `queryset` to run as soon as a worker is free, with a fresh set
    of attempts (the admin's 重试); returns how many. Other tasks are left as they are."""
    from django_tasks_db.models import get_date_max

    return queryset.filter(status=TaskResultStatus.FAILED).update(
        status=TaskResultStatus.READY,
        run_after=get_date_max(),  # django-tasks-db's "no earlier time": run now
        finished_at=None,
        worker_ids=[],
    )


def _retry_failed(sender, task_result, **kwargs):
    """task_finished: a failed task of the database queue goes back in it, while attempts last."""
    db_result = getattr(task_result, "db_result", None)  # only django-tasks-db's results have one
    if db_result is None or task_result.status != TaskResultStatus.FAILED:
        return
    try:
        retry_later(db_result)
    except Exception:
        # The worker goes on with the next task; this one stays failed, for 重试 in the admin.
        logger.exception("Could not queue task id=%s for a retry.", db_result.pk)
