"""A regulator approves a published methodology version; the database lets approval, and only
approval (never its withdrawal), through the immutability of published versions."""

import pytest
from django.db import DatabaseError, connection, transaction

from core.models import AuditEntry
from methodologies.library import load_library
from methodologies.models import Methodology
from methodologies.services import ALREADY_APPROVED, APPROVE_PUBLISHED_ONLY

pytestmark = pytest.mark.django_db

REFUSED = {"proponent": 403, "verifier": 403, "operator": 403, "anonymous": 401}


@pytest.fixture
def data_centres(db) -> Methodology:
    """CR-DC-001-V01: the registry's own method, published but not approved."""
    load_library()
    return Methodology.objects.get(code="CR-DC-001", version="V01")


def approve(client, methodology: Methodology):
    return client.post(f"/api/v1/methodologies/{methodology.pk}/approve/")


def test_a_regulator_approves_a_published_version(clients, users, data_centres):
    response = approve(clients["regulator"], data_centres)

    assert response.status_code == 200, response.json()
    assert response.json()["approved"] is True
    data_centres.refresh_from_db()
    assert data_centres.approved
    entry = AuditEntry.objects.get(action="methodology.approved")
    assert (entry.actor, entry.before, entry.after) == (
        users["regulator"],
        {"approved": False},
        {"approved": True},
    )


@pytest.mark.parametrize("role", sorted(REFUSED))
def test_only_a_regulator_approves(role, clients, data_centres):
    assert approve(clients[role], data_centres).status_code == REFUSED[role]

    data_centres.refresh_from_db()
    assert not data_centres.approved
    assert not AuditEntry.objects.filter(action="methodology.approved").exists()


def test_an_approved_version_is_not_approved_twice(clients, data_centres):
    approve(clients["regulator"], data_centres)

    response = approve(clients["regulator"], data_centres)

    assert (response.status_code, response.json()) == (
        409,
        {"detail": ALREADY_APPROVED.format(identifier="CR-DC-001-V01")},
    )
    assert AuditEntry.objects.filter(action="methodology.approved").count() == 1


def test_a_draft_is_not_approved(clients):
    draft = (
        clients["regulator"]
        .post(
            "/api/v1/methodologies/",
            {
                "code": "TEST-01",
                "version": "V01",
                "title": "A draft",
                "sector": "energy_industries",
                "approved": False,
                "parameters": [{"symbol": "E", "name": "E", "unit": "tCO2e", "kind": "monitored"}],
                "equations": [{"symbol": "ER", "expression": "E", "unit": "tCO2e"}],
                "result": "ER",
            },
            format="json",
        )
        .json()
    )

    response = clients["regulator"].post(f"/api/v1/methodologies/{draft['id']}/approve/")

    assert (response.status_code, response.json()) == (
        409,
        {"detail": APPROVE_PUBLISHED_ONLY.format(identifier="TEST-01-V01", status="draft")},
    )
    assert not Methodology.objects.get(pk=draft["id"]).approved


def test_the_shipped_library_loads_again_after_an_approval(clients, data_centres):
    approve(clients["regulator"], data_centres)

    assert load_library() == []


def update(methodology: Methodology, assignments: str) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE methodologies_methodology SET {assignments} WHERE id = %s",  # noqa: S608
            [methodology.pk],
        )


def test_the_database_lets_a_published_version_be_approved(data_centres):
    update(data_centres, "approved = true")

    data_centres.refresh_from_db()
    assert data_centres.approved


@pytest.mark.parametrize(
    "assignments",
    [
        "approved = false",  # approval is never taken back in place
        "approved = true, title = 'Edited'",  # approval carries no other change
        "approved = true, status = 'draft'",
    ],
)
def test_the_database_refuses_any_other_change_to_a_published_version(assignments, data_centres):
    wind = Methodology.objects.get(code="CCER-01-002")  # approved as shipped
    target = wind if assignments == "approved = false" else data_centres

    with pytest.raises(DatabaseError, match="published methodology versions are immutable"):
        update(target, assignments)
