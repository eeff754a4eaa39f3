"""Active content in PDF uploads: scripts, launch and remote actions, embedded files, multimedia.

A PDF cannot be re-encoded like a picture, so one that carries active content is refused,
and so is one that cannot be checked (encrypted, unreadable, or too complex to parse within
fixed bounds). pypdf reads the file — object streams included, where a plain byte search
misses names — in a child process that is killed past PDF_MAX_SECONDS or PDF_MAX_MEMORY, so
no file can hang a worker or exhaust its memory. A byte scan outside stream data comes first.
"""

import io
import multiprocessing
import re
import resource

import pypdf
import pypdf.filters  # noqa: F401 (pypdf imports it on first use: once here, not in every forked child)
from django.conf import settings
from django.core.exceptions import ValidationError
from pypdf.errors import PdfReadError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

# What makes a PDF active, found as a dictionary key or as the value of /S (an action's type),
# /Type or /Subtype, and what the refusal calls it. /OpenAction and /AA are only triggers: the
# actions they point at are checked wherever they are.
PDF_ACTIVE_NAMES = {
    "/JavaScript": "JavaScript 脚本",
    "/JS": "JavaScript 脚本",
    "/Launch": "启动外部程序的动作",
    "/SubmitForm": "向外部提交数据的表单动作",
    "/ImportData": "导入外部数据的动作",
    "/GoToR": "打开其他文件的链接",
    "/GoToE": "打开其他文件的链接",
    "/EmbeddedFiles": "嵌入文件",
    "/EmbeddedFile": "嵌入文件",
    "/EF": "嵌入文件",
    "/FileAttachment": "嵌入文件",
    "/RichMedia": "多媒体或 3D 内容",
    "/RichMediaExecute": "多媒体或 3D 内容",
    "/Rendition": "多媒体或 3D 内容",
    "/Screen": "多媒体或 3D 内容",
    "/3D": "多媒体或 3D 内容",
    "/XFA": "XFA 动态表单",
}
_PDF_TYPE_KEYS = ("/S", "/Type", "/Subtype")
_PDF_UNSAFE_URI = ("javascript:", "vbscript:", "file:")
# The same names in the raw bytes outside stream data, in case a viewer repairs a damaged file
# differently from pypdf. Not enough alone: names can be #-escaped or packed in compressed streams.
_PDF_RAW_ACTIVE = re.compile(
    rb"/(JavaScript|JS|Launch|SubmitForm|ImportData|GoToR|GoToE|EmbeddedFiles?|RichMedia|XFA)(?![^\s()<>\[\]{}/%])"
)
_PDF_STREAM_EDGES = re.compile(rb"\bstream\r?\n|\bendstream")
# pypdf reads each PDF in a child process that is killed past these bounds, so no file can hang
# a worker or exhaust its memory, whatever path through pypdf it takes.
PDF_MAX_SECONDS = 5
PDF_MAX_MEMORY = 512 * 1024 * 1024  # bytes the child may add to what it inherits
_PDF_REFUSALS = {
    "pdf_active": "“{shown}”包含{what}，出于安全考虑不予接收。请去除后重新导出 PDF（例如用“打印为 PDF”），或改为上传图片。",
    "pdf_encrypted": "“{shown}”已加密或设有密码，无法检查其内容。请上传未加密的 PDF，或改为上传图片。",
    "pdf_broken": "“{shown}”无法读取，可能已损坏或不是有效的 PDF 文件。",
    "pdf_complex": "“{shown}”结构过于复杂，无法完成安全检查。请另存为普通 PDF 或改为上传图片。",
}


def check_pdf(data, shown):
    """Refuse a PDF that carries active content (PDF_ACTIVE_NAMES), is encrypted or cannot be read."""
    problem = _raw_active(data) or _inspect_isolated(data, settings.SUBMISSIONS_MAX_UPLOAD_BYTES)
    if problem:
        code, what = problem
        raise ValidationError(_PDF_REFUSALS[code].format(shown=shown, what=what), code=code)


def inspect_pdf(data, limit):
    """Why pypdf finds this PDF unacceptable, as (code, what) for _PDF_REFUSALS, or None.

    Every object is looked at: those reachable from the trailer and those the cross-reference
    lists, objects packed in compressed object streams included. No stream's data is unpacked
    but object streams' (not pages, fonts or pictures), none to more than `limit` bytes, and no
    outside program is run.
    """
    try:
        with pypdf.apply_configuration(
            zlib_maximum_output_length=limit,
            lzw_maximum_output_length=limit,
            run_length_maximum_output_length=limit,
            brotli_maximum_output_length=limit,
            jbig2_maximum_output_length=limit,
            array_based_stream_maximum_output_length=limit,
            maximum_declared_stream_length=limit,
            zlib_maximum_recovery_input_length=256 * 1024,  # pypdf retries a broken stream byte by byte
            jbig2dec_binary=None,
        ):
            reader = _read_pdf(data)
            if reader.is_encrypted:
                return "pdf_encrypted", None
            catalog = _direct(reader.trailer.get("/Root"))
            if not isinstance(catalog, DictionaryObject) or not isinstance(
                _direct(catalog.get("/Pages")), DictionaryObject
            ):
                return "pdf_broken", None
            what = _find_active(reader)
    except MemoryError:
        return "pdf_complex", None
    except Exception:  # pypdf raises many kinds of error on a damaged or hostile file; all mean "unreadable"
        return "pdf_broken", None
    return ("pdf_active", what) if what else None


