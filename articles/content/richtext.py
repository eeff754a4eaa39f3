"""Article HTML: the nh3 allowlist, heading anchors and the table of contents.

Every article body passes through `prepare_body` on save, whichever way it arrives, so
scripts, event handlers, `javascript:` URLs and inline styles never reach a reader.
"""

import re

import nh3
from django.utils.html import escape, strip_tags
from django.utils.text import Truncator

ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "sub", "sup",
    "blockquote", "ul", "ol", "li", "a", "img", "figure", "figcaption",
    "table", "thead", "tbody", "tr", "th", "td", "caption", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height", "srcset", "sizes", "loading"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto"}

_HEADING = re.compile(r"<h([23])>(.*?)</h\1>", re.DOTALL)
_ANCHORED = re.compile(r'<h2 id="(sec-\d+)">(.*?)</h2>', re.DOTALL)
_SPACE = re.compile(r"\s+")


def sanitize(html):
    return nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


def prepare_body(html):
    """Sanitise, then give each h2/h3 a stable anchor (sec-1, sec-2, …) for the contents."""
    counter = iter(range(1, 10_000))

    def anchor(match):
        return f'<h{match[1]} id="sec-{next(counter)}">{match[2]}</h{match[1]}>'

    return _HEADING.sub(anchor, sanitize(html)).strip()


def table_of_contents(html):
    """[(anchor, heading text)] for the h2 headings of a prepared body."""
    return [(anchor, strip_tags(inner).strip()) for anchor, inner in _ANCHORED.findall(html or "")]


def plain_text(html):
    return _SPACE.sub(" ", strip_tags(html or "")).strip()


_FIRST_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.DOTALL)


def summarize(html, length=120):
    """The lead: the first paragraph's text (or the whole text), cut to `length` characters."""
    first = _FIRST_PARAGRAPH.search(html or "")
    text = plain_text(first[1]) if first else ""
    return Truncator(text or plain_text(html)).chars(length)


# Section headings in plain-text stories: "一、…" up to the first space or punctuation.
_NUMERAL = "一二三四五六七八九十"
_SECTION = re.compile(rf"(?:^|(?<=\s))([{_NUMERAL}]{{1,3}}、)")
_HEADING_END = re.compile(r"[\s,，。;；:：!！?？]")
_MAX_HEADING = 40


def text_to_html(text):
    """Turn a plain-text story into paragraphs, with "一、…" sections as h2 headings.

    A heading runs from its numeral to the first space or punctuation mark; the rest of the
    section is its paragraph. Text before the first section is the lead paragraph.
    """
    parts = _SECTION.split(text.strip())
    blocks = []
    lead = parts[0].strip()
    if lead:
        blocks.extend(f"<p>{escape(p.strip())}</p>" for p in lead.split("\n") if p.strip())
    for numeral, section in zip(parts[1::2], parts[2::2], strict=True):
        end = _HEADING_END.search(section)
        cut = end.start() if end and end.start() <= _MAX_HEADING else min(len(section), _MAX_HEADING)
        heading = section[:cut].strip()
        rest = section[cut:].lstrip()
        if rest[:1] in "。.,，;；:：":
            rest = rest[1:].lstrip()
        blocks.append(f"<h2>{escape(numeral + heading)}</h2>")
        blocks.extend(f"<p>{escape(p.strip())}</p>" for p in rest.split("\n") if p.strip())
    return "\n".join(blocks)
