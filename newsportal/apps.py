from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django_tasks_db.apps import TasksAppConfig


class NewsportalConfig(AppConfig):
    """The project package as an app, for the back office's Chinese where Django and the packages
    hard-code English and no catalogue reaches: the built-in permissions' names (permissions.py),
    the admin's boolean icons and the link-table rows of delete pages (templatetags/admin_chinese.py
    and templates/admin/), and a warning on the password page (admin.py). Everything translatable
    is in locale/. Its models are the task workers' shared records (newsportal.worker), and it
    retries failed background tasks (newsportal.tasks)."""

    default = True  # this module holds the task queue's configuration below as well
    name = "newsportal"
    verbose_name = "北京招商资讯网"

    def ready(self):
        from articles.newsroom import roles
        from newsportal import observability, permissions, tasks
        from newsportal.roles import GRANTS

        roles.register(GRANTS)
        post_migrate.connect(permissions.name_in_chinese, dispatch_uid="newsportal.permission_names")
        tasks.connect()
        observability.connect_task_logs()


class TaskQueueConfig(TasksAppConfig):
    """django-tasks-db, the database task queue, under a Chinese name in the admin and the
    permission pickers (its labels are in newsportal/locale)."""

    verbose_name = "后台任务"

    def ready(self):
        super().ready()
        from django_tasks_db.models import DBTaskResult

        from newsportal.tasks import describe

        # The package's model has no __str__: the admin's titles and breadcrumbs would read
        # "DBTaskResult object (…)".
        DBTaskResult.__str__ = describe
