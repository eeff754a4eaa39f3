"""Article HTML: the nh3 allowlist, heading anchors and the table of contents.

Every article body passes through `prepare_body` on save, whichever way it arrives, so
scripts, event handlers, `javascript:` URLs and inline styles never reach a reader.

Images come from the site only: an <img>'s `src` and every URL in its `srcset` must be a
same-site path (/media/…, /static/…, any /path) or lie under MEDIA_URL or STATIC_URL when
those are absolute (object storage); a URL on the site's own SITE_URL origin is kept as its
path. An image whose `src` fails is dropped whole (there is nothing left to show); a
`srcset` with any failing candidate loses that attribute and the image keeps its `src`.
"""

import re
from urllib.parse import urlsplit

import nh3
from django.conf import settings
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


# Browsers strip C0 controls and spaces around a URL, remove tabs and line breaks inside it
# and read a backslash as a slash: the check reads the URL as the browser will.
_URL_EDGE = "".join(map(chr, range(0x21)))
_URL_INSIDE = re.compile(r"[\t\n\r]")
# One srcset candidate: a URL (no commas, so the split is the browser's) and one descriptor.
_SRCSET_CANDIDATE = re.compile(r"\s*([^\s,]+)(?:\s+(\d+w|\d+(?:\.\d+)?x))?\s*")
_IMG_TAG = re.compile(r'<img\b(?:[^>"]|"[^"]*")*>')


def _site_origin():
    parts = urlsplit(settings.SITE_URL or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def same_site_url(value):
    """`value` as an image URL the site serves, or None: no other scheme or host passes
    (javascript:, data:, //host, /\\host, https://elsewhere)."""
    url = _URL_INSIDE.sub("", value.strip(_URL_EDGE))
    if any(base and url.startswith(base) for base in (settings.MEDIA_URL, settings.STATIC_URL)):
        return url
    origin = _site_origin()
    if origin and url.startswith(origin + "/"):
        url = url[len(origin) :]
    return url if url.startswith("/") and url[1:2] not in ("/", "\\") else None


def same_site_srcset(value):
    """`value` when every candidate is a `same_site_url` with at most one w or x descriptor,
    else None. The grammar is strict so that the URLs checked are the ones a browser reads."""
    candidates = []
    for part in value.split(","):
        match = _SRCSET_CANDIDATE.fullmatch(part)
        url = same_site_url(match[1]) if match else None
        if url is None:
            return None
        candidates.append(f"{url} {match[2]}" if match[2] else url)
    return ", ".join(candidates)


_URL_CHECKS = {("img", "src"): same_site_url, ("img", "srcset"): same_site_srcset}


def _checked_attribute(element, attribute, value):
    check = _URL_CHECKS.get((element, attribute))
    return check(value) if check else value


def sanitize(html):
    """The allowlisted HTML of `html`; images from elsewhere are dropped (see the module)."""
    cleaned = nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        attribute_filter=_checked_attribute,
    )
    return _IMG_TAG.sub(lambda tag: tag[0] if ' src="' in tag[0] else "", cleaned)


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
