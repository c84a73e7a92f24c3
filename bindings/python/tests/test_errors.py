"""Every exception class, with its attributes, provoked for real where a real server can
produce it, and with the shared fault server where it cannot (CSRF rejected twice, HTML
with status 200, a 500, a WebAuthn provider)."""

from __future__ import annotations

import builtins
import errno
import pickle
import time
from pathlib import Path
from typing import Callable

import pytest

import authjs
from authjs import exceptions

from conftest import Faults, Server

ALL = [
    (authjs.InvalidArgumentError, "invalid_argument"),
    (authjs.NetworkError, "network"),
    (authjs.TimeoutError, "timeout"),
    (authjs.TLSError, "tls"),
    (authjs.HTTPError, "http"),
    (authjs.ProtocolError, "protocol"),
    (authjs.CSRFError, "csrf"),
    (authjs.UnknownProviderError, "unknown_provider"),
    (authjs.UnsupportedProviderError, "unsupported_provider"),
    (authjs.CookieFileError, "io"),
    (authjs.TokenInvalidError, "token_invalid"),
    (authjs.TokenExpiredError, "token_expired"),
]


def check(e: authjs.AuthjsError, cls: type, kind: str) -> None:
    assert type(e) is cls
    assert isinstance(e, authjs.AuthjsError)
    assert e.kind == kind == cls.KIND
    assert isinstance(e.message, str) and e.message
    assert str(e) == e.message
    assert e.message in repr(e)
    # Picklable with every attribute (e.g. across multiprocessing).
    back = pickle.loads(pickle.dumps(e))
    assert type(back) is cls and back.kind == e.kind and back.message == e.message
    assert back.status == e.status and back.body_excerpt == e.body_excerpt


def test_classes_follow_the_core_kind_table() -> None:
    """The core's error-kind table (``_authjs.ERROR_KINDS``) is the one list of kinds:
    every kind has its class, every class stands for a kind of the table, and both
    ``__all__`` name every class. Adding a kind in one place only fails here."""
    from authjs import _authjs

    table = _authjs.ERROR_KINDS
    assert table, "the core's table is empty"
    names = [name for name, _, _ in table]
    assert len(set(names)) == len(names)
    for name, code, class_name in table:
        assert isinstance(code, int) and code > 0
        cls = getattr(exceptions, class_name, None)
        assert cls is not None, f"kind {name!r}: no class {class_name} in authjs.exceptions"
        assert isinstance(cls, type) and issubclass(cls, authjs.AuthjsError)
        assert cls.KIND == name, f"{class_name}.KIND is {cls.KIND!r}, the table says {name!r}"
        assert class_name in exceptions.__all__, f"{class_name} not in exceptions.__all__"
        assert class_name in authjs.__all__, f"{class_name} not in authjs.__all__"
        assert getattr(authjs, class_name) is cls
    # Every concrete class of the module is a kind of the table.
    classes = {
        n: c
        for n, c in vars(exceptions).items()
        if isinstance(c, type) and issubclass(c, authjs.AuthjsError) and c is not authjs.AuthjsError
    }
    for class_name, cls in classes.items():
        assert (cls.KIND, class_name) in {(n, c) for n, _, c in table}, (
            f"{class_name} (KIND {cls.KIND!r}) is not in the core's kind table"
        )
    assert sorted(exceptions.__all__) == sorted(["AuthjsError", *classes])
    assert "AuthjsError" in authjs.__all__
    # The hand-written list below (the classes' names as a user spells them) agrees.
    assert sorted((c.__name__, k) for c, k in ALL) == sorted((c, n) for n, _, c in table)


def test_hierarchy() -> None:
    assert issubclass(authjs.TimeoutError, builtins.TimeoutError)
    assert authjs.TimeoutError is not builtins.TimeoutError
    assert issubclass(authjs.InvalidArgumentError, ValueError)
    assert issubclass(authjs.CookieFileError, OSError)
    assert not issubclass(authjs.NetworkError, OSError)


# ----- real servers -------------------------------------------------------------------


