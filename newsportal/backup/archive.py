"""One dated archive with the database, both file storages and a manifest; and the way back.

newsportal-YYYY-MM-DDTHHMM.tar.gz holds
  database/newsportal.dump (PostgreSQL custom format) or database/newsportal.sqlite3
  files/default/<name>    every public media file ("default" storage)
  files/private/<name>    every private file ("private" storage)
  manifest.json           last: row counts per table, SHA-256 and size of every member, versions
Files are read and written through the storage API only, so local disk and S3 both work (and an
archive made on one restores onto the other). An archive is written under a .partial name and
renamed when complete, readable by its owner only: it holds personal data.
"""

import hashlib
import io
import json
import os
import platform
import posixpath
import tarfile
import tempfile
import zlib
from importlib import metadata
from pathlib import Path

import django
from django.core.files import File
from django.core.files.storage import storages
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from newsportal.backup import database
from newsportal.storage import STORAGE_ALIASES, is_health_check_file

FORMAT, VERSION = "newsportal-backup", 1
MANIFEST = "manifest.json"
_CHUNK = 1024 * 1024
_SPOOL = 8 * 1024 * 1024  # larger files are staged on disk on their way into the archive


def create(directory, say=lambda line: None):
    """Write a backup archive into `directory`; return its path and its manifest."""
    database.supported()
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    now = timezone.localtime()
    final = _free_name(directory, f"newsportal-{now:%Y-%m-%dT%H%M}")
    partial = final.with_name(final.name + ".partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # ours alone, owner-only
    try:
        with os.fdopen(descriptor, "wb") as raw, tempfile.TemporaryDirectory() as scratch:
            dump_path = Path(scratch) / "dump"
            counts, db_info = database.dump(dump_path)
            say(f"数据库：{len(counts)} 张表，{sum(counts.values())} 行。")
            with tarfile.open(fileobj=raw, mode="w:gz", format=tarfile.PAX_FORMAT) as tar:
                dump_name = database.DUMP_NAMES[database.vendor()]
                with open(dump_path, "rb") as handle:
                    members = {dump_name: _add(tar, dump_name, handle, now)}
                files = {}
                for alias in STORAGE_ALIASES:
                    files[alias] = _add_storage(tar, alias, members, now)
                    say(f"文件（{alias}）：{len(files[alias])} 个。")
                manifest = _manifest(now, counts, db_info, dump_name, files, members)
                _add(tar, MANIFEST, io.BytesIO(json.dumps(manifest, ensure_ascii=False, indent=1).encode()), now)
            raw.flush()  # the tar and gzip trailers are written: make the bytes durable before the rename
            os.fsync(raw.fileno())
        os.replace(partial, final)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return final, manifest


def restore(path, *, force=False, say=lambda line: None):
    """Restore the archive at `path` into an empty database and the storages, then verify it.

    Everything is checked before anything is written: the archive against its manifest, the
    database for tables, the storages for files of the same names. Returns the verification
    as (tables matching, tables, files matching, files).
    """
    database.supported()
    path = Path(path)
    with tempfile.TemporaryDirectory() as scratch:
        dump_path = Path(scratch) / "dump"
        manifest = _read_checked(path, dump_path)
        say(f"备份 {path.name}：创建于 {manifest['created_at']}，内容与清单一致。")
        if manifest["database"]["vendor"] != database.vendor():
            raise CommandError(
                f"备份来自 {manifest['database']['vendor']} 数据库，当前是 {database.vendor()}：只能恢复到同一种数据库。"
                f" / The archive holds a {manifest['database']['vendor']} database; this site uses "
                f"{database.vendor()}."
            )
        tables = database.table_names()
        clashes = [(alias, name) for alias, name, _ in _listed_files(manifest) if storages[alias].exists(name)]
        if (tables or clashes) and not force:
            raise CommandError(_not_empty(tables, clashes))
        database.load(dump_path, replace=bool(tables))
        say("数据库已恢复。")
        for alias, name in clashes:
            storages[alias].delete(name)
        _restore_files(path)
        say("文件已恢复。")
    return _verify(manifest)


# ----- writing -----


def _free_name(directory, stem):
    for suffix in ["", *(f"-{n}" for n in range(2, 100))]:
        candidate = directory / f"{stem}{suffix}.tar.gz"
        if not candidate.exists() and not candidate.with_name(candidate.name + ".partial").exists():
            return candidate
    raise CommandError(f"{directory} 中同一分钟的备份过多。")


def _add(tar, arcname, handle, now):
    """Copy `handle` into the archive as `arcname`; return its {"sha256", "size"}."""
    digest, size = hashlib.sha256(), 0
    with tempfile.SpooledTemporaryFile(max_size=_SPOOL) as spool:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            spool.write(chunk)
            size += len(chunk)
        spool.seek(0)
        info = tarfile.TarInfo(arcname)
        info.size, info.mtime, info.mode = size, int(now.timestamp()), 0o600
        tar.addfile(info, spool)
    return {"sha256": digest.hexdigest(), "size": size}


def _add_storage(tar, alias, members, now):
    storage, files = storages[alias], {}
    for name in walk(storage):
        try:
            with storage.open(name, "rb") as handle:
                files[name] = members[f"files/{alias}/{name}"] = _add(tar, f"files/{alias}/{name}", handle, now)
        except FileNotFoundError:
            continue  # deleted since it was listed (a purged kept upload): not part of this backup
    return files


def walk(storage, folder=""):
    """Every file name in `storage` below `folder`, sorted. Health-check files and names no
    upload gets (hidden files such as .DS_Store) are left out: restore would refuse them."""
    try:
        folders, names = storage.listdir(folder)
    except FileNotFoundError:  # local disk: nothing was ever uploaded
        return
    for name in sorted(names):
        full = posixpath.join(folder, name)
        if _safe_name(full) and not is_health_check_file(full):
            yield full
    for sub in sorted(folders):
        if _safe_name(posixpath.join(folder, sub)):
            yield from walk(storage, posixpath.join(folder, sub))


def _manifest(now, counts, db_info, dump_name, files, members):
    return {
        "format": FORMAT,
        "version": VERSION,
        "created_at": now.isoformat(timespec="seconds"),
        "database": {"vendor": database.vendor(), "file": dump_name, "tables": counts, **db_info},
        "storages": files,
        "members": members,
        "migrations": _latest_migrations(),
        "versions": {
            "newsportal": _version("newsportal"),
            "django": django.get_version(),
            "python": platform.python_version(),
            "django-storages": _version("django-storages"),
        },
    }


def _latest_migrations():
    latest = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        latest[app] = name
    return latest


def _version(distribution):
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "unknown"


# ----- reading -----


def _corrupt(path, reason):
    return CommandError(
        f"备份文件已损坏或不是 newsportal 的备份，未做任何更改：{path}（{reason}）"
        f" / The archive is damaged or not a newsportal backup; nothing was changed."
    )


def _read_checked(path, dump_path):
    """The manifest of the archive at `path`, once every member matches it; the database dump
    is copied to `dump_path` on the way."""
    if not path.is_file():
        raise CommandError(f"找不到备份文件：{path} / Archive not found.")
    found, raw_manifest = {}, None
    try:
        with tarfile.open(path, "r:gz") as tar:
            for member in tar:
                if not member.isfile():
                    raise _corrupt(path, f"意外的条目 {member.name}")
                handle = tar.extractfile(member)
                if member.name == MANIFEST:
                    raw_manifest = handle.read()
                    continue
                target = open(dump_path, "wb") if member.name.startswith("database/") else None  # noqa: SIM115
                found[member.name] = _digest(handle, target)
    except EOFError:
        raise _corrupt(path, "归档不完整，可能在复制时被截断") from None
    except (tarfile.TarError, zlib.error, OSError) as exc:
        raise _corrupt(path, f"无法读取归档：{exc.__class__.__name__}") from None
    manifest = _parse_manifest(path, raw_manifest)
    expected = {name: (entry["sha256"], entry["size"]) for name, entry in manifest["members"].items()}
    wrong = sorted(name for name in expected.keys() | found.keys() if expected.get(name) != found.get(name))
    if wrong:
        raise _corrupt(path, f"{len(wrong)} 个条目与清单不符，例如 {wrong[0]}")
    return manifest


def _digest(handle, target=None):
    digest, size = hashlib.sha256(), 0
    try:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
            if target:
                target.write(chunk)
    finally:
        if target:
            target.close()
    return digest.hexdigest(), size


def _parse_manifest(path, raw):
    if raw is None:
        raise _corrupt(path, "没有 manifest.json")
    try:
        manifest = json.loads(raw)
        if manifest.get("format") != FORMAT:
            raise ValueError("format")
        if manifest.get("version") != VERSION:
            raise _corrupt(path, f"不支持的备份格式版本 {manifest.get('version')}")
        dump_name = manifest["database"]["file"]
        if dump_name not in manifest["members"] or dump_name != database.DUMP_NAMES.get(manifest["database"]["vendor"]):
            raise ValueError("database")
        for alias, name, entry in _listed_files(manifest):
            if not _safe_name(name) or manifest["members"].get(f"files/{alias}/{name}") != entry:
                raise ValueError(name)
        dict(manifest["database"]["tables"])
    except CommandError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError):
        raise _corrupt(path, "manifest.json 内容无效") from None
    return manifest


