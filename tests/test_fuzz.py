"""Property-based fuzzing: no request, however hostile, makes the site answer 500.

Hypothesis draws query strings, path segments and form posts from hostile values (NUL and other
control characters, huge numbers, impossible dates, very long strings, SQL and HTML fragments,
unicode) for every public page and form, and for every admin changelist as a superuser. Any
response of 500 or more, or any exception the test client re-raises, fails the test.

The runs are reproducible: examples are derandomized and no failure database is kept, so CI
draws the same requests every time (on SQLite, then on PostgreSQL, which refuses NUL in text).
`FUZZ_EXAMPLES=300` fuzzes deeper locally; the default keeps the module well under a minute.
"""

import datetime
import os
from urllib.parse import quote

import pytest
from django.contrib import admin
from django.contrib.admin.views.main import ORDER_VAR, PAGE_VAR, SEARCH_VAR
from django.test import RequestFactory
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.models import Article
from articles.newsroom import preview
from tests.factories import (
    ArticleFactory,
    ChannelFactory,
    ContactMessageFactory,
    ContributionFactory,
    EntryRequestFactory,
    IndustryFactory,
    RegionFactory,
    TopicFactory,
    UserFactory,
)
from tests.files import pdf_bytes, upload
from tests.helpers import QUERY_CODE, contact_data, contribution_data, entry_data, form_token

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("submission_settings")]

fuzz = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "12")),
    # One request past five seconds is a bug of its own (a runaway query or regex), not noise.
    deadline=datetime.timedelta(seconds=5),
    derandomize=True,
    database=None,
    print_blob=False,
    # The fixtures (database rows, the logged-in client) are shared by the examples on purpose.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# ----- hostile values -----

HOSTILE = [
    "\x00", "a\x00b", "亦庄\x00", "%00", "\x01\x02\x1b\x1f\x7f", "\r\n", "\t", "\u2028", "\ufeff", "\u202e亦庄",
    "9999-12-31", "0000-00-00", "0001-01-01", "10000-01-01", "2026-02-30", "2026-13-01", "9999-12-31 23:59:59",
    "-1", "0", "1.5", "1e309", "NaN", "-inf", str(2**31), str(2**63), str(-(2**63) - 1), "9" * 40, "1" * 5000,
    "' OR 1=1 --", "'; DROP TABLE articles_article; --", '") UNION SELECT NULL--', "%", "_", "\\", "'", '"',
    "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "{{ 7|add:7 }}", "{% debug %}",
    "../../etc/passwd", "亦庄", "𠮷野家", "🙂", "", " ", "x" * 10_000, "亦" * 3000, "last", "true", "null",
]  # fmt: skip

# Any text a browser could encode (no lone surrogates), control characters included.
any_text = st.text(st.characters(codec="utf-8"), max_size=60)
value = st.one_of(
    st.sampled_from(HOSTILE),
    any_text,
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.dates().map(str),
)
values = st.one_of(value, st.lists(value, min_size=2, max_size=3))


def query(names):
    """Query strings over `names` (the parameters a page reads) and a few made-up ones."""
    keys = st.one_of(st.sampled_from(names), any_text) if names else any_text
    return st.dictionaries(keys, values, max_size=5)


def assert_no_server_error(response):
    request = str(response.request)
    assert response.status_code < 500, f"{response.status_code} for {request[:500]}"


# ----- the site's data -----


@pytest.fixture
def site(client, settings):
    """One of everything a public URL points to; rate limits out of the way."""
    for name in ("SUBMISSIONS_RATE_LIMIT", "SUBMISSIONS_ATTEMPT_LIMIT", "TRACK_RATE_LIMIT"):
        setattr(settings, name, 10**6)
    region = RegionFactory(name="亦庄", slug="yizhuang")
    industry = IndustryFactory(slug="biomed")
    channel = ChannelFactory(slug="news")
    article = ArticleFactory(
        title="亦庄新签约项目", regions=[region], industries=[industry], channel=channel, tags=["生物医药"]
    )
    draft = ArticleFactory(status=Article.Status.DRAFT)
    topic = TopicFactory(slug="ai")
    topic.entries.create(article=article, order=1)
    client.get("/search/", {"q": "亦庄"})  # load the segmentation dictionary outside the deadline
    return {
        "region": region,
        "industry": industry,
        "article": article.pk,
        "tag": article.tags.get().slug,
        "year": article.publish_at.year,
        "month": article.publish_at.month,
        "token": preview.make_token(draft),
    }


PAGE = ["page"]
PUBLIC_PAGES = {
    "/": PAGE,
    "/articles/{article}/": PAGE,
    "/regions/yizhuang/": PAGE,
    "/channels/news/": PAGE,
    "/tags/{tag}/": PAGE,
    "/topics/ai/": PAGE,
    "/archive/{year}/{month}/": PAGE,
    "/search/": ["q", "region", "channel", "industry", "date_from", "date_to", "page"],
    "/feeds/rss/": PAGE,
    "/feeds/atom/": PAGE,
    "/feeds/regions/yizhuang/rss/": PAGE,
    "/feeds/channels/news/atom/": PAGE,
    "/sitemap.xml": ["p", "section"],
    "/sitemap-articles.xml": ["p"],
    "/robots.txt": [],
    "/submit/": [],
    "/enterprise/apply/": [],
    "/contact/": [],
    "/track/": ["tracking_number", "query_code"],
    "/preview/{token}/": PAGE,
    "/healthz": [],
}


