from unittest import mock

import pytest
from django.db import transaction

from articles.search import documents
from tests.factories import ArticleFactory, IndustryFactory, RegionFactory

pytestmark = pytest.mark.django_db


def test_one_save_with_its_tags_and_regions_rebuilds_the_document_once(django_capture_on_commit_callbacks):
    region, industry = RegionFactory(), IndustryFactory()
    with mock.patch.object(documents, "update_document") as update, django_capture_on_commit_callbacks(execute=True):
        article = ArticleFactory(tags=["营商环境"], regions=[region], industries=[industry])
        article.title = "改过的标题"
        assert update.call_count == 0
        article.save()
    update.assert_called_once_with(article.pk)


def test_a_rolled_back_change_rebuilds_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        article = ArticleFactory()
    with mock.patch.object(documents, "update_document") as update, django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                article.tags.add("回滚的标签")
                raise RuntimeError
        except RuntimeError:
            pass
        assert update.call_count == 0
        article.save()
    update.assert_called_once_with(article.pk)
