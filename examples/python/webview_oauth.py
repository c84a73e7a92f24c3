"""Web-view reference: an OAuth / OpenID Connect sign-in the way a desktop or mobile app
finishes it against an unmodified Auth.js server (docs/oauth.md, "Web-view reference").

1. ``client.sign_in(provider)`` gives the provider's authorize URL; the check cookies
   (state, PKCE, nonce) stay in the client's jar.
2. A browser surface (here: Chromium driven by Playwright, standing in for WKWebView or
   Android's WebView) opens that URL, with cookies of its own. The user signs in at the
   provider; this script fills the test provider's login and consent forms for them.
3. The app watches every navigation of the surface. The one that targets the Auth.js
   callback is cancelled before it is sent, and its URL (a redirect) or its form fields
   (``response_mode=form_post``) go to ``complete_sign_in`` /
   ``complete_sign_in_form``: the code is redeemed once, by the client that holds the
   check cookies. The surface never reaches the Auth.js server.

The provider usually reaches the callback with a 302/303 *redirect hop*. Playwright's
``page.route`` is not called for redirect hops, so this script intercepts at the
navigation level instead: Chrome DevTools' ``Fetch`` domain pauses every request to the
callback, redirect hops and form posts included, and the app fails it with ``Aborted``,
as a web view's navigation delegate answers "cancel".

    python webview_oauth.py SERVER_URL PROVIDER_ID USER PASSWORD

Prints ``signed in as <email>`` on success. ``CHROMIUM_EXECUTABLE`` names the browser
(default ``/usr/bin/chromium``). The callback URL and form fields are one-time secrets:
they are handed to the client, never printed.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from typing import Dict, List, Optional
from urllib.parse import parse_qsl

from playwright.sync_api import BrowserContext, Page, sync_playwright

import authjs

#: Chromium as root in a closed network: no sandbox, no calls home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class Intercepted:
    """The navigation to the Auth.js callback that the app cancelled."""

    url: str
    method: str
    #: For a POST (``response_mode=form_post``): the form fields.
    fields: Dict[str, str] = field(default_factory=dict)

    def __repr__(self) -> str:  # the URL's query and the fields are secrets
        return f"Intercepted(method={self.method!r}, url={self.url.split('?')[0]!r}, fields={sorted(self.fields)!r})"


class CallbackInterceptor:
    """Cancels every navigation of ``page`` to a URL under ``callback_prefix`` and keeps
    it, like ``WKNavigationDelegate.webView(_:decidePolicyFor:decisionHandler:)``
    answering ``.cancel``, or ``WebViewClient.shouldOverrideUrlLoading`` returning
    true. Every other request continues untouched."""

    def __init__(self, context: BrowserContext, page: Page, callback_prefix: str) -> None:
        self.page = page
        self.prefix = callback_prefix
        self.caught: List[Intercepted] = []
        self._cdp = context.new_cdp_session(page)
        self._cdp.on("Fetch.requestPaused", self._paused)
        # Only the callback's URLs are paused; `*` matches the query.
        self._cdp.send(
            "Fetch.enable",
            {"patterns": [{"urlPattern": callback_prefix + "*", "requestStage": "Request"}]},
        )

    def _paused(self, event: Dict[str, object]) -> None:
        request = event["request"]
        assert isinstance(request, dict)
        url, method = str(request["url"]), str(request["method"])
        if not url.startswith(self.prefix):  # the pattern is a glob: check exactly
            self._cdp.send("Fetch.continueRequest", {"requestId": event["requestId"]})
            return
        fields: Dict[str, str] = {}
        if method == "POST":
            body = request.get("postData")
            if body is None and request.get("hasPostData"):
                body = self._cdp.send("Fetch.getRequestPostData", {"requestId": event["requestId"]})["postData"]
            fields = dict(parse_qsl(str(body or ""), keep_blank_values=True))
        self.caught.append(Intercepted(url=url, method=method, fields=fields))
        self._cdp.send("Fetch.failRequest", {"requestId": event["requestId"], "errorReason": "Aborted"})

    def wait(self, timeout_ms: float = 30_000) -> Intercepted:
        """Waits until the callback navigation was cancelled (the page reports the
        request as failed) and returns it."""
        if not self.caught:
            self.page.wait_for_event(
                "requestfailed", lambda r: r.url.startswith(self.prefix), timeout=timeout_ms
            )
        return self.caught[0]


def complete(client: authjs.Client, caught: Intercepted) -> authjs.SignInResponse:
    """Hands the cancelled navigation to the client: a redirect's URL, or a form post."""
    if caught.method == "POST":
        return client.complete_sign_in_form(caught.url, caught.fields)
    return client.complete_sign_in(caught.url)


def sign_in_with_web_view(
    client: authjs.Client,
    context: BrowserContext,
    provider: str,
    user_at_provider: "UserAtProvider",
) -> authjs.SignInResponse:
    """The whole flow: authorize URL → web view → cancelled callback → completion."""
    start = client.sign_in(provider)
    assert start.url, start
    page = context.new_page()
    try:
        interceptor = CallbackInterceptor(context, page, client.base_url + f"/callback/{provider}")
        page.goto(start.url)
        user_at_provider(page)
        return complete(client, interceptor.wait())
    finally:
        page.close()


class UserAtProvider:
    """What the user does at the test provider (tests/servers/oidc): sign in, allow."""

    def __init__(self, login: str, password: str) -> None:
        self.login = login
        self._password = password

    def __call__(self, page: Page) -> None:
        page.fill("#login input[name=login]", self.login)
        page.fill("#login input[name=password]", self._password)
        page.click("#login button")
        page.click("#confirm button")


def main(argv: Optional[List[str]] = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    url, provider, login, password = args
    executable = os.environ.get("CHROMIUM_EXECUTABLE", "/usr/bin/chromium")
    with authjs.Client(url) as client, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context()
            result = sign_in_with_web_view(client, context, provider, UserAtProvider(login, password))
        finally:
            browser.close()
        if not result.ok:
            print(f"sign-in refused: {result.error}", file=sys.stderr)
            return 1
        session = client.get_session()
        assert session is not None
        print(f"signed in as {session.user.email}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
