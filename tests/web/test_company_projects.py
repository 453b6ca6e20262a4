"""The company's project and report pages, on the real services: the lists by state with their
deadlines, the project form from the methodology's parameters and its live estimate, documents,
the monitoring report form (typed table or CSV), and the acts with their refusals."""

import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils.html import escape

from methodologies.engine import messages as engine_messages
from registry.projects.models import MonitoringReport, Project
from registry.projects.services.documents import DOCUMENT_REQUIRED
from registry.projects.services.lifecycle import NOT_ALLOWED
from registry.projects.services.projects import SECTOR_MISMATCH
from registry.projects.services.reports import PROJECT_NOT_REGISTERED
from tests.conftest import make_organization, make_user
from tests.registry import conftest as registry_fixtures
from tests.registry.conftest import CLAIMED, EXPORT, IMPORT
from web.demo_documents import minimal_pdf

pytestmark = pytest.mark.django_db

# The lifecycle's fixtures, which build projects and reports in any state through the services.
dates = registry_fixtures.dates
offshore_wind = registry_fixtures.offshore_wind
parties = registry_fixtures.parties
lifecycle = registry_fixtures.lifecycle

# (1,000,000 - 5,000) MWh x (0.7921 x 0.75 + 0.3870 x 0.25) tCO2/MWh
ESTIMATE = Decimal("687370.875")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def company(parties) -> Client:
    return signed_in(parties["proponent"])


def project_post(parties, dates, **changes) -> dict:
    data = {
        "title": "Yangshan offshore wind",
        "sector": "energy_industries",
        "province": "Shanghai",
        "location": "East China Sea",
        "construction_start": dates.construction_start.isoformat(),
        "crediting_period_start": dates.crediting_period_start.isoformat(),
        "crediting_period_end": dates.crediting_period_end.isoformat(),
        "verifier": parties["verifier"].organization.pk,
        "generator_code": "GEN-WEB-00001",
        "parameter_EG_export": "1000000",
        "parameter_EG_import": "5000",
        "parameter_EF_grid_OM": "0.7921",
        "parameter_EF_grid_BM": "0.3870",
    }
    return {**data, **changes}


def field_group(html: str, name: str) -> str:
    """The HTML of one field's group on the form (label, help, errors, input)."""
    start = html.index(f'id="field-{name}"')
    ends = [html.find(mark, start + 1) for mark in ('id="field-', "</fieldset>", "</form>")]
    return html[start : min(end for end in ends if end != -1)]


def pdf_upload(kind: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"{kind}.pdf", minimal_pdf(kind))


# The project list and the overview


def test_list_groups_the_companys_projects_by_state_with_deadlines(company, lifecycle):
    draft = lifecycle.project("draft", title="Draft farm")
    in_publicity = lifecycle.project("publicity", title="Public farm")

    response = company.get("/workspace/company/projects/")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="projects-draft"' in html and 'id="projects-publicity"' in html
    assert f'id="project-{draft.pk}"' in html and f'id="project-{in_publicity.pk}"' in html
    row = html.split(f'id="project-{in_publicity.pk}"')[1].split("</tr>")[0]
    assert in_publicity.publicity_ends_on.isoformat() in row
    assert ("provisional" in row) == in_publicity.publicity_end_provisional


def test_provisional_deadline_is_marked(company, lifecycle):
    project = lifecycle.project("publicity")
    Project.objects.filter(pk=project.pk).update(publicity_end_provisional=True)

    html = company.get("/workspace/company/projects/?status=publicity").content.decode()

    row = html.split(f'id="project-{project.pk}"')[1].split("</tr>")[0]
    assert 'class="provisional"' in row


