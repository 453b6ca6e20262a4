"""`GET /api/v1/green-certificates/`: private to the holder, operators and regulators, with
the filters API.md names."""

import pytest

from certificates.models import CertificateBlock
from certificates.services.claims import claim_certificates
from certificates.services.imports import import_certificates
from certificates.validity import add_months
from tests.certificates.conftest import row, this_month
from tests.conftest import client_for

URL = "/api/v1/green-certificates/"
FIELDS = {"id", "serial_first", "serial_last", "quantity", "generator_code", "generation_type",
          "province", "generation_month", "expires_on", "tradable", "holder", "state"}  # fmt: skip


def last_month() -> str:
    return f"{add_months(this_month(), -1):%Y-%m}"


@pytest.fixture
def imported(users, holders):
    import_certificates(
        actor=users["operator"],
        rows=[
            row(holders["holder"], 1, 100),
            row(
                holders["holder"],
                101,
                200,
                generator_code="GEN-GS-0002",
                generation_type="solar",
                province="Gansu",
                generation_month=last_month(),
            ),
            row(holders["other"], 201, 300),
        ],
    )
    first = CertificateBlock.objects.get(serial_first=1)
    claim_certificates(
        actor=users["proponent"],
        block=first,
        quantity=40,
        period_start=this_month(),
        period_end=this_month(),
    )


def firsts(response) -> list[int]:
    assert response.status_code == 200, response.json()
    return [block["serial_first"] for block in response.json()["results"]]


def test_the_holder_sees_its_own_blocks_with_the_contract_fields(clients, imported):
    response = clients["proponent"].get(URL)

    assert firsts(response) == [1, 61, 101]
    first = response.json()["results"][0]
    assert set(first) >= FIELDS
    assert first["generation_month"] == f"{this_month():%Y-%m}"
    assert first["quantity"] == 60 and first["state"] == "active"


@pytest.mark.parametrize("role", ["operator", "regulator"])
def test_operators_and_regulators_see_every_block(clients, imported, role):
    assert firsts(clients[role].get(URL)) == [1, 61, 101, 201]


def test_a_verifier_sees_none_and_the_public_nothing(clients, imported):
    assert firsts(clients["verifier"].get(URL)) == []
    assert clients["anonymous"].get(URL).status_code == 401


def test_another_company_sees_only_its_own_blocks(holders, imported):
    assert firsts(client_for(holders["other_user"]).get(URL)) == [201]


def test_another_companys_block_is_a_404(clients, holders, imported):
    other_block = CertificateBlock.objects.get(serial_first=201)

    assert clients["proponent"].get(f"{URL}{other_block.pk}/").status_code == 404
    assert client_for(holders["other_user"]).get(f"{URL}{other_block.pk}/").status_code == 200
    assert clients["regulator"].get(f"{URL}{other_block.pk}/").status_code == 200


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("state=claimed", [61]),
        ("state=active", [1, 101, 201]),
        ("generator_code=GEN-GS-0002", [101]),
        ("generation_type=solar", [101]),
        ("province=Gansu", [101]),
        ("generation_month={last}", [101]),
        ("generation_month={last_short}", [101]),
        ("generation_month=June", []),
        ("serial=150", [101]),
        ("serial=61", [61]),
        ("serial=60", [1]),
        ("serial=301", []),
    ],
)
def test_filters(clients, imported, query, expected):
    last = add_months(this_month(), -1)
    query = query.format(last=f"{last:%Y-%m}", last_short=f"{last.year}-{last.month}")

    assert firsts(clients["operator"].get(f"{URL}?{query}")) == expected


def test_the_holder_filter(clients, holders, imported):
    response = clients["operator"].get(f"{URL}?holder={holders['other'].pk}")

    assert firsts(response) == [201]


def test_a_bad_state_filter_is_a_400(clients, imported):
    response = clients["operator"].get(f"{URL}?state=lost")

    assert response.status_code == 400
    assert "state" in response.json()
