import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

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


def start_settings(**env):
    """Import the settings in a fresh interpreter, as the server would at start-up."""
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL"}}
    return subprocess.run(
        [sys.executable, "-c", "import newsportal.settings"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


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
    ],
)
def test_start_up_refuses_a_bad_or_insecure_configuration(env, named):
    result = start_settings(**env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and named in result.stderr


def test_a_complete_production_configuration_starts():
    result = start_settings(DEBUG="0", SECRET_KEY="x" * 50, ALLOWED_HOSTS="news.example", EMAIL_HOST="smtp.example")
    assert result.returncode == 0, result.stderr
