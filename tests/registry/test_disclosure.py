"""What the registry discloses: an item that never reached publicity stays private whatever
happens to it, a block's history shows each movement's own serials and never another holder's
block, and a filter refuses an id the caller may not see exactly as it refuses a missing one."""

import pytest
from django.test import Client

from methodologies import services as methodology_services
from registry.ledger.models import CreditBlock
from registry.ledger.services import movements
from registry.projects.models import MonitoringReport, Project
from registry.projects.services import projects, reports
from tests.conftest import client_for, make_organization, make_user

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "other", "proponent", "verifier", "verifier2", "operator", "regulator"]
# Who may see a project that never reached publicity: its company, the verifier engaged to
# validate it, operators and regulators; for a report, the verifier engaged to verify it.
MAY_SEE_PROJECT = {"proponent", "verifier", "operator", "regulator"}
MAY_SEE_REPORT = {"proponent", "verifier2", "operator", "regulator"}
INVALID_CHOICE = "Select a valid choice. That choice is not one of the available choices."


@pytest.fixture
def cast(parties):
    """The lifecycle's parties, and a company with no part in any of it."""
    return {**parties, "other": make_user(make_organization("proponent"), username="other")}


@pytest.fixture
def withdrawn_drafts(lifecycle):
    """A project and a report (of a registered project) each withdrawn while still a draft."""
    return {"project": lifecycle.project("withdrawn"), "report": lifecycle.report("withdrawn")}


def api(role: str, cast):
    return client_for(cast.get(role))


def page_client(role: str, cast) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(cast[role])
    return client


def listed_ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


# --- 1. What never reached publicity stays private ----------------------------------------------


def test_a_project_withdrawn_as_a_draft_is_never_submitted(withdrawn_drafts):
    project, report = withdrawn_drafts["project"], withdrawn_drafts["report"]

    assert (project.status, project.submitted_on) == (Project.Status.WITHDRAWN, None)
    assert (report.status, report.submitted_on) == (MonitoringReport.Status.WITHDRAWN, None)


@pytest.mark.parametrize("role", ROLES)
def test_a_project_withdrawn_as_a_draft_stays_private_in_the_api(role, withdrawn_drafts, cast):
    project = withdrawn_drafts["project"]
    client = api(role, cast)

    detail = client.get(f"/api/v1/projects/{project.pk}/")
    history = client.get(f"/api/v1/projects/{project.pk}/history/")
    comments = client.get(f"/api/v1/projects/{project.pk}/comment/")
    withdrawn = listed_ids(client.get("/api/v1/projects/", {"status": "withdrawn"}))
    everything = listed_ids(client.get("/api/v1/projects/"))

    if role in MAY_SEE_PROJECT:
        assert (detail.status_code, history.status_code, comments.status_code) == (200, 200, 200)
        assert detail.json()["status"] == "withdrawn"
        assert [row["to_status"] for row in history.json()] == ["draft", "withdrawn"]
        assert project.pk in withdrawn
        assert project.pk in everything
    else:
        assert (detail.status_code, history.status_code, comments.status_code) == (404, 404, 404)
        assert project.pk not in withdrawn
        assert project.pk not in everything


@pytest.mark.parametrize("role", ROLES)
def test_a_report_withdrawn_as_a_draft_stays_private_in_the_api(role, withdrawn_drafts, cast):
    report = withdrawn_drafts["report"]
    client = api(role, cast)

    detail = client.get(f"/api/v1/monitoring-reports/{report.pk}/")
    history = client.get(f"/api/v1/monitoring-reports/{report.pk}/history/")
    withdrawn = listed_ids(client.get("/api/v1/monitoring-reports/", {"status": "withdrawn"}))
    of_project = listed_ids(
        client.get("/api/v1/monitoring-reports/", {"project": report.project_id})
    )

    if role in MAY_SEE_REPORT:
        assert (detail.status_code, history.status_code) == (200, 200)
        assert detail.json()["status"] == "withdrawn"
        assert [row["to_status"] for row in history.json()] == ["draft", "withdrawn"]
        assert report.pk in withdrawn
        assert report.pk in of_project
    else:
        assert (detail.status_code, history.status_code) == (404, 404)
        assert report.pk not in withdrawn
        assert report.pk not in of_project


