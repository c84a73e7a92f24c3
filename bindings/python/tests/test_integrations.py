"""The framework integrations (issue 17): ``authjs.asgi`` (Starlette, FastAPI),
``authjs.fastapi`` and ``authjs.wsgi`` (Flask, plain WSGI), each served by a real server
on a loopback port (uvicorn, werkzeug) and asked by a browser-like HTTP client
(``http.client``, raw ``Cookie`` headers), against the real Auth.js servers.

What every test checks is what a browser sees: the session reaches the handler, and the
``Set-Cookie`` headers the Auth.js server re-issued reach the HTTP response verbatim (the
handler reports the lookup's ``set_cookies``; the response must carry exactly those), and
the forwarded cookie signs the next request in.
"""

from __future__ import annotations

import asyncio
import http.client
import importlib.util
import json
import logging
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
import uuid
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any, AsyncIterator, Callable, Dict, Iterator, List, Optional, Tuple, Union

import pytest
import uvicorn
from fastapi import Depends, FastAPI
from flask import Flask, g, jsonify, make_response
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, StreamingResponse
from starlette.routing import Route
from werkzeug.serving import make_server

import authjs
import authjs.asgi
import authjs.fastapi
import authjs.wsgi

from conftest import Server, make_server as make_auth_server

ROOT = Path(__file__).resolve().parents[3]

AnyClient = Union[authjs.Client, authjs.AsyncClient]


# ----- serving and asking ---------------------------------------------------------------


@contextmanager
def serve_asgi(app: Any, loop: str = "asyncio") -> Iterator[str]:
    """``app`` on uvicorn at a loopback port. The socket listens before the server
    thread starts, so requests wait in its backlog: no readiness poll is needed."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, loop=loop, lifespan="on", log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="uvicorn")
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)
        sock.close()
        assert not thread.is_alive(), "uvicorn did not stop"


@contextmanager
def serve_wsgi(app: Any) -> Iterator[str]:
    """``app`` on werkzeug's threaded server at a loopback port (bound and listening
    when ``make_server`` returns)."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="werkzeug")
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(30)
        server.server_close()


class Reply:
    def __init__(self, status: int, set_cookies: List[str], body: bytes) -> None:
        self.status = status
        self.set_cookies = set_cookies
        self.body = body

    def json(self) -> Any:
        return json.loads(self.body)


def get(base: str, path: str, cookie: Optional[str] = None) -> Reply:
    """One GET as a browser sends it: the ``Cookie`` header verbatim, one connection."""
    u = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(u.hostname or "", u.port, timeout=30)
    try:
        conn.request("GET", path, headers={"Cookie": cookie} if cookie is not None else {})
        r = conn.getresponse()
        body = r.read()
        return Reply(r.status, r.headers.get_all("Set-Cookie") or [], body)
    finally:
        conn.close()


def auth_requests(server: Server, user_agent: str) -> Dict[str, int]:
    """What reached the Auth.js server's ``/api/auth/*`` with that User-Agent
    (``{"GET session": n, ...}``; the test apps' counter route)."""
    ctx = ssl.create_default_context(cafile=server.ca) if server.ca else None
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=ctx)
    )
    query = urllib.parse.urlencode({"ua": user_agent})
    with opener.open(f"{server.url}/api/test/requests?{query}", timeout=10) as r:
        log = json.load(r)
    return {str(k): int(v) for k, v in log["byRoute"].items()}


def browser_cookie(server: Server, user: str = "alice") -> str:
    """The ``Cookie`` header a browser signed in as ``user`` sends to the backend: the
    Auth.js cookies plus one of the app's own."""
    with server.signed_in(user) as c:
        return f"theme=dark; {c.cookie_header()}"


def pairs(set_cookies: List[str]) -> str:
    """The ``Cookie`` header a browser sends after storing ``set_cookies``."""
    return "; ".join(c.split(";", 1)[0].strip() for c in set_cookies)


