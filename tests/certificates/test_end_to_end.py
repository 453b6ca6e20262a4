"""Green certificates end to end, over HTTP only: the operator imports a plant's certificates,
a consumer claims part of a month, the plant's offshore wind project is registered (freezing
the rest), its report is capped by what the consumer claimed, issuance cancels exactly the
credited MWh, and the certificates by state add up to what was imported."""

from datetime import timedelta

import pytest

from certificates.validity import add_months
from tests.certificates.conftest import credit_code, this_month
from tests.conftest import client_for, make_organization, make_user, upload_document
from tests.registry.conftest import DESIGN_PARAMETERS, no_publicity_wait

pytestmark = pytest.mark.django_db

PLANT = "GEN-SH-E2E-0001"
HEADER = (
    "serial_first,serial_last,generator_code,generator_name,generation_type,province,"
    "generation_month,holder,tradable"
)


def ok(response, status=200):
    assert response.status_code == status, response.content
    return response.json()


def month(offset: int):
    return add_months(this_month(), offset)


@pytest.fixture
def window(settings):
    """The GEC-CCER link governs the year before this month and the year from it."""
    settings.GEC_CCER_LINK_FROM = month(-12)
    settings.GEC_CCER_LINK_UNTIL = month(12) - timedelta(days=1)


