"""Roles: one registry for every app's groups; an administrator's change survives migrate."""

import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from articles.newsroom import roles
from submissions.roles import OFFICER

pytestmark = pytest.mark.django_db


def perms_of(name):
    group = Group.objects.get(name=name)
    return {f"{app}.{code}" for app, code in group.permissions.values_list("content_type__app_label", "codename")}


def sync_roles(*args):
    out = io.StringIO()
    call_command("sync_roles", *args, stdout=out)
    return out.getvalue()


def test_the_registry_holds_the_newsroom_and_the_case_desk():
    defined = roles.definitions()
    assert {roles.WRITER, roles.EDITOR, roles.CHIEF, OFFICER} <= defined.keys()
    assert "articles.publish_article" in defined[roles.EDITOR]
    assert "submissions.view_contribution" in defined[roles.EDITOR]  # granted by submissions
    assert "submissions.change_contribution" in defined[OFFICER]


def test_a_fresh_database_has_every_role_as_defined():
    assert all(diff.in_sync for diff in roles.compare(Group, Permission))
    assert "所有角色都与定义一致" in sync_roles()


def test_a_permission_removed_in_the_admin_survives_migrate(admin_client):
    editors = Group.objects.get(name=roles.EDITOR)
    publish = Permission.objects.get(codename="publish_article")
    kept = [p.pk for p in editors.permissions.exclude(pk=publish.pk)]
    response = admin_client.post(f"/admin/auth/group/{editors.pk}/change/", {"name": roles.EDITOR, "permissions": kept})
    assert response.status_code == 302
    assert "articles.publish_article" not in perms_of(roles.EDITOR)

    out = io.StringIO()
    call_command("migrate", verbosity=1, stdout=out)

    assert "articles.publish_article" not in perms_of(roles.EDITOR)
    assert "sync_roles" in out.getvalue()  # said, never done


def test_sync_roles_previews_then_applies_what_the_definitions_add():
    officers = Group.objects.get(name=OFFICER)
    officers.permissions.remove(Permission.objects.get(codename="add_internalnote"))
    officers.permissions.add(Permission.objects.get(codename="view_region"))  # an administrator's addition

    preview = sync_roles()
    assert "+ submissions.add_internalnote" in preview and "~ articles.view_region" in preview
    assert "未作改动" in preview
    assert "submissions.add_internalnote" not in perms_of(OFFICER)

    assert "已按定义更新" in sync_roles("--apply")
    assert {"submissions.add_internalnote", "articles.view_region"} <= perms_of(OFFICER)
    assert "所有角色都与定义一致" in sync_roles()


def test_sync_roles_removes_extras_only_when_asked():
    Group.objects.get(name=roles.WRITER).permissions.add(Permission.objects.get(codename="delete_article"))
    sync_roles("--apply")
    assert "articles.delete_article" in perms_of(roles.WRITER)
    sync_roles("--apply", "--remove-extra")
    assert "articles.delete_article" not in perms_of(roles.WRITER)
    assert perms_of(roles.WRITER) == roles.definitions()[roles.WRITER]


def test_a_missing_group_is_created_as_defined_and_an_existing_one_is_left_alone():
    Group.objects.filter(name=OFFICER).delete()
    assert "用户组不存在" in sync_roles()
    Group.objects.get(name=roles.WRITER).permissions.clear()
    call_command("migrate", verbosity=0)
    assert perms_of(OFFICER) == roles.definitions()[OFFICER]
    assert perms_of(roles.WRITER) == set()
