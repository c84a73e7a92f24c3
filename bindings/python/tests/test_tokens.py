"""authjs.tokens (issue 19) against the real servers: the mapping of the core's token
codec to Python (types, exceptions, redaction); the protocol itself is tested in
tests/tokens.rs."""

from __future__ import annotations

import os
import pickle
from typing import Any

import pytest

import authjs
from authjs import tokens

from conftest import Server, require_env


def secret(server: Server) -> str:
    return require_env("AUTHJS_TEST_V4_SECRET" if server.name.startswith("v4") else "AUTHJS_TEST_V5_SECRET")


def cookie_name(server: Server) -> str:
    prefix = "next-auth" if server.name.startswith("v4") else "authjs"
    return f"{'__Secure-' if server.tls else ''}{prefix}.session-token"


def test_server_cookies_decode_to_the_session(server: Server) -> None:
    for user in ("alice", "carol"):
        c = server.signed_in(user)
        session = c.get_session()
        assert session is not None
        header = c.cookie_header()
        name, claims = tokens.decode_token_with_name(header, secret(server))
        assert name == cookie_name(server)
        assert claims["email"] == session.user.email
        assert claims["name"] == session.user.name
        assert isinstance(claims["exp"], int) and isinstance(claims["jti"], str)
        # Rotation: a list, any one decrypts.
        assert tokens.decode_token(header, ["new-secret", secret(server)])["jti"] == claims["jti"]


def test_minted_cookies_are_sessions(server: Server) -> None:
    c = server.client()
    minted = tokens.mint_token(
        {"name": "Py Pat", "email": "pat@example.com", "sub": "8", "padding": "x" * 5000},
        secret(server),
        client=c,
    )
    assert len(minted.cookies) > 1, "large claims are chunked"
    assert minted.cookies[0][0] == cookie_name(server) + ".0"
    assert minted.cookie_header.split("=", 1)[0] == minted.cookies[0][0]
    assert minted.token[:20] not in repr(minted)
    session = server.client().user(minted.cookie_header).get_session()
    assert session is not None and session.user.email == "pat@example.com"
    # The storageState hands it to a browser (or, here, another client).
    other = server.client()
    other.import_cookies(__import__("json").dumps(minted.storage_state()), format="playwright")
    assert other.get_session() is not None
    assert tokens.session_cookie_name(c) == cookie_name(server)


def test_errors_are_typed_and_secret_free(server: Server) -> None:
    c = server.signed_in("alice")
    header = c.cookie_header()
    token = header.split(cookie_name(server) + "=", 1)[1].split(";", 1)[0]
    with pytest.raises(authjs.TokenInvalidError) as info:
        tokens.decode_token(header, "wrong-secret")
    e = info.value
    assert e.kind == "token_invalid" and isinstance(e, ValueError)
    for text in (str(e), repr(e), repr(e.args)):
        assert token[:30] not in text and "wrong-secret" not in text
    assert pickle.loads(pickle.dumps(e)).kind == "token_invalid"
    expired = tokens.mint_token({"sub": "1", "exp": 1_000_000}, secret(server), cookie_name=cookie_name(server))
    with pytest.raises(authjs.TokenExpiredError):
        tokens.decode_token(expired.cookie_header, secret(server))
    assert server.client().user(expired.cookie_header).get_session() is None
    with pytest.raises(authjs.TokenInvalidError):
        tokens.decode_token("not a token", secret(server))
    with pytest.raises(authjs.InvalidArgumentError):
        tokens.mint_token({}, secret(server), cookie_name="not-a-session-cookie")
    with pytest.raises(TypeError):
        tokens.decode_token(header, 42)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        tokens.mint_token({}, secret(server))


class _Request:
    def __init__(self, **headers: str) -> None:
        self.headers = headers


def test_fastapi_dependency_reads_cookie_then_bearer(server: Server) -> None:
    c = server.signed_in("alice")
    header = c.cookie_header()
    token = header.split(cookie_name(server) + "=", 1)[1].split(";", 1)[0]
    dep = tokens.fastapi_dependency(secret(server), required=False)
    assert dep(_Request(cookie=header))["email"] == "alice@example.com"
    assert dep(_Request(authorization=f"Bearer {token}"))["email"] == "alice@example.com"
    assert dep(_Request(cookie="x=1")) is None
    assert tokens.CLOCK_TOLERANCE == 15
    assert "authjs.session-token" in tokens.SESSION_COOKIE_NAMES


def test_fastapi_dependency_in_a_real_app_answers_401_without_a_token(server: Server) -> None:
    """The dependency inside a real FastAPI app (FastAPI and Starlette are pinned in the
    test venv): a valid cookie reaches the route, none or a bad one is 401."""
    from fastapi import Depends, FastAPI
    from starlette.requests import Request

    app = FastAPI()
    dep = tokens.fastapi_dependency(secret(server))

    @app.get("/who")
    def who(claims: Any = Depends(dep)) -> Any:
        return {"email": claims["email"]}

    route = next(r for r in app.routes if getattr(r, "path", None) == "/who")
    solved = route.dependant.dependencies[0].call  # type: ignore[attr-defined]
    assert solved is dep

    def request(cookie: str) -> Request:
        return Request({"type": "http", "method": "GET", "path": "/who",
                        "headers": [(b"cookie", cookie.encode())] if cookie else []})

    from fastapi import HTTPException

    assert dep(request(server.signed_in("alice").cookie_header()))["email"] == "alice@example.com"
    for cookie in ("", f"{cookie_name(server)}=garbage", "x=1"):
        with pytest.raises(HTTPException) as e:
            dep(request(cookie))
        assert e.value.status_code == 401
