"""Idempotency records move from the ledger to the kernel, where certificate claims use them
too. State only: the ledger's 0006 renames the table that holds them."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_organizations_users_accreditations"),
        ("core", "0003_btree_gist"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="IdempotencyRecord",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("key", models.CharField(max_length=255)),
                        ("endpoint", models.CharField(max_length=100)),
                        ("request_hash", models.CharField(max_length=64)),
                        (
                            "response_status",
                            models.PositiveSmallIntegerField(
                                blank=True,
                                help_text="Empty while the call that reserved the key runs.",
                                null=True,
                            ),
                        ),
                        ("response_body", models.JSONField(blank=True, null=True)),
                        (
                            "organization",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="accounts.organization",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                help_text="Who sent the request that was answered.",
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["-created_at", "-id"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("organization", "key"),
                                name="idempotency_key_per_organization",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(
                                        ("response_body__isnull", True),
                                        ("response_status__isnull", True),
                                    ),
                                    models.Q(
                                        ("response_body__isnull", False),
                                        ("response_status__isnull", False),
                                    ),
                                    _connector="OR",
                                ),
                                name="idempotency_answer_whole",
                            ),
                        ],
                    },
                ),
            ],
        ),
    ]
