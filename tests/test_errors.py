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
