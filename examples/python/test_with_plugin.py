"""End-to-end tests of an app behind Auth.js with the authjs pytest plugin and
pytest-playwright: one native sign-in per test session, every browser test starts
signed in, no sign-in page is driven.

    pip install authjs pytest-playwright
    export AUTHJS_URL=http://127.0.0.1:3000 AUTHJS_USERNAME=alice AUTHJS_PASSWORD=...
    pytest examples/python/test_with_plugin.py

The page checked is the authjs test apps' ``/me`` (tests/servers/), which shows the
signed-in user's email in ``#user``; use a page of your app. Run by the test suite
(bindings/python/tests/test_testing_docs.py, docs/testing.md).
"""

from __future__ import annotations

import os
from typing import Any, Dict

import pytest
from playwright.sync_api import Page, expect

import authjs
from authjs.pytest_plugin import UserFactory


@pytest.fixture(scope="session")
def browser_context_args(
    browser_context_args: Dict[str, Any], authjs_storage_state: str
) -> Dict[str, Any]:
    """Every browser context of the session starts with authjs_client's cookies."""
    return {**browser_context_args, "storage_state": authjs_storage_state}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: Dict[str, Any]) -> Dict[str, Any]:
    """Only for a system Chromium (CHROMIUM_EXECUTABLE), as in this repository's CI;
    without it pytest-playwright launches its own browser."""
    executable = os.environ.get("CHROMIUM_EXECUTABLE")
    if not executable:
        return browser_type_launch_args
    flags = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync"]
    return {**browser_type_launch_args, "executable_path": executable, "args": flags}


def test_page_is_signed_in(page: Page, authjs_client: authjs.Client) -> None:
    session = authjs_client.get_session()
    assert session is not None
    page.goto(f"{authjs_client.endpoint.origin}/me")
    expect(page.locator("#user")).to_have_text(session.user.email or "")


def test_api_natively(authjs_client: authjs.Client) -> None:
    me = authjs_client.request("GET", "/api/me")
    assert me.status == 200, me


def test_second_user(authjs_user_factory: UserFactory) -> None:
    bob = authjs_user_factory("bob", os.environ.get("BOB_PASSWORD", "bob-password"))
    session = bob.get_session()
    assert session is not None and session.user.name == "Bob"
