"""Handing the session to browsers and test tools (issue 15): the Python mapping of the
core's cookie formats. What the formats hold is tested once, in the core
(`src/cookie_formats.rs`, `tests/handoff.rs`); here: types, names, the three ways to
pass a storageState, errors, and that nothing leaks into messages.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any, Dict

import pytest

import authjs

from conftest import Server


def session_cookies(state: Dict[str, Any]) -> list:
    return [c for c in state["cookies"] if "session-token" in c["name"]]


def test_storage_state_is_a_playwright_dict(server: Server, alice: authjs.Client) -> None:
    state = alice.storage_state()
    assert isinstance(state, dict) and state["origins"] == []
    (s,) = session_cookies(state)
    assert set(s) == {"name", "value", "domain", "path", "expires", "httpOnly", "secure",
                      "sameSite"}
    assert s["domain"] == "127.0.0.1" and s["path"] == "/"
    assert s["httpOnly"] is True and s["secure"] is server.tls and s["sameSite"] == "Lax"
    assert isinstance(s["expires"], int) and s["expires"] > 0
    assert s["value"] in alice.cookie_header()
    csrf = [c for c in state["cookies"] if c["name"].endswith("csrf-token")]
    assert csrf and csrf[0]["expires"] == -1
    if server.tls:
        assert csrf[0]["name"].startswith("__Host-")


@pytest.mark.parametrize("how", ["dict", "json", "path", "str-path"])
def test_load_storage_state_takes_a_dict_text_or_path(
    server: Server, alice: authjs.Client, tmp_path: Path, how: str
) -> None:
    state = alice.storage_state()
    path = tmp_path / "state.json"
    path.write_text(json.dumps(state))
    arg: Any = {
        "dict": state,
        "json": json.dumps(state),
        "path": path,
        "str-path": str(path),
    }[how]
    with server.client() as other:
        assert other.load_storage_state(arg) is None
        s = other.get_session()
        assert s is not None and s.user.name == "Alice Liddell"


def test_load_storage_state_of_a_browser_keeps_only_this_server(
    server: Server, alice: authjs.Client
) -> None:
    state = alice.storage_state()
    state["cookies"].append(
        {"name": "_gh_sess", "value": "x", "domain": "github.com", "path": "/",
         "expires": -1, "httpOnly": True, "secure": True, "sameSite": "Lax"}
    )
    with server.client() as other:
        report = other.import_cookies(json.dumps(state), format="playwright")
        assert isinstance(report, authjs.CookieImport)
        assert report.skipped == 1 and report.imported == len(state["cookies"]) - 1
        assert "_gh_sess" not in other.cookie_header()
        assert other.get_session() is not None


def test_bad_storage_states_raise_and_change_nothing(
    server: Server, alice: authjs.Client
) -> None:
    before = alice.cookie_header()
    secret = alice.storage_state()
    (s,) = session_cookies(secret)
    s["expires"] = "soon"
    for bad in ({"cookies": "no"}, "{not json", secret):
        with pytest.raises(authjs.InvalidArgumentError) as e:
            alice.load_storage_state(bad)
        assert s["value"] not in str(e.value) and s["value"] not in repr(e.value.args)
    with pytest.raises(TypeError):
        alice.load_storage_state(42)  # type: ignore[arg-type]
    with pytest.raises(authjs.AuthjsError):
        alice.load_storage_state("/nonexistent/state.json")
    assert alice.cookie_header() == before


def test_cookie_list_is_the_webdriver_shape(server: Server, alice: authjs.Client) -> None:
    cookies = alice.cookie_list()
    assert isinstance(cookies, list)
    (s,) = [c for c in cookies if "session-token" in c["name"]]
    # Host-only: no domain, so Selenium's add_cookie makes it host-only too.
    assert "domain" not in s
    assert s["path"] == "/" and s["httpOnly"] is True and s["secure"] is server.tls
    assert isinstance(s["expiry"], int) and s["sameSite"] == "Lax"
    csrf = [c for c in cookies if c["name"].endswith("csrf-token")]
    assert "expiry" not in csrf[0], "a session cookie has no expiry"
    with server.client() as other:
        other.import_cookies(json.dumps(cookies), format="webdriver")
        assert other.get_session() is not None


@pytest.mark.parametrize("fmt", ["jar", "json", "playwright", "webdriver", "netscape", "header"])
def test_every_format_round_trips_through_import_auto(
    server: Server, alice: authjs.Client, fmt: str
) -> None:
    text = alice.export_cookies(fmt)
    assert isinstance(text, str)
    with server.client() as other:
        report = other.import_cookies(text, format="auto")
        assert report.imported >= 1
        s = other.get_session()
        assert s is not None and s.user.email == "alice@example.com"


def test_export_cookies_default_is_the_jar_file_v2(alice: authjs.Client) -> None:
    data = json.loads(alice.export_cookies())
    assert data["format"] == "authjs-cookies" and data["version"] == 2
    assert all("raw_cookie" not in c and "hostOnly" in c for c in data["cookies"])


def test_unknown_format_names_are_refused(alice: authjs.Client) -> None:
    with pytest.raises(authjs.InvalidArgumentError, match="playwright"):
        alice.export_cookies("yaml")
    with pytest.raises(authjs.InvalidArgumentError):
        alice.export_cookies("auto")  # auto is for imports only
    with pytest.raises(TypeError):
        alice.export_cookies(3)  # type: ignore[arg-type]


def test_save_cookies_in_a_format_is_private(
    server: Server, alice: authjs.Client, tmp_path: Path
) -> None:
    path = tmp_path / "state.json"
    alice.save_cookies(path, format="playwright")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert json.loads(path.read_text())["origins"] == []
    with server.client() as other:
        report = other.load_cookies(path, format="auto")
        assert report.skipped == 0 and other.get_session() is not None


def test_cookies_carry_same_site_and_host_only(alice: authjs.Client) -> None:
    for c in alice.cookies():
        assert c.host_only is True
        assert c.same_site == "Lax", c
    assert "same_site='Lax'" in repr(alice.cookies()[0])


def test_async_client_has_the_methods(server: Server, alice: authjs.Client) -> None:
    import asyncio

    state = alice.storage_state()

    async def main() -> None:
        kwargs: Dict[str, Any] = {"ca_cert": server.ca} if server.ca else {}
        async with authjs.AsyncClient(server.url, **kwargs) as c:
            await c.load_storage_state(state)
            assert (await c.get_session()) is not None
            assert session_cookies(await c.storage_state())
            assert await c.cookie_list()

    asyncio.run(main())
