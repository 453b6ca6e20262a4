import pytest

from tests.core.test_audit import tamper

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["operator", "regulator"])
def test_operators_and_regulators_verify_the_chain(role, clients):
    response = clients[role].get("/api/v1/audit/verify/")

    assert response.status_code == 200
    assert response.json() == {"ok": True, "entries": 8, "first_broken": None}


@pytest.mark.parametrize(
    ("role", "status"), [("proponent", 403), ("verifier", 403), ("anonymous", 401)]
)
def test_other_roles_cannot_verify_the_chain(role, status, clients):
    assert clients[role].get("/api/v1/audit/verify/").status_code == status


def test_the_endpoint_names_an_edited_entry(clients):
    tamper("UPDATE core_auditentry SET after = %s WHERE id = %s", ['{"name": "forged"}', 6])

    response = clients["regulator"].get("/api/v1/audit/verify/")

    assert response.json() == {"ok": False, "entries": 5, "first_broken": 6}
