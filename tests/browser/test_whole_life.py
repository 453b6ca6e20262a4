"""The whole life of a project by clicking, one role at a time, in English and in Chinese: the
company files and submits a project, the verifier validates it, the operator registers it, the
company files a monitoring report from a CSV file, a second verifier verifies it, the operator
issues the credits, the company retires part of them, and the retirement certificate is on the
public site. Only the end of each publicity period, which the registry's scheduled task closes,
is not a click. Each workspace is photographed."""

from decimal import ROUND_DOWN, Decimal

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from registry.ledger.models import CreditBlock, Retirement
from registry.projects.models import MonitoringReport, Project
from registry.projects.services import projects, reports
from tests.browser.actions import click, follow, set_value, type_into, wait_for
from tests.browser.conftest import LANGUAGES, sign_in
from tests.registry.conftest import CLAIMED, EXPORT, IMPORT
from web.demo_documents import minimal_pdf

pytestmark = pytest.mark.django_db(transaction=True)

RETIRED = 1200


def attach(browser, tmp_path, kind: str, title: str, button: str) -> None:
    document = tmp_path / f"{kind}.pdf"
    document.write_bytes(minimal_pdf(title))
    Select(browser.find_element(By.ID, "id_kind")).select_by_value(kind)
    browser.find_element(By.ID, "id_file").send_keys(str(document))
    click(browser, button)


