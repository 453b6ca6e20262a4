"""What a person does on a page, for the browser tests: wait for an element, click and wait for
the next page, type, fill a date."""

from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

SECONDS = 20


def wait_for_element(browser, locator, seconds: float = SECONDS):
    """The element `locator` finds, once it is visible."""
    return WebDriverWait(browser, seconds).until(
        expected_conditions.visibility_of_element_located(locator)
    )


def wait_for(browser, element_id: str, seconds: float = SECONDS):
    """The element with that id, once it is visible."""
    return wait_for_element(browser, (By.ID, element_id), seconds)


def gone(element) -> bool:
    """The element's page has been left. Besides Selenium's stale reference, Chromium sometimes
    answers "Node with given id does not belong to the document" for it: gone all the same."""
    try:
        element.is_enabled()
    except WebDriverException:
        return True
    return False


def follow(browser, element) -> None:
    """Click `element` and wait for the page it leads to, loaded: a step taken while it is
    still loading may touch the page that is going away."""
    page = browser.find_element(By.TAG_NAME, "html")
    element.click()
    WebDriverWait(browser, SECONDS).until(lambda driver: gone(page))
    WebDriverWait(browser, SECONDS).until(
        lambda driver: driver.execute_script("return document.readyState") == "complete"
    )


def click(browser, element_id: str) -> None:
    """Click the element with that id and wait for the page it leads to."""
    follow(browser, browser.find_element(By.ID, element_id))


def type_into(browser, element_id: str, text: str) -> None:
    element = browser.find_element(By.ID, element_id)
    element.clear()
    element.send_keys(text)


def set_value(browser, element_id: str, value: str) -> None:
    """Fill a field as a date picker would, whatever the browser's locale shows."""
    element = browser.find_element(By.ID, element_id)
    browser.execute_script("arguments[0].value = arguments[1];", element, value)
