# The data's version becomes an append-only log (tracker.freshness): writers insert a row and
# never wait for one another; the single updated row deadlocked under concurrent writes.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0014_leader_translations_and_origin_label"),
    ]

    operations = [
        migrations.DeleteModel(name="DataVersion"),
        migrations.CreateModel(
            name="DataVersion",
            fields=[("id", models.BigAutoField(primary_key=True, serialize=False))],
            options={"verbose_name": "data version"},
        ),
    ]
