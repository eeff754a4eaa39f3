from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "资讯内容"

    def ready(self):
        from django.db.models.signals import post_migrate

        from articles import images, revisions, signals  # noqa: F401

        post_migrate.connect(_sync_roles, dispatch_uid="articles.sync_roles")


def _sync_roles(sender, apps=None, **kwargs):
    """Grant the newsroom roles the permissions of apps migrated after the groups were made."""
    if sender.label not in {"articles", "submissions", "taggit"}:
        return
    from articles.roles import ensure_roles

    if apps is None:
        from django.apps import apps
    try:
        group, permission = apps.get_model("auth", "Group"), apps.get_model("auth", "Permission")
    except LookupError:
        return
    ensure_roles(group, permission)
