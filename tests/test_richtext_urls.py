"""Article images come from the site only: `src` and `srcset` URLs are checked on save.

An image whose `src` points elsewhere is dropped whole; a `srcset` with any such candidate
loses the attribute while the image keeps its own `src`.
"""

import pytest

from articles.content.richtext import prepare_body
from tests.factories import ArticleFactory, ImageFactory

# As they would be written in the HTML an editor pastes (entities are decoded by the parser).
HOSTILE_URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "  javascript:alert(1)",
    "java&#9;script:alert(1)",
    "java&#10;script:alert(1)",
    "javascript&colon;alert(1)",
    "&#106;avascript:alert(1)",
    "&#x6A;&#x61;vascript:alert(1)",
    "vbscript:msgbox(1)",
    "data:image/png;base64,iVBORw0KGgo=",
    "DATA:image/svg+xml;base64,PHN2Zz4=",
    "//evil.example/x.png",
    "&#47;/evil.example/x.png",
    "/\\evil.example/x.png",
    "\\\\evil.example/x.png",
    "/&#9;/evil.example/x.png",
    "https://evil.example/a.png",
    "HTTP://EVIL.EXAMPLE/a.png",
    "http://127.0.0.1:8000.evil.example/a.png",
    "ftp://evil.example/a.png",
    "photo.png",
]


def hostile_marks(html):
    lowered = html.lower()
    return [mark for mark in ("script", "data:", "evil", "ftp:", "photo.png") if mark in lowered]


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_an_image_from_elsewhere_is_dropped_whole(url):
    html = prepare_body(
        f'<p>前文</p><figure><img src="{url}" alt="配图"><figcaption>图注</figcaption></figure><p>后文</p>'
    )
    assert "<img" not in html and hostile_marks(html) == []
    assert "前文" in html and "图注" in html and "后文" in html


@pytest.mark.parametrize("url", HOSTILE_URLS)
@pytest.mark.parametrize("template", ["{url} 2x", "/media/a.png 1x, {url} 2x", "/media/a-480.webp 480w,{url} 960w"])
def test_a_srcset_with_a_url_from_elsewhere_is_dropped_and_the_image_kept(url, template):
    html = prepare_body(f'<img src="/media/images/a.png" srcset="{template.format(url=url)}" alt="配图">')
    assert "srcset" not in html and hostile_marks(html) == []
    assert '<img src="/media/images/a.png" alt="配图">' in html


@pytest.mark.parametrize(
    "srcset",
    [
        "/media/a.png /b.png,javascript:alert(1) 2x",  # the second URL would be read after the comma
        "/media/a.png 1x,,javascript:alert(1) 2x",
        "/media/a.png (1x,javascript:alert(1)) 2x",
        "/media/a.png 1x, /media/b.png 2x,",
        "/media/a.png 1q",
        "",
    ],
)
def test_a_srcset_the_browser_could_read_differently_is_dropped(srcset):
    html = prepare_body(f'<img src="/media/a.png" srcset="{srcset}" alt="配图">')
    assert html == '<img src="/media/a.png" alt="配图">'


@pytest.mark.parametrize(
    ("src", "kept"),
    [
        ("/media/images/2026/01/a.jpg", "/media/images/2026/01/a.jpg"),
        ("/static/img/logo.png", "/static/img/logo.png"),
        ("/articles/12/chart.png", "/articles/12/chart.png"),
        ("  /media/a.jpg\n", "/media/a.jpg"),
        ("http://127.0.0.1:8000/media/images/a.jpg", "/media/images/a.jpg"),
    ],
)
def test_same_site_images_are_kept(src, kept):
    html = prepare_body(f'<img src="{src}" srcset="{src} 1x, /media/b.webp 960w, /static/c.png 1.5x" alt="图">')
    assert html == f'<img src="{kept}" srcset="{kept} 1x, /media/b.webp 960w, /static/c.png 1.5x" alt="图">'


def test_media_and_static_on_another_host_are_kept_and_nothing_else_there(settings):
    settings.MEDIA_URL = "https://media.example.cn/news/"
    settings.STATIC_URL = "https://static.example.cn/"
    html = prepare_body(
        '<img src="https://media.example.cn/news/images/a.jpg" srcset="https://static.example.cn/b.png 2x">'
        '<img src="https://media.example.cn/other/x.png">'
    )
    assert html == '<img src="https://media.example.cn/news/images/a.jpg" srcset="https://static.example.cn/b.png 2x">'


@pytest.mark.django_db
def test_a_library_image_keeps_its_srcset_and_loses_a_pasted_one(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        image = ImageFactory(alt_text="签约仪式")
    image.refresh_from_db()
    article = ArticleFactory(body=f'<p><img src="{image.file.url}" srcset="javascript:alert(1) 1x" alt=""></p>')
    assert "javascript" not in article.body and "640w" in article.body and 'alt="签约仪式"' in article.body
    before = article.body
    article.save()
    assert article.body == before
