"""Summaries are what editors write; descriptions fall back to the lead, cut at a boundary
(issue 13): `Article.excerpt`, `articles.content.excerpts` and migration 0013, which blanks the
summaries the old save filled in by itself."""

import importlib

import pytest
from django.apps import apps
from django.utils import translation

from articles.content import richtext
from articles.content.excerpts import ELLIPSIS, shorten
from articles.models import Article, ArticleDraft
from tests.factories import ArticleFactory, UserFactory

migration = importlib.import_module("articles.migrations.0013_summary_written_only")

LEAD = (
    "北京亦庄生物医药产业招商引资迎来重要突破。一家本地领军企业与投资机构共同宣布将打造抗体药产业化公共服务平台，"
    "此举旨在解决行业共性难题，并通过产业协同激发区域创新活力。这一项目预计将有效降低抗体药物研发企业的产业化门槛，"
    "为北京乃至全国生物医药产业发展提供支撑。"
)
BODY = f"<p>{LEAD}</p><h2>一、政策背景</h2><p>第二段。</p>"


@pytest.mark.django_db
def test_a_blank_summary_stays_blank_on_save():
    article = ArticleFactory(summary="", body=BODY)
    article.refresh_from_db()
    assert article.summary == ""


@pytest.mark.django_db
def test_the_excerpt_is_the_written_summary_else_the_lead():
    assert ArticleFactory(summary="  编辑撰写的摘要。 ", body=BODY).excerpt == "编辑撰写的摘要。"
    excerpt = ArticleFactory(summary="", body=BODY).excerpt
    assert LEAD.startswith(excerpt) and len(excerpt) <= 120
    short = ArticleFactory(summary="", body="<p>只有一句话。</p>").excerpt
    assert short == "只有一句话。"  # nothing cut, nothing marked


def test_a_long_lead_ends_on_a_whole_sentence():
    excerpt = shorten(LEAD, 120)
    assert excerpt.endswith("。") and ELLIPSIS not in excerpt
    assert LEAD.startswith(excerpt) and len(excerpt) <= 120


def test_a_lead_without_a_full_stop_ends_after_a_clause_with_an_ellipsis():
    text = "，".join(["北京经济技术开发区持续优化营商环境"] * 12)
    excerpt = shorten(text, 120)
    assert excerpt.endswith("营商环境" + ELLIPSIS) and len(excerpt) <= 120


def test_latin_words_are_never_cut_in_the_middle():
    text = "Beijing Economic-Technological Development Area " * 6
    excerpt = shorten(text, 120)
    assert excerpt.endswith(ELLIPSIS) and len(excerpt) <= 120
    assert text.startswith(excerpt.removesuffix(ELLIPSIS) + " ")


def test_a_text_without_any_boundary_is_cut_at_the_limit_and_marked():
    excerpt = shorten("京" * 300, 120)
    assert excerpt == "京" * 119 + ELLIPSIS


@pytest.mark.django_db
def test_the_migration_blanks_only_summaries_the_old_save_filled_in():
    filled = ArticleFactory(summary="", body=BODY)
    filled_in_chinese = ArticleFactory(summary="", body=BODY)
    written = ArticleFactory(summary="亦庄抗体药平台落地，降低研发企业产业化门槛。", body=BODY)
    with translation.override("en"):
        Article.objects.filter(pk=filled.pk).update(summary=richtext.summarize(filled.body))
    with translation.override("zh-hans"):  # its "…" is "..." in Chinese
        Article.objects.filter(pk=filled_in_chinese.pk).update(summary=richtext.summarize(BODY))
    draft = ArticleDraft.objects.create(
        article=written, data={"body": BODY, "summary": richtext.summarize(BODY)}, updated_by=UserFactory()
    )

    migration.blank_filled_summaries(apps, None)

    summaries = dict(Article.objects.values_list("pk", "summary"))
    assert summaries[filled.pk] == "" and summaries[filled_in_chinese.pk] == ""
    assert summaries[written.pk] == "亦庄抗体药平台落地，降低研发企业产业化门槛。"
    draft.refresh_from_db()
    assert draft.data == {"body": BODY, "summary": ""}


@pytest.mark.django_db
def test_lists_show_the_lead_of_a_story_without_a_summary_without_loading_bodies(
    client, settings, django_assert_max_num_queries
):
    from tests.factories import ChannelFactory

    settings.PAGE_CACHE_SECONDS = 0
    channel = ChannelFactory(slug="news")
    for n in range(6):
        ArticleFactory(channel=channel, summary="", body=f"<p>第{n}篇的导语。后面还有正文。</p>")
    written = ArticleFactory(channel=channel, summary="编辑写的摘要。", body="<p>正文导语。</p>")
    assert written.lead == "正文导语。"
    client.get("/channels/news/")
    with django_assert_max_num_queries(8):
        page = client.get("/channels/news/").content.decode()
    assert "第0篇的导语。后面还有正文。" in page and "编辑写的摘要。" in page and "正文导语。" not in page


@pytest.mark.django_db
def test_saving_a_new_body_refreshes_the_lead():
    story = ArticleFactory(summary="", body="<p>旧的导语。</p>")
    story.body = "<p>新的导语。</p>"
    story.save(update_fields=["body"])
    story.refresh_from_db()
    assert story.lead == "新的导语。"
