"""Every transition from every state where it is not allowed is a 409, and where it is allowed it
happens; every role that must not act gets a 403 or a 404.

The matrix is DESIGN.md's lifecycle written out here, not read from the models' own tables, so a
change to the code's table that the design does not make fails these tests."""

import pytest

from registry.projects.models import MonitoringReport, Project
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

PROJECT_ACTIONS = {
    # action: (the role allowed to act, body)
    "submit": ("proponent", {}),
    "validate": ("verifier", {"opinion": "positive", "report": "Conforms."}),
    "register": ("operator", {}),
    "reject": ("operator", {"note": "No."}),
    "withdraw": ("proponent", {}),
}
PROJECT_STATES = [
    "draft",
    "publicity",
    "validation",
    "registration_review",
    "registered",
    "rejected",
    "withdrawn",
]
REPORT_ACTIONS = {
    "submit": ("proponent", {}),
    "verify": ("verifier2", {"opinion": "positive", "verified_reductions": "1000"}),
    "issue": ("operator", {}),
    "reject": ("operator", {"note": "No."}),
    "withdraw": ("proponent", {}),
}
REPORT_STATES = [
    "draft",
    "publicity",
    "verification",
    "issuance_review",
    "issued",
    "rejected",
    "withdrawn",
]
ROLES = ["proponent", "verifier", "verifier2", "regulator", "operator", "anonymous"]


# DESIGN.md, "The lifecycle": the states each action starts from. A project is withdrawn, and a
# claim withdrawn, from any state before registration or issuance.
PROJECT_MATRIX = {
    "submit": {"draft"},
    "validate": {"validation"},
    "register": {"registration_review"},
    "reject": {"registration_review"},
    "withdraw": {"draft", "publicity", "validation", "registration_review"},
}
PROJECT_OUTCOME = {
    "submit": "publicity",
    "validate": "registration_review",
    "register": "registered",
    "reject": "rejected",
    "withdraw": "withdrawn",
}
REPORT_MATRIX = {
    "submit": {"draft"},
    "verify": {"verification"},
    "issue": {"issuance_review"},
    "reject": {"issuance_review"},
    "withdraw": {"draft", "publicity", "verification", "issuance_review"},
}
REPORT_OUTCOME = {
    "submit": "publicity",
    "verify": "issuance_review",
    "issue": "issued",
    "reject": "rejected",
    "withdraw": "withdrawn",
}


def post(role: str, parties, url: str, body: dict):
    return client_for(parties.get(role)).post(url, body, format="json")


@pytest.mark.parametrize("state", PROJECT_STATES)
def test_project_actions_outside_their_states_are_409(state, lifecycle, parties):
    project = lifecycle.project(state)

    for action, (role, body) in PROJECT_ACTIONS.items():
        if state in PROJECT_MATRIX[action]:
            continue
        response = post(role, parties, f"/api/v1/projects/{project.pk}/{action}/", body)
        assert response.status_code == 409, (state, action, response.json())
        assert Project.objects.get(pk=project.pk).status == state


@pytest.mark.parametrize("state", REPORT_STATES)
def test_report_actions_outside_their_states_are_409(state, lifecycle, parties):
    report = lifecycle.report(state)

    for action, (role, body) in REPORT_ACTIONS.items():
        if state in REPORT_MATRIX[action]:
            continue
        response = post(role, parties, f"/api/v1/monitoring-reports/{report.pk}/{action}/", body)
        assert response.status_code == 409, (state, action, response.json())
        assert MonitoringReport.objects.get(pk=report.pk).status == state


@pytest.mark.parametrize(
    ("action", "state"),
    [(action, state) for action, states in PROJECT_MATRIX.items() for state in sorted(states)],
)
def test_project_actions_in_their_states_move_the_project(action, state, lifecycle, parties):
    project = lifecycle.project(state)
    role, body = PROJECT_ACTIONS[action]

    response = post(role, parties, f"/api/v1/projects/{project.pk}/{action}/", body)

    assert response.status_code == 200, (state, action, response.json())
    assert Project.objects.get(pk=project.pk).status == PROJECT_OUTCOME[action]


@pytest.mark.parametrize(
    ("action", "state"),
    [(action, state) for action, states in REPORT_MATRIX.items() for state in sorted(states)],
)
def test_report_actions_in_their_states_move_the_report(action, state, lifecycle, parties):
    report = lifecycle.report(state)
    role, body = REPORT_ACTIONS[action]

    response = post(role, parties, f"/api/v1/monitoring-reports/{report.pk}/{action}/", body)

    assert response.status_code in {200, 201}, (state, action, response.json())
    assert MonitoringReport.objects.get(pk=report.pk).status == REPORT_OUTCOME[action]


@pytest.mark.parametrize(
    ("action", "state"),
    [
        ("submit", "draft"),
        ("validate", "validation"),
        ("register", "registration_review"),
        ("reject", "registration_review"),
        ("withdraw", "publicity"),
    ],
)
def test_only_the_right_role_acts_on_a_project(action, state, lifecycle, parties):
    project = lifecycle.project(state)
    allowed, body = PROJECT_ACTIONS[action]

    for role in ROLES:
        if role == allowed:
            continue
        response = post(role, parties, f"/api/v1/projects/{project.pk}/{action}/", body)
        expected = {401} if role == "anonymous" else {403, 404}
        assert response.status_code in expected, (role, action, response.status_code)
        assert Project.objects.get(pk=project.pk).status == state


@pytest.mark.parametrize(
    ("action", "state"),
    [
        ("submit", "draft"),
        ("verify", "verification"),
        ("issue", "issuance_review"),
        ("reject", "issuance_review"),
        ("withdraw", "verification"),
    ],
)
def test_only_the_right_role_acts_on_a_report(action, state, lifecycle, parties):
    report = lifecycle.report(state)
    allowed, body = REPORT_ACTIONS[action]

    for role in ROLES:
        if role == allowed:
            continue
        response = post(role, parties, f"/api/v1/monitoring-reports/{report.pk}/{action}/", body)
        expected = {401} if role == "anonymous" else {403, 404}
        assert response.status_code in expected, (role, action, response.status_code)
        assert MonitoringReport.objects.get(pk=report.pk).status == state


def test_a_draft_is_404_to_those_who_may_not_see_it(lifecycle, parties):
    project = lifecycle.project("draft")

    for role in ("verifier2", "anonymous"):
        response = client_for(parties.get(role)).get(f"/api/v1/projects/{project.pk}/")
        assert response.status_code in {401, 404}
    for role in ("proponent", "verifier", "operator", "regulator"):
        response = client_for(parties[role]).get(f"/api/v1/projects/{project.pk}/")
        assert response.status_code == 200, role


@pytest.mark.parametrize("role", ["verifier", "verifier2", "regulator", "operator", "anonymous"])
def test_only_companies_create_projects(role, parties, offshore_wind):
    response = client_for(parties.get(role)).post(
        "/api/v1/projects/", {"title": "x"}, format="json"
    )

    assert response.status_code == (401 if role == "anonymous" else 403)
    assert not Project.objects.exists()
