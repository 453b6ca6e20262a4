"""The GEC-CCER link: a project names its power plant, a report the net electricity it
credits."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_drop_plaintext_tokens"),
        ("projects", "0001_projects_reports_history"),
    ]

    operations = [
        migrations.AddField(
            model_name="monitoringreport",
            name="certificate_electricity_mwh",
            field=models.DecimalField(
                blank=True,
                decimal_places=6,
                help_text="The net electricity (MWh, rounded up to the column's places) the claim credits where the GEC-CCER link governs its period: as many frozen green certificates are cancelled, rounded up to whole ones, when its credits are issued. Null where the link does not govern the period.",
                max_digits=24,
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="project",
            name="generator_code",
            field=models.CharField(
                blank=True,
                help_text="The national GEC system's code of the project's power plant, where its methodology's electricity also earns green certificates (the GEC-CCER link); else empty.",
                max_length=64,
            ),
        ),
        migrations.AddConstraint(
            model_name="monitoringreport",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("certificate_electricity_mwh__isnull", True),
                    ("certificate_electricity_mwh__gte", 0),
                    _connector="OR",
                ),
                name="report_certificate_electricity_not_negative",
            ),
        ),
    ]
