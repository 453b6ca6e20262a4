"""Totals of green certificates by state, generation type and province, JSON and CSV, public."""

import csv
import io

import pytest

from certificates.models import CertificateBlock
from certificates.services.claims import claim_certificates
from certificates.services.imports import import_certificates
from tests.certificates.conftest import row, this_month
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

URL = "/api/v1/stats/green-certificates/"
STATES = ["active", "claimed", "frozen", "cancelled", "expired"]


@pytest.fixture
def imported(users, holders):
    """Offshore wind in Jiangsu: 1,000 (250 of them claimed); solar in Qinghai: 400, and 50
    generated in 2022, expired at the end of 2025; onshore wind in Jiangsu: 30, frozen."""
    holder = holders["holder"]
    import_certificates(
        actor=users["operator"],
        rows=[
            row(holder, 1, 1000),
            row(
                holder,
                2001,
                2400,
                generator_code="GEN-QH-7",
                generation_type="solar",
                province="Qinghai",
            ),
            row(
                holder,
                3001,
                3050,
                generator_code="GEN-QH-7",
                generation_type="solar",
                province="青海",
                generation_month="2022-05",
            ),
            row(holder, 4001, 4030, generator_code="GEN-JS-9", generation_type="onshore_wind"),
        ],  # fmt: skip
    )
    claim_certificates(
        actor=users["proponent"],
        block=CertificateBlock.objects.get(serial_first=1),
        quantity=250,
        period_start=this_month(),
        period_end=this_month(),
    )
    CertificateBlock.objects.filter(serial_first=4001).update(state="frozen")


def figures(response) -> dict:
    assert response.status_code == 200, response.content
    return {
        line["key"]: [line["certificates"], *(line[s] for s in STATES)] for line in response.json()
    }


def test_totals_by_state(imported):
    response = client_for(None).get(URL, {"group_by": "state"})

    assert figures(response) == {
        "active": [1150, 1150, 0, 0, 0, 0],
        "claimed": [250, 0, 250, 0, 0, 0],
        "expired": [50, 0, 0, 0, 0, 50],
        "frozen": [30, 0, 0, 30, 0, 0],
    }
    assert {line["key"]: line["label"] for line in response.json()}["claimed"] == "Claimed"


def test_totals_by_generation_type_split_by_state(imported):
    response = client_for(None).get(URL, {"group_by": "generation_type"})

    assert figures(response) == {
        "offshore_wind": [1000, 750, 250, 0, 0, 0],
        "onshore_wind": [30, 0, 0, 30, 0, 0],
        "solar": [450, 400, 0, 0, 0, 50],
    }


def test_totals_by_province_with_filters(imported):
    by_province = client_for(None).get(URL, {"group_by": "province"})
    solar_2022 = client_for(None).get(
        URL, {"group_by": "province", "generation_type": "solar", "year": 2022}
    )

    assert figures(by_province) == {
        "Jiangsu": [1030, 750, 250, 30, 0, 0],
        "Qinghai": [450, 400, 0, 0, 0, 50],
    }
    assert figures(solar_2022) == {"Qinghai": [50, 0, 0, 0, 0, 50]}


def test_totals_as_csv(imported):
    response = client_for(None).get(URL, {"group_by": "state", "format": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = list(csv.reader(io.StringIO(response.content.decode())))
    header = lines[0]
    assert set(header) == {"key", "label", "certificates", *STATES}
    by_key = {line[header.index("key")]: line for line in lines[1:]}
    assert sorted(by_key) == ["active", "claimed", "expired", "frozen"]
    assert by_key["claimed"][header.index("certificates")] == "250"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({}, "group_by"),
        ({"group_by": "holder"}, "group_by"),
        ({"group_by": "state", "province": "Atlantis"}, "province"),
        ({"group_by": "state", "year": "last"}, "year"),
    ],
)
def test_a_bad_query_is_a_400_naming_the_field(query, field):
    response = client_for(None).get(URL, query)

    assert response.status_code == 400
    assert field in response.json()


def test_no_certificates_no_rows():
    assert client_for(None).get(URL, {"group_by": "state"}).json() == []
