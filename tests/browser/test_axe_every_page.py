"""Every public page at 360px and 1280px, with 关怀模式 off and on (issue 13): axe finds nothing
(with the mode on, not even text under 7:1 contrast, which the mode promises) and nothing sticks
out sideways.

The demo content is loaded once for the module and every page is visited in the four
combinations by one sweep; each (page, width, mode) is then its own test, so a failure names
all three. Pages behind a form (its errors, a receipt, a tracking result) are reached by
filling the form as a reader would.
"""

import datetime

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Channel, Topic, TopicEntry
from articles.newsroom import preview
from tests.factories import ArticleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {360: 800, 1280: 900}  # viewport width: height
MODES = ("care-off", "care-on")  # 关怀模式 off and on
CARE_ON = "try { localStorage.setItem('newsportal.careMode', 'on'); } catch (error) {}"
# 关怀模式 promises 7:1 text contrast (WCAG AAA): with it on, axe's AAA rule runs too (it leaves
# text under 4.5:1 to the AA rule). Selectors are only worked out (slowly) again for failing rules.
AXE_RULES = {False: {}, True: {"color-contrast-enhanced": {"enabled": True}}}


def demo_paths():
    """Where the reader-facing pages of the demo content are, plus a topic and a shared preview."""
    story = Article.objects.get(title__startswith="北京中关村投贷联动")  # contents, channel, side bar
    stories = list(Article.objects.published().order_by("-publish_at")[:4])
    topic = Topic.objects.create(
        title="中关村科技金融", slug="zgc-finance", summary="投贷联动、科技信贷与创新企业融资。", is_published=True
    )
    TopicEntry.objects.bulk_create(TopicEntry(topic=topic, article=a, order=n) for n, a in enumerate(stories))
    draft = ArticleFactory(
        title="怀柔科学城新一批重大科技基础设施开放共享",
        status=Article.Status.DRAFT,
        publish_at=timezone.now() + datetime.timedelta(days=2),
        channel=Channel.objects.get(slug="news"),
    )
    month = timezone.localtime(stories[0].publish_at)
    return {
        "article": story.get_absolute_url(),
        "tag": reverse("articles:tag", args=[story.tags.first().slug]),
        "topic": topic.get_absolute_url(),
        "archive": f"/archive/{month.year}/{month.month}/",
        "preview": f"/preview/{preview.make_token(draft)}/",
    }


def expect(page, selector):
    """The page shows `selector`: the sweep is looking at the page it means to."""
    assert page.locator(selector).count() > 0, f"{page.url} has no {selector}"


def post_empty(page, base, path):
    page.goto(base + path)
    page.locator("form[data-submission-form] button[type=submit]").click()
    page.wait_for_load_state()
    expect(page, "[data-error-summary]")


def track(page, base, number, code):
    page.goto(base + "/track/")
    page.get_by_label("受理编号").fill(number)
    page.get_by_label("查询码").fill(code)
    page.get_by_role("button", name="查询").click()
    page.wait_for_load_state()


def send_message(page, base):
    page.goto(base + "/contact/")
    page.get_by_label("姓名").fill("王五")
    page.get_by_label("联系方式").fill("wangwu@example.com")
    page.get_by_role("textbox", name="留言").fill("请问亦庄有哪些生物医药产业扶持政策？")
    page.get_by_role("button", name="提交留言").click()
    page.locator("[data-tracking-number]").wait_for()


# How many lines the text of an element takes.
LINES = """el => {
  const range = document.createRange();
  range.selectNodeContents(el);
  return new Set([...range.getClientRects()].map(rect => Math.round(rect.bottom))).size;
}"""


def visit_receipt(page, base, paths):
    send_message(page, base)
    number, code = page.locator("[data-tracking-number]"), page.locator("[data-query-code]")
    paths["receipt"] = (number.inner_text().strip(), code.inner_text().strip())
    # A reader copies them down: a number broken over two lines is easily miscopied.
    assert number.evaluate(LINES) == 1, "the 受理编号 is broken over lines"
    assert code.evaluate(LINES) == 1, "the 查询码 is broken over lines"


def visit_track_result(page, base, paths):
    track(page, base, *paths["receipt"])
    expect(page, "[data-track-result]")


def visit_track_error(page, base, paths):
    track(page, base, "LX-20250101-000001", "ABCD-2345")
    expect(page, "[data-error-summary]")


def visit_search(query, results):
    def visit(page, base, paths):
        page.goto(f"{base}/search/?q={query}")
        assert (page.locator(".search-results .article-item").count() > 0) is results, query

    return visit


def visit_path(path):
    def visit(page, base, paths):
        response = page.goto(base + paths.get(path, path))
        assert response.status == 200, (path, response.status)

    return visit


