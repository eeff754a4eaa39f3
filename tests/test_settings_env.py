import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key

from newsportal.env import database_config, env_bool, env_int, env_list, env_url

ROOT = Path(__file__).resolve().parent.parent


def test_env_helpers_parse_good_values(monkeypatch):
    monkeypatch.setenv("FLAG", "yes")
    monkeypatch.setenv("NUMBER", "42")
    monkeypatch.setenv("HOSTS", "a.example, b.example,")
    assert env_bool("FLAG") is True
    assert env_int("NUMBER", 1) == 42
    assert env_list("HOSTS") == ["a.example", "b.example"]
    assert env_bool("UNSET_FLAG", True) is True


@pytest.mark.parametrize(
    ("name", "value", "call"),
    [
        ("FLAG", "maybe", lambda: env_bool("FLAG")),
        ("NUMBER", "ten", lambda: env_int("NUMBER", 1)),
        ("NUMBER", "-3", lambda: env_int("NUMBER", 1, minimum=0)),
        ("REDIS_URL", "http://cache", lambda: env_url("REDIS_URL", {"redis"})),
        ("DATABASE_URL", "mysql://x/y", lambda: database_config("DATABASE_URL", "db.sqlite3")),
        ("DATABASE_URL", "postgres://host:5432/", lambda: database_config("DATABASE_URL", "db.sqlite3")),
    ],
)
def test_bad_values_stop_with_a_message_naming_the_variable(monkeypatch, name, value, call):
    monkeypatch.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=name):
        call()


def test_database_url_selects_postgresql(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/newsportal")
    config = database_config("DATABASE_URL", "db.sqlite3")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["NAME"] == "newsportal"


# Variables a test sets itself: whatever the shell exports is left out of the subprocesses.
SETTINGS_VARIABLES = {
    "DJANGO_SETTINGS_MODULE", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "EMAIL_HOST",
    "INSECURE_HTTP", "BEHIND_TLS_PROXY", "SECURE_HSTS_SECONDS", "SECURE_HSTS_PRELOAD", "SECURE_COOKIES",
    "SECURE_SSL_REDIRECT", "HEALTHZ_TOKEN", "PORT", "SITE_URL",
}  # fmt: skip
# The README's production recipe, with a key that passes Django's own deploy check.
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": get_random_secret_key(),
    "ALLOWED_HOSTS": "news.example",
    "EMAIL_HOST": "smtp.example",
    "SITE_URL": "https://news.example",
}


# Set by the test run itself, never by a deployment (the browser tests' conftest sets the first).
TEST_ONLY_VARIABLES = {"DJANGO_ALLOW_ASYNC_UNSAFE"}


def server_env(**env):
    """The environment of a server process started with only the given settings variables."""
    clean = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES | TEST_ONLY_VARIABLES}
    return {**clean, "DJANGO_SETTINGS_MODULE": "newsportal.settings", **env}