def attributes(set_cookie: str) -> List[str]:
    """A ``Set-Cookie``'s attribute names, lower-case (``["path", "httponly", ...]``)."""
    return sorted(a.split("=", 1)[0].strip().lower() for a in set_cookie.split(";")[1:])


def session_cookie_names(set_cookies: List[str]) -> List[str]:
    return [c.split("=", 1)[0] for c in set_cookies if "session-token" in c.split("=", 1)[0]]


def unique_agent() -> str:
    return f"authjs-integrations-{uuid.uuid4().hex}"


def make_client(server: Server, kind: str, **kwargs: Any) -> AnyClient:
    if server.ca is not None:
        kwargs.setdefault("ca_cert", server.ca)
    if kind == "async":
        return authjs.AsyncClient(server.url, **kwargs)
    return authjs.Client(server.url, **kwargs)


async def close_client(client: AnyClient) -> None:
    if isinstance(client, authjs.AsyncClient):
        await client.aclose()
    else:
        client.close()


def describe(scope: Any, session: Optional[authjs.Session]) -> Dict[str, Any]:
    """What a handler reports: the session it got and the lookup's ``set_cookies``."""
    lookup = scope["authjs.lookup"]
    error = scope["authjs.error"]
    return {
        "name": None if session is None else session.user.name,
        "email": None if session is None else session.user.email,
        "role": None if session is None else session.get("role"),
        "set_cookies": [] if lookup is None else list(lookup.set_cookies),
        "error": None if error is None else error.kind,
    }


# ----- apps -----------------------------------------------------------------------------


def starlette_app(client: AnyClient) -> Starlette:
    """A plain Starlette app behind the middleware; closes the client at shutdown."""

    async def whoami(request: Request) -> JSONResponse:
        session = request.state.authjs_session
        assert session is request.scope["authjs.session"]
        return JSONResponse(describe(request.scope, session))

    async def own_cookie(request: Request) -> JSONResponse:
        # The app signs the user out itself: its deletion must win.
        response = JSONResponse(describe(request.scope, request.state.authjs_session))
        for c in request.cookies:
            if "session-token" in c:
                response.delete_cookie(c)
        response.set_cookie("theme", "light")
        return response

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await close_client(client)

    async def stream(request: Request) -> StreamingResponse:
        # A streamed body: the cookies go with the response's start, before any chunk.
        report = json.dumps(describe(request.scope, request.state.authjs_session))

        async def chunks() -> AsyncIterator[bytes]:
            for i in range(0, len(report), 7):
                yield report[i : i + 7].encode()

        return StreamingResponse(chunks(), media_type="application/json")

    return Starlette(
        routes=[
            Route("/whoami", whoami),
            Route("/own-cookie", own_cookie),
            Route("/stream", stream),
        ],
        middleware=[Middleware(authjs.asgi.AuthjsMiddleware, client=client)],
        lifespan=lifespan,
    )


def fastapi_app(client: AnyClient) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        await close_client(client)

    app = FastAPI(lifespan=lifespan)
    app.add_middleware(authjs.asgi.AuthjsMiddleware, client=client)

    @app.get("/optional")
    async def optional(
        request: Request, session: Optional[authjs.Session] = Depends(authjs.fastapi.session)
    ) -> Dict[str, Any]:
        return describe(request.scope, session)

    @app.get("/required")
    async def required(
        request: Request, session: authjs.Session = Depends(authjs.fastapi.require_session)
    ) -> Dict[str, Any]:
        return describe(request.scope, session)

    @app.get("/annotated")
    def annotated(  # a sync route: FastAPI runs it on its thread pool
        request: Request,
        session: authjs.fastapi.RequiredSession,
        maybe: authjs.fastapi.OptionalSession,
    ) -> Dict[str, Any]:
        assert maybe is session
        return describe(request.scope, session)

    @app.get("/error")
    async def error(
        e: Optional[authjs.AuthjsError] = Depends(authjs.fastapi.lookup_error),
    ) -> Dict[str, Any]:
        return {"kind": None if e is None else e.kind}

    return app


