"""The pages run under their Content-Security-Policy: the browser reports no violation."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

pytestmark = pytest.mark.django_db(transaction=True)

# Runs before any script of the page (through the DevTools protocol, so the policy does not
# apply to it) and keeps every violation the browser reports.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


@pytest.fixture
def violations(browser):
    added = browser.execute_cdp_cmd(
        "Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_VIOLATIONS}
    )
    yield lambda: browser.execute_script("return window.__violations")
    browser.execute_cdp_cmd(
        "Page.removeScriptToEvaluateOnNewDocument", {"identifier": added["identifier"]}
    )


@pytest.mark.parametrize(
    ("path", "ready"),
    [
        ("/api/v1/docs/", ".opblock"),
        ("/", "main"),
        ("/admin/login/", "input[name=username]"),
    ],
)
def test_pages_run_without_policy_violations(path, ready, browser, live_server, violations):
    browser.get(f"{live_server.url}{path}")

    WebDriverWait(browser, 20).until(
        expected_conditions.visibility_of_element_located((By.CSS_SELECTOR, ready))
    )
    assert violations() == []
