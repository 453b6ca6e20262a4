"""Credits per project, vintage and state, kept by the ledger's services (filled in 0010), and
what a reconciliation run compared them with."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0006_idempotency_records_to_core"),
        ("projects", "0003_project_data_centre"),
        ("methodologies", "0001_methodology_library_and_reference_data"),
    ]

    operations = [
        migrations.CreateModel(
            name="CreditTotal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "project",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="projects.project",
                    ),
                ),
                ("vintage", models.PositiveSmallIntegerField()),
                (
                    "methodology",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="methodologies.methodology",
                    ),
                ),
                ("sector", models.CharField(max_length=32)),
                ("province", models.CharField(max_length=32)),
                ("active", models.BigIntegerField(default=0)),
                ("frozen", models.BigIntegerField(default=0)),
                ("retired", models.BigIntegerField(default=0)),
                ("cancelled", models.BigIntegerField(default=0)),
            ],
            options={"ordering": ["project", "vintage"]},
        ),
        migrations.AddConstraint(
            model_name="credittotal",
            constraint=models.UniqueConstraint(
                fields=("project", "vintage"), name="credit_total_one_per_project_vintage"
            ),
        ),
        migrations.AddConstraint(
            model_name="credittotal",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("active__gte", 0),
                    ("cancelled__gte", 0),
                    ("frozen__gte", 0),
                    ("retired__gte", 0),
                ),
                name="credit_total_not_negative",
            ),
        ),
        migrations.AddField(
            model_name="reconciliationrun",
            name="totals_checked",
            field=models.BigIntegerField(
                default=0,
                help_text="(project, vintage, state) sums compared with the kept totals",
            ),
        ),
    ]
