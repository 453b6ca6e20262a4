"""`?serial=` finds the block holding a serial through an index on its range."""

import django.contrib.postgres.indexes
from django.db import migrations

import core.models


class Migration(migrations.Migration):
    dependencies = [("ledger", "0008_issuance_vintages")]

    operations = [
        migrations.AddIndex(
            model_name="creditblock",
            index=django.contrib.postgres.indexes.GistIndex(
                core.models.BigIntegerRange("first", "last"), name="block_serial_range_idx"
            ),
        ),
    ]