@pytest.mark.parametrize("role", ROLES)
def test_the_public_pages_never_show_what_was_withdrawn_as_a_draft(role, withdrawn_drafts, cast):
    """The pages show the public record, whoever is signed in."""
    project, report = withdrawn_drafts["project"], withdrawn_drafts["report"]
    client = page_client(role, cast)

    project_page = client.get(f"/projects/{project.pk}/")
    withdrawn_list = client.get("/projects/", {"status": "withdrawn"})
    full_list = client.get("/projects/")
    public_project_page = client.get(f"/projects/{report.project_id}/")

    assert project_page.status_code == 404
    assert (withdrawn_list.status_code, full_list.status_code) == (200, 200)
    assert f"/projects/{project.pk}/" not in withdrawn_list.content.decode()
    assert f"/projects/{project.pk}/" not in full_list.content.decode()
    # The report's project is public; its report that was never submitted is not listed on it.
    assert public_project_page.status_code == 200
    assert report.reference not in public_project_page.content.decode()


def test_the_front_page_does_not_count_a_project_withdrawn_as_a_draft(withdrawn_drafts):
    # The report's registered project is the one public project.
    page = Client().get("/").content.decode()

    assert '<strong id="projects">1</strong>' in page


@pytest.fixture
def withdrawn_after_publicity(lifecycle, parties):
    """A project and a report each withdrawn during their publicity period."""
    proponent = parties["proponent"]
    project = projects.withdraw_project(actor=proponent, project=lifecycle.project("publicity"))
    report = reports.withdraw_report(actor=proponent, report=lifecycle.report("publicity"))
    return {"project": project, "report": report}


@pytest.mark.parametrize("role", ["anonymous", "other", "verifier2"])
def test_what_was_withdrawn_after_publicity_stays_public(role, withdrawn_after_publicity, cast):
    project, report = withdrawn_after_publicity["project"], withdrawn_after_publicity["report"]
    client = api(role, cast)
    pages = page_client(role, cast)

    assert client.get(f"/api/v1/projects/{project.pk}/").json()["status"] == "withdrawn"
    assert client.get(f"/api/v1/projects/{project.pk}/history/").status_code == 200
    assert project.pk in listed_ids(client.get("/api/v1/projects/", {"status": "withdrawn"}))
    assert client.get(f"/api/v1/monitoring-reports/{report.pk}/").json()["status"] == "withdrawn"
    assert client.get(f"/api/v1/monitoring-reports/{report.pk}/history/").status_code == 200
    assert report.pk in listed_ids(
        client.get("/api/v1/monitoring-reports/", {"status": "withdrawn"})
    )
    assert pages.get(f"/projects/{project.pk}/").status_code == 200
    assert (
        f"/projects/{project.pk}/"
        in pages.get("/projects/", {"status": "withdrawn"}).content.decode()
    )
    assert report.reference in pages.get(f"/projects/{report.project_id}/").content.decode()


# --- 2. A block's history shows each movement's own serials -------------------------------------


@pytest.fixture
def resold(lifecycle, parties):
    """The company sells the top 1,000 credits of its first block to a buyer, then sells 500
    more to a third company and retires 250: its own block has shrunk twice since issuance."""
    report = lifecycle.report("issued")
    seller = parties["proponent"]
    buyer = make_user(make_organization("proponent", name="Buyer Co."), username="buyer")
    third = make_user(make_organization("proponent", name="Third Co."), username="third")
    accounts = {
        user: movements.open_account(
            actor=parties["operator"], organization=user.organization, name=f"{user} main"
        )
        for user in (buyer, third)
    }
    block = CreditBlock.objects.filter(issuance__report=report).order_by("first").first()
    issued = (block.first, block.last)
    bought = movements.transfer_credits(
        actor=seller, block=block, quantity=1000, to_account=accounts[buyer]
    ).block
    block.refresh_from_db()
    movements.transfer_credits(actor=seller, block=block, quantity=500, to_account=accounts[third])
    block.refresh_from_db()
    movements.retire_credits(
        actor=seller, block=block, quantity=250, beneficiary="Expo", purpose="public_good"
    )
    block.refresh_from_db()
    return {
        "seller": seller,
        "buyer": buyer,
        "block": block,
        "bought": bought,
        "issued": issued,
        "prefix": f"CCER-{Project.reference_of(block.project_id)}-{block.vintage}",
    }


