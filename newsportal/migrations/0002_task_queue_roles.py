"""Let 总编辑 see the task queue and retry failed tasks (see newsportal.roles)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    from articles.newsroom.roles import ensure_roles
    from newsportal.roles import GRANTS

    # Permissions are normally made after all migrations (post_migrate); make them now so the
    # group can be given them on a fresh database.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    ensure_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"), GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("newsportal", "0001_task_workers"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
        ("articles", "0004_newsroom_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    # Going back leaves the group as it is: the newsroom's migrations own it.
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