@no_publicity_wait
def test_import_claim_register_cap_issue_cancel_and_totals(parties, offshore_wind, dates, window):
    wind_co = parties["proponent"].organization
    wind_co.unified_social_credit_code = credit_code()
    wind_co.save(update_fields=["unified_social_credit_code"])
    consumer_org = make_organization("proponent", unified_social_credit_code=credit_code())
    company, consumer, validator, verifier, operator, public = (
        client_for(parties["proponent"]),
        client_for(make_user(consumer_org, "datacentre-co")),
        client_for(parties["verifier"]),
        client_for(parties["verifier2"]),
        client_for(parties["operator"]),
        client_for(None),
    )
    first, second, third = (f"{month(n):%Y-%m}" for n in (-3, -2, -1))

    # The national GEC system's export: three months of the plant, 1,000 certificates each;
    # 400 of the first month were sold to the consumer.
    lines = [
        f"1,600,{PLANT},Donghai E2E wind farm,offshore_wind,Shanghai,{first},"
        f"{wind_co.unified_social_credit_code},true",
        f"601,1000,{PLANT},Donghai E2E wind farm,offshore_wind,Shanghai,{first},"
        f"{consumer_org.unified_social_credit_code},true",
        f"1001,2000,{PLANT},Donghai E2E wind farm,offshore_wind,上海,{second},"
        f"{wind_co.unified_social_credit_code},true",
        f"2001,3000,{PLANT},Donghai E2E wind farm,offshore_wind,Shanghai,{third},"
        f"{wind_co.unified_social_credit_code},true",
    ]
    csv_body = "\n".join([HEADER, *lines]) + "\n"
    imported = ok(
        operator.post("/api/v1/green-certificates/import/", csv_body, content_type="text/csv"),
        201,
    )
    assert (imported["imported"], imported["blocks"]) == (4, 4)
    again = ok(
        operator.post("/api/v1/green-certificates/import/", csv_body, content_type="text/csv"),
        201,
    )
    assert (again["imported"], again["skipped"]) == (0, 4)

    # The consumer claims 300 of its 400 certificates for its consumption of that month.
    [bought] = ok(consumer.get("/api/v1/green-certificates/"))["results"]
    assert (bought["serial_first"], bought["serial_last"]) == (601, 1000)
    claim = ok(
        consumer.post(
            "/api/v1/green-certificates/claims/",
            {
                "block": bought["id"],
                "quantity": 300,
                "period_start": month(-3).isoformat(),
                "period_end": (month(-2) - timedelta(days=1)).isoformat(),
                "consumer": "Lingang data centre",
            },
            format="json",
            HTTP_IDEMPOTENCY_KEY="claim-1",
        ),
        201,
    )
    assert (claim["serial_first"], claim["serial_last"]) == (701, 1000)
    assert ok(public.get(f"/api/v1/green-certificates/claims/{claim['id']}/"))["quantity"] == 300

    # The plant's offshore wind project is registered: the untraded certificates freeze.
    project = ok(
        company.post(
            "/api/v1/projects/",
            {
                "title": "Donghai E2E offshore wind farm",
                "methodology": offshore_wind.pk,
                "sector": "energy_industries",
                "province": "Shanghai",
                "construction_start": dates.construction_start.isoformat(),
                "crediting_period_start": dates.crediting_period_start.isoformat(),
                "crediting_period_end": dates.crediting_period_end.isoformat(),
                "parameters": DESIGN_PARAMETERS,
                "verifier": parties["verifier"].organization.pk,
                "generator_code": PLANT,
            },
            format="json",
        ),
        201,
    )
    url = f"/api/v1/projects/{project['id']}"
    ok(upload_document(company, url, "design_document"), 201)
    ok(company.post(f"{url}/submit/"))
    ok(upload_document(validator, url, "validation_report"), 201)
    ok(validator.post(f"{url}/validate/", {"opinion": "positive", "report": "OK"}, format="json"))
    assert ok(operator.post(f"{url}/register/", {}, format="json"))["status"] == "registered"
    by_state = {
        row["key"]: row["certificates"]
        for row in ok(public.get("/api/v1/stats/green-certificates/", {"group_by": "state"}))
    }
    assert by_state == {"claimed": 300, "frozen": 2700}

    # The report: 2,700.5 MWh of net electricity is more than the 2,700 frozen certificates.
    report_body = {
        "project": project["id"],
        "period_start": month(-3).isoformat(),
        "period_end": (month(0) - timedelta(days=1)).isoformat(),
        "verifier": parties["verifier2"].organization.pk,
    }
    refused = company.post(
        "/api/v1/monitoring-reports/",
        {**report_body, "parameters": {"EG_export": ["900", "900", "900.5"], "EG_import": ["0"]}},
        format="json",
    )
    assert refused.status_code == 400
    message = refused.json()["parameters"][0]
    assert "2,700.5 MWh" in message and "cover 2,700 MWh" in message

    # 2,650.2 MWh fits; its credits cancel ceil(2,650.2) = 2,651 certificates, lowest first.
    report = ok(
        company.post(
            "/api/v1/monitoring-reports/",
            {
                **report_body,
                "parameters": {"EG_export": ["900", "900", "850.2"], "EG_import": ["0"]},
            },
            format="json",
        ),
        201,
    )
    report_url = f"/api/v1/monitoring-reports/{report['id']}"
    ok(upload_document(company, report_url, "monitoring_report"), 201)
    ok(company.post(f"{report_url}/submit/"))
    ok(upload_document(verifier, report_url, "verification_report"), 201)
    ok(
        verifier.post(
            f"{report_url}/verify/",
            {"opinion": "positive", "verified_reductions": report["claimed_reductions"]},
            format="json",
        )
    )
    issued = ok(operator.post(f"{report_url}/issue/", {}, format="json"), 201)
    cancelled = issued["cancelled_certificates"]
    assert sum(c["quantity"] for c in cancelled) == 2651
    assert [(c["serial_first"], c["serial_last"]) for c in cancelled] == [
        (1, 600),
        (601, 700),
        (1001, 2000),
        (2001, 2951),
    ]

    # Every imported certificate is in exactly one state.
    by_state = {
        row["key"]: row["certificates"]
        for row in ok(public.get("/api/v1/stats/green-certificates/", {"group_by": "state"}))
    }
    assert by_state == {"claimed": 300, "cancelled": 2651, "frozen": 49}
    assert sum(by_state.values()) == 3000
    searched = ok(operator.get("/api/v1/green-certificates/", {"serial": 2951}))["results"]
    assert [b["state"] for b in searched] == ["cancelled"]
