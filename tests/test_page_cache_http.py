"""What the page cache (articles.reading.cache) sends over HTTP: conditional GETs and ETags,
compressed bodies, the CSP of cached pages, and the purge that tells the front cache of a change.

What is cached, when it is refreshed and what never is: tests/test_page_cache.py.
"""

import gzip
import http.server
import logging
import re
import threading
from pathlib import Path

import brotli
import pytest

from articles.reading import cache as page_cache
from articles.reading.front_cache import PURGE_THREAD_NAME
from tests.factories import ArticleFactory
from tests.page_cache_helpers import cached_twice, story_fixture  # noqa: F401 (the `story` fixture)

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent


def get(client, url, **headers):
    return client.get(url, **{f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()})


# ---------- conditional GET ----------


def test_a_conditional_get_is_answered_with_304(client, story):
    page = cached_twice(client, story.get_absolute_url())
    assert page["ETag"].startswith('W/"') and page["Last-Modified"]
    again = get(client, story.get_absolute_url(), if_none_match=page["ETag"])
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == page["ETag"]
    since = get(client, story.get_absolute_url(), if_modified_since=page["Last-Modified"])
    assert since.status_code == 304
    assert get(client, story.get_absolute_url(), if_none_match='W/"other"').status_code == 200


def test_a_change_gives_the_page_a_new_etag(client, story):
    before = cached_twice(client, story.get_absolute_url())["ETag"]
    story.title = "亦庄抗体药平台启用"
    story.save()
    after = get(client, story.get_absolute_url(), if_none_match=before)
    assert after.status_code == 200 and after["ETag"] != before and "亦庄抗体药平台启用" in after.content.decode()


# ---------- compression ----------


def test_a_hit_reads_only_the_body_it_sends(client, story, monkeypatch):
    cached_twice(client, "/")
    read = []
    real_get_many = page_cache.cache.get_many

    def get_many(keys, *args, **kwargs):
        found = real_get_many(keys, *args, **kwargs)
        read.extend(value for value in found.values() if isinstance(value, page_cache.CachedPage))
        return found

    monkeypatch.setattr(page_cache.cache, "get_many", get_many)
    for accept, encoding in [("gzip, deflate, br", "br"), ("gzip", "gzip"), ("identity", "identity")]:
        read.clear()
        response = get(client, "/", accept_encoding=accept)
        assert response["X-Cache"] == "HIT" and response.get("Content-Encoding", "identity") == encoding
        assert [list(page.bodies) for page in read] == [[encoding]]


def test_cached_pages_are_sent_in_the_encoding_the_client_takes(client, story):
    identity = cached_twice(client, "/").content
    assert "Content-Encoding" not in client.get("/")
    br = get(client, "/", accept_encoding="gzip, deflate, br")
    assert br["Content-Encoding"] == "br" and brotli.decompress(br.content) == identity
    assert br["Content-Length"] == str(len(br.content)) and br["Vary"] == "Accept-Encoding"
    gz = get(client, "/", accept_encoding="gzip")
    assert gz["Content-Encoding"] == "gzip" and gzip.decompress(gz.content) == identity
    assert gz["X-Cache"] == "HIT" and gz["ETag"] == br["ETag"]
    assert get(client, "/", accept_encoding="br;q=0, gzip")["Content-Encoding"] == "gzip"
    assert "Content-Encoding" not in get(client, "/", accept_encoding="identity")


def test_pages_outside_the_cache_are_compressed_per_request(client, story):
    search = get(client, "/search/?q=亦庄", accept_encoding="br")
    assert search["Content-Encoding"] == "br" and "Accept-Encoding" in search["Vary"]
    assert "亦庄" in brotli.decompress(search.content).decode()
    form = get(client, "/contact/", accept_encoding="gzip")
    assert form["Content-Encoding"] == "gzip" and "联系我们" in gzip.decompress(form.content).decode()


def test_the_back_office_and_answers_to_posts_are_never_compressed(client):
    assert "Content-Encoding" not in get(client, "/admin/login/", accept_encoding="gzip, br")
    posted = client.post("/track/", {}, HTTP_ACCEPT_ENCODING="gzip, br")
    assert "Content-Encoding" not in posted


# ---------- the CSP of cached pages ----------


def test_a_cached_page_has_a_strict_csp_without_a_nonce(client, story):
    page = cached_twice(client, story.get_absolute_url())
    policy = page["Content-Security-Policy"]
    assert "script-src 'self';" in policy
    assert "nonce-" not in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy
    body = page.content.decode()
    assert 'application/ld+json">' in body and "nonce=" not in body


def test_public_templates_hold_no_inline_executable_script():
    offenders = []
    folders = [ROOT / "templates", ROOT / "articles" / "templates", ROOT / "submissions" / "templates"]
    for template in (t for folder in folders if folder.exists() for t in folder.rglob("*.html")):
        if "admin" in template.relative_to(ROOT).parts:
            continue
        for tag in re.findall(r"<script\b[^>]*>", template.read_text()):
            if "src=" not in tag and 'type="application/ld+json"' not in tag:
                offenders.append(f"{template.relative_to(ROOT)}: {tag}")
    assert offenders == []


# ---------- the front cache is told ----------


class _PurgeRecorder(http.server.BaseHTTPRequestHandler):
    seen = []

    def do_PURGE(self):  # noqa: N802 (the HTTP method's name)
        self.seen.append((self.command, self.path))
        self.send_response(200)
        self.end_headers()

    do_BAN = do_PURGE

    def log_message(self, *args):
        pass


@pytest.fixture
def front_cache(settings):
    server = http.server.HTTPServer(("127.0.0.1", 0), _PurgeRecorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _PurgeRecorder.seen = []
    settings.FRONT_CACHE_PURGE_URLS = [f"http://127.0.0.1:{server.server_port}/purge/all"]
    yield _PurgeRecorder.seen
    server.shutdown()


def wait_for_purges():
    for thread in threading.enumerate():
        if thread.name == PURGE_THREAD_NAME:
            thread.join(timeout=10)


def committed(capture, make):
    """`make()`, its on-commit callbacks run as if its transaction had committed."""
    with capture(execute=True):
        return make()


def test_a_change_purges_the_front_cache_once_after_commit(client, front_cache, django_capture_on_commit_callbacks):
    story = committed(django_capture_on_commit_callbacks, lambda: ArticleFactory(title="亦庄抗体药平台"))
    wait_for_purges()
    front_cache.clear()
    page = cached_twice(client, "/")
    assert re.search(r"s-maxage=(\d+)", page["Cache-Control"])[1] != "60"  # held as long as the page cache
    with django_capture_on_commit_callbacks() as callbacks:
        story.title = "改过的标题"
        story.save()
        story.tags.add("新标签")
    wait_for_purges()
    assert front_cache == [], "purged before the change was committed"
    for callback in callbacks:
        callback()
    wait_for_purges()
    assert front_cache == [("PURGE", "/purge/all")]


def test_an_unreachable_front_cache_is_logged_not_raised(settings, caplog, django_capture_on_commit_callbacks):
    settings.FRONT_CACHE_PURGE_URLS = ["http://127.0.0.1:9/"]
    with caplog.at_level(logging.WARNING):
        committed(django_capture_on_commit_callbacks, ArticleFactory)
        wait_for_purges()
    assert any("Front cache purge PURGE http://127.0.0.1:9/ failed" in r.getMessage() for r in caplog.records)
