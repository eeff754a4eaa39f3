"""站点信息: the footer's publisher, contact and filings, edited in the admin as one record."""

import pytest
from django.urls import reverse

from articles.models import SiteInfo
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

CHANGE_URL = reverse("admin:articles_siteinfo_change", args=[SiteInfo.SINGLETON_PK])


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 300


def form_data(**overrides):
    return {
        "sponsor": "北京市投资促进服务中心",
        "operator": "北京招商资讯网编辑部",
        "phone": "010-87654321",
        "address": "北京市西城区示例街 2 号",
        "icp_number": "京ICP备20001234号-2",
        "police_record": "京公网安备 11010202000001号",
        "privacy_policy": "一、我们收集的信息\n只收集您填写的内容。",
        "terms_of_use": "转载请注明来源。",
        **overrides,
    }


def test_the_change_list_goes_straight_to_the_one_record(admin_client):
    response = admin_client.get(reverse("admin:articles_siteinfo_changelist"))
    assert response.status_code == 302 and response["Location"] == CHANGE_URL
    assert SiteInfo.objects.count() == 1
    admin_client.get(reverse("admin:articles_siteinfo_changelist"))
    assert SiteInfo.objects.count() == 1


def test_a_fresh_record_starts_from_the_environment(admin_client, settings):
    settings.SITE_SPONSOR = "北京市某某中心"
    settings.SITE_ICP = "京ICP备11112222号"
    settings.SITE_POLICE_RECORD = "京公网安备11010502000002号"
    admin_client.get(reverse("admin:articles_siteinfo_changelist"))
    page = admin_client.get(CHANGE_URL).content.decode()
    assert "北京市某某中心" in page and "京ICP备11112222号" in page
    assert "京公网安备 11010502000002号" in page  # written the one way the footer shows it


def test_there_is_no_way_to_add_a_second_record_or_delete_it(admin_client):
    admin_client.get(reverse("admin:articles_siteinfo_changelist"))
    assert admin_client.get(reverse("admin:articles_siteinfo_add")).status_code == 403
    assert admin_client.get(reverse("admin:articles_siteinfo_delete", args=[1])).status_code == 403
    assert admin_client.post(reverse("admin:articles_siteinfo_delete", args=[1]), {"post": "yes"}).status_code == 403
    page = admin_client.get(CHANGE_URL).content.decode()
    assert "deletelink" not in page and "_addanother" not in page
    assert SiteInfo.objects.count() == 1


def test_a_record_saved_in_code_stays_the_one_record():
    SiteInfo(sponsor="甲").save()
    SiteInfo(sponsor="乙").save()
    assert list(SiteInfo.objects.values_list("pk", "sponsor")) == [(1, "乙")]


def test_an_admin_edit_shows_in_the_footer_at_once_cached_pages_included(admin_client, client):
    story = ArticleFactory()
    for url in ("/", story.get_absolute_url(), "/contact/"):
        client.get(url)
    assert client.get("/")["X-Cache"] == "HIT"
    admin_client.get(reverse("admin:articles_siteinfo_changelist"))
    response = admin_client.post(CHANGE_URL, form_data())
    assert response.status_code == 302
    for url in ("/", story.get_absolute_url(), "/contact/"):
        page = client.get(url).content.decode()
        assert "主办单位：北京市投资促进服务中心" in page, url
        assert "承办单位：北京招商资讯网编辑部" in page
        assert '<a href="tel:01087654321">010-87654321</a>' in page
        assert '<a href="https://beian.miit.gov.cn/">京ICP备20001234号-2</a>' in page
        assert (
            '<a href="https://beian.mps.gov.cn/#/query/webSearch?code=11010202000001">京公网安备 11010202000001号</a>'
            in page
        )


@pytest.mark.parametrize(
    "value",
    [
        "京ICP备号",
        "ICP备12345678号",
        "京ICP证030173号",
        "京ICP备12345678",
        "京ICP备12345678号-",
        "<b>京ICP备12345678号</b>",
    ],
)
def test_a_malformed_icp_number_is_refused_in_chinese(admin_client, value):
    admin_client.get(reverse("admin:articles_siteinfo_changelist"))
    response = admin_client.post(CHANGE_URL, form_data(icp_number=value))
    assert response.status_code == 200
    assert "ICP备案号格式不正确" in response.content.decode()
    assert SiteInfo.objects.get().icp_number != value


@pytest.mark.parametrize(
    "value",
    [
        "京公网安备 1101020200000号",
        "公网安备 11010202000001号",
        "京公网安备 11010202000001",
        "京公网安备 110102020000011号",
    ],
)
def test_a_malformed_police_record_is_refused_in_chinese(admin_client, value):
    admin_client.get(reverse("admin:articles_siteinfo_changelist"))
    response = admin_client.post(CHANGE_URL, form_data(police_record=value))
    assert response.status_code == 200
    assert "公安备案号格式不正确" in response.content.decode()


def test_a_phone_number_with_letters_is_refused(admin_client):
    admin_client.get(reverse("admin:articles_siteinfo_changelist"))
    response = admin_client.post(CHANGE_URL, form_data(phone="javascript:alert(1)"))
    assert "联系电话只能包含数字" in response.content.decode()


def test_oversized_values_are_refused_not_cut(admin_client):
    admin_client.get(reverse("admin:articles_siteinfo_changelist"))
    response = admin_client.post(CHANGE_URL, form_data(sponsor="长" * 101))
    assert response.status_code == 200 and "长" * 101 not in SiteInfo.objects.get().sponsor


def test_markup_in_the_record_is_shown_as_text(admin_client, client):
    admin_client.get(reverse("admin:articles_siteinfo_changelist"))
    admin_client.post(
        CHANGE_URL, form_data(sponsor="<script>alert(1)</script>", privacy_policy="<img src=x onerror=alert(1)>")
    )
    assert "<script>alert(1)</script>" not in client.get("/").content.decode()
    assert "<img src=x" not in client.get("/privacy/").content.decode()


def test_empty_fields_are_left_out_of_the_footer(client):
    page = client.get("/").content.decode()
    assert "主办单位" not in page and "ICP备" not in page and "公网安备" not in page


def test_the_footer_costs_no_query_once_the_navigation_is_cached(client, settings, django_assert_num_queries):
    settings.PAGE_CACHE_SECONDS = 0
    SiteInfo(sponsor="北京市投资促进服务中心").save()
    client.get("/submit/terms/")
    with django_assert_num_queries(0):
        page = client.get("/submit/terms/").content.decode()
    assert "主办单位：北京市投资促进服务中心" in page


def test_the_error_pages_without_a_database_show_the_filings_from_the_environment(settings):
    from django.template import loader

    settings.SITE_ICP = "京ICP备12345678号-1"
    settings.SITE_POLICE_RECORD = "京公网安备 11010202000001号"
    page = loader.get_template("500.html").render()
    assert '<a href="https://beian.miit.gov.cn/">京ICP备12345678号-1</a>' in page
    assert "webSearch?code=11010202000001" in page and "/static/img/police-badge.svg" in page


def test_the_demo_fills_the_footer_but_keeps_what_was_set():
    from articles.content.demo.site_info import fill_site_info

    SiteInfo(sponsor="编辑填写的主办单位").save()
    fill_site_info()
    info = SiteInfo.objects.get()
    assert info.sponsor == "编辑填写的主办单位"
    assert info.icp_number and info.police_record_code and info.privacy_policy and info.terms_of_use
    info.full_clean()
