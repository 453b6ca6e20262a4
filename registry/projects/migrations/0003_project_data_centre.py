"""The CR-DC-001 link: a project whose methodology takes monitored parameters from a data
centre's readings names that data centre."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("compute", "0001_data_centres_readings_claims"),
        ("projects", "0002_ccer_link_generator_and_report_electricity"),
    ]

    operations = [
        migrations.AddField(
            model_name="project",
            name="data_centre",
            field=models.ForeignKey(
                blank=True,
                help_text="The proponent's data centre whose readings give the monitored parameters of the project's reports, where its methodology takes them from readings (`Methodology.data_centre_readings`, CR-DC-001); else empty. Fixed once created.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="projects",
                to="compute.datacentre",
            ),
        ),
    ]
