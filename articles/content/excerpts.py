"""Automatic excerpts: a story's lead, shortened at a sentence or clause boundary.

Used where a line of text is needed whatever the editor wrote (meta description, og:description,
feeds, structured data); the article page itself shows only a summary an editor wrote.
"""

import re

from articles.content import richtext

EXCERPT_LENGTH = 120
ELLIPSIS = "…"
_SENTENCE_ENDS = "。！？!?"
_CLAUSE_ENDS = "；，、：;,:"
_FIRST_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.DOTALL)


def shorten(text, length=EXCERPT_LENGTH):
    """`text` if it fits in `length` characters, else its longest head ending on a boundary.

    A whole sentence is kept with its own full stop; a cut after a clause drops the comma and
    ends in "…". Without a boundary in the second half of the limit the cut falls at the last
    space (between Latin words), and only a text with neither is cut at the limit itself.
    """
    text = " ".join(text.split())
    if len(text) <= length:
        return text
    head = text[:length]
    floor = length // 2
    sentence = max(head.rfind(mark) for mark in _SENTENCE_ENDS)
    if sentence >= floor:
        return head[: sentence + 1]
    for cut in (max(head.rfind(mark) for mark in _CLAUSE_ENDS), head.rfind(" ")):
        if cut >= floor:
            return head[:cut].rstrip() + ELLIPSIS
    return head[: length - len(ELLIPSIS)] + ELLIPSIS


def lead_excerpt(html, length=EXCERPT_LENGTH):
    """The body's first paragraph as plain text (the whole text if it has none), shortened."""
    first = _FIRST_PARAGRAPH.search(html or "")
    text = richtext.plain_text(first[1]) if first else ""
    return shorten(text or richtext.plain_text(html), length)
