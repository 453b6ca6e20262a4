"""Movements and retirement certificates are append-only: corrections are new rows. The database
refuses UPDATE, DELETE and TRUNCATE on them (the kernel's `core_refuse_rewrite`)."""

from django.db import migrations

FORWARD = """
CREATE TRIGGER ledger_movement_append_only
    BEFORE UPDATE OR DELETE ON ledger_movement
    FOR EACH ROW EXECUTE FUNCTION core_refuse_rewrite();
CREATE TRIGGER ledger_movement_no_truncate
    BEFORE TRUNCATE ON ledger_movement
    FOR EACH STATEMENT EXECUTE FUNCTION core_refuse_rewrite();
CREATE TRIGGER ledger_retirement_append_only
    BEFORE UPDATE OR DELETE ON ledger_retirement
    FOR EACH ROW EXECUTE FUNCTION core_refuse_rewrite();
CREATE TRIGGER ledger_retirement_no_truncate
    BEFORE TRUNCATE ON ledger_retirement
    FOR EACH STATEMENT EXECUTE FUNCTION core_refuse_rewrite();
"""

BACKWARD = """
DROP TRIGGER ledger_retirement_no_truncate ON ledger_retirement;
DROP TRIGGER ledger_retirement_append_only ON ledger_retirement;
DROP TRIGGER ledger_movement_no_truncate ON ledger_movement;
DROP TRIGGER ledger_movement_append_only ON ledger_movement;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0001_accounts_issuances_blocks_movements"),
        ("core", "0002_audit_append_only_trigger"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
