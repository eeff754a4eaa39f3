"""The readable diff of two versions (articles.newsroom.diff), on its own: no database, no pages."""

import time

from hypothesis import given
from hypothesis import strategies as st

from articles.newsroom import diff
from articles.newsroom.diff import ADD, DEL, GAP, SAME, Segment, TextBlock


def marked(segments):
    """Segments as one string: [-deleted-]{+inserted+}, … for elided text."""
    marks = {SAME: "{}", ADD: "{{+{}+}}", DEL: "[-{}-]", GAP: "…"}
    return "".join(marks[s.kind].format(s.text) for s in segments)


def states(blocks):
    return [block.state for block in blocks]


# ---------- the body as text blocks ----------


def test_paragraphs_headings_and_list_items_become_blocks_without_markup():
    html = "<h2>一、总体要求</h2><p>亦庄新签约<b>三个</b>项目。</p><ul><li>生物医药</li><li>新能源</li></ul>"
    assert diff.text_blocks(html) == [
        TextBlock("heading", "一、总体要求"),
        TextBlock("paragraph", "亦庄新签约三个项目。"),
        TextBlock("item", "生物医药"),
        TextBlock("item", "新能源"),
    ]


def test_an_image_reads_as_its_alt_text_and_a_caption_as_its_own_block():
    html = '<figure><img src="/media/images/a.jpg" alt="签约仪式现场"><figcaption>图为签约现场</figcaption></figure>'
    assert diff.text_blocks(html) == [TextBlock("image", "[图片：签约仪式现场]"), TextBlock("caption", "图为签约现场")]
    assert diff.text_blocks('<p><img src="/media/b.jpg" alt=""></p>') == [TextBlock("paragraph", "[图片]")]


def test_table_rows_read_cell_by_cell_and_spaces_collapse():
    html = "<table><tr><th>区域</th><td>亦庄</td></tr></table><p>  北京\n  经开区 <br> 2026 年 </p>"
    assert diff.text_blocks(html) == [TextBlock("row", "区域 ｜ 亦庄"), TextBlock("paragraph", "北京 经开区 2026 年")]


def test_broken_and_empty_html_still_reads():
    assert diff.text_blocks("") == diff.text_blocks(None) == []
    assert diff.text_blocks("<p>未闭合<li>列表</p></ul></div>尾部") == [
        TextBlock("paragraph", "未闭合"),
        TextBlock("item", "列表"),
        TextBlock("paragraph", "尾部"),
    ]


# ---------- inside a changed block ----------


def test_chinese_is_compared_character_by_character():
    assert marked(diff.inline_diff("亦庄新签约三个项目。", "亦庄新签约五个项目。")) == "亦庄新签约[-三-]{+五+}个项目。"


def test_numbers_and_latin_words_change_as_a_whole():
    segments = diff.inline_diff("总投资 12.5 亿元，Beijing E-Town", "总投资 13 亿元，Beijing Yizhuang")
    assert marked(segments) == "总投资 [-12.5-]{+13+} 亿元，Beijing [-E-Town-]{+Yizhuang+}"


def test_a_rewritten_phrase_reads_as_one_deletion_and_one_insertion():
    # "的" is common to both: it is folded into the change instead of splitting it in two.
    assert marked(diff.inline_diff("新增的段落", "删除的文字")) == "[-新增的段落-]{+删除的文字+}"


def test_long_unchanged_stretches_inside_a_block_are_elided():
    common = "北京经济技术开发区今年以来持续优化营商环境，" * 4
    segments = diff.inline_diff(common + "新签约三个项目。" + common, common + "新签约五个项目。" + common)
    text = marked(segments)
    assert "[-三-]{+五+}" in text
    assert text.startswith("…") and text.endswith("…")
    assert len(text) < 80


def test_short_values_are_kept_whole():
    assert marked(diff.inline_diff("草稿", "已发布")) == "[-草稿-]{+已发布+}"
    assert diff.inline_diff("同样", "同样") == [Segment(SAME, "同样")]


def test_the_two_sides_each_show_their_own_marks():
    before, after = diff.sides(diff.inline_diff("亦庄、海淀", "亦庄、石景山"))
    assert marked(before) == "亦庄、[-海淀-]"
    assert marked(after) == "亦庄、{+石景山+}"


# ---------- the body ----------


def paragraphs(count, **replaced):
    texts = [f"第{n}段讲的是第{n}个项目的落地情况。" for n in range(count)]
    for index, text in replaced.items():
        texts[int(index.removeprefix("p"))] = text
    return "".join(f"<p>{text}</p>" for text in texts if text is not None)


