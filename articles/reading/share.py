"""Sharing a story: its public address, the 微信 QR code, the 微博 link and the share card.

Article pages are cached for every reader, so nothing here reads the request: every address
is built on SITE_URL, the site's public origin.

The share card (og:image of a story without a cover) is a 1200×630 PNG drawn with Pillow on
first request and kept through the default storage (local disk or S3), under a name that is a
digest of what it shows, so a new title draws a new card and the old one is deleted. Its URL
carries the story's updated_at (`?v=`), so it may be cached for a year: an edit gives a new URL.
"""

import functools
import hashlib
import io
import logging
import re
import subprocess
from pathlib import Path
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime
from django.views.decorators.http import require_safe
from PIL import Image, ImageDraw, ImageFont

from articles.models import Article
from newsportal.links import site_url

logger = logging.getLogger(__name__)

CARD_SIZE = (1200, 630)
CARD_DIR = "share-cards"
# Bump when the drawing changes, so stored cards are drawn again.
CARD_LAYOUT = "1"
CARD_MAX_AGE = 365 * 24 * 3600
# CJK fonts looked for, first found wins (fonts-wqy-microhei, fonts-wqy-zenhei, fonts-noto-cjk);
# `fc-match :lang=zh` is asked when none of them is there.
CJK_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
)
WEIBO_SHARE = "https://service.weibo.com/share/share.php"
# Bylines that mean the site's own newsroom: the author is then the organisation.
NEWSROOM_BYLINES = {"本网记者", "本网编辑", "本网"}

_BRAND = (179, 18, 27)
_INK = (31, 31, 31)
_MUTED = (89, 89, 89)
# Characters that may not start a line (避头点): they stay at the end of the line before.
_NO_LINE_START = set("，。、；：？！”’）》」』】〉…,.;:?!)")
_TOKEN = re.compile(r"[A-Za-z0-9_.%+\-]+|\s+|.")


def public_url(article):
    """The story's canonical public address: what the QR code, 微博 and 复制链接 share."""
    return site_url(article.get_absolute_url())


@functools.lru_cache(maxsize=4096)
def qr_svg(url):
    """Inline <svg> markup of a QR code for `url`: no XML declaration, no style attributes.

    Encoding picks the best of eight masks, a few milliseconds of pure Python: a story's URL
    never changes, so each process encodes it once (4,096 URLs, under 8 MB)."""
    out = io.BytesIO()
    segno.make(url, error="m").save(
        out,
        kind="svg",
        scale=4,
        border=2,
        xmldecl=False,
        svgclass="share-qr-code",
        lineclass="share-qr-line",
        title="文章链接二维码",
    )
    return mark_safe(out.getvalue().decode())  # noqa: S308 - segno's own markup, the URL is percent-encoded


def weibo_url(article):
    return f"{WEIBO_SHARE}?{urlencode({'url': public_url(article), 'title': article.title})}"


def is_newsroom_byline(author):
    return author.strip() in NEWSROOM_BYLINES


def card_version(article):
    """The story's last edit in milliseconds: two edits within a second still differ."""
    return str(int(article.updated_at.timestamp() * 1000))


def card_url(article):
    """The share card's absolute URL, versioned by the story's last edit."""
    path = reverse("articles:share-card", args=[article.pk])
    return site_url(f"{path}?{urlencode({'v': card_version(article)})}")


def image_url(article):
    """og:image and the JSON-LD image: the cover's display rendition, else the share card."""
    if article.cover_id:
        return site_url(article.cover.display_url)
    return card_url(article)


# ---------- the share card ----------


@require_safe
def share_card(request, pk):
    """/articles/<id>/share.png: the card of a published story; other stories are 404."""
    article = get_object_or_404(
        Article.objects.published().prefetch_related("regions").only("id", "title", "publish_at", "updated_at"),
        pk=pk,
    )
    if request.GET.get("v") != card_version(article):
        # An old or missing version: send the crawler on to the current card.
        response = HttpResponseRedirect(card_url(article))
        response["Cache-Control"] = "public, max-age=60"
        return response
    response = HttpResponse(card_png(article), content_type="image/png")
    response["Cache-Control"] = f"public, max-age={CARD_MAX_AGE}, immutable"
    return response


