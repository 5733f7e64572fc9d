"""On PostgreSQL only, an index of the agreements' ids with their status.

When a sector leads the query, PostgreSQL probes each of the sector's agreements by id; with the
status in the index it reads from the table only those with the status asked for (+100,000, the
JSON mix's slowest rows query 15.0-16.0 -> 11.2-11.8 ms under EXPLAIN ANALYZE; a JSON mix address
in-process 28.7-29.8 -> 24.4-26.4 ms, an HTML one 24.9-27.2 -> 23.0-24.7, by turns). Not on
SQLite: with it, SQLite probed the table by rowid instead of the status index
(agreement_status_id_idx), and a +10,000 JSON mix address took 8 % longer. So it is not in
Agreement.Meta.indexes (a model index is created on every database), as in migration 0025.
"""

from django.db import migrations

NAME, COLUMNS = "agreement_id_status_pg_idx", "id, status"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = apps.get_model("tracker", "agreement")._meta.db_table
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {schema_editor.quote_name(NAME)} "
        f"ON {schema_editor.quote_name(table)} ({COLUMNS})"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(NAME)}")


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0028_status_index_with_id"),
    ]

    operations = [migrations.RunPython(create, drop)]
