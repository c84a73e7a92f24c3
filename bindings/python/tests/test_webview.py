"""The web-view reference of docs/oauth.md (examples/python/webview_oauth.py), proven in
Debian's Chromium against the real servers and the real OpenID provider: the callback
navigation is cancelled in the browser (a redirect hop, or a form_post), handed to the
client, and the code is redeemed exactly once, by the client."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path
from types import ModuleType
from typing import Any, Dict, Iterator, Tuple
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, sync_playwright

import authjs
from conftest import require_env

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "python" / "webview_oauth.py"
CHROMIUM = os.environ.get("AUTHJS_TEST_CHROMIUM", "/usr/bin/chromium")


def load_example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("webview_oauth", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["webview_oauth"] = module  # dataclasses resolve their module by name
    spec.loader.exec_module(module)
    return module


webview = load_example()

#: (URL variable, whether next-auth answers with `localhost` URLs).
SERVERS = [
    ("AUTHJS_TEST_V4_URL", False),
    ("AUTHJS_TEST_V5_URL", False),
    ("AUTHJS_TEST_V5_TLS_URL", False),
    ("AUTHJS_TEST_V5_NEXT_URL", True),
]


def server_url(var: str, localhost: bool) -> str:
    url = require_env(var)
    return url.replace("127.0.0.1", "localhost") if localhost else url


def new_client(url: str) -> authjs.Client:
    if url.startswith("https:"):
        return authjs.Client(url, ca_cert=require_env("AUTHJS_TEST_CA"))
    return authjs.Client(url)


def token_requests(code: str) -> int:
    """How often the provider's token endpoint was asked to redeem ``code``."""
    issuer = require_env("AUTHJS_TEST_OIDC_URL")
    with urllib.request.urlopen(f"{issuer}/__token-requests?code={code}", timeout=10) as r:
        body: Dict[str, Any] = json.load(r)
    return int(body["count"])


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=webview.CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def run_flow(browser: Browser, client: authjs.Client, provider: str) -> Tuple[Any, str]:
    """The example's steps, keeping the intercepted navigation for the assertions."""
    context = browser.new_context()
    try:
        start = client.sign_in(provider)
        assert start.url
        page = context.new_page()
        interceptor = webview.CallbackInterceptor(context, page, client.base_url + f"/callback/{provider}")
        page.goto(start.url)
        webview.UserAtProvider("dana", "dana-password")(page)
        caught = interceptor.wait()
        code = caught.fields.get("code") if caught.method == "POST" else parse_qs(urlsplit(caught.url).query)["code"][0]
        assert code
        # The browser never reached the Auth.js server: nothing redeemed the code yet.
        assert token_requests(code) == 0
        result = webview.complete(client, caught)
        return result, code
    finally:
        context.close()


@pytest.mark.parametrize("provider,method", [("oidc", "GET"), ("oidc-form", "POST")])
@pytest.mark.parametrize("var,localhost", SERVERS, ids=[v for v, _ in SERVERS])
def test_web_view_sign_in(browser: Browser, var: str, localhost: bool, provider: str, method: str) -> None:
    url = server_url(var, localhost)
    with new_client(url) as client:
        result, code = run_flow(browser, client, provider)
        assert result.ok, result.error
        assert token_requests(code) == 1  # redeemed once, by the client
        session = client.get_session()
        assert session is not None and session.user.email == "dana@oidc.example"
        # The check cookies (state, PKCE, nonce) are gone from the jar.
        names = [c.name for c in client.cookies()]
        assert not [n for n in names if n.endswith(("state", "pkce.code_verifier", "nonce"))], names


def test_intercepted_navigation_repr_hides_secrets(browser: Browser) -> None:
    with new_client(require_env("AUTHJS_TEST_V5_URL")) as client:
        context = browser.new_context()
        try:
            start = client.sign_in("oidc-form")
            page = context.new_page()
            interceptor = webview.CallbackInterceptor(context, page, client.base_url + "/callback/oidc-form")
            page.goto(start.url)
            webview.UserAtProvider("dana", "dana-password")(page)
            caught = interceptor.wait()
        finally:
            context.close()
        text = repr(caught)
        assert caught.fields["code"] not in text and caught.fields["state"] not in text
        assert "code" in text  # the field names are shown


def test_example_runs_as_a_script(tmp_path: Path) -> None:
    url = require_env("AUTHJS_TEST_V4_URL")
    env = dict(os.environ, CHROMIUM_EXECUTABLE=CHROMIUM, PYTHONDONTWRITEBYTECODE="1")
    proc = subprocess.run(
        [sys.executable, str(EXAMPLE), url, "oidc", "erin", "erin-password"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip() == "signed in as erin@oidc.example"


def test_request_routing_misses_the_redirect_hop(browser: Browser) -> None:
    """Why the reference intercepts navigations: Playwright's ``page.route`` (like other
    request-level hooks) is not called for the provider's redirect hop to the callback.
    The browser then visits the callback itself, without the client's check cookies, and
    the server refuses it before redeeming the code, so the URL still completes."""
    with new_client(require_env("AUTHJS_TEST_V5_URL")) as client:
        prefix = client.base_url + "/callback/oidc"
        routed = []
        visited = []
        context = browser.new_context()
        try:
            start = client.sign_in("oidc")
            page = context.new_page()
            page.route(prefix + "*", lambda route: (routed.append(route.request.url), route.abort()))
            page.on("request", lambda r: visited.append(r.url) if r.url.startswith(prefix) else None)
            page.goto(start.url)
            page.fill("#login input[name=login]", "dana")
            page.fill("#login input[name=password]", "dana-password")
            page.click("#login button")
            with page.expect_navigation(url=lambda u: "error=" in u):
                page.click("#confirm button")
        finally:
            context.close()
        assert routed == [] and len(visited) == 1
        code = parse_qs(urlsplit(visited[0]).query)["code"][0]
        assert token_requests(code) == 0  # refused before redeeming
        result = client.complete_sign_in(visited[0])
        assert result.ok, result.error
        assert token_requests(code) == 1
