"""On PostgreSQL, movements and retirement certificates are append-only: corrections are new
rows. The services never update or delete them on any engine."""

from django.db import migrations

from core.migration_operations import PostgreSQLOnlySQL

FORWARD = """
CREATE FUNCTION registry_refuse_ledger_rewrite() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the ledger is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER registry_movement_append_only
    BEFORE UPDATE OR DELETE ON registry_movement
    FOR EACH ROW EXECUTE FUNCTION registry_refuse_ledger_rewrite();
CREATE TRIGGER registry_retirement_append_only
    BEFORE UPDATE OR DELETE ON registry_retirement
    FOR EACH ROW EXECUTE FUNCTION registry_refuse_ledger_rewrite();
"""

BACKWARD = """
DROP TRIGGER registry_retirement_append_only ON registry_retirement;
DROP TRIGGER registry_movement_append_only ON registry_movement;
DROP FUNCTION registry_refuse_ledger_rewrite();
"""


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_ledger_movements_retirements_idempotency")]

    operations = [PostgreSQLOnlySQL(FORWARD, BACKWARD)]
