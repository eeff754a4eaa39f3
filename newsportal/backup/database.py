"""The database half of a backup: a consistent dump, its row counts, and loading it back.

PostgreSQL: `pg_dump --format=custom` reading a snapshot exported by a REPEATABLE READ
transaction, which also counts the rows, so the counts describe exactly what was dumped while the
site keeps writing; `pg_restore --single-transaction` loads it (all or nothing). SQLite: a copy
through sqlite3's online backup API (consistent while others write) and the same API back.
The connection settings for pg_dump/pg_restore come from Django's own dbshell client.
"""

import os
import shutil
import sqlite3
import subprocess
from contextlib import closing

from django.core.management.base import CommandError
from django.db import connection

DUMP_NAMES = {"postgresql": "database/newsportal.dump", "sqlite": "database/newsportal.sqlite3"}


def vendor():
    return connection.vendor


def supported():
    if connection.vendor not in DUMP_NAMES:
        raise CommandError(f"不支持备份 {connection.vendor} 数据库（只支持 PostgreSQL 和 SQLite）。")


def table_names(conn=connection):
    with conn.cursor() as cursor:
        return sorted(conn.introspection.table_names(cursor))


def row_counts(conn=connection):
    """{table: rows} for every table of the database behind `conn`."""
    counts = {}
    with conn.cursor() as cursor:
        for table in sorted(conn.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {conn.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def dump(target):
    """Write a consistent dump of the database to the path `target`.

    Returns (row counts per table as dumped, a description of the server and the dump tool).
    """
    supported()
    if connection.vendor == "sqlite":
        return _dump_sqlite(target)
    return _dump_postgresql(target)


def load(source, *, replace):
    """Load the dump at `source` into the current database (empty, or `replace` its contents)."""
    if connection.vendor == "sqlite":
        _load_sqlite(source)
    else:
        _load_postgresql(source, replace=replace)
    connection.close()  # nothing cached from before the restore survives


# ----- SQLite -----


def _dump_sqlite(target):
    if connection.in_atomic_block:
        # Its own uncommitted writes would keep the backup API waiting for ever.
        raise CommandError("不能在数据库事务中备份 SQLite 数据库。")
    connection.ensure_connection()
    with closing(sqlite3.connect(target)) as copy:
        connection.connection.backup(copy)
    with closing(sqlite3.connect(target)) as copy:
        tables = [row[0] for row in copy.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        counts = {
            table: copy.execute(f'SELECT COUNT(*) FROM "{table.replace(chr(34), chr(34) * 2)}"').fetchone()[0]
            for table in sorted(tables)
            if not table.startswith("sqlite_")
        }
    return counts, {"server": f"SQLite {sqlite3.sqlite_version}", "tool": "sqlite3 backup API"}


def _load_sqlite(source):
    connection.ensure_connection()
    with closing(sqlite3.connect(source)) as dumped:
        dumped.backup(connection.connection)


# ----- PostgreSQL -----


def _client_command(tool, *parameters):
    """[tool, connection options…, database] and the environment (password, SSL) for it."""
    from django.db.backends.postgresql.client import DatabaseClient

    if shutil.which(tool) is None:
        raise CommandError(f"找不到 {tool}：请安装 PostgreSQL 客户端（Debian：apt-get install postgresql-client）。")
    args, env = DatabaseClient.settings_to_cmd_args_env(connection.settings_dict, list(parameters))
    return [tool, *args[1:]], {**os.environ, **(env or {})}


def _run(command, env):
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise CommandError(f"{command[0]} 失败（退出码 {result.returncode}）：{result.stderr.strip()[-2000:]}")
    return result.stdout


def _dump_postgresql(target):
    snapshot_holder = connection.copy()  # a connection of its own, whatever transaction ours is in
    try:
        snapshot_holder.ensure_connection()
        snapshot_holder.set_autocommit(True)
        with snapshot_holder.cursor() as cursor:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            cursor.execute("SELECT pg_export_snapshot(), version()")
            snapshot, server = cursor.fetchone()
        command, env = _client_command("pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={target}")
        _run(command, env)
        counts = row_counts(snapshot_holder)
        tool = _run(["pg_dump", "--version"], env).strip()
        with snapshot_holder.cursor() as cursor:
            cursor.execute("COMMIT")
    finally:
        snapshot_holder.close()
    return counts, {"server": server, "tool": tool}


def _load_postgresql(source, *, replace):
    if replace:
        # Tables that are not in the dump (a newer migration's) would stop `migrate` later.
        with connection.cursor() as cursor:
            for table in table_names():
                cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)} CASCADE")
    options = ["--single-transaction", "--exit-on-error", "--no-owner", "--no-privileges"]
    if replace:
        options += ["--clean", "--if-exists"]
    command, env = _client_command("pg_restore", *options, "--dbname")
    # settings_to_cmd_args_env puts the database name last, so right after --dbname.
    _run([*command, source], env)
