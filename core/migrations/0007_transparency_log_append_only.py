"""The log is append-only: an audit entry may change only by the sealer setting its leaf index,
once, from empty; tree nodes and signed heads never change. The database refuses every other
UPDATE, DELETE and TRUNCATE (TRUNCATE where `registry.allow_truncate` is not on, as before)."""

from django.db import migrations

FORWARD = """
CREATE FUNCTION core_auditentry_seal_only() RETURNS trigger AS $$
DECLARE
    unsealed core_auditentry;
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.leaf_index IS NULL AND NEW.leaf_index IS NOT NULL THEN
        -- The whole row but the leaf index, compared as rows: a column added later is covered.
        unsealed := NEW;
        unsealed.leaf_index := NULL;
        IF unsealed IS NOT DISTINCT FROM OLD THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER core_auditentry_append_only ON core_auditentry;
CREATE TRIGGER core_auditentry_append_only
    BEFORE UPDATE OR DELETE ON core_auditentry
    FOR EACH ROW EXECUTE FUNCTION core_auditentry_seal_only();

CREATE TRIGGER core_lognode_append_only
    BEFORE UPDATE OR DELETE ON core_lognode
    FOR EACH ROW EXECUTE FUNCTION core_refuse_rewrite();
CREATE TRIGGER core_lognode_no_truncate
    BEFORE TRUNCATE ON core_lognode
    FOR EACH STATEMENT EXECUTE FUNCTION core_refuse_rewrite();
CREATE TRIGGER core_signedtreehead_append_only
    BEFORE UPDATE OR DELETE ON core_signedtreehead
    FOR EACH ROW EXECUTE FUNCTION core_refuse_rewrite();
CREATE TRIGGER core_signedtreehead_no_truncate
    BEFORE TRUNCATE ON core_signedtreehead
    FOR EACH STATEMENT EXECUTE FUNCTION core_refuse_rewrite();
"""

BACKWARD = """
DROP TRIGGER core_signedtreehead_no_truncate ON core_signedtreehead;
DROP TRIGGER core_signedtreehead_append_only ON core_signedtreehead;
DROP TRIGGER core_lognode_no_truncate ON core_lognode;
DROP TRIGGER core_lognode_append_only ON core_lognode;
DROP TRIGGER core_auditentry_append_only ON core_auditentry;
CREATE TRIGGER core_auditentry_append_only
    BEFORE UPDATE OR DELETE ON core_auditentry
    FOR EACH ROW EXECUTE FUNCTION core_refuse_rewrite();
DROP FUNCTION core_auditentry_seal_only();
"""


class Migration(migrations.Migration):
    dependencies = [("core", "0006_transparency_log")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
