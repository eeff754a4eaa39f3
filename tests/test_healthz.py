"""/healthz: ok or error for anyone; which check failed, and how, only for staff and token holders."""

import pytest
from django.core.cache import caches
from django.db import connection

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
    assert response.json() == {"status": "error", "database": "error: OperationalError", "cache": "ok"}


@pytest.mark.usefixtures("broken_cache")
def test_a_token_holder_sees_a_failing_cache(client):
    response = client.get("/healthz", **with_token())
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "cache": "error: ConnectionError"}


def test_a_token_holder_sees_each_check_when_all_is_well(client):
    assert client.get("/healthz", **with_token()).json() == {"status": "ok", "database": "ok", "cache": "ok"}


@pytest.mark.usefixtures("broken_cache")
def test_staff_see_which_check_failed(staff_client):
    response = staff_client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "cache": "error: ConnectionError"}


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
