"""The session handed to a real browser and back (issue 15), proven in Chromium.

Playwright for Python drives Debian's ``chromium`` (``executable_path``; Playwright's
own browser download is not used), launched once for this module. Every test asserts
on the DOM text of the test apps' pages (``common/testapp.mjs``):

- ``GET /me`` renders ``#user`` on the server, from the session the app reads itself
  (v4 ``getServerSession``, v5 express ``getSession``, v5-next ``auth()``);
- ``GET /me-js`` fills ``#user`` from its own ``fetch("/api/me")``, so the cookies
  work for the page's scripts, not only for navigations.

Each test runs against next-auth 4 (Next.js), @auth/express over http and https
(``__Host-``/``__Secure-`` cookie names) and next-auth 5 in Next.js over http and
https (``localhost`` URLs, see tests/servers/README.md), as alice and as carol, whose
session cookie comes in three chunks.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import socket
import ssl
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

import authjs

from conftest import PASSWORDS, require_env

#: Debian's Chromium; AUTHJS_TEST_CHROMIUM names another binary.
CHROMIUM = os.environ.get("AUTHJS_TEST_CHROMIUM", "/usr/bin/chromium")

#: What Chromium needs here: root (no sandbox), no GPU, and nothing that reaches out to
#: Google's services on its own (the tests must stay on loopback). Playwright adds a
#: fresh temporary profile (--user-data-dir) to every launch.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

EMAILS = {"alice": "alice@example.com", "bob": "bob@example.com", "carol": "carol@example.com"}
UIDS = {"alice": "1", "bob": "2", "carol": "3"}
#: Carol's JWT carries this much padding (common/testapp.mjs): three cookie chunks.
CAROL_PADDING = "6000"


@dataclass(frozen=True)
class Site:
    """One test server as both a browser and a client see it."""

    name: str
    url: str  # the origin: what the client is configured with, what the browser opens
    ca: Optional[str]
    v5: bool

    @property
    def tls(self) -> bool:
        return self.ca is not None

    def client(self) -> authjs.Client:
        return authjs.Client(self.url, ca_cert=self.ca)

    def signed_in(self, user: str) -> authjs.Client:
        client = self.client()
        res = client.sign_in("credentials", username=user, password=PASSWORDS[user])
        assert res.ok, res
        return client

    def page_url(self, path: str) -> str:
        return f"{self.url}{path}"


# name -> (URL variable, TLS, next-auth 5 in Next.js (names itself localhost), v5 core)
SITES: Dict[str, Tuple[str, bool, bool, bool]] = {
    "v4": ("AUTHJS_TEST_V4_URL", False, False, False),
    "v5": ("AUTHJS_TEST_V5_URL", False, False, True),
    "v5-tls": ("AUTHJS_TEST_V5_TLS_URL", True, False, True),
    "v5-next": ("AUTHJS_TEST_V5_NEXT_URL", False, True, True),
    "v5-next-tls": ("AUTHJS_TEST_V5_NEXT_TLS_URL", True, True, True),
}


def make_site(name: str) -> Site:
    var, tls, localhost, v5 = SITES[name]
    url = require_env(var)
    if localhost:
        url = url.replace("127.0.0.1", "localhost", 1)
    return Site(name=name, url=url, ca=require_env("AUTHJS_TEST_CA") if tls else None, v5=v5)


@pytest.fixture(params=list(SITES))
def site(request: pytest.FixtureRequest) -> Site:
    return make_site(request.param)


@pytest.fixture(params=["v4", "v5-tls"])
def some_site(request: pytest.FixtureRequest) -> Site:
    """For what does not depend on the server (a file instead of a dict): one http
    server of each generation would add only time."""
    return make_site(request.param)


# ---------------------------------------------------------------------------------
# Chromium, once per module
# ---------------------------------------------------------------------------------


def _der_children(der: bytes, start: int, end: int) -> Iterator[Tuple[int, int, int]]:
    """(tag, start of the whole element, end) of each DER element in der[start:end]."""
    i = start
    while i < end:
        tag, length = der[i], der[i + 1]
        header = 2
        if length & 0x80:
            n = length & 0x7F
            length = int.from_bytes(der[i + 2 : i + 2 + n], "big")
            header += n
        yield tag, i, i + header + length
        i += header + length


def _inner(der: bytes, start: int, end: int) -> Tuple[int, int]:
    """The content range of the DER element at der[start:end]."""
    length = der[start + 1]
    header = 2 + (length & 0x7F if length & 0x80 else 0)
    return start + header, end


def spki_sha256(cert_der: bytes) -> str:
    """base64(SHA-256(SubjectPublicKeyInfo)) of a certificate, as Chromium's
    ``--ignore-certificate-errors-spki-list`` takes it."""
    _, cert_start, cert_end = next(_der_children(cert_der, 0, len(cert_der)))
    _, tbs_start, tbs_end = next(_der_children(cert_der, *_inner(cert_der, cert_start, cert_end)))
    fields = list(_der_children(cert_der, *_inner(cert_der, tbs_start, tbs_end)))
    if fields[0][0] == 0xA0:  # [0] version
        fields = fields[1:]
    # serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo
    _, spki_start, spki_end = fields[5]
    return base64.b64encode(hashlib.sha256(cert_der[spki_start:spki_end]).digest()).decode()


def trusted_server_key() -> str:
    """The SPKI hash of the https test servers' certificate, read from v5-tls after
    verifying it against AUTHJS_TEST_CA.

    Chromium takes no CA file on its command line (it reads an NSS database), but it
    does trust a server key named by ``--ignore-certificate-errors-spki-list``: the
    https pages are then a secure context with a valid certificate, as in production,
    rather than a certificate error that ``ignore_https_errors`` would paper over.
    Both https servers share the certificate (tests/servers/with-servers.sh).
    """
    url = urllib.parse.urlsplit(require_env("AUTHJS_TEST_V5_TLS_URL"))
    assert url.hostname and url.port
    context = ssl.create_default_context(cafile=require_env("AUTHJS_TEST_CA"))
    with socket.create_connection((url.hostname, url.port), timeout=10) as raw:
        with context.wrap_socket(raw, server_hostname=url.hostname) as tls:
            der = tls.getpeercert(binary_form=True)
    assert der
    return spki_sha256(der)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the module (a launch costs about half a second)."""
    args = [*CHROMIUM_ARGS, f"--ignore-certificate-errors-spki-list={trusted_server_key()}"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=args)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def new_context(browser: Browser) -> Iterator[Any]:
    """``new_context(storage_state=None)``: a fresh browser context (closed after the
    test), optionally loaded with a Playwright storageState (dict or path)."""
    contexts: List[BrowserContext] = []

    def make(storage_state: Any = None) -> BrowserContext:
        context = browser.new_context(storage_state=storage_state)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


