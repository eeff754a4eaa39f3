"""Compressed responses: brotli or gzip, as the client's Accept-Encoding allows.

One owner for how the site compresses: `negotiate()` picks the encoding and `encode()` makes
it, for the page cache (articles.reading.cache, which compresses a page once and keeps every
variant) and for `CompressionMiddleware` (every other text response, compressed per request).
Static files are not handled here: WhiteNoise serves their pre-compressed copies.

Written by hand rather than taken from a package: the packages that add brotli to Django
(django-compression-middleware and its forks) have not been released for years. gzip is
Django's own (`compress_string`, with GZipMiddleware's random padding), brotli is PyPI's
`brotli`; the middleware follows GZipMiddleware's rules.

BREACH. A compressed HTTPS response can leak a secret it holds to an attacker who can both
inject guesses into it and watch its size. Following Django's guidance, public pages are
compressed even when they carry a CSRF token: Django masks the token anew in every response,
and the gzip path adds Django's random-length padding. What is left out is where a person's
own secrets meet input an attacker could plant: the back office (/admin/: sessions, the second
factor's secret, submitters' details beside reflected search terms) and the answers to POSTs
(a submission's receipt with its 查询码, a /track/ result).
"""

import brotli
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import patch_vary_headers
from django.utils.text import compress_string

# Shorter bodies are not worth the bytes of the encoding's own header.
MIN_LENGTH = 200
# Brotli's quality per use: a cached page is compressed once, so it gets the densest setting
# whose cost stays small beside rendering; a per-request response gets a fast one.
CACHED_QUALITY = 11
LIVE_QUALITY = 5
NEVER_COMPRESSED_PATHS = ("/admin/",)
_TEXT_TYPES = {
    "application/json", "application/ld+json", "application/javascript", "application/xml",
    "application/rss+xml", "application/atom+xml", "image/svg+xml",
}  # fmt: skip


def negotiate(accept_encoding, available=("br", "gzip")):
    """The encoding of `available` to send for this Accept-Encoding header, or None (identity).

    The client's highest-ranked one wins; on a tie, the first of `available` (brotli, smaller).
    `q=0` refuses an encoding, `*` stands for those the header does not name.
    """
    ranks = {}
    for part in (accept_encoding or "").lower().split(","):
        name, _, params = part.partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if name.strip():
            ranks[name.strip()] = quality
    best, best_rank = None, 0.0
    for name in available:
        rank = ranks.get(name, ranks.get("*", 0.0))
        if rank > best_rank:
            best, best_rank = name, rank
    return best


def encode(body, encoding, *, quality=LIVE_QUALITY, pad=False):
    """`body` compressed with `encoding` ("br" or "gzip"). `pad` adds Django's BREACH padding to gzip."""
    if encoding == "br":
        return brotli.compress(body, mode=brotli.MODE_TEXT, quality=quality)
    return compress_string(body, max_random_bytes=GZipMiddleware.max_random_bytes if pad else None)


def compressible(content_type):
    """Is a response of this Content-Type text that compresses (HTML, XML, feeds, JSON)?"""
    media_type = (content_type or "").split(";")[0].strip().lower()
    return media_type.startswith("text/") or media_type in _TEXT_TYPES or media_type.endswith("+xml")


class CompressionMiddleware:
    """Brotli when the client takes it, else gzip; only text, never the back office or a POST.

    Django's GZipMiddleware, with brotli beside gzip and the exclusions above. A response that
    already has a Content-Encoding (a page from the page cache) is passed through as it is;
    streamed responses (file downloads) are left alone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.method not in ("GET", "HEAD")
            or request.path_info.startswith(NEVER_COMPRESSED_PATHS)
            or response.streaming
            or response.has_header("Content-Encoding")
            or not compressible(response.get("Content-Type"))
            or len(response.content) < MIN_LENGTH
        ):
            return response
        patch_vary_headers(response, ("Accept-Encoding",))
        encoding = negotiate(request.META.get("HTTP_ACCEPT_ENCODING"))
        if encoding is None:
            return response
        compressed = encode(response.content, encoding, pad=True)
        if len(compressed) >= len(response.content):
            return response
        response.content = compressed
        response.headers["Content-Length"] = str(len(compressed))
        # A strong ETag names the identity bytes; the compressed ones share it only weakly (RFC 9110 8.8.1).
        etag = response.get("ETag")
        if etag and etag.startswith('"'):
            response.headers["ETag"] = "W/" + etag
        response.headers["Content-Encoding"] = encoding
        return response
