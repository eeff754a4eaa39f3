"""Private file storage: files under PRIVATE_MEDIA_ROOT that no URL reaches.

Submission attachments and the files attached to article drafts live here; they are served
only through views that check who asks (staff, or readers once the story is published).
"""

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateMediaStorage(FileSystemStorage):
    """Files under settings.PRIVATE_MEDIA_ROOT, read at each use so tests can point it elsewhere."""

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
        raise ValueError("Private files have no URL; serve them through a view that checks access.")


_storage = PrivateMediaStorage()


def private_storage():
    return _storage
