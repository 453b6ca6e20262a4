"""On PostgreSQL, refuse changes to published methodology versions and to reference data.

A published version's parameters, equations and rules never change (only its status moves on,
to superseded or withdrawn), and a stored emission factor or GWP is never edited or deleted:
corrections are new rows.
TRUNCATE of reference data is refused too, except where the database allows it
(`registry.allow_truncate = on`, the test database alone).
"""

from django.db import migrations

FORWARD = """
CREATE FUNCTION methodologies_refuse_published_model_change() RETURNS trigger AS $$
DECLARE
    parent_status text;
BEGIN
    SELECT status INTO parent_status FROM methodologies_methodology
        WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.methodology_id ELSE NEW.methodology_id END;
    IF parent_status IS DISTINCT FROM 'draft' THEN
        RAISE EXCEPTION 'published methodology versions are immutable: % on % refused',
            TG_OP, TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.methodology_id <> OLD.methodology_id THEN
        RAISE EXCEPTION 'a parameter or equation cannot move to another methodology'
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER methodologies_parameter_immutable
    BEFORE INSERT OR UPDATE OR DELETE ON methodologies_parameter
    FOR EACH ROW EXECUTE FUNCTION methodologies_refuse_published_model_change();
CREATE TRIGGER methodologies_equation_immutable
    BEFORE INSERT OR UPDATE OR DELETE ON methodologies_equation
    FOR EACH ROW EXECUTE FUNCTION methodologies_refuse_published_model_change();

CREATE FUNCTION methodologies_refuse_published_version_change() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'draft' THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    -- Every column but the status, including columns added later: a published version's
    -- status alone moves on (to superseded or withdrawn), never back to draft.
    IF TG_OP = 'DELETE'
        OR to_jsonb(NEW) - 'status' IS DISTINCT FROM to_jsonb(OLD) - 'status'
        OR NEW.status = 'draft'
    THEN
        RAISE EXCEPTION 'published methodology versions are immutable: % of % refused',
            TG_OP, OLD.code || '-' || OLD.version USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER methodologies_methodology_immutable
    BEFORE UPDATE OR DELETE ON methodologies_methodology
    FOR EACH ROW EXECUTE FUNCTION methodologies_refuse_published_version_change();

CREATE TRIGGER methodologies_emissionfactor_append_only
    BEFORE UPDATE OR DELETE ON methodologies_emissionfactor
    FOR EACH ROW EXECUTE FUNCTION core_refuse_rewrite();
CREATE TRIGGER methodologies_globalwarmingpotential_append_only
    BEFORE UPDATE OR DELETE ON methodologies_globalwarmingpotential
    FOR EACH ROW EXECUTE FUNCTION core_refuse_rewrite();
CREATE TRIGGER methodologies_emissionfactor_no_truncate
    BEFORE TRUNCATE ON methodologies_emissionfactor
    FOR EACH STATEMENT EXECUTE FUNCTION core_refuse_rewrite();
CREATE TRIGGER methodologies_globalwarmingpotential_no_truncate
    BEFORE TRUNCATE ON methodologies_globalwarmingpotential
    FOR EACH STATEMENT EXECUTE FUNCTION core_refuse_rewrite();
CREATE TRIGGER methodologies_parameter_no_truncate
    BEFORE TRUNCATE ON methodologies_parameter
    FOR EACH STATEMENT EXECUTE FUNCTION core_refuse_rewrite();
CREATE TRIGGER methodologies_equation_no_truncate
    BEFORE TRUNCATE ON methodologies_equation
    FOR EACH STATEMENT EXECUTE FUNCTION core_refuse_rewrite();
"""

BACKWARD = """
DROP TRIGGER methodologies_equation_no_truncate ON methodologies_equation;
DROP TRIGGER methodologies_parameter_no_truncate ON methodologies_parameter;
DROP TRIGGER methodologies_globalwarmingpotential_no_truncate
    ON methodologies_globalwarmingpotential;
DROP TRIGGER methodologies_emissionfactor_no_truncate ON methodologies_emissionfactor;
DROP TRIGGER methodologies_globalwarmingpotential_append_only
    ON methodologies_globalwarmingpotential;
DROP TRIGGER methodologies_emissionfactor_append_only ON methodologies_emissionfactor;
DROP TRIGGER methodologies_methodology_immutable ON methodologies_methodology;
DROP FUNCTION methodologies_refuse_published_version_change();
DROP TRIGGER methodologies_equation_immutable ON methodologies_equation;
DROP TRIGGER methodologies_parameter_immutable ON methodologies_parameter;
DROP FUNCTION methodologies_refuse_published_model_change();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("methodologies", "0001_methodology_library_and_reference_data"),
        ("core", "0002_audit_append_only_trigger"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
