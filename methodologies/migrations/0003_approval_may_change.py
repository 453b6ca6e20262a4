"""A published version may now be approved: besides its status, its `approved` flag may change,
from false to true only (`services.approve_methodology`). Every other column stays immutable,
columns added later included, and approval is never taken back in place.

The trigger itself is unchanged; only the function it runs is replaced, and the reverse puts
the function of 0002 back.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION methodologies_refuse_published_version_change() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'draft' THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    -- Every column but the status and the approval, including columns added later: a published
    -- version's status alone moves on (to superseded or withdrawn), never back to draft, and
    -- the competent authority may approve it, never unapprove it.
    IF TG_OP = 'DELETE'
        OR to_jsonb(NEW) - 'status' - 'approved'
            IS DISTINCT FROM to_jsonb(OLD) - 'status' - 'approved'
        OR NEW.status = 'draft'
        OR (NEW.approved IS DISTINCT FROM OLD.approved AND NOT (NOT OLD.approved AND NEW.approved))
    THEN
        RAISE EXCEPTION 'published methodology versions are immutable: % of % refused',
            TG_OP, OLD.code || '-' || OLD.version USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""

BACKWARD = """
CREATE OR REPLACE FUNCTION methodologies_refuse_published_version_change() RETURNS trigger AS $$
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
"""


class Migration(migrations.Migration):
    dependencies = [
        ("methodologies", "0002_published_versions_immutable"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
