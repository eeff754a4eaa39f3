"""Merging tags in the admin: only for those who may change tags, and search follows."""

import pytest
from taggit.models import Tag

from articles.admin.tags import merge
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def merge_url(client, *tags):
    response = client.post("/admin/taggit/tag/", {"action": "merge_selected", "_selected_action": [t.pk for t in tags]})
    return response.get("Location", "")


@pytest.fixture
def tagged(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # as if saved in earlier requests
        one = ArticleFactory(tags=["新能源车"])
        both = ArticleFactory(tags=["新能源车", "新能源汽车"])
    return one, both, Tag.objects.get(name="新能源车"), Tag.objects.get(name="新能源汽车")


def test_a_writer_who_may_only_view_tags_cannot_merge_them(client, login_as, tagged):
    *_, old, new = tagged
    login_as("撰稿人", "writer")
    assert "merge_selected" not in client.get("/admin/taggit/tag/").content.decode()
    assert merge_url(client, old, new) == ""  # the action is not offered: nothing happens
    assert client.post("/admin/taggit/tag/merge-tags/", {"new_tag_name": "x"}).status_code == 403
    assert set(Tag.objects.get(name="新能源车").taggit_taggeditem_items.values_list("object_id", flat=True))


def test_an_editor_merges_and_an_item_carrying_both_tags_keeps_one(client, login_as, tagged):
    one, both, old, new = tagged
    login_as("编辑", "editor")
    url = merge_url(client, old, new)
    response = client.post(url, {"new_tag_name": "新能源汽车"}, follow=True)
    assert "已将 2 个标签合并为“新能源汽车”" in response.content.decode()
    assert list(one.tags.names()) == ["新能源汽车"] and list(both.tags.names()) == ["新能源汽车"]


def test_the_merge_page_without_a_choice_or_with_a_forged_one_goes_back_to_the_list(client, login_as, tagged):
    login_as("编辑", "editor")
    for url in [
        "/admin/taggit/tag/merge-tags/",
        "/admin/taggit/tag/merge-tags/?tags=1,2",
        "/admin/taggit/tag/merge-tags/?tags=",
    ]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == "/admin/taggit/tag/"


def test_merging_rebuilds_the_search_documents_of_the_stories(tagged, django_capture_on_commit_callbacks, monkeypatch):
    from articles.search import documents

    rebuilt = []
    monkeypatch.setattr(documents, "update_document", rebuilt.append)
    one, both, old, new = tagged
    with django_capture_on_commit_callbacks(execute=True):
        merge([old, new], "新能源")
    assert sorted(rebuilt) == sorted([one.pk, both.pk])
