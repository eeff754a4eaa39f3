"""Create the group 招商专员 and let 总编辑 process and 编辑 read submissions (see submissions.roles)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def create_roles(apps, schema_editor):
    from articles.newsroom.roles import ensure_roles
    from submissions.roles import GRANTS

    # Permissions are normally made after all migrations (post_migrate); make them now so the
    # groups can be given them on a fresh database.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    ensure_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"), GRANTS)


def remove_roles(apps, schema_editor):
    # The newsroom groups belong to articles' migration 0004; only the new group goes.
    from submissions.roles import OFFICER

    apps.get_model("auth", "Group").objects.filter(name=OFFICER).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("submissions", "0001_initial"),
        ("articles", "0004_newsroom_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
