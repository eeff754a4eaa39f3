"""Real files for the upload tests: images (with EXIF), PDFs and Word documents, and where they end up."""

import io
import zipfile
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def image_bytes(fmt="JPEG", size=(64, 48), color=(200, 30, 30), exif=None):
    buffer = io.BytesIO()
    image = Image.new("RGB", size, color)
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(buffer, fmt, **kwargs)
    return buffer.getvalue()


def exif_with_gps():
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    exif[0x8825] = {1: "N", 2: (39.0, 54.0, 27.0), 3: "E", 4: (116.0, 23.0, 17.0)}  # GPSInfo
    return exif


def pdf_bytes():
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


def pdf_document(catalog=b"", objects=(), packed=False):
    """A well-formed one-page PDF, written byte by byte so a test controls every object.

    `catalog` is added inside the document catalog (object 1), e.g. b"/OpenAction 4 0 R";
    `objects` are the bodies of objects 4, 5, …. With `packed`, those objects go into a
    Flate-compressed object stream indexed by a cross-reference stream (PDF 1.5, as most tools
    write today), so their text appears nowhere in the file's bytes.
    """
    pages = [
        b"<</Type/Catalog/Pages 2 0 R" + catalog + b">>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>",
    ]
    out, offsets = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"), {}

    def write(number, body):
        offsets[number] = len(out)
        out.extend(b"%d 0 obj\n%s\nendobj\n" % (number, body))

    loose = pages if packed else [*pages, *objects]
    for number, body in enumerate(loose, 1):
        write(number, body)
    if not packed:
        start, size = len(out), len(loose) + 1
        out.extend(b"xref\n0 %d\n0000000000 65535 f \n" % size)
        out.extend(b"".join(b"%010d 00000 n \n" % offsets[n] for n in range(1, size)))
        out.extend(b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (size, start))
        return bytes(out)

    first = len(pages) + 1
    index, data = [], b""
    for position, body in enumerate(objects):
        index.append(b"%d %d" % (first + position, len(data)))
        data += body + b"\n"
    header = b" ".join(index) + b"\n"
    packed_data = zlib.compress(header + data)
    stream_number = first + len(objects)
    write(
        stream_number,
        b"<</Type/ObjStm/N %d/First %d/Filter/FlateDecode/Length %d>>\nstream\n%s\nendstream"
        % (len(objects), len(header), len(packed_data), packed_data),
    )
    xref_number = stream_number + 1
    offsets[xref_number] = len(out)
    rows = [b"\x00" + bytes(4) + b"\xff\xff"]  # /W [1 4 2]: type, offset or stream, generation or index
    for number in range(1, xref_number + 1):
        if first <= number < stream_number:
            rows.append(b"\x02" + stream_number.to_bytes(4, "big") + (number - first).to_bytes(2, "big"))
        else:
            rows.append(b"\x01" + offsets[number].to_bytes(4, "big") + bytes(2))
    table = b"".join(rows)
    out.extend(
        b"%d 0 obj\n<</Type/XRef/Size %d/W[1 4 2]/Root 1 0 R/Length %d>>\nstream\n%s\nendstream\nendobj\n"
        % (xref_number, xref_number + 1, len(table), table)
    )
    out.extend(b"startxref\n%d\n%%%%EOF\n" % offsets[xref_number])
    return bytes(out)


def pdf_made_by_pypdf(attachment=None, password=None):
    """A one-page PDF written by pypdf, with an embedded file and/or encrypted (RC4, no extra library)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    if attachment is not None:
        writer.add_attachment(*attachment)
    if password is not None:
        writer.encrypt(user_password=password, owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def docx_bytes(macro=False, extra=None):
    buffer = io.BytesIO()
    main = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    if macro:
        main = "application/vnd.ms-word.document.macroEnabled.main+xml"
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            f'<?xml version="1.0"?><Types><Override PartName="/word/document.xml" ContentType="{main}"/></Types>',
        )
        archive.writestr("word/document.xml", "<w:document><w:body><w:p>投稿正文</w:p></w:body></w:document>")
        if macro:
            archive.writestr("word/vbaProject.bin", b"\x00" * 64)
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def stored_files(settings):
    """The submission attachments written below PRIVATE_MEDIA_ROOT, sorted (uploads kept for a
    refused form to be sent again are `kept_files`)."""
    root = settings.PRIVATE_MEDIA_ROOT
    return sorted(p for p in root.rglob("*") if p.is_file() and "kept" not in p.relative_to(root).parts[:1])


def kept_files(settings):
    """The uploads kept below PRIVATE_MEDIA_ROOT/kept/ for a refused form to be sent again."""
    root = settings.PRIVATE_MEDIA_ROOT / "kept"
    return sorted(p for p in root.rglob("*") if p.is_file())
