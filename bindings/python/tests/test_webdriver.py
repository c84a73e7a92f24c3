"""The W3C WebDriver cookie list (``client.cookie_list()``, what Selenium's
``add_cookie`` takes and ``get_cookies`` returns), proven in Chromium through Selenium
and Debian's ``chromedriver`` (``chromium-driver``; Selenium Manager is not used: the
driver and the browser are named explicitly). One Chromium for the module.

tests/test_browser.py proves the Playwright storageState the same way; the pages and
servers are those of that module.
"""

from __future__ import annotations

import json
import os
import urllib.parse
from typing import Any, Iterator

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

from conftest import PASSWORDS
from test_browser import CHROMIUM, CHROMIUM_ARGS, EMAILS, SITES, Site, make_site, trusted_server_key

CHROMEDRIVER = os.environ.get("AUTHJS_TEST_CHROMEDRIVER", "/usr/bin/chromedriver")


@pytest.fixture(scope="module")
def driver() -> Iterator[WebDriver]:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in [*CHROMIUM_ARGS, "--headless", f"--ignore-certificate-errors-spki-list={trusted_server_key()}"]:
        options.add_argument(arg)
    chrome = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    try:
        yield chrome
    finally:
        chrome.quit()


@pytest.fixture
def fresh(driver: WebDriver) -> WebDriver:
    """The module's browser without cookies of any site (WebDriver's own
    ``delete_all_cookies`` clears only the current document's site)."""
    driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
    return driver


@pytest.fixture(params=list(SITES))
def site(request: pytest.FixtureRequest) -> Site:
    return make_site(request.param)


def user_text(driver: WebDriver, expected: str) -> None:
    """Waits (WebDriver's own polling, no sleep) until ``#user`` reads `expected`."""
    WebDriverWait(driver, 10).until(lambda d: d.find_element(By.ID, "user").text == expected)


def test_cookie_list_opens_in_selenium(fresh: WebDriver, site: Site) -> None:
    with site.signed_in("carol") as client:
        cookies = client.cookie_list()
    # WebDriver sets cookies for the current document's site: open the origin first.
    fresh.get(site.page_url("/api/health"))
    for cookie in cookies:
        fresh.add_cookie(cookie)
    names = sorted(c["name"] for c in fresh.get_cookies() if "session-token" in c["name"])
    assert len(names) == 3, names  # carol's three chunks, all accepted
    fresh.get(site.page_url("/me"))
    user_text(fresh, EMAILS["carol"])
    fresh.get(site.page_url("/me-js"))
    user_text(fresh, EMAILS["carol"])


def test_selenium_sign_in_used_natively(fresh: WebDriver, site: Site) -> None:
    """The server's own sign-in form in Selenium, then ``driver.get_cookies()`` into
    authjs (format ``webdriver``)."""
    query = urllib.parse.urlencode({"callbackUrl": site.page_url("/me")})
    fresh.get(site.page_url(f"/api/auth/signin?{query}"))
    password = fresh.find_element(By.CSS_SELECTOR, 'input[name="password"]')
    form = password.find_element(By.XPATH, "./ancestor::form")
    form.find_element(By.CSS_SELECTOR, 'input[name="username"]').send_keys("alice")
    password.send_keys(PASSWORDS["alice"])
    form.find_element(By.TAG_NAME, "button").click()
    WebDriverWait(fresh, 10).until(lambda d: d.current_url == site.page_url("/me"))
    user_text(fresh, EMAILS["alice"])

    cookies: Any = fresh.get_cookies()
    with site.client() as client:
        client.import_cookies(json.dumps(cookies), "webdriver")
        session = client.get_session()
        assert session is not None and session.user.email == EMAILS["alice"]
