"""Each data centre's sums over a year's current readings, which the statistics add up
(`compute.services.summaries` keeps them; 0004 fills them for the readings already stored)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("compute", "0002_readings_corrected_never_edited"),
    ]

    operations = [
        migrations.CreateModel(
            name="DataCentreYear",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("year", models.PositiveSmallIntegerField()),
                ("readings", models.PositiveIntegerField()),
                ("total_energy_kwh", models.DecimalField(decimal_places=3, max_digits=24)),
                ("it_energy_kwh", models.DecimalField(decimal_places=3, max_digits=24)),
                ("green_energy_kwh", models.DecimalField(decimal_places=3, max_digits=24)),
                ("location_based_tco2e", models.DecimalField(decimal_places=6, max_digits=28)),
                ("market_based_tco2e", models.DecimalField(decimal_places=6, max_digits=28)),
                ("energy_for_assessment_kwh", models.DecimalField(decimal_places=3, max_digits=24)),
                ("tier", models.CharField(max_length=64)),
                (
                    "data_centre",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="year_sums",
                        to="compute.datacentre",
                    ),
                ),
            ],
            options={
                "ordering": ["data_centre_id", "year"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("year", "data_centre"), name="data_centre_year_once"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("it_energy_kwh__gt", 0),
                            ("it_energy_kwh__lte", models.F("total_energy_kwh")),
                            ("readings__gte", 1),
                        ),
                        name="data_centre_year_sums_possible",
                    ),
                ],
            },
        ),
    ]
