"""Arguments that cannot cross into Rust: text that is not valid UTF-8 (a lone
surrogate, as ``os.environ``, ``sys.argv`` or a ``surrogateescape`` stdin produce for
undecodable bytes) and timeouts the core cannot represent. Each is an
``InvalidArgumentError`` naming the argument; no part of the value (often a password or
a token) appears in the exception, its ``repr``, its ``args`` or a chained exception.
File names are the exception: they are bytes to the OS, so ``surrogateescape`` paths
work (``os.fsencode`` semantics)."""

from __future__ import annotations

import math
import os
import traceback
from pathlib import Path
from typing import Any, Callable, Dict, List, Tuple

import pytest

import authjs

from conftest import Server

# The secret is built at run time, so that no source line a traceback prints holds it.
SECRET_BYTES = b"hunter2-" + bytes([0xFF]) + b"-s3cr3t"
FRAGMENTS = ("hunter2", "s3cr3t", "\udcff", "udcff", "\\xff", "xff")


def secret() -> str:
    """``'hunter2-\\udcff-s3cr3t'``: what ``os.environ`` holds for those bytes."""
    s = os.fsdecode(SECRET_BYTES)
    assert "\udcff" in s
    return s


def texts_of(e: BaseException) -> List[str]:
    """Every rendering of the exception a log or a crash report could hold."""
    out = [str(e), repr(e), *(repr(a) for a in e.args)]
    out.append("".join(traceback.format_exception(type(e), e, e.__traceback__)))
    if isinstance(e, authjs.AuthjsError):
        out += [e.message, repr(e.body_excerpt)]
    return out


def assert_clean_invalid(fn: Callable[[], object], name: str) -> authjs.InvalidArgumentError:
    with pytest.raises(BaseException) as info:
        fn()
    e = info.value
    assert type(e) is authjs.InvalidArgumentError, f"{name}: {type(e).__name__}"
    assert name in e.message, e.message
    assert "UTF-8" in e.message, e.message
    # No chained UnicodeEncodeError (whose args hold the whole string).
    assert e.__cause__ is None and e.__context__ is None, (name, e.__cause__, e.__context__)
    for text in texts_of(e):
        for fragment in FRAGMENTS:
            assert fragment not in text, (name, fragment, text)
    return e


def test_lone_surrogates_in_client_options(server: Server, tmp_path: Path) -> None:
    s = secret()
    cases: List[Tuple[str, Dict[str, Any], str]] = [
        ("url", {}, "url"),
        ("user_agent", {"user_agent": f"agent {s}"}, "user_agent"),
        ("cookie_header", {"cookie_header": f"next-auth.session-token={s}"}, "cookie_header"),
        ("base_path", {"base_path": f"/{s}"}, "base_path"),
        ("proxy", {"proxy": f"http://user:{s}@127.0.0.1:1"}, "proxy"),
        ("ca_cert PEM", {"ca_cert": f"-----BEGIN CERTIFICATE-----\n{s}\n"}, "ca_cert"),
    ]
    for label, kwargs, name in cases:
        url = f"{server.url}/{s}" if label == "url" else server.url
        kwargs.setdefault("ca_cert", server.ca)
        assert_clean_invalid(lambda: authjs.Client(url, **kwargs), name)

    # A file name that os.fsencode cannot encode either (not a surrogateescape byte).
    bad_name = str(tmp_path / "jar-\ud800.json")
    e = assert_clean_invalid(lambda: authjs.Client(server.url, cookie_file=bad_name), "cookie_file")
    assert "file name" in e.message
    bad_ca = str(tmp_path / "ca-\ud800.pem")
    assert_clean_invalid(lambda: authjs.Client(server.url, ca_cert=bad_ca), "ca_cert")


def test_lone_surrogates_in_calls_change_nothing(alice: authjs.Client, tmp_path: Path) -> None:
    s = secret()
    before = alice.cookie_header()
    cases: List[Tuple[Callable[[], object], str]] = [
        # sign-in: the password (item 12's example), every other field, names, options
        (lambda: alice.sign_in("credentials", username="alice", password=s), "password"),
        (lambda: alice.sign_in("credentials", username=s, password="x"), "username"),
        (lambda: alice.sign_in("email", email=f"{s}@example.com"), "email"),
        (lambda: alice.sign_in("credentials", **{s: "x"}), "sign-in field"),
        (lambda: alice.sign_in(s), "provider"),
        (lambda: alice.sign_in("credentials", callback_url=f"/{s}"), "callback_url"),
        (lambda: alice.sign_in("github", authorization_params={"login_hint": s}), "authorization_params"),
        (lambda: alice.sign_in("github", authorization_params={s: "x"}), "authorization_params"),
        # a magic-link / OAuth callback URL
        (lambda: alice.complete_sign_in(f"{alice.base_url}/callback/email?token={s}"), "url"),
        # session update data, values and keys, nested
        (lambda: alice.update_session({"name": s}), "data"),
        (lambda: alice.update_session({"a": [{"b": s}]}), "data"),
        (lambda: alice.update_session({s: 1}), "data"),
        (lambda: alice.sign_out(callback_url=f"/{s}"), "callback_url"),
        # request: method, path, header names and values, every kind of body
        (lambda: alice.request(f"GET{s}", "/api/me"), "method"),
        (lambda: alice.request("GET", f"/api/me?token={s}"), "path"),
        (lambda: alice.request("GET", "/api/me", headers={"Authorization": f"Bearer {s}"}), "headers"),
        (lambda: alice.request("GET", "/api/me", headers=[("X-Token", s)]), "headers"),
        (lambda: alice.request("GET", "/api/me", headers={f"X-{s}": "v"}), "headers"),
        (lambda: alice.request("POST", "/api/echo", data=s), "data"),
        (lambda: alice.request("POST", "/api/echo", data={"password": s}), "data"),
        (lambda: alice.request("POST", "/api/echo", data=[("password", s)]), "data"),
        (lambda: alice.request("POST", "/api/echo", json={"password": s}), "json"),
        (lambda: alice.request("POST", "/api/echo", json=[1, s]), "json"),
        (lambda: alice.request("POST", "/api/echo", json={s: 1}), "json"),
        (lambda: alice.request("POST", "/api/echo", json=s), "json"),
        # cookie files: names os.fsencode cannot encode
        (lambda: alice.save_cookies(str(tmp_path / "a-\ud800.json")), "path"),
        (lambda: alice.load_cookies(str(tmp_path / "b-\ud800.json")), "path"),
    ]
    for fn, name in cases:
        assert_clean_invalid(fn, name)
    # Nothing changed, and the client still works.
    assert alice.cookie_header() == before
    session = alice.get_session()
    assert session is not None and session.user.name == "Alice Liddell"