def test_another_companys_projects_are_never_listed_nor_opened(lifecycle, parties):
    theirs_draft = lifecycle.project("draft", title="Their secret draft")
    theirs_public = lifecycle.project("publicity", title="Their public farm")
    other = make_user(make_organization("proponent"))
    client = signed_in(other)

    html = client.get("/workspace/company/projects/").content.decode()
    overview = client.get("/workspace/company/").content.decode()

    assert "Their secret draft" not in html and "Their public farm" not in html
    assert "projects-count-draft" not in overview
    for project in (theirs_draft, theirs_public):
        assert client.get(f"/workspace/company/projects/{project.pk}/").status_code == 404
        response = client.post(f"/workspace/company/projects/{project.pk}/withdraw/")
        assert response.status_code == 404
    assert Project.objects.get(pk=theirs_draft.pk).status == "draft"


def test_overview_counts_projects_by_state(company, lifecycle):
    lifecycle.project("draft")
    lifecycle.project("draft")

    html = company.get("/workspace/company/").content.decode()

    assert re.search(r'id="projects-count-draft"><strong>2</strong>', html)


# The project form


def test_methodology_step_then_form_with_units_and_bounds(company, offshore_wind):
    first = company.get("/workspace/company/projects/new/")
    second = company.get(f"/workspace/company/projects/new/?methodology={offshore_wind.pk}")

    assert first.status_code == 200
    assert f'value="{offshore_wind.pk}"' in first.content.decode()
    html = second.content.decode()
    assert second.status_code == 200
    weight = field_group(html, "parameter_w_OM")
    assert 'min="0"' in weight and 'max="1"' in weight and 'value="0.75"' in weight
    assert "Unit: MWh" in field_group(html, "parameter_EG_export")
    assert 'name="generator_code"' in html


def test_creating_a_project_goes_through_the_service(company, parties, dates, offshore_wind):
    response = company.post(
        f"/workspace/company/projects/new/?methodology={offshore_wind.pk}",
        project_post(parties, dates),
    )

    project = Project.objects.get(title="Yangshan offshore wind")
    assert response.status_code == 302
    assert response["Location"] == f"/workspace/company/projects/{project.pk}/"
    assert project.status == "draft" and project.proponent == parties["proponent"].organization
    assert project.estimated_annual_reductions == ESTIMATE
    assert project.parameters["EG_export"] == ["1000000"]
    assert project.generator_code == "GEN-WEB-00001"
    assert project.history.get().actor == parties["proponent"]


def test_bad_parameter_is_a_400_next_to_its_field(company, parties, dates, offshore_wind):
    response = company.post(
        f"/workspace/company/projects/new/?methodology={offshore_wind.pk}",
        project_post(parties, dates, parameter_EG_export="-5"),
    )

    assert response.status_code == 400
    expected = engine_messages.BELOW_MINIMUM.format(bound="0 MWh")
    assert expected in field_group(response.content.decode(), "parameter_EG_export")
    assert not Project.objects.exists()


def test_service_refusal_of_a_project_field_is_shown_next_to_it(
    company, parties, dates, offshore_wind
):
    response = company.post(
        f"/workspace/company/projects/new/?methodology={offshore_wind.pk}",
        project_post(parties, dates, sector="manufacturing"),
    )

    assert response.status_code == 400
    expected = SECTOR_MISMATCH.format(sector="energy_industries")
    assert escape(expected) in field_group(response.content.decode(), "sector")


def test_live_estimate_answers_value_and_unit(company, parties, dates, offshore_wind):
    url = f"/workspace/company/projects/estimate/?methodology={offshore_wind.pk}"

    good = company.post(url, project_post(parties, dates))
    bad = company.post(url, project_post(parties, dates, parameter_EF_grid_OM="lots"))

    assert good.status_code == 200
    assert Decimal(good.json()["value"]) == ESTIMATE and good.json()["unit"] == "tCO2e"
    assert bad.status_code == 400
    assert bad.json()["errors"]["parameter_EF_grid_OM"] == [engine_messages.NUMBER]


# A project's page, its documents and acts


