"""The yearly sums of the readings stored before 0003: one row per data centre and year with
current readings, as `compute.services.summaries.refresh_years` builds it (the SQL is repeated
here, so that this migration does not change when the service does)."""

from django.conf import settings
from django.db import migrations

FILL = """
INSERT INTO compute_datacentreyear (data_centre_id, year, readings, total_energy_kwh,
    it_energy_kwh, green_energy_kwh, location_based_tco2e, market_based_tco2e,
    energy_for_assessment_kwh, tier)
SELECT sums.*, COALESCE(
    (SELECT tier.tier FROM methodologies_efficiencytier AS tier
     WHERE tier.scheme = %(scheme)s AND sums.total <= tier.pue_max * sums.it
     ORDER BY tier.pue_max LIMIT 1),
    %(fails)s)
FROM (
    SELECT data_centre_id, CAST(EXTRACT(YEAR FROM period_start) AS integer), count(*),
        sum(total_energy_kwh) AS total, sum(it_energy_kwh) AS it, sum(green_energy_kwh),
        sum(location_based_tco2e), sum(market_based_tco2e), sum(energy_for_assessment_kwh)
    FROM compute_reading
    WHERE superseded_at IS NULL
    GROUP BY 1, 2
) AS sums
"""
# compute.reference.FAILS when this migration was written.
FAILS = "fails the limit value"


def fill(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(FILL, {"scheme": settings.COMPUTE_TIER_SCHEME, "fails": FAILS})


def empty(apps, schema_editor):
    apps.get_model("compute", "DataCentreYear").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("compute", "0003_data_centre_years"),
        ("methodologies", "0006_grid_regions_tiers_energy_conversion"),
    ]

    operations = [migrations.RunPython(fill, empty)]
