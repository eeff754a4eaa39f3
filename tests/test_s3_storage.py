"""Media and private files in an S3-compatible object store (moto's server, started by the tests):
public images and renditions in the public bucket at its own address, attachments in the private
bucket reachable only through the views that check who asks, and nothing left behind on delete."""

import time

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile

from articles.models import Article, ArticleAttachment, Image
from newsportal.storage import check_storages, file_storages, media_origins
from submissions import attachments
from submissions.models import Attachment, Contribution
from tests.factories import ArticleFactory, ContributionFactory, RegionFactory, UserFactory, newsroom_user
from tests.files import image_bytes, pdf_bytes, upload
from tests.helpers import attach, contribution_data
from tests.s3 import S3_VARIABLES, anonymous_get

pytestmark = pytest.mark.django_db


def picture():
    return upload("photo.jpg", image_bytes("JPEG", size=(1200, 700)), "image/jpeg")


def local_files(root):
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


# ----- public media -----


def test_an_image_uploaded_in_the_admin_lands_in_the_public_bucket_with_its_renditions(
    client, s3, settings, django_capture_on_commit_callbacks
):
    client.force_login(newsroom_user("撰稿人", username="writer"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/articles/image/add/", {"file": picture(), "alt_text": "园区大门", "caption": "", "credit": ""}
        )
    assert response.status_code == 302
    image = Image.objects.get()

    renditions = [f"media/renditions/{image.pk}/{width}.webp" for width in (1200, 320, 640, 960)]
    assert s3.keys(s3.public) == sorted([f"media/{image.file.name}", *renditions])
    assert s3.keys(s3.private) == []
    assert local_files(settings.MEDIA_ROOT) == []
    # Readers fetch the files from the bucket itself, without credentials.
    assert image.file.url == f"{s3.endpoint}/{s3.public}/media/{image.file.name}"
    status, body = anonymous_get(image.file.url)
    assert status == 200 and body == s3.body(s3.public, f"media/{image.file.name}")
    status, body = anonymous_get(image.file.storage.url(image.renditions[0]["name"]))
    assert status == 200 and body[8:12] == b"WEBP"


def test_a_cover_in_the_bucket_is_shown_with_its_bucket_addresses(client, s3, django_capture_on_commit_callbacks):
    client.force_login(newsroom_user("撰稿人", username="writer"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/articles/image/add/", {"file": picture(), "alt_text": "中关村航拍", "caption": "", "credit": ""}
        )
    article = ArticleFactory(cover=Image.objects.get())
    client.logout()

    page = client.get(article.get_absolute_url()).content.decode()

    assert f'srcset="{s3.endpoint}/{s3.public}/media/renditions/' in page
    assert "/media/renditions/" not in page.replace(f"{s3.endpoint}/{s3.public}/media/renditions/", "")


def test_deleting_an_image_removes_its_objects_from_the_bucket(client, s3, django_capture_on_commit_callbacks):
    client.force_login(newsroom_user("总编辑", username="chief"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/articles/image/add/", {"file": picture(), "alt_text": "园区大门", "caption": "", "credit": ""}
        )
    image = Image.objects.get()
    assert len(s3.keys(s3.public)) == 5

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/articles/image/{image.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert s3.keys(s3.public) == []


# ----- private files -----


def test_a_contributions_attachment_lands_in_the_private_bucket_and_only_staff_download_it(
    client, admin_client, s3, submission_settings
):
    response = client.post(
        "/submit/", contribution_data(RegionFactory(), attachments=[upload("方案.pdf", pdf_bytes(), "application/pdf")])
    )
    assert response.status_code == 200
    attachment = Attachment.objects.get()
    key = f"private/{attachment.file.name}"
    assert s3.keys(s3.private) == [key]
    assert s3.keys(s3.public) == []
    url = f"/submissions/attachments/{attachment.pk}/download/"

    # Nobody reaches the object without the app: no URL, and the bucket refuses strangers.
    with pytest.raises(ValueError):
        attachment.file.url  # noqa: B018
    assert anonymous_get(f"{s3.endpoint}/{s3.private}/{key}") == (403, b"")
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/admin/login/")
    client.force_login(UserFactory(username="reader"))
    assert client.get(url).status_code == 403

    download = admin_client.get(url)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert b"".join(download.streaming_content) == pdf_bytes()


def test_deleting_a_case_removes_its_attachment_objects(s3, django_capture_on_commit_callbacks):
    contribution = ContributionFactory()
    attach(contribution, pdf_bytes(), "方案.pdf")
    assert len(s3.keys(s3.private)) == 1

    with django_capture_on_commit_callbacks(execute=True):
        Contribution.objects.get(pk=contribution.pk).delete()

    assert s3.keys(s3.private) == []


def test_kept_uploads_wait_in_the_private_bucket_and_old_ones_are_purged(s3):
    prepared = attachments.prepare(upload("方案.pdf", pdf_bytes()), [attachments.PDF])
    kept = attachments.keep(prepared, "contribution.attachments")
    assert s3.keys(s3.private) == [f"private/{kept.name}"]
    assert attachments.read_kept(kept.token, "contribution.attachments").load().content == pdf_bytes()

    assert attachments.purge_kept(now=time.time() + attachments.KEPT_MAX_AGE + 1) == 1

    assert s3.keys(s3.private) == []
    assert attachments.read_kept(kept.token, "contribution.attachments") is None


def story_file(article):
    attachment = ArticleAttachment(
        article=article, title="实施细则", original_name="实施细则.pdf", mime_type="application/pdf", size=1
    )
    attachment.file.save("stored.pdf", ContentFile(pdf_bytes()), save=False)
    attachment.save()
    return attachment


def test_a_live_storys_attachment_in_the_private_bucket_is_downloadable_by_readers(client, s3):
    attachment = story_file(ArticleFactory())
    assert s3.keys(s3.private) == [f"private/{attachment.file.name}"]

    response = client.get(f"/articles/{attachment.article_id}/files/{attachment.pk}/")

    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == pdf_bytes()


def test_a_drafts_attachment_is_not_found_by_readers_and_goes_with_its_row(
    client, s3, django_capture_on_commit_callbacks
):
    attachment = story_file(ArticleFactory(status=Article.Status.DRAFT))
    assert client.get(f"/articles/{attachment.article_id}/files/{attachment.pk}/").status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        attachment.delete()

    assert s3.keys(s3.private) == []


# ----- an object store that does not answer -----


@pytest.fixture
def break_private_bucket(s3, settings, monkeypatch):
    """Call to point the private storage at a closed port, with botocore told not to retry."""

    def go():
        monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
        private = settings.STORAGES["private"]
        options = {**private["OPTIONS"], "endpoint_url": "http://127.0.0.1:9"}
        settings.STORAGES = {**settings.STORAGES, "private": {**private, "OPTIONS": options}}

    return go


def test_a_download_while_the_object_store_is_down_is_a_503_page_not_a_500(client, break_private_bucket):
    attachment = story_file(ArticleFactory())
    break_private_bucket()

    response = client.get(f"/articles/{attachment.article_id}/files/{attachment.pk}/")

    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "文件暂时无法读取" in response.content.decode()


def test_the_storage_check_round_trips_each_bucket(s3):
    assert check_storages() == "ok"
    assert s3.keys(s3.public) == [] and s3.keys(s3.private) == []


def test_the_storage_check_names_the_storage_that_fails(break_private_bucket):
    break_private_bucket()
    assert check_storages().startswith("error: private: ")


def test_the_storage_check_passes_on_local_disk():
    assert check_storages() == "ok"


# ----- configuration -----


@pytest.fixture
def no_s3(monkeypatch):
    for name in S3_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_without_a_bucket_files_stay_on_local_disk(no_s3):
    entries, media_url = file_storages()
    assert entries["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert entries["private"]["BACKEND"] == "newsportal.storage.PrivateMediaStorage"
    assert media_url == "/media/" and media_origins(media_url) == []


def test_a_cdn_address_serves_the_public_media(no_s3):
    no_s3.setenv("S3_BUCKET", "newsportal")
    no_s3.setenv("S3_PUBLIC_URL", "https://media.example.cn/")
    entries, media_url = file_storages()
    assert media_url == "https://media.example.cn/media/"
    assert media_origins(media_url) == ["https://media.example.cn"]
    assert entries["default"]["OPTIONS"]["custom_domain"] == "media.example.cn"
    assert entries["private"]["OPTIONS"]["bucket_name"] == "newsportal"
    assert entries["private"]["OPTIONS"]["location"] == "private"


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        ({"S3_ACCESS_KEY_ID": "key"}, "S3_SECRET_ACCESS_KEY"),
        ({"S3_MEDIA_PREFIX": "files", "S3_PRIVATE_PREFIX": "files/private"}, "S3_PRIVATE_PREFIX"),
        ({"S3_MEDIA_PREFIX": "../up"}, "S3_MEDIA_PREFIX"),
        ({"S3_ENDPOINT_URL": "ftp://store"}, "S3_ENDPOINT_URL"),
    ],
    ids=["half-a-key", "overlapping-folders", "parent-folder", "bad-endpoint"],
)
def test_bad_s3_settings_stop_start_up_naming_the_variable(no_s3, variables, named):
    no_s3.setenv("S3_BUCKET", "newsportal")
    for name, value in variables.items():
        no_s3.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=named):
        file_storages()