def test_submit_without_design_document_is_a_409_then_upload_and_submit(company, lifecycle):
    project = lifecycle.project("draft", documents=False)
    page = f"/workspace/company/projects/{project.pk}/"

    refused = company.post(f"{page}submit/")
    uploaded = company.post(
        f"{page}documents/", {"kind": "design_document", "file": pdf_upload("design")}
    )
    html = company.get(page).content.decode()
    submitted = company.post(f"{page}submit/")
    again = company.post(f"{page}submit/")

    required = DOCUMENT_REQUIRED.format(
        object="project",
        action="go to publicity",
        kind="project design document",
        code="design_document",
    )
    assert refused.status_code == 409 and required in refused.content.decode()
    assert uploaded.status_code == 302
    document = project.documents.get()
    assert document.sha256 in html and "design.pdf" in html
    assert f"/workspace/company/documents/{document.pk}/download/" in html
    assert submitted.status_code == 302
    assert Project.objects.get(pk=project.pk).status == "publicity"
    assert again.status_code == 409
    assert NOT_ALLOWED.format(action="submit", kind="project", status="publicity") in (
        again.content.decode()
    )


def test_document_of_a_wrong_kind_is_a_400_next_to_the_field(company, lifecycle):
    project = lifecycle.project("draft", documents=False)

    response = company.post(
        f"/workspace/company/projects/{project.pk}/documents/",
        {"kind": "validation_report", "file": pdf_upload("validation")},
    )

    assert response.status_code == 400
    assert 'id="document-form"' in response.content.decode()
    assert not project.documents.exists()


def test_download_serves_the_companys_document_and_no_other(company, lifecycle):
    project = lifecycle.project("draft")
    document = project.documents.get()
    other = signed_in(make_user(make_organization("proponent")))

    mine = company.get(f"/workspace/company/documents/{document.pk}/download/")
    theirs = other.get(f"/workspace/company/documents/{document.pk}/download/")

    assert mine.status_code == 200
    assert b"".join(mine.streaming_content).startswith(b"%PDF-1.4")
    assert theirs.status_code == 404


def test_withdraw_moves_the_project(company, lifecycle):
    project = lifecycle.project("draft")

    response = company.post(f"/workspace/company/projects/{project.pk}/withdraw/")

    assert response.status_code == 302
    assert Project.objects.get(pk=project.pk).status == "withdrawn"


# Monitoring reports


def report_post(parties, dates, **changes) -> dict:
    return {
        "period_start": dates.period_start.isoformat(),
        "period_end": dates.period_end.isoformat(),
        "verifier": parties["verifier2"].organization.pk,
        **changes,
    }


def csv_file(rows: list[tuple[str, str]]) -> SimpleUploadedFile:
    lines = ["EG_export,EG_import", *(f"{export},{taken}" for export, taken in rows)]
    return SimpleUploadedFile("series.csv", ("\n".join(lines) + "\n").encode())


def test_report_from_a_csv_upload(company, lifecycle, parties, dates):
    project = lifecycle.project("registered")

    response = company.post(
        f"/workspace/company/projects/{project.pk}/reports/new/",
        report_post(parties, dates, series_file=csv_file(list(zip(EXPORT, IMPORT, strict=True)))),
    )

    report = MonitoringReport.objects.get(project=project)
    assert response.status_code == 302
    assert response["Location"] == f"/workspace/company/reports/{report.pk}/"
    assert report.claimed_reductions == Decimal(CLAIMED)
    assert report.parameters["EG_export"] == EXPORT


def test_report_from_the_typed_table(company, lifecycle, parties, dates):
    project = lifecycle.project("registered")
    cells = {}
    for row, (export, taken) in enumerate(zip(EXPORT, IMPORT, strict=True), start=1):
        cells[f"row_{row}_EG_export"] = export
        cells[f"row_{row}_EG_import"] = taken

    response = company.post(
        f"/workspace/company/projects/{project.pk}/reports/new/",
        report_post(parties, dates, **cells),
    )

    assert response.status_code == 302
    assert MonitoringReport.objects.get(project=project).claimed_reductions == Decimal(CLAIMED)


