"""A checked upload survives a form refused for another field: the licence on 企业入驻 and the
attachments on 投稿 are kept privately behind a signed, expiring token, used by the next post,
then deleted; tokens cannot be forged or moved to another field; old files are purged."""

import re
import time

import pytest
from django.core import signing

from submissions import attachments
from submissions.models import Attachment, Contribution, EntryRequest
from tests.factories import IndustryFactory, RegionFactory
from tests.files import docx_bytes, image_bytes, kept_files, pdf_bytes, stored_files, upload
from tests.helpers import contribution_data, entry_data, form_token

ENTRY, CONTRIBUTE = "/enterprise/apply/", "/submit/"
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("submission_settings")]


@pytest.fixture
def region():
    return RegionFactory()


@pytest.fixture
def industry():
    return IndustryFactory()


def tokens(response, field):
    """The kept-upload tokens the refused page carries for `field`."""
    return re.findall(rf'<input type="hidden" name="{field}_kept" value="([^"]+)">', response.content.decode())


def refused_entry(client, region, industry, **overrides):
    """An application refused for its phone number, with a good PDF licence."""
    data = {
        **entry_data(region, industry, phone="123", **overrides),
        "business_license": upload("营业执照.pdf", pdf_bytes()),
    }
    response = client.post(ENTRY, data)
    assert response.status_code == 400
    return response


# ----- 企业入驻: the licence -----


def test_a_refused_application_keeps_the_licence_and_says_so(client, region, industry, settings):
    response = refused_entry(client, region, industry)
    html = response.content.decode()

    assert "已上传：营业执照.pdf（无需重新选择）" in html
    assert "请重新选择文件" not in html
    assert len(tokens(response, "business_license")) == 1
    assert 'name="business_license" required' not in html  # nothing left to require
    assert len(kept_files(settings)) == 1 and stored_files(settings) == []
    assert "style=" not in html and "<script>" not in html  # strict CSP


def test_the_next_post_uses_the_kept_licence_and_then_deletes_it(client, region, industry, settings):
    (token,) = tokens(refused_entry(client, region, industry), "business_license")

    response = client.post(ENTRY, {**entry_data(region, industry), "business_license_kept": token})

    assert response.status_code == 200
    entry = EntryRequest.objects.get()
    attachment = entry.attachments.get()
    assert (attachment.label, attachment.original_name, attachment.mime_type) == (
        "营业执照",
        "营业执照.pdf",
        "application/pdf",
    )
    with attachment.file.open("rb") as handle:
        assert handle.read() == pdf_bytes()
    assert kept_files(settings) == []
    assert len(stored_files(settings)) == 1


def test_a_kept_licence_is_used_once(client, region, industry):
    (token,) = tokens(refused_entry(client, region, industry), "business_license")
    client.post(ENTRY, {**entry_data(region, industry), "business_license_kept": token})

    response = client.post(ENTRY, {**entry_data(region, industry), "business_license_kept": token})

    assert response.status_code == 400
    assert "之前上传的文件已失效，请重新选择文件。" in response.content.decode()
    assert EntryRequest.objects.count() == 1


def test_the_licence_survives_two_refusals_in_a_row(client, region, industry, settings):
    (token,) = tokens(refused_entry(client, region, industry), "business_license")
    data = {**entry_data(region, industry, email="bad"), "business_license_kept": token}

    again = client.post(ENTRY, data)

    assert tokens(again, "business_license") == [token]  # the same file, not a copy
    assert len(kept_files(settings)) == 1
    client.post(ENTRY, {**entry_data(region, industry), "business_license_kept": token})
    assert EntryRequest.objects.get().attachments.count() == 1


def test_a_new_choice_replaces_the_kept_licence(client, region, industry):
    (token,) = tokens(refused_entry(client, region, industry), "business_license")
    photo = upload("新执照.png", image_bytes("PNG"), "image/png")

    client.post(ENTRY, {**entry_data(region, industry), "business_license_kept": token, "business_license": photo})

    assert EntryRequest.objects.get().attachments.get().original_name == "新执照.png"


def test_a_refused_licence_is_not_kept(client, region, industry, settings):
    data = {**entry_data(region, industry), "business_license": upload("执照.docx", docx_bytes())}
    response = client.post(ENTRY, data)

    html = response.content.decode()
    assert "不是允许的文件类型" in html and "请重新选择文件" in html
    assert tokens(response, "business_license") == [] and kept_files(settings) == []


def test_a_post_refused_as_automated_keeps_nothing(client, region, industry, settings):
    data = {**entry_data(region, industry, homepage="http://spam"), "business_license": upload("a.pdf", pdf_bytes())}
    response = client.post(ENTRY, data)
    assert response.status_code == 400
    assert kept_files(settings) == [] and tokens(response, "business_license") == []


# ----- tokens that are not ours -----


def forged(**payload):
    """A token signed with the site's key, as only the site can make one."""
    return signing.dumps(payload, salt="submissions.kept-upload", compress=True)


