"""A reading is corrected by a new reading, never edited, and claims made with readings are
append-only: the database refuses the rest.

A reading's period, measured values and the figures they alone decide never change, nor is it
deleted. While it is current, the figures that depend on the reference data may be recomputed
(when the factor of its year is published) and it may be marked superseded, once; a superseded reading never changes again. The trigger compares whole rows
less the columns that may change, so a column added later is covered too.
"""

from django.db import migrations

# The columns that may change while a reading is current: `superseded_at`, once, and the figures
# that depend on the reference data (factors, coal equivalent, tiers), not on the meters alone.
MAY_CHANGE = ", ".join(
    f"'{column}'"
    for column in (
        "superseded_at",
        "location_based_tco2e",
        "market_based_tco2e",
        "energy_for_assessment_tce",
        "cue",
        "cue_market_based",
        "location_series",
        "location_region",
        "location_factor_year",
        "location_factor",
        "location_provisional",
        "market_series",
        "market_region",
        "market_factor_year",
        "market_factor",
        "market_provisional",
        "tier",
    )
)

FORWARD = f"""
CREATE FUNCTION compute_refuse_reading_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE'
        OR OLD.superseded_at IS NOT NULL
        OR to_jsonb(NEW) - ARRAY[{MAY_CHANGE}]
            IS DISTINCT FROM to_jsonb(OLD) - ARRAY[{MAY_CHANGE}]
    THEN
        RAISE EXCEPTION 'compute_reading is corrected by new readings, never edited: % refused',
            TG_OP USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER compute_reading_corrected_not_edited
    BEFORE UPDATE OR DELETE ON compute_reading
    FOR EACH ROW EXECUTE FUNCTION compute_refuse_reading_change();
CREATE TRIGGER compute_reading_no_truncate
    BEFORE TRUNCATE ON compute_reading
    FOR EACH STATEMENT EXECUTE FUNCTION core_refuse_rewrite();
CREATE TRIGGER compute_readingclaim_append_only
    BEFORE UPDATE OR DELETE ON compute_readingclaim
    FOR EACH ROW EXECUTE FUNCTION core_refuse_rewrite();
CREATE TRIGGER compute_readingclaim_no_truncate
    BEFORE TRUNCATE ON compute_readingclaim
    FOR EACH STATEMENT EXECUTE FUNCTION core_refuse_rewrite();
"""

BACKWARD = """
DROP TRIGGER compute_readingclaim_no_truncate ON compute_readingclaim;
DROP TRIGGER compute_readingclaim_append_only ON compute_readingclaim;
DROP TRIGGER compute_reading_no_truncate ON compute_reading;
DROP TRIGGER compute_reading_corrected_not_edited ON compute_reading;
DROP FUNCTION compute_refuse_reading_change();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("compute", "0001_data_centres_readings_claims"),
        ("core", "0002_audit_append_only_trigger"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
