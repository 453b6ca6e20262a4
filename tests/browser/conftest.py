"""A real browser (Debian's headless Chromium, driven by its chromedriver) for page tests."""

import os
import shutil
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

# The lifecycle cast, to build issued credits for the pages that show them.
from tests.registry.conftest import dates, lifecycle, offshore_wind, parties  # noqa: F401

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", "/tmp/registry-screenshots"))  # noqa: S108


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    assert shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER), (
        "Browser tests need Debian's chromium and chromium-driver: "
        "apt-get install chromium chromium-driver (make test does this when run as root)."
    )
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,1000",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.implicitly_wait(0)
    yield driver
    driver.quit()


@pytest.fixture(autouse=True)
def _no_cookies_from_the_last_test(browser, live_server):
    """Every test starts signed out, in the browser's own language: the browser is shared by
    the whole session, and a sign-in or a language chosen by one test must not carry over."""
    browser.get(f"{live_server.url}/healthz")
    browser.delete_all_cookies()


@pytest.fixture
def screenshot(browser):
    """Save what the page shows, for a person to look at after the run."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        browser.save_screenshot(str(path))
        return path

    return take


LANGUAGES = ("en", "zh-hans")


def sign_in(browser, live_server, username: str, language: str = "en") -> None:
    """Sign in through /login/ as a person would, reading the pages in `language` (the cookie
    the language switch sets)."""
    from selenium.webdriver.common.by import By

    from tests.browser.actions import click, wait_for_element
    from tests.conftest import PASSWORD

    browser.get(f"{live_server.url}/login/")
    browser.delete_all_cookies()
    browser.add_cookie({"name": "django_language", "value": language})
    browser.get(f"{live_server.url}/login/")
    wait_for_element(browser, (By.NAME, "username")).send_keys(username)
    wait_for_element(browser, (By.NAME, "password")).send_keys(PASSWORD)
    click(browser, "login-submit")