def test_text_that_is_valid_utf8_still_works(alice: authjs.Client) -> None:
    """Non-ASCII text that *is* encodable goes through unchanged (no over-eager check)."""
    r = alice.request("POST", "/api/echo", data="zoë ✓ 😀", headers={"X-Note": "ok"})
    assert r.status == 200 and r.json()["body"] == "zoë ✓ 😀"
    r = alice.request("POST", "/api/echo", json={"name": "zoë 😀"})
    assert r.json()["body"] == '{"name":"zoë 😀"}'
    res = alice.sign_in("credentials", username="alice", password="wrong ✓ 😀")
    assert not res.ok and res.error == "CredentialsSignin"


def test_surrogateescape_file_names_work(server: Server, tmp_path: Path) -> None:
    """A file name from undecodable bytes (os.listdir, sys.argv) names that very file."""
    jar = str(tmp_path / os.fsdecode(b"jar-\xff.json"))
    with server.signed_in("alice", cookie_file=jar):
        pass
    assert b"jar-\xff.json" in os.listdir(os.fsencode(tmp_path))
    with server.client(cookie_file=jar) as again:
        session = again.get_session()
        assert session is not None and session.user.name == "Alice Liddell"
        copy = tmp_path / os.fsdecode(b"copy-\xfe.json")
        again.save_cookies(copy)
        assert os.path.exists(os.fsencode(copy))
    with server.client() as third:
        third.load_cookies(str(copy))
        assert third.get_session() is not None


# ----- item 9: timeouts the core cannot represent --------------------------------------


BAD_SECONDS = [
    0,
    0.0,
    -0.0,
    -1,
    -1.5,
    math.nan,
    math.inf,
    -math.inf,
    5e-324,  # rounds to a zero Duration
    1e300,
    2.0**64,
    2**64,
    10**400,  # too large for a float: OverflowError if left to pyo3
    -(10**400),
]


@pytest.mark.parametrize("option", ["timeout", "connect_timeout"])
@pytest.mark.parametrize("value", BAD_SECONDS, ids=repr)
def test_unusable_timeouts_are_invalid_arguments(option: str, value: Any) -> None:
    with pytest.raises(BaseException) as info:
        authjs.Client("http://127.0.0.1:1", **{option: value})
    assert type(info.value) is authjs.InvalidArgumentError, repr(info.value)
    assert option in info.value.message, info.value.message


@pytest.mark.parametrize("option", ["timeout", "connect_timeout"])
def test_timeouts_of_the_wrong_type(option: str) -> None:
    for value in ("30", [], b"1", True, object()):
        with pytest.raises(TypeError) as info:
            authjs.Client("http://127.0.0.1:1", **{option: value})
        assert option in str(info.value)


@pytest.mark.parametrize("option", ["timeout", "connect_timeout"])
def test_timeouts_beyond_what_an_instant_can_hold(option: str) -> None:
    """Item 9: 1.8e19 s fits a Duration but overflows `Instant + timeout` inside the
    core, which panicked (PanicException, a BaseException). The core refuses it when the
    client is built (ClientBuilder::build); this layer only converts the float."""
    with pytest.raises(BaseException) as info:
        authjs.Client("http://127.0.0.1:1", **{option: 1.8e19})
    assert type(info.value) is authjs.InvalidArgumentError, repr(info.value)


def test_user_agent_with_line_breaks_is_an_invalid_argument(server: Server) -> None:
    """Item 9: CR/LF in the user agent panicked inside ureq at the first request; the
    core refuses it when the client is built."""
    for ua in ("agent\r\nX-Injected: 1", "agent\n", "agent\r"):
        with pytest.raises(BaseException) as info:
            authjs.Client(server.url, user_agent=ua, ca_cert=server.ca)
        assert type(info.value) is authjs.InvalidArgumentError, repr(info.value)


def test_good_timeouts_are_accepted(server: Server) -> None:
    for value in (1, 0.25, 30.0, 86400 * 30):
        with server.client(timeout=value, connect_timeout=value) as c:
            assert c.get_session() is None
