from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "资讯内容"

    def ready(self):
        # Receivers, by owner: model rules, revisions, renditions, image usage, search documents, navigation.
        from articles.media import renditions, usage  # noqa: F401
        from articles.models import signals  # noqa: F401
        from articles.newsroom import revisions  # noqa: F401
        from articles.reading import signals as reading_signals  # noqa: F401
        from articles.search import signals as search_signals  # noqa: F401

        post_migrate.connect(_settle_roles, dispatch_uid="articles.settle_roles")


def _settle_roles(sender, verbosity=1, stdout=None, **kwargs):
    """After `migrate` (or a test database's flush): create the groups that do not exist yet,
    and say (never fix) when existing groups differ from the roles' definitions.

    Runs once, after the last app's permissions exist. A group that exists is changed only
    by `manage.py sync_roles --apply` (see newsroom.roles).
    """
    from django.apps import apps

    if sender is not list(apps.get_app_configs())[-1]:
        return
    from django.contrib.auth.models import Group, Permission

    from articles.newsroom import roles

    diffs = roles.compare(Group, Permission)
    roles.apply([d for d in diffs if not d.exists], Group, Permission)
    drift = [d.role for d in diffs if d.exists and not d.in_sync]
    if drift and verbosity >= 1:
        message = f"角色权限与定义不一致（{'、'.join(drift)}）：运行 manage.py sync_roles 查看差异，确认后加 --apply。"
        (stdout.write if stdout is not None else print)(message + ("\n" if stdout is not None else ""))
