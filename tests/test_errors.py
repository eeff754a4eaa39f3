import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_404_page_is_in_chinese_with_a_way_home(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "页面不存在" in page and 'href="/"' in page


@pytest.mark.urls("tests.error_urls")
def test_500_page_is_in_chinese_with_a_way_home():
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "服务器" in page and 'href="/"' in page


def test_favicon_requests_land_on_the_site_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("img/favicon.svg")


def test_a_form_posted_without_its_csrf_token_explains_itself_in_chinese():
    response = Client(enforce_csrf_checks=True).post("/contact/", {"name": "张三"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "页面已过期" in page and "返回" in page and "Forbidden" not in page


def test_a_bad_request_page_is_in_chinese(client):
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "请求无效" in response.content.decode()