def card_png(article):
    """The card's PNG bytes, drawn once and then read from the default storage."""
    lines = _card_text(article)
    digest = hashlib.sha256("\n".join([CARD_LAYOUT, str(_cjk_font_path()), *lines]).encode()).hexdigest()[:20]
    folder = f"{CARD_DIR}/{article.pk}"
    name = f"{folder}/{digest}.png"
    try:
        if default_storage.exists(name):
            with default_storage.open(name, "rb") as stored:
                return stored.read()
    except Exception:  # a storage outage costs the stored copy, never the image
        logger.warning("Share card %s could not be read from storage", name, exc_info=True)
    png = render_card(*lines)
    try:
        _forget_old_cards(folder, keep=f"{digest}.png")
        default_storage.save(name, ContentFile(png))
    except Exception:
        logger.warning("Share card %s could not be stored", name, exc_info=True)
    return png


def _card_text(article):
    regions = [r.name for r in article.regions.all()]
    return [
        settings.SITE_NAME,
        article.title,
        localtime(article.publish_at).strftime("%Y-%m-%d"),
        "、".join(regions[:3]),
    ]


def _forget_old_cards(folder, keep):
    """Delete the cards drawn for the story's earlier titles."""
    try:
        _, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    for file in files:
        if file != keep and file.endswith(".png"):
            default_storage.delete(f"{folder}/{file}")


def render_card(site_name, title, date, regions):
    """A 1200×630 PNG: the site name on a brand band, the wrapped title, the date and regions."""
    width, height = CARD_SIZE
    image = Image.new("RGB", CARD_SIZE, (255, 255, 255))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width, 110), fill=_BRAND)
    draw.rectangle((0, height - 12, width, height), fill=_BRAND)
    path = _cjk_font_path()
    if path is None:
        # No CJK font: a card with the brand and the date only, never squares for characters.
        draw.text((72, height - 110), date, font=ImageFont.load_default(size=40), fill=_MUTED)
    else:
        draw.text((72, 30), site_name, font=_font(path, 46), fill=(255, 255, 255))
        title_font = _font(path, 64)
        for n, line in enumerate(wrap(title, title_font, width - 144, max_lines=4)):
            draw.text((72, 160 + n * 90), line, font=title_font, fill=_INK)
        footer = "　".join(part for part in (date, regions) if part)
        draw.text((72, height - 110), footer, font=_font(path, 36), fill=_MUTED)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def wrap(text, font, width, max_lines):
    """Break `text` into lines at most `width` pixels wide: CJK anywhere, Latin between words.

    Closing punctuation never starts a line; a title longer than `max_lines` ends in "…".
    """
    lines, line = [], ""
    for token in _TOKEN.findall(" ".join(text.split())):
        if line and font.getlength(line + token) > width and token[0] not in _NO_LINE_START:
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line += token
    if line.strip():
        lines.append(line.rstrip())
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and font.getlength(last + "…") > width:
            last = last[:-1]
        lines = [*lines[: max_lines - 1], last + "…"]
    return lines


@functools.cache
def _font(path, size):
    return ImageFont.truetype(path, size)


@functools.cache
def _cjk_font_path():
    """The first CJK font on this machine, or None (logged once per process)."""
    for candidate in CJK_FONTS:
        if Path(candidate).is_file():
            return candidate
    try:
        listed = subprocess.run(
            ["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=5, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        listed = ""
    for line in sorted(listed.splitlines()):
        found = line.strip().rstrip(":")
        if found and Path(found).is_file():
            return found
    logger.warning("No CJK font found: share cards are drawn without their title (apt-get install fonts-wqy-microhei)")
    return None
