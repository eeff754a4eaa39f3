"""Storage for submission attachments: the project's private storage, never reachable by URL.

The storage itself is newsportal.storage's (local PRIVATE_MEDIA_ROOT or an S3 bucket); this
name stays because migrations refer to `submissions.storage.private_storage`. An attachment's
file goes when its row does (a superuser deleting a whole case), once that is committed.
"""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from newsportal.storage import PrivateMediaStorage, private_storage

__all__ = ["PrivateMediaStorage", "private_storage"]


@receiver(post_delete, sender="submissions.Attachment")
def _delete_attachment_file(sender, instance, **kwargs):
    storage, name = instance.file.storage, instance.file.name
    if name:
        # robust: the row is gone for good; a storage hiccup leaves an orphan file, not an error page.
        transaction.on_commit(lambda: storage.delete(name), robust=True)
