"""Graceful degradation: the public site with its Redis stopped, or its database unreachable.

Redis: each test starts a redis-server of its own on a free port (never the shared one on 6379),
points the cache at it through newsportal.cache.ResilientRedisCache with short timeouts and
breaker pause, and stops, freezes or restarts it mid-test. Reading pages, the forms and the
admin sign-in keep working; rate limits are counted in the database meanwhile; the cache is
used again once it is back.

Database: the connection is dropped and every new connect refused (as when PostgreSQL is down).
Uncached pages answer the Chinese 503 page with Retry-After; pages in the page cache are served.
"""

import concurrent.futures
import contextlib
import datetime
import logging
import os
import shutil
import signal
import socket
import subprocess
import time

import pytest
import redis
from django.core.cache import caches
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.urls import include, path

from articles.models import Article
from submissions.models import Contribution, EntryRequest, RateLimitCounter
from tests.factories import ArticleFactory, ChannelFactory, IndustryFactory, RegionFactory, newsroom_user
from tests.files import pdf_bytes, upload
from tests.helpers import PASSWORD, contribution_data, entry_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("submission_settings")]

# Seconds: the breaker's pause, and redis-py's connect and read timeouts.
PAUSE = 0.5
CONNECT_TIMEOUT = 0.2
READ_TIMEOUT = 0.3
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36"


class RedisServer:
    """A redis-server of the test's own: no persistence, on a free loopback port."""

    def __init__(self, directory):
        self.directory = directory
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(
            [*command, "--dir", str(self.directory)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 5
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.02)
            finally:
                client.close()

    def stop(self):
        if self.process is None:
            return
        self.process.send_signal(signal.SIGCONT)  # a frozen server must be able to die
        self.process.terminate()
        self.process.wait(5)
        self.process = None

    def freeze(self):
        """The server hangs: connections are accepted, nothing is answered (a read timeout)."""
        os.kill(self.process.pid, signal.SIGSTOP)

    def keys(self):
        client = redis.Redis(port=self.port)
        try:
            return client.dbsize()
        finally:
            client.close()


@pytest.fixture
def own_redis(settings, tmp_path):
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = RedisServer(tmp_path)
    server.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "newsportal.cache.ResilientRedisCache",
            "LOCATION": server.url,
            "KEY_PREFIX": "degradation",
            "OPTIONS": {
                "FAILURE_PAUSE": PAUSE,
                "socket_connect_timeout": CONNECT_TIMEOUT,
                "socket_timeout": READ_TIMEOUT,
            },
        }
    }
    yield server
    server.stop()


@pytest.fixture
def site(django_capture_on_commit_callbacks):
    """A district and a channel with one story (its search document built, as after commit)."""
    with django_capture_on_commit_callbacks(execute=True):
        district = RegionFactory(name="海淀区", slug="haidian")
        channel = ChannelFactory(name="政策解读", slug="policy")
        article = ArticleFactory(title="中关村科学城发布人工智能扶持政策", channel=channel, regions=[district])
    return {"region": district, "channel": channel, "article": article}


def read_site(client, site):
    """Home, the story, its region and channel listings and a search: {url: response}."""
    urls = [
        "/",
        site["article"].get_absolute_url(),
        "/regions/haidian/",
        "/channels/policy/",
        "/search/?q=人工智能",
    ]
    return {url: client.get(url) for url in urls}


def licence():
    return upload("营业执照.pdf", pdf_bytes(), "application/pdf")


# ----- Redis stopped -----


def test_home_story_listings_and_search_are_served_with_redis_stopped(client, own_redis, site):
    own_redis.stop()
    for url, response in read_site(client, site).items():
        assert response.status_code == 200, url
        page = response.content.decode()
        assert "中关村科学城发布" in page, url  # search marks the words it found
        # The menus come from the database instead of the cache.
        assert 'href="/channels/policy/"' in page and 'href="/regions/haidian/"' in page, url