def open_page(context: BrowserContext, site: Site, path: str) -> Page:
    page = context.new_page()
    response = page.goto(site.page_url(path))
    assert response is not None and response.status == 200, response
    return page


def expect_signed_in(context: BrowserContext, site: Site, user: str) -> None:
    """``/me`` (server-rendered) and ``/me-js`` (the page's own fetch) both show `user`."""
    page = open_page(context, site, "/me")
    expect(page.locator("#user")).to_have_text(EMAILS[user])
    expect(page.locator("#uid")).to_have_text(UIDS[user])
    if user == "carol":
        # The three chunks reached the server whole: the padding is in the JWT.
        expect(page.locator("#padding")).to_have_text(CAROL_PADDING)
    page.goto(site.page_url("/me-js"))
    expect(page.locator("#user")).to_have_text(EMAILS[user])
    page.close()


def expect_signed_out(context: BrowserContext, site: Site) -> None:
    page = open_page(context, site, "/me")
    expect(page.locator("#user")).to_have_text("signed out")
    page.goto(site.page_url("/me-js"))
    expect(page.locator("#user")).to_have_text("signed out")
    page.close()


def session_cookie_names(state: Dict[str, Any]) -> List[str]:
    return sorted(c["name"] for c in state["cookies"] if "session-token" in c["name"])


def described(state: Dict[str, Any]) -> List[Tuple[str, bool]]:
    """The cookies for an assertion message: names and Secure flags, never values."""
    return [(c["name"], c["secure"]) for c in state["cookies"]]


def expected_session_cookie(site: Site) -> str:
    """The session cookie's name on this server (before any chunk suffix)."""
    base = "authjs.session-token" if site.v5 else "next-auth.session-token"
    return f"__Secure-{base}" if site.tls else base


# ---------------------------------------------------------------------------------
# Native -> browser
# ---------------------------------------------------------------------------------


@pytest.mark.parametrize("user", ["alice", "carol"])
def test_native_session_opens_in_browser(new_context: Any, site: Site, user: str) -> None:
    with site.signed_in(user) as client:
        state = client.storage_state()
    # The state is plain JSON, as Playwright's storageState file is.
    state = json.loads(json.dumps(state))
    assert state["origins"] == []
    names = session_cookie_names(state)
    base = expected_session_cookie(site)
    assert names == ([f"{base}.{i}" for i in range(3)] if user == "carol" else [base]), names
    if site.tls:
        assert all(c["secure"] for c in state["cookies"]), described(state)
        assert any(c["name"].startswith("__Host-") for c in state["cookies"]), described(state)

    expect_signed_in(new_context(state), site, user)
    # A fresh context without the state is signed out: the cookies did the work.
    expect_signed_out(new_context(), site)


