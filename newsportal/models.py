"""What the task workers (`manage.py worker`, newsportal.worker) share through the database, so
that several of them on several machines serve one queue: each worker's heartbeat, and when each
periodic job last ran (a job runs once per interval whichever worker gets to it)."""

from django.db import models


class WorkerHeartbeat(models.Model):
    """One worker process and the last time it said it was alive (every few seconds)."""

    worker_id = models.CharField("任务进程", max_length=64, unique=True)
    host = models.CharField("主机", max_length=255, blank=True)
    pid = models.PositiveIntegerField("进程号")
    started_at = models.DateTimeField("启动时间")
    seen_at = models.DateTimeField("最近心跳", db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "任务进程心跳"
        default_permissions = ()

    def __str__(self):
        return f"{self.host}:{self.pid}"


class PeriodicJob(models.Model):
    """A job the workers run on a timer (newsportal.worker.JOBS) and when one last started it."""

    name = models.CharField("作业", max_length=64, unique=True)
    last_run_at = models.DateTimeField("上次运行时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "定时作业"
        default_permissions = ()

    def __str__(self):
        return self.name
