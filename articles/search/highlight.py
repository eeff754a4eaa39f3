"""Result snippets: an escaped excerpt around the first match, the matches marked."""

import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

from articles.content import richtext
from articles.search.segmentation import normalise


def highlight(text, groups, length=120, is_html=False):
    """An escaped snippet of `text` around the first match, each match wrapped in <mark>.

    `text` is plain (title, summary) unless `is_html`, when its tags are dropped first.
    """
    plain = richtext.plain_text(text) if is_html else " ".join((text or "").split())
    words = sorted({w for group in groups for w in group if w}, key=len, reverse=True)
    lowered = normalise(plain)
    first = min((i for i in (lowered.find(w) for w in words) if i >= 0), default=-1)
    start = max(first - length // 4, 0) if first >= 0 else 0
    snippet = plain[start : start + length]
    prefix, suffix = ("…" if start > 0 else ""), ("…" if start + length < len(plain) else "")
    if not words:
        return escape(prefix + snippet + suffix)
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    spans = []
    for match in pattern.finditer(snippet):
        if spans and spans[-1][1] == match.start():  # adjacent words mark as one: 乐城国际, not 乐城|国际
            spans[-1][1] = match.end()
        else:
            spans.append([match.start(), match.end()])
    out, last = [], 0
    for start_at, end_at in spans:
        out.append(escape(snippet[last:start_at]))
        out.append(f"<mark>{escape(snippet[start_at:end_at])}</mark>")
        last = end_at
    out.append(escape(snippet[last:]))
    return mark_safe(escape(prefix) + "".join(out) + escape(suffix))
