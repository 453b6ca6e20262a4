"""Imported rows and claim records are append-only, and a claimed block never changes: the
database refuses UPDATE, DELETE and TRUNCATE on them (the kernel's `core_refuse_rewrite`)."""

from django.db import migrations

FORWARD = """
CREATE TRIGGER certificates_certificaterange_append_only
    BEFORE UPDATE OR DELETE ON certificates_certificaterange
    FOR EACH ROW EXECUTE FUNCTION core_refuse_rewrite();
CREATE TRIGGER certificates_certificaterange_no_truncate
    BEFORE TRUNCATE ON certificates_certificaterange
    FOR EACH STATEMENT EXECUTE FUNCTION core_refuse_rewrite();
CREATE TRIGGER certificates_certificateclaim_append_only
    BEFORE UPDATE OR DELETE ON certificates_certificateclaim
    FOR EACH ROW EXECUTE FUNCTION core_refuse_rewrite();
CREATE TRIGGER certificates_certificateclaim_no_truncate
    BEFORE TRUNCATE ON certificates_certificateclaim
    FOR EACH STATEMENT EXECUTE FUNCTION core_refuse_rewrite();
CREATE TRIGGER certificates_claimed_block_fixed
    BEFORE UPDATE OR DELETE ON certificates_certificateblock
    FOR EACH ROW WHEN (OLD.state = 'claimed') EXECUTE FUNCTION core_refuse_rewrite();
"""

BACKWARD = """
DROP TRIGGER certificates_claimed_block_fixed ON certificates_certificateblock;
DROP TRIGGER certificates_certificateclaim_no_truncate ON certificates_certificateclaim;
DROP TRIGGER certificates_certificateclaim_append_only ON certificates_certificateclaim;
DROP TRIGGER certificates_certificaterange_no_truncate ON certificates_certificaterange;
DROP TRIGGER certificates_certificaterange_append_only ON certificates_certificaterange;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0001_certificates_imports_blocks_claims"),
        ("core", "0002_audit_append_only_trigger"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
