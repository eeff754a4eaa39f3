"""`manage.py worker`: run background tasks from the database queue (see newsportal.worker)."""

import logging
from argparse import ArgumentTypeError

from django.core.management.base import BaseCommand, CommandError
from django.tasks import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME
from django.tasks.exceptions import InvalidTaskBackend
from django_tasks_db.management.commands.db_worker import valid_interval, valid_max_tasks

from newsportal.tasks import uses_worker
from newsportal.worker import TaskWorker, default_worker_id


def _number(parse):
    """django-tasks-db's check of a number, with its refusal in Chinese."""

    def check(value):
        try:
            return parse(value)
        except (ArgumentTypeError, ValueError):
            raise ArgumentTypeError(f"无效的数值：{value!r}") from None

    return check


def _worker_id(value):
    if not value or len(value) > 64:
        raise ArgumentTypeError("进程标识须为 1 到 64 个字符。")
    return value


class Command(BaseCommand):
    help = (
        "运行后台任务进程：从数据库队列取出任务执行（失败的按退避时间重试），每隔几秒写入心跳，"
        "并按时写入浏览次数、发布到期的定时修改。收到 SIGTERM 或 Ctrl+C 时做完当前任务再退出。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--queue-name",
            default=DEFAULT_TASK_QUEUE_NAME,
            help="要处理的队列，多个用逗号分隔，* 为全部（默认：%(default)s）。",
        )
        parser.add_argument(
            "--exclude-queues", default="", help="不处理的队列，多个用逗号分隔（须与 --queue-name=* 同用）。"
        )
        parser.add_argument(
            "--interval",
            type=_number(valid_interval),
            default=1.0,
            help="队列为空时，每隔多少秒再看一次（默认：%(default)s）。",
        )
        parser.add_argument("--batch", action="store_true", help="运行到期的定时作业和当前可执行的任务后退出。")
        parser.add_argument("--max-tasks", type=_number(valid_max_tasks), default=None, help="执行这么多个任务后退出。")
        parser.add_argument(
            "--backend",
            default=DEFAULT_TASK_BACKEND_ALIAS,
            dest="backend_name",
            help="TASKS 中的后端名（默认：%(default)s）。",
        )
        parser.add_argument(
            "--worker-id",
            type=_worker_id,
            default=None,
            help="进程标识，在所有任务进程中须唯一（默认：主机名-进程号-随机串）。",
        )
        parser.add_argument(
            "--no-startup-delay", action="store_false", dest="startup_delay", help="启动时不随机等待（不足一秒）。"
        )

    def handle(self, *, queue_name, exclude_queues, interval, batch, max_tasks, backend_name, worker_id, **options):
        try:
            queued = uses_worker(backend_name)
        except InvalidTaskBackend:
            raise CommandError(f"TASKS 中没有名为 {backend_name!r} 的后端。") from None
        if not queued:
            raise CommandError(
                "当前任务在请求进程内立即执行（TASKS_BACKEND=immediate），不需要任务进程；"
                "要由任务进程执行，请设置 TASKS_BACKEND=database。"
            )
        queue_names = [name.strip() for name in queue_name.split(",") if name.strip()]
        excluded = [name.strip() for name in exclude_queues.split(",") if name.strip()]
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues 只能与 --queue-name=* 同用。")
        if options["verbosity"] >= 2:
            # One line per task started and finished (settings keep them quiet otherwise).
            logging.getLogger("django.tasks").setLevel(logging.INFO)
            logging.getLogger("django_tasks_db").setLevel(logging.INFO)

        worker_id = worker_id or default_worker_id()
        worker = TaskWorker(
            worker_id=worker_id,
            batch=batch,
            queue_names=queue_names,
            excluded_queue_names=excluded,
            interval=interval,
            backend_name=backend_name,
            startup_delay=options["startup_delay"],
            max_tasks=max_tasks,
        )
        if options["verbosity"] >= 1:
            self.stdout.write(f"任务进程 {worker_id} 已启动，处理队列：{'、'.join(queue_names)}。")
        try:
            worker.run()
        except SystemExit as stop:  # a signal while idle: a clean stop unless forced
            if stop.code:
                raise
        if options["verbosity"] >= 1:
            self.stdout.write(f"任务进程 {worker_id} 已停止，共执行 {worker.tasks_run} 个任务。")
