"""The GEC-CCER link: plants linked to registered projects, and the public records of
certificates cancelled at an issuance."""

import django.contrib.postgres.constraints
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import core.models


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0002_append_only_ranges_claims"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="CertificateCancellation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "issuance",
                    models.BigIntegerField(
                        db_index=True,
                        help_text="The id of the CCER issuance the electricity was credited by.",
                    ),
                ),
                ("project_reference", models.CharField(max_length=32)),
                ("report_reference", models.CharField(max_length=32)),
                (
                    "block",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="cancellation",
                        to="certificates.certificateblock",
                    ),
                ),
                (
                    "cancelled_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["issuance", "id"],
            },
        ),
        migrations.CreateModel(
            name="LinkedGenerator",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("generator_code", models.CharField(max_length=64)),
                (
                    "period_start",
                    models.DateField(help_text="The first day of the project's crediting period."),
                ),
                (
                    "period_end",
                    models.DateField(help_text="The last day of the project's crediting period."),
                ),
                ("project_reference", models.CharField(max_length=32)),
                (
                    "linked_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["generator_code", "period_start"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("period_end__gte", models.F("period_start"))),
                        name="linked_generator_period_ordered",
                    ),
                    django.contrib.postgres.constraints.ExclusionConstraint(
                        expressions=[
                            ("generator_code", "="),
                            (core.models.DateRange("period_start", "period_end"), "&&"),
                        ],
                        name="linked_generator_periods_do_not_overlap",
                    ),
                ],
            },
        ),
    ]
