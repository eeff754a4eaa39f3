"""One page in the page cache (articles.reading.cache): its bodies, headers and times.

A page is compressed once when it is stored, in every encoding worth keeping
(newsportal.compression), and answered from there in the encoding each reader accepts, with
the validators (ETag, Last-Modified) and cache headers a browser or front cache needs. Each
encoding is stored in an entry of its own (`entries()`), so that a hit reads only the body it
sends: a brotli reader of the home page fetches 3 KB, not the 60 KB of all three bodies.
"""

import datetime
import hashlib
from dataclasses import dataclass, replace

from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

from newsportal import compression

# Headers of the view's response that belong to the page and are kept with it.
_KEPT_HEADERS = ("Content-Type", "Content-Language", "X-Robots-Tag", "Link")
_ENCODINGS = ("br", "gzip")


@dataclass
class CachedPage:
    """A rendered page: its bodies by encoding ("identity", "gzip", "br"), headers and times."""

    bodies: dict
    headers: dict
    etag: str
    modified: datetime.datetime
    expires: datetime.datetime
    generation: str
    status: int = 200

    @classmethod
    def from_response(cls, response, now, lifetime, current_generation):
        body = response.content
        bodies = {"identity": body}
        if len(body) >= compression.MIN_LENGTH and compression.compressible(response.get("Content-Type")):
            for encoding in _ENCODINGS:
                encoded = compression.encode(body, encoding, quality=compression.CACHED_QUALITY)
                if len(encoded) < len(body):
                    bodies[encoding] = encoded
        headers = {name: response[name] for name in _KEPT_HEADERS if response.has_header(name)}
        etag = f'W/"{hashlib.sha256(body).hexdigest()[:32]}"'
        return cls(bodies, headers, etag, now, now + datetime.timedelta(seconds=lifetime), current_generation)

    @staticmethod
    def wanted(request):
        """The entry a request is answered from: the encoding it prefers of those a page may have."""
        return compression.negotiate(request.META.get("HTTP_ACCEPT_ENCODING"), _ENCODINGS) or "identity"

    def entries(self, key):
        """{key of an encoding: this page with that body alone}, for every encoding `wanted()` may
        name; where the page has no body in an encoding (too short to compress), its identity body."""
        identity = {"identity": self.bodies["identity"]}
        return {
            f"{key}:{encoding}": replace(
                self, bodies={encoding: self.bodies[encoding]} if encoding in self.bodies else identity
            )
            for encoding in ("identity", *_ENCODINGS)
        }

    def response(self, request, now, outcome):
        """This page for `request`: in an encoding it accepts, or 304 when it already has it."""
        if len(self.bodies) == 1:  # an entry (`entries()`): its one body is the one `wanted()` chose
            [(encoding, body)] = self.bodies.items()
            encoding = None if encoding == "identity" else encoding
        else:
            stored = [encoding for encoding in _ENCODINGS if encoding in self.bodies]
            encoding = compression.negotiate(request.META.get("HTTP_ACCEPT_ENCODING"), stored)
            body = self.bodies[encoding or "identity"]
        response = HttpResponse(body, status=self.status)
        for name, value in self.headers.items():
            response[name] = value
        if encoding:
            response["Content-Encoding"] = encoding
        response["Content-Length"] = str(len(response.content))
        response["Vary"] = "Accept-Encoding"
        response["ETag"] = self.etag
        response["Last-Modified"] = http_date(self.modified.timestamp())
        remaining = max(0, int((self.expires - now).total_seconds()))
        browser = min(settings.PAGE_CACHE_BROWSER_SECONDS, remaining)
        # Without a purge hook the front cache cannot be told of a change: it keeps pages only
        # as long as browsers do. With one it may keep them as long as the page cache does.
        front = remaining if settings.FRONT_CACHE_PURGE_URLS else browser
        patch_cache_control(response, public=True, max_age=browser, s_maxage=front)
        response = get_conditional_response(
            request, etag=self.etag, last_modified=int(self.modified.timestamp()), response=response
        )
        response["X-Cache"] = outcome
        return response
