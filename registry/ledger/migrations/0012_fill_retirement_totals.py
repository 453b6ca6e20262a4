"""Fill the kept retirement totals from the retirement certificates and their blocks, as they
stand: per month (in the registry's time zone, as `registry.ledger.totals.retirement_month`),
purpose and stripe (project id modulo `RETIREMENT_TOTAL_STRIPES`), the credits retired and the
certificates made. Reversed, it empties the table."""

from django.conf import settings
from django.db import migrations

FILL_RETIREMENT_TOTALS = """
INSERT INTO ledger_retirementtotal (month, purpose, stripe, quantity, retirements)
SELECT date_trunc('month', r.created_at AT TIME ZONE %(time_zone)s)::date, r.purpose,
       b.project_id %% %(stripes)s, SUM(b.quantity), COUNT(*)
FROM ledger_retirement r JOIN ledger_creditblock b ON b.id = r.block_id
GROUP BY 1, 2, 3
"""


def fill(apps, schema_editor) -> None:
    # The settings as they are when the migration runs, as the services will read them.
    parameters = {"time_zone": settings.TIME_ZONE, "stripes": settings.RETIREMENT_TOTAL_STRIPES}
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(FILL_RETIREMENT_TOTALS, parameters)


def empty(apps, schema_editor) -> None:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DELETE FROM ledger_retirementtotal")


class Migration(migrations.Migration):
    dependencies = [("ledger", "0011_retirement_totals")]

    operations = [migrations.RunPython(fill, empty)]