def test_storage_state_file_loads_in_browser(new_context: Any, some_site: Site, tmp_path: Path) -> None:
    """The exported dict written as a file is what Playwright's ``storage_state=PATH``
    (and pytest-playwright's ``browser_context_args``) reads."""
    site = some_site
    path = tmp_path / "state.json"
    with site.signed_in("bob") as client:
        path.write_text(json.dumps(client.storage_state()))
    expect_signed_in(new_context(str(path)), site, "bob")


# ---------------------------------------------------------------------------------
# Browser -> native
# ---------------------------------------------------------------------------------


def sign_in_in_browser(context: BrowserContext, site: Site, user: str) -> None:
    """Signs in through the server's own sign-in page, as a person would: the built-in
    ``/api/auth/signin`` credentials form, then the redirect to ``/me``."""
    query = urllib.parse.urlencode({"callbackUrl": site.page_url("/me")})
    page = open_page(context, site, f"/api/auth/signin?{query}")
    form = page.locator("form", has=page.locator('input[name="password"]'))
    form.locator('input[name="username"]').fill(user)
    form.locator('input[name="password"]').fill(PASSWORDS[user])
    form.locator("button").click()
    expect(page).to_have_url(site.page_url("/me"))
    expect(page.locator("#user")).to_have_text(EMAILS[user])
    page.close()


@pytest.mark.parametrize("user", ["alice", "carol"])
def test_browser_session_used_natively(new_context: Any, site: Site, user: str) -> None:
    context = new_context()
    sign_in_in_browser(context, site, user)
    state = context.storage_state()

    with site.client() as client:
        assert client.get_session() is None
        client.load_storage_state(state)
        session = client.get_session()
        assert session is not None
        assert session.user.email == EMAILS[user]
        assert session["uid"] == UIDS[user]
        assert session["paddingLength"] == (6000 if user == "carol" else 0)
        # And the native client's own requests carry it too.
        me = client.request("GET", "/api/me")
        assert me.status == 200 and me.json()["user"]["email"] == EMAILS[user]


def test_browser_state_file_used_natively(new_context: Any, some_site: Site, tmp_path: Path) -> None:
    """``load_storage_state`` reads the file Playwright's ``storage_state(path=...)``
    writes, given as a path."""
    site = some_site
    context = new_context()
    sign_in_in_browser(context, site, "bob")
    path = tmp_path / "state.json"
    context.storage_state(path=path)
    with site.client() as client:
        client.load_storage_state(path)
        session = client.get_session()
        assert session is not None and session.user.email == EMAILS["bob"]


# ---------------------------------------------------------------------------------
# Sign-out reaches the browser
# ---------------------------------------------------------------------------------


def test_native_sign_out_reaches_browser(new_context: Any, site: Site) -> None:
    """Carol's three chunks all go with the sign-out, and a browser loaded with the
    re-exported state is signed out. (A browser context still holding the old JWT
    cookies stays signed in: a JWT session cannot be revoked server-side.)"""
    user = "carol"
    with site.signed_in(user) as client:
        expect_signed_in(new_context(client.storage_state()), site, user)
        client.sign_out()
        state = client.storage_state()
    assert session_cookie_names(state) == [], described(state)
    expect_signed_out(new_context(state), site)


@pytest.mark.parametrize("var", ["AUTHJS_TEST_V4_DB_URL", "AUTHJS_TEST_V5_DB_URL"], ids=["v4-db", "v5-db"])
def test_native_sign_out_ends_database_session_in_browser(new_context: Any, var: str) -> None:
    """With database sessions the sign-out deletes the session on the server, so even
    the browser context that still holds the cookie is signed out, without a
    re-import. (Database sessions start with an email sign-in: tests/servers/README.md.)"""
    site = Site(name=var, url=require_env(var), ca=None, v5="_V5_" in var)
    mail = Path(require_env(var.replace("_URL", "_MAIL_DIR"))) / f"{EMAILS['bob']}.txt"
    with site.client() as client:
        assert client.sign_in("email", email=EMAILS["bob"]).ok
        # The server wrote the link before it answered the sign-in.
        assert client.complete_sign_in(mail.read_text().strip()).ok
        context = new_context(client.storage_state())
        expect_signed_in(context, site, "bob")
        client.sign_out()
    expect_signed_out(context, site)
