"""The media library: uploads checked by content, EXIF stripped, bombs refused, renditions served."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage

from articles.models import Article, Image
from tests.factories import ArticleFactory, ImageFactory, newsroom_user

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/articles/image/add/"


def picture(fmt="JPEG", size=(1200, 700), mode="RGB", exif_make=None, name=None):
    out = io.BytesIO()
    image = PILImage.new(mode, size, "teal" if mode == "RGB" else 0)
    options = {}
    if exif_make:
        exif = PILImage.Exif()
        exif[0x010F] = exif_make  # Make
        exif[0x8825] = {2: (39.0, 54.0, 0.0)}  # GPS latitude
        options["exif"] = exif
    image.save(out, fmt, **options)
    ext = {"JPEG": "jpg"}.get(fmt, fmt.lower())
    return SimpleUploadedFile(name or f"photo.{ext}", out.getvalue(), content_type=f"image/{ext}")


@pytest.fixture
def writer(login_as):
    return login_as("撰稿人", "writer")


def upload(client, file, alt="园区大门"):
    return client.post(ADD_URL, {"file": file, "alt_text": alt, "caption": "", "credit": ""})


def media_files(settings):
    root = settings.MEDIA_ROOT
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "GIF"])
def test_writer_uploads_each_allowed_format(client, writer, fmt, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, picture(fmt, mode="RGB" if fmt != "GIF" else "P"))
    assert response.status_code == 302, response.content.decode()[:2000]
    image = Image.objects.get()
    assert image.uploaded_by == writer and (image.width, image.height) == (1200, 700)
    assert [r["width"] for r in image.renditions] == [320, 640, 960, 1200]
    for rendition in image.renditions:
        with image.file.storage.open(rendition["name"]) as fh, PILImage.open(fh) as made:
            assert made.format == "WEBP" and made.width == rendition["width"]


def test_exif_and_gps_are_stripped_from_the_stored_original(client, writer):
    upload(client, picture(exif_make="SecretCam"))
    image = Image.objects.get()
    with image.file.open("rb") as fh:
        data = fh.read()
    assert b"SecretCam" not in data
    with PILImage.open(io.BytesIO(data)) as stored:
        assert not stored.getexif()


def test_renditions_are_generated_once(client, writer, django_capture_on_commit_callbacks, settings):
    from articles.media.renditions import generate_renditions

    with django_capture_on_commit_callbacks(execute=True):
        upload(client, picture())
    image = Image.objects.get()
    files = media_files(settings)
    generate_renditions.call(image.pk)
    assert media_files(settings) == files
    image.refresh_from_db()
    assert len(image.renditions) == 4


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (
            SimpleUploadedFile("evil.jpg", b"<?php system($_GET['c']); ?>", content_type="image/jpeg"),
            "无法识别的图片文件",
        ),
        (
            SimpleUploadedFile("page.png", b"<html><script>alert(1)</script></html>", content_type="image/png"),
            "无法识别",
        ),
        (SimpleUploadedFile("empty.jpg", b"", content_type="image/jpeg"), ""),
        (picture("BMP", name="photo.jpg"), "无法识别的图片文件"),
        (picture("TIFF", name="photo.png"), "无法识别的图片文件"),
    ],
    ids=["php-named-jpg", "html-named-png", "empty", "bmp-named-jpg", "tiff"],
)
def test_files_that_are_not_allowed_images_are_refused(client, writer, settings, file, message):
    response = upload(client, file)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "errorlist" in response.content.decode()
    assert not Image.objects.exists() and media_files(settings) == []


def test_truncated_image_is_refused(client, writer, settings):
    data = picture().read()
    response = upload(client, SimpleUploadedFile("cut.jpg", data[: len(data) // 3], content_type="image/jpeg"))
    assert response.status_code == 200
    assert "损坏" in response.content.decode() or "无法识别" in response.content.decode()
    assert media_files(settings) == []


def test_oversized_file_is_refused(client, writer, settings):
    settings.ARTICLE_IMAGE_MAX_BYTES = 1000
    response = upload(client, picture())
    assert "图片文件过大" in response.content.decode()
    assert not Image.objects.exists()


@pytest.mark.parametrize("size", [(7000, 7000), (15000, 15000)], ids=["over-our-limit", "over-pillow-limit"])
def test_decompression_bombs_are_refused_with_a_form_error(client, writer, settings, size):
    bomb = picture("PNG", size=size, mode="1")
    assert bomb.size < 2_000_000  # small on disk, huge once decoded
    response = upload(client, bomb)
    assert response.status_code == 200
    assert "图片尺寸过大" in response.content.decode()
    assert not Image.objects.exists() and media_files(settings) == []


def test_alt_text_is_required(client, writer):
    response = upload(client, picture(), alt="   ")
    assert "请填写图片说明" in response.content.decode()
    assert not Image.objects.exists()


def test_deleting_an_image_removes_its_files(client, settings, django_capture_on_commit_callbacks):
    client.force_login(newsroom_user("总编辑", username="chief"))
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, picture())
    image = Image.objects.get()
    assert len(media_files(settings)) == 5
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/articles/image/{image.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert media_files(settings) == []


def test_an_image_used_as_a_cover_cannot_be_deleted(client):
    image = ImageFactory()
    ArticleFactory(cover=image)
    client.force_login(newsroom_user("总编辑", username="chief"))
    client.post(f"/admin/articles/image/{image.pk}/delete/", {"post": "yes"})
    assert Image.objects.filter(pk=image.pk).exists()


def test_cover_is_served_with_srcset_and_alt(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        image = ImageFactory(alt_text="中关村航拍")
    image.refresh_from_db()
    article = ArticleFactory(cover=image, is_headline=True)
    assert article.cover.file.name == image.file.name and article.cover_alt == "中关村航拍"
    page = client.get(article.get_absolute_url()).content.decode()
    assert 'srcset="/media/renditions/' in page and 'alt="中关村航拍"' in page and "1280w" in page
    home = client.get("/").content.decode()
    assert "/media/renditions/" in home


def test_body_images_from_the_library_get_srcset_and_lazy_loading(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        image = ImageFactory(alt_text="签约仪式")
    image.refresh_from_db()
    body = f'<p>导语</p><figure><img src="{image.file.url}" onerror="alert(1)" style="x"><figcaption>签约</figcaption></figure>'
    article = ArticleFactory(body=body)
    assert 'loading="lazy"' in article.body and "640w" in article.body
    assert 'alt="签约仪式"' in article.body and f'width="{image.width}"' in article.body
    assert "onerror" not in article.body and "style" not in article.body
    article.save()
    assert article.body.count("srcset") == 1  # saving again changes nothing


def test_same_site_images_outside_the_library_are_left_as_they_are_and_foreign_ones_dropped():
    article = ArticleFactory(
        body='<p><img src="/static/img/map.png" alt="地图"></p><p><img src="https://example.com/a.png"></p>'
    )
    assert "srcset" not in article.body and 'src="/static/img/map.png"' in article.body
    assert "example.com" not in article.body  # issue 9: only same-site or media URLs in src/srcset


def test_picker_lists_library_images_and_uploads_new_ones(client, writer):
    ImageFactory(alt_text="朝阳CBD夜景")
    page = client.get("/admin/articles/image/picker/?CKEditorFuncNum=-1").content.decode()
    assert "朝阳CBD夜景" in page and 'data-func="-1"' in page
    response = client.post("/admin/articles/image/picker/?CKEditorFuncNum=-1", {"file": picture(), "alt_text": "新图"})
    assert response.status_code == 302 and "new=" in response["Location"]
    assert Image.objects.filter(alt_text="新图", uploaded_by=writer).exists()


def test_picker_ignores_a_hostile_callback_number(client, writer):
    page = client.get('/admin/articles/image/picker/?CKEditorFuncNum="><script>alert(1)</script>').content.decode()
    assert "<script>alert(1)" not in page and 'data-func=""' in page


def test_cover_alt_falls_back_to_the_library_alt_text():
    article = ArticleFactory(cover=ImageFactory(alt_text="图片库说明"), cover_alt="")
    assert article.cover_alt == "图片库说明"
    assert Article.objects.get(pk=article.pk).cover_alt == "图片库说明"
