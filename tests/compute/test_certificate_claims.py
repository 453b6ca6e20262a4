"""A claim of green certificates may name one of the claimant's data centres: the record says
which, and the consumer is the data centre's name unless the claimant names another."""

import pytest

from certificates.models import CertificateClaim
from tests.compute.conftest import certificates, register
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

CLAIMS = "/api/v1/green-certificates/claims/"


def claim_body(block: int, **extra) -> dict:
    return {
        "block": block,
        "quantity": 50,
        "period_start": "2026-01-01",
        "period_end": "2026-01-31",
        **extra,
    }


@pytest.fixture
def block(users, company, reference):
    return certificates(users["operator"], company, 1, 100, month="2025-12")


def test_a_claim_names_the_claimants_data_centre(users, block):
    company = client_for(users["proponent"])
    centre = register(company, name="Wuhu hub computing centre", province="Anhui")

    response = company.post(CLAIMS, claim_body(block, data_centre=centre["id"]), format="json")

    assert response.status_code == 201, response.json()
    record = response.json()
    assert record["data_centre"] == centre["id"]
    assert record["consumer"] == "Wuhu hub computing centre"
    public = client_for(None).get(f"{CLAIMS}{record['id']}/").json()
    assert public["data_centre"] == centre["id"]


def test_the_claimant_may_name_the_consumer_itself(users, block):
    company = client_for(users["proponent"])
    centre = register(company)

    response = company.post(
        CLAIMS, claim_body(block, data_centre=centre["id"], consumer="Hall B"), format="json"
    )

    assert response.status_code == 201
    assert response.json()["consumer"] == "Hall B"


def test_another_companys_data_centre_is_a_400_and_nothing_is_claimed(users, block, other_company):
    theirs = register(other_company["client"], name="Their centre")

    response = client_for(users["proponent"]).post(
        CLAIMS, claim_body(block, data_centre=theirs["id"]), format="json"
    )

    assert response.status_code == 400
    assert set(response.json()) == {"data_centre"}
    assert not CertificateClaim.objects.exists()


def test_a_data_centre_that_does_not_exist_is_a_400(users, block):
    response = client_for(users["proponent"]).post(
        CLAIMS, claim_body(block, data_centre=999999), format="json"
    )

    assert response.status_code == 400
    assert "data_centre" in response.json()