def flask_app(client: authjs.Client) -> Flask:
    app = Flask(__name__)
    authjs.wsgi.init_app(app, client)

    @app.get("/whoami")
    def whoami() -> Any:
        assert g.authjs_session is authjs.wsgi.current_session()
        return jsonify(describe(_environ_scope(), g.authjs_session))

    @app.get("/required")
    @authjs.wsgi.require_session
    def required() -> Any:
        return jsonify(describe(_environ_scope(), g.authjs_session))

    @app.get("/own-cookie")
    def own_cookie() -> Any:
        from flask import request

        response = make_response(jsonify(describe(_environ_scope(), g.authjs_session)))
        for c in request.cookies:
            if "session-token" in c:
                response.delete_cookie(c)
        response.set_cookie("theme", "light")
        return response

    return app


def _environ_scope() -> Dict[str, Any]:
    from flask import request

    return request.environ


def plain_wsgi_app(client: authjs.Client) -> Callable[..., Any]:
    def app(environ: Dict[str, Any], start_response: Callable[..., Any]) -> List[bytes]:
        body = json.dumps(describe(environ, environ["authjs.session"])).encode()
        start_response("200 OK", [("Content-Type", "application/json")])
        return [body]

    return authjs.wsgi.AuthjsMiddleware(app, client)


# ----- what a browser sees --------------------------------------------------------------


def check_signed_in(reply: Reply, server: Server) -> Dict[str, Any]:
    """The handler saw alice and the response carries the lookup's ``Set-Cookie``s
    verbatim, attributes and all; returns the handler's report."""
    assert reply.status == 200, reply.body
    seen = reply.json()
    assert seen["name"] == "Alice Liddell"
    assert seen["email"] == "alice@example.com"
    assert seen["role"] == "admin"
    assert seen["error"] is None
    forwarded = seen["set_cookies"]
    # The server re-issues the session cookie on every lookup (sliding expiry).
    assert session_cookie_names(forwarded), forwarded
    assert reply.set_cookies == forwarded
    for c in forwarded:
        attrs = attributes(c)
        assert "path" in attrs and "httponly" in attrs, c
        assert ("secure" in attrs) == server.tls, c
    return seen


@pytest.fixture(params=["async", "sync"])
def kind(request: pytest.FixtureRequest) -> str:
    """The middleware's client: an ``AsyncClient`` (awaited on the loop) or a plain
    ``Client`` (run in the loop's executor)."""
    return str(request.param)


def test_asgi_session_reaches_handler_and_cookie_reaches_browser(
    server: Server, kind: str
) -> None:
    cookie = browser_cookie(server)
    client = make_client(server, kind)
    with serve_asgi(starlette_app(client)) as base:
        first = get(base, "/whoami", cookie)
        check_signed_in(first, server)
        # The browser stores the re-issued cookie: the next request is still alice.
        again = get(base, "/whoami", pairs(first.set_cookies))
        check_signed_in(again, server)
        check_signed_in(get(base, "/stream", pairs(again.set_cookies)), server)


def test_asgi_one_lookup_per_request_and_none_without_session_cookie(
    server: Server, kind: str
) -> None:
    cookie = browser_cookie(server)
    agent = unique_agent()
    client = make_client(server, kind, user_agent=agent)
    with serve_asgi(starlette_app(client)) as base:
        for header in (None, "", "theme=dark; next-auth.callback-url=x"):
            reply = get(base, "/whoami", header)
            assert reply.status == 200
            assert reply.json()["name"] is None
            assert reply.set_cookies == []
        assert auth_requests(server, agent) == {}
        check_signed_in(get(base, "/whoami", cookie), server)
        check_signed_in(get(base, "/whoami", cookie), server)
    assert auth_requests(server, agent) == {"GET session": 2}


