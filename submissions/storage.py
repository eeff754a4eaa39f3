"""Storage for submission attachments: PRIVATE_MEDIA_ROOT, never reachable by URL."""

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateMediaStorage(FileSystemStorage):
    """Files under settings.PRIVATE_MEDIA_ROOT, read at each use so tests can point it elsewhere.

    There is no base URL: attachments are served only through the staff download view.
    """

    @property
    def base_location(self):
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return str(Path(settings.PRIVATE_MEDIA_ROOT).resolve())

    @property
    def base_url(self):
        return None

    def url(self, name):
        raise ValueError("Submission attachments are private; use the staff download view.")


_storage = PrivateMediaStorage()


def private_storage():
    return _storage
