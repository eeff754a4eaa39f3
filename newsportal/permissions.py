"""Chinese names for Django's built-in permissions: "可添加 文章" rather than "Can add article".

Django names the add/change/delete/view permissions in English, untranslatably ("Can add %s"
with the model's untranslated verbose name), when it creates them after `migrate` and again when
a model is renamed; the group and user permission pickers show those names. After every
`migrate` (and a test database's flush) each app's built-in permissions are renamed from the
model's verbose name in the site's language. Only rows whose name differs are written, so a
second run changes nothing; custom permissions (Meta.permissions) keep the names they declare.
"""

from django.conf import settings
from django.contrib.auth import get_permission_codename
from django.db import DEFAULT_DB_ALIAS, router
from django.utils import translation

VERBS = {"add": "添加", "change": "修改", "delete": "删除", "view": "查看"}


def chinese_name(action, opts):
    """The Chinese name of built-in permission `action` ("add", …) of the model with `opts`.

    A verbose name a package left unmarked ("TOTP device") is looked up in the project's
    catalogue as well."""
    with translation.override(settings.LANGUAGE_CODE):
        return f"可{VERBS[action]} {translation.gettext(str(opts.verbose_name))}"[:255]


def name_in_chinese(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    """post_migrate: rename the built-in permissions of `sender`'s models (after Django made them)."""
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    if sender.models_module is None or not router.allow_migrate_model(using, Permission):
        return
    models = list(sender.get_models())
    if not models:
        return
    types = ContentType.objects.db_manager(using).get_for_models(*models, for_concrete_models=False)
    wanted = {
        (types[model].pk, get_permission_codename(action, model._meta)): chinese_name(action, model._meta)
        for model in models
        for action in model._meta.default_permissions
        if action in VERBS
    }
    stale = []
    for permission in Permission.objects.using(using).filter(content_type__in=types.values()):
        name = wanted.get((permission.content_type_id, permission.codename))
        if name is not None and permission.name != name:
            permission.name = name
            stale.append(permission)
    Permission.objects.using(using).bulk_update(stale, ["name"])
