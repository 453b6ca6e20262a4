"""On PostgreSQL, refuse changes to published methodology versions and to reference data.

A published version's parameters, equations and rules never change (only its status moves on,
to superseded or withdrawn), and a stored emission factor or GWP is never edited or deleted:
corrections are new rows. The services refuse the same on every engine.
"""

from django.db import migrations

from core.migration_operations import PostgreSQLOnlySQL

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
    IF TG_OP = 'DELETE'
        OR (NEW.code, NEW.version, NEW.title, NEW.sector, NEW.kind, NEW.approved,
            NEW.additionality_exempt, NEW.crediting_years_min, NEW.crediting_years_max,
            NEW.applicability, NEW.source_document, NEW.result_symbol, NEW.published_at)
           IS DISTINCT FROM
           (OLD.code, OLD.version, OLD.title, OLD.sector, OLD.kind, OLD.approved,
            OLD.additionality_exempt, OLD.crediting_years_min, OLD.crediting_years_max,
            OLD.applicability, OLD.source_document, OLD.result_symbol, OLD.published_at)
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

CREATE FUNCTION methodologies_refuse_reference_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'reference data never changes: % on % refused; add a new row',
        TG_OP, TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER methodologies_emissionfactor_append_only
    BEFORE UPDATE OR DELETE ON methodologies_emissionfactor
    FOR EACH ROW EXECUTE FUNCTION methodologies_refuse_reference_change();
CREATE TRIGGER methodologies_globalwarmingpotential_append_only
    BEFORE UPDATE OR DELETE ON methodologies_globalwarmingpotential
    FOR EACH ROW EXECUTE FUNCTION methodologies_refuse_reference_change();
"""

BACKWARD = """
DROP TRIGGER methodologies_globalwarmingpotential_append_only
    ON methodologies_globalwarmingpotential;
DROP TRIGGER methodologies_emissionfactor_append_only ON methodologies_emissionfactor;
DROP FUNCTION methodologies_refuse_reference_change();
DROP TRIGGER methodologies_methodology_immutable ON methodologies_methodology;
DROP FUNCTION methodologies_refuse_published_version_change();
DROP TRIGGER methodologies_equation_immutable ON methodologies_equation;
DROP TRIGGER methodologies_parameter_immutable ON methodologies_parameter;
DROP FUNCTION methodologies_refuse_published_model_change();
"""


class Migration(migrations.Migration):
    dependencies = [("methodologies", "0001_methodology_library_and_reference_data")]

    operations = [PostgreSQLOnlySQL(FORWARD, BACKWARD)]
