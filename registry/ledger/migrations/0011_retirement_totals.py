"""Credits retired per month, purpose and stripe, kept by `retire_credits` (filled in 0012),
and how many of their sums a reconciliation run compared."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0010_fill_credit_totals_and_vintages"),
    ]

    operations = [
        migrations.AddField(
            model_name="reconciliationrun",
            name="retirement_totals_checked",
            field=models.BigIntegerField(
                default=0,
                help_text="(month, purpose) sums of the retirements compared with the kept retirement totals",
            ),
        ),
        migrations.CreateModel(
            name="RetirementTotal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "month",
                    models.DateField(
                        help_text="The first day of the month, in the registry's time zone."
                    ),
                ),
                (
                    "purpose",
                    models.CharField(
                        choices=[
                            ("compliance", "Compliance offset in an emissions trading scheme"),
                            ("event_neutrality", "Carbon-neutral event"),
                            ("corporate_neutrality", "Corporate carbon neutrality"),
                            ("public_good", "Public good"),
                        ],
                        max_length=32,
                    ),
                ),
                ("stripe", models.PositiveSmallIntegerField()),
                ("quantity", models.BigIntegerField(default=0, help_text="Credits retired.")),
                (
                    "retirements",
                    models.BigIntegerField(default=0, help_text="Retirement certificates."),
                ),
            ],
            options={
                "ordering": ["month", "purpose", "stripe"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("month", "purpose", "stripe"),
                        name="retirement_total_one_per_month_purpose_stripe",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("quantity__gte", 0), ("retirements__gte", 0)),
                        name="retirement_total_not_negative",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "purpose__in",
                                [
                                    "compliance",
                                    "event_neutrality",
                                    "corporate_neutrality",
                                    "public_good",
                                ],
                            )
                        ),
                        name="retirement_total_purpose_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("month__day", 1)),
                        name="retirement_total_month_first_day",
                    ),
                ],
            },
        ),
    ]
