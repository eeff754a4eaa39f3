"""Addresses: on the site's public origin (SITE_URL), and of the pages every list links to.

`site_url` is for what leaves the request: e-mails, QR codes, share links. Never the request's
host: a page from the shared cache serves every reader.

`reverse_one` is reverse() for the one-argument pages that lists link to by the dozen (a story,
a region, a channel, a topic): reverse() walks the URL patterns on every call, which was a tenth
of a listing's rendering time; here each pattern is resolved once per URL configuration.
"""

import functools
from urllib.parse import quote, urljoin

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.http import RFC3986_SUBDELIMS

# Matches both an int and a slug converter, and appears in no pattern's fixed text.
_MARK = "987654321"
_SAFE = RFC3986_SUBDELIMS + "/~:@"  # what reverse() leaves unquoted


def site_url(path):
    """`path` (from reverse() or get_absolute_url(); an absolute URL is returned as it is) on SITE_URL."""
    return urljoin(settings.SITE_URL.rstrip("/") + "/", path)


@functools.lru_cache(maxsize=64)
def _around(viewname, script_prefix, urlconf):
    head, mark, tail = reverse(viewname, args=[_MARK], urlconf=urlconf).partition(_MARK)
    if not mark:  # pragma: no cover - a pattern that rewrites its argument
        raise ValueError(f"{viewname} does not take its argument as it is")
    return head, tail


def reverse_one(viewname, value):
    """reverse(viewname, args=[value]) for a pattern with one argument (an id or a slug).

    The value is quoted as reverse() quotes it; it is not checked against the pattern, so pass
    only values the pattern takes (a saved row's id or slug).
    """
    head, tail = _around(viewname, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    return f"{head}{quote(str(value), safe=_SAFE)}{tail}"
