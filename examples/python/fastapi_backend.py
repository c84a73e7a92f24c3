"""A FastAPI backend next to a Next.js app: who is the user? (``getServerSession()``)

    pip install ./bindings/python fastapi uvicorn
    AUTHJS_URL=https://app.example.com python examples/python/fastapi_backend.py

The browser sends the backend the same cookies it sends the Next.js app (same site, or
a reverse proxy in front of both). One :class:`authjs.AsyncClient` per process asks the
Auth.js server for each request's session over its connection pool; the middleware puts
it on the request and forwards the re-issued session cookie to the browser, so the
session's sliding expiry keeps working. ``tests/test_integrations.py`` serves this file
with uvicorn against the real test servers; ``mypy --strict`` checks it.
"""

from __future__ import annotations

import os
from contextlib import asynccontextmanager
from typing import AsyncIterator, Dict, Optional, Union

from fastapi import Depends, FastAPI

import authjs
import authjs.asgi
import authjs.fastapi


def create_app(url: str, *, ca_cert: Optional[str] = None) -> FastAPI:
    """The app, with one client for the whole process (closed at shutdown)."""
    client = authjs.AsyncClient(url, ca_cert=ca_cert)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        await client.aclose()

    app = FastAPI(lifespan=lifespan)
    app.add_middleware(authjs.asgi.AuthjsMiddleware, client=client)

    @app.get("/")
    async def index(
        session: Optional[authjs.Session] = Depends(authjs.fastapi.session),
    ) -> Dict[str, bool]:
        # Public: a signed-out visitor (or an Auth.js outage) is simply not signed in.
        return {"signed_in": session is not None}

    @app.get("/me")
    async def me(session: authjs.fastapi.RequiredSession) -> Dict[str, Union[str, None]]:
        # 401 when signed out, 502 when the Auth.js server could not be asked.
        return {"name": session.user.name, "email": session.user.email}

    return app


if __name__ == "__main__":
    import uvicorn

    uvicorn.run(
        create_app(os.environ["AUTHJS_URL"], ca_cert=os.environ.get("AUTHJS_CA")),
        host="127.0.0.1",
        port=int(os.environ.get("PORT", "8000")),
    )
