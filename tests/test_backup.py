"""manage.py backup and restore: one dated archive with the database and every file, restored into
an empty database (a fresh SQLite file, or a fresh PostgreSQL database when the suite runs on
PostgreSQL) by a separate `manage.py restore` process, and compared row by row and hash by hash;
damaged archives and non-empty databases are refused before anything is written."""

import hashlib
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
import tarfile
from contextlib import closing
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection

from articles.models import ArticleAttachment
from newsportal.storage import file_storages
from tests.factories import ArticleFactory, ContributionFactory, ImageFactory, TopicFactory
from tests.files import pdf_bytes
from tests.helpers import attach
from tests.s3 import S3_VARIABLES, S3Buckets

ROOT = Path(__file__).resolve().parent.parent
ARCHIVE_NAME = re.compile(r"newsportal-\d{4}-\d{2}-\d{2}T\d{4}\.tar\.gz")


def fill_site():
    """Stories with a cover image (and its renditions), a story's PDF, a case with an attachment."""
    cover = ImageFactory()
    stories = ArticleFactory.create_batch(3, cover=cover)
    TopicFactory()
    document = ArticleAttachment(
        article=stories[0], title="实施细则", original_name="实施细则.pdf", mime_type="application/pdf", size=1
    )
    document.file.save("rules.pdf", ContentFile(pdf_bytes()), save=False)
    document.save()
    attach(ContributionFactory(), pdf_bytes() + b"%case", "方案.pdf")


def row_counts(cursor, tables):
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
        counts[table] = cursor.fetchone()[0]
    return counts


def site_row_counts():
    with connection.cursor() as cursor:
        return row_counts(cursor, connection.introspection.table_names(cursor))


def disk_hashes(root):
    root = Path(root)
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in root.rglob("*")
        if path.is_file()
    }


def backup(directory):
    call_command("backup", output_dir=str(directory), stdout=io.StringIO())
    (archive,) = Path(directory).iterdir()
    return archive


def restore_elsewhere(archive, database_url, **environment):
    """`manage.py restore` in a process of its own, on another database and other storages."""
    env = {k: v for k, v in os.environ.items() if k not in S3_VARIABLES}
    # The site's own settings, as an operator runs it (test_settings may pin what the suite uses).
    env.update(DJANGO_SETTINGS_MODULE="newsportal.settings", DEBUG="1", DATABASE_URL=database_url, **environment)
    return subprocess.run(
        [sys.executable, "manage.py", "restore", str(archive)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


class EmptyDatabase:
    """A new, empty database of the suite's own kind, and the row counts found in it later."""

    def __init__(self, tmp_path):
        self.settings = connection.settings_dict
        if connection.vendor == "sqlite":
            self.path = tmp_path / "restored.sqlite3"
            self.url = f"sqlite:///{self.path}"
            return
        self.name = f"{self.settings['NAME']}_restore"
        self._admin(f'DROP DATABASE IF EXISTS "{self.name}"')
        self._admin(
            f"CREATE DATABASE \"{self.name}\" TEMPLATE template0 ENCODING 'UTF8' "
            f"LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
        )
        s = self.settings
        self.url = f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{self.name}"

    def _connect(self, name):
        import psycopg2

        s = self.settings
        return psycopg2.connect(
            dbname=name, user=s["USER"], password=s["PASSWORD"], host=s["HOST"] or None, port=s["PORT"] or None
        )

    def _admin(self, statement):
        with closing(self._connect("postgres")) as admin:
            admin.autocommit = True
            with admin.cursor() as cursor:
                cursor.execute(statement)

    def row_counts(self):
        if connection.vendor == "sqlite":
            with closing(sqlite3.connect(self.path)) as db:
                cursor = db.cursor()
                cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
                return row_counts(cursor, [row[0] for row in cursor.fetchall()])
        with closing(self._connect(self.name)) as db, db.cursor() as cursor:
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            return row_counts(cursor, [row[0] for row in cursor.fetchall()])

    def drop(self):
        if connection.vendor != "sqlite":
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}"')


@pytest.fixture
def empty_database(tmp_path):
    database = EmptyDatabase(tmp_path)
    yield database
    database.drop()


# ----- the round trip -----


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_an_empty_database_with_every_row_and_file(tmp_path, settings, empty_database):
    fill_site()
    counts = site_row_counts()
    public, private = disk_hashes(settings.MEDIA_ROOT), disk_hashes(settings.PRIVATE_MEDIA_ROOT)
    assert len(public) == 6 and len(private) == 2  # a cover and its 5 renditions; two PDFs

    archive = backup(tmp_path / "backups")

    assert ARCHIVE_NAME.fullmatch(archive.name)
    assert archive.stat().st_mode & 0o777 == 0o600
    result = restore_elsewhere(
        archive,
        empty_database.url,
        MEDIA_ROOT=str(tmp_path / "restored-media"),
        PRIVATE_MEDIA_ROOT=str(tmp_path / "restored-private"),
    )
    assert result.returncode == 0, result.stderr
    assert f"数据表 {len(counts)}/{len(counts)} 一致，文件 8/8 一致" in result.stdout
    assert empty_database.row_counts() == counts
    assert counts["articles_article"] == 3 and counts["submissions_attachment"] == 1
    assert disk_hashes(tmp_path / "restored-media") == public
    assert disk_hashes(tmp_path / "restored-private") == private


@pytest.mark.django_db(transaction=True)
def test_the_manifest_lists_row_counts_file_hashes_and_versions(tmp_path, settings):
    fill_site()
    archive = backup(tmp_path / "backups")

    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile("manifest.json").read())

    assert names[-1] == "manifest.json"
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["database"]["tables"] == site_row_counts()
    private = {f"files/private/{name}": sha for name, sha in disk_hashes(settings.PRIVATE_MEDIA_ROOT).items()}
    assert {name: manifest["members"][name]["sha256"] for name in private} == private
    assert set(manifest["versions"]) >= {"newsportal", "django", "python"}
    assert manifest["migrations"]["articles"].startswith("00")


