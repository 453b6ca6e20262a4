"""The shipped grid-connected power versions, CCER-01-001-V01 (solar thermal) and CCER-01-002-V01
(offshore wind), name their net electricity `EG_PJ` as the electricity that also earns green
certificates (the GEC-CCER link, NEA/MEE notice 国能综通新能〔2024〕124号), as their library files
now say; an installation that stored them before the column existed gets the value here, so that
`load_library` finds them equal to their files.

A published version is immutable (0002, 0003): the immutability trigger is set aside for this
one statement, which fills a column added in 0004 and changes nothing else. A version not
stored yet is left to `load_library`. The reverse empties the column again.
"""

from django.db import migrations

LINKED = (("CCER-01-001", "V01"), ("CCER-01-002", "V01"))


def _set(apps, schema_editor, value: str, only_if: str) -> None:
    methodology = apps.get_model("methodologies", "Methodology")
    table = schema_editor.quote_name(methodology._meta.db_table)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER methodologies_methodology_immutable")
        for code, version in LINKED:
            cursor.execute(
                f"UPDATE {table} SET certificate_electricity = %s "  # noqa: S608
                "WHERE code = %s AND version = %s AND certificate_electricity = %s",
                [value, code, version, only_if],
            )
        cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER methodologies_methodology_immutable")


def forward(apps, schema_editor) -> None:
    _set(apps, schema_editor, "EG_PJ", "")


def backward(apps, schema_editor) -> None:
    _set(apps, schema_editor, "", "EG_PJ")


class Migration(migrations.Migration):
    dependencies = [
        ("methodologies", "0004_methodology_certificate_electricity"),
    ]

    operations = [migrations.RunPython(forward, backward)]