def _listed_files(manifest):
    for alias in STORAGE_ALIASES:
        for name, entry in manifest["storages"].get(alias, {}).items():
            yield alias, name, entry


def _safe_name(name):
    return (
        isinstance(name, str)
        and name == posixpath.normpath(name)
        and not name.startswith(("/", "../", "."))
        and "\\" not in name
        and "\x00" not in name
    )


def _not_empty(tables, clashes):
    found = []
    if tables:
        found.append(f"数据库已有 {len(tables)} 张表")
    if clashes:
        found.append(f"文件存储中已有 {len(clashes)} 个同名文件（例如 {clashes[0][1]}）")
    return (
        f"恢复只写入空的数据库和文件存储，而{'，'.join(found)}；未做任何更改。确定要覆盖现有数据时加 --force。"
        f" / Restore only writes into an empty database and storages; nothing was changed. "
        f"Add --force to replace the existing data."
    )


# ----- restoring and verifying -----


def _restore_files(path):
    prefixes = {f"files/{alias}/": alias for alias in STORAGE_ALIASES}
    with tarfile.open(path, "r:gz") as tar:
        for member in tar:
            prefix = next((p for p in prefixes if member.name.startswith(p)), None)
            if prefix is None:
                continue
            name = member.name[len(prefix) :]
            content = File(tar.extractfile(member), name=posixpath.basename(name))
            content.size = member.size
            saved = storages[prefixes[prefix]].save(name, content)
            if saved != name:
                raise CommandError(f"文件 {name} 被存为 {saved}：恢复期间有人写入了同名文件。")


def _verify(manifest):
    """(tables matching, tables, files matching, files) after a restore."""
    counts = database.row_counts()
    tables = manifest["database"]["tables"]
    table_ok = sum(counts.get(table) == rows for table, rows in tables.items())
    listed = list(_listed_files(manifest))
    files_ok = 0
    for alias, name, entry in listed:
        try:
            with storages[alias].open(name, "rb") as handle:
                files_ok += _digest(handle) == (entry["sha256"], entry["size"])
        except FileNotFoundError:
            pass
    return table_ok, len(tables), files_ok, len(listed)
