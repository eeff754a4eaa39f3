"""Signing in to the admin: the lockout after repeated failures (django-axes, per account and per
client address), the ways an administrator lifts it, and the second factor (TOTP, django-otp)."""

import datetime
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import UserFactory, newsroom_user
from tests.helpers import PASSWORD

pytestmark = pytest.mark.django_db

LOCKED = "登录失败次数过多"
ROOT = Path(__file__).resolve().parent.parent


def sign_in(client, username, password=PASSWORD, token="", **request_meta):
    """Post the admin's sign-in form, as a browser at `request_meta` (REMOTE_ADDR, headers) would."""
    data = {"username": username, "password": password, "otp_token": token, "next": "/admin/"}
    return client.post("/admin/login/", data, **request_meta)


def signed_in(client):
    return "_auth_user_id" in client.session


def fail(client, times, username="editor", **request_meta):
    for _ in range(times):
        response = sign_in(client, username, password="wrong password", **request_meta)
    return response


def lock_out(client, username="editor"):
    """Five wrong passwords, after which even the right one is refused."""
    fail(client, 5, username)
    assert sign_in(client, username).status_code == 429


def code_for(device, offset=0):
    """The 验证码 the user's authenticator app shows now (offset in time steps)."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + offset):06d}"


@pytest.fixture(autouse=True)
def _no_code_back_off(settings):
    """django-otp makes a user wait 1 s, 2 s, 4 s … after each wrong code; one test keeps that."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


@pytest.fixture
def editor():
    return newsroom_user("编辑", username="editor")


@pytest.fixture
def superuser():
    user = UserFactory(username="boss", is_staff=True, is_superuser=True)
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def authenticator(editor):
    return TOTPDevice.objects.create(user=editor, name="身份验证器", confirmed=True)


# ----- lockout -----


def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(client, editor):
    assert fail(client, 4).status_code == 200
    fifth = fail(client, 1)
    assert fifth.status_code == 429 and LOCKED in fifth.text

    response = sign_in(client, "editor")
    assert response.status_code == 429
    assert "登录失败次数过多" in response.text and "请 15 分钟后再试，或联系管理员解锁" in response.text
    assert not signed_in(client)


def test_the_lockout_page_keeps_the_admin_look_and_headers(client, editor):
    response = fail(client, 5)
    assert response["Retry-After"] == str(15 * 60)
    assert "Content-Security-Policy" in response and response["X-Frame-Options"] == "DENY"
    assert "编辑后台" in response.text and 'id="login-form"' in response.text
    assert "Account locked" not in response.text


def test_the_limit_and_cool_off_come_from_the_settings(client, editor, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.ADMIN_LOGIN_COOLOFF_MINUTES = 30
    response = fail(client, 2)
    assert response.status_code == 429 and "请 30 分钟后再试" in response.text


def test_one_address_spraying_many_accounts_is_locked_out_of_every_account(client, editor):
    for n in range(5):
        sign_in(client, f"guess{n}", password="wrong password", REMOTE_ADDR="198.51.100.7")
    assert sign_in(client, "editor", REMOTE_ADDR="198.51.100.7").status_code == 429
    # The account itself was never guessed at: from elsewhere its owner still signs in.
    assert sign_in(client, "editor", REMOTE_ADDR="198.51.100.8").status_code == 302


def test_one_account_guessed_from_many_addresses_is_locked(client, editor):
    for n in range(5):
        fail(client, 1, REMOTE_ADDR=f"203.0.113.{n + 1}")
    assert sign_in(client, "editor", REMOTE_ADDR="203.0.113.99").status_code == 429
    assert not signed_in(client)


def test_a_spoofed_forwarded_for_does_not_move_the_address_lock_without_a_trusted_proxy(client, editor, settings):
    settings.SUBMISSIONS_TRUSTED_PROXIES = 0
    for n in range(5):
        sign_in(client, f"guess{n}", password="wrong", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR=f"10.9.9.{n}")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.7"}
    response = sign_in(client, "editor", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="192.0.2.200")
    assert response.status_code == 429


def test_behind_one_trusted_proxy_the_right_most_forwarded_address_is_locked(client, editor, settings):
    settings.SUBMISSIONS_TRUSTED_PROXIES = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for n in range(5):
        sign_in(client, f"guess{n}", password="wrong", HTTP_X_FORWARDED_FOR=f"10.9.9.{n}, 203.0.113.7", **proxy)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}

    spoofed = sign_in(client, "editor", HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.7", **proxy)
    assert spoofed.status_code == 429
    # Another client behind the same proxy is not the locked address, whatever it puts on the left.
    other = sign_in(client, "editor", HTTP_X_FORWARDED_FOR="203.0.113.7, 198.51.100.20", **proxy)
    assert other.status_code == 302 and signed_in(client)


def test_a_forwarded_address_that_is_no_address_is_counted_without_one(client, editor, settings):
    settings.SUBMISSIONS_TRUSTED_PROXIES = 2  # one more than append: the client writes the entry used
    response = sign_in(client, "editor", password="wrong", HTTP_X_FORWARDED_FOR="<script>, 10.0.0.2")
    assert response.status_code == 200
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [None]


@pytest.mark.parametrize(("command", "argument"), [("axes_reset_username", "editor"), ("axes_reset_ip", "127.0.0.1")])
def test_the_reset_commands_unlock(client, editor, command, argument):
    lock_out(client)
    call_command(command, argument, stdout=None)
    response = sign_in(client, "editor")
    assert response.status_code == 302 and signed_in(client)


def test_an_administrator_unlocks_in_the_admin(client, editor, superuser):
    lock_out(client)
    admin_client = type(client)()
    admin_client.force_login(superuser)
    listing = admin_client.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200 and "editor" in listing.text
    ids = [str(pk) for pk in AccessAttempt.objects.values_list("pk", flat=True)]
    data = {"action": "delete_selected", "_selected_action": ids, "post": "yes"}
    assert admin_client.post("/admin/axes/accessattempt/", data).status_code == 302
    assert not AccessAttempt.objects.exists()
    assert sign_in(client, "editor").status_code == 302 and signed_in(client)


def test_after_the_cool_off_the_account_signs_in_again(client, editor):
    lock_out(client)
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))
    assert sign_in(client, "editor").status_code == 302 and signed_in(client)


