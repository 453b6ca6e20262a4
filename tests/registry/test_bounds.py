"""Bounds on what the registry credits: approved methodologies only, claims checked against
their project's estimate, amounts the ledger can record, and serial numbers that never run out
silently."""

from datetime import date
from decimal import Decimal
from unittest import mock

import pytest
from django.test import override_settings

from accounts import services as account_services
from core.errors import Conflict
from core.models import AuditEntry
from methodologies.library import load_library
from methodologies.models import Methodology
from methodologies.services import NOT_APPROVED, calculate_methodology
from registry.calendar.working_days import BEYOND_CALENDAR
from registry.ledger.models import CreditBlock, Issuance, SerialCounter
from registry.ledger.services import issuance
from registry.projects.models import MonitoringReport, Project
from registry.projects.services import projects, reports
from registry.projects.services.projects import AMOUNT_TOO_LARGE, CREDITING_TOO_SHORT
from registry.projects.services.reports import CLAIM_TOO_LARGE
from tests.conftest import client_for
from tests.registry.conftest import (
    DESIGN_PARAMETERS,
    Lifecycle,
    LifecycleDates,
    metered_data_centre,
    no_publicity_wait,
)
from web.demo_documents import attach_pdf

pytestmark = pytest.mark.django_db

# CR-DC-001: a data centre lowering its PUE from 1.6 to 1.3 on 10,000 MWh of IT load; its
# meters then read 1,000 MWh of IT energy and 1,300 MWh in all each month (PUE 1.3).
DC_DESIGN = {"E_IT": "10000", "PUE_BL": "1.6", "PUE_PJ": "1.3", "EF_grid": "0.5703"}
DC_MONTHS = [("1000000", "1300000")] * 12
STORED_LIMIT = "1,000,000,000,000,000,000"


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.json()
    return response.json()


# --- Approved methodologies only ----------------------------------------------------------------


@pytest.fixture
def data_centres(parties, dates) -> Lifecycle:
    """A lifecycle under CR-DC-001-V01, the registry's own method: published, not approved."""
    load_library()
    for user in (parties["verifier"], parties["verifier2"]):
        account_services.add_accreditation(
            actor=None,
            organization=user.organization,
            sector="digital_infrastructure",
            valid_from=dates.accredited_from,
            valid_to=dates.accredited_to,
        )
    return Lifecycle(parties, Methodology.objects.get(code="CR-DC-001", version="V01"))


def dc_project(data_centres: Lifecycle, state: str) -> Project:
    """A project of the company's data centre, metered month by month over the lifecycle's
    monitoring period."""
    dates = LifecycleDates.today()
    data_centre = metered_data_centre(
        data_centres.parties["proponent"], dates.period_start, DC_MONTHS, dates.period_end
    )
    return data_centres.project(
        state,
        title="Data centre PUE retrofit",
        sector="digital_infrastructure",
        parameters=DC_DESIGN,
        data_centre=data_centre,
    )


def test_a_project_under_an_unapproved_methodology_is_not_registered(data_centres, parties):
    project = dc_project(data_centres, "registration_review")

    response = client_for(parties["operator"]).post(f"/api/v1/projects/{project.pk}/register/")

    assert (response.status_code, response.json()) == (
        409,
        {"detail": NOT_APPROVED.format(identifier="CR-DC-001-V01")},
    )
    project.refresh_from_db()
    assert project.status == "registration_review"
    assert not project.history.filter(action="register").exists()


def test_once_approved_by_the_regulator_its_projects_are_registered(data_centres, parties):
    project = dc_project(data_centres, "registration_review")
    methodology = data_centres.methodology
    ok(client_for(parties["regulator"]).post(f"/api/v1/methodologies/{methodology.pk}/approve/"))

    registered = ok(
        client_for(parties["operator"]).post(f"/api/v1/projects/{project.pk}/register/")
    )

    assert registered["status"] == "registered"


def test_no_credits_are_issued_under_an_unapproved_methodology(data_centres, parties, dates):
    # A project registered before registration checked the approval.
    with mock.patch.object(projects, "require_approved"):
        project = dc_project(data_centres, "registered")
    report = reports.create_report(
        actor=parties["proponent"],
        project=project,
        parameters={},
        verifier=parties["verifier2"].organization,
        **dates.period,
    )
    with no_publicity_wait:
        attach_pdf(actor=parties["proponent"], kind="monitoring_report", report=report)
        report = reports.submit_report(actor=parties["proponent"], report=report)
    reports.close_report_publicity(report_id=report.pk)
    attach_pdf(actor=parties["verifier2"], kind="verification_report", report=report)
    report = reports.verify_report(
        actor=parties["verifier2"],
        report=MonitoringReport.objects.get(pk=report.pk),
        opinion="positive",
        verified_reductions=Decimal("1710"),
    )

    response = client_for(parties["operator"]).post(
        f"/api/v1/monitoring-reports/{report.pk}/issue/", {}, format="json"
    )

    assert (response.status_code, response.json()) == (
        409,
        {"detail": NOT_APPROVED.format(identifier="CR-DC-001-V01")},
    )
    assert not Issuance.objects.exists()
    assert not CreditBlock.objects.exists()
    assert MonitoringReport.objects.get(pk=report.pk).status == "issuance_review"


