"""The verifier's and the operator's workspaces in a real browser, in English and Chinese: the
verifier opens its engagement, reads the trace, attaches its report and validates; the operator
registers the project from the queue and imports a small certificate file. Every page of the
two workspaces is photographed."""

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from certificates.models import CertificateBlock
from registry.projects.models import Project
from registry.projects.services import projects
from tests.browser.actions import follow
from tests.browser.conftest import LANGUAGES, sign_in
from tests.certificates.conftest import credit_code
from tests.registry.conftest import no_publicity_wait
from web.demo_documents import minimal_pdf

pytestmark = pytest.mark.django_db(transaction=True)

HEADER = (
    "serial_first,serial_last,generator_code,generator_name,generation_type,province,"
    "generation_month,holder,tradable"
)


def awaiting_validation(lifecycle) -> Project:
    """A project in validation whose verifier has not attached its report yet."""
    project = lifecycle.project("draft")
    with no_publicity_wait:
        projects.submit_project(actor=lifecycle.parties["proponent"], project=project)
        projects.close_project_publicity(project_id=project.pk)
    return Project.objects.get(pk=project.pk)


def open_page(browser, live_server, path: str, screenshot, name: str) -> None:
    browser.get(f"{live_server.url}{path}")
    assert browser.find_element(By.ID, "workspace-nav")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == LANG[0]
    screenshot(name)


# The language of the run under way, for `open_page`'s check.
LANG = ["en"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_verifier_validates_and_the_operator_registers_and_imports(
    browser, live_server, screenshot, lifecycle, parties, language, tmp_path
):
    LANG[0] = language
    project = awaiting_validation(lifecycle)
    report = lifecycle.report("issuance_review")

    # The verifier: its engagements, the project, the trace, its report, its opinion.
    sign_in(browser, live_server, "verifier", language)
    open_page(browser, live_server, "/workspace/verifier/", screenshot, f"verifier-home-{language}")
    follow(browser, browser.find_element(By.CSS_SELECTOR, f"#engagement-project-{project.pk} a"))
    assert browser.find_element(By.ID, "trace-er").get_attribute("class") == "result"
    screenshot(f"verifier-project-{language}")
    document = tmp_path / "validation-report.pdf"
    document.write_bytes(minimal_pdf("Validation report", "Signed."))
    Select(browser.find_element(By.ID, "id_kind")).select_by_value("validation_report")
    browser.find_element(By.ID, "id_file").send_keys(str(document))
    follow(browser, browser.find_element(By.ID, "upload-submit"))
    assert "validation-report.pdf" in browser.find_element(By.ID, "documents").text
    browser.find_element(By.CSS_SELECTOR, "#opinion-form input[value=positive]").click()
    browser.find_element(By.ID, "id_report").send_keys("The design conforms.")
    follow(browser, browser.find_element(By.ID, "opinion-submit"))
    assert browser.find_element(By.ID, "no-opinion-pending")
    screenshot(f"verifier-project-validated-{language}")
    assert Project.objects.get(pk=project.pk).status == "registration_review"

    # The second verifier's report page, with the calculation it verified.
    sign_in(browser, live_server, "verifier2", language)
    open_page(
        browser,
        live_server,
        f"/workspace/verifier/reports/{report.pk}/",
        screenshot,
        f"verifier-report-{language}",
    )
    assert browser.find_element(By.ID, "trace-eg_export")

    # The operator: the queue, the project, registration.
    sign_in(browser, live_server, "operator", language)
    open_page(browser, live_server, "/workspace/operator/", screenshot, f"operator-home-{language}")
    follow(browser, browser.find_element(By.ID, "nav-registrations"))
    screenshot(f"operator-registrations-{language}")
    follow(browser, browser.find_element(By.CSS_SELECTOR, f"#queue-project-{project.pk} a"))
    screenshot(f"operator-project-{language}")
    browser.find_element(By.ID, "id_register-note").send_keys("In order.")
    follow(browser, browser.find_element(By.ID, "register-submit"))
    assert not browser.find_elements(By.ID, f"queue-project-{project.pk}")
    assert Project.objects.get(pk=project.pk).status == "registered"

    # The issuance queue and the verified report.
    follow(browser, browser.find_element(By.ID, "nav-issuances"))
    screenshot(f"operator-issuances-{language}")
    follow(browser, browser.find_element(By.CSS_SELECTOR, f"#queue-report-{report.pk} a"))
    assert browser.find_element(By.ID, "issue-form")
    screenshot(f"operator-report-{language}")

    # A small certificate import.
    company = parties["proponent"].organization
    company.unified_social_credit_code = credit_code()
    company.save(update_fields=["unified_social_credit_code"])
    month = f"{timezone.localdate():%Y-%m}"
    upload = tmp_path / "certificates.csv"
    upload.write_text(
        f"{HEADER}\n1,1000,GEN-JS-0001,Rudong Offshore Wind Farm,offshore_wind,Jiangsu,"
        f"{month},{company.unified_social_credit_code},true\n"
    )
    follow(browser, browser.find_element(By.ID, "nav-imports"))
    browser.find_element(By.ID, "id_file").send_keys(str(upload))
    follow(browser, browser.find_element(By.ID, "import-submit"))
    assert browser.find_elements(By.CSS_SELECTOR, "#recent-imports tbody tr[id^=import-]")
    screenshot(f"operator-imports-{language}")
    assert CertificateBlock.objects.filter(holder=company, serial_first=1).exists()

    for page in ("accounts", "calendar"):
        follow(browser, browser.find_element(By.ID, f"nav-{page}"))
        assert browser.find_element(By.ID, f"nav-{page}").get_attribute("aria-current") == "page"
        screenshot(f"operator-{page}-{language}")
