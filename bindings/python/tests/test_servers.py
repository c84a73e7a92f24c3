"""One representative flow per further server (the Rust suite runs every operation
against every server; docs/servers.md lists what differs): next-auth 4.22, next-auth 5
in a Next.js App Router app (http and https), database sessions (v4 and v5) and
@auth/express mounted at /auth. The bindings only convert types, so these check that
the conversions hold on each server generation, not the protocol again."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Optional

import pytest

import authjs

from conftest import PASSWORDS, Server, require_env


def launched(var: str, name: str, tls: bool = False) -> Server:
    """The server the launcher exported as AUTHJS_TEST_<var>_URL."""
    url = require_env(f"AUTHJS_TEST_{var}_URL")
    mail_dir = Path(require_env(f"AUTHJS_TEST_{var}_MAIL_DIR"))
    ca: Optional[str] = require_env("AUTHJS_TEST_CA") if tls else None
    return Server(name=name, url=url, mail_dir=mail_dir, ca=ca)


def localhost(server: Server) -> Server:
    """next-auth 5 in Next.js names itself localhost in every URL it returns, so its
    clients use that URL (the launcher exports the 127.0.0.1 one it listens on)."""
    url = server.url.replace("127.0.0.1", "localhost", 1)
    return Server(name=server.name, url=url, mail_dir=server.mail_dir, ca=server.ca)


def email() -> str:
    return f"py-{uuid.uuid4().hex[:12]}@example.com"


def credentials_flow(server: Server, origin: str) -> None:
    with server.client() as c:
        res = c.sign_in("credentials", username="alice", password=PASSWORDS["alice"])
        assert res.ok and res.status == 200 and res.url == origin, res
        session = c.get_session()
        assert session is not None and session.user.email == "alice@example.com"
        assert session["role"] == "admin"
        updated = c.update_session({"name": "Py Renamed"})
        assert updated is not None and updated.user.name == "Py Renamed"
        assert c.request("GET", "/api/me").json()["user"]["name"] == "Py Renamed"
        assert c.sign_out().url == origin
        assert c.get_session() is None


@pytest.mark.parametrize(
    "var,name,tls",
    [("V4_22", "v4-22", False), ("V5_NEXT", "v5-next", False), ("V5_NEXT_TLS", "v5-next-tls", True)],
)
def test_credentials_flow_on_each_generation(var: str, name: str, tls: bool) -> None:
    server = launched(var, name, tls)
    if name.startswith("v5-next"):
        server = localhost(server)
    credentials_flow(server, server.url)


def test_next_auth_5_magic_link_names_localhost() -> None:
    listen = launched("V5_NEXT", "v5-next")
    public = localhost(listen)
    address = email()
    with listen.client() as c:
        assert c.sign_in("email", email=address).ok
        link = public.magic_link(address)
        assert link.startswith(f"{public.url}/api/auth/callback/email?")
        # Configured with 127.0.0.1, the client will not send its cookies to localhost.
        with pytest.raises(authjs.InvalidArgumentError) as info:
            c.complete_sign_in(link)
        assert public.url in str(info.value)
        assert "token=" not in str(info.value)
    with public.client() as c:
        assert c.complete_sign_in(link).ok
        session = c.get_session()
        assert session is not None and session.user.email == address


@pytest.mark.parametrize("var,name", [("V4_DB", "v4-db"), ("V5_DB", "v5-db")])
def test_database_sessions(var: str, name: str) -> None:
    server = launched(var, name)
    # Credentials make no database session: the server answers like a success, and
    # the first session read finds nothing.
    with server.client() as c:
        res = c.sign_in("credentials", username="alice", password=PASSWORDS["alice"])
        assert res.ok and res.status == 200, res
        assert c.get_session() is None
    # Email sign-in does; sign-out deletes it server-side.
    address = email()
    with server.client() as c:
        assert c.sign_in("email", email=address).ok
        assert c.complete_sign_in(server.magic_link(address)).ok
        session = c.get_session()
        assert session is not None and session.user.email == address
        header = c.cookie_header()
        with server.client(cookie_header=header) as twin:
            assert twin.get_session() is not None
        c.sign_out()
        with server.client(cookie_header=header) as replay:
            assert replay.get_session() is None


def test_base_path_from_the_url_and_configured() -> None:
    server = launched("V5_BASEPATH", "v5-basepath")
    assert server.url.endswith("/auth")
    origin = server.url[: -len("/auth")]
    for c in (server.client(), authjs.Client(origin, base_path="/auth")):
        with c:
            providers = c.get_providers()
            assert providers["github"].signin_url == f"{origin}/auth/signin/github"
            res = c.sign_in("credentials", username="alice", password=PASSWORDS["alice"])
            assert res.ok, res
            assert c.request("GET", "/api/me").status == 200
            c.sign_out()
    with authjs.Client(origin) as wrong:
        with pytest.raises(authjs.HTTPError) as info:
            wrong.get_session()
        assert info.value.status == 404
        assert "base path" in str(info.value)
