"""Importing the national GEC system's rows: all or none, every bad cell named, re-imports
skipped, contradictions refused; CSV or JSON; the operator only."""

from datetime import date

import pytest
import time_machine

from certificates.models import CertificateBlock, CertificateImport, CertificateRange
from certificates.reconciliation import reconcile
from certificates.services import imports
from certificates.services.imports import import_certificates
from core.errors import AccessDenied, InvalidRows
from core.models import AuditEntry
from tests.certificates.conftest import credit_code, row, this_month
from tests.conftest import client_for, shanghai_midnight

URL = "/api/v1/green-certificates/import/"


def problems_of(error) -> list[dict]:
    return error.value.errors["rows"]


def test_each_new_row_becomes_a_range_and_one_active_block(users, holders):
    result = import_certificates(
        actor=users["operator"],
        rows=[row(holders["holder"], 1, 500), row(holders["other"], 501, 600, tradable="false")],
    )

    assert (result.imported, result.skipped, result.blocks) == (2, 0, 2)
    first, second = CertificateBlock.objects.order_by("serial_first")
    assert (first.serial_first, first.serial_last, first.quantity) == (1, 500, 500)
    assert first.holder == holders["holder"] and first.state == "active" and first.tradable
    assert second.holder == holders["other"] and not second.tradable
    assert first.generation_month == this_month()
    assert first.generation_type == "offshore_wind" and first.province == "Jiangsu"
    assert first.source.batch == result.batch
    assert CertificateRange.objects.count() == 2
    assert reconcile().ok


def test_expires_on_is_computed_at_import(users, holders):
    import_certificates(
        actor=users["operator"],
        rows=[
            row(holders["holder"], 1, 10, generation_month="2024-03"),
            row(holders["holder"], 11, 20, generation_month="2023-12"),
        ],
    )

    assert CertificateBlock.objects.get(serial_first=1).expires_on == date(2026, 2, 28)
    assert CertificateBlock.objects.get(serial_first=11).expires_on == date(2025, 12, 31)


def test_a_row_already_past_its_validity_is_imported_expired(users, holders):
    with time_machine.travel(shanghai_midnight(date(2026, 3, 1)), tick=False):
        import_certificates(
            actor=users["operator"],
            rows=[
                row(holders["holder"], 1, 10, generation_month="2024-03"),
                row(holders["holder"], 11, 20, generation_month="2024-04"),
            ],
        )

    assert CertificateBlock.objects.get(serial_first=1).state == "expired"
    assert CertificateBlock.objects.get(serial_first=11).state == "active"


def test_the_import_is_audited(users, holders):
    result = import_certificates(actor=users["operator"], rows=[row(holders["holder"], 1, 50)])

    entry = AuditEntry.objects.get(action="certificates.import")
    assert entry.object_id == str(result.batch.pk)
    assert entry.after == {
        "rows": 1,
        "imported": 1,
        "skipped": 0,
        "blocks": 1,
        "certificates": 50,
    }


def test_a_reimport_of_the_same_rows_changes_nothing(users, holders):
    rows = [row(holders["holder"], 1, 500), row(holders["other"], 501, 600)]
    import_certificates(actor=users["operator"], rows=rows)

    again = import_certificates(actor=users["operator"], rows=rows)

    assert (again.imported, again.skipped, again.blocks) == (0, 2, 0)
    assert CertificateRange.objects.count() == 2
    assert CertificateBlock.objects.count() == 2


def test_a_reimport_with_new_rows_imports_only_those(users, holders):
    import_certificates(actor=users["operator"], rows=[row(holders["holder"], 1, 500)])

    result = import_certificates(
        actor=users["operator"],
        rows=[row(holders["holder"], 1, 500), row(holders["holder"], 501, 700)],
    )

    assert (result.imported, result.skipped, result.blocks) == (1, 1, 1)


