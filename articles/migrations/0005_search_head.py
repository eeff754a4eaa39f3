import django.contrib.postgres.search
from django.db import migrations

# Keep article rows narrow on PostgreSQL: the body and the full search document move to
# TOAST, the small search head stays in the row, so matching and ranking thousands of
# stories reads a few megabytes instead of the whole table.
NARROW_ROWS = [
    "ALTER TABLE articles_article SET (toast_tuple_target = 256)",
    "ALTER TABLE articles_article ALTER COLUMN search_head SET STORAGE MAIN",
]
WIDE_ROWS = [
    "ALTER TABLE articles_article RESET (toast_tuple_target)",
    "ALTER TABLE articles_article ALTER COLUMN search_head SET STORAGE EXTENDED",
]


def narrow_rows(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in NARROW_ROWS:
            schema_editor.execute(statement)


def wide_rows(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in WIDE_ROWS:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_newsroom_roles"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="search_head",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True, verbose_name="检索摘要"),
        ),
        migrations.RunPython(narrow_rows, wide_rows),
    ]
