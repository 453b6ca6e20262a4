"""A methodology may name the monitored parameters that a project's data centre's readings give
rather than its reports (CR-DC-001: IT energy and project PUE): a mapping, never a list or a
scalar."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("methodologies", "0006_grid_regions_tiers_energy_conversion"),
    ]

    operations = [
        migrations.AddField(
            model_name="methodology",
            name="data_centre_readings",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text="Monitored parameters a project's data centre's readings give rather than its reports: {symbol: quantity}, a quantity one of ReadingQuantity (CR-DC-001: E_IT from it_energy, PUE_PJ from pue). Its projects name their data centre. Empty for every other methodology.",
            ),
        ),
        migrations.AddConstraint(
            model_name="methodology",
            constraint=models.CheckConstraint(
                condition=models.lookups.Exact(
                    models.Func(
                        "data_centre_readings",
                        function="jsonb_typeof",
                        output_field=models.CharField(),
                    ),
                    "object",
                ),
                name="methodology_data_centre_readings_mapping",
            ),
        ),
    ]