def test_the_failures_are_listed_for_administrators_in_chinese(client, editor, admin_client):
    fail(client, 2)
    response = admin_client.get("/admin/axes/accessattempt/")
    assert "登录失败记录" in response.text and "失败次数" in response.text and "剩余" in response.text
    failures = admin_client.get("/admin/axes/accessfailurelog/")
    assert failures.status_code == 200 and failures.text.count("editor") >= 2


# ----- the second factor -----


def test_the_sign_in_page_asks_for_the_code_in_chinese(client):
    response = client.get("/admin/login/")
    assert "验证码" in response.text and 'autocomplete="one-time-code"' in response.text


def test_demo_logins_work_with_the_password_alone_in_development(client, superuser, settings):
    settings.ADMIN_REQUIRE_OTP = "off"
    assert sign_in(client, "boss").status_code == 302
    index = client.get("/admin/")
    # Two-step verification is offered, not forced.
    assert index.status_code == 200 and 'href="/admin/two-factor/"' in index.text


def test_staff_with_an_authenticator_cannot_get_in_without_its_code(client, authenticator):
    missing = sign_in(client, "editor")
    assert missing.status_code == 200 and "请输入身份验证器中的 6 位验证码" in missing.text
    wrong = sign_in(client, "editor", token=code_for(authenticator, offset=5))
    assert wrong.status_code == 200 and "验证码不正确" in wrong.text
    assert not signed_in(client) and client.get("/admin/").status_code == 302

    code = code_for(authenticator)
    response = sign_in(client, "editor", token=f"{code[:3]} {code[3:]}")  # as the apps show it
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_code_cannot_be_used_twice(client, authenticator):
    code = code_for(authenticator)
    assert sign_in(client, "editor", token=code).status_code == 302
    client.logout()
    assert sign_in(client, "editor", token=code).status_code == 200 and not signed_in(client)


