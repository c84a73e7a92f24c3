"""Parity with the Rust client (issue 14): every public method of `authjs::Client` has a
Python counterpart on `authjs.Client`, and the counterparts work against the real servers.

The list of Rust methods is read from the Rust source (`src/client.rs`), not restated
here, so a method added to the Rust client fails `test_every_rust_method_has_a_python_name`
until it gets a row in `PYTHON_NAMES` (and an implementation).
"""

from __future__ import annotations

import datetime as dt
import inspect
import re
from pathlib import Path
from typing import Dict, List, Optional

import pytest

import authjs

from conftest import Server

RUST_CLIENT = Path(__file__).resolve().parents[3] / "src" / "client.rs"

#: Rust `Client` method -> the `authjs.Client` attribute that offers the same
#: capability. `None` would mark a deliberate omission; every such row needs a reason in
#: `OMITTED` (today there are none).
PYTHON_NAMES: Dict[str, Optional[str]] = {
    # `Client::new(url)` and `Client::builder(url)...build()`: the constructor, whose
    # keyword options are the builder's settings.
    "new": "__init__",
    "builder": "__init__",
    "endpoint": "endpoint",
    "get_session": "get_session",
    "get_csrf_token": "get_csrf_token",
    "get_providers": "get_providers",
    "sign_in": "sign_in",
    "complete_sign_in": "complete_sign_in",
    "complete_sign_in_form": "complete_sign_in_form",
    "complete_sign_in_form_html": "complete_sign_in_form_html",
    "update_session": "update_session",
    "sign_out": "sign_out",
    "request": "request",
    "cookie_header": "cookie_header",
    "cookies": "cookies",
    "has_session_cookie": "has_session_cookie",
    "export_cookies": "export_cookies",
    "import_cookies": "import_cookies",
    # One Python method per pair: the format is a keyword (`format="playwright"`).
    "export_cookies_as": "export_cookies",
    "import_cookies_as": "import_cookies",
    "netscape_cookies": "netscape_cookies",
    "save_cookies": "save_cookies",
    "load_cookies": "load_cookies",
    "save_cookies_as": "save_cookies",
    "load_cookies_as": "load_cookies",
    "clear_cookies": "clear_cookies",
    "status": "status",
    "watch": "watch",
    "watch_in_background": "watch_in_background",
    "provider": "provider",
    # Issue 17: one Python method for both (`user(cookie_header=None)`).
    "user": "user",
    "user_with_cookies": "user",
    "lookup": "lookup",
}

#: Rust method -> why Python deliberately has no counterpart.
OMITTED: Dict[str, str] = {}


def rust_public_methods() -> List[str]:
    """The `pub fn` names of every `impl Client { ... }` block of `src/client.rs`
    (not `pub(crate)`, not other types' impls)."""
    text = RUST_CLIENT.read_text(encoding="utf-8")
    names: List[str] = []
    for block in re.finditer(r"^impl Client \{\n(.*?)^\}", text, re.M | re.S):
        names += re.findall(r"^    pub fn (\w+)", block.group(1), re.M)
    return names


def test_the_rust_source_is_read() -> None:
    names = rust_public_methods()
    # A parser that finds nothing would make the parity test vacuous.
    assert "get_session" in names and "sign_in" in names and len(names) >= 20, names


def test_every_rust_method_has_a_python_name() -> None:
    missing = [n for n in rust_public_methods() if n not in PYTHON_NAMES]
    assert not missing, (
        f"authjs::Client gained {missing}: add them to authjs.Client (and the stubs) "
        "and to PYTHON_NAMES in this test"
    )


def test_the_table_has_no_stale_rows() -> None:
    stale = sorted(set(PYTHON_NAMES) - set(rust_public_methods()))
    assert not stale, f"no longer in authjs::Client: {stale}"


#: The Python clients that must offer every row: `authjs.Client`, and `authjs.AsyncClient`
#: (issue 14: the same names, as coroutines) once the package has it.
CLASSES: List[type] = [authjs.Client] + (
    [getattr(authjs, "AsyncClient")] if hasattr(authjs, "AsyncClient") else []
)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
@pytest.mark.parametrize("rust_name", sorted(PYTHON_NAMES))
def test_the_python_counterpart_exists(rust_name: str, cls: type) -> None:
    python_name = PYTHON_NAMES[rust_name]
    if python_name is None:
        assert OMITTED.get(rust_name), f"{rust_name} is omitted without a reason"
        return
    attr = inspect.getattr_static(cls, python_name, None)
    assert attr is not None, f"authjs.{cls.__name__} has no {python_name} (for Rust {rust_name})"
    assert callable(attr) or isinstance(attr, property)


# ----- the counterparts, against the real servers ------------------------------------


