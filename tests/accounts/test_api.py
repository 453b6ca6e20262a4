import json

import pytest
from django.test import override_settings

from accounts import services
from accounts.models import Accreditation, Organization, User
from core.middleware import BODY_TOO_LARGE
from core.models import AuditEntry
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW_ORGANIZATION = {"name": "Jiangsu Solar Thermal Co.", "kind": "proponent", "province": "Jiangsu"}
ACCREDITATION = {
    "sector": "energy_industries",
    "valid_from": "2024-01-01",
    "valid_to": "2026-12-31",
}
REFUSED = {"proponent": 403, "verifier": 403, "regulator": 403, "anonymous": 401}


def written_rows() -> tuple[int, int, int, int]:
    return (
        Organization.objects.count(),
        User.objects.count(),
        Accreditation.objects.count(),
        AuditEntry.objects.count(),
    )


# --- Access -----------------------------------------------------------------------------------


def test_token_is_issued_for_valid_credentials_only(users, clients):
    client = clients["anonymous"]

    good = client.post(
        "/api/v1/auth/token/", {"username": "proponent", "password": PASSWORD}, format="json"
    )
    bad = client.post(
        "/api/v1/auth/token/", {"username": "proponent", "password": "wrong"}, format="json"
    )

    assert good.status_code == 200
    assert len(good.json()["token"]) == 64
    assert bad.status_code == 400
    assert "non_field_errors" in bad.json()


@pytest.mark.parametrize("role", ["proponent", "verifier", "regulator", "operator"])
def test_me_names_the_user_and_organization(role, users, clients):
    response = clients[role].get("/api/v1/me/")

    assert response.status_code == 200
    organization = users[role].organization
    assert response.json() == {
        "username": role,
        "organization": {"id": organization.pk, "name": organization.name, "kind": role},
    }


def test_me_needs_a_token(clients):
    assert clients["anonymous"].get("/api/v1/me/").status_code == 401


# --- Organisations ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["anonymous", "proponent", "verifier", "regulator", "operator"])
def test_everyone_reads_the_directory(role, clients, users):
    listing = clients[role].get("/api/v1/organizations/", {"kind": "verifier"})
    verifier = users["verifier"].organization
    detail = clients[role].get(f"/api/v1/organizations/{verifier.pk}/")

    assert listing.status_code == 200
    assert listing.json()["count"] == 1
    assert listing.json()["results"][0]["name"] == verifier.name
    assert detail.status_code == 200
    assert detail.json()["kind"] == "verifier"


def test_directory_detail_of_unknown_organization_is_404(clients):
    assert clients["anonymous"].get("/api/v1/organizations/999999/").status_code == 404


def test_operator_creates_an_organization(clients):
    response = clients["operator"].post("/api/v1/organizations/", NEW_ORGANIZATION, format="json")

    assert response.status_code == 201
    body = response.json()
    assert body["name"] == NEW_ORGANIZATION["name"]
    assert Organization.objects.filter(pk=body["id"], kind="proponent").exists()


@pytest.mark.parametrize("role", sorted(REFUSED))
def test_other_roles_cannot_create_organizations(role, clients):
    before = written_rows()

    response = clients[role].post("/api/v1/organizations/", NEW_ORGANIZATION, format="json")

    assert response.status_code == REFUSED[role]
    assert written_rows() == before


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({**NEW_ORGANIZATION, "kind": "bank"}, "kind"),
        ({**NEW_ORGANIZATION, "kind": 5}, "kind"),
        ({**NEW_ORGANIZATION, "province": ["Jiangsu"]}, "province"),
        ({**NEW_ORGANIZATION, "province": "Atlantis"}, "province"),
        ({**NEW_ORGANIZATION, "name": ""}, "name"),
        ({**NEW_ORGANIZATION, "name": {"zh": "公司"}}, "name"),
        (
            {**NEW_ORGANIZATION, "unified_social_credit_code": "91310000MA1FL2X30X"},
            "unified_social_credit_code",
        ),
        ({**NEW_ORGANIZATION, "unified_social_credit_code": 12345}, "unified_social_credit_code"),
        ({"kind": "proponent", "province": "Jiangsu"}, "name"),
    ],
)
def test_bad_organization_input_names_the_field_and_writes_nothing(payload, field, clients):
    before = written_rows()

    response = clients["operator"].post("/api/v1/organizations/", payload, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert all(isinstance(m, str) for m in response.json()[field])
    assert written_rows() == before


def test_bad_credit_code_message_is_the_services(clients):
    payload = {**NEW_ORGANIZATION, "unified_social_credit_code": "91310000MA1FL2X30X"}

    response = clients["operator"].post("/api/v1/organizations/", payload, format="json")

    assert response.json() == {"unified_social_credit_code": [services.CREDIT_CODE_INVALID]}


def test_malformed_json_is_a_400(clients):
    before = written_rows()

    response = clients["operator"].post(
        "/api/v1/organizations/", '{"name": "x", ', content_type="application/json"
    )

    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]
    assert written_rows() == before


def test_json_that_is_not_an_object_is_a_400(clients):
    response = clients["operator"].post(
        "/api/v1/organizations/", json.dumps(["a", "list"]), content_type="application/json"
    )

    assert response.status_code == 400
    assert "non_field_errors" in response.json()


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024)
def test_oversized_body_is_a_400_and_writes_nothing(clients):
    before = written_rows()
    payload = {**NEW_ORGANIZATION, "name": "x" * 2000}

    response = clients["operator"].post("/api/v1/organizations/", payload, format="json")

    assert response.status_code == 400
    assert response.json() == {"detail": BODY_TOO_LARGE.format(limit=1024)}
    assert written_rows() == before


