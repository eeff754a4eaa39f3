from django.apps import AppConfig
from django.db.models.signals import post_migrate


class NewsportalConfig(AppConfig):
    """The project package as an app, for the back office's Chinese where Django and the packages
    hard-code English and no catalogue reaches: the built-in permissions' names (permissions.py),
    the admin's boolean icons and the link-table rows of delete pages (templatetags/admin_chinese.py
    and templates/admin/), and a warning on the password page (admin.py). Everything translatable
    is in locale/. It has no models."""

    name = "newsportal"
    verbose_name = "北京招商资讯网"

    def ready(self):
        from newsportal import permissions

        post_migrate.connect(permissions.name_in_chinese, dispatch_uid="newsportal.permission_names")
