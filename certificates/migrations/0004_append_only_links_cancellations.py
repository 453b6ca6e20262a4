"""Linked plants and cancellation records are append-only, and a cancelled block never changes:
the database refuses UPDATE, DELETE and TRUNCATE on them (the kernel's `core_refuse_rewrite`)."""

from django.db import migrations

FORWARD = """
CREATE TRIGGER certificates_linkedgenerator_append_only
    BEFORE UPDATE OR DELETE ON certificates_linkedgenerator
    FOR EACH ROW EXECUTE FUNCTION core_refuse_rewrite();
CREATE TRIGGER certificates_linkedgenerator_no_truncate
    BEFORE TRUNCATE ON certificates_linkedgenerator
    FOR EACH STATEMENT EXECUTE FUNCTION core_refuse_rewrite();
CREATE TRIGGER certificates_certificatecancellation_append_only
    BEFORE UPDATE OR DELETE ON certificates_certificatecancellation
    FOR EACH ROW EXECUTE FUNCTION core_refuse_rewrite();
CREATE TRIGGER certificates_certificatecancellation_no_truncate
    BEFORE TRUNCATE ON certificates_certificatecancellation
    FOR EACH STATEMENT EXECUTE FUNCTION core_refuse_rewrite();
CREATE TRIGGER certificates_cancelled_block_fixed
    BEFORE UPDATE OR DELETE ON certificates_certificateblock
    FOR EACH ROW WHEN (OLD.state = 'cancelled') EXECUTE FUNCTION core_refuse_rewrite();
"""

BACKWARD = """
DROP TRIGGER certificates_cancelled_block_fixed ON certificates_certificateblock;
DROP TRIGGER certificates_certificatecancellation_no_truncate
    ON certificates_certificatecancellation;
DROP TRIGGER certificates_certificatecancellation_append_only
    ON certificates_certificatecancellation;
DROP TRIGGER certificates_linkedgenerator_no_truncate ON certificates_linkedgenerator;
DROP TRIGGER certificates_linkedgenerator_append_only ON certificates_linkedgenerator;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0003_ccer_link_generators_cancellations"),
        ("core", "0002_audit_append_only_trigger"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
