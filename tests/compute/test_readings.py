"""Readings: checked field by field, never overlapping, corrected by superseding, idempotent
when sent again, and their certificates claimed all or none."""

from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction

from certificates.models import CertificateBlock, CertificateClaim
from certificates.services.claims import NOT_ENOUGH
from compute.models import Reading, ReadingClaim
from compute.services import readings
from core.models import AuditEntry
from tests.compute.conftest import certificates, post_reading, readings_url


def refused(response) -> dict:
    assert response.status_code == 400, response.json()
    return response.json()


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (
            {"it_energy_kwh": "1300001"},
            "it_energy_kwh",
            readings.IT_ABOVE_TOTAL.format(it="1300001.000", total="1300000.000"),
        ),
        ({"it_energy_kwh": "0"}, "it_energy_kwh", readings.IT_NOT_POSITIVE),
        ({"total_energy_kwh": "-1"}, "total_energy_kwh", readings.ENERGY_NEGATIVE),
        ({"it_energy_kwh": "-1"}, "it_energy_kwh", readings.ENERGY_NEGATIVE),
        ({"onsite_renewable_kwh": "-0.5"}, "onsite_renewable_kwh", readings.ENERGY_NEGATIVE),
        (
            {"onsite_renewable_kwh": "1300000.001"},
            "onsite_renewable_kwh",
            readings.ONSITE_ABOVE_TOTAL.format(onsite="1300000.001", total="1300000.000"),
        ),
        ({"water_m3": "-1"}, "water_m3", readings.WATER_NEGATIVE),
        (
            {"total_energy_kwh": "100000000", "it_energy_kwh": "0.001"},
            "it_energy_kwh",
            readings.RATIO_TOO_LARGE.format(figure="PUE", limit=Decimal(10) ** 8),
        ),
        (
            {"total_energy_kwh": "10", "it_energy_kwh": "1", "water_m3": "99999999999999999"},
            "water_m3",
            readings.RATIO_TOO_LARGE.format(figure="WUE", limit=Decimal(10) ** 10),
        ),
        ({"period_end": "2025-01-01"}, "period_end", readings.PERIOD_EMPTY),
        ({"period_end": "2024-12-31"}, "period_end", readings.PERIOD_REVERSED),
        (
            {"period_start": "2025-12-01", "period_end": "2026-01-02"},
            "period_end",
            readings.PERIOD_SPANS_YEARS.format(limit="2026-01-01"),
        ),
    ],
)
def test_bad_input_is_a_400_naming_the_field(clients, data_centre, body, field, message):
    errors = refused(post_reading(clients["proponent"], data_centre, **body))

    assert errors == {field: [message]}
    assert not Reading.objects.exists()


def test_a_reading_may_end_on_the_next_new_year(clients, data_centre):
    response = post_reading(
        clients["proponent"], data_centre, period_start="2025-12-01", period_end="2026-01-01"
    )

    assert response.status_code == 201


def test_green_electricity_above_grid_electricity_is_refused(clients, users, company, data_centre):
    block = certificates(users["operator"], company, 1, 1000)

    # 1,300,000 kWh in total, 400,000 of it on site: 900,000 kWh from the grid, 901 certificates.
    errors = refused(
        post_reading(
            clients["proponent"],
            data_centre,
            onsite_renewable_kwh="400000",
            certificates=[{"block": block, "quantity": 901}],
        )
    )

    assert errors == {
        "certificates": [
            readings.GREEN_ABOVE_GRID.format(
                quantity=901, certificate_kwh=901000, grid=Decimal("900000.000")
            )
        ]
    }
    assert CertificateBlock.objects.get(pk=block).state == "active"


def test_certificates_the_owner_does_not_hold_are_a_400(
    clients, users, company, other_company, data_centre
):
    theirs = certificates(users["operator"], other_company["organization"], 1, 1000)

    errors = refused(
        post_reading(
            clients["proponent"], data_centre, certificates=[{"block": theirs, "quantity": 1}]
        )
    )

    assert errors == {"certificates[0].block": [readings.NOT_HELD.format(block=theirs)]}
    missing = refused(
        post_reading(
            clients["proponent"], data_centre, certificates=[{"block": 999999, "quantity": 1}]
        )
    )
    assert list(missing) == ["certificates[0].block"]


def test_expired_certificates_are_a_400_on_the_block(clients, users, company, data_centre):
    # Electricity of 2023 is valid until 2025-12-31: expired at the fixtures' date in 2026.
    block = certificates(users["operator"], company, 1, 1000, month="2023-06")

    errors = refused(
        post_reading(
            clients["proponent"], data_centre, certificates=[{"block": block, "quantity": 1}]
        )
    )

    assert list(errors) == ["certificates[0].block"]
    assert "expired" in errors["certificates[0].block"][0]


def test_a_second_refused_claim_rolls_back_the_first_claim_and_the_reading(
    clients, users, company, data_centre
):
    first = certificates(users["operator"], company, 1, 100)
    second = certificates(users["operator"], company, 101, 150)

    errors = refused(
        post_reading(
            clients["proponent"],
            data_centre,
            certificates=[{"block": first, "quantity": 100}, {"block": second, "quantity": 51}],
        )
    )

    serial = CertificateBlock.objects.get(pk=second).serial
    assert errors == {
        "certificates[1].quantity": [NOT_ENOUGH.format(serial=serial, held=50, asked=51)]
    }
    assert not Reading.objects.exists() and not CertificateClaim.objects.exists()
    assert set(CertificateBlock.objects.values_list("state", flat=True)) == {"active"}
    assert not AuditEntry.objects.filter(action__in=["certificates.claim", "reading.recorded"])


