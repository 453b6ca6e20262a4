import pytest

from core import transparency
from tests.core.test_audit import tamper

pytestmark = pytest.mark.django_db


def verify_twice(client, django_capture_on_commit_callbacks) -> dict:
    """The endpoint answers the last recorded check and starts a new one as a task (run here
    in-process, as without a broker): the second call answers the first call's check."""
    with django_capture_on_commit_callbacks(execute=True):
        client.get("/api/v1/audit/verify/")
    response = client.get("/api/v1/audit/verify/")
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize("role", ["operator", "regulator"])
def test_operators_and_regulators_verify_the_log(role, clients, django_capture_on_commit_callbacks):
    transparency.seal()

    answer = verify_twice(clients[role], django_capture_on_commit_callbacks)

    assert (answer["ok"], answer["entries"], answer["first_broken"]) == (True, 8, None)
    assert answer["checked_at"] is not None


@pytest.mark.parametrize(
    ("role", "status"), [("proponent", 403), ("verifier", 403), ("anonymous", 401)]
)
def test_other_roles_cannot_verify_the_log(role, status, clients):
    assert clients[role].get("/api/v1/audit/verify/").status_code == status


def test_the_endpoint_names_an_edited_entry(clients, django_capture_on_commit_callbacks):
    transparency.seal()
    tamper("UPDATE core_auditentry SET after = %s WHERE leaf_index = %s", ['{"name": "x"}', 5])

    answer = verify_twice(clients["regulator"], django_capture_on_commit_callbacks)

    assert (answer["ok"], answer["first_broken"]) == (False, 5)
    assert answer["problem"] == "A stored hash does not match."
