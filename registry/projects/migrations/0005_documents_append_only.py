"""Documents are append-only: a document is never edited or deleted; the one change allowed is
marking a current document superseded, once, when a new upload of its kind replaces it. The
trigger compares whole rows less `superseded_by_id`, so a column added later is covered too."""

from django.db import migrations

FORWARD = """
CREATE FUNCTION projects_refuse_document_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE'
        OR OLD.superseded_by_id IS NOT NULL
        OR NEW.superseded_by_id IS NULL
        OR to_jsonb(NEW) - 'superseded_by_id' IS DISTINCT FROM to_jsonb(OLD) - 'superseded_by_id'
    THEN
        RAISE EXCEPTION 'projects_document is append-only: % refused', TG_OP
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER projects_document_append_only
    BEFORE UPDATE OR DELETE ON projects_document
    FOR EACH ROW EXECUTE FUNCTION projects_refuse_document_change();
CREATE TRIGGER projects_document_no_truncate
    BEFORE TRUNCATE ON projects_document
    FOR EACH STATEMENT EXECUTE FUNCTION core_refuse_rewrite();
"""

BACKWARD = """
DROP TRIGGER projects_document_no_truncate ON projects_document;
DROP TRIGGER projects_document_append_only ON projects_document;
DROP FUNCTION projects_refuse_document_change();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0004_documents"),
        ("core", "0002_audit_append_only_trigger"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
