"""A published story edited in the browser: readers keep the published text until 发布修改."""

import pytest

from articles.models import Article
from tests.factories import ArticleFactory, newsroom_user
from tests.helpers import PASSWORD, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_editor_saves_changes_to_a_live_story_then_publishes_them(page, live_server):
    base = live_server.url
    newsroom_user("编辑", username="editor", password=PASSWORD)
    story = ArticleFactory(title="西城金融街招商会", status=Article.Status.PUBLISHED)
    reader = page.context.browser.new_context(locale="zh-CN").new_page()

    log_in(page, base, "editor")
    page.goto(base + f"/admin/articles/article/{story.pk}/change/")
    assert "保存后的修改先作为“未发布的修改”保留" in page.locator(".newsroom-notice").inner_text()
    page.fill("#id_title", "西城金融街招商会（第二场）")
    page.get_by_role("button", name="保存并继续编辑").click()
    page.wait_for_load_state()
    assert "未发布的修改" in page.locator(".messagelist").inner_text()
    assert page.locator("#id_title").input_value() == "西城金融街招商会（第二场）"
    assert "已发布，有未发布的修改" in page.locator(".newsroom-changes").inner_text()

    reader.goto(base + story.get_absolute_url())
    assert reader.locator("h1").inner_text() == "西城金融街招商会"

    # The preview shows the changes; the list says they wait.
    with page.expect_popup() as opened:
        page.get_by_role("link", name="预览修改").click()
    assert opened.value.locator("h1").inner_text() == "西城金融街招商会（第二场）"
    opened.value.close()
    page.goto(base + "/admin/articles/article/")
    assert "已发布，有未发布的修改" in page.locator("#result_list").inner_text()

    page.goto(base + f"/admin/articles/article/{story.pk}/change/")
    page.get_by_role("button", name="发布修改").click()
    page.wait_for_url(base + "/admin/articles/article/")
    assert "已发布修改" in page.locator(".messagelist").inner_text()
    # The reader's browser may keep the page a minute (Cache-Control max-age): asking again
    # (a reload revalidates its ETag) gets the published changes.
    reader.reload()
    assert reader.locator("h1").inner_text() == "西城金融街招商会（第二场）"
    reader.context.close()


def test_take_down_asks_before_it_happens(page, live_server):
    base = live_server.url
    newsroom_user("总编辑", username="chief", password=PASSWORD)
    story = ArticleFactory(title="石景山首钢园推介", status=Article.Status.PUBLISHED)
    log_in(page, base, "chief")
    page.goto(base + f"/admin/articles/article/{story.pk}/change/")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="下线").click()
    assert asked and "确定下线" in asked[0]
    story.refresh_from_db()
    assert story.status == Article.Status.PUBLISHED
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="下线").click()
    page.wait_for_url(base + "/admin/articles/article/")
    story.refresh_from_db()
    assert story.status == Article.Status.ARCHIVED
