"""Idempotency keys belong to the holder organisation, and are reserved before the call runs:
the organisation a record answers for (filled in by 0004, required by 0005, which also makes the
key unique per organisation), and an answer that is empty while the reserved call runs."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_organizations_users_accreditations"),
        ("ledger", "0002_append_only_movements_retirements"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="idempotencyrecord",
            name="idempotency_key_per_user",
        ),
        migrations.AddField(
            model_name="idempotencyrecord",
            name="organization",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.organization",
            ),
        ),
        migrations.AlterField(
            model_name="idempotencyrecord",
            name="user",
            field=models.ForeignKey(
                help_text="Who sent the request that was answered.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="idempotencyrecord",
            name="response_status",
            field=models.PositiveSmallIntegerField(
                blank=True, help_text="Empty while the call that reserved the key runs.", null=True
            ),
        ),
        migrations.AlterField(
            model_name="idempotencyrecord",
            name="response_body",
            field=models.JSONField(blank=True, null=True),
        ),
        migrations.AddConstraint(
            model_name="idempotencyrecord",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("response_body__isnull", True), ("response_status__isnull", True)),
                    models.Q(("response_body__isnull", False), ("response_status__isnull", False)),
                    _connector="OR",
                ),
                name="idempotency_answer_whole",
            ),
        ),
    ]
