"""The status index with the id after it (Agreement.Meta.indexes): on PostgreSQL, a status checked
for the agreements another filter leads with is answered from the index, and only the matches are
read from the table. The new index is built before the old one goes, so no query is left without
one meanwhile."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0027_sector_links_covering_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="agreement",
            index=models.Index(fields=["status", "id"], name="agreement_status_id_idx"),
        ),
        migrations.RemoveIndex(
            model_name="agreement",
            name="agreement_status_idx",
        ),
    ]