def test_asgi_app_cookie_of_the_same_name_wins(server: Server, kind: str) -> None:
    cookie = browser_cookie(server)
    client = make_client(server, kind)
    with serve_asgi(starlette_app(client)) as base:
        reply = get(base, "/own-cookie", cookie)
    seen = reply.json()
    assert seen["name"] == "Alice Liddell"
    forwarded = session_cookie_names(seen["set_cookies"])
    assert forwarded
    names = [c.split("=", 1)[0] for c in reply.set_cookies]
    # One Set-Cookie per session cookie: the app's deletion, not the re-issued one.
    for name in forwarded:
        assert names.count(name) == 1, reply.set_cookies
        mine = next(c for c in reply.set_cookies if c.startswith(name + "="))
        assert mine not in seen["set_cookies"]
        assert "max-age=0" in mine.lower().replace(" ", "")
    assert names.count("theme") == 1
    # The lookup's cookies the app did not set itself are still forwarded.
    for c in seen["set_cookies"]:
        if c.split("=", 1)[0] not in forwarded and not c.startswith("theme="):
            assert c in reply.set_cookies


def test_asgi_chunked_session_is_forwarded_whole() -> None:
    """carol's session is three cookie chunks (about 8.6 KiB of header): every chunk the
    server re-issues reaches the browser, and the reassembled cookie works."""
    server = make_auth_server("v5")
    cookie = browser_cookie(server, "carol")
    client = make_client(server, "async")
    with serve_asgi(starlette_app(client)) as base:
        reply = get(base, "/whoami", cookie)
        seen = reply.json()
        assert seen["name"] == "Carol"
        assert len(session_cookie_names(seen["set_cookies"])) >= 3, seen["set_cookies"]
        assert reply.set_cookies == seen["set_cookies"]
        again = get(base, "/whoami", pairs(reply.set_cookies)).json()
        assert again["name"] == "Carol"


def test_asgi_on_uvloop() -> None:
    """The same over uvicorn on uvloop (what ``uvicorn[standard]`` picks)."""
    server = make_auth_server("v5-tls")
    cookie = browser_cookie(server)
    client = make_client(server, "async")
    with serve_asgi(fastapi_app(client), loop="uvloop") as base:
        first = get(base, "/required", cookie)
        check_signed_in(first, server)
        check_signed_in(get(base, "/required", pairs(first.set_cookies)), server)


def test_asgi_lookup_never_blocks_the_loop(faults: Any, kind: str) -> None:
    """A lookup the Auth.js server never answers (``session-hang``) holds only its own
    request: another request is served meanwhile, on the same loop."""
    agent = faults.user_agent()
    url = f"{faults.url}/session-hang"
    options: Dict[str, Any] = {"timeout": 3.0, "user_agent": agent}
    client: AnyClient = (
        authjs.AsyncClient(url, **options) if kind == "async" else authjs.Client(url, **options)
    )
    with serve_asgi(fastapi_app(client)) as base:
        slow: Dict[str, Reply] = {}

        def ask() -> None:
            slow["reply"] = get(base, "/optional", "next-auth.session-token=tok")

        thread = threading.Thread(target=ask)
        thread.start()
        # Wait until the hung lookup has reached the Auth.js server.
        deadline = time.monotonic() + 10
        while faults.requests(agent).get("GET /session-hang/session", 0) == 0:
            assert time.monotonic() < deadline, "the lookup never reached the server"
            time.sleep(0.01)
        quick = get(base, "/optional", "theme=dark")
        assert quick.status == 200 and quick.json()["name"] is None
        assert thread.is_alive(), "the hung lookup should still be waiting"
        thread.join(30)
    assert slow["reply"].status == 200
    assert slow["reply"].json()["error"] == "timeout"


def test_asgi_passes_websocket_and_lifespan_through(closed_port: int) -> None:
    """Only ``http`` scopes are looked up (a lookup here would fail: nothing listens)."""
    seen: List[Dict[str, Any]] = []

    async def inner(scope: Any, receive: Any, send: Any) -> None:
        seen.append(dict(scope))

    with authjs.Client(f"http://127.0.0.1:{closed_port}") as client:
        middleware = authjs.asgi.AuthjsMiddleware(inner, client=client)

        async def receive() -> Dict[str, Any]:
            return {"type": "lifespan.startup"}

        async def send(message: Any) -> None:
            pass

        for kind in ("websocket", "lifespan"):
            scope = {"type": kind, "headers": [(b"cookie", b"next-auth.session-token=t")]}
            asyncio.run(middleware(scope, receive, send))
    assert [s["type"] for s in seen] == ["websocket", "lifespan"]
    assert all(not any(k.startswith("authjs") for k in s) for s in seen)


