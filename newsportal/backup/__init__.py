"""Backups: `manage.py backup` and `manage.py restore` (README "Storage and backups").

archive.py owns the archive (layout, manifest, checks, restoring files); database.py owns
dumping and loading the database on PostgreSQL and SQLite.
"""
