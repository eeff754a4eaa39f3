from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "资讯内容"

    def ready(self):
        # Receivers, by owner: model rules, revisions, renditions, search documents, navigation.
        from articles.media import renditions  # noqa: F401
        from articles.models import signals  # noqa: F401
        from articles.newsroom import revisions  # noqa: F401
        from articles.reading import signals as reading_signals  # noqa: F401
        from articles.search import signals as search_signals  # noqa: F401

        post_migrate.connect(_report_role_drift, dispatch_uid="articles.report_role_drift")


def _report_role_drift(sender, verbosity=1, stdout=None, **kwargs):
    """After `migrate`, say (never fix) when groups differ from the roles' definitions.

    Runs once, after the last app's permissions exist. Groups are changed only by the data
    migrations that create them and by `manage.py sync_roles --apply` (see newsroom.roles).
    """
    from django.apps import apps

    if verbosity < 1 or sender is not list(apps.get_app_configs())[-1]:
        return
    from django.contrib.auth.models import Group, Permission

    from articles.newsroom import roles

    drift = [d.role for d in roles.compare(Group, Permission) if not d.in_sync]
    if drift:
        message = f"角色权限与定义不一致（{'、'.join(drift)}）：运行 manage.py sync_roles 查看差异，确认后加 --apply。"
        if stdout is not None:
            stdout.write(message + "\n")
        else:
            print(message)
