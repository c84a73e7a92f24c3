"""ASGI middleware: the Auth.js session of each request, for Starlette, FastAPI and any
ASGI application (the backend half of ``getServerSession()``).

>>> client = authjs.AsyncClient("https://app.example.com")   # doctest: +SKIP
>>> app.add_middleware(authjs.asgi.AuthjsMiddleware, client=client)

For every HTTP request the middleware hands the browser's ``Cookie`` header to
``client.lookup()`` (one client per process: its connection pool serves every user), puts
the result on the request and adds the ``Set-Cookie`` headers the Auth.js server sent to
the response, so the browser keeps the re-issued session cookie and its sliding expiry.
What it puts on the request (``scope``):

- ``scope["authjs.session"]``: the :class:`authjs.Session`, or ``None`` when signed out;
- ``scope["authjs.lookup"]``: the whole lookup result (``.session``, ``.set_cookies``),
  ``None`` when the lookup failed;
- ``scope["authjs.error"]``: the :class:`authjs.AuthjsError` of a failed lookup, else
  ``None``;
- ``scope["state"]["authjs_session"]`` (and ``authjs_error``): the same, as Starlette's
  ``request.state.authjs_session``.

The protocol (which cookies are session cookies, when no request is needed, what the
server re-issued) is the Rust core's, reached through ``lookup``; this module only moves
headers and objects. It imports nothing outside the standard library.

**Which client.** An :class:`authjs.AsyncClient` is awaited on the loop, never blocking
it (its calls run on the client's own bounded worker threads). A plain
:class:`authjs.Client` works too: its blocking lookup then runs in the event loop's
default executor (``loop.run_in_executor(None, ...)``, the threads ``asyncio.to_thread``
uses), never on the loop itself.

**Forwarding rules.** Each ``Set-Cookie`` of the lookup is added to the response
verbatim (attributes intact) unless the response already sets a cookie of the same
name: what the application itself decided (a sign-out that clears the cookie, say)
wins. A response that carries a session ``Set-Cookie`` is personal: do not let a shared
cache store it (``Cache-Control: private`` on such routes).

**When the Auth.js server fails** (unreachable, timeout, TLS, an error status, not
Auth.js), the request is handled as signed out (``session`` is ``None``) rather than
refused, so public routes keep working during an Auth.js outage; the error is on
``scope["authjs.error"]`` for the routes that care (``authjs.fastapi.require_session``
answers 502 then, not 401, so a browser is not sent to sign in again because the server
was down), nothing is forwarded, and one warning is logged on the ``authjs`` logger with
the error's kind only (never a cookie, never the message). A malformed session cookie
(characters no browser sends: the core refuses it and sends nothing) is signed out too,
with its :class:`authjs.InvalidArgumentError` on ``scope["authjs.error"]`` and a 401
from ``require_session`` (a new sign-in replaces the cookie); it is logged at INFO.
A closed client raises (the application's bug), as do exceptions that are not
:class:`authjs.AuthjsError`.

Only ``http`` scopes are looked up; ``websocket`` and ``lifespan`` pass through
untouched.
"""

from __future__ import annotations

import asyncio
import logging
from typing import (
    TYPE_CHECKING,
    Any,
    Awaitable,
    Callable,
    Iterable,
    List,
    MutableMapping,
    Optional,
    Tuple,
    Union,
)

from . import Client
from .aio import AsyncClient
from .exceptions import AuthjsError, InvalidArgumentError

if TYPE_CHECKING:
    from . import Lookup, Session

__all__ = [
    "AuthjsMiddleware",
    "SESSION_KEY",
    "LOOKUP_KEY",
    "ERROR_KEY",
    "STATE_SESSION",
    "STATE_ERROR",
    "cookie_header_of",
    "forward_set_cookies",
]

#: ASGI types, spelled out so that this module needs no framework.
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: Where the middleware puts its results in the ``scope``.
SESSION_KEY = "authjs.session"
LOOKUP_KEY = "authjs.lookup"
ERROR_KEY = "authjs.error"
#: The attribute names in ``scope["state"]`` (Starlette's ``request.state``).
STATE_SESSION = "authjs_session"
STATE_ERROR = "authjs_error"

_log = logging.getLogger("authjs")