# --- Accreditations ---------------------------------------------------------------------------


def test_operator_accredits_a_verifier_and_everyone_reads_it(users, clients):
    verifier = users["verifier"].organization
    url = f"/api/v1/organizations/{verifier.pk}/accreditations/"

    created = clients["operator"].post(url, ACCREDITATION, format="json")
    listed = clients["anonymous"].get(url)

    assert created.status_code == 201
    assert listed.status_code == 200
    assert [a["sector"] for a in listed.json()] == ["energy_industries"]


@pytest.mark.parametrize("role", sorted(REFUSED))
def test_other_roles_cannot_accredit(role, users, clients):
    verifier = users["verifier"].organization

    response = clients[role].post(
        f"/api/v1/organizations/{verifier.pk}/accreditations/", ACCREDITATION, format="json"
    )

    assert response.status_code == REFUSED[role]
    assert not Accreditation.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({**ACCREDITATION, "sector": "banking"}, "sector"),
        ({**ACCREDITATION, "valid_from": "yesterday"}, "valid_from"),
        ({**ACCREDITATION, "valid_to": "2020-01-01"}, "valid_to"),
    ],
)
def test_bad_accreditation_input_names_the_field(payload, field, users, clients):
    verifier = users["verifier"].organization

    response = clients["operator"].post(
        f"/api/v1/organizations/{verifier.pk}/accreditations/", payload, format="json"
    )

    assert response.status_code == 400
    assert field in response.json()
    assert not Accreditation.objects.exists()


def test_accrediting_a_company_names_the_organization(users, clients):
    company = users["proponent"].organization

    response = clients["operator"].post(
        f"/api/v1/organizations/{company.pk}/accreditations/", ACCREDITATION, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"organization": [services.ORGANIZATION_NOT_VERIFIER]}


def test_accrediting_an_unknown_organization_is_404(clients):
    response = clients["operator"].post(
        "/api/v1/organizations/999999/accreditations/", ACCREDITATION, format="json"
    )

    assert response.status_code == 404


# --- Users ------------------------------------------------------------------------------------


def test_operator_creates_a_user_who_then_gets_a_token(users, clients):
    company = users["proponent"].organization
    payload = {"username": "bob", "password": PASSWORD, "organization": company.pk}

    created = clients["operator"].post("/api/v1/users/", payload, format="json")
    token = clients["anonymous"].post(
        "/api/v1/auth/token/", {"username": "bob", "password": PASSWORD}, format="json"
    )

    assert created.status_code == 201
    assert created.json()["organization"]["id"] == company.pk
    assert "password" not in created.json()
    assert token.status_code == 200


@pytest.mark.parametrize("role", sorted(REFUSED))
def test_other_roles_cannot_create_users(role, users, clients):
    company = users["proponent"].organization
    payload = {"username": "mallory", "password": PASSWORD, "organization": company.pk}

    response = clients[role].post("/api/v1/users/", payload, format="json")

    assert response.status_code == REFUSED[role]
    assert not User.objects.filter(username="mallory").exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"username": "proponent"}, "username"),  # taken
        ({"username": "bad name!"}, "username"),
        ({"username": ["x"]}, "username"),
        ({"password": "123"}, "password"),
        ({"organization": 999999}, "organization"),
        ({"organization": "acme"}, "organization"),
    ],
)
def test_bad_user_input_names_the_field_and_writes_nothing(payload, field, users, clients):
    company = users["proponent"].organization
    body = {"username": "carol", "password": PASSWORD, "organization": company.pk, **payload}
    before = written_rows()

    response = clients["operator"].post("/api/v1/users/", body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert written_rows() == before


def test_duplicate_username_message_is_the_services(users, clients):
    company = users["proponent"].organization
    body = {"username": "proponent", "password": PASSWORD, "organization": company.pk}

    response = clients["operator"].post("/api/v1/users/", body, format="json")

    assert response.json() == {"username": [services.USERNAME_TAKEN]}


@pytest.mark.parametrize(
    ("role", "sees_all"),
    [("operator", True), ("regulator", True), ("proponent", False), ("verifier", False)],
)
def test_user_list_is_scoped_to_the_callers_organization(role, sees_all, users, clients):
    colleague_org = users[role].organization
    make_user_in_same_org = services.create_user(
        actor=None, username=f"{role}-colleague", password=PASSWORD, organization=colleague_org
    )

    response = clients[role].get("/api/v1/users/")

    assert response.status_code == 200
    names = {u["username"] for u in response.json()["results"]}
    assert {role, make_user_in_same_org.username} <= names
    assert (names >= set(users)) is sees_all


def test_user_list_needs_a_token(clients):
    assert clients["anonymous"].get("/api/v1/users/").status_code == 401


def test_organizations_created_through_the_api_are_audited(clients):
    clients["operator"].post("/api/v1/organizations/", NEW_ORGANIZATION, format="json")

    entry = AuditEntry.objects.get(
        action="organization.created", after__name=NEW_ORGANIZATION["name"]
    )
    assert entry.actor_username == "operator"
