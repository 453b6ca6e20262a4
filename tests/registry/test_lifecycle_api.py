"""The whole CCER lifecycle through the HTTP API, one user of each role doing their part."""

from decimal import Decimal

import pytest

from registry.ledger.models import CreditBlock
from registry.ledger.services.issuance import issued_quantity
from tests.conftest import client_for, log_intact, upload_document
from tests.registry.conftest import DESIGN_PARAMETERS, MONITORED, no_publicity_wait

pytestmark = pytest.mark.django_db


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.json()
    return response.json()


@no_publicity_wait
def test_design_document_to_credits_in_the_proponents_account(parties, offshore_wind, dates):
    company, validator, verifier, operator, public = (
        client_for(parties["proponent"]),
        client_for(parties["verifier"]),
        client_for(parties["verifier2"]),
        client_for(parties["operator"]),
        client_for(None),
    )

    # The company files the design document; the engine estimates its annual reductions.
    project = ok(
        company.post(
            "/api/v1/projects/",
            {
                "title": "Donghai Bridge offshore wind farm phase III",
                "methodology": offshore_wind.pk,
                "sector": "energy_industries",
                "province": "Shanghai",
                "construction_start": dates.construction_start.isoformat(),
                "crediting_period_start": dates.crediting_period_start.isoformat(),
                "crediting_period_end": dates.crediting_period_end.isoformat(),
                "parameters": DESIGN_PARAMETERS,
                "verifier": parties["verifier"].organization.pk,
                "generator_code": "GEN-SH-DONGHAI-3",
            },
            format="json",
        ),
        201,
    )
    assert project["status"] == "draft"
    assert project["generator_code"] == "GEN-SH-DONGHAI-3"
    assert project["estimated_annual_reductions"] == "687370.875"
    url = f"/api/v1/projects/{project['id']}"
    assert public.get(f"{url}/").status_code == 404  # drafts are private

    # Publicity needs the design document; from then on it is public.
    assert company.post(f"{url}/submit/").status_code == 409
    design = ok(upload_document(company, url, "design_document"), 201)
    assert ok(company.post(f"{url}/submit/"))["status"] == "publicity"
    assert public.get(f"{url}/").status_code == 200
    assert [d["sha256"] for d in ok(public.get(f"{url}/documents/"))["results"]] == [
        design["sha256"]
    ]
    ok(upload_document(validator, url, "validation_report"), 201)

    # Validation by the engaged verifier (publicity is 0 working days here, so it has ended).
    validated = ok(
        validator.post(
            f"{url}/validate/", {"opinion": "positive", "report": "Conforms."}, format="json"
        )
    )
    assert validated["status"] == "registration_review"
    assert validated["review_due_on"] is not None
    assert ok(operator.post(f"{url}/register/", {}, format="json"))["status"] == "registered"

    # A monitoring report, verified by another body, becomes credits.
    report = ok(
        company.post(
            "/api/v1/monitoring-reports/",
            {
                "project": project["id"],
                "period_start": dates.period_start.isoformat(),
                "period_end": dates.period_end.isoformat(),
                "parameters": MONITORED,
                "verifier": parties["verifier2"].organization.pk,
            },
            format="json",
        ),
        201,
    )
    assert report["claimed_reductions"] == "687370.875"
    report_url = f"/api/v1/monitoring-reports/{report['id']}"
    ok(upload_document(company, report_url, "monitoring_report"), 201)
    assert ok(company.post(f"{report_url}/submit/"))["status"] == "publicity"
    ok(upload_document(verifier, report_url, "verification_report"), 201)
    verified = ok(
        verifier.post(
            f"{report_url}/verify/",
            {"opinion": "positive", "verified_reductions": "687000.5"},
            format="json",
        )
    )
    assert verified["status"] == "issuance_review"
    issued = ok(operator.post(f"{report_url}/issue/", {}, format="json"), 201)

    # floor(687000.5) = 687000 credits, split by the days of each year in the period:
    # 1 March..31 December is 306 days, 1 January..28 February is 59 days, 365 in all.
    # 687000 x 306 / 365 = 575950.68..., 687000 x 59 / 365 = 111049.31...; the larger
    # remainder takes the credit left by rounding down.
    first_vintage, second_vintage = dates.vintages
    assert second_vintage == first_vintage + 1
    assert issued["quantity"] == issued_quantity(Decimal("687000.5")) == 687000
    assert [(v["vintage"], v["quantity"]) for v in issued["vintages"]] == [
        (first_vintage, 575951),
        (second_vintage, 111049),
    ]
    blocks = ok(company.get("/api/v1/credit-blocks/", {"project": project["id"]}))["results"]
    [account] = ok(company.get("/api/v1/accounts/"))["results"]
    assert {b["account"] for b in blocks} == {account["id"]}
    assert sum(b["quantity"] for b in blocks) == 687000
    assert blocks[0]["serial"] == f"CCER-{project['reference']}-{first_vintage}-1-575951"
    assert blocks[1]["first"] == blocks[0]["last"] + 1

    # The history tells the whole story; the audit chain holds.
    history = ok(public.get(f"{url}/history/"))
    assert [(h["from_status"], h["to_status"]) for h in history] == [
        ("", "draft"),
        ("draft", "publicity"),
        ("publicity", "validation"),
        ("validation", "registration_review"),
        ("registration_review", "registered"),
    ]
    assert history[1]["actor"] == "proponent"
    assert history[2]["actor"] is None  # the period ran out; nobody acted
    report_history = ok(public.get(f"{report_url}/history/"))
    assert [h["to_status"] for h in report_history] == [
        "draft",
        "publicity",
        "verification",
        "issuance_review",
        "issued",
    ]
    assert ok(public.get("/api/v1/issuances/"))["count"] == 1
    assert CreditBlock.objects.filter(status="active").count() == 2
    assert log_intact()


def test_anyone_comments_during_publicity_and_nobody_after(lifecycle, parties):
    project = lifecycle.project("publicity")
    url = f"/api/v1/projects/{project.pk}/comment/"

    anonymous = client_for(None).post(url, {"text": "Birds?", "author_name": "A."}, format="json")
    company = client_for(parties["verifier2"]).post(url, {"text": "Cables?"}, format="json")
    listed = client_for(None).get(url)

    assert (anonymous.status_code, company.status_code) == (201, 201)
    assert [(c["author_name"], c["text"]) for c in listed.json()] == [
        ("A.", "Birds?"),
        ("verifier2", "Cables?"),
    ]
    closed = lifecycle.project("validation")
    response = client_for(None).post(
        f"/api/v1/projects/{closed.pk}/comment/", {"text": "Late"}, format="json"
    )
    assert response.status_code == 409