def test_network_error(closed_port: int) -> None:
    with authjs.Client(f"http://127.0.0.1:{closed_port}", connect_timeout=2.0) as c:
        with pytest.raises(authjs.NetworkError) as info:
            c.get_session()
    check(info.value, authjs.NetworkError, "network")
    assert info.value.status is None
    assert str(closed_port) in info.value.message


def test_timeout_error(server: Server) -> None:
    with server.client(timeout=0.5) as c:
        start = time.monotonic()
        with pytest.raises(authjs.TimeoutError) as info:
            c.request("GET", "/api/slow?ms=3000")
        elapsed = time.monotonic() - start
    check(info.value, authjs.TimeoutError, "timeout")
    assert isinstance(info.value, builtins.TimeoutError)
    assert elapsed < 2.5, elapsed
    # The query string never appears in messages.
    assert "ms=3000" not in info.value.message


def test_tls_error_without_ca(tls_server: Server) -> None:
    with authjs.Client(tls_server.url) as c:
        with pytest.raises(authjs.TLSError) as info:
            c.get_session()
    check(info.value, authjs.TLSError, "tls")


def test_tls_error_bad_ca(tmp_path: Path) -> None:
    with pytest.raises(authjs.TLSError):
        authjs.Client("https://127.0.0.1:1", ca_cert=tmp_path / "missing.pem")
    with pytest.raises(authjs.TLSError):
        authjs.Client("https://127.0.0.1:1", ca_cert=b"-----BEGIN CERTIFICATE-----\nnope\n")


def test_http_error_wrong_base_path(server: Server) -> None:
    with server.client(base_path="/nope") as c:
        with pytest.raises(authjs.HTTPError) as info:
            c.get_session()
        check(info.value, authjs.HTTPError, "http")
        assert info.value.status == 404
        assert info.value.body_excerpt
        with pytest.raises(authjs.HTTPError) as info2:
            c.sign_in("credentials", username="alice", password="alice-password")
        assert info2.value.status == 404
        # Never the password in a message.
        assert "alice-password" not in repr(info2.value)


def test_unknown_provider(client: authjs.Client) -> None:
    with pytest.raises(authjs.UnknownProviderError) as info:
        client.sign_in("nope")
    check(info.value, authjs.UnknownProviderError, "unknown_provider")
    assert info.value.known_ids == ("credentials", "email", "github", "oidc", "oidc-form")
    back = pickle.loads(pickle.dumps(info.value))
    assert back.known_ids == info.value.known_ids


def test_cookie_file_error(client: authjs.Client, tmp_path: Path) -> None:
    with pytest.raises(authjs.CookieFileError) as info:
        client.load_cookies(tmp_path / "missing.json")
    check(info.value, authjs.CookieFileError, "io")
    assert isinstance(info.value, OSError)
    assert info.value.errno == errno.ENOENT
    with pytest.raises(OSError):
        client.save_cookies(tmp_path / "no-such-dir" / "jar.json")