def test_markup_only_changes_read_the_same():
    assert diff.diff_html("<p>亦庄<b>新签约</b>项目。</p>", "<p>亦庄<strong>新签约</strong>项目。</p>") == []


def test_a_changed_paragraph_is_marked_inside_with_its_neighbours_as_context():
    blocks = diff.diff_html(paragraphs(3), paragraphs(3, p1="第1段讲的是第一个项目的落地情况。"))
    assert states(blocks) == ["same", "changed", "same"]
    assert marked(blocks[1].segments) == "第1段讲的是第[-1-]{+一+}个项目的落地情况。"


def test_unchanged_stretches_of_the_body_collapse_into_a_gap():
    blocks = diff.diff_html(paragraphs(40), paragraphs(40, p20="第20段讲的是第二十个项目的落地情况。"))
    assert states(blocks) == ["gap", "same", "changed", "same", "gap"]
    assert blocks[0].skipped == 19 and blocks[-1].skipped == 18


def test_added_and_removed_paragraphs():
    blocks = diff.diff_html(paragraphs(5), paragraphs(5, p2=None) + "<p>文末新增的一段说明。</p>")
    assert states(blocks) == ["same", "same", "removed", "same", "same", "added"]
    assert blocks[2].segments == (Segment(DEL, "第2段讲的是第2个项目的落地情况。"),)
    assert blocks[-1].segments == (Segment(ADD, "文末新增的一段说明。"),)


def test_a_paragraph_rewritten_beyond_recognition_is_removed_and_added():
    blocks = diff.diff_html("<p>亦庄新签约三个项目。</p>", "<p>怀柔科学城举行发布会。</p>")
    assert states(blocks) == ["removed", "added"]


def test_a_heading_turned_into_a_paragraph_is_not_one_changed_block():
    blocks = diff.diff_html("<h2>政策背景</h2>", "<p>政策背景</p>")
    assert [(b.state, b.kind) for b in blocks] == [("removed", "heading"), ("added", "paragraph")]


def test_an_image_whose_description_changed():
    blocks = diff.diff_html('<p><img src="/a.jpg" alt="签约仪式"></p>', '<p><img src="/a.jpg" alt="签约仪式现场"></p>')
    assert marked(blocks[0].segments) == "[图片：签约仪式{+现场+}]"


def test_a_long_body_with_one_change_stays_short_and_quick():
    body = paragraphs(3000)
    started = time.monotonic()
    blocks = diff.diff_html(body, body.replace("第1500段", "第一千五百段"))
    assert time.monotonic() - started < 5
    assert states(blocks) == ["gap", "same", "changed", "same", "gap"]


@given(st.text(max_size=200), st.text(max_size=200))
def test_any_text_diff_gives_back_both_texts(before, after):
    segments = diff.inline_diff(before, after)
    old, new = diff.sides(segments)
    if not any(s.kind == GAP for s in segments):
        assert "".join(s.text for s in old) == before
        assert "".join(s.text for s in new) == after


@given(st.text(alphabet="<>/=\"' pliah23ugfmcatx亦庄。", max_size=300))
def test_any_markup_is_read_without_error(html):
    assert isinstance(diff.diff_html(html, html + "<p>新增</p>"), list)


# ---------- fields ----------

FIELDS = [("title", "标题"), ("tags", "标签"), ("body", "正文")]


def test_compare_lists_only_fields_that_differ_and_never_unknown_ones():
    before = {"title": "原标题", "tags": None, "body": "<p>同样的正文。</p>"}
    after = {"title": "新标题", "tags": "新能源", "body": "<p>同样的<em>正文</em>。</p>"}
    changes = diff.compare(before, after, FIELDS)
    assert [c.label for c in changes] == ["标题"]
    assert marked(changes.fields[0].before) == "[-原-]标题" and marked(changes.fields[0].after) == "{+新+}标题"


def test_compare_puts_the_body_apart_as_blocks():
    changes = diff.compare(
        {"title": "甲", "body": "<p>一。</p>"}, {"title": "甲", "body": "<p>一。</p><p>二。</p>"}, FIELDS
    )
    assert changes.fields == () and [c.name for c in changes.texts] == ["body"]
    assert states(changes.texts[0].blocks) == ["same", "added"]


def test_nothing_differs():
    assert not diff.compare({"title": "甲"}, {"title": "甲"}, FIELDS)