def test_after_a_wrong_code_the_next_try_must_wait(client, authenticator, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 1
    sign_in(client, "editor", token=code_for(authenticator, offset=5))
    response = sign_in(client, "editor", token=code_for(authenticator))
    assert "验证码错误次数过多，请稍等片刻再试" in response.text and not signed_in(client)


def test_wrong_codes_count_toward_the_lockout(client, authenticator):
    for _ in range(4):
        sign_in(client, "editor", token="000000x")
    response = sign_in(client, "editor", token="000000x")
    assert response.status_code == 429 and LOCKED in response.text
    assert sign_in(client, "editor", token=code_for(authenticator)).status_code == 429


def test_a_session_that_skipped_the_code_is_signed_out(client, editor, authenticator):
    client.force_login(editor)
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert not signed_in(client)


def test_a_superuser_in_production_is_sent_to_enrol_and_nowhere_else(client, superuser, settings):
    settings.ADMIN_REQUIRE_OTP = "superusers"
    assert sign_in(client, "boss").status_code == 302
    for path in ("/admin/", "/admin/auth/user/", "/admin/axes/accessattempt/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == "/admin/two-factor/"

    page = client.get("/admin/two-factor/")
    assert page.status_code == 200 and "您的账号必须先启用两步验证" in page.text
    device = TOTPDevice.objects.get(user=superuser, confirmed=False)
    secret = re.search(r"<code>([A-Z2-7 ]+)</code>", page.text).group(1)
    assert secret.replace(" ", "") in device.config_url
    qr = client.get("/admin/two-factor/qr.svg")
    assert qr["Content-Type"] == "image/svg+xml" and qr.content.lstrip().startswith(b"<svg")

    wrong = client.post("/admin/two-factor/", {"otp_token": code_for(device, offset=5)})
    assert wrong.status_code == 400 and "验证码不正确" in wrong.text
    confirmed = client.post("/admin/two-factor/", {"otp_token": code_for(device)})
    assert confirmed.status_code == 302 and confirmed["Location"] == "/admin/"
    assert client.get("/admin/auth/user/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed


@pytest.mark.parametrize(("policy", "forced"), [("staff", {"editor", "boss"}), ("superusers", {"boss"})])
def test_the_policy_says_who_must_enrol(client, editor, superuser, settings, policy, forced):
    settings.ADMIN_REQUIRE_OTP = policy
    sent_to_enrol = set()
    for username in ("editor", "boss"):
        client.logout()
        sign_in(client, username)
        if client.get("/admin/").get("Location") == "/admin/two-factor/":
            sent_to_enrol.add(username)
    assert sent_to_enrol == forced


def test_the_enrolment_page_needs_no_inline_script_or_style(client, editor):
    client.force_login(editor)
    response = client.get("/admin/two-factor/")
    assert "Content-Security-Policy" in response
    assert " style=" not in response.text and "<script>" not in response.text
    assert "data:image" not in response.text and 'src="/admin/two-factor/qr.svg"' in response.text


def test_an_enrolled_user_sees_the_status_and_no_secret(client, editor, authenticator):
    client.force_login(editor)
    # force_login skipped the code: the session is signed out; signing in properly shows the status.
    sign_in(client, "editor", token=code_for(authenticator))
    response = client.get("/admin/two-factor/")
    assert "两步验证已启用" in response.text and "<code>" not in response.text
    assert client.get("/admin/two-factor/qr.svg").status_code == 404


# ----- configuration -----


def production_start_up(**env):
    """What a production server's settings make of `env`: "<ADMIN_REQUIRE_OTP> <proxy count>", or the error."""
    clean = {k: v for k, v in os.environ.items() if k not in {"ADMIN_REQUIRE_OTP", "TRUSTED_PROXY_COUNT"}}
    production = {
        "DEBUG": "0",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "news.example",
        "EMAIL_HOST": "smtp.example",
        "SITE_URL": "https://news.example",
    }
    code = "from newsportal import settings as s; print(s.ADMIN_REQUIRE_OTP, s.SUBMISSIONS_TRUSTED_PROXIES)"
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**clean, "SUBMISSIONS_TRUSTED_PROXIES": "", **production, **env},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    return run.stdout.strip() or run.stderr


@pytest.mark.parametrize(
    ("env", "outcome"),
    [
        ({}, "superusers 0"),
        ({"ADMIN_REQUIRE_OTP": "Staff", "TRUSTED_PROXY_COUNT": "1"}, "staff 1"),
        ({"SUBMISSIONS_TRUSTED_PROXIES": "2"}, "superusers 2"),
        ({"ADMIN_REQUIRE_OTP": "off"}, "ADMIN_REQUIRE_OTP cannot be off when DEBUG is off"),
        ({"ADMIN_REQUIRE_OTP": "sometimes"}, "ADMIN_REQUIRE_OTP must be off, superusers or staff"),
        ({"TRUSTED_PROXY_COUNT": "1", "SUBMISSIONS_TRUSTED_PROXIES": "2"}, "SUBMISSIONS_TRUSTED_PROXIES differ"),
    ],
)
def test_production_requires_a_second_factor_and_one_proxy_count(env, outcome):
    assert outcome in production_start_up(**env)
