import re
from io import StringIO

import pytest
from django.contrib import auth
from django.core.management import call_command
from django.test import RequestFactory

pytestmark = pytest.mark.django_db


def authenticate(**credentials):
    """As the admin's sign-in form asks: with the request, which django-axes needs to count failures."""
    return auth.authenticate(RequestFactory().post("/admin/login/"), **credentials)


def run(tmp_path, *args):
    out = StringIO()
    call_command("ensure_admin", "--credentials-dir", str(tmp_path), *args, stdout=out)
    return dict(re.findall(r"用户名：(\S+)\s+密码：(\S+)", out.getvalue()))


def test_make_run_prints_a_working_admin_login_and_reuses_it(tmp_path):
    first = run(tmp_path)
    assert authenticate(username="admin", password=first["admin"]).is_superuser
    assert run(tmp_path) == first


def test_a_lost_password_file_gets_a_new_working_password(tmp_path):
    first = run(tmp_path)
    (tmp_path / "admin-password").unlink()
    second = run(tmp_path)
    assert second["admin"] != first["admin"]
    assert authenticate(username="admin", password=second["admin"]) is not None


def test_demo_staff_get_one_account_per_role(tmp_path):
    logins = run(tmp_path, "--demo-staff")
    assert set(logins) == {"admin", "writer", "editor", "chief", "officer"}
    writer = authenticate(username="writer", password=logins["writer"])
    assert writer.is_staff and not writer.is_superuser
    assert list(writer.groups.values_list("name", flat=True)) == ["撰稿人"]
    assert writer.has_perm("articles.submit_article") and not writer.has_perm("articles.publish_article")
    assert authenticate(username="chief", password=logins["chief"]).has_perm("articles.archive_article")
    officer = authenticate(username="officer", password=logins["officer"])
    assert officer.has_perm("submissions.change_entryrequest") and not officer.has_perm("articles.add_article")


def test_a_printed_login_locked_out_by_mistyping_works_again(tmp_path, client):
    logins = run(tmp_path)
    for _ in range(5):
        client.post("/admin/login/", {"username": "admin", "password": "mistyped"})
    assert client.post("/admin/login/", {"username": "admin", "password": logins["admin"]}).status_code == 429

    assert run(tmp_path) == logins
    assert client.post("/admin/login/", {"username": "admin", "password": logins["admin"]}).status_code == 302