def _inspect_isolated(data, limit):
    """inspect_pdf in a forked child, killed past PDF_MAX_SECONDS; "pdf_complex" when it is
    killed or runs out of memory. Where fork is unavailable it runs here, unbounded."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return inspect_pdf(data, limit)
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_inspect_in_child, args=(sender, data, limit))
    child.start()
    sender.close()
    try:
        return receiver.recv() if receiver.poll(PDF_MAX_SECONDS) else ("pdf_complex", None)
    except EOFError:  # the child died without answering (out of memory, killed)
        return "pdf_complex", None
    finally:
        receiver.close()
        child.kill()
        child.join()


def _inspect_in_child(sender, data, limit):
    try:
        with open("/proc/self/statm") as statm:
            inherited = int(statm.read().split()[0]) * resource.getpagesize()
        resource.setrlimit(resource.RLIMIT_AS, (inherited + PDF_MAX_MEMORY,) * 2)
    except (OSError, ValueError):
        pass  # no /proc (not Linux): bounded in time only
    resource.setrlimit(resource.RLIMIT_CPU, (PDF_MAX_SECONDS + 1,) * 2)  # should the parent die first
    sender.send(inspect_pdf(data, limit))


def _read_pdf(data):
    """`data` parsed by pypdf, leniently. Viewers open a PDF whose cross-reference pointer is
    missing (a truncated file, a careless tool) by finding its objects again; pypdf does that
    for a wrong pointer but gives up on a missing one, so a second try makes it a wrong one."""
    try:
        return pypdf.PdfReader(io.BytesIO(data), strict=False)
    except PdfReadError:
        return pypdf.PdfReader(io.BytesIO(data + b"\nstartxref\n0\n%%EOF\n"), strict=False)


def _find_active(reader):
    """What the refusal calls the first active content among all the reader's objects, or None.
    Iterative, so deep nesting cannot exhaust the stack; each reference is followed once."""
    listed = [(idnum, generation) for generation, table in reader.xref.items() for idnum in table]
    listed += [(idnum, 0) for idnum in reader.xref_objStm]
    stack = [reader.trailer, *(IndirectObject(idnum, generation, reader) for idnum, generation in listed)]
    seen = set()
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            if (obj.idnum, obj.generation) in seen:
                continue
            seen.add((obj.idnum, obj.generation))
            obj = obj.get_object()
        # values() and iteration leave references unresolved: each is followed once, above.
        if isinstance(obj, DictionaryObject):  # streams too: their dictionary, never their data
            if found := _active_in(obj):
                return found
            stack.extend(v for v in obj.values() if isinstance(v, _PDF_CONTAINERS))
        elif isinstance(obj, ArrayObject):
            stack.extend(v for v in obj if isinstance(v, _PDF_CONTAINERS))
    return None


_PDF_CONTAINERS = (DictionaryObject, ArrayObject, IndirectObject)


def _raw_active(data):
    """PDF_ACTIVE_NAMES spelled out in the file's bytes outside stream data, as (code, what) or None."""
    parts, start, inside = [], 0, False
    for edge in _PDF_STREAM_EDGES.finditer(data):
        if not inside and not edge.group().startswith(b"end"):
            parts.append(data[start : edge.end()])
            inside = True
        elif inside and edge.group().startswith(b"end"):
            start, inside = edge.start(), False
    if not inside:
        parts.append(data[start:])
    found = _PDF_RAW_ACTIVE.search(b"".join(parts))
    return ("pdf_active", PDF_ACTIVE_NAMES["/" + found.group(1).decode()]) if found else None


def _direct(value):
    """A dictionary value with a reference followed: viewers accept /S 12 0 R for /S /JavaScript."""
    return value.get_object() if isinstance(value, IndirectObject) else value


def _active_in(dictionary):
    """What the refusal calls the active content this dictionary is or holds directly, or None."""
    for key in dict.keys(dictionary):
        if key in PDF_ACTIVE_NAMES:
            return PDF_ACTIVE_NAMES[key]
    for key in _PDF_TYPE_KEYS:
        value = _direct(dictionary.get(key))
        if isinstance(value, str) and value in PDF_ACTIVE_NAMES:
            return PDF_ACTIVE_NAMES[value]
    if _direct(dictionary.get("/S")) == "/URI":
        uri = _direct(dictionary.get("/URI"))
        text = uri.decode("latin-1") if isinstance(uri, bytes) else str(uri or "")
        if text.strip().lower().startswith(_PDF_UNSAFE_URI):
            return "执行脚本或打开本机文件的链接"
    return None