def in_language(browser, language: str) -> None:
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == language


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_project_lives_its_whole_life_by_clicking(
    browser, live_server, screenshot, settings, parties, dates, offshore_wind, tmp_path, language
):
    settings.PROJECT_PUBLICITY_WORKING_DAYS = 0
    settings.CLAIM_PUBLICITY_WORKING_DAYS = 0
    shot = f"life-{language}"

    # The company files its project through the form built from the methodology.
    sign_in(browser, live_server, "proponent", language)
    in_language(browser, language)
    click(browser, "overview-project-new")
    Select(wait_for(browser, "id_methodology")).select_by_value(str(offshore_wind.pk))
    click(browser, "methodology-submit")
    type_into(browser, "id_title", "Yangshan offshore wind")
    Select(browser.find_element(By.ID, "id_province")).select_by_value("Shanghai")
    set_value(browser, "id_construction_start", dates.construction_start.isoformat())
    set_value(browser, "id_crediting_period_start", dates.crediting_period_start.isoformat())
    set_value(browser, "id_crediting_period_end", dates.crediting_period_end.isoformat())
    Select(browser.find_element(By.ID, "id_verifier")).select_by_value(
        str(parties["verifier"].organization.pk)
    )
    type_into(browser, "id_generator_code", "GEN-LIFE-0001")
    for name, value in (
        ("EG_export", "1000000"),
        ("EG_import", "5000"),
        ("EF_grid_OM", "0.7921"),
        ("EF_grid_BM", "0.3870"),
    ):
        type_into(browser, f"id_parameter_{name}", value)
    screenshot(f"{shot}-01-company-project-form")
    click(browser, "project-submit")
    attach(browser, tmp_path, "design_document", "Project design document", "document-submit")
    click(browser, "project-submit-act")
    project = Project.objects.get(title="Yangshan offshore wind")
    assert project.status == "publicity"
    screenshot(f"{shot}-02-company-project-submitted")

    # Publicity over (the scheduled task's work), the verifier validates.
    projects.close_project_publicity(project_id=project.pk)
    sign_in(browser, live_server, "verifier", language)
    browser.get(f"{live_server.url}/dashboard/")
    in_language(browser, language)
    screenshot(f"{shot}-03-verifier-engagements")
    follow(browser, browser.find_element(By.CSS_SELECTOR, f"#engagement-project-{project.pk} a"))
    attach(browser, tmp_path, "validation_report", "Validation report", "upload-submit")
    browser.find_element(By.CSS_SELECTOR, "#opinion-form input[value=positive]").click()
    type_into(browser, "id_report", "The design conforms to CCER-01-002.")
    screenshot(f"{shot}-04-verifier-opinion")
    click(browser, "opinion-submit")
    assert Project.objects.get(pk=project.pk).status == "registration_review"

    # The operator registers it from its queue.
    sign_in(browser, live_server, "operator", language)
    browser.get(f"{live_server.url}/dashboard/")
    click(browser, "nav-registrations")
    screenshot(f"{shot}-05-operator-registrations")
    follow(browser, browser.find_element(By.CSS_SELECTOR, f"#queue-project-{project.pk} a"))
    click(browser, "register-submit")
    assert Project.objects.get(pk=project.pk).status == "registered"

    # The company files its monitoring report from a CSV file of the monitored series.
    sign_in(browser, live_server, "proponent", language)
    browser.get(f"{live_server.url}/workspace/company/projects/{project.pk}/")
    click(browser, "new-report")
    set_value(browser, "id_period_start", dates.period_start.isoformat())
    set_value(browser, "id_period_end", dates.period_end.isoformat())
    Select(browser.find_element(By.ID, "id_verifier")).select_by_value(
        str(parties["verifier2"].organization.pk)
    )
    series = tmp_path / "series.csv"
    rows = [f"{export},{taken}" for export, taken in zip(EXPORT, IMPORT, strict=True)]
    series.write_text("\n".join(["EG_export,EG_import", *rows]) + "\n")
    browser.find_element(By.ID, "id_series_file").send_keys(str(series))
    click(browser, "report-submit")
    assert CLAIMED in browser.find_element(By.ID, "calculation-result").text
    attach(browser, tmp_path, "monitoring_report", "Monitoring report", "document-submit")
    click(browser, "report-submit-act")
    report = MonitoringReport.objects.get(project=project)
    assert report.status == "publicity"
    screenshot(f"{shot}-06-company-report-submitted")

    # Publicity over, the second verifier verifies the claim.
    reports.close_report_publicity(report_id=report.pk)
    sign_in(browser, live_server, "verifier2", language)
    browser.get(f"{live_server.url}/dashboard/")
    follow(browser, browser.find_element(By.CSS_SELECTOR, f"#engagement-report-{report.pk} a"))
    attach(browser, tmp_path, "verification_report", "Verification report", "upload-submit")
    browser.find_element(By.CSS_SELECTOR, "#opinion-form input[value=positive]").click()
    type_into(browser, "id_verified_reductions", CLAIMED)
    type_into(browser, "id_report", "Verified against the meter readings.")
    screenshot(f"{shot}-07-verifier-verification")
    click(browser, "opinion-submit")
    assert MonitoringReport.objects.get(pk=report.pk).status == "issuance_review"

    # The operator issues the credits from its queue.
    sign_in(browser, live_server, "operator", language)
    browser.get(f"{live_server.url}/dashboard/")
    click(browser, "nav-issuances")
    follow(browser, browser.find_element(By.CSS_SELECTOR, f"#queue-report-{report.pk} a"))
    screenshot(f"{shot}-08-operator-issuance")
    click(browser, "issue-submit")
    issued = int(Decimal(CLAIMED).to_integral_value(ROUND_DOWN))
    blocks = CreditBlock.objects.filter(account__organization=parties["proponent"].organization)
    assert sum(block.quantity for block in blocks) == issued

    # The company retires part of its credits.
    sign_in(browser, live_server, "proponent", language)
    browser.get(f"{live_server.url}/workspace/company/holdings/")
    screenshot(f"{shot}-09-company-holdings")
    block = blocks.order_by("first").first()
    click(browser, f"retire-block-{block.pk}")
    type_into(browser, "id_quantity", str(RETIRED))
    type_into(browser, "id_beneficiary", "Shanghai Marathon")
    Select(browser.find_element(By.ID, "id_purpose")).select_by_value("event_neutrality")
    click(browser, "retire-submit")
    retirement = Retirement.objects.get()
    assert retirement.block.quantity == RETIRED
    screenshot(f"{shot}-10-company-certificate")

    # The certificate is on the public site, for a reader who is not signed in.
    browser.delete_all_cookies()
    browser.add_cookie({"name": "django_language", "value": language})
    browser.get(f"{live_server.url}/retirements/{retirement.pk}/")
    in_language(browser, language)
    assert browser.find_element(By.ID, "quantity").text.startswith(str(RETIRED))
    assert "Shanghai Marathon" in browser.find_element(By.ID, "beneficiary").text
    assert browser.find_element(By.ID, "serial").text == retirement.block.serial
    screenshot(f"{shot}-11-public-certificate")
