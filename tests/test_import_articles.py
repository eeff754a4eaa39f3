import datetime

import pytest
from django.core.management import CommandError, call_command

from articles.content.importer import normalize_punctuation, publish_time
from articles.models import Article

pytestmark = pytest.mark.django_db

GOOD = """-
亦庄共建抗体药产业公共服务平台
北京亦庄生物医药产业招商引资迎来重要突破。 一、战略合作奠定平台基础 近日在北京亦庄举行研讨会。 二、平台建设破解产业化瓶颈,平台建设顺利。
2025-08-13
-
影视产业重磅激励 怀柔示范区抛出最高3000万招商计划
怀柔区通过专项资金政策强力推进影视文化领域招商引资工作。
2025-08-12
有想补充的信息?点我投稿

- 联系我们
- 企业入驻
"""


def run_import(tmp_path, text, *args):
    path = tmp_path / "page.txt"
    path.write_text(text, encoding="utf-8")
    from io import StringIO

    out = StringIO()
    call_command("import_articles", str(path), *args, stdout=out)
    return out.getvalue()


def test_import_creates_articles_with_sections_and_reports_counts(tmp_path):
    out = run_import(tmp_path, GOOD, "--publish")
    assert "新建 2 篇" in out
    assert "页脚" in out
    article = Article.objects.get(title="亦庄共建抗体药产业公共服务平台")
    assert article.status == Article.Status.PUBLISHED
    assert [heading for _, heading in article.sections] == ["一、战略合作奠定平台基础", "二、平台建设破解产业化瓶颈"]
    assert article.publish_at.astimezone().date().isoformat() in {"2025-08-13", "2025-08-12"}
    assert not Article.objects.filter(title__contains="联系我们").exists()


def test_imported_articles_are_drafts_unless_published(tmp_path):
    run_import(tmp_path, GOOD)
    assert set(Article.objects.values_list("status", flat=True)) == {Article.Status.DRAFT}


def test_reimport_creates_no_duplicates(tmp_path):
    run_import(tmp_path, GOOD)
    out = run_import(tmp_path, GOOD)
    assert Article.objects.count() == 2
    assert "新建 0 篇" in out and "未变 2 篇" in out


def test_reimport_updates_a_changed_body(tmp_path):
    run_import(tmp_path, GOOD)
    out = run_import(tmp_path, GOOD.replace("强力推进", "全力推进"))
    assert "更新 1 篇" in out
    assert "全力推进" in Article.objects.get(title__startswith="影视产业").body


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("-\n标题\n正文\n2025-13-45\n", 4, "日期"),
        ("-\n标题\n正文没有日期\n", 3, "缺少日期行"),
        ("-\n标题\n2025-08-13\n", 3, "没有正文"),
        ("-\n2025-08-13\n", 2, "缺少标题"),
        ("没有分隔行\n", 1, "分隔行"),
        ("开头多余\n-\n标题\n正文\n2025-08-13\n", 1, "开头"),
        ("-\n标题\n正文\n2025-08-13\n多余\n-\n标题二\n正文\n2025-08-13\n", 5, "多余内容"),
        ("-\n标题\n正文\n2025-08-13\n-\n标题\n正文\n2025-08-13\n", 6, "重复"),
        ("-\n" + "长" * 201 + "\n正文\n2025-08-13\n", 2, "标题过长"),
        ("-\n标题\n正文\n2025-08-13\n-\n", 5, "没有文章内容"),
    ],
)
def test_malformed_file_is_refused_with_line_number_and_imports_nothing(tmp_path, text, line, message):
    with pytest.raises(CommandError) as excinfo:
        run_import(tmp_path, text)
    assert f"第 {line} 行" in str(excinfo.value)
    assert message in str(excinfo.value)
    assert Article.objects.count() == 0


def test_a_bad_story_after_good_ones_imports_none_of_them(tmp_path):
    good_part = GOOD.split("有想补充")[0]
    bad = good_part + "-\n标题三\n正文\n2025-02-30\n"
    with pytest.raises(CommandError, match="第 12 行"):
        run_import(tmp_path, bad)
    assert Article.objects.count() == 0


def test_missing_and_non_utf8_files_get_a_clear_message(tmp_path):
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("import_articles", str(tmp_path / "nope.txt"))
    path = tmp_path / "gbk.txt"
    path.write_bytes("-\n标题\n正文\n2025-08-13\n".encode("gbk"))
    with pytest.raises(CommandError, match="UTF-8"):
        call_command("import_articles", str(path))


CHINESE_PUNCTUATION = """-
亚投行助力北京清洁能源转型 首笔投资落地"煤改气"项目
北京,上海两地联动, 共有1,000家企业参与。他说"今年,我们将扩大投资"。
英文引文保持原样: He said "hello, world" and left.
2025-08-11
"""


def test_import_makes_half_width_punctuation_in_chinese_sentences_full_width(tmp_path):
    run_import(tmp_path, CHINESE_PUNCTUATION)
    article = Article.objects.get()
    assert article.title == "亚投行助力北京清洁能源转型 首笔投资落地“煤改气”项目"
    assert "北京，上海两地联动，共有1,000家企业参与。他说“今年，我们将扩大投资”。" in article.body
    assert 'He said "hello, world" and left.' in article.body


def test_reimport_finds_stories_imported_before_their_punctuation_was_normalised(tmp_path):
    Article.objects.create(
        title='亚投行助力北京清洁能源转型 首笔投资落地"煤改气"项目',
        body="<p>旧正文</p>",
        publish_at=publish_time(datetime.date(2025, 8, 11), 0, 1),
    )
    out = run_import(tmp_path, CHINESE_PUNCTUATION)
    assert "新建 0 篇" in out and "更新 1 篇" in out
    assert Article.objects.get().title == "亚投行助力北京清洁能源转型 首笔投资落地“煤改气”项目"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("北京,上海", "北京，上海"),
        ("GDP,增长", "GDP，增长"),
        ("2025年,1,000万元", "2025年，1,000万元"),
        ("“中关村”,海淀", "“中关村”，海淀"),
        ('他说"hello"', "他说“hello”"),
        ("Hello, world", "Hello, world"),
        ('He said "hi, there"', 'He said "hi, there"'),
        ("1,000,000", "1,000,000"),
        ('5" 屏幕', '5" 屏幕'),  # an unpaired quote is left alone
    ],
)
def test_punctuation_is_normalised_only_in_chinese_context(text, expected):
    assert normalize_punctuation(text) == expected