def test_fastapi_dependencies(server: Server, kind: str) -> None:
    cookie = browser_cookie(server)
    client = make_client(server, kind)
    with serve_asgi(fastapi_app(client)) as base:
        check_signed_in(get(base, "/required", cookie), server)
        check_signed_in(get(base, "/optional", cookie), server)
        check_signed_in(get(base, "/annotated", cookie), server)
        assert get(base, "/error", cookie).json() == {"kind": None}

        anonymous = get(base, "/optional")
        assert anonymous.status == 200 and anonymous.json()["name"] is None
        for path in ("/required", "/annotated"):
            refused = get(base, path, "theme=dark")
            assert refused.status == 401
            assert refused.json() == {"detail": "not signed in"}
            assert refused.set_cookies == []


def test_fastapi_server_failure_is_signed_out_with_error(
    closed_port: int, caplog: pytest.LogCaptureFixture, kind: str
) -> None:
    """The Auth.js server is unreachable: public routes still answer (signed out), the
    required session is 502, and the log names the error's kind but no cookie."""
    server = make_auth_server("v5")
    cookie = browser_cookie(server)
    url = f"http://127.0.0.1:{closed_port}"
    client: AnyClient = authjs.AsyncClient(url) if kind == "async" else authjs.Client(url)
    with caplog.at_level(logging.WARNING, logger="authjs"):
        with serve_asgi(fastapi_app(client)) as base:
            optional = get(base, "/optional", cookie)
            required = get(base, "/required", cookie)
            error = get(base, "/error", cookie)
    assert optional.status == 200
    assert optional.json()["name"] is None and optional.json()["error"] == "network"
    assert required.status == 502
    assert error.json() == {"kind": "network"}
    assert optional.set_cookies == required.set_cookies == []
    messages = [r.getMessage() for r in caplog.records if r.name == "authjs"]
    assert messages and all("network" in m for m in messages)
    value = cookie.split("session-token=", 1)[1].split(";", 1)[0]
    assert all(value not in m for m in caplog.text.splitlines())


def test_fastapi_error_status_of_the_server(faults: Any, kind: str) -> None:
    """An Auth.js server answering 502 (the fault server): 502 for the required
    session, signed out for the rest; a browser's session cookie is not dropped."""
    url = f"{faults.url}/status-502"
    client: AnyClient = authjs.AsyncClient(url) if kind == "async" else authjs.Client(url)
    with serve_asgi(fastapi_app(client)) as base:
        cookie = "next-auth.session-token=tok"
        assert get(base, "/required", cookie).status == 502
        optional = get(base, "/optional", cookie)
        assert optional.json()["name"] is None
        assert optional.json()["error"] is not None
        assert optional.set_cookies == []


#: A session cookie no browser sends (a space in the value): the core refuses it
#: without a request, and the integrations handle it as signed out, with 401.
MALFORMED = "theme=dark; next-auth.session-token=se cret; authjs.session-token=se cret"


