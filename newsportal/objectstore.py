"""The S3 storage class for private files, imported only when S3_BUCKET is set (newsportal.storage)."""

from storages.backends.s3 import S3Storage


class PrivateS3Storage(S3Storage):
    """Private files in an S3 bucket: never a URL, presigned or not; views stream them."""

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise ValueError("Private files have no URL; serve them through a view that checks access.")
