"""On PostgreSQL, exclusion constraints the services also enforce everywhere:

- the live monitoring reports of one project never overlap in time (rejected and withdrawn
  reports release their period);
- the credit blocks of one issuance never overlap in serial range.
"""

from django.db import migrations

from core.migration_operations import PostgreSQLOnlySQL

FORWARD = """
CREATE EXTENSION IF NOT EXISTS btree_gist;

ALTER TABLE registry_monitoringreport ADD CONSTRAINT report_periods_do_not_overlap
    EXCLUDE USING gist (
        project_id WITH =,
        daterange(period_start, period_end, '[]') WITH &&
    ) WHERE (status NOT IN ('rejected', 'withdrawn'));

ALTER TABLE registry_creditblock ADD CONSTRAINT block_ranges_do_not_overlap
    EXCLUDE USING gist (
        issuance_id WITH =,
        int8range(first, last, '[]') WITH &&
    );
"""

BACKWARD = """
ALTER TABLE registry_creditblock DROP CONSTRAINT block_ranges_do_not_overlap;
ALTER TABLE registry_monitoringreport DROP CONSTRAINT report_periods_do_not_overlap;
"""


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_projects_reports_ledger_calendar")]

    operations = [PostgreSQLOnlySQL(FORWARD, BACKWARD)]