@pytest.mark.parametrize("template", PUBLIC_PAGES)
def test_public_pages_survive_hostile_query_strings(client, site, template):
    path = template.format(**site)

    @fuzz
    @given(params=query(PUBLIC_PAGES[template]))
    def check(params):
        assert_no_server_error(client.get(path, params))

    check()


PATH_TEMPLATES = [
    "/articles/{}/", "/regions/{}/", "/channels/{}/", "/tags/{}/", "/topics/{}/", "/archive/{}/1/", "/archive/2026/{}/",
    "/feeds/regions/{}/rss/", "/feeds/tags/{}/atom/", "/sitemap-{}.xml", "/preview/{}/",
    "/submissions/attachments/{}/download/",
]  # fmt: skip


@fuzz
@given(template=st.sampled_from(PATH_TEMPLATES), segment=value)
def test_public_paths_survive_hostile_segments(client, site, template, segment):
    assert_no_server_error(client.get(template.format(quote(segment, safe=""))))


# ----- the public forms -----


def _forms(site):
    """Each public form: its URL and a fresh, valid post (new one-time token every time)."""
    region, industry = site["region"], site["industry"]
    licence = upload("营业执照.pdf", pdf_bytes(), "application/pdf")
    return {
        "/submit/": contribution_data(region),
        "/enterprise/apply/": {**entry_data(region, industry), "business_license": licence},
        "/contact/": contact_data(),
        "/track/": {"tracking_number": "TG-20261125-000001", "query_code": QUERY_CODE},
    }


FORM_FIELDS = {
    "/submit/": [*contribution_data(RegionFactory.build(pk=1)), "attachments"],
    "/enterprise/apply/": [*entry_data(RegionFactory.build(pk=1), IndustryFactory.build(pk=1)), "business_license"],
    "/contact/": [*contact_data()],
    "/track/": ["tracking_number", "query_code"],
}
# A token from another form, one that is stale, one that is forged.
TOKENS = st.sampled_from([form_token("contact", age=10**6), form_token("track"), "forged", ""])


@pytest.mark.parametrize("url", FORM_FIELDS)
def test_public_forms_survive_hostile_posts(client, site, url):
    ContributionFactory(tracking_number="TG-20261125-000001")
    assert client.post(url, _forms(site)[url]).status_code == 200  # the fuzzing starts from a good post

    @fuzz
    @given(changes=st.dictionaries(st.sampled_from(FORM_FIELDS[url]), st.one_of(values, TOKENS), max_size=4))
    def check(changes):
        data = {**_forms(site)[url], **changes}
        assert_no_server_error(client.post(url, data))

    check()


# ----- the back office -----


def _filter_parameters(model_admin, user):
    """The query parameters a changelist understands: its filters, search, order and page,
    the date hierarchy, and lookups on every field (which the admin allows on local fields)."""
    request = RequestFactory().get("/")
    request.user = user
    changelist = model_admin.get_changelist_instance(request)
    names = [SEARCH_VAR, ORDER_VAR, PAGE_VAR, "all", "e", "_popup", "_to_field"]
    for spec in changelist.filter_specs:
        names += spec.expected_parameters()
    if model_admin.date_hierarchy:
        names += [f"{model_admin.date_hierarchy}__{part}" for part in ("year", "month", "day")]
    for field in model_admin.model._meta.get_fields():
        if field.concrete:
            names += [
                field.name,
                *(f"{field.name}__{lookup}" for lookup in ("exact", "icontains", "gte", "in", "regex")),
            ]
    return names


@pytest.fixture
def superuser(client):
    user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(user)
    for factory in (ContributionFactory, EntryRequestFactory, ContactMessageFactory):
        factory()
    return user


REGISTERED = {model._meta.label: model_admin for model, model_admin in admin.site._registry.items()}


@pytest.mark.parametrize("label", REGISTERED)
def test_admin_changelists_survive_hostile_filters(client, site, superuser, label):
    model_admin = REGISTERED[label]
    meta = model_admin.model._meta
    urls = [f"/admin/{meta.app_label}/{meta.model_name}/"]
    if meta.app_label == "submissions":
        urls += [f"{urls[0]}export/csv/", f"{urls[0]}export/xlsx/"]
    if meta.label == "articles.Image":
        urls += [f"{urls[0]}picker/"]
    assert client.get(urls[0]).status_code == 200  # the list itself, not a sign-in page, is fuzzed

    @fuzz
    @given(url=st.sampled_from(urls), params=query(_filter_parameters(model_admin, superuser)))
    def check(url, params):
        assert_no_server_error(client.get(url, params))

    check()


ADMIN_PATHS = [
    "/admin/articles/article/{}/change/", "/admin/articles/article/{}/history/", "/admin/articles/article/{}/delete/",
    "/admin/articles/article/{}/preview/", "/admin/articles/article/{}/revisions/",
    "/admin/articles/article/{}/revisions/compare/", "/admin/articles/article/{}/revisions/1/restore/",
    "/admin/submissions/contribution/{}/change/", "/admin/articles/region/{}/change/",
]  # fmt: skip


@fuzz
@given(template=st.sampled_from(ADMIN_PATHS), segment=value, params=query(["from", "to", "_changelist_filters"]))
def test_admin_object_pages_survive_hostile_ids(client, site, superuser, template, segment, params):
    assert_no_server_error(client.get(template.format(quote(segment, safe="")), params))


@fuzz
@given(params=query(["term", "app_label", "model_name", "field_name", "page"]))
def test_admin_autocomplete_survives_hostile_terms(client, site, superuser, params):
    base = {"app_label": "articles", "model_name": "article", "field_name": "regions"}
    assert_no_server_error(client.get("/admin/autocomplete/", {**base, **params}))