# --- A claim far above its project's estimate -----------------------------------------------


ABOVE_ESTIMATE = (
    "The verified 6904795.875 tCO2e is more than 3 times the project's estimate for the period "
    "(2062112.625 tCO2e): issue it only with an override and its reason."
)


@pytest.fixture
def large_claim(lifecycle, parties, dates) -> MonitoringReport:
    """Ten times the design's electricity in a year: (10,000,000 - 5,000) MWh x 0.690825 =
    6,904,795.875 tCO2e against an estimate of 687,370.875 a year (3 x that: 2,062,112.625)."""
    project = lifecycle.project("registered")
    report = reports.create_report(
        actor=parties["proponent"],
        project=project,
        parameters={"EG_export": ["10000000"], "EG_import": ["5000"]},
        verifier=parties["verifier2"].organization,
        **dates.period,
    )
    with no_publicity_wait:
        attach_pdf(actor=parties["proponent"], kind="monitoring_report", report=report)
        report = reports.submit_report(actor=parties["proponent"], report=report)
        attach_pdf(actor=parties["verifier2"], kind="verification_report", report=report)
        return reports.verify_report(
            actor=parties["verifier2"],
            report=report,
            opinion="positive",
            verified_reductions=report.claimed_reductions,
        )


def issue(parties, report, **body):
    return client_for(parties["operator"]).post(
        f"/api/v1/monitoring-reports/{report.pk}/issue/", body, format="json"
    )


def test_a_claim_far_above_the_estimate_is_flagged_on_the_report(large_claim, lifecycle, clients):
    within = lifecycle.report("issuance_review")

    flagged = clients["anonymous"].get(f"/api/v1/monitoring-reports/{large_claim.pk}/").json()
    usual = clients["anonymous"].get(f"/api/v1/monitoring-reports/{within.pk}/").json()

    assert (flagged["claimed_reductions"], flagged["above_estimate"]) == ("6904795.875", True)
    assert usual["above_estimate"] is False


def test_a_claim_far_above_the_estimate_needs_an_override(large_claim, parties):
    response = issue(parties, large_claim)

    assert (response.status_code, response.json()) == (409, {"detail": ABOVE_ESTIMATE})
    assert not Issuance.objects.exists()
    assert MonitoringReport.objects.get(pk=large_claim.pk).status == "issuance_review"


def test_an_override_needs_its_reason(large_claim, parties):
    response = issue(parties, large_claim, override=True, reason="  ")

    assert (response.status_code, response.json()) == (
        400,
        {"reason": [issuance.OVERRIDE_REASON_REQUIRED]},
    )
    assert not Issuance.objects.exists()


def test_the_operators_override_issues_it_and_is_audited(large_claim, parties):
    reason = "Meter readings checked on site; the design underestimated the farm."

    issued = ok(issue(parties, large_claim, override=True, reason=reason), 201)

    assert issued["quantity"] == 6_904_795
    entry = AuditEntry.objects.get(action="issuance.create")
    assert entry.actor == parties["operator"]
    assert entry.after["override"] == {"reason": reason}


@override_settings(CLAIM_ABOVE_ESTIMATE_FACTOR=Decimal(20))
def test_the_factor_is_a_setting(large_claim, parties):
    assert ok(issue(parties, large_claim), 201)["quantity"] == 6_904_795
    assert "override" not in AuditEntry.objects.get(action="issuance.create").after


# --- The most one claim earns, and what the ledger can record ---------------------------------


def create_report(parties, project, dates, export: str):
    return client_for(parties["proponent"]).post(
        "/api/v1/monitoring-reports/",
        {
            "project": project.pk,
            **{key: value.isoformat() for key, value in dates.period.items()},
            "parameters": {"EG_export": [export], "EG_import": ["5000"]},
            "verifier": parties["verifier2"].organization.pk,
        },
        format="json",
    )


def test_a_claim_of_a_billion_billion_tonnes_is_refused_when_filed(lifecycle, parties, dates):
    """The claim of 9.7 x 10^17 tCO2e that, issued ten times, ran the serial counter out."""
    project = lifecycle.project("registered")

    response = create_report(parties, project, dates, "1.4e18")

    assert (response.status_code, response.json()) == (
        400,
        {
            "parameters": [
                CLAIM_TOO_LARGE.format(claimed="967154999999996545.875", limit="100,000,000,000")
            ]
        },
    )
    assert not MonitoringReport.objects.exists()


