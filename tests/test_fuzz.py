"""Property-based fuzzing: no request, however hostile, makes the site answer 500.

Hypothesis draws query strings, path segments and form posts from hostile values (NUL and other
control characters, huge numbers, impossible dates, very long strings, SQL and HTML fragments,
unicode) for every public page and form, and for every admin changelist as a superuser. Any
response of 500 or more, or any exception the test client re-raises, fails the test.

The runs are reproducible: each run is seeded from its page's name and no failure database
is kept, so CI draws the same requests every time (on SQLite, then on PostgreSQL, which refuses NUL in text).
`FUZZ_EXAMPLES=300` fuzzes deeper locally; the default keeps the module well under a minute.
"""

import datetime
import os
import zlib
from urllib.parse import quote

import pytest
from django.contrib import admin
from django.contrib.admin.views.main import ORDER_VAR, PAGE_VAR, SEARCH_VAR
from django.test import RequestFactory
from hypothesis import HealthCheck, given, seed, settings
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

# Examples per page (or form, or admin list): each test below runs this many times the
# number of pages it covers, as one run, so that few simple first examples are spent.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))
_settings = settings(
    # One request past five seconds is a bug of its own (a runaway query or regex), not noise.
    deadline=datetime.timedelta(seconds=5),
    database=None,
    print_blob=False,
    # The fixtures (database rows, the logged-in client) are shared by the examples on purpose.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def fuzz(name, pages=1):
    """The settings above for a test covering `pages` pages, seeded by its `name`: every run
    draws the same requests."""

    def decorate(test):
        return seed(zlib.crc32(name.encode()))(settings(_settings, max_examples=EXAMPLES * pages)(test))

    return decorate


# ----- hostile values -----

# Grouped so that each kind is drawn often: a handful of examples per page still meets each.
CONTROL = ["\x00", "a\x00b", "亦庄\x00", "%00", "\x01\x02\x1b\x1f\x7f", "\r\n\t", "\u2028\ufeff\u202e亦庄"]
DATES = ["9999-12-31", "0000-00-00", "0001-01-01", "10000-01-01", "2026-02-30", "2026-13-01", "9999-12-31 23:59:59"]
NUMBERS = ["-1", "0", "1.5", "1e309", "NaN", "-inf", str(2**31), str(2**63), str(-(2**63) - 1), "9" * 40, "1" * 5000]
FRAGMENTS = [
    "' OR 1=1 --", "'; DROP TABLE articles_article; --", '") UNION SELECT NULL--', "%", "_", "\\", "'", '"', "(",
    "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "{{ 7|add:7 }}", "{% debug %}", "../../etc/passwd",
]  # fmt: skip
TEXTS = ["亦庄", "𠮷野家", "🙂", "", " ", "x" * 10_000, "亦" * 3000, "last", "true", "null"]

# Any text a browser could encode (no lone surrogates), control characters included.
any_text = st.text(st.characters(codec="utf-8"), max_size=60)
value = st.one_of(
    # Control characters twice as often: NUL in any text parameter was the commonest 500.
    *(st.sampled_from(group) for group in (CONTROL, CONTROL, DATES, NUMBERS, FRAGMENTS, TEXTS)),
    any_text,
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.dates().map(str),
)
values = st.one_of(value, st.lists(value, min_size=2, max_size=3))


def query(names):
    """Query strings over `names` (the parameters a page reads) and, less often, made-up ones:
    a made-up name makes the admin refuse the whole query, which would hide the rest."""
    keys = st.one_of(*[st.sampled_from(names)] * 7, any_text) if names else any_text
    return st.dictionaries(keys, values, min_size=1, max_size=3)


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


def _page_and_query(pages):
    """(a key of `pages`, a query string over the parameter names it maps to)."""
    return st.sampled_from(list(pages)).flatmap(lambda key: st.tuples(st.just(key), query(pages[key])))


@fuzz("public pages", pages=len(PUBLIC_PAGES))
@given(page=_page_and_query(PUBLIC_PAGES))
def test_public_pages_survive_hostile_query_strings(client, site, page):
    template, params = page
    assert_no_server_error(client.get(template.format(**site), params))


PATH_TEMPLATES = [
    "/articles/{}/", "/regions/{}/", "/channels/{}/", "/tags/{}/", "/topics/{}/", "/archive/{}/1/", "/archive/2026/{}/",
    "/feeds/regions/{}/rss/", "/feeds/tags/{}/atom/", "/sitemap-{}.xml", "/preview/{}/",
    "/submissions/attachments/{}/download/",
]  # fmt: skip


@fuzz("public paths")
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


@pytest.fixture
def forms(client, site):
    """The public forms, each checked to take its good post (the fuzzing starts from it)."""
    ContributionFactory(tracking_number="TG-20261125-000001")
    for url, data in _forms(site).items():
        assert client.post(url, data).status_code == 200, url
    return lambda: _forms(site)


def _form_changes(url):
    return st.tuples(
        st.just(url), st.dictionaries(st.sampled_from(FORM_FIELDS[url]), st.one_of(values, TOKENS), max_size=4)
    )


@fuzz("public forms", pages=len(FORM_FIELDS))
@given(post=st.sampled_from(list(FORM_FIELDS)).flatmap(_form_changes))
def test_public_forms_survive_hostile_posts(client, forms, post):
    url, changes = post
    assert_no_server_error(client.post(url, {**forms()[url], **changes}))


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


@pytest.fixture
def admin_lists(superuser):
    """Every registered model's changelist (and the exports and picker beside some) with the
    parameters it understands."""
    lists = {}
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        url = f"/admin/{meta.app_label}/{meta.model_name}/"
        names = _filter_parameters(model_admin, superuser)
        lists[url] = names
        if meta.app_label == "submissions":
            lists[f"{url}export/csv/"] = lists[f"{url}export/xlsx/"] = names
        if meta.label == "articles.Image":
            lists[f"{url}picker/"] = [SEARCH_VAR, "CKEditorFuncNum", "new"]
    return lists


@fuzz("admin changelists", pages=len(admin.site._registry))
@given(data=st.data())
def test_admin_changelists_survive_hostile_filters(client, site, admin_lists, data):
    url, params = data.draw(_page_and_query(admin_lists))
    assert_no_server_error(client.get(url, params))


def test_every_admin_changelist_is_fuzzed_as_a_signed_in_superuser(client, admin_lists):
    # Guards the test above: the lists themselves answer, not a sign-in or enrolment page.
    for url in admin_lists:
        # A one-record model's list (站点信息) goes straight to its record.
        assert client.get(url, follow=True).status_code == 200, url


ADMIN_PATHS = [
    "/admin/articles/article/{}/change/", "/admin/articles/article/{}/history/", "/admin/articles/article/{}/delete/",
    "/admin/articles/article/{}/preview/", "/admin/articles/article/{}/revisions/",
    "/admin/articles/article/{}/revisions/compare/", "/admin/articles/article/{}/revisions/1/restore/",
    "/admin/submissions/contribution/{}/change/", "/admin/articles/region/{}/change/",
]  # fmt: skip


@fuzz("admin object pages")
@given(template=st.sampled_from(ADMIN_PATHS), segment=value, params=query(["from", "to", "_changelist_filters"]))
def test_admin_object_pages_survive_hostile_ids(client, site, superuser, template, segment, params):
    assert_no_server_error(client.get(template.format(quote(segment, safe="")), params))


@fuzz("admin autocomplete")
@given(params=query(["term", "app_label", "model_name", "field_name", "page"]))
def test_admin_autocomplete_survives_hostile_terms(client, site, superuser, params):
    base = {"app_label": "articles", "model_name": "article", "field_name": "regions"}
    assert_no_server_error(client.get("/admin/autocomplete/", {**base, **params}))
