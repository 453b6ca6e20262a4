"""A company at work in a real browser: it files a project through the form built from the
methodology's parameters (watching the live estimate appear), uploads its design document and
submits it; later, its registered project built through the services, it files a monitoring
report from a CSV file, uploads the report document and submits it. In English and Chinese."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from registry.projects.models import MonitoringReport, Project
from tests.browser.actions import click, set_value, type_into, wait_for
from tests.browser.conftest import LANGUAGES, sign_in
from tests.registry.conftest import CLAIMED, EXPORT, IMPORT
from web.demo_documents import minimal_pdf

pytestmark = pytest.mark.django_db(transaction=True)


def status_of(browser, element_id: str) -> str:
    return wait_for(browser, element_id).get_attribute("data-status")


@pytest.mark.parametrize("language", LANGUAGES)
def test_company_files_and_submits_a_project_and_a_report(
    browser, live_server, screenshot, lifecycle, parties, dates, offshore_wind, tmp_path, language
):
    sign_in(browser, live_server, "proponent", language)
    browser.get(f"{live_server.url}/workspace/company/")
    wait_for(browser, "overview-project-new")
    screenshot(f"company-overview-{language}")

    # Step 1: the methodology version.
    click(browser, "overview-project-new")
    Select(wait_for(browser, "id_methodology")).select_by_value(str(offshore_wind.pk))
    click(browser, "methodology-submit")

    # Step 2: the project's fields and the methodology's parameters.
    wait_for(browser, "project-form")
    type_into(browser, "id_title", "Yangshan offshore wind")
    Select(browser.find_element(By.ID, "id_province")).select_by_value("Shanghai")
    set_value(browser, "id_construction_start", dates.construction_start.isoformat())
    set_value(browser, "id_crediting_period_start", dates.crediting_period_start.isoformat())
    set_value(browser, "id_crediting_period_end", dates.crediting_period_end.isoformat())
    Select(browser.find_element(By.ID, "id_verifier")).select_by_value(
        str(parties["verifier"].organization.pk)
    )
    type_into(browser, "id_generator_code", "GEN-BROWSER-1")
    bounds = browser.find_element(By.ID, "id_parameter_w_OM")
    assert (bounds.get_attribute("min"), bounds.get_attribute("max")) == ("0", "1")
    type_into(browser, "id_parameter_EG_export", "1000000")
    type_into(browser, "id_parameter_EG_import", "5000")
    type_into(browser, "id_parameter_EF_grid_OM", "0.7921")
    type_into(browser, "id_parameter_EF_grid_BM", "0.3870")
    # (1,000,000 - 5,000) MWh x 0.690825 tCO2/MWh = 687,370.875 tCO2e, shown rounded.
    WebDriverWait(browser, 20).until(
        lambda driver: (
            "tCO2e" in driver.find_element(By.ID, "estimate").text
            and "687" in driver.find_element(By.ID, "estimate").text
        )
    )
    screenshot(f"company-project-form-{language}")
    click(browser, "project-submit")

    # The draft: upload the design document, then submit it to publicity.
    assert status_of(browser, "project-state") == "draft"
    assert browser.find_elements(By.ID, "design-document-missing")
    design = tmp_path / "design.pdf"
    design.write_bytes(minimal_pdf("Project design document"))
    Select(browser.find_element(By.ID, "id_kind")).select_by_value("design_document")
    browser.find_element(By.ID, "id_file").send_keys(str(design))
    click(browser, "document-submit")
    wait_for(browser, "document-list")
    assert not browser.find_elements(By.ID, "design-document-missing")
    click(browser, "project-submit-act")
    assert status_of(browser, "project-state") == "publicity"
    screenshot(f"company-project-detail-{language}")
    project = Project.objects.get(title="Yangshan offshore wind")
    assert project.status == "publicity" and project.documents.count() == 1

    browser.get(f"{live_server.url}/workspace/company/projects/")
    wait_for(browser, f"project-{project.pk}")
    screenshot(f"company-project-list-{language}")

    # Later: a registered project (built through the services) and its monitoring report.
    registered = lifecycle.project("registered", title="Donghai Bridge phase III")
    browser.get(f"{live_server.url}/workspace/company/projects/{registered.pk}/")
    click(browser, "new-report")
    wait_for(browser, "report-form")
    set_value(browser, "id_period_start", dates.period_start.isoformat())
    set_value(browser, "id_period_end", dates.period_end.isoformat())
    Select(browser.find_element(By.ID, "id_verifier")).select_by_value(
        str(parties["verifier2"].organization.pk)
    )
    series = tmp_path / "series.csv"
    rows = [f"{export},{taken}" for export, taken in zip(EXPORT, IMPORT, strict=True)]
    series.write_text("\n".join(["EG_export,EG_import", *rows]) + "\n")
    browser.find_element(By.ID, "id_series_file").send_keys(str(series))
    screenshot(f"company-report-form-{language}")
    click(browser, "report-submit")

    assert status_of(browser, "report-state") == "draft"
    assert CLAIMED in browser.find_element(By.ID, "calculation-result").text
    document = tmp_path / "monitoring.pdf"
    document.write_bytes(minimal_pdf("Monitoring report"))
    Select(browser.find_element(By.ID, "id_kind")).select_by_value("monitoring_report")
    browser.find_element(By.ID, "id_file").send_keys(str(document))
    click(browser, "document-submit")
    wait_for(browser, "document-list")
    click(browser, "report-submit-act")
    assert status_of(browser, "report-state") == "publicity"
    screenshot(f"company-report-detail-{language}")
    assert MonitoringReport.objects.get(project=registered).status == "publicity"