def test_a_claim_beyond_what_the_ledger_records_is_a_400(lifecycle, parties, dates):
    project = lifecycle.project("registered")

    response = create_report(parties, project, dates, "1e19")

    assert (response.status_code, response.json()) == (
        400,
        {
            "parameters": [
                AMOUNT_TOO_LARGE.format(
                    value="6908249999999996545.875", unit="tCO2e", limit=STORED_LIMIT
                )
            ]
        },
    )
    assert not MonitoringReport.objects.exists()


def test_no_claim_earns_more_than_the_maximum_even_with_an_override(large_claim, parties):
    with override_settings(CLAIM_MAX_REDUCTIONS=1_000_000):
        response = issue(parties, large_claim, override=True, reason="Checked.")

    assert (response.status_code, response.json()) == (
        409,
        {"detail": issuance.ABOVE_MAXIMUM.format(limit="1,000,000", quantity="6,904,795")},
    )
    assert not Issuance.objects.exists()


@pytest.mark.parametrize("factor", [2**64, 1e308])
def test_a_design_estimate_beyond_what_the_ledger_records_is_a_400(
    factor, parties, offshore_wind, dates
):
    parameters = {**DESIGN_PARAMETERS, "EF_grid_OM": factor}
    estimate = calculate_methodology(methodology=offshore_wind, parameters=parameters).result

    response = client_for(parties["proponent"]).post(
        "/api/v1/projects/", project_body(parties, offshore_wind, dates, parameters), format="json"
    )

    assert (response.status_code, response.json()) == (
        400,
        {
            "parameters": [
                AMOUNT_TOO_LARGE.format(value=estimate.value, unit="tCO2e", limit=STORED_LIMIT)
            ]
        },
    )
    assert not Project.objects.exists()


def project_body(parties, methodology, dates, parameters=DESIGN_PARAMETERS, **changes) -> dict:
    return {
        "title": "Donghai Bridge offshore wind farm phase III",
        "methodology": methodology.pk,
        "sector": "energy_industries",
        "province": "Shanghai",
        "construction_start": dates.construction_start.isoformat(),
        "crediting_period_start": dates.crediting_period_start.isoformat(),
        "crediting_period_end": dates.crediting_period_end.isoformat(),
        "parameters": parameters,
        "verifier": parties["verifier"].organization.pk,
        "generator_code": "GEN-SH-DONGHAI-3",
        **changes,
    }


# --- Serial numbers ---------------------------------------------------------------------------


def set_last_serial(value: int) -> None:
    SerialCounter.objects.update_or_create(pk=1, defaults={"last_serial": value})


def test_the_serial_numbers_running_out_is_a_409_with_nothing_written(lifecycle, parties):
    report = lifecycle.report("issuance_review")  # 687,370 credits
    set_last_serial(issuance.LAST_SERIAL - 1000)

    response = issue(parties, report)

    assert (response.status_code, response.json()) == (
        409,
        {"detail": issuance.SERIALS_EXHAUSTED.format(left="1,000", quantity="687,370")},
    )
    assert not Issuance.objects.exists()
    assert not CreditBlock.objects.exists()
    assert SerialCounter.objects.get().last_serial == issuance.LAST_SERIAL - 1000
    assert MonitoringReport.objects.get(pk=report.pk).status == "issuance_review"


def test_the_last_serial_number_is_issued(lifecycle, parties):
    report = lifecycle.report("issuance_review")
    set_last_serial(issuance.LAST_SERIAL - 687_370)

    issued = ok(issue(parties, report), 201)

    assert issued["last_serial"] == issuance.LAST_SERIAL
    with pytest.raises(Conflict):
        issuance._allocate_serials(1)


# --- Dates at the end of the calendar ---------------------------------------------------------


def test_a_crediting_period_in_the_year_9999_is_a_400(parties, offshore_wind, dates):
    body = project_body(
        parties,
        offshore_wind,
        dates,
        crediting_period_start="9999-01-01",
        crediting_period_end="9999-12-31",
    )

    response = client_for(parties["proponent"]).post("/api/v1/projects/", body, format="json")

    assert (response.status_code, response.json()) == (
        400,
        {"crediting_period_end": [CREDITING_TOO_SHORT.format(years=7)]},
    )
    assert not Project.objects.exists()


def test_a_crediting_period_ending_on_the_last_date_is_accepted(parties, offshore_wind, dates):
    body = project_body(
        parties,
        offshore_wind,
        dates,
        crediting_period_start="9990-01-01",
        crediting_period_end="9999-12-31",
    )

    response = client_for(parties["proponent"]).post("/api/v1/projects/", body, format="json")

    assert ok(response, 201)["crediting_period_end"] == "9999-12-31"


@pytest.mark.parametrize(("start", "days"), [("9999-12-30", 10), ("9999-12-31", 1)])
def test_working_days_beyond_the_calendar_are_a_400(start, days, clients):
    response = clients["anonymous"].get(
        "/api/v1/calendar-years/working-days/", {"start": start, "days": days}
    )

    assert (response.status_code, response.json()) == (
        400,
        {"start": [BEYOND_CALENDAR.format(last=date.max)]},
    )