def test_a_period_overlapping_a_current_reading_is_refused(clients, data_centre):
    post_reading(clients["proponent"], data_centre, period_end="2025-03-01")

    errors = refused(
        post_reading(
            clients["proponent"], data_centre, period_start="2025-02-01", period_end="2025-04-01"
        )
    )

    assert errors == {
        "period_start": [readings.OVERLAP.format(start="2025-01-01", end="2025-03-01")]
    }


def test_adjacent_half_open_periods_do_not_overlap(clients, data_centre):
    january = post_reading(clients["proponent"], data_centre)
    february = post_reading(
        clients["proponent"], data_centre, period_start="2025-02-01", period_end="2025-03-01"
    )

    assert (january.status_code, february.status_code) == (201, 201)


def test_the_database_refuses_overlapping_current_readings(clients, data_centre):
    reading = post_reading(clients["proponent"], data_centre, period_end="2025-03-01").json()

    columns = [
        f.column for f in Reading._meta.concrete_fields if f.column not in ("id", "period_start")
    ]
    copy = ", ".join(columns)
    with (
        pytest.raises(DatabaseError) as error,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            f"INSERT INTO compute_reading (period_start, {copy}) "
            f"SELECT '2025-02-15', {copy} FROM compute_reading WHERE id = %s",
            [reading["id"]],
        )
    assert error.value.__cause__.diag.constraint_name == "readings_do_not_overlap"


def test_a_correction_supersedes_the_reading_and_keeps_it_in_the_history(clients, data_centre):
    first = post_reading(clients["proponent"], data_centre).json()

    response = post_reading(clients["proponent"], data_centre, total_energy_kwh="1250000")

    assert response.status_code == 201
    correction = response.json()
    assert correction["supersedes"] == first["id"] and correction["current"]
    assert Decimal(correction["pue"]) == Decimal("1.25")
    old = Reading.objects.get(pk=first["id"])
    assert old.superseded_at is not None and old.total_energy_kwh == Decimal("1300000")
    history = clients["proponent"].get(readings_url(data_centre)).json()["results"]
    assert [(r["id"], r["current"], r["superseded_by"]) for r in history] == [
        (correction["id"], True, None),
        (first["id"], False, correction["id"]),
    ]
    entry = AuditEntry.objects.get(action="reading.corrected")
    assert entry.object_id == str(correction["id"])
    assert entry.before["reading"] == first["id"]
    assert entry.before["total_energy_kwh"] == "1300000.000"
    assert entry.after["total_energy_kwh"] == "1250000.000"


def test_the_same_values_again_change_nothing(clients, users, company, data_centre):
    block = certificates(users["operator"], company, 1, 1000)
    body = {"water_m3": "1500", "certificates": [{"block": block, "quantity": 100}]}
    first = post_reading(clients["proponent"], data_centre, **body)

    again = post_reading(clients["proponent"], data_centre, **body)
    without_certificates = post_reading(clients["proponent"], data_centre, water_m3="1500.000")

    assert first.status_code == 201
    assert (again.status_code, without_certificates.status_code) == (200, 200)
    assert again.json() == first.json() == without_certificates.json()
    assert Reading.objects.count() == 1 and CertificateClaim.objects.count() == 1
    assert AuditEntry.objects.filter(action="reading.recorded").count() == 1


def test_a_correction_keeps_the_claims_and_may_add_certificates(
    clients, users, company, data_centre
):
    block = certificates(users["operator"], company, 1, 1000)
    first = post_reading(
        clients["proponent"], data_centre, certificates=[{"block": block, "quantity": 100}]
    ).json()

    correction = post_reading(
        clients["proponent"],
        data_centre,
        total_energy_kwh="1400000",
        certificates=[{"block": block, "quantity": 50}],
    ).json()

    assert correction["certificates_quantity"] == 150
    assert [c["quantity"] for c in correction["certificates"]] == [100, 50]
    assert Decimal(correction["green_energy_kwh"]) == Decimal("150000")
    history = clients["proponent"].get(readings_url(data_centre)).json()["results"]
    assert [len(r["certificates"]) for r in history] == [2, 1]
    assert set(ReadingClaim.objects.values_list("reading_id", flat=True)) == {
        first["id"],
        correction["id"],
    }


def test_a_correction_cannot_leave_the_claimed_certificates_above_grid_electricity(
    clients, users, company, data_centre
):
    block = certificates(users["operator"], company, 1, 1000)
    post_reading(
        clients["proponent"], data_centre, certificates=[{"block": block, "quantity": 1000}]
    )

    errors = refused(
        post_reading(
            clients["proponent"], data_centre, total_energy_kwh="999000", it_energy_kwh="800000"
        )
    )

    assert list(errors) == ["certificates"]
    assert Reading.objects.get().total_energy_kwh == Decimal("1300000")


def test_water_gives_the_wue(clients, data_centre):
    reading = post_reading(clients["proponent"], data_centre, water_m3="1800").json()

    # 1,800 m3 = 1,800,000 L over 1,000,000 kWh of IT energy.
    assert Decimal(reading["wue"]) == Decimal("1.8")
    assert (
        post_reading(
            clients["proponent"], data_centre, period_start="2025-02-01", period_end="2025-03-01"
        ).json()["wue"]
        is None
    )


def test_the_database_refuses_editing_or_deleting_a_reading(clients, data_centre):
    reading = post_reading(clients["proponent"], data_centre).json()

    for statement in (
        f"UPDATE compute_reading SET water_m3 = 5 WHERE id = {reading['id']}",
        f"DELETE FROM compute_reading WHERE id = {reading['id']}",
    ):
        with (
            pytest.raises(DatabaseError, match="never edited"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)
