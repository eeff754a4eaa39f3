"""Structured logs: one line per request and per task, each record carrying the request's id."""

import io
import json
import logging
import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.tasks import task

from newsportal.observability import (
    JsonFormatter,
    RequestContextFilter,
    TextFormatter,
    connect_task_logs,
    logging_config,
)
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

GENERATED_ID = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def log_lines():
    """The JSON lines the production handler would write, as dicts (call it to read them)."""
    yield from _capture(JsonFormatter(), json.loads)


@pytest.fixture
def text_lines():
    yield from _capture(TextFormatter(), str)


def _capture(formatter, parse):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.addHandler(handler)

    def lines(logger=None):
        parsed = [parse(line) for line in stream.getvalue().splitlines()]
        return [line for line in parsed if logger is None or line["logger"] == logger]

    yield lines
    root.removeHandler(handler)


def request_lines(lines):
    return lines("newsportal.requests")


def test_every_response_names_its_request_id(client):
    first, second = client.get("/"), client.get("/")
    assert GENERATED_ID.fullmatch(first["X-Request-ID"])
    assert first["X-Request-ID"] != second["X-Request-ID"]


@pytest.mark.parametrize("incoming", ["4f1c2a9e0b7d4c55a1e2f3a4b5c6d7e8", "req-2026.11.25_abc:01", "a"])
def test_an_incoming_request_id_is_kept_and_echoed(client, log_lines, incoming):
    response = client.get("/", headers={"X-Request-ID": incoming})
    assert response["X-Request-ID"] == incoming
    assert request_lines(log_lines)[-1]["request_id"] == incoming


@pytest.mark.parametrize(
    "hostile",
    ["x" * 129, "two words", "evil\nid", "back\\slash", "<script>", "-leading-dash", "id;rm -rf", "统一编号", ""],
)
def test_an_incoming_request_id_that_is_not_an_id_is_replaced(client, log_lines, hostile):
    response = client.get("/", headers={"X-Request-ID": hostile})
    assert GENERATED_ID.fullmatch(response["X-Request-ID"])
    assert request_lines(log_lines)[-1]["request_id"] == response["X-Request-ID"]


def test_a_request_is_one_json_line_with_method_path_status_duration_user_and_cache(client, log_lines):
    article = ArticleFactory()
    first = client.get(article.get_absolute_url())
    second = client.get(article.get_absolute_url())
    lines = request_lines(log_lines)
    assert len(lines) == 2
    line = lines[0]
    assert line["level"] == "INFO"
    assert line["request_id"] == first["X-Request-ID"]
    assert (line["method"], line["path"], line["status"], line["user"]) == (
        "GET",
        article.get_absolute_url(),
        200,
        "anonymous",
    )
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert (line["cache"], lines[1]["cache"]) == ("MISS", "HIT")
    assert lines[1]["request_id"] == second["X-Request-ID"]
    assert line["time"].endswith("+00:00")


def test_a_signed_in_users_id_is_logged(client, log_lines):
    editor = UserFactory(username="desk", is_staff=True, is_superuser=True)
    client.force_login(editor)
    assert client.get("/admin/").status_code == 200
    assert request_lines(log_lines)[-1]["user"] == str(editor.pk)


def test_the_query_string_stays_out_of_the_log(client, log_lines):
    client.get("/search/?q=亦庄&utm_source=mail")
    line = request_lines(log_lines)[-1]
    assert line["path"] == "/search/"
    assert "亦庄" not in json.dumps(line, ensure_ascii=False)


def test_records_logged_while_answering_carry_the_request_id(client, log_lines):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    warnings = log_lines("django.request")
    assert warnings and warnings[-1]["request_id"] == response["X-Request-ID"]
    assert request_lines(log_lines)[-1]["status"] == 404


@pytest.mark.urls("tests.error_urls")
def test_a_server_error_is_a_warning_line_beside_djangos_error_with_its_traceback(client, log_lines):
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    line = request_lines(log_lines)[-1]
    assert (line["status"], line["level"]) == (500, "WARNING")
    error = log_lines("django.request")[-1]
    assert error["level"] == "ERROR" and "RuntimeError: simulated failure" in error["exception"]
    assert error["request_id"] == response["X-Request-ID"]


def test_development_lines_are_readable_and_a_newline_in_the_url_forges_no_line(client, text_lines):
    response = client.get("/nothing%0AINFO%20forged/")
    [line] = [line for line in text_lines() if " newsportal.requests " in line]
    assert f"[{response['X-Request-ID']}]" in line
    assert "GET /nothing\\x0aINFO forged/ 404" in line


@task()
def sum_task(a, b):
    logging.getLogger("tests.tasks").info("adding")
    return a + b


@task()
def failing_task():
    raise ValueError("bad input")


def test_a_finished_task_is_one_line_with_its_name_id_duration_and_outcome(log_lines):
    connect_task_logs()
    result = sum_task.enqueue(2, 3)
    [line] = log_lines("newsportal.tasks")
    assert line["task"] == "tests.test_request_logs.sum_task"
    assert line["task_id"] == str(result.id)
    assert line["outcome"] == "SUCCESSFUL" and line["level"] == "INFO"
    assert isinstance(line["duration_ms"], float) and line["attempt"] == 1
    [inside] = log_lines("tests.tasks")
    assert inside["task_id"] == str(result.id)


def test_a_failed_task_is_a_warning_naming_the_error(log_lines):
    connect_task_logs()
    failing_task.enqueue()
    [line] = log_lines("newsportal.tasks")
    assert (line["outcome"], line["level"], line["error"]) == ("FAILED", "WARNING", "builtins.ValueError")


def test_production_logs_json_and_development_readable_text():
    assert logging_config(debug=False)["handlers"]["console"]["formatter"] == "json"
    assert logging_config(debug=True)["handlers"]["console"]["formatter"] == "text"
    assert logging_config(debug=False, log_format="text")["handlers"]["console"]["formatter"] == "text"
    assert logging_config(level="warning")["root"]["level"] == "WARNING"


@pytest.mark.parametrize("options", [{"level": "LOUD"}, {"log_format": "xml"}])
def test_a_bad_log_setting_stops_start_up_naming_it(options):
    with pytest.raises(ImproperlyConfigured, match="LOG_LEVEL|LOG_FORMAT"):
        logging_config(**options)


def test_no_line_is_composed_below_the_log_level(client, log_lines, monkeypatch):
    """LOG_LEVEL=WARNING: a 200 writes no line, and nothing is spent composing one."""
    from newsportal import observability

    def no_lookup(request):
        raise AssertionError("a line nobody writes looked the user up")

    monkeypatch.setattr(observability, "_user_of", no_lookup)
    level = observability.request_logger.level
    observability.request_logger.setLevel(logging.WARNING)  # setLevel: the logger caches its levels
    try:
        assert client.get("/").status_code == 200
    finally:
        observability.request_logger.setLevel(level)
    assert request_lines(log_lines) == []
