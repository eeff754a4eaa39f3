"""The task worker behind `manage.py worker`: django-tasks-db's queue loop, plus what a queue
shared by several machines needs.

One worker process runs:

- the queue, in the main thread: django-tasks-db's `Worker` claims one ready task at a time
  (highest priority, then earliest) with a row lock, so any number of workers on any number of
  machines share one queue; a task that fails runs again after a backoff (newsportal.tasks).
- a heartbeat, in a thread of its own so that it goes on during a long task: every
  HEARTBEAT_SECONDS the worker's `WorkerHeartbeat` row is stamped. `last_heartbeat()` is the
  newest stamp of any worker, for /healthz.
- the periodic jobs (JOBS), in another thread: flushing the view counts, publishing due scheduled
  changes, taking back the tasks of a worker that died mid-task (`recover_lost_tasks`) and pruning
  old results. Each job runs once per interval across all workers: a worker runs it only when it
  moved the job's `PeriodicJob.last_run_at` on itself (one conditional UPDATE).

SIGTERM or SIGINT stops the worker once the current task has finished (a periodic job under way
finishes too); a second signal stops it at once, and the interrupted task is recorded failed and
retried. `--batch` runs the due jobs once, then the ready tasks, and exits.
"""

import datetime
import logging
import os
import signal
import socket
import threading
from dataclasses import dataclass

from django.conf import settings
from django.core.management import call_command
from django.db import close_old_connections, connections
from django.db.models import Max
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.module_loading import import_string

from newsportal import tasks
from newsportal.models import PeriodicJob, WorkerHeartbeat

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 10
# How often a worker looks for due periodic jobs (a job's own interval is never shorter in effect).
SCHEDULER_SECONDS = 5
# A worker silent this long is taken for dead (killed, its machine lost): its running tasks are
# recorded failed and retried. Far above HEARTBEAT_SECONDS, so a slow database is not a death.
DEAD_AFTER = datetime.timedelta(minutes=5)
# The heartbeat rows of workers gone this long are removed.
FORGET_AFTER = datetime.timedelta(days=7)
# Finished task results are kept this long for the admin, failed ones longer.
KEEP_RESULTS_DAYS, KEEP_FAILED_RESULTS_DAYS = 14, 90


def last_heartbeat():
    """The newest heartbeat of any task worker (an aware datetime), or None when none ever ran.

    Reads the database, so it raises DatabaseError when the database cannot be reached.
    """
    return WorkerHeartbeat.objects.aggregate(last=Max("seen_at"))["last"]


def default_worker_id():
    """host-pid-random: unique across the pool, and telling where a task ran."""
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{get_random_string(8)}"


class Heartbeat:
    """The heartbeat row of one worker process."""

    def __init__(self, worker_id):
        self.worker_id = worker_id
        self.started_at = timezone.now()

    def beat(self):
        now = timezone.now()
        if not WorkerHeartbeat.objects.filter(worker_id=self.worker_id).update(seen_at=now):
            WorkerHeartbeat.objects.create(
                worker_id=self.worker_id,
                host=socket.gethostname()[:255],
                pid=os.getpid(),
                started_at=self.started_at,
                seen_at=now,
            )


# ----- periodic jobs -----


@dataclass(frozen=True)
class Job:
    """A function without arguments that the workers run every `seconds` (or every so many
    seconds as the setting `setting` says)."""

    name: str
    path: str
    seconds: int = 0
    setting: str = ""

    @property
    def interval(self):
        return datetime.timedelta(seconds=getattr(settings, self.setting) if self.setting else self.seconds)


JOBS = (
    Job("flush_view_counts", "articles.reading.view_counts.flush", setting="VIEW_COUNT_FLUSH_SECONDS"),
    Job(
        "publish_scheduled_changes", "articles.newsroom.drafts.publish_due", setting="WORKER_SCHEDULED_CHANGES_SECONDS"
    ),
    Job("recover_lost_tasks", "newsportal.worker.recover_lost_tasks", seconds=60),
    Job("prune_task_results", "newsportal.worker.prune_task_results", seconds=24 * 60 * 60),
)


def claim(job, now=None):
    """Take `job`'s turn if it is due, for this worker alone: (claimed, when to look again)."""
    now = now or timezone.now()
    row, created = PeriodicJob.objects.get_or_create(name=job.name, defaults={"last_run_at": now})
    if created:
        return True, now + job.interval
    if row.last_run_at is not None and row.last_run_at + job.interval > now:
        return False, row.last_run_at + job.interval
    # Whoever moves last_run_at from the value read runs the job; another worker's UPDATE loses.
    taken = PeriodicJob.objects.filter(pk=row.pk, last_run_at=row.last_run_at).update(last_run_at=now)
    return bool(taken), now + job.interval