def test_a_row_repeating_a_stored_range_with_other_data_is_refused(users, holders):
    import_certificates(actor=users["operator"], rows=[row(holders["holder"], 1, 500)])

    with pytest.raises(InvalidRows) as refused:
        import_certificates(
            actor=users["operator"],
            rows=[row(holders["holder"], 501, 600), row(holders["other"], 1, 500)],
        )

    assert problems_of(refused) == [
        {
            "row": 2,
            "column": "holder",
            "message": imports.CONTRADICTS.format(
                first=1,
                last=500,
                column="holder",
                stored=holders["holder"].unified_social_credit_code,
                sent=holders["other"].unified_social_credit_code,
            ),
        }
    ]
    assert CertificateRange.objects.count() == 1  # all or none: row 1 was not imported either


def test_a_row_repeating_a_stored_range_in_another_month_is_refused(users, holders):
    import_certificates(
        actor=users["operator"], rows=[row(holders["holder"], 1, 500, generation_month="2025-01")]
    )

    with pytest.raises(InvalidRows) as refused:
        import_certificates(
            actor=users["operator"],
            rows=[row(holders["holder"], 1, 500, generation_month="2025-02")],
        )

    assert problems_of(refused)[0]["message"] == imports.CONTRADICTS.format(
        first=1, last=500, column="generation_month", stored="2025-01", sent="2025-02"
    )


def test_a_row_overlapping_a_stored_range_is_refused(users, holders):
    import_certificates(actor=users["operator"], rows=[row(holders["holder"], 100, 200)])

    with pytest.raises(InvalidRows) as refused:
        import_certificates(actor=users["operator"], rows=[row(holders["holder"], 150, 300)])

    assert problems_of(refused) == [
        {
            "row": 1,
            "column": "serial_first",
            "message": imports.OVERLAPS_STORED.format(
                first=150, last=300, other_first=100, other_last=200
            ),
        }
    ]


def test_rows_overlapping_each_other_are_refused_naming_both(users, holders):
    with pytest.raises(InvalidRows) as refused:
        import_certificates(
            actor=users["operator"],
            rows=[
                row(holders["holder"], 1, 100),
                row(holders["holder"], 10, 20),
                row(holders["holder"], 30, 40),  # inside row 1 too, though after row 2
                row(holders["holder"], 101, 200),
            ],
        )

    assert problems_of(refused) == [
        {"row": 2, "column": "serial_first", "message": imports.OVERLAPS_ROW.format(
            first=10, last=20, other=1)},
        {"row": 3, "column": "serial_first", "message": imports.OVERLAPS_ROW.format(
            first=30, last=40, other=1)},
    ]  # fmt: skip
    assert not CertificateRange.objects.exists()


def test_every_bad_cell_is_named_in_one_refusal(users, holders):
    good = row(holders["holder"], 1, 10)
    bad_rows = [
        good,
        {**row(holders["holder"], 20, 11), "province": "Atlantis", "generation_type": "coal"},
        {**row(holders["holder"], 30, 40), "generation_month": "2024-13", "tradable": "maybe"},
        {**row(holders["holder"], 50, 60), "holder": credit_code(), "generator_code": ""},
        {**row(holders["holder"], 70, 80), "serial_first": "-5", "generator_name": "x" * 201},
        {"serial_first": "90"},
    ]

    with pytest.raises(InvalidRows) as refused:
        import_certificates(actor=users["operator"], rows=bad_rows)

    required = imports.REQUIRED
    assert problems_of(refused) == [
        {"row": 2, "column": "generation_type", "message": imports.UNKNOWN_TYPE.format(
            choices="onshore_wind, offshore_wind, solar, solar_thermal, hydro, biomass, "
            "geothermal, other")},
        {"row": 2, "column": "province", "message": imports.UNKNOWN_PROVINCE},
        {"row": 2, "column": "serial_last", "message": imports.SERIALS_REVERSED},
        {"row": 3, "column": "generation_month", "message": imports.NOT_A_MONTH},
        {"row": 3, "column": "tradable", "message": imports.NOT_A_FLAG},
        {"row": 4, "column": "generator_code", "message": required},
        {"row": 4, "column": "holder", "message": imports.UNKNOWN_HOLDER},
        {"row": 5, "column": "serial_first", "message": imports.NOT_A_SERIAL},
        {"row": 5, "column": "generator_name", "message": imports.TOO_LONG.format(limit=200)},
        *[{"row": 6, "column": column, "message": required} for column in imports.COLUMNS[1:]],
    ]  # fmt: skip
    assert not CertificateRange.objects.exists()
    assert not CertificateImport.objects.exists()