@pytest.mark.parametrize(
    "make_token",
    [
        lambda good: good[:-2] + ("AA" if not good.endswith("AA") else "BB"),  # altered signature
        lambda good: "not-a-token",
        lambda good: good.replace(".", "x", 1),
        lambda good: "x" * 10_000,
    ],
)
def test_an_altered_or_made_up_token_is_refused(client, region, industry, make_token):
    (good,) = tokens(refused_entry(client, region, industry), "business_license")

    response = client.post(ENTRY, {**entry_data(region, industry), "business_license_kept": make_token(good)})

    assert response.status_code == 400
    assert "之前上传的文件已失效，请重新选择文件。" in response.content.decode()
    assert EntryRequest.objects.count() == 0


def test_a_token_cannot_name_a_file_outside_kept_uploads(client, region, industry, settings):
    target = settings.PRIVATE_MEDIA_ROOT / "submissions" / "2026" / "01" / ("a" * 32 + ".pdf")
    target.parent.mkdir(parents=True)
    target.write_bytes(pdf_bytes())
    for name in [
        "submissions/2026/01/" + "a" * 32 + ".pdf",  # someone's stored attachment
        "kept/../submissions/2026/01/" + "a" * 32 + ".pdf",
        "/etc/passwd",
    ]:
        token = forged(p=name, u="entry.business_license", k="pdf", m="application/pdf", o="x.pdf")
        response = client.post(ENTRY, {**entry_data(region, industry), "business_license_kept": token})
        assert response.status_code == 400
    assert EntryRequest.objects.count() == 0


def test_a_token_from_another_form_is_refused(client, region, industry):
    data = contribution_data(region, email="bad", attachments=[upload("方案.pdf", pdf_bytes())])
    (token,) = tokens(client.post(CONTRIBUTE, data), "attachments")

    response = client.post(ENTRY, {**entry_data(region, industry), "business_license_kept": token})

    assert response.status_code == 400
    assert EntryRequest.objects.count() == 0


def test_an_expired_token_is_refused(client, region, industry, monkeypatch):
    (token,) = tokens(refused_entry(client, region, industry), "business_license")
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + attachments.KEPT_MAX_AGE + 60)

    response = client.post(ENTRY, {**entry_data(region, industry), "business_license_kept": token})

    assert response.status_code == 400
    assert "之前上传的文件已失效" in response.content.decode()


def test_abandoned_files_are_purged_once_their_tokens_have_expired(client, region, industry, settings):
    refused_entry(client, region, industry)
    (old,) = kept_files(settings)

    assert attachments.purge_kept(now=time.time() + 60) == 0  # still usable
    assert attachments.purge_kept(now=time.time() + attachments.KEPT_MAX_AGE + 1) == 1
    assert not old.exists()


def test_keeping_a_file_purges_the_expired_ones(client, region, industry, settings):
    stale = settings.PRIVATE_MEDIA_ROOT / "kept" / f"{int(time.time()) - attachments.KEPT_MAX_AGE - 5}-{'b' * 32}.pdf"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(pdf_bytes())

    refused_entry(client, region, industry)

    assert not stale.exists() and len(kept_files(settings)) == 1


# ----- 投稿: the attachments -----


def test_a_refused_contribution_keeps_all_its_attachments_for_the_next_post(client, region, settings):
    files = [upload("现场.png", image_bytes("PNG"), "image/png"), upload("方案.pdf", pdf_bytes())]
    refused = client.post(CONTRIBUTE, contribution_data(region, email="bad", attachments=files))
    kept = tokens(refused, "attachments")
    assert "已上传：现场.png、方案.pdf（无需重新选择）" in refused.content.decode()
    assert len(kept) == 2

    response = client.post(CONTRIBUTE, {**contribution_data(region), "attachments_kept": kept})

    assert response.status_code == 200
    stored = Contribution.objects.get().attachments.order_by("id")
    assert [a.original_name for a in stored] == ["现场.png", "方案.pdf"]
    assert kept_files(settings) == [] and len(stored_files(settings)) == 2


def test_more_kept_tokens_than_attachments_allowed_are_not_read(client, region, settings):
    settings.SUBMISSIONS_MAX_ATTACHMENTS = 2
    files = [upload(f"{n}.pdf", pdf_bytes()) for n in range(2)]
    kept = tokens(client.post(CONTRIBUTE, contribution_data(region, email="bad", attachments=files)), "attachments")

    response = client.post(CONTRIBUTE, {**contribution_data(region), "attachments_kept": kept * 50})

    assert response.status_code == 200
    assert Attachment.objects.count() == 2


def test_the_contact_form_has_no_file_to_keep(client):
    html = client.get("/contact/").content.decode()
    assert "_kept" not in html and 'type="file"' not in html


def test_the_form_token_and_the_kept_token_are_independent(client, region, industry):
    # A page that expired keeps the licence too: the new form token comes with it.
    (token,) = tokens(refused_entry(client, region, industry), "business_license")
    stale_form = form_token("entry", age=10**7)
    response = client.post(
        ENTRY, {**entry_data(region, industry), "form_token": stale_form, "business_license_kept": token}
    )
    assert response.status_code == 400 and "页面已过期" in response.content.decode()
    assert tokens(response, "business_license") == [token]