class Scheduler:
    """Runs the due periodic jobs, asking the database only when a job may be due."""

    def __init__(self, jobs=JOBS):
        self.jobs = jobs
        self.next_look = {}

    def run_due(self, now=None):
        now = now or timezone.now()
        for job in self.jobs:
            if self.next_look.get(job.name, now) > now:
                continue
            try:
                claimed, self.next_look[job.name] = claim(job, now)
                if claimed:
                    result = import_string(job.path)()
                    logger.log(logging.INFO if result else logging.DEBUG, "Periodic job %s done: %s", job.name, result)
            except Exception:
                # Logged; the job's next turn comes at its interval as usual.
                logger.exception("Periodic job %s failed.", job.name)


class WorkerLost(Exception):
    """The worker running a task stopped beating before the task finished."""


def recover_lost_tasks(now=None, restarted=None):
    """Record the tasks left running by dead workers as failed attempts, retried like any failure
    (newsportal.tasks). Only workers that beat (ran `manage.py worker`) are ever taken for dead,
    and the worker `restarted` (starting now under an id it had before, --worker-id)."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    dead = set(WorkerHeartbeat.objects.filter(seen_at__lt=now - DEAD_AFTER).values_list("worker_id", flat=True))
    dead |= {restarted} if restarted else set()
    lost = [r for r in DBTaskResult.objects.running() if r.worker_ids and r.worker_ids[-1] in dead] if dead else []
    for result in lost:
        result.set_failed(WorkerLost(f"任务进程 {result.worker_ids[-1]} 已停止心跳，任务未完成。"))
        tasks.retry_later(result, now)
    WorkerHeartbeat.objects.filter(seen_at__lt=now - FORGET_AFTER).delete()
    return len(lost)


def prune_task_results():
    """Delete finished task results past their keeping time (django-tasks-db's own command)."""
    call_command(
        "prune_db_task_results",
        queue_name="*",
        min_age_days=KEEP_RESULTS_DAYS,
        failed_min_age_days=KEEP_FAILED_RESULTS_DAYS,
        verbosity=0,
    )


# ----- the worker process -----


class Repeating(threading.Thread):
    """Calls `action` every `seconds` (the first time after `seconds`) until stopped; a failure
    is logged and the next round comes. Stopping lets an action under way finish."""

    def __init__(self, name, seconds, action):
        super().__init__(name=name, daemon=True)
        self.seconds, self.action = seconds, action
        self.stopping = threading.Event()

    def run(self):
        try:
            while not self.stopping.wait(self.seconds):
                close_old_connections()
                try:
                    self.action()
                except Exception:
                    logger.warning("%s failed; trying again in %s s.", self.name, self.seconds, exc_info=True)
        finally:
            connections.close_all()  # this thread's own connections

    def stop(self):
        self.stopping.set()
        if self.is_alive():
            self.join()


class TaskWorker:
    """One worker process: the queue loop of django-tasks-db with a heartbeat and the periodic
    jobs beside it. `queue` takes the keyword arguments of django-tasks-db's Worker."""

    SIGNALS = tuple(s for s in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGQUIT", None)) if s)

    def __init__(self, *, worker_id, batch=False, jobs=JOBS, **queue):
        from django_tasks_db.management.commands.db_worker import Worker

        self.queue = Worker(worker_id=worker_id, batch=batch, **queue)
        self.heartbeat = Heartbeat(worker_id)
        self.scheduler = Scheduler(jobs)
        self.batch = batch

    @property
    def tasks_run(self):
        return self.queue._run_tasks

    def run(self):
        """Work until stopped (or, with `batch`, until no task is ready); SystemExit on a signal
        that came while the worker was idle."""
        previous = {sig: signal.getsignal(sig) for sig in self.SIGNALS}
        self.queue.configure_signals()
        helpers = [Repeating("heartbeat", HEARTBEAT_SECONDS, self.heartbeat.beat)]
        if not self.batch:
            helpers.append(Repeating("scheduler", SCHEDULER_SECONDS, self.scheduler.run_due))
        try:
            # Nothing can be running under this worker's id yet: any left is from its last run.
            recover_lost_tasks(restarted=self.heartbeat.worker_id)
            self.heartbeat.beat()
            if self.batch:
                self._run_jobs_once()
            for helper in helpers:
                helper.start()
            if self.queue.running:
                self.queue.run()
        finally:
            for helper in helpers:
                helper.stop()
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _run_jobs_once(self):
        # Marked busy like a task, so that a signal lets the jobs finish instead of exiting.
        self.queue.running_task = True
        try:
            self.scheduler.run_due()
        finally:
            self.queue.running_task = False
