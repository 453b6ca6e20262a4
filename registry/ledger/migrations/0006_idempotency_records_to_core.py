"""The ledger's idempotency records become the kernel's (core 0004): the table is renamed, its
rows, indexes and constraints kept."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_idempotency_records"),
        ("ledger", "0005_idempotency_organization_required"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE ledger_idempotencyrecord RENAME TO core_idempotencyrecord",
                    "ALTER TABLE core_idempotencyrecord RENAME TO ledger_idempotencyrecord",
                ),
            ],
            state_operations=[migrations.DeleteModel(name="IdempotencyRecord")],
        ),
    ]