def test_cookies_are_typed_and_hide_their_values(server: Server, alice: authjs.Client) -> None:
    cookies = alice.cookies()
    assert cookies and all(isinstance(c, authjs.Cookie) for c in cookies)
    session = [c for c in cookies if "session-token" in c.name]
    assert session, [c.name for c in cookies]
    c = session[0]
    assert c.value and c.value in alice.cookie_header()
    assert c.http_only
    assert c.secure == server.tls
    assert c.path == "/"
    assert c.domain == "127.0.0.1"
    assert isinstance(c.expires, dt.datetime) and c.expires.tzinfo is not None
    assert c.expires > dt.datetime.now(dt.timezone.utc)
    assert c.expires_unix == int(c.expires.timestamp())
    text = repr(cookies) + str(c)
    assert c.value not in text and "session-token" in text
    # Frozen, like the other result types.
    with pytest.raises(AttributeError):
        c.value = "x"  # type: ignore[misc]


def test_has_session_cookie(server: Server) -> None:
    with server.client() as c:
        assert c.has_session_cookie() is False
        assert c.sign_in("credentials", username="bob", password="bob-password").ok
        assert c.has_session_cookie() is True
        c.sign_out()
        assert c.has_session_cookie() is False


def test_export_and_import_cookies(server: Server, alice: authjs.Client) -> None:
    text = alice.export_cookies()
    assert isinstance(text, str) and "session-token" in text
    with server.client() as other:
        assert other.get_session() is None
        other.import_cookies(text)
        s = other.get_session()
        assert s is not None and s.user.name == "Alice Liddell"


def test_import_cookies_refuses_bad_input_and_changes_nothing(
    server: Server, alice: authjs.Client
) -> None:
    before = alice.cookie_header()
    with pytest.raises(authjs.AuthjsError) as e:
        alice.import_cookies("not json {")
    assert alice.cookie_header() == before
    with pytest.raises(TypeError):
        alice.import_cookies(b"[]")  # type: ignore[arg-type]
    assert alice.cookie_header() == before
    assert before not in str(e.value)


def test_import_cookies_of_another_origin_is_refused(server: Server, alice: authjs.Client) -> None:
    text = alice.export_cookies()
    with authjs.Client("http://127.0.0.2:9") as other:
        with pytest.raises(authjs.AuthjsError):
            other.import_cookies(text)
        assert other.cookies() == []


def test_netscape_cookies(alice: authjs.Client) -> None:
    text = alice.netscape_cookies()
    assert "# Netscape HTTP Cookie File" in text
    rows = [line.split("\t") for line in text.splitlines() if line and not line.startswith("# ")]
    names = [r[5] for r in rows if len(r) == 7]
    assert any("session-token" in n for n in names), text.splitlines()[0]


def test_clear_cookies(server: Server, alice: authjs.Client) -> None:
    assert alice.cookies()
    alice.clear_cookies()
    assert alice.cookies() == [] and alice.cookie_header() == ""
    assert alice.has_session_cookie() is False
    assert alice.get_session() is None
    assert alice.status == "unauthenticated"


def test_clear_cookies_empties_the_cookie_file(server: Server, tmp_path: Path) -> None:
    path = tmp_path / "jar.json"
    with server.signed_in("carol", cookie_file=path) as c:
        c.clear_cookies()
    with server.client(cookie_file=path) as again:
        assert again.cookies() == [] and again.get_session() is None


def test_provider(server: Server, client: authjs.Client) -> None:
    p = client.provider("credentials")
    assert isinstance(p, authjs.Provider)
    assert p.id == "credentials" and p.type == "credentials"
    assert p == client.get_providers()["credentials"]


def test_provider_unknown_and_invalid(client: authjs.Client) -> None:
    with pytest.raises(authjs.UnknownProviderError) as e:
        client.provider("nope")
    assert "credentials" in e.value.known_ids
    with pytest.raises(authjs.InvalidArgumentError):
        client.provider("no spaces")
    with pytest.raises(TypeError):
        client.provider(42)  # type: ignore[arg-type]


def test_endpoint(server: Server, client: authjs.Client) -> None:
    ep = client.endpoint
    assert isinstance(ep, authjs.Endpoint)
    assert ep.base_url == client.base_url
    assert ep.base_path == "/api/auth"
    assert ep.base_url == ep.origin + ep.base_path
    assert server.url.startswith(ep.origin)
    assert ep.is_https == server.tls
    assert ep.is_loopback


def test_cookie_methods_of_a_closed_client_raise(server: Server) -> None:
    c = server.signed_in("alice")
    c.close()
    for call in (
        c.cookies,
        c.has_session_cookie,
        c.export_cookies,
        c.netscape_cookies,
        c.clear_cookies,
        lambda: c.import_cookies("[]"),
        lambda: c.provider("credentials"),
    ):
        with pytest.raises(authjs.InvalidArgumentError, match="closed"):
            call()