def run_python(*args, **env):
    """Run the project's Python with only the given settings variables, as a server would start."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=server_env(**env),
        capture_output=True,
        text=True,
        timeout=60,
    )


def start_settings(**env):
    """Import the settings in a fresh interpreter, as the server would at start-up."""
    return run_python("-c", "import newsportal.settings", **env)


def settings_values(names, **env):
    """{name: value} for the named settings (Django's defaults included), as a fresh interpreter with `env` has them."""
    code = "import json, sys; from django.conf import settings as s; print(json.dumps({n: getattr(s, n, None) for n in sys.argv[1:]}))"
    result = run_python("-c", code, *names, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"DEBUG": "perhaps"}, "DEBUG"),
        ({"DEBUG": "0"}, "SECRET_KEY"),
        ({"DEBUG": "0", "SECRET_KEY": "short"}, "SECRET_KEY"),
        ({"DEBUG": "0", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS"),
        ({"DEBUG": "0", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "news.example"}, "EMAIL_HOST"),
        ({"DEBUG": "1", "DATABASE_URL": "ftp://db"}, "DATABASE_URL"),
        ({"DEBUG": "1", "ARTICLES_PER_PAGE": "many"}, "ARTICLES_PER_PAGE"),
        ({**PRODUCTION, "INSECURE_HTTP": "perhaps"}, "INSECURE_HTTP"),
        ({**PRODUCTION, "INSECURE_HTTP": "1", "BEHIND_TLS_PROXY": "1"}, "BEHIND_TLS_PROXY"),
        ({**PRODUCTION, "SECURE_HSTS_PRELOAD": "1", "SECURE_HSTS_SECONDS": "3600"}, "SECURE_HSTS_SECONDS"),
        ({**PRODUCTION, "SECURE_COOKIES": "0"}, "SECURE_COOKIES"),
        ({**PRODUCTION, "SECURE_SSL_REDIRECT": "0"}, "SECURE_SSL_REDIRECT"),
        ({**PRODUCTION, "HEALTHZ_TOKEN": "short"}, "HEALTHZ_TOKEN"),
        ({**PRODUCTION, "SITE_URL": ""}, "SITE_URL"),
        ({**PRODUCTION, "SITE_URL": "http://news.example"}, "SITE_URL"),
        ({**PRODUCTION, "SITE_URL": "https://127.0.0.1:8000"}, "SITE_URL"),
        ({**PRODUCTION, "SITE_URL": "https://localhost"}, "SITE_URL"),
        ({**PRODUCTION, "SITE_URL": "https://news.example/?next=/"}, "SITE_URL"),
        ({**PRODUCTION, "SITE_URL": "ftp://news.example"}, "SITE_URL"),
    ],
)
def test_start_up_refuses_a_bad_or_insecure_configuration(env, named):
    result = start_settings(**env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and named in result.stderr


def test_a_complete_production_configuration_starts():
    result = start_settings(
        DEBUG="0", SECRET_KEY="x" * 50, ALLOWED_HOSTS="news.example", EMAIL_HOST="smtp.example",
        SITE_URL="https://news.example",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


def test_e_mail_links_use_the_configured_site_url():
    assert settings_values(["SITE_URL"], **PRODUCTION) == {"SITE_URL": "https://news.example"}
    # Development keeps its local default; a plain-HTTP LAN demo may name an http address.
    assert settings_values(["SITE_URL"], DEBUG="1") == {"SITE_URL": "http://127.0.0.1:8000"}
    lan = settings_values(["SITE_URL"], **{**PRODUCTION, "INSECURE_HTTP": "1", "SITE_URL": "http://news.lan"})
    assert lan == {"SITE_URL": "http://news.lan"}


def deploy_check(**env):
    return run_python("manage.py", "check", "--deploy", "--fail-level", "WARNING", **env)


def test_the_production_recipe_passes_the_deploy_check_with_no_warning():
    result = deploy_check(**PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "WARNINGS" not in result.stderr and "no issues" in result.stdout


def test_behind_a_tls_proxy_the_deploy_check_passes_too():
    result = deploy_check(**PRODUCTION, BEHIND_TLS_PROXY="1")
    assert result.returncode == 0, result.stderr


def test_plain_http_without_tls_is_possible_but_the_deploy_check_says_what_it_costs():
    result = deploy_check(**PRODUCTION, INSECURE_HTTP="1")
    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr


HTTPS_ONLY = {
    "SECURE_SSL_REDIRECT": True,
    "SECURE_HSTS_SECONDS": 31536000,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    "SECURE_HSTS_PRELOAD": False,
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
    "SESSION_COOKIE_NAME": "__Host-sessionid",
    "CSRF_COOKIE_NAME": "__Host-csrftoken",
}
PLAIN_HTTP = {
    **HTTPS_ONLY,
    "SECURE_SSL_REDIRECT": False,
    "SECURE_HSTS_SECONDS": 0,
    "SESSION_COOKIE_SECURE": False,
    "CSRF_COOKIE_SECURE": False,
    "SESSION_COOKIE_NAME": "sessionid",
    "CSRF_COOKIE_NAME": "csrftoken",
}


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        (PRODUCTION, HTTPS_ONLY),
        ({**PRODUCTION, "BEHIND_TLS_PROXY": "1"}, HTTPS_ONLY),
        ({**PRODUCTION, "INSECURE_HTTP": "1"}, PLAIN_HTTP),
        ({"DEBUG": "1"}, PLAIN_HTTP),
    ],
)
def test_debug_off_means_https_only_unless_insecure_http_says_otherwise(env, expected):
    assert settings_values(expected, **env) == expected


def test_the_forwarded_scheme_is_trusted_only_behind_a_tls_proxy():
    assert settings_values(["SECURE_PROXY_SSL_HEADER"], **PRODUCTION) == {"SECURE_PROXY_SSL_HEADER": None}
    values = settings_values(["SECURE_PROXY_SSL_HEADER"], **PRODUCTION, BEHIND_TLS_PROXY="1")
    assert values == {"SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"]}


def test_hsts_preload_is_an_opt_in_and_then_the_deploy_check_sees_it():
    names = ["SECURE_HSTS_PRELOAD", "SILENCED_SYSTEM_CHECKS"]
    assert "security.W021" in settings_values(names, **PRODUCTION)["SILENCED_SYSTEM_CHECKS"]
    values = settings_values(names, **PRODUCTION, SECURE_HSTS_PRELOAD="1")
    assert values["SECURE_HSTS_PRELOAD"] is True and "security.W021" not in values["SILENCED_SYSTEM_CHECKS"]
    assert deploy_check(**PRODUCTION, SECURE_HSTS_PRELOAD="1").returncode == 0


def test_hsts_can_start_short_while_a_deployment_is_tried_out():
    assert settings_values(["SECURE_HSTS_SECONDS"], **PRODUCTION, SECURE_HSTS_SECONDS="3600") == {
        "SECURE_HSTS_SECONDS": 3600
    }
