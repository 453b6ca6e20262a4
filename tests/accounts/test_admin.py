import pytest

from accounts import services
from accounts.models import Organization
from core.models import AuditEntry

pytestmark = pytest.mark.django_db

ADD_ORGANIZATION = {
    "name": "Admin-made Co.",
    "kind": "proponent",
    "province": "Fujian",
    "unified_social_credit_code": "",
    "_save": "Save",
}


@pytest.fixture
def operator_browser(client, users):
    client.force_login(users["operator"])
    return client


def test_operator_reaches_the_admin_and_its_lists(operator_browser):
    assert operator_browser.get("/admin/").status_code == 200
    for model in (
        "accounts/organization",
        "accounts/user",
        "core/auditentry",
        "methodologies/methodology",
        "methodologies/emissionfactor",
        "projects/project",
        "projects/monitoringreport",
        "ledger/creditblock",
        "ledger/movement",
        "ledger/retirement",
        "ledger/holdingaccount",
    ):
        assert operator_browser.get(f"/admin/{model}/").status_code == 200, model


@pytest.mark.parametrize("role", ["proponent", "verifier", "regulator"])
def test_other_roles_are_sent_to_the_admin_login(role, client, users):
    users[role].is_staff = True  # even a staff flag set by hand does not open the admin
    users[role].save(update_fields=["is_staff"])
    client.force_login(users[role])

    response = client.get("/admin/accounts/organization/")

    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


def test_adding_an_organization_in_the_admin_goes_through_the_service(operator_browser):
    response = operator_browser.post("/admin/accounts/organization/add/", ADD_ORGANIZATION)

    assert response.status_code == 302
    organization = Organization.objects.get(name="Admin-made Co.")
    entry = AuditEntry.objects.get(action="organization.created", object_id=str(organization.pk))
    assert entry.actor_username == "operator"


def test_admin_add_form_shows_the_services_error(operator_browser):
    payload = {**ADD_ORGANIZATION, "unified_social_credit_code": "91310000MA1FL2X30X"}

    response = operator_browser.post("/admin/accounts/organization/add/", payload)

    assert response.status_code == 200
    assert services.CREDIT_CODE_INVALID in response.content.decode()
    assert not Organization.objects.filter(name="Admin-made Co.").exists()


def test_registry_records_are_read_only_in_the_admin(operator_browser):
    entry = AuditEntry.objects.first()

    view = operator_browser.get(f"/admin/core/auditentry/{entry.pk}/change/")
    change = operator_browser.post(f"/admin/core/auditentry/{entry.pk}/change/", {"action": "x"})
    delete = operator_browser.post(f"/admin/core/auditentry/{entry.pk}/delete/", {"post": "yes"})

    assert view.status_code == 200
    assert change.status_code == 403
    assert delete.status_code == 403
    assert AuditEntry.objects.get(pk=entry.pk).action == entry.action
