"""Data centres and readings built through the real services and API, at a fixed date: early
2026, when certificates generated in 2025 are valid and the latest published factors are of
2023 (so 2025 readings are provisional)."""

from datetime import date

import pytest
import time_machine

from certificates.models import CertificateBlock
from certificates.services.imports import import_certificates
from methodologies.reference import load_reference_data
from tests.certificates.conftest import credit_code, row
from tests.conftest import client_for, make_organization, make_user, shanghai_midnight

TODAY = date(2026, 3, 2)
DATA_CENTRES = "/api/v1/data-centres/"


@pytest.fixture(autouse=True)
def _early_2026():
    with time_machine.travel(shanghai_midnight(TODAY), tick=True):
        yield


@pytest.fixture
def reference(db):
    """The shipped reference data: factors, grid regions, tiers, coal equivalents."""
    load_reference_data()


@pytest.fixture
def company(users):
    """The proponent's organisation, with a credit code so that it can hold certificates."""
    organization = users["proponent"].organization
    organization.unified_social_credit_code = credit_code()
    organization.save(update_fields=["unified_social_credit_code"])
    return organization


@pytest.fixture
def other_company(db):
    """Another company, with a user and a client of its own."""
    organization = make_organization("proponent", unified_social_credit_code=credit_code())
    user = make_user(organization)
    return {"organization": organization, "user": user, "client": client_for(user)}


def certificates(operator, holder, first: int, last: int, month: str = "2025-06") -> int:
    """Import certificates [first, last] of `month` for `holder`; the id of their block."""
    import_certificates(actor=operator, rows=[row(holder, first, last, generation_month=month)])
    return CertificateBlock.objects.get(serial_first=first).pk


def register(client, **body) -> dict:
    body.setdefault("name", "Yizhuang computing centre")
    body.setdefault("province", "Beijing")
    response = client.post(DATA_CENTRES, body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def readings_url(data_centre: dict | int) -> str:
    pk = data_centre["id"] if isinstance(data_centre, dict) else data_centre
    return f"{DATA_CENTRES}{pk}/readings/"


def post_reading(client, data_centre, **body):
    body.setdefault("period_start", "2025-01-01")
    body.setdefault("period_end", "2025-02-01")
    body.setdefault("total_energy_kwh", "1300000")
    body.setdefault("it_energy_kwh", "1000000")
    return client.post(readings_url(data_centre), body, format="json")


@pytest.fixture
def data_centre(clients, company, reference) -> dict:
    """A Beijing data centre of the proponent's company, registered over the API."""
    return register(clients["proponent"])
