"""Error reports through sentry-sdk: started only when SENTRY_DSN is set, and without personal data.

Nothing here reaches the network: sentry_sdk.init is replaced, or started in a child process
that sends no event.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest
import sentry_sdk
from django.core.exceptions import ImproperlyConfigured
from sentry_sdk.integrations.django import DjangoIntegration

from newsportal.observability import init_sentry

ROOT = Path(__file__).resolve().parent.parent
DSN = "https://public0123456789@sentry.example.cn/42"


@pytest.fixture
def init_calls(monkeypatch):
    calls = []
    monkeypatch.setattr(sentry_sdk, "init", lambda **options: calls.append(options))
    return calls


@pytest.mark.parametrize("environ", [{}, {"SENTRY_DSN": ""}, {"SENTRY_DSN": "  "}])
def test_nothing_is_started_without_a_dsn(init_calls, environ):
    assert init_sentry(environ, debug=False) is False
    assert init_calls == []


def test_a_dsn_starts_sentry_with_django_and_no_personal_data(init_calls):
    assert init_sentry({"SENTRY_DSN": DSN}, debug=False) is True
    [options] = init_calls
    assert options["dsn"] == DSN
    assert any(isinstance(integration, DjangoIntegration) for integration in options["integrations"])
    assert options["send_default_pii"] is False
    assert options["max_request_body_size"] == "never"  # submitted forms hold names and phone numbers
    assert options["include_local_variables"] is False
    assert (options["environment"], options["release"], options["traces_sample_rate"]) == ("production", None, 0.0)


def test_environment_release_and_tracing_come_from_the_environment(init_calls):
    init_sentry(
        {
            "SENTRY_DSN": DSN,
            "SENTRY_ENVIRONMENT": "staging",
            "SENTRY_RELEASE": "newsportal@1.4.0",
            "SENTRY_TRACES_SAMPLE_RATE": "0.05",
        },
        debug=False,
    )
    [options] = init_calls
    assert (options["environment"], options["release"], options["traces_sample_rate"]) == (
        "staging",
        "newsportal@1.4.0",
        0.05,
    )


def test_a_queued_task_is_reported_once_when_its_attempts_are_spent_not_per_attempt(init_calls, settings):
    init_sentry({"SENTRY_DSN": DSN}, debug=False)
    before_send = init_calls[0]["before_send"]
    attempt = {"logger": "django.tasks", "level": "error", "logentry": {"message": "Task id=%s path=%s state=%s"}}
    spent = {"logger": "newsportal.tasks", "level": "error"}
    assert before_send(attempt, {}) is attempt  # in-process tasks: a failure is final
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert before_send(attempt, {}) is None  # queued: retried, and reported when spent
    assert before_send(spent, {}) is spent
    assert before_send({"logger": "django.request"}, {}) == {"logger": "django.request"}


def test_development_reports_as_development(init_calls):
    init_sentry({"SENTRY_DSN": DSN}, debug=True)
    assert init_calls[0]["environment"] == "development"


@pytest.mark.parametrize(
    "environ",
    [
        {"SENTRY_DSN": "not a dsn"},
        {"SENTRY_DSN": DSN, "SENTRY_TRACES_SAMPLE_RATE": "1.5"},
        {"SENTRY_DSN": DSN, "SENTRY_TRACES_SAMPLE_RATE": "-0.1"},
        {"SENTRY_DSN": DSN, "SENTRY_TRACES_SAMPLE_RATE": "often"},
        {"SENTRY_DSN": DSN, "SENTRY_TRACES_SAMPLE_RATE": "nan"},
    ],
)
def test_a_bad_sentry_setting_stops_start_up_naming_it(init_calls, environ):
    with pytest.raises(ImproperlyConfigured, match="SENTRY_"):
        init_sentry(environ, debug=False)
    assert init_calls == []


def test_the_settings_start_sentry_from_the_environment():
    # A child process: a real init installs Django hooks that would stay for the rest of the suite.
    script = (
        "import json, django, sentry_sdk; django.setup(); "
        "client = sentry_sdk.get_client(); "
        "print(json.dumps([client.is_active(), client.options['send_default_pii'], client.options['environment']]))"
    )
    environ = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "newsportal.settings", "DEBUG": "1"}
    with_dsn = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env={**environ, "SENTRY_DSN": DSN}, capture_output=True, text=True
    )
    without = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=environ, capture_output=True, text=True)
    assert json.loads(with_dsn.stdout) == [True, False, "development"], with_dsn.stderr
    assert json.loads(without.stdout)[0] is False, without.stderr
