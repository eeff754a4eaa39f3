"""Create the newsroom groups 撰稿人, 编辑 and 总编辑 with their permissions (see articles.newsroom.roles)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def create_roles(apps, schema_editor):
    from articles.newsroom.roles import NEWSROOM, ensure_roles

    # Permissions are normally made after all migrations (post_migrate); make them now so the
    # groups can be given them on a fresh database.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    ensure_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"), NEWSROOM)


def remove_roles(apps, schema_editor):
    from articles.newsroom.roles import NEWSROOM

    apps.get_model("auth", "Group").objects.filter(name__in=NEWSROOM).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_editorial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("taggit", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
