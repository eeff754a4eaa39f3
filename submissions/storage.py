"""Storage for submission attachments: PRIVATE_MEDIA_ROOT, never reachable by URL.

The storage itself is the project's one private storage (newsportal.storage); this name stays
because migrations refer to `submissions.storage.private_storage`.
"""

from newsportal.storage import PrivateMediaStorage, private_storage

__all__ = ["PrivateMediaStorage", "private_storage"]
