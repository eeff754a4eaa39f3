"""The task queue in the back office (后台任务 › 任务): every waiting, running, failed and finished
background task with its attempts and last error, and 重试 for the failed ones.

It replaces django-tasks-db's own admin, which speaks English. Rows are made by enqueueing and
removed by the worker's pruning, so nothing here adds, edits or deletes one. Superusers and
whoever holds 可查看 任务 (view_dbtaskresult) see the list; 重试 needs 可修改 任务
(change_dbtaskresult), the only change a task ever gets by hand.
"""

import json

from django.conf import settings
from django.contrib import admin, messages
from django.db.models import Q
from django.tasks.base import TaskResultStatus
from django.utils import timezone
from django.utils.html import format_html
from django_tasks_db import admin as package_admin  # noqa: F401  (registers itself first)
from django_tasks_db.models import DBTaskResult, get_date_max

from newsportal import tasks, worker

WAITING, RETRYING = "waiting", "retrying"
STATES = {
    WAITING: ("等待执行", Q(status=TaskResultStatus.READY, exception_class_path="")),
    RETRYING: ("等待重试", Q(status=TaskResultStatus.READY) & ~Q(exception_class_path="")),
    "running": ("执行中", Q(status=TaskResultStatus.RUNNING)),
    "failed": ("失败", Q(status=TaskResultStatus.FAILED)),
    "successful": ("成功", Q(status=TaskResultStatus.SUCCESSFUL)),
}


def state_label(result):
    """What staff read for the state of `result`: a READY task with an error waits for a retry."""
    if result.status == TaskResultStatus.READY:
        key = RETRYING if result.exception_class_path else WAITING
    else:
        key = result.status.lower()
    return STATES[key][0] if key in STATES else result.status


class StateFilter(admin.SimpleListFilter):
    title = "状态"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [(key, label) for key, (label, _) in STATES.items()]

    def queryset(self, request, queryset):
        state = STATES.get(self.value())
        return queryset.filter(state[1]) if state else queryset


class TaskFilter(admin.SimpleListFilter):
    title = "任务"
    parameter_name = "task"

    def lookups(self, request, model_admin):
        return sorted(tasks.TASK_NAMES.items(), key=lambda item: item[1])

    def queryset(self, request, queryset):
        return queryset.filter(task_path=self.value()) if self.value() else queryset


def _time(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else "—"


# django-tasks-db's own admin registered itself on import (above): this one takes its place.
if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["task", "state", "attempts", "enqueued", "scheduled", "finished", "error"]
    list_filter = [StateFilter, TaskFilter]
    ordering = ["-enqueued_at"]
    show_full_result_count = False  # the table holds two weeks of tasks: spare a second count
    actions = ["retry"]
    fields = [
        "task",
        "state",
        "attempts",
        "arguments",
        "queue",
        "priority_shown",
        "enqueued",
        "scheduled",
        "started",
        "finished",
        "workers",
        "error",
        "error_details",
        "return_value_shown",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_retry_permission(self, request):
        return request.user.has_perm("django_tasks_database.change_dbtaskresult")

    def changelist_view(self, request, extra_context=None):
        if request.method == "GET":
            self._warn_without_worker(request)
        return super().changelist_view(request, extra_context)

    def _warn_without_worker(self, request):
        """Say so when tasks wait for workers and none has beaten lately."""
        if not tasks.uses_worker():
            return
        last = worker.last_heartbeat()
        stale = getattr(settings, "HEALTHZ_WORKER_STALE_SECONDS", 120)
        if last is None:
            messages.warning(request, "还没有任务进程运行过：队列中的任务要由 manage.py worker 执行。")
        elif (timezone.now() - last).total_seconds() > stale:
            messages.warning(request, f"任务进程最近一次心跳在 {_time(last)}，可能已停止：请检查 manage.py worker。")

    @admin.action(description="重试所选的失败任务", permissions=["retry"])
    def retry(self, request, queryset):
        selected = queryset.count()
        queued = tasks.requeue(queryset)
        if queued:
            self.message_user(request, f"已重新排队 {queued} 个失败的任务，任务进程空闲时即执行。", messages.SUCCESS)
        if selected > queued:
            self.message_user(request, f"另有 {selected - queued} 个任务不是失败状态，未做改动。", messages.WARNING)

    @admin.display(description="任务", ordering="task_path")
    def task(self, obj):
        return tasks.title(obj.task_path)

    @admin.display(description="状态", ordering="status")
    def state(self, obj):
        return state_label(obj)

    @admin.display(description="已执行次数")
    def attempts(self, obj):
        return len(obj.worker_ids)

    @admin.display(description="参数")
    def arguments(self, obj):
        args, kwargs = obj.args_kwargs.get("args", []), obj.args_kwargs.get("kwargs", {})
        shown = [json.dumps(value, ensure_ascii=False) for value in args]
        shown += [f"{name}={json.dumps(value, ensure_ascii=False)}" for name, value in kwargs.items()]
        return "，".join(shown) or "—"

    @admin.display(description="队列")
    def queue(self, obj):
        return obj.queue_name

    @admin.display(description="优先级")
    def priority_shown(self, obj):
        return obj.priority

    @admin.display(description="入队时间", ordering="enqueued_at")
    def enqueued(self, obj):
        return _time(obj.enqueued_at)

    @admin.display(description="计划执行时间", ordering="run_after")
    def scheduled(self, obj):
        return "尽快" if obj.run_after == get_date_max() else _time(obj.run_after)

    @admin.display(description="开始时间")
    def started(self, obj):
        return _time(obj.started_at)

    @admin.display(description="完成时间", ordering="finished_at")
    def finished(self, obj):
        return _time(obj.finished_at)

    @admin.display(description="执行过的任务进程")
    def workers(self, obj):
        return "、".join(obj.worker_ids) or "—"

    @admin.display(description="错误")
    def error(self, obj):
        return obj.exception_class_path.rpartition(".")[2] or "—"

    @admin.display(description="错误详情")
    def error_details(self, obj):
        return format_html("<pre>{}</pre>", obj.traceback) if obj.traceback else "—"

    @admin.display(description="返回值")
    def return_value_shown(self, obj):
        return "—" if obj.return_value is None else json.dumps(obj.return_value, ensure_ascii=False)
