"""The company's holdings, retirements and data centres in a real browser: it sees its credits,
retires part of them with a double-click on the button (the credits move once), opens the
certificate, uploads readings of a data centre, and registers a data centre with a double-click; in
English and in Chinese."""

import re
from decimal import Decimal

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from compute.models import DataCentre, Reading
from compute.services.data_centres import register_data_centre
from methodologies.reference import load_reference_data
from registry.ledger.models import CreditBlock, Retirement
from tests.browser.actions import click, set_value, type_into, wait_for
from tests.browser.conftest import LANGUAGES, sign_in
from tests.registry.conftest import CLAIMED

pytestmark = pytest.mark.django_db(transaction=True)

WORKSPACE = "/workspace/company"
ISSUED = int(Decimal(CLAIMED))  # the verified reductions rounded down
READINGS_CSV = (
    "period_start,period_end,total_energy_kwh,it_energy_kwh,onsite_renewable_kwh,water_m3\n"
    "2025-01-01,2025-02-01,1300000,1000000,,\n"
    "2025-02-01,2025-03-01,1200000,1000000,100000,\n"
)


def number(text: str) -> int:
    """A whole number as the page writes it in either language (group separators dropped)."""
    return int(re.sub(r"\D", "", text))


def active_credits(organization) -> int:
    blocks = CreditBlock.objects.filter(
        account__organization=organization, status=CreditBlock.Status.ACTIVE
    )
    return sum(blocks.values_list("quantity", flat=True))


def test_company_retires_with_a_double_click_and_uploads_readings(
    browser, live_server, screenshot, lifecycle, tmp_path
):
    lifecycle.report("issued")
    company = lifecycle.parties["proponent"]
    load_reference_data()
    data_centre = register_data_centre(actor=company, name="Yizhuang campus", province="Beijing")
    readings = tmp_path / "readings.csv"
    readings.write_text(READINGS_CSV)
    retired = 0

    for language, quantity in zip(LANGUAGES, (1000, 2500), strict=True):
        sign_in(browser, live_server, "proponent", language)

        # Holdings, with the totals.
        browser.get(f"{live_server.url}{WORKSPACE}/holdings/")
        assert number(wait_for(browser, "total-active").text) == ISSUED - retired
        assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == language
        screenshot(f"company-holdings-{language}")

        # Retire part of the largest block, double-clicking the button.
        block = CreditBlock.objects.filter(
            account__organization=company.organization, status=CreditBlock.Status.ACTIVE
        ).order_by("-quantity")[0]
        browser.find_element(By.ID, f"retire-block-{block.pk}").click()
        wait_for(browser, "retire-form")
        browser.find_element(By.ID, "id_quantity").send_keys(str(quantity))
        browser.find_element(By.ID, "id_beneficiary").send_keys("Shanghai marathon 2025")
        Select(browser.find_element(By.ID, "id_purpose")).select_by_value("event_neutrality")
        screenshot(f"company-retire-{language}")
        ActionChains(browser).double_click(browser.find_element(By.ID, "retire-submit")).perform()

        # The certificate, once.
        assert number(wait_for(browser, "certificate-quantity").text) == quantity
        retired += quantity
        assert Retirement.objects.count() == (1 if language == LANGUAGES[0] else 2)
        assert active_credits(company.organization) == ISSUED - retired
        screenshot(f"company-retirement-{language}")
        browser.find_element(By.ID, "public-certificate").click()
        assert wait_for(browser, "beneficiary").text == "Shanghai marathon 2025"
        browser.get(f"{live_server.url}{WORKSPACE}/retirements/")
        assert len(browser.find_elements(By.CSS_SELECTOR, "#retirements tbody tr")) == (
            Retirement.objects.count()
        )
        screenshot(f"company-retirements-{language}")

        # A data centre: its page, then a readings upload.
        browser.get(f"{live_server.url}{WORKSPACE}/data-centres/")
        browser.find_element(By.CSS_SELECTOR, f"#data-centre-{data_centre.pk} a").click()
        wait_for(browser, "data-centre-name")
        screenshot(f"company-data-centre-{language}")
        browser.find_element(By.ID, "upload-readings").click()
        browser.find_element(By.ID, "id_file").send_keys(str(readings))
        screenshot(f"company-readings-upload-{language}")
        browser.find_element(By.ID, "upload-submit").click()
        # (1,300,000 + 1,200,000) / (1,000,000 + 1,000,000): the upload's own rows.
        assert wait_for(browser, "pue-2025").text == "1.250"
        assert Reading.objects.filter(data_centre=data_centre).count() == 2
        screenshot(f"company-data-centre-figures-{language}")

        browser.get(f"{live_server.url}{WORKSPACE}/certificate-claims/")
        wait_for(browser, "claim-link")
        screenshot(f"company-claims-{language}")
        browser.get(f"{live_server.url}{WORKSPACE}/certificate-claims/new/")
        wait_for(browser, "claim-form")
        screenshot(f"company-claim-form-{language}")


def test_company_registers_a_data_centre_in_a_province_of_two_grids(
    browser, live_server, screenshot, users
):
    load_reference_data()
    for language in LANGUAGES:
        name = f"Ulanqab campus {language}"
        sign_in(browser, live_server, "proponent", language)
        browser.get(f"{live_server.url}{WORKSPACE}/data-centres/")
        click(browser, "register-data-centre")
        type_into(browser, "id_name", name)
        Select(browser.find_element(By.ID, "id_province")).select_by_value("Inner Mongolia")
        set_value(browser, "id_commissioned_on", "2022-09-01")
        browser.find_element(By.ID, "id_hub_node").click()
        click(browser, "data-centre-submit")

        # Inner Mongolia lies in two regional grids: the page asks which, next to the field.
        assert "CN-Northeast" in wait_for(browser, "id_grid_region_errors").text
        assert not DataCentre.objects.filter(name=name).exists()
        screenshot(f"company-data-centre-grid-region-{language}")
        type_into(browser, "id_grid_region", "CN-Northeast")
        ActionChains(browser).double_click(
            browser.find_element(By.ID, "data-centre-submit")
        ).perform()

        # Registered once, for all the double-click.
        assert wait_for(browser, "data-centre-name").text == name
        registered = DataCentre.objects.get(name=name)
        assert (registered.grid_region, registered.hub_node, str(registered.commissioned_on)) == (
            "CN-Northeast",
            True,
            "2022-09-01",
        )
        assert registered.owner == users["proponent"].organization
        screenshot(f"company-data-centre-registered-{language}")