def test_fastapi_malformed_session_cookie_is_signed_out_without_request(
    kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    server = make_auth_server("v5")
    agent = unique_agent()
    client = make_client(server, kind, user_agent=agent)
    with caplog.at_level(logging.INFO, logger="authjs"):
        with serve_asgi(fastapi_app(client)) as base:
            optional = get(base, "/optional", MALFORMED)
            required = get(base, "/required", MALFORMED)
    assert optional.status == 200
    assert optional.json()["name"] is None
    assert optional.json()["error"] == "invalid_argument"
    assert required.status == 401 and required.json() == {"detail": "not signed in"}
    assert optional.set_cookies == required.set_cookies == []
    assert auth_requests(server, agent) == {}
    assert "cret" not in caplog.text


def test_asgi_closed_client_is_the_applications_error(kind: str) -> None:
    """A closed client is a bug of the application, not a signed-out user: 500."""
    server = make_auth_server("v4")
    cookie = browser_cookie(server)
    client = make_client(server, kind)
    if isinstance(client, authjs.AsyncClient):
        asyncio.run(client.aclose())
    else:
        client.close()
    app = fastapi_app(client)
    with serve_asgi(app) as base:
        assert get(base, "/optional", cookie).status == 500


def test_dependency_without_middleware_is_a_configuration_error() -> None:
    request = Request({"type": "http", "method": "GET", "path": "/", "headers": []})
    for dependency in (
        authjs.fastapi.session,
        authjs.fastapi.require_session,
        authjs.fastapi.lookup_error,
    ):
        with pytest.raises(RuntimeError, match="AuthjsMiddleware"):
            asyncio.run(dependency(request))


# ----- WSGI -----------------------------------------------------------------------------


def test_flask_session_in_g_and_cookie_reaches_browser(server: Server) -> None:
    cookie = browser_cookie(server)
    agent = unique_agent()
    with make_client(server, "sync", user_agent=agent) as client:
        assert isinstance(client, authjs.Client)
        with serve_wsgi(flask_app(client)) as base:
            first = get(base, "/whoami", cookie)
            check_signed_in(first, server)
            check_signed_in(get(base, "/required", pairs(first.set_cookies)), server)

            anonymous = get(base, "/whoami", "theme=dark")
            assert anonymous.json()["name"] is None and anonymous.set_cookies == []
            refused = get(base, "/required")
            assert refused.status == 401 and refused.set_cookies == []
        assert auth_requests(server, agent) == {"GET session": 2}


def test_flask_app_cookie_of_the_same_name_wins(server: Server) -> None:
    cookie = browser_cookie(server)
    with make_client(server, "sync") as client:
        assert isinstance(client, authjs.Client)
        with serve_wsgi(flask_app(client)) as base:
            reply = get(base, "/own-cookie", cookie)
    seen = reply.json()
    assert seen["name"] == "Alice Liddell"
    names = [c.split("=", 1)[0] for c in reply.set_cookies]
    forwarded = session_cookie_names(seen["set_cookies"])
    assert forwarded
    for name in forwarded:
        assert names.count(name) == 1, reply.set_cookies
        mine = next(c for c in reply.set_cookies if c.startswith(name + "="))
        assert mine not in seen["set_cookies"]
    assert names.count("theme") == 1


def test_flask_server_failure(closed_port: int) -> None:
    server = make_auth_server("v4")
    cookie = browser_cookie(server)
    with authjs.Client(f"http://127.0.0.1:{closed_port}") as client:
        with serve_wsgi(flask_app(client)) as base:
            seen = get(base, "/whoami", cookie)
            refused = get(base, "/required", cookie)
    assert seen.status == 200
    assert seen.json()["name"] is None and seen.json()["error"] == "network"
    assert refused.status == 502
    assert seen.set_cookies == refused.set_cookies == []


def test_flask_malformed_session_cookie_is_401() -> None:
    server = make_auth_server("v4")
    agent = unique_agent()
    with authjs.Client(server.url, user_agent=agent) as client:
        with serve_wsgi(flask_app(client)) as base:
            seen = get(base, "/whoami", MALFORMED)
            refused = get(base, "/required", MALFORMED)
    assert seen.json()["name"] is None and seen.json()["error"] == "invalid_argument"
    assert refused.status == 401
    assert auth_requests(server, agent) == {}


def test_plain_wsgi_app_and_chunked_session() -> None:
    server = make_auth_server("v4")
    cookie = browser_cookie(server, "carol")
    with make_client(server, "sync") as client:
        assert isinstance(client, authjs.Client)
        with serve_wsgi(plain_wsgi_app(client)) as base:
            reply = get(base, "/", cookie)
            seen = reply.json()
            assert seen["name"] == "Carol"
            assert len(session_cookie_names(seen["set_cookies"])) >= 3, seen["set_cookies"]
            assert reply.set_cookies == seen["set_cookies"]
            assert get(base, "/", pairs(reply.set_cookies)).json()["name"] == "Carol"


# ----- the rest -------------------------------------------------------------------------


def test_wrong_client_types_are_refused() -> None:
    with pytest.raises(TypeError, match="authjs.AsyncClient or authjs.Client"):
        authjs.asgi.AuthjsMiddleware(starlette_app, client="http://x")  # type: ignore[arg-type]
    client = authjs.AsyncClient("http://127.0.0.1:1")
    with pytest.raises(TypeError, match="WSGI is synchronous"):
        authjs.wsgi.AuthjsMiddleware(plain_wsgi_app, client)  # type: ignore[arg-type]


def test_flask_init_app_once() -> None:
    with authjs.Client("http://127.0.0.1:1") as client:
        app = Flask(__name__)
        authjs.wsgi.init_app(app, client)
        assert app.extensions["authjs"] is client
        with pytest.raises(RuntimeError, match="already"):
            authjs.wsgi.init_app(app, client)


def test_import_authjs_needs_no_framework() -> None:
    """``import authjs`` (and the framework-free middlewares) import no framework."""
    code = (
        "import sys, authjs, authjs.asgi, authjs.wsgi\n"
        "bad = sorted(m for m in ('fastapi', 'starlette', 'flask', 'werkzeug', 'pydantic')"
        " if m in sys.modules)\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_cookie_header_helpers() -> None:
    h: List[Tuple[bytes, bytes]] = [(b"cookie", b"a=1"), (b"Cookie", b"b=2"), (b"x", b"y")]
    assert authjs.asgi.cookie_header_of(h) == "a=1; b=2"
    assert authjs.asgi.cookie_header_of([(b"x", b"y")]) is None
    # Not UTF-8: passed on byte for byte.
    assert authjs.asgi.cookie_header_of([(b"cookie", b"a=\xff")]) == "a=\xff"
    out = authjs.asgi.forward_set_cookies(
        [(b"set-cookie", b"s=mine; Path=/")], ["s=theirs; Path=/", "t=1; HttpOnly"]
    )
    assert out == [(b"set-cookie", b"s=mine; Path=/"), (b"set-cookie", b"t=1; HttpOnly")]
    wout = authjs.wsgi.forward_set_cookies(
        [("Set-Cookie", "s=mine")], ["s=theirs", "t=1; Path=/"]
    )
    assert wout == [("Set-Cookie", "s=mine"), ("Set-Cookie", "t=1; Path=/")]


def test_example_fastapi_backend() -> None:
    """``examples/python/fastapi_backend.py``, served as it is, against v5 over https."""
    server = make_auth_server("v5-tls")
    cookie = browser_cookie(server)
    path = ROOT / "examples" / "python" / "fastapi_backend.py"
    spec = importlib.util.spec_from_file_location("fastapi_backend", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    app = module.create_app(server.url, ca_cert=server.ca)
    with serve_asgi(app) as base:
        me = get(base, "/me", cookie)
        assert me.status == 200, me.body
        assert me.json()["name"] == "Alice Liddell"
        assert session_cookie_names(me.set_cookies)
        assert get(base, "/me").status == 401
        assert get(base, "/").json() == {"signed_in": False}
        assert get(base, "/", pairs(me.set_cookies)).json() == {"signed_in": True}


def test_example_flask_backend() -> None:
    """``examples/python/flask_backend.py``, served as it is, against v4."""
    server = make_auth_server("v4")
    cookie = browser_cookie(server)
    path = ROOT / "examples" / "python" / "flask_backend.py"
    spec = importlib.util.spec_from_file_location("flask_backend", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    app, client = module.create_app(server.url)
    with client, serve_wsgi(app) as base:
        me = get(base, "/me", cookie)
        assert me.status == 200, me.body
        assert me.json()["name"] == "Alice Liddell"
        assert session_cookie_names(me.set_cookies)
        assert get(base, "/me").status == 401
