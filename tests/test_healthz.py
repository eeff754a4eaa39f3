"""/healthz: ok or error for anyone; which check failed, and how, only for staff and token holders.

Checks: the database, the cache, file storage and, when tasks wait for a worker, its heartbeat.
"""

import datetime

import pytest
from django.core.cache import caches
from django.db import connection
from django.utils import timezone

from newsportal import health
from newsportal.models import WorkerHeartbeat
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TOKEN = "healthz-token-for-tests-0123456789abcdef"


@pytest.fixture(autouse=True)
def _token(settings):
    settings.HEALTHZ_TOKEN = TOKEN


@pytest.fixture
def broken_database(monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise connection.Database.OperationalError("down")

    monkeypatch.setattr(connection, "cursor", broken_cursor)


@pytest.fixture
def broken_cache(monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(type(caches["default"]), "set", refuse)


@pytest.fixture
def queued_tasks(settings):
    """Tasks wait in the database for `manage.py worker`, as in production."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def worker_beat(seconds_ago):
    now = timezone.now()
    WorkerHeartbeat.objects.create(
        worker_id=f"web1-4242-{seconds_ago}",
        host="web1",
        pid=4242,
        started_at=now - datetime.timedelta(hours=1),
        seen_at=now - datetime.timedelta(seconds=seconds_ago),
    )


ALL_WELL = {"database": "ok", "cache": "ok", "storage": "ok", "worker": "not used"}


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(username="ops", is_staff=True))
    return client


def with_token(token=TOKEN):
    return {"headers": {"Authorization": f"Bearer {token}"}}


def test_anyone_learns_that_all_is_well(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]


@pytest.mark.usefixtures("broken_database", "broken_cache")
def test_anyone_learns_only_that_something_failed(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error"}
    assert b"OperationalError" not in response.content and b"ConnectionError" not in response.content


@pytest.mark.usefixtures("broken_database")
def test_a_token_holder_sees_which_check_failed_and_how(client):
    response = client.get("/healthz", **with_token())
    assert response.status_code == 503
    assert response.json() == {**ALL_WELL, "status": "error", "database": "error: OperationalError"}


@pytest.mark.usefixtures("broken_cache")
def test_a_token_holder_sees_a_failing_cache(client):
    response = client.get("/healthz", **with_token())
    assert response.status_code == 503
    assert response.json() == {**ALL_WELL, "status": "error", "cache": "error: CacheUnavailable"}


def test_a_token_holder_sees_each_check_when_all_is_well(client):
    response = client.get("/healthz", **with_token())
    assert response.status_code == 200
    assert response.json() == {**ALL_WELL, "status": "ok"}


def test_uploads_that_cannot_be_stored_fail_the_storage_check(client, settings, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the media folder should be")
    settings.MEDIA_ROOT = blocked
    response = client.get("/healthz", **with_token())
    assert response.status_code == 503
    assert response.json()["storage"].startswith("error: default: ")
    assert client.get("/healthz").json() == {"status": "error"}


def test_the_storages_are_written_at_most_once_per_interval(client, settings, monkeypatch):
    calls = []
    monkeypatch.setattr(health, "check_storages", lambda: calls.append(1) or "ok")
    settings.HEALTHZ_STORAGE_SECONDS = 30
    for _ in range(3):
        assert client.get("/healthz").status_code == 200
    assert len(calls) == 1
    settings.MEDIA_ROOT = settings.MEDIA_ROOT / "moved"  # other storage settings: checked at once
    client.get("/healthz")
    assert len(calls) == 2
    settings.HEALTHZ_STORAGE_SECONDS = 0
    client.get("/healthz")
    assert len(calls) == 3


@pytest.mark.usefixtures("queued_tasks")
def test_a_worker_that_beat_recently_is_ok(client):
    worker_beat(seconds_ago=5)
    response = client.get("/healthz", **with_token())
    assert response.status_code == 200
    assert response.json() == {**ALL_WELL, "status": "ok", "worker": "ok"}


@pytest.mark.usefixtures("queued_tasks")
def test_a_worker_silent_past_the_limit_is_an_error(client, settings):
    settings.HEALTHZ_WORKER_STALE_SECONDS = 60
    worker_beat(seconds_ago=95)
    response = client.get("/healthz", **with_token())
    assert response.status_code == 503
    assert response.json()["worker"] == "error: last heartbeat 95 s ago"
    assert client.get("/healthz").json() == {"status": "error"}


@pytest.mark.usefixtures("queued_tasks")
def test_the_newest_of_several_workers_counts(client):
    worker_beat(seconds_ago=3600)
    worker_beat(seconds_ago=2)
    assert client.get("/healthz", **with_token()).json()["worker"] == "ok"


@pytest.mark.usefixtures("queued_tasks")
def test_tasks_waiting_for_a_worker_that_never_started_is_an_error(client):
    response = client.get("/healthz", **with_token())
    assert response.status_code == 503
    assert response.json()["worker"] == "error: no heartbeat yet"


@pytest.mark.usefixtures("queued_tasks", "broken_database")
def test_without_the_database_the_worker_cannot_be_vouched_for(client):
    body = client.get("/healthz", **with_token()).json()
    assert body["worker"] == "error: OperationalError"


def test_tasks_run_in_process_need_no_worker(client):
    worker_beat(seconds_ago=10_000)  # an old worker's row says nothing when none is used
    response = client.get("/healthz", **with_token())
    assert response.status_code == 200
    assert response.json()["worker"] == "not used"


@pytest.mark.usefixtures("broken_cache")
def test_staff_see_which_check_failed(staff_client):
    response = staff_client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {**ALL_WELL, "status": "error", "cache": "error: CacheUnavailable"}


def test_staff_cannot_be_recognised_without_the_database_but_still_learn_it_failed(staff_client, broken_database):
    # Sessions live in the database; monitors that need the details then use the token.
    response = staff_client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error"}


@pytest.mark.usefixtures("broken_cache")
def test_a_signed_in_reader_who_is_not_staff_sees_no_details(client):
    client.force_login(UserFactory(username="reader"))
    assert client.get("/healthz").json() == {"status": "error"}


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer wrong-token-of-the-same-length-000000000",
        f"Bearer {TOKEN[:-1]}",
        f"Bearer {TOKEN}x",
        f"Basic {TOKEN}",
        TOKEN,
        "Bearer",
        "Bearer ",
    ],
)
@pytest.mark.usefixtures("broken_database")
def test_a_wrong_or_malformed_token_sees_no_details(client, authorization):
    response = client.get("/healthz", headers={"Authorization": authorization})
    assert response.status_code == 503
    assert response.json() == {"status": "error"}


@pytest.mark.usefixtures("broken_database")
def test_no_token_is_accepted_when_none_is_configured(client, settings):
    settings.HEALTHZ_TOKEN = ""
    assert client.get("/healthz", headers={"Authorization": "Bearer "}).json() == {"status": "error"}


def test_the_token_is_not_read_from_the_url(client):
    assert client.get(f"/healthz?token={TOKEN}").json() == {"status": "ok"}


def test_the_answer_varies_with_who_asks(client):
    assert "Authorization" in client.get("/healthz")["Vary"]
