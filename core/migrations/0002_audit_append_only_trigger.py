"""Audit entries are append-only: the database refuses UPDATE, DELETE and TRUNCATE on them.

TRUNCATE is allowed only where the database says so (`registry.allow_truncate = on`, set on the
test database alone, which empties its tables between tests)."""

from django.db import migrations

FORWARD = """
CREATE FUNCTION core_refuse_rewrite() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'TRUNCATE'
        AND current_setting('registry.allow_truncate', true) IS NOT DISTINCT FROM 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER core_auditentry_append_only
    BEFORE UPDATE OR DELETE ON core_auditentry
    FOR EACH ROW EXECUTE FUNCTION core_refuse_rewrite();
CREATE TRIGGER core_auditentry_no_truncate
    BEFORE TRUNCATE ON core_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION core_refuse_rewrite();
"""

BACKWARD = """
DROP TRIGGER core_auditentry_no_truncate ON core_auditentry;
DROP TRIGGER core_auditentry_append_only ON core_auditentry;
DROP FUNCTION core_refuse_rewrite();
"""


class Migration(migrations.Migration):
    dependencies = [("core", "0001_audit_chain")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