def test_csv_with_a_bad_cell_is_a_400_naming_row_and_column(company, lifecycle, parties, dates):
    project = lifecycle.project("registered")
    rows = list(zip(EXPORT, IMPORT, strict=True))
    rows[2] = ("ninety thousand", rows[2][1])
    rows[4] = (rows[4][0], "-1")

    not_a_number = company.post(
        f"/workspace/company/projects/{project.pk}/reports/new/",
        report_post(parties, dates, series_file=csv_file(rows)),
    )
    rows[2] = (EXPORT[2], rows[2][1])
    below_bound = company.post(
        f"/workspace/company/projects/{project.pk}/reports/new/",
        report_post(parties, dates, series_file=csv_file(rows)),
    )

    assert not_a_number.status_code == 400
    first = f"row 3, column EG_export: {engine_messages.NUMBER}"
    assert first in field_group(not_a_number.content.decode(), "series_file")
    assert below_bound.status_code == 400
    second = "row 5, column EG_import: " + engine_messages.BELOW_MINIMUM.format(bound="0 MWh")
    assert second in field_group(below_bound.content.decode(), "series_file")
    assert not MonitoringReport.objects.exists()


def test_report_for_a_project_not_registered_is_a_409(company, lifecycle, parties, dates):
    project = lifecycle.project("draft")

    response = company.post(
        f"/workspace/company/projects/{project.pk}/reports/new/",
        report_post(parties, dates, series_file=csv_file(list(zip(EXPORT, IMPORT, strict=True)))),
    )

    assert response.status_code == 409
    assert PROJECT_NOT_REGISTERED.format(status="draft") in response.content.decode()


def test_report_page_submit_after_its_document(company, lifecycle):
    report = lifecycle.report("draft", documents=False)
    page = f"/workspace/company/reports/{report.pk}/"

    html = company.get(page).content.decode()
    refused = company.post(f"{page}submit/")
    company.post(f"{page}documents/", {"kind": "monitoring_report", "file": pdf_upload("mr")})
    submitted = company.post(f"{page}submit/")

    assert 'id="calculation-result"' in html and CLAIMED in html
    assert refused.status_code == 409
    assert submitted.status_code == 302
    assert MonitoringReport.objects.get(pk=report.pk).status == "publicity"


def test_another_companys_report_is_a_404(lifecycle):
    report = lifecycle.report("draft")
    other = signed_in(make_user(make_organization("proponent")))

    assert other.get(f"/workspace/company/reports/{report.pk}/").status_code == 404
    assert other.post(f"/workspace/company/reports/{report.pk}/submit/").status_code == 404
    listing = other.get("/workspace/company/projects/").content.decode()
    assert report.reference not in listing


def test_live_estimate_needs_only_the_parameters(company, offshore_wind):
    parameters = {
        "parameter_EG_export": "1000000",
        "parameter_EG_import": "5000",
        "parameter_EF_grid_OM": "0.7921",
        "parameter_EF_grid_BM": "0.3870",
    }

    response = company.post(
        f"/workspace/company/projects/estimate/?methodology={offshore_wind.pk}", parameters
    )

    assert response.status_code == 200
    assert Decimal(response.json()["value"]) == ESTIMATE


def test_csv_with_a_missing_column_names_it(company, lifecycle, parties, dates):
    project = lifecycle.project("registered")
    upload = SimpleUploadedFile("series.csv", b"EG_export\n1000\n2000\n")

    response = company.post(
        f"/workspace/company/projects/{project.pk}/reports/new/",
        report_post(parties, dates, series_file=upload),
    )

    assert response.status_code == 400
    expected = f"column EG_import: {engine_messages.REQUIRED}"
    assert expected in field_group(response.content.decode(), "series_file")


def test_report_list_shows_the_publicity_deadline(company, lifecycle):
    report = lifecycle.report("publicity")

    html = company.get("/workspace/company/projects/").content.decode()

    row = html.split(f'id="report-{report.pk}"')[1].split("</tr>")[0]
    assert 'id="reports-publicity"' in html
    assert report.publicity_ends_on.isoformat() in row
