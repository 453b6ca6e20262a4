"""A person who uses the keyboard alone signs in, follows the workspace's links and switches the
language: no step needs a mouse."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.actions import gone, wait_for
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def tab_until(browser, found, most: int = 80):
    """Press Tab until the focused element is one `found` accepts; that element."""
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    for _ in range(most):
        focused = browser.switch_to.active_element
        if found(focused):
            return focused
        focused.send_keys(Keys.TAB)
    raise AssertionError("Tab never reached the element")


def with_id(element_id: str):
    return lambda element: element.get_attribute("id") == element_id


def press_enter_and_wait(browser, element) -> None:
    page = browser.find_element(By.TAG_NAME, "html")
    element.send_keys(Keys.ENTER)
    WebDriverWait(browser, 20).until(lambda driver: gone(page))


def test_a_company_works_with_the_keyboard_alone(browser, live_server, users, screenshot):
    browser.get(f"{live_server.url}/login/")
    tab_until(browser, with_id("id_username")).send_keys("proponent", Keys.TAB)
    password = browser.switch_to.active_element
    assert password.get_attribute("id") == "id_password"
    password.send_keys(PASSWORD)
    press_enter_and_wait(browser, password)
    wait_for(browser, "workspace-nav")
    assert browser.current_url.endswith("/workspace/company/")

    holdings = tab_until(
        browser, lambda element: (element.get_attribute("href") or "").endswith("/holdings/")
    )
    press_enter_and_wait(browser, holdings)
    assert browser.current_url.endswith("/workspace/company/holdings/")

    language = tab_until(browser, with_id("language-select"))
    language.send_keys(Keys.END)  # the last language of the list: Simplified Chinese
    language.send_keys(Keys.TAB)
    switch = browser.switch_to.active_element
    assert switch.get_attribute("id") == "language-submit"
    press_enter_and_wait(browser, switch)
    screenshot("keyboard-company-holdings-zh-hans")
    assert browser.current_url.endswith("/workspace/company/holdings/")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-hans"