# ----- S3 storages -----


@pytest.mark.django_db(transaction=True)
def test_a_backup_of_s3_buckets_restores_into_empty_buckets(
    tmp_path, settings, monkeypatch, moto_endpoint, empty_database
):
    source = S3Buckets(moto_endpoint)
    for name, value in source.environment().items():
        monkeypatch.setenv(name, value)
    entries, settings.MEDIA_URL = file_storages()
    settings.STORAGES = {**settings.STORAGES, **entries}
    fill_site()
    archive = backup(tmp_path / "backups")
    assert not settings.MEDIA_ROOT.exists() and not settings.PRIVATE_MEDIA_ROOT.exists()

    target = S3Buckets(moto_endpoint)
    result = restore_elsewhere(archive, empty_database.url, **target.environment())

    assert result.returncode == 0, result.stderr
    assert "文件 8/8 一致" in result.stdout
    for old, new in ((source.public, target.public), (source.private, target.private)):
        keys = source.keys(old)
        assert keys and target.keys(new) == keys
        assert all(target.body(new, key) == source.body(old, key) for key in keys)


# ----- refusals -----


@pytest.fixture
def archive(tmp_path):
    attach(ContributionFactory(), pdf_bytes(), "方案.pdf")
    return backup(tmp_path / "backups")


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_has_tables(archive):
    before = site_row_counts()

    with pytest.raises(CommandError, match=r"数据库已有 \d+ 张表.*未做任何更改.*--force"):
        call_command("restore", str(archive), stdout=io.StringIO())

    assert site_row_counts() == before


@pytest.mark.django_db
def test_restore_says_when_the_archive_is_missing(tmp_path):
    with pytest.raises(CommandError, match="找不到备份文件"):
        call_command("restore", str(tmp_path / "newsportal-2026-11-26T0400.tar.gz"), stdout=io.StringIO())


def rewrite(archive, change):
    """The archive rebuilt with `change(name, data)` applied to each member (None drops it)."""
    out = io.BytesIO()
    with tarfile.open(archive) as source, tarfile.open(fileobj=out, mode="w:gz") as target:
        for member in source:
            data = change(member.name, source.extractfile(member).read())
            if data is not None:
                member.size = len(data)
                target.addfile(member, io.BytesIO(data))
    archive.write_bytes(out.getvalue())


def hostile_manifest(name, data):
    if name != "manifest.json":
        return data
    manifest = json.loads(data)
    entry = next(iter(manifest["storages"]["private"].values()))
    manifest["storages"]["private"]["../../escape.pdf"] = entry
    return json.dumps(manifest).encode()


DAMAGES = {
    "truncated": lambda archive: archive.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2]),
    "random bytes": lambda archive: archive.write_bytes(os.urandom(4096)),
    "empty": lambda archive: archive.write_bytes(b""),
    "no manifest": lambda archive: rewrite(archive, lambda name, data: None if name == "manifest.json" else data),
    "altered file": lambda archive: rewrite(archive, lambda name, data: data + b"x" if "files/" in name else data),
    "bad manifest": lambda archive: rewrite(archive, lambda name, data: b"{" if name == "manifest.json" else data),
    "path escape": lambda archive: rewrite(archive, hostile_manifest),
}


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_damaged_archives_before_writing_anything(archive, settings):
    # One archive, damaged in turn: a transactional test per case costs seconds on PostgreSQL.
    files_before, rows_before = disk_hashes(settings.PRIVATE_MEDIA_ROOT), site_row_counts()
    for case, damage in DAMAGES.items():
        damaged = archive.with_name(f"damaged-{case.replace(' ', '-')}.tar.gz")
        damaged.write_bytes(archive.read_bytes())
        damage(damaged)

        with pytest.raises(CommandError, match="备份文件已损坏或不是 newsportal 的备份，未做任何更改"):
            call_command("restore", str(damaged), "--force", stdout=io.StringIO())

        assert disk_hashes(settings.PRIVATE_MEDIA_ROOT) == files_before, case
        assert site_row_counts() == rows_before, case
    assert not (settings.PRIVATE_MEDIA_ROOT.parent / "escape.pdf").exists()


def test_backups_are_not_committed():
    assert "/backups/" in (ROOT / ".gitignore").read_text().splitlines()
