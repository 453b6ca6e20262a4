"""The regulator's dashboard and the public pages' charts and serial search in a real browser,
in English and Chinese: the regulator signs in and reads its charts beside their tables; a
visitor reads the front page, issuances and retirements, and finds a retired serial's history
from the search box. Every page is photographed."""

import pytest
from selenium.webdriver.common.by import By

from registry.ledger.models import CreditBlock
from registry.ledger.services import movements
from tests.browser.actions import follow, wait_for_element
from tests.browser.conftest import LANGUAGES, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

DASHBOARD_CHARTS = (
    "credits-by-vintage",
    "credits-by-province",
    "credits-by-methodology",
    "retirements-by-month",
)


@pytest.fixture
def retired(lifecycle, parties):
    """An issued project with 40 credits retired for a marathon."""
    report = lifecycle.report("issued")
    block = CreditBlock.objects.filter(issuance__report=report).order_by("first").first()
    return movements.retire_credits(
        actor=parties["proponent"],
        block=block,
        quantity=40,
        beneficiary="Shanghai Marathon",
        purpose="event_neutrality",
    )


def test_the_regulator_reads_the_national_dashboard_and_a_visitor_finds_a_serial(
    browser, live_server, screenshot, retired
):
    for language in LANGUAGES:
        sign_in(browser, live_server, "regulator", language)
        wait_for_element(browser, (By.ID, "workspace-nav"))
        assert browser.current_url == f"{live_server.url}/workspace/regulator/"
        assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == language
        for chart in DASHBOARD_CHARTS:
            section = browser.find_element(By.ID, chart)
            svg = section.find_element(By.ID, f"{chart}-chart")
            assert svg.get_attribute("role") == "img"
            assert section.find_element(By.ID, f"{chart}-table").is_displayed()
            assert section.find_element(By.ID, f"{chart}-csv").get_attribute("href")
        # No certificate is imported: no empty chart, a line saying so instead.
        certificates = browser.find_element(By.ID, "certificates-by-state")
        assert not certificates.find_elements(By.TAG_NAME, "svg")
        assert certificates.find_element(By.CLASS_NAME, "empty").is_displayed()
        bars = browser.find_elements(By.CSS_SELECTOR, "#credits-by-vintage-chart rect.bar")
        assert bars and all(float(bar.get_attribute("height")) > 0 for bar in bars)
        screenshot(f"regulator-dashboard-{language}")
        nav = browser.find_element(By.ID, "workspace-nav")
        nav.find_element(By.CSS_SELECTOR, "a[href$='#retirements-by-month']").click()
        assert browser.current_url.endswith("#retirements-by-month")

        browser.get(f"{live_server.url}/")
        wait_for_element(browser, (By.ID, "credits-by-vintage-chart"))
        screenshot(f"public-home-{language}")
        field = browser.find_element(By.ID, "serial-search-input")
        field.send_keys(str(retired.block.first))
        follow(browser, browser.find_element(By.ID, "serial-search-submit"))
        history = wait_for_element(browser, (By.ID, "credit-history"))
        kinds = [
            row.get_attribute("data-kind")
            for row in history.find_elements(By.CSS_SELECTOR, "tbody tr")
        ]
        assert kinds == ["issuance", "retirement"]
        assert retired.block.serial in browser.find_element(By.ID, "credit-serial").text
        screenshot(f"public-search-{language}")
        follow(browser, history.find_element(By.CSS_SELECTOR, "a[href^='/retirements/']"))
        assert browser.find_element(By.ID, "beneficiary").text == "Shanghai Marathon"

        for path, chart in (
            ("/issuances/", "issued-by-month"),
            ("/retirements/", "retired-by-purpose"),
        ):
            browser.get(f"{live_server.url}{path}")
            wait_for_element(browser, (By.ID, f"{chart}-chart"))
            assert browser.find_element(By.ID, f"{chart}-table").is_displayed()
            screenshot(f"public-{path.strip('/')}-{language}")