@pytest.mark.parametrize(
    ("column", "value", "stored"),
    [
        ("province", "江苏", "Jiangsu"),
        ("tradable", "否", False),
        ("tradable", "FALSE", False),
        ("serial_first", 1, 1),
    ],
)
def test_cells_are_read_as_the_export_writes_them(users, holders, column, value, stored):
    import_certificates(
        actor=users["operator"], rows=[{**row(holders["holder"], 1, 10), column: value}]
    )

    assert getattr(CertificateRange.objects.get(), column) == stored


def test_a_serial_beyond_a_bigint_is_refused(users, holders):
    with pytest.raises(InvalidRows) as refused:
        import_certificates(actor=users["operator"], rows=[row(holders["holder"], 1, 2**63)])

    assert problems_of(refused) == [
        {"row": 1, "column": "serial_last", "message": imports.NOT_A_SERIAL}
    ]


@pytest.mark.parametrize("role", ["proponent", "verifier", "regulator"])
def test_only_operators_import(users, holders, role):
    with pytest.raises(AccessDenied):
        import_certificates(actor=users[role], rows=[row(holders["holder"], 1, 10)])


# --- API ------------------------------------------------------------------------------------


def csv_body(rows: list[dict]) -> bytes:
    header = ",".join(imports.COLUMNS)
    lines = [",".join(str(r[c]) for c in imports.COLUMNS) for r in rows]
    return ("\ufeff" + "\n".join([header, *lines]) + "\n").encode("utf-8")


def test_the_operator_imports_csv(clients, holders):
    body = csv_body([row(holders["holder"], 1, 100), row(holders["other"], 101, 200)])

    response = clients["operator"].post(URL, body, content_type="text/csv")

    assert response.status_code == 201, response.json()
    batch = CertificateImport.objects.get()
    assert response.json() == {"batch": batch.pk, "imported": 2, "skipped": 0, "blocks": 2}
    again = clients["operator"].post(URL, body, content_type="text/csv")
    assert again.status_code == 201
    assert again.json()["skipped"] == 2 and again.json()["imported"] == 0


def test_the_operator_imports_json(clients, holders):
    response = clients["operator"].post(
        URL, {"rows": [row(holders["holder"], 1, 100)]}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["imported"] == 1


def test_a_bad_csv_row_is_a_400_naming_row_and_column(clients, holders):
    body = csv_body(
        [row(holders["holder"], 1, 100), row(holders["holder"], 101, 200, province="Mars")]
    )

    response = clients["operator"].post(URL, body, content_type="text/csv")

    assert response.status_code == 400
    assert response.json() == {
        "rows": [{"row": 2, "column": "province", "message": imports.UNKNOWN_PROVINCE}]
    }


def test_a_csv_body_that_is_not_utf8_is_a_400(clients):
    response = clients["operator"].post(URL, "省,份\n".encode("gbk"), content_type="text/csv")

    assert response.status_code == 400


def test_an_empty_import_is_a_400(clients):
    assert clients["operator"].post(URL, {"rows": []}, format="json").status_code == 400
    assert clients["operator"].post(URL, b"", content_type="text/csv").status_code == 400


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 401), ("proponent", 403), ("verifier", 403), ("regulator", 403)],
)
def test_only_the_operator_may_import(clients, holders, role, expected):
    response = clients[role].post(URL, {"rows": [row(holders["holder"], 1, 100)]}, format="json")

    assert response.status_code == expected
    assert not CertificateRange.objects.exists()


def test_another_company_may_not_import_either(holders):
    response = client_for(holders["other_user"]).post(
        URL, {"rows": [row(holders["other"], 1, 100)]}, format="json"
    )

    assert response.status_code == 403
