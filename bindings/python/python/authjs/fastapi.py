"""FastAPI dependencies over :class:`authjs.asgi.AuthjsMiddleware`: the session the
middleware looked up, as a parameter of a route.

>>> app.add_middleware(authjs.asgi.AuthjsMiddleware, client=client)  # doctest: +SKIP
>>> @app.get("/me")
... async def me(session: authjs.Session = Depends(authjs.fastapi.require_session)):
...     return {"name": session.user.name}

The dependencies do no I/O of their own: the middleware made the one lookup of the
request and forwards the re-issued cookie; they read its result from the request. They
are ``async def`` so that FastAPI calls them on the loop, without a thread hop.

- :func:`session`: the :class:`authjs.Session`, or ``None`` when signed out (or when the
  Auth.js server could not be asked: see :func:`lookup_error`);
- :func:`require_session`: the session, else ``401`` (``{"detail": "not signed in"}``);
  when the lookup failed, ``502`` (the Auth.js server is down: signing in again would
  not help, so the browser is not told it is signed out);
- :func:`lookup_error`: the :class:`authjs.AuthjsError` of a failed lookup, or ``None``.

``OptionalSession`` and ``RequiredSession`` are the ``Annotated`` forms
(``async def me(s: authjs.fastapi.RequiredSession)``). Using a dependency without the
middleware raises ``RuntimeError`` (a configuration error, not a signed-out user).

This module imports FastAPI; ``import authjs`` does not import this module.
"""

from __future__ import annotations

from typing import Annotated, Any, MutableMapping, Optional

from fastapi import Depends, HTTPException, Request

from . import Session
from .asgi import ERROR_KEY, SESSION_KEY, _refusal_status
from .exceptions import AuthjsError

__all__ = [
    "session",
    "require_session",
    "lookup_error",
    "OptionalSession",
    "RequiredSession",
]


def _scope(request: Request) -> MutableMapping[str, Any]:
    scope = request.scope
    if SESSION_KEY not in scope:
        raise RuntimeError(
            "authjs.fastapi needs authjs.asgi.AuthjsMiddleware: "
            "app.add_middleware(authjs.asgi.AuthjsMiddleware, client=client)"
        )
    return scope


async def session(request: Request) -> Optional[Session]:
    """The request's session, ``None`` when signed out or when the lookup failed."""
    s: Optional[Session] = _scope(request)[SESSION_KEY]
    return s


async def lookup_error(request: Request) -> Optional[AuthjsError]:
    """The error of the request's failed lookup (the Auth.js server is unreachable, timed
    out, answered an error status, ...), ``None`` when the lookup worked."""
    e: Optional[AuthjsError] = _scope(request)[ERROR_KEY]
    return e


async def require_session(request: Request) -> Session:
    """The request's session; ``HTTPException(401)`` when signed out (a malformed
    session cookie too), ``HTTPException(502)`` when the Auth.js server could not be
    asked."""
    scope = _scope(request)
    s: Optional[Session] = scope[SESSION_KEY]
    if s is not None:
        return s
    if _refusal_status(scope[ERROR_KEY]) == 502:
        raise HTTPException(status_code=502, detail="the Auth.js server could not be reached")
    raise HTTPException(status_code=401, detail="not signed in")


OptionalSession = Annotated[Optional[Session], Depends(session)]
RequiredSession = Annotated[Session, Depends(require_session)]
