"""Import stories from the plain-text page format.

The format: blocks separated by a line holding only "-". Each block is a title line, one or
more body lines and a date line (YYYY-MM-DD). Text after the last story's date is the page
footer and is ignored. Parsing checks the whole file before anything is written, so a
malformed file imports nothing. Half-width , and " in Chinese sentences become ， and “ ”
(`normalize_punctuation`).
"""

import datetime
import re
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from articles.content import richtext
from articles.models import Article

_DATE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")
# Han characters and CJK / full-width punctuation: what makes a sentence Chinese.
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff01-\uff60]")
_QUOTED = re.compile(r'"([^"\n]*)"')
_COMMA = re.compile(r",[ \t]*")
# Looking past these for a comma's neighbours: 他说“好”,… has 好 before its comma.
_CLOSING = "”’）)」』》"
_OPENING = "“‘（(「『《"
MAX_TITLE = Article._meta.get_field("title").max_length


class ImportFormatError(ValueError):
    def __init__(self, line, message):
        super().__init__(f"第 {line} 行：{message}")
        self.line = line


@dataclass(frozen=True)
class ParsedStory:
    title: str
    text: str
    date: datetime.date
    line: int
    # The title as the file spells it, before normalize_punctuation: earlier imports kept it.
    original_title: str = ""


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    ignored_footer_lines: int = 0


def parse(text):
    """Parse the whole file into stories, or raise ImportFormatError naming the line."""
    lines = text.lstrip("\ufeff").splitlines()
    separators = [i for i, line in enumerate(lines) if line.strip() == "-"]
    if not separators:
        raise ImportFormatError(1, "找不到文章分隔行（只含“-”的一行）。")
    if any(line.strip() for line in lines[: separators[0]]):
        first = next(i for i, line in enumerate(lines) if line.strip())
        raise ImportFormatError(first + 1, "第一篇文章之前不应有内容，文件应以只含“-”的一行开头。")
    stories, footer = [], 0
    bounds = [*separators, len(lines)]
    for n, (start, end) in enumerate(zip(bounds, bounds[1:], strict=False)):
        block = [(i + 1, lines[i].strip()) for i in range(start + 1, end) if lines[i].strip()]
        is_last = n == len(separators) - 1
        story, trailing = _parse_block(block, start + 1, is_last)
        stories.append(story)
        footer += trailing
    titles = {}
    for story in stories:
        key = (story.title, story.date)
        if key in titles:
            raise ImportFormatError(story.line, f"与第 {titles[key]} 行的文章标题和日期重复。")
        titles[key] = story.line
    return stories, footer


def _parse_block(block, separator_line, is_last):
    if not block:
        raise ImportFormatError(separator_line, "分隔行之后没有文章内容。")
    title_line, original_title = block[0]
    title = normalize_punctuation(original_title)
    if _DATE.match(title):
        raise ImportFormatError(title_line, "缺少标题：分隔行之后的第一行应是标题。")
    if len(title) > MAX_TITLE:
        raise ImportFormatError(title_line, f"标题过长（{len(title)} 字，最多 {MAX_TITLE} 字）。")
    date_index = next((k for k, (_, line) in enumerate(block[1:], start=1) if _DATE.match(line)), None)
    if date_index is None:
        raise ImportFormatError(block[-1][0], f"文章“{title}”缺少日期行（格式 YYYY-MM-DD）。")
    date_line, date_text = block[date_index]
    try:
        date = datetime.date.fromisoformat("-".join(part.zfill(2) for part in date_text.split("-")))
    except ValueError:
        raise ImportFormatError(date_line, f"日期“{date_text}”无效。") from None
    body = [normalize_punctuation(line) for _, line in block[1:date_index]]
    if not body:
        raise ImportFormatError(date_line, f"文章“{title}”没有正文。")
    trailing = block[date_index + 1 :]
    if trailing and not is_last:
        raise ImportFormatError(trailing[0][0], "日期行之后、下一个分隔行之前出现了多余内容。")
    story = ParsedStory(title=title, text="\n".join(body), date=date, line=title_line, original_title=original_title)
    return story, len(trailing)


def normalize_punctuation(text):
    """Half-width , and paired " in Chinese sentences as full-width ， and “ ”.

    A quoted run becomes “…” when it holds a Chinese character or touches one outside; a comma
    becomes ， (and loses the spaces after it) when the character before or after it, past
    quotes and brackets, is Chinese. Latin text and numbers (1,000) keep theirs.
    """

    def quote(match):
        inner, before, after = match[1], text[match.start() - 1 : match.start()], text[match.end() : match.end() + 1]
        if _CJK.search(inner) or _CJK.match(before) or _CJK.match(after):
            return f"“{inner}”"
        return match[0]

    text = _QUOTED.sub(quote, text)

    def comma(match):
        start, end = match.start(), match.end()
        before = text[:start].rstrip(_CLOSING)[-1:]
        after = text[end:].lstrip(_OPENING)[:1]
        if _CJK.match(before) or _CJK.match(after):
            return "，"
        return match[0]

    return _COMMA.sub(comma, text)


def publish_time(date, position, total):
    """Stories of one day keep the file's order, newest first: 09:00 plus a minute per place."""
    tz = timezone.get_current_timezone()
    return datetime.datetime.combine(date, datetime.time(9, 0), tzinfo=tz) + datetime.timedelta(
        minutes=total - position
    )


def import_stories(stories, *, status=Article.Status.DRAFT, source=None):
    """Create or update one article per story, matched on title and publication date.

    All in one transaction: either every story is written or none is.
    """
    result = ImportResult()
    extra = {"source": source} if source else {}
    with transaction.atomic():
        for position, story in enumerate(stories):
            body = richtext.prepare_body(richtext.text_to_html(story.text))
            titles = {story.title, story.original_title or story.title}
            existing = Article.objects.filter(title__in=titles, publish_at__date=story.date).first()
            if existing is None:
                Article.objects.create(
                    title=story.title,
                    body=body,
                    status=status,
                    publish_at=publish_time(story.date, position, len(stories)),
                    **extra,
                )
                result.created += 1
            elif existing.body != body or existing.title != story.title:
                existing.title = story.title
                existing.body = body
                existing.summary = ""
                existing.save()
                result.updated += 1
            else:
                result.unchanged += 1
    return result