def visit_listing(path):
    def visit(page, base, paths):
        visit_path(path)(page, base, paths)
        expect(page, ".pagination a")

    return visit


def visit_missing(page, base, paths):
    assert page.goto(base + "/no-such-page/").status == 404


def visit_expired_preview(page, base, paths):
    assert page.goto(base + "/preview/not-a-valid-token/").status == 404


# name: how to reach it (the page, the live server's address, demo_paths() and what earlier visits found)
PAGES = {
    "home": visit_path("/"),
    "article": visit_path("article"),
    "region": visit_listing("/regions/beijing/"),
    "channel": visit_listing("/channels/regional/"),
    "tag": visit_path("tag"),
    "topic": visit_listing("topic"),
    "archive-month": visit_listing("archive"),
    "search": visit_path("/search/"),
    "search-results": visit_search("北京", results=True),
    "search-no-results": visit_search("火星殖民基地", results=False),
    "submit": visit_path("/submit/"),
    "submit-terms": visit_path("/submit/terms/"),
    "enterprise-apply": visit_path("/enterprise/apply/"),
    "contact": visit_path("/contact/"),
    "track": visit_path("/track/"),
    "track-wrong-number": visit_track_error,
    "submit-errors": lambda page, base, paths: post_empty(page, base, "/submit/"),
    "enterprise-apply-errors": lambda page, base, paths: post_empty(page, base, "/enterprise/apply/"),
    "contact-errors": lambda page, base, paths: post_empty(page, base, "/contact/"),
    "receipt": visit_receipt,
    "track-result": visit_track_result,
    "sitemap": visit_path("/sitemap/"),
    "privacy": visit_path("/privacy/"),
    "terms": visit_path("/terms/"),
    "not-found": visit_missing,
    "shared-preview": visit_path("preview"),
    "preview-expired": visit_expired_preview,
}


def problems_on(page, width, care):
    """What is wrong with the page as shown: 关怀模式 in the wrong state, overflow, axe's violations."""
    from axe_playwright_python.sync_playwright import Axe

    found = []
    if page.evaluate("document.documentElement.classList.contains('care-mode')") is not care:
        found.append("关怀模式 is not in the state asked for")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    if scroll_width > width:
        found.append(f"overflows sideways: {scroll_width}px wide")
    page.evaluate(Axe().axe_script)
    run = "options => axe.run(document, options).then(results => results.violations)"
    failed = page.evaluate(run, {"resultTypes": ["violations"], "selectors": False, "rules": AXE_RULES[care]})
    if failed:
        options = {"resultTypes": ["violations"], "runOnly": [violation["id"] for violation in failed]}
        for violation in page.evaluate(run, options):
            targets = [node["target"] for node in violation["nodes"]][:3]
            found.append(f"{violation['id']}: {violation['help']} {targets}")
    return found


def check(page, visit, base, paths, width, care):
    """The problems of one page in one width and mode, or why it could not be looked at."""
    try:
        visit(page, base, paths)
        return problems_on(page, width, care)
    except AssertionError as error:  # not the page it should be, or broken
        return [str(error)]
    except Exception as error:  # one page failing to load must not hide the others
        return [f"could not be checked: {error!r}"]


@pytest.fixture(scope="module")
def sweep(browser, live_server, django_db_setup, django_db_blocker, tmp_path_factory):
    """{(page, width, mode): problems} for every page in PAGES, width in WIDTHS and mode in MODES.

    The data is written outside any test, so it stays for the whole sweep; the first test's
    transactional teardown empties the database again."""
    media = tmp_path_factory.mktemp("media")
    results = {}
    with (
        django_db_blocker.unblock(),
        override_settings(
            MEDIA_ROOT=media / "public",
            PRIVATE_MEDIA_ROOT=media / "private",
            SUBMISSIONS_MIN_FILL_SECONDS=0,
            ARTICLES_PER_PAGE=2,  # listings get a pager
        ),
    ):
        cache.clear()
        call_command("load_demo", verbosity=0)
        paths = demo_paths()
        for width, height in WIDTHS.items():
            for mode in MODES:
                care = mode == "care-on"
                context = browser.new_context(
                    locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": width, "height": height}
                )
                context.set_default_timeout(10_000)
                if care:
                    context.add_init_script(CARE_ON)
                try:
                    page = context.new_page()
                    for name, visit in PAGES.items():
                        results[name, width, mode] = check(page, visit, live_server.url, paths, width, care)
                finally:
                    context.close()
        cache.clear()
    return results


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_nothing_and_nothing_overflows(sweep, name, width, mode):
    problems = sweep[name, width, mode]
    assert not problems, "\n".join(problems)