def test_a_buyers_history_shows_the_issued_range_not_the_sellers_block(resold):
    block, bought, (first, last) = resold["block"], resold["bought"], resold["issued"]
    prefix = resold["prefix"]

    response = client_for(resold["buyer"]).get(f"/api/v1/credit-blocks/{bought.pk}/history/")

    assert response.status_code == 200
    issuance, transfer = response.json()["results"]
    assert (issuance["kind"], issuance["first"], issuance["last"]) == ("issuance", first, last)
    assert issuance["serial"] == f"{prefix}-{first}-{last}"
    assert issuance["serial"] != block.serial  # the seller's holding now: first..last-1750
    # The seller's block is a 404 to the buyer: the history does not name it either.
    assert issuance["block"] is None
    assert block.pk not in [row["block"] for row in response.json()["results"]]
    assert client_for(resold["buyer"]).get(f"/api/v1/credit-blocks/{block.pk}/").status_code == 404
    assert transfer["kind"] == "transfer"
    assert transfer["serial"] == f"{prefix}-{last - 999}-{last}" == bought.serial
    assert transfer["block"] == bought.pk


def test_a_holders_history_shows_each_movement_with_its_own_range(resold):
    block, (first, last), prefix = resold["block"], resold["issued"], resold["prefix"]

    url = f"/api/v1/credit-blocks/{block.pk}/history/"
    rows = client_for(resold["seller"]).get(url).json()["results"]

    # Only the issuance covers what the seller still holds; it moved the seller's own block.
    assert [(row["kind"], row["serial"], row["block"]) for row in rows] == [
        ("issuance", f"{prefix}-{first}-{last}", block.pk)
    ]
    assert block.serial == f"{prefix}-{first}-{last - 1750}"


# --- 3. Filters refuse what the caller may not see as they refuse what is missing ---------------


@pytest.fixture
def private_ids(lifecycle, parties, offshore_wind):
    """The ids of a draft project, a holding account and a draft methodology, none of them
    public, and an id that nothing has."""
    draft = lifecycle.project("draft")
    data = methodology_services.methodology_snapshot(offshore_wind)
    draft_methodology = methodology_services.create_methodology(
        actor=None,
        code="CCER-01-002",
        version="V09",
        title=offshore_wind.title,
        sector=offshore_wind.sector,
        parameters=list(
            offshore_wind.parameters.values(
                "symbol", "name", "unit", "kind", "series", "default", "minimum", "maximum"
            )
        ),
        equations=data["equations"],
        result="ER",
    )
    account = movements.open_account(
        actor=parties["operator"], organization=parties["proponent"].organization, name="Main"
    )
    return {
        "project": draft.pk,
        "methodology": draft_methodology.pk,
        "account": account.pk,
        "missing": 10**9,
    }


# (endpoint, filter, which private id)
ID_FILTERS = [
    ("/api/v1/projects/", "methodology", "methodology"),
    ("/api/v1/monitoring-reports/", "project", "project"),
    ("/api/v1/issuances/", "project", "project"),
    ("/api/v1/credit-blocks/", "project", "project"),
    ("/api/v1/credit-blocks/", "account", "account"),
]


@pytest.mark.parametrize("role", ["anonymous", "other"])
@pytest.mark.parametrize(("url", "name", "private"), ID_FILTERS)
def test_a_filter_answers_an_invisible_id_as_a_missing_one(
    role, url, name, private, private_ids, cast
):
    client = api(role, cast)

    invisible = client.get(url, {name: private_ids[private]})
    missing = client.get(url, {name: private_ids["missing"]})

    assert (invisible.status_code, invisible.json()) == (missing.status_code, missing.json())
    if role == "anonymous" and url == "/api/v1/credit-blocks/":
        assert missing.status_code == 401  # holdings are for signed-in holders only
    else:
        assert (missing.status_code, missing.json()) == (400, {name: [INVALID_CHOICE]})


@pytest.mark.parametrize(("url", "name", "private"), ID_FILTERS)
def test_a_filter_takes_the_ids_its_caller_may_see(url, name, private, private_ids, cast):
    # The company sees its draft project and its account; the operator sees draft methodologies.
    role = "operator" if private == "methodology" else "proponent"

    response = api(role, cast).get(url, {name: private_ids[private]})

    assert response.status_code == 200, response.json()
