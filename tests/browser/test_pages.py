"""The pages a person uses, in a real browser against a live server."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from selenium.webdriver.common.by import By

from accounts.models import Organization
from certificates.models import CertificateBlock
from certificates.services.claims import claim_certificates
from certificates.services.imports import import_certificates
from compute.reference import location_factor
from compute.services.data_centres import register_data_centre
from compute.services.readings import record_reading
from methodologies.reference import load_reference_data
from registry.ledger.services import movements
from tests.browser.actions import wait_for_element
from tests.certificates.conftest import credit_code, row, this_month
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def log_in_to_admin(browser, live_server, username: str) -> None:
    browser.get(f"{live_server.url}/admin/login/")
    browser.find_element(By.NAME, "username").send_keys(username)
    browser.find_element(By.NAME, "password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "input[type=submit]").click()


def test_api_docs_render_every_operation(browser, live_server, screenshot):
    browser.get(f"{live_server.url}/api/v1/docs/")

    wait_for_element(browser, (By.CSS_SELECTOR, ".opblock"))
    paths = {el.text for el in browser.find_elements(By.CSS_SELECTOR, ".opblock-summary-path")}
    screenshot("api-docs")
    assert {
        "/api/v1/organizations/",
        "/api/v1/audit/verify/",
        "/api/v1/me/",
        "/api/v1/methodologies/{id}/calculate/",
        "/api/v1/emission-factors/",
    } <= {p.replace("\u200b", "") for p in paths}


def test_api_docs_show_the_calculate_request(browser, live_server, screenshot):
    browser.get(f"{live_server.url}/api/v1/docs/")
    path = "/api/v1/methodologies/{id}/calculate/"
    calculate = f"//div[contains(@class, 'opblock-post')][.//*[@data-path='{path}']]"
    wait_for_element(browser, (By.XPATH, calculate)).find_element(
        By.CSS_SELECTOR, ".opblock-summary"
    ).click()

    body = wait_for_element(
        browser, (By.XPATH, f"{calculate}//div[contains(@class, 'opblock-body')]")
    )
    wait_for_element(browser, (By.XPATH, f"{calculate}//*[contains(@class, 'body-param')]"))
    browser.execute_script("arguments[0].scrollIntoView()", body)
    screenshot("api-docs-calculate")
    assert "Changes nothing" in body.text
    assert '"parameters"' in body.text
    assert '"EG_export"' in body.text


def test_operator_adds_an_organization_in_the_admin(browser, live_server, users, screenshot):
    log_in_to_admin(browser, live_server, "operator")
    wait_for_element(browser, (By.LINK_TEXT, "Organizations"))

    browser.get(f"{live_server.url}/admin/accounts/organization/add/")
    browser.find_element(By.NAME, "name").send_keys("Browser-made Solar Co.")
    browser.find_element(By.CSS_SELECTOR, "select[name=kind] option[value=proponent]").click()
    browser.find_element(By.CSS_SELECTOR, "select[name=province] option[value=Yunnan]").click()
    browser.find_element(By.NAME, "unified_social_credit_code").send_keys("91310000MA1FL2X30X")
    browser.find_element(By.NAME, "_save").click()
    error = wait_for_element(browser, (By.CSS_SELECTOR, ".errorlist"))
    screenshot("admin-organization-error")
    assert "unified social credit code" in error.text

    code = browser.find_element(By.NAME, "unified_social_credit_code")
    code.clear()
    code.send_keys("91310000MA1FL2X30W")
    browser.find_element(By.NAME, "_save").click()
    message = wait_for_element(browser, (By.CSS_SELECTOR, ".messagelist .success"))
    screenshot("admin-organization-added")
    assert "Browser-made Solar Co." in message.text
    assert Organization.objects.filter(name="Browser-made Solar Co.", province="Yunnan").exists()


def test_a_company_user_cannot_log_in_to_the_admin(browser, live_server, users, screenshot):
    log_in_to_admin(browser, live_server, "proponent")

    error = wait_for_element(browser, (By.CSS_SELECTOR, ".errornote"))
    screenshot("admin-refused")
    assert "staff account" in error.text


def test_a_retirement_certificate_page_names_everything(
    browser, live_server, screenshot, lifecycle, parties
):
    report = lifecycle.report("issued")
    block = report.issuance.blocks.order_by("first").first()
    certificate = movements.retire_credits(
        actor=parties["proponent"],
        block=block,
        quantity=1200,
        beneficiary="Hangzhou Asian Games Organising Committee",
        purpose="event_neutrality",
    )

    browser.get(f"{live_server.url}/retirements/{certificate.pk}/")

    quantity = wait_for_element(browser, (By.ID, "quantity"))
    screenshot("retirement-certificate")
    assert quantity.text == "1200 tCO2e"
    assert browser.find_element(By.ID, "serial").text == certificate.block.serial
    assert "Hangzhou Asian Games" in browser.find_element(By.ID, "beneficiary").text
    assert browser.find_element(By.ID, "purpose").text == "Carbon-neutral event"
    assert browser.find_element(By.ID, "vintage").text == str(block.vintage)


def test_the_public_walks_from_the_front_page_to_a_certificate(
    browser, live_server, screenshot, lifecycle, parties
):
    report = lifecycle.report("issued")
    block = report.issuance.blocks.order_by("first").first()
    certificate = movements.retire_credits(
        actor=parties["proponent"],
        block=block,
        quantity=500,
        beneficiary="Qingdao Marathon",
        purpose="event_neutrality",
    )
    lifecycle.project("draft")
    project = report.project

    browser.get(f"{live_server.url}/")
    issued = wait_for_element(browser, (By.ID, "issued"))
    screenshot("public-home")
    assert issued.text == f"{report.issuance.quantity:,}"
    assert browser.find_element(By.ID, "retired").text == "500"

    browser.find_element(By.LINK_TEXT, "Projects").click()
    rows = wait_for_element(browser, (By.ID, "projects")).find_elements(By.CSS_SELECTOR, "tbody tr")
    assert len(rows) == 1  # the draft is not public
    browser.find_element(By.CSS_SELECTOR, "select[name=province] option[value=Hainan]").click()
    browser.find_element(By.CSS_SELECTOR, "form.filters button").click()
    assert wait_for_element(browser, (By.ID, "no-projects")).text == "No public project matches."
    browser.find_element(By.CSS_SELECTOR, "select[name=province] option[value=Shanghai]").click()
    browser.find_element(By.CSS_SELECTOR, "form.filters button").click()
    wait_for_element(browser, (By.ID, "projects"))
    screenshot("public-projects")
    browser.find_element(By.PARTIAL_LINK_TEXT, project.title).click()

    status = wait_for_element(browser, (By.ID, "status"))
    screenshot("public-project")
    assert status.text == "Registered"
    issuances = browser.find_element(By.ID, "issuances").text
    assert f"{report.issuance.quantity:,}" in issuances

    browser.find_element(By.LINK_TEXT, "Retirements").click()
    wait_for_element(browser, (By.ID, "retirements"))
    screenshot("public-retirements")
    browser.find_element(By.LINK_TEXT, f"No. {certificate.pk}").click()
    assert wait_for_element(browser, (By.ID, "quantity")).text == "500 tCO2e"
    assert "Qingdao Marathon" in browser.find_element(By.ID, "beneficiary").text


def test_the_public_finds_a_green_certificate_by_serial_and_opens_its_claim(
    browser, live_server, screenshot, users
):
    holder = users["proponent"].organization
    holder.unified_social_credit_code = credit_code()
    holder.save(update_fields=["unified_social_credit_code"])
    import_certificates(actor=users["operator"], rows=[row(holder, 7001, 7500)])
    claim = claim_certificates(
        actor=users["proponent"],
        block=CertificateBlock.objects.get(serial_first=7001),
        quantity=200,
        period_start=this_month(),
        period_end=this_month(),
        consumer="Ulanqab data centre",
    )

    browser.get(f"{live_server.url}/")
    browser.find_element(By.LINK_TEXT, "Green certificates").click()
    field = wait_for_element(browser, (By.ID, "serial"))
    field.send_keys("7400")
    browser.find_element(By.CSS_SELECTOR, "form.filters button").click()

    state = wait_for_element(browser, (By.ID, "state"))
    screenshot("public-green-certificate")
    assert state.text == "Claimed"
    browser.find_element(By.CSS_SELECTOR, "#claimed-by a").click()
    assert wait_for_element(browser, (By.ID, "consumer")).text == "Ulanqab data centre"
    screenshot("public-certificate-claim")
    assert browser.find_element(By.ID, "serial").text == claim.block.serial
    assert browser.find_element(By.ID, "claimant").text == holder.name


def test_the_public_reads_the_data_centres_aggregates_without_small_groups(
    browser, live_server, screenshot, users
):
    load_reference_data()
    company = users["proponent"]
    # Beijing: three data centres, January 2025; Hebei: two, withheld from the public.
    for name, province, total, onsite in (
        ("Yizhuang", "Beijing", "1100000", "0"),
        ("Shunyi", "Beijing", "1300000", "200000"),
        ("Daxing", "Beijing", "1600000", "0"),
        ("Langfang", "Hebei", "1200000", "0"),
        ("Zhangbei", "Hebei", "1250000", "0"),
    ):
        data_centre = register_data_centre(actor=company, name=name, province=province)
        record_reading(
            actor=company,
            data_centre=data_centre,
            period_start=date(2025, 1, 1),
            period_end=date(2025, 2, 1),
            total_energy_kwh=Decimal(total),
            it_energy_kwh=Decimal("1000000"),
            onsite_renewable_kwh=Decimal(onsite),
        )

    browser.get(f"{live_server.url}/")
    browser.find_element(By.LINK_TEXT, "Data centres").click()

    table = wait_for_element(browser, (By.ID, "by-province"))
    screenshot("public-data-centres")
    rows = table.find_elements(By.CSS_SELECTOR, "tbody tr")
    assert [row.get_attribute("data-key") for row in rows] == ["Beijing"]
    cells = [cell.text for cell in rows[0].find_elements(By.TAG_NAME, "td")]
    # By hand: total 1,100,000 + 1,300,000 + 1,600,000 kWh over IT 3 x 1,000,000; renewable
    # 200,000 of 4,000,000; grid electricity 3,800,000 kWh at the North grid's factor.
    factor = location_factor("CN-North", 2025).value
    location = (Decimal(3800000) * factor / 1000).quantize(Decimal("0.1"), ROUND_HALF_UP)
    assert cells == [
        "Beijing 北京",
        "3",
        "4,000,000",
        "3,000,000",
        "1.333",
        "0.050",
        f"{location:,}",
        cells[7],  # the residual mix's, checked by the API's tests
        "3,800,000",
    ]
    assert "Hebei" not in table.text
    withheld = browser.find_element(By.ID, "withheld-province").text
    assert withheld == "1 group of fewer than 3 data centres not shown."


def test_the_public_project_page_lists_its_documents_and_the_file_hashes_to_it(
    browser, live_server, lifecycle, screenshot
):
    project = lifecycle.project("publicity")
    browser.get(f"{live_server.url}/projects/{project.pk}/")

    row = wait_for_element(browser, (By.CSS_SELECTOR, "#documents tr.document"))
    screenshot("project-documents")
    shown = row.find_element(By.CSS_SELECTOR, "code.sha256").text
    link = row.find_element(By.CSS_SELECTOR, "a.download").get_attribute("href")
    # The file as the browser downloads it, hashed in the page (the link is an attachment,
    # which a headless browser would save to disk rather than show).
    downloaded = browser.execute_async_script(
        """
        const [url, done] = arguments;
        fetch(url).then(r => r.arrayBuffer()).then(b => crypto.subtle.digest('SHA-256', b))
          .then(d => done(Array.from(new Uint8Array(d))
            .map(x => x.toString(16).padStart(2, '0')).join('')))
          .catch(e => done('error: ' + e));
        """,
        link,
    )

    assert len(shown) == 64
    assert downloaded == shown
    assert row.find_element(By.CSS_SELECTOR, "td.size").text.isdigit()