def test_a_contribution_and_an_entry_request_land_with_redis_stopped(client, own_redis, site):
    own_redis.stop()
    industry = IndustryFactory(name="人工智能", slug="ai")

    contribution = client.post("/submit/", contribution_data(site["region"]))
    entry = client.post("/enterprise/apply/", {**entry_data(site["region"], industry), "business_license": licence()})

    assert contribution.status_code == 200 and "受理编号" in contribution.content.decode()
    assert entry.status_code == 200 and "受理编号" in entry.content.decode()
    assert Contribution.objects.count() == 1 and EntryRequest.objects.count() == 1


def test_the_rate_limit_still_refuses_the_sixth_submission_with_redis_stopped(client, own_redis, site, settings):
    own_redis.stop()
    for _ in range(settings.SUBMISSIONS_RATE_LIMIT):
        assert client.post("/submit/", contribution_data(site["region"])).status_code == 200

    refused = client.post("/submit/", contribution_data(site["region"]))

    assert refused.status_code == 429 and "操作过于频繁" in refused.content.decode()
    assert Contribution.objects.count() == settings.SUBMISSIONS_RATE_LIMIT
    counted = RateLimitCounter.objects.get(key="ratelimit:submissions:127.0.0.1")
    assert counted.hits == settings.SUBMISSIONS_RATE_LIMIT


def test_the_rate_limit_counts_in_the_cache_again_once_redis_is_back(client, own_redis, site):
    own_redis.stop()
    assert client.post("/submit/", contribution_data(site["region"])).status_code == 200
    own_redis.start()
    time.sleep(PAUSE)

    assert client.post("/submit/", contribution_data(site["region"])).status_code == 200

    assert caches["default"].get("ratelimit:submissions:127.0.0.1") == 1
    assert RateLimitCounter.objects.get(key="ratelimit:submissions:127.0.0.1").hits == 1  # made while it was down


def test_the_database_counter_starts_each_window_afresh_and_prunes_past_ones():
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    key = "ratelimit:submissions:203.0.113.7"

    def hit_at(seconds, hit_key=key):
        return RateLimitCounter.objects.hit(hit_key, 600, now=start + datetime.timedelta(seconds=seconds))

    assert [hit_at(0), hit_at(599)] == [1, 2]
    hit_at(0, "ratelimit:track:203.0.113.8")

    assert hit_at(600) == 1  # a new window

    assert RateLimitCounter.objects.count() == 1  # both rows of the past window are gone
    assert RateLimitCounter.objects.hits(key, 600, now=start + datetime.timedelta(seconds=601)) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_hits_on_the_database_counter_each_get_their_own_count():
    key = "ratelimit:attempts:198.51.100.1"

    def hit():
        try:
            return RateLimitCounter.objects.hit(key, 600)
        finally:
            connection.close()

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        counts = sorted(pool.map(lambda _: hit(), range(16)))

    assert counts == list(range(1, 17))
    assert RateLimitCounter.objects.get().hits == 16


def test_a_reader_view_is_counted_in_the_row_with_redis_stopped(client, own_redis, site):
    own_redis.stop()
    article = site["article"]

    response = client.post(f"/articles/{article.pk}/view/", HTTP_SEC_FETCH_SITE="same-origin", HTTP_USER_AGENT=BROWSER)

    assert response.status_code == 200 and response.json() == {"views": 1}
    assert Article.objects.get(pk=article.pk).view_count == 1


def test_staff_can_sign_in_with_redis_stopped(client, own_redis):
    newsroom_user("编辑", username="editor")
    own_redis.stop()

    response = client.post("/admin/login/", {"username": "editor", "password": PASSWORD, "next": "/admin/"})

    assert response.status_code == 302 and "_auth_user_id" in client.session


def test_pages_are_cached_in_redis_again_once_it_is_back(client, own_redis, site):
    assert client.get("/")["X-Cache"] == "MISS"
    own_redis.stop()
    assert client.get("/").status_code == 200

    own_redis.start()  # empty: it kept nothing on disk
    time.sleep(PAUSE)  # the breaker's pause: then the next call tries Redis again

    assert client.get("/")["X-Cache"] == "MISS"
    assert client.get("/")["X-Cache"] == "HIT"
    assert own_redis.keys() > 0


