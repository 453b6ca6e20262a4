"""On PostgreSQL, refuse UPDATE and DELETE on audit entries: the chain is append-only."""

from django.db import migrations

from core.migration_operations import PostgreSQLOnlySQL

FORWARD = """
CREATE FUNCTION core_auditentry_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit entries are append-only: % refused on entry %', TG_OP, OLD.id
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER core_auditentry_append_only
    BEFORE UPDATE OR DELETE ON core_auditentry
    FOR EACH ROW EXECUTE FUNCTION core_auditentry_refuse_change();
"""

BACKWARD = """
DROP TRIGGER core_auditentry_append_only ON core_auditentry;
DROP FUNCTION core_auditentry_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("core", "0001_audit_chain")]

    operations = [PostgreSQLOnlySQL(FORWARD, BACKWARD)]
