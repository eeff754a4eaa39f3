"""The admin index dashboard: review queue, scheduled stories, new contributions and requests."""

import datetime

import pytest
from django.utils import timezone

from articles.models import Article
from tests.factories import ArticleFactory, ContributionFactory, newsroom_user

pytestmark = pytest.mark.django_db


def test_dashboard_shows_review_queue_and_scheduled_articles(client):
    ArticleFactory(title="等待审核的稿件", status=Article.Status.REVIEW)
    ArticleFactory(title="明天上线的稿件", publish_at=timezone.now() + datetime.timedelta(days=1))
    ArticleFactory(title="已经上线的稿件")
    client.force_login(newsroom_user("编辑", username="editor"))
    page = client.get("/admin/").content.decode()
    assert "待审核文章" in page and "等待审核的稿件" in page
    assert "定时发布" in page and "明天上线的稿件" in page
    assert "已经上线的稿件" not in page


def test_dashboard_shows_new_submissions_to_those_allowed_to_see_them(client, admin_user):
    ContributionFactory()
    client.force_login(admin_user)
    page = client.get("/admin/").content.decode()
    assert "新投稿" in page and "新的入驻申请" in page
    client.force_login(newsroom_user("撰稿人", username="writer"))
    assert "新投稿" not in client.get("/admin/").content.decode()


def test_dashboard_is_empty_for_users_without_article_access(client):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("staff", is_staff=True)
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "待审核文章" not in response.content.decode()
