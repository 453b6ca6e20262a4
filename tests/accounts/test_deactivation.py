"""Operators deactivate users: no sign-in, every token stops working, and the act is audited."""

import pytest

from accounts import services
from core.errors import InvalidTransition
from core.models import AuditEntry
from tests.conftest import PASSWORD, client_for

pytestmark = pytest.mark.django_db

REFUSED = {"proponent": 403, "verifier": 403, "regulator": 403, "anonymous": 401}


def deactivate(client, user):
    return client.post(f"/api/v1/users/{user.pk}/deactivate/")


def test_operator_deactivates_a_user_whose_tokens_stop_working(users, clients):
    company_user = users["proponent"]
    other_token = client_for(company_user)

    response = deactivate(clients["operator"], company_user)

    assert response.status_code == 200
    assert response.json()["is_active"] is False
    for client in (clients["proponent"], other_token):
        assert client.get("/api/v1/me/").status_code == 401
    sign_in = client_for(None).post(
        "/api/v1/auth/token/", {"username": "proponent", "password": PASSWORD}, format="json"
    )
    assert sign_in.status_code == 400
    entry = AuditEntry.objects.get(action="user.deactivated", object_id=str(company_user.pk))
    assert entry.actor_username == "operator"
    assert entry.after == {"is_active": False, "tokens_revoked": 2}


@pytest.mark.parametrize("role", sorted(REFUSED))
def test_other_roles_cannot_deactivate_users(role, users, clients):
    response = deactivate(clients[role], users["verifier"])

    assert response.status_code == REFUSED[role]
    users["verifier"].refresh_from_db()
    assert users["verifier"].is_active
    assert not AuditEntry.objects.filter(action="user.deactivated").exists()


def test_a_deactivated_or_unknown_user_is_not_found(users, clients):
    assert deactivate(clients["operator"], users["verifier"]).status_code == 200

    again = deactivate(clients["operator"], users["verifier"])
    unknown = clients["operator"].post("/api/v1/users/999999/deactivate/")

    assert (again.status_code, unknown.status_code) == (404, 404)
    assert AuditEntry.objects.filter(action="user.deactivated").count() == 1


def test_an_operator_cannot_deactivate_themselves(users, clients):
    response = deactivate(clients["operator"], users["operator"])

    assert (response.status_code, response.json()) == (
        409,
        {"detail": services.CANNOT_DEACTIVATE_SELF},
    )
    users["operator"].refresh_from_db()
    assert users["operator"].is_active


def test_the_service_refuses_a_user_already_deactivated(users):
    services.deactivate_user(actor=users["operator"], user=users["verifier"])

    with pytest.raises(InvalidTransition) as error:
        services.deactivate_user(actor=users["operator"], user=users["verifier"])

    assert error.value.message == services.USER_ALREADY_INACTIVE
