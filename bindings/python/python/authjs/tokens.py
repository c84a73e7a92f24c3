"""Auth.js session tokens without the server (issue 19): decode the session cookie the
way the server's own ``getToken()`` does, and mint one a real server accepts.

For trusted backends that share the app's ``AUTH_SECRET`` and for test suites only:
never ship the secret to a device or a browser. See ``docs/tokens.md``.

Everything here is the Rust core's (``authjs::TokenCodec``): which version a cookie
name means, the keys, chunks, ``exp``/``nbf`` checks (15 s tolerance). A ``secret`` is
a ``str``, or a list of them for rotation (the first encrypts, any decrypts).
Failures raise :class:`authjs.TokenInvalidError` (malformed, wrong secret or cookie
name, tampered) or :class:`authjs.TokenExpiredError`; neither ever carries the token
or the secret.
"""

from __future__ import annotations

import json as _json
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from . import _authjs

__all__ = [
    "Secret",
    "MintedSession",
    "decode_token",
    "decode_token_with_name",
    "mint_token",
    "session_cookie_name",
    "fastapi_dependency",
    "CLOCK_TOLERANCE",
    "SESSION_COOKIE_NAMES",
]

#: A secret, or several (rotation: the first encrypts, any decrypts).
Secret = Union[str, Sequence[str]]

#: The servers' clock tolerance for ``exp``/``nbf``, in seconds.
CLOCK_TOLERANCE: float = _authjs.TOKEN_CLOCK_TOLERANCE

#: The session cookie names the servers use (v5 then v4, ``__Secure-`` first).
SESSION_COOKIE_NAMES: Tuple[str, ...] = tuple(_authjs.SESSION_COOKIE_NAMES)


def _secret_arg(secret: Secret) -> Any:
    return secret if isinstance(secret, str) else list(secret)


def decode_token_with_name(
    value: str, secret: Secret, *, cookie_name: Optional[str] = None
) -> Tuple[str, Dict[str, Any]]:
    """``(cookie name, claims)`` of ``value``: a ``Cookie`` header, an
    ``Authorization`` value ``Bearer <token>``, or a bare token (chunks already
    joined). Without ``cookie_name`` the session cookie is found by its name (the
    ``SESSION_COOKIE_NAMES``; chunks joined) or, for a bare token, by trial."""
    return _authjs.token_decode(value, _secret_arg(secret), cookie_name)


def decode_token(
    value: str, secret: Secret, *, cookie_name: Optional[str] = None
) -> Dict[str, Any]:
    """The claims of the session token in ``value`` (see
    :func:`decode_token_with_name`), checked: decrypted with one of the secrets,
    neither expired nor not yet valid."""
    return decode_token_with_name(value, secret, cookie_name=cookie_name)[1]


class MintedSession:
    """A minted session cookie, chunked like the server's when large. The values are
    credentials: ``repr`` shows the cookie names only."""

    __slots__ = ("cookies", "cookie_header", "set_cookie", "_state")

    def __init__(self, d: Mapping[str, Any]) -> None:
        #: ``[(name, value)]``, chunks in order.
        self.cookies: List[Tuple[str, str]] = [(str(n), str(v)) for n, v in d["cookies"]]
        #: The ``Cookie`` header value (``name=value`` or ``name.0=…; name.1=…``).
        self.cookie_header: str = d["cookie_header"]
        #: ``Set-Cookie`` values as the server would send them.
        self.set_cookie: List[str] = list(d["set_cookie"])
        self._state: Optional[str] = d.get("storage_state")

    @property
    def token(self) -> str:
        """The token (the chunks joined)."""
        return "".join(v for _, v in self.cookies)

    def storage_state(self) -> Dict[str, Any]:
        """A Playwright ``storageState`` for the ``url`` given to :func:`mint_token`."""
        if self._state is None:
            raise ValueError("mint_token(..., url=...) makes the storage state")
        result: Dict[str, Any] = _json.loads(self._state)
        return result

    def __repr__(self) -> str:
        names = ", ".join(n for n, _ in self.cookies)
        return f"<MintedSession cookies=[{names}] (values redacted)>"


def session_cookie_name(client: Any) -> str:
    """The session cookie name the server of ``client`` (an :class:`authjs.Client`)
    uses, learned from its CSRF cookie (one request at most)."""
    return _authjs.token_cookie_name(client._native)


def mint_token(
    claims: Mapping[str, Any],
    secret: Secret,
    *,
    cookie_name: Optional[str] = None,
    client: Any = None,
    max_age: Optional[float] = None,
    url: Optional[str] = None,
) -> MintedSession:
    """A session cookie for ``claims`` that the server accepts as its own. ``iat``,
    ``exp`` (now + ``max_age``, default 30 days) and ``jti`` are added unless present.
    The cookie name is ``cookie_name``, or the one the server of ``client`` uses.
    With ``url`` (or ``client``), :meth:`MintedSession.storage_state` is available."""
    if cookie_name is None:
        if client is None:
            raise TypeError("mint_token needs cookie_name= or client=")
        cookie_name = session_cookie_name(client)
    if url is None and client is not None:
        url = client.endpoint.origin
    secure = url is not None and url.startswith("https:")
    d = _authjs.token_mint(dict(claims), _secret_arg(secret), cookie_name, max_age, url, secure)
    return MintedSession(d)


def fastapi_dependency(
    secret: Secret, *, cookie_name: Optional[str] = None, required: bool = True
) -> Callable[..., Any]:
    """A FastAPI (or Starlette) dependency returning the request's token claims, like
    ``getToken()``: the session cookie, else (also when the cookie does not decode)
    ``Authorization: Bearer``. Without a token
    or with an invalid or expired one it raises ``HTTPException(401)`` when
    ``required``, else returns ``None``. FastAPI is imported only when called."""

    def dependency(request: Any) -> Optional[Dict[str, Any]]:
        from . import exceptions

        for value in (request.headers.get("cookie"), request.headers.get("authorization")):
            if not value:
                continue
            try:
                return decode_token(value, secret, cookie_name=cookie_name)
            except (exceptions.TokenInvalidError, exceptions.TokenExpiredError):
                continue
        if required:
            from fastapi import HTTPException  # type: ignore[import-not-found, unused-ignore]

            raise HTTPException(status_code=401, detail="not signed in")
        return None

    # FastAPI injects the Request by annotation.
    try:
        from starlette.requests import Request  # type: ignore[import-not-found, unused-ignore]

        dependency.__annotations__["request"] = Request
    except ImportError:
        pass
    return dependency

