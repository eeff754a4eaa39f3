import pytest
from django.core.cache import cache

from newsportal.storage import file_storages
from tests.factories import newsroom_user
from tests.s3 import S3_VARIABLES, S3Buckets, moto_server


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty cache (navigation, rate limits)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files go to a temporary folder, never the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private_media"


@pytest.fixture(autouse=True)
def _postgres_only(request):
    """Tests marked `postgres` run in CI's PostgreSQL pass and skip on SQLite."""
    if request.node.get_closest_marker("postgres"):
        from django.db import connection

        if connection.vendor != "postgresql":
            pytest.skip("needs PostgreSQL (runs in CI with DATABASE_URL)")


@pytest.fixture
def submission_settings(settings):
    """Forms accept at once (no minimum fill time unless a test sets one) and staff are
    notified at a known address."""
    settings.SUBMISSIONS_MIN_FILL_SECONDS = 0
    settings.SUBMISSIONS_NOTIFY_EMAIL = ["staff@example.com"]
    return settings


@pytest.fixture
def login_as(client):
    """Log the test client in as a new newsroom user: `login_as("编辑", "editor")` returns the user."""

    def login(role, username):
        user = newsroom_user(role, username=username)
        client.force_login(user)
        return user

    return login


# ----- an S3-compatible object store: moto's server (tests/s3.py), started when a test first asks -----


@pytest.fixture(scope="session")
def moto_endpoint():
    with moto_server() as endpoint:
        yield endpoint


@pytest.fixture
def s3(moto_endpoint, settings, monkeypatch):
    """newsportal configured from S3_* variables naming two fresh buckets on the moto server."""
    buckets = S3Buckets(moto_endpoint)
    for name in S3_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in buckets.environment().items():
        monkeypatch.setenv(name, value)
    entries, settings.MEDIA_URL = file_storages()
    settings.STORAGES = {**settings.STORAGES, **entries}
    return buckets
