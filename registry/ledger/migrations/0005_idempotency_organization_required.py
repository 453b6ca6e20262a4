"""Every idempotency record names its organisation (filled in by 0004), and a key is unique per
organisation: a racing replay waits on this index."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_organizations_users_accreditations"),
        ("ledger", "0004_fill_idempotency_organizations"),
    ]

    operations = [
        migrations.AlterField(
            model_name="idempotencyrecord",
            name="organization",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.organization",
            ),
        ),
        migrations.AddConstraint(
            model_name="idempotencyrecord",
            constraint=models.UniqueConstraint(
                fields=("organization", "key"), name="idempotency_key_per_organization"
            ),
        ),
    ]