def _text(raw: bytes) -> str:
    """A header value as text: UTF-8 when it is (what browsers send for non-ASCII
    cookie values), else byte for byte (latin-1), so no input is refused here."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def cookie_header_of(headers: Iterable[Tuple[bytes, bytes]]) -> Optional[str]:
    """The request's ``Cookie`` header from ASGI ``headers``, ``None`` without one.
    Several ``cookie`` headers (HTTP/2 sends one per cookie) are joined with ``"; "``,
    as RFC 9113 section 8.2.3 says a server must before handing them on."""
    parts = [_text(v) for k, v in headers if k.lower() == b"cookie"]
    return "; ".join(parts) if parts else None


def _lookup_failed(client: Union[AsyncClient, Client], error: AuthjsError) -> AuthjsError:
    """What a failed lookup means for the request (shared with :mod:`authjs.wsgi`).

    A closed client is the application's bug: re-raised. An
    :class:`InvalidArgumentError` otherwise is the browser's malformed session cookie
    (characters no browser sends, or control characters: the core refuses it without
    sending anything); anything else is the Auth.js server failing. Both are handled as
    signed out, and the error is returned to be put on the request. The log line names
    the error's kind only: a message may quote a reply, and the request carried
    credentials. A bad cookie is logged at INFO (any client can send one), a server
    failure at WARNING."""
    if isinstance(error, InvalidArgumentError):
        if client.closed:
            raise error
        _log.info("authjs: the request's session cookie is malformed; handled as signed out")
    else:
        _log.warning("authjs: session lookup failed (%s); handled as signed out", error.kind)
    return error


def _refusal_status(error: Optional[AuthjsError]) -> int:
    """The status that refuses a request without a session: 401 when signed out (or the
    session cookie is malformed: signing in again replaces it), 502 when the Auth.js
    server could not be asked (signing in again would not help)."""
    if error is None or isinstance(error, InvalidArgumentError):
        return 401
    return 502


def _cookie_name(set_cookie: str) -> str:
    return set_cookie.split("=", 1)[0].strip()


def _to_forward(own: Iterable[str], set_cookies: Iterable[str]) -> List[str]:
    """The ``set_cookies`` whose cookie none of the response's own ``Set-Cookie`` values
    (``own``) sets: the application's own decision wins. Shared by the ASGI and WSGI
    middleware, which only convert header types around it."""
    names = {_cookie_name(v) for v in own}
    return [c for c in set_cookies if _cookie_name(c) not in names]


def forward_set_cookies(
    headers: List[Tuple[bytes, bytes]], set_cookies: Iterable[str]
) -> List[Tuple[bytes, bytes]]:
    """``headers`` (ASGI response headers) plus one ``set-cookie`` for each of
    ``set_cookies`` whose cookie the response does not set already (the application's
    own decision wins). The values are added verbatim."""
    own = (_text(v) for k, v in headers if k.lower() == b"set-cookie")
    added = [(b"set-cookie", c.encode("utf-8")) for c in _to_forward(own, set_cookies)]
    return headers + added if added else headers


class AuthjsMiddleware:
    """Looks up the Auth.js session of every HTTP request (see the module's docs).

    ``client`` is the process's :class:`authjs.AsyncClient` (or :class:`authjs.Client`);
    the middleware does not own it: close it when the application shuts down (a
    lifespan handler). Works as ``Starlette(middleware=[Middleware(AuthjsMiddleware,
    client=c)])``, ``app.add_middleware(AuthjsMiddleware, client=c)`` or
    ``AuthjsMiddleware(app, client=c)`` around any ASGI app.
    """

    def __init__(self, app: ASGIApp, client: Union[AsyncClient, Client]) -> None:
        if not isinstance(client, (AsyncClient, Client)):
            raise TypeError(
                "client must be an authjs.AsyncClient or authjs.Client, not "
                + type(client).__name__
            )
        self.app = app
        self.client = client

    async def _lookup(self, cookie_header: Optional[str]) -> Lookup:
        client = self.client
        if isinstance(client, AsyncClient):
            return await client.lookup(cookie_header)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, client.lookup, cookie_header)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        result: Optional[Lookup] = None
        error: Optional[AuthjsError] = None
        try:
            result = await self._lookup(cookie_header_of(scope.get("headers") or ()))
        except AuthjsError as e:
            error = _lookup_failed(self.client, e)
        session: Optional[Session] = None if result is None else result.session
        scope[SESSION_KEY] = session
        scope[LOOKUP_KEY] = result
        scope[ERROR_KEY] = error
        state = scope.setdefault("state", {})
        state[STATE_SESSION] = session
        state[STATE_ERROR] = error

        set_cookies = list(result.set_cookies) if result is not None else []
        if not set_cookies:
            await self.app(scope, receive, send)
            return

        async def send_with_cookies(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = dict(message)
                message["headers"] = forward_set_cookies(
                    list(message.get("headers") or ()), set_cookies
                )
            await send(message)

        await self.app(scope, receive, send_with_cookies)

    def __repr__(self) -> str:
        return f"<authjs.asgi.AuthjsMiddleware client={self.client!r}>"