def test_invalid_arguments(server: Server, client: authjs.Client, tmp_path: Path) -> None:
    def invalid(fn: Callable[[], object]) -> authjs.InvalidArgumentError:
        with pytest.raises(authjs.InvalidArgumentError) as info:
            fn()
        check(info.value, authjs.InvalidArgumentError, "invalid_argument")
        assert isinstance(info.value, ValueError)
        return info.value

    invalid(lambda: authjs.Client("ftp://example.com"))
    invalid(lambda: authjs.Client("http://example.com"))  # clear text to a remote host
    authjs.Client("http://example.com", allow_insecure_http=True).close()
    invalid(lambda: authjs.Client(server.url, timeout=0))
    invalid(lambda: authjs.Client(server.url, timeout=-1.0))
    invalid(lambda: authjs.Client(server.url, connect_timeout=float("nan")))
    invalid(lambda: authjs.Client(server.url, base_path="no-slash"))
    invalid(lambda: authjs.Client(server.url, proxy="::not a proxy::"))
    invalid(lambda: authjs.Client(server.url, ca_cert=12))  # type: ignore[arg-type]
    bad_jar = tmp_path / "bad.json"
    bad_jar.write_text("this is not a cookie file")
    invalid(lambda: authjs.Client(server.url, cookie_file=bad_jar, ca_cert=server.ca))
    invalid(lambda: client.load_cookies(bad_jar))

    invalid(lambda: client.request("GET", "https://evil.example/api/me"))
    invalid(lambda: client.request("GET", "/api/me", headers={"Cookie": "a=b"}))
    invalid(lambda: client.request("GET", "/api/me", headers={"X-Bad": "a\nb"}))
    invalid(lambda: client.request("GET", "/api/me", headers="X: y"))  # type: ignore[arg-type]
    invalid(lambda: client.request("BAD METHOD", "/api/me"))
    invalid(lambda: client.request("POST", "/api/echo", json={}, data="x"))
    invalid(lambda: client.request("POST", "/api/echo", json={"x": object()}))
    invalid(lambda: client.request("POST", "/api/echo", json={1: "int key"}))
    invalid(lambda: client.request("POST", "/api/echo", json=float("inf")))
    invalid(lambda: client.request("POST", "/api/echo", json=2**70))
    invalid(lambda: client.request("POST", "/api/echo", data={"a": [1]}))  # type: ignore[dict-item]

    invalid(lambda: client.sign_in("credentials", username=object()))  # type: ignore[arg-type]
    invalid(lambda: client.sign_in("credentials", csrfToken="x"))
    invalid(lambda: client.sign_in("credentials", callback_url="javascript:alert(1)"))
    invalid(lambda: client.sign_in("credentials", callback_url="/a", callbackUrl="/b"))
    invalid(lambda: client.sign_in("github", authorization_params=["x"]))  # type: ignore[arg-type]
    invalid(lambda: client.sign_in("bad id!"))
    invalid(lambda: client.sign_out(callback_url="//evil.example"))
    invalid(lambda: client.update_session({"x": {1, 2}}))

    e = invalid(lambda: client.sign_in("credentials", username="alice", password={"x": 1}))  # type: ignore[arg-type]
    assert "password" in e.message


# ----- the shared fault server, for what a real server will not do on demand ------------


def test_csrf_error(faults: Faults) -> None:
    """The server rejects the CSRF token even after a fresh one (the CSRF cookie is not
    reaching it). A real server cannot be made to do that from the client side: the
    core drops the cookie, fetches a fresh token and succeeds."""
    ua = faults.user_agent()
    with faults.client("csrf-rejected-v5", user_agent=ua) as c:
        with pytest.raises(authjs.CSRFError) as info:
            c.update_session({"name": "x"})
        check(info.value, authjs.CSRFError, "csrf")
    assert faults.requests(ua).get("GET /csrf-rejected-v5/csrf") == 2
    for scenario in ("csrf-rejected-v4", "csrf-rejected-v5"):
        with faults.client(scenario) as c:
            with pytest.raises(authjs.CSRFError):
                c.sign_in("credentials", username="u", password="p-secret")


@pytest.mark.parametrize(
    "scenario, cls, kind, status, excerpt",
    [
        # An app page where the API should be: a wrong base path, said so.
        ("html-200", authjs.ProtocolError, "protocol", 200, "an app page"),
        ("server-error", authjs.HTTPError, "http", 500, "boom"),
    ],
)
def test_reply_errors(
    faults: Faults, scenario: str, cls: type, kind: str, status: int, excerpt: str
) -> None:
    with faults.client(scenario) as c:
        with pytest.raises(authjs.AuthjsError) as info:
            c.get_session()
    check(info.value, cls, kind)
    assert info.value.status == status
    assert info.value.body_excerpt is not None and excerpt in info.value.body_excerpt
    if cls is authjs.ProtocolError:
        assert "base path" in info.value.message


def test_unsupported_provider(faults: Faults) -> None:
    ua = faults.user_agent()
    with faults.client("webauthn", user_agent=ua) as c:
        with pytest.raises(authjs.UnsupportedProviderError) as info:
            c.sign_in("passkey")
    check(info.value, authjs.UnsupportedProviderError, "unsupported_provider")
    # Refused from the provider list: nothing was posted.
    assert not any(route.startswith("POST ") for route in faults.requests(ua))
