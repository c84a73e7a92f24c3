"""Hand an authjs session to Playwright, and a browser's session back to authjs.

    AUTHJS_USERNAME=alice AUTHJS_PASSWORD=alice-password \\
        python examples/python/playwright_handoff.py http://127.0.0.1:3000 /me

1. Sign in natively (no browser, no sign-in page: one request), export the session as a
   Playwright ``storageState`` and open PAGE in a browser context made from it: the
   page is signed in.
2. The reverse: sign in through the server's own sign-in page in the browser, take
   the context's ``storageState`` and load it into a new authjs client, which then
   reads the same session.

Credentials come from the environment, never from the command line. The browser is
Playwright's Chromium; set ``CHROMIUM_EXECUTABLE`` to use another build (this
repository's tests use Debian's ``chromium``). PAGE defaults to ``/``; the script prints
PAGE's text as the signed-in browser sees it. Run by the test suite
(bindings/python/tests/test_testing_docs.py, docs/testing.md).
"""

from __future__ import annotations

import os
import sys
from typing import cast
from urllib.parse import urlencode

from playwright.sync_api import Browser, Playwright, StorageState, expect, sync_playwright

import authjs


def launch(pw: Playwright) -> Browser:
    executable = os.environ.get("CHROMIUM_EXECUTABLE")
    if not executable:
        return pw.chromium.launch()
    # A system Chromium in a locked-down container: running as root (no sandbox), no
    # GPU, and none of Chromium's own calls to Google's services.
    return pw.chromium.launch(
        executable_path=executable,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    )


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    url = argv[1].rstrip("/")
    page_path = argv[2] if len(argv) > 2 else "/"
    username = os.environ["AUTHJS_USERNAME"]
    password = os.environ["AUTHJS_PASSWORD"]

    with sync_playwright() as pw:
        browser = launch(pw)

        # 1. authjs -> browser.
        with authjs.Client(url) as client:
            res = client.sign_in("credentials", username=username, password=password)
            if not res.ok:
                print(f"sign-in refused: {res.error}", file=sys.stderr)
                return 1
            # The same JSON as a file: browser.new_context(storage_state="state.json").
            context = browser.new_context(storage_state=cast(StorageState, client.storage_state()))
            page = context.new_page()
            page.goto(url + page_path)
            text = " ".join(page.inner_text("body").split())
            print(f"browser, from authjs: {text}")
            context.close()
            client.sign_out()

        # 2. browser -> authjs: the server's own sign-in page, filled in as a person would.
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{url}/api/auth/signin?{urlencode({'callbackUrl': url + page_path})}")
        form = page.locator("form", has=page.locator('input[name="password"]'))
        form.locator('input[name="username"]').fill(username)
        form.locator('input[name="password"]').fill(password)
        form.locator("button").click()
        expect(page).to_have_url(url + page_path)  # signed in and redirected back
        state = context.storage_state()
        context.close()
        browser.close()

    with authjs.Client(url) as client:
        client.load_storage_state(state)
        session = client.get_session()
        if session is None:
            print("the browser's session did not carry over", file=sys.stderr)
            return 1
        print(f"authjs, from the browser: signed in as {session.user.email}")
        client.sign_out()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
