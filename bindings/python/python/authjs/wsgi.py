"""WSGI middleware and a Flask helper: the Auth.js session of each request, for Flask
and any WSGI application (the backend half of ``getServerSession()``).

>>> client = authjs.Client("https://app.example.com")       # doctest: +SKIP
>>> authjs.wsgi.init_app(flask_app, client)                 # Flask: g.authjs_session
>>> app = authjs.wsgi.AuthjsMiddleware(wsgi_app, client)     # any WSGI app

For every request the middleware hands the browser's ``Cookie`` header to
``client.lookup()`` (one client per process: its connection pool serves every user and
every worker thread), puts the result in the ``environ`` and adds the ``Set-Cookie``
headers the Auth.js server sent to the response, so the browser keeps the re-issued
session cookie and its sliding expiry. What it puts in the ``environ``:

- ``environ["authjs.session"]``: the :class:`authjs.Session`, or ``None`` when signed out;
- ``environ["authjs.lookup"]``: the whole lookup result (``.session``,
  ``.set_cookies``), ``None`` when the lookup failed;
- ``environ["authjs.error"]``: the :class:`authjs.AuthjsError` of a failed lookup, else
  ``None``.

With :func:`init_app`, Flask views also find the session as ``flask.g.authjs_session``
(and the error as ``g.authjs_error``), and :func:`require_session` guards a view.

The rules are those of :mod:`authjs.asgi`: the protocol is the Rust core's (this module
only moves headers and objects, and imports nothing outside the standard library but
Flask, inside the Flask helpers); each re-issued ``Set-Cookie`` is forwarded verbatim
unless the response sets a cookie of the same name itself (the application wins); a
failure of the Auth.js server is handled as signed out, with the error in
``environ["authjs.error"]`` (:func:`require_session` answers 502 then, not 401) and one
warning on the ``authjs`` logger naming the error's kind only; a malformed session cookie
(which the core refuses without a request) is signed out too, with a 401. The lookup blocks the
worker thread that handles the request, as any WSGI I/O does; it releases the GIL.
"""

from __future__ import annotations

import functools
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Dict,
    Iterable,
    List,
    Optional,
    Tuple,
    TypeVar,
    cast,
)

from . import Client
from .asgi import _lookup_failed, _refusal_status, _to_forward
from .exceptions import AuthjsError

if TYPE_CHECKING:
    from types import TracebackType

    from flask import Flask

    from . import Lookup, Session

__all__ = [
    "AuthjsMiddleware",
    "SESSION_KEY",
    "LOOKUP_KEY",
    "ERROR_KEY",
    "init_app",
    "require_session",
    "current_session",
    "forward_set_cookies",
]

SESSION_KEY = "authjs.session"
LOOKUP_KEY = "authjs.lookup"
ERROR_KEY = "authjs.error"

Environ = Dict[str, Any]
ExcInfo = Tuple[type, BaseException, "TracebackType"]
StartResponse = Callable[..., Callable[[bytes], object]]
WSGIApp = Callable[[Environ, StartResponse], Iterable[bytes]]

F = TypeVar("F", bound=Callable[..., Any])


def _wire_text(native: str) -> str:
    """A WSGI "native string" (the header's bytes as latin-1, PEP 3333) as the text it
    encodes: UTF-8 when it is (what browsers send for non-ASCII cookie values), else
    unchanged."""
    try:
        return native.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return native


def _native(text: str) -> str:
    """Text as a WSGI native string (its UTF-8 bytes as latin-1); ASCII is unchanged."""
    return text.encode("utf-8").decode("latin-1")


def forward_set_cookies(
    headers: List[Tuple[str, str]], set_cookies: Iterable[str]
) -> List[Tuple[str, str]]:
    """``headers`` (WSGI response headers) plus one ``Set-Cookie`` for each of
    ``set_cookies`` whose cookie the response does not set already (the application's
    own decision wins). The values are added verbatim."""
    own = (_wire_text(v) for k, v in headers if k.lower() == "set-cookie")
    added = [("Set-Cookie", _native(c)) for c in _to_forward(own, set_cookies)]
    return headers + added if added else headers


class AuthjsMiddleware:
    """Looks up the Auth.js session of every request (see the module's docs).

    ``client`` is the process's :class:`authjs.Client` (threads may share it); the
    middleware does not own it. An :class:`authjs.AsyncClient` is refused: WSGI is
    synchronous.
    """

    def __init__(self, app: WSGIApp, client: Client) -> None:
        if not isinstance(client, Client):
            raise TypeError(
                "client must be an authjs.Client (WSGI is synchronous), not "
                + type(client).__name__
            )
        self.app = app
        self.client = client

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        raw = environ.get("HTTP_COOKIE")
        header = _wire_text(raw) if isinstance(raw, str) else None
        result: Optional[Lookup] = None
        error: Optional[AuthjsError] = None
        try:
            result = self.client.lookup(header)
        except AuthjsError as e:
            error = _lookup_failed(self.client, e)
        environ[SESSION_KEY] = None if result is None else result.session
        environ[LOOKUP_KEY] = result
        environ[ERROR_KEY] = error

        set_cookies = list(result.set_cookies) if result is not None else []
        if not set_cookies:
            return self.app(environ, start_response)

        def start_with_cookies(
            status: str, headers: List[Tuple[str, str]], exc_info: Optional[ExcInfo] = None
        ) -> Callable[[bytes], object]:
            headers = forward_set_cookies(list(headers), set_cookies)
            if exc_info is None:
                return start_response(status, headers)
            return start_response(status, headers, exc_info)

        return self.app(environ, start_with_cookies)

    def __repr__(self) -> str:
        return f"<authjs.wsgi.AuthjsMiddleware client={self.client!r}>"


# ----- Flask ---------------------------------------------------------------------------


def init_app(app: Flask, client: Client) -> None:
    """Installs :class:`AuthjsMiddleware` around the Flask app's WSGI callable and sets
    ``flask.g.authjs_session`` / ``g.authjs_error`` before each request; the client is
    ``app.extensions["authjs"]``, and the caller's to close. Once per app
    (``RuntimeError`` on a second call)."""
    from flask import g, request

    # Twice would look every request up twice (and forward twice).
    if "authjs" in app.extensions:
        raise RuntimeError("authjs.wsgi.init_app was already called for this app")
    app.wsgi_app = AuthjsMiddleware(app.wsgi_app, client)  # type: ignore[method-assign]
    app.extensions["authjs"] = client

    @app.before_request
    def _authjs_to_g() -> None:
        g.authjs_session = request.environ.get(SESSION_KEY)
        g.authjs_error = request.environ.get(ERROR_KEY)


def current_session() -> Optional[Session]:
    """The session of the Flask request being handled (``None`` when signed out);
    ``RuntimeError`` when :class:`AuthjsMiddleware` is not installed."""
    from flask import request

    environ = request.environ
    if SESSION_KEY not in environ:
        raise RuntimeError(
            "authjs.wsgi.current_session needs the middleware: authjs.wsgi.init_app(app, client)"
        )
    s: Optional[Session] = environ[SESSION_KEY]
    return s


def require_session(view: F) -> F:
    """A Flask view decorator: the view runs only for a signed-in request; otherwise
    ``401`` (signed out, or a malformed session cookie) or ``502`` (the Auth.js server
    could not be asked)."""
    from flask import abort, request

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if current_session() is None:
            abort(_refusal_status(request.environ.get(ERROR_KEY)))
        return view(*args, **kwargs)

    return cast(F, wrapper)
