"""Indexes in the order readers see agreements and status steps newest first, on PostgreSQL only.

PostgreSQL's DESC puts NULLs first, so the existing indexes cannot serve `signed_on DESC NULLS
LAST` or `effective_on DESC NULLS LAST`, and an uncached list or home page sorted every row
(56-69 ms at +100,000 agreements). SQLite's DESC already puts NULLs last, its existing indexes
serve these orders, and it cannot create an index with NULLS LAST: there this does nothing. Not
in the models' Meta.indexes for the same reason (a model index is created on every database).
"""

from django.db import migrations

INDEXES = {
    "agreement": ("agreement_newest_pg_idx", "signed_on DESC NULLS LAST, title, id"),
    "statuschange": (
        "status_change_newest_pg_idx",
        "effective_on DESC NULLS LAST, recorded_at DESC, id DESC",
    ),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, (name, columns) in INDEXES.items():
        table = apps.get_model("tracker", model_name)._meta.db_table
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {schema_editor.quote_name(name)} "
            f"ON {schema_editor.quote_name(table)} ({columns})"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _columns in INDEXES.values():
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0024_agreement_exclusion_index"),
    ]

    operations = [migrations.RunPython(create, drop)]
