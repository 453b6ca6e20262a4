"""The shipped data-centre version, CR-DC-001-V01, takes its IT energy and project PUE from the
readings of the project's data centre, as its library file now says (`E_IT` from `it_energy`,
`PUE_PJ` from `pue`); an installation that stored it before the column existed gets the value
here, so that `load_library` finds it equal to its file.

A published version is immutable (0002, 0003): the immutability trigger is set aside for this
one statement, which fills a column added in 0007 and changes nothing else. A version not
stored yet is left to `load_library`. The reverse empties the column again.
"""

import json

from django.db import migrations

LINKED = (("CR-DC-001", "V01"),)
READINGS = {"E_IT": "it_energy", "PUE_PJ": "pue"}


def _set(apps, schema_editor, value: dict, only_if: dict) -> None:
    methodology = apps.get_model("methodologies", "Methodology")
    table = schema_editor.quote_name(methodology._meta.db_table)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER methodologies_methodology_immutable")
        for code, version in LINKED:
            cursor.execute(
                f"UPDATE {table} SET data_centre_readings = %s::jsonb "  # noqa: S608
                "WHERE code = %s AND version = %s AND data_centre_readings = %s::jsonb",
                [json.dumps(value), code, version, json.dumps(only_if)],
            )
        cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER methodologies_methodology_immutable")


def forward(apps, schema_editor) -> None:
    _set(apps, schema_editor, READINGS, {})


def backward(apps, schema_editor) -> None:
    _set(apps, schema_editor, {}, READINGS)


class Migration(migrations.Migration):
    dependencies = [
        ("methodologies", "0007_methodology_data_centre_readings"),
    ]

    operations = [migrations.RunPython(forward, backward)]
