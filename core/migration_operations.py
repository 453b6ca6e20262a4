"""Migration operations for safeguards that only PostgreSQL can hold.

On SQLite the same rules are enforced by the services; these operations are no-ops there, so one
migration history serves both engines.
"""

from django.db import migrations


class PostgreSQLOnlySQL(migrations.RunSQL):
    """`RunSQL` that runs on PostgreSQL and is skipped on every other engine."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self) -> str:
        return "Raw SQL operation (PostgreSQL only)"
