import pytest
from django.core.cache import cache


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
    """Forms accept at once (no minimum fill time unless a test sets one), staff are
    notified at a known address, and admin logins hash quickly."""
    settings.SUBMISSIONS_MIN_FILL_SECONDS = 0
    settings.SUBMISSIONS_NOTIFY_EMAIL = ["staff@example.com"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return settings
