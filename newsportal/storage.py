"""Where uploaded files live: public media and private files, on local disk or in an S3 bucket.

Two storages, reached only through Django's storage API (nothing may assume a path on disk, so
that several app servers can share one object store):

- "default", the public media: library images and their WebP renditions. Readers fetch them
  from MEDIA_URL, which is the bucket's (or its CDN's) address when S3 is configured.
- "private": submission attachments, the files attached to stories, kept uploads. They have no
  URL at all; `private_file_response` streams one to a request that a view has already let in.

Private files are streamed by the app rather than redirected to a presigned URL, on local disk
and S3 alike: the permission check then covers every byte (a presigned URL can be passed on, and
lands in proxy logs and browser history while it is valid), the object store may stay on a
private network that browsers never reach, the download keeps the site's own headers (nosniff,
the submitter's file name) and local disk and S3 share one code path. The cost, an app worker
busy while a file of at most a few MB goes out, is small next to that.

`file_storages()` builds both STORAGES entries from the environment (README "Storage and
backups"); `check_storages()` is the health check's round trip through each storage.
"""

import logging
import uuid
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty

from newsportal.env import env_str, env_url

logger = logging.getLogger(__name__)

STORAGE_ALIASES = ("default", "private")
# S3 objects up to this size are read into memory when opened, larger ones spill to a temp file.
_S3_MEMORY_BYTES = 2 * 1024 * 1024
_HEALTH_PREFIX = ".healthz"


def file_storages():
    """STORAGES' "default" and "private" entries and the MEDIA_URL they serve public files from.

    Local disk (MEDIA_ROOT, PRIVATE_MEDIA_ROOT) unless S3_BUCKET is set; a bad S3 setting
    raises ImproperlyConfigured naming the variable.
    """
    bucket = env_str("S3_BUCKET").strip()
    if not bucket:
        return {
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "private": {"BACKEND": "newsportal.storage.PrivateMediaStorage"},
        }, "/media/"
    endpoint = env_url("S3_ENDPOINT_URL", {"http", "https"}).rstrip("/")
    region = env_str("S3_REGION").strip()
    private_bucket = env_str("S3_PRIVATE_BUCKET").strip() or bucket
    media_prefix, private_prefix = _prefix("S3_MEDIA_PREFIX", "media"), _prefix("S3_PRIVATE_PREFIX", "private")
    if private_bucket == bucket and _overlap(media_prefix, private_prefix):
        raise ImproperlyConfigured(
            "S3_MEDIA_PREFIX and S3_PRIVATE_PREFIX must be separate folders when the public and private "
            "files share one bucket (set S3_PRIVATE_BUCKET or other prefixes)."
        )
    key_id, secret = env_str("S3_ACCESS_KEY_ID"), env_str("S3_SECRET_ACCESS_KEY")
    if bool(key_id) != bool(secret):
        raise ImproperlyConfigured("S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set together.")
    public = urlsplit(env_url("S3_PUBLIC_URL", {"http", "https"}) or _bucket_url(bucket, endpoint, region))
    common = {
        # Unset keys leave boto3 to its own chain (AWS_* variables, an instance role).
        "access_key": key_id or None,
        "secret_key": secret or None,
        "endpoint_url": endpoint or None,
        "region_name": region or None,
        # S3-compatible servers (MinIO, Ceph, moto) expect /bucket/key rather than bucket.host.
        "addressing_style": "path" if endpoint else None,
        # As on disk: a name in use gets a new one instead of replacing another upload's file.
        "file_overwrite": False,
        "max_memory_size": _S3_MEMORY_BYTES,
    }
    default = {
        **common,
        "bucket_name": bucket,
        "location": media_prefix,
        "querystring_auth": False,
        "custom_domain": public.netloc + public.path.rstrip("/"),
        "url_protocol": f"{public.scheme}:",
        "object_parameters": {"CacheControl": "public, max-age=86400"},
    }
    private = {**common, "bucket_name": private_bucket, "location": private_prefix}
    media_url = f"{public.scheme}://{public.netloc}{public.path.rstrip('/')}/{media_prefix}/"
    return {
        "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": default},
        "private": {"BACKEND": "newsportal.objectstore.PrivateS3Storage", "OPTIONS": private},
    }, media_url


def media_origins(media_url):
    """The origin public media come from when it is not the site's own, for the CSP's img-src."""
    parts = urlsplit(media_url)
    return [f"{parts.scheme}://{parts.netloc}"] if parts.scheme and parts.netloc else []


def _prefix(name, default):
    value = env_str(name, default).strip().strip("/")
    if not value or ".." in value.split("/"):
        raise ImproperlyConfigured(f"{name} must be a folder name inside the bucket, e.g. {default!r}; got {value!r}.")
    return value


def _overlap(first, second):
    return first == second or first.startswith(second + "/") or second.startswith(first + "/")


def _bucket_url(bucket, endpoint, region):
    if endpoint:
        return f"{endpoint}/{bucket}"
    return f"https://{bucket}.s3.{region}.amazonaws.com" if region else f"https://{bucket}.s3.amazonaws.com"


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


class _PrivateStorage(LazyObject):
    """STORAGES["private"], looked up on first use and again after the setting changes.

    File fields resolve their storage once, at import; this stands in for it so that the field
    follows STORAGES (local disk or S3) as Django's own default_storage does.
    """

    def _setup(self):
        self._wrapped = storages["private"]


_private = _PrivateStorage()


@receiver(setting_changed)
def _storages_changed(*, setting, **kwargs):
    if setting == "STORAGES":
        _private._wrapped = empty


def private_storage():
    """The private storage: what file fields with private files name as their `storage`."""
    return _private


def private_file_response(request, field_file, *, filename, content_type):
    """A download of a private file, for a request the calling view has already let in.

    404 when the file is gone; a 503 page when the storage cannot be read (never a 500).
    """
    # Imported here: settings.py imports this module for file_storages(), before apps load.
    from django.http import FileResponse, Http404
    from django.shortcuts import render

    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404("附件文件不存在。") from None
    except Exception:  # a disk or object-store failure: the reader may retry, nothing is lost
        logger.exception("Private file %s could not be read", field_file.name)
        response = render(request, "storage_unavailable.html", status=503)
        response["Retry-After"] = "60"
        return response
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    # The stored type is the one the upload checks established; the browser must not guess another.
    response["X-Content-Type-Options"] = "nosniff"
    return response


def check_storages():
    """Write, read back and delete a tiny file in each storage, for /healthz; never raises.

    Returns "ok", or "error: <alias>: <reason>" for the first storage that fails.
    """
    for alias in STORAGE_ALIASES:
        try:
            storage = storages[alias]
            name = storage.save(f"{_HEALTH_PREFIX}/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
            try:
                with storage.open(name, "rb") as handle:
                    if handle.read() != b"ok":
                        return f"error: {alias}: file read back differs"
            finally:
                storage.delete(name)
        except Exception as exc:  # any failure means unhealthy; report it, never raise
            return f"error: {alias}: {exc.__class__.__name__}"
    return "ok"


def is_health_check_file(name):
    """Whether `name` is one of check_storages' short-lived files (left out of backups)."""
    return name.startswith(f"{_HEALTH_PREFIX}/")
