"""Addresses on the site's public origin (SITE_URL), for what leaves the request: e-mails, QR codes,
share links. Never the request's host: a page from the shared cache serves every reader."""

from urllib.parse import urljoin

from django.conf import settings


def site_url(path):
    """`path` (from reverse() or get_absolute_url(); an absolute URL is returned as it is) on SITE_URL."""
    return urljoin(settings.SITE_URL.rstrip("/") + "/", path)