def test_a_hung_redis_costs_one_timeout_per_pause_not_one_per_cache_call(client, own_redis, site):
    client.get("/")  # a pooled connection to the server
    own_redis.freeze()

    started = time.monotonic()
    responses = [client.get(url) for url in ["/", "/regions/haidian/", "/channels/policy/"] * 2]
    elapsed = time.monotonic() - started

    assert all(response.status_code == 200 for response in responses)
    # Each page makes several cache calls; paying READ_TIMEOUT for each would take 6 × 5 × 0.3 s.
    assert elapsed < 3, elapsed


class Collected(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def test_an_outage_is_logged_once_and_so_is_the_recovery(client, own_redis, site):
    collected = Collected()
    logger = logging.getLogger("newsportal.cache")
    logger.addHandler(collected)  # on the logger itself: whatever LOGGING says about propagation
    try:
        own_redis.stop()
        for _ in range(3):
            client.get("/")
            client.get(site["article"].get_absolute_url())
            time.sleep(PAUSE / 2)  # the breaker tries again between rounds, and fails again
        own_redis.start()
        time.sleep(PAUSE)
        client.get("/")
    finally:
        logger.removeHandler(collected)

    assert len(collected.messages) == 2, collected.messages
    assert "unreachable" in collected.messages[0] and "reachable again" in collected.messages[1]


# ----- the database unreachable -----


@contextlib.contextmanager
def database_unreachable():
    """Drop the connection and refuse every new one, as a stopped PostgreSQL does.

    The test's own transaction is kept aside and put back afterwards (nothing reached the
    database meanwhile, so it is as it was).
    """
    saved = connection.connection, connection.needs_rollback, connection.errors_occurred

    def refuse():
        raise connection.Database.OperationalError("connection refused (the test stopped the database)")

    connection.connection = None
    original_connect, connection.connect = connection.connect, refuse
    try:
        yield
    finally:
        connection.connect = original_connect
        connection.connection, connection.needs_rollback, connection.errors_occurred = saved


def test_an_uncached_page_answers_the_chinese_503_page_when_the_database_is_down(client, site):
    with database_unreachable():
        response = client.get(site["article"].get_absolute_url())

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert "服务暂时不可用" in page and "请稍后" in page and 'href="/"' in page
    assert "中关村科学城" not in page


def test_a_form_post_answers_503_when_the_database_is_down(client, site):
    with database_unreachable():
        response = client.post("/submit/", contribution_data(site["region"]))

    assert response.status_code == 503 and "服务暂时不可用" in response.content.decode()
    assert Contribution.objects.count() == 0


def test_a_page_in_the_page_cache_is_still_served_when_the_database_is_down(client, site):
    url = site["article"].get_absolute_url()
    assert client.get(url)["X-Cache"] == "MISS"

    with database_unreachable():
        response = client.get(url)

    assert response.status_code == 200 and response["X-Cache"] == "HIT"
    assert "中关村科学城发布人工智能扶持政策" in response.content.decode()


def test_a_signed_in_editor_gets_the_503_page_too_when_the_database_is_down(client, site):
    client.force_login(newsroom_user("编辑", username="editor"))
    browser = Client(raise_request_exception=False)
    browser.cookies = client.cookies

    with database_unreachable():
        response = browser.get(site["article"].get_absolute_url())

    assert response.status_code == 503 and response["Retry-After"] == "30"


def broken_query(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT title FROM no_such_table")
    return HttpResponse("never")


urlpatterns = [path("broken-query/", broken_query), path("", include("newsportal.urls"))]


@pytest.mark.urls(__name__)
def test_a_wrong_query_is_still_a_500_not_a_503():
    response = Client(raise_request_exception=False).get("/broken-query/")

    assert response.status_code == 500 and "Retry-After" not in response
    assert "服务暂时不可用" not in response.content.decode()
