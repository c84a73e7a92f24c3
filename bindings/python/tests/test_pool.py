"""Many users on one pool (issue 17), the Python mapping: ``Client.user`` handles and
``Client.lookup``, sync and async, against the real servers. The protocol is the core's
(``tests/pool.rs``); these check that the types come through."""

from __future__ import annotations

import asyncio
import urllib.parse
import uuid

import pytest

import authjs

from conftest import PASSWORDS, Server


def sign_in(c: authjs.Client, user: str) -> None:
    assert c.sign_in("credentials", username=user, password=PASSWORDS[user]).ok


def requests_of(server: Server, ua: str) -> int:
    with server.client() as probe:
        q = urllib.parse.quote(ua)
        r = probe.request("GET", f"/api/test/requests?ua={q}")
        return int(r.json()["total"])


def test_users_share_the_pool_not_the_jar(server: Server) -> None:
    with server.client() as base:
        alice, bob = base.user(), base.user()
        assert isinstance(alice, authjs.Client)
        sign_in(alice, "alice")
        sign_in(bob, "bob")
        a, b = alice.get_session(), bob.get_session()
        assert a is not None and a.user.name == "Alice Liddell"
        assert b is not None and b.user.name == "Bob"
        assert base.cookies() == [] and base.get_session() is None
        assert alice.base_url == base.base_url
        seeded = base.user(alice.cookie_header())
        s = seeded.get_session()
        assert s is not None and s.user.name == "Alice Liddell"
        # Closing a user handle leaves the base client and the others usable.
        alice.close()
        assert bob.get_session() is not None


def test_lookup_returns_session_and_set_cookies(server: Server) -> None:
    with server.signed_in("alice") as browser, server.client() as backend:
        header = browser.cookie_header()
        found = backend.lookup(header)
        assert isinstance(found, authjs.Lookup)
        assert found.session is not None and found.session.user.name == "Alice Liddell"
        assert found.set_cookies and all(isinstance(c, str) for c in found.set_cookies)
        assert any("session-token" in c and "Path=/" in c for c in found.set_cookies)
        # The repr names the cookies but never holds their values.
        text = repr(found)
        assert "session-token" in text
        for pair in header.split("; "):
            assert pair.split("=", 1)[1] not in text
        for c in found.set_cookies:
            assert c.split(";", 1)[0].split("=", 1)[1] not in text
        # The backend's own jar is untouched.
        assert backend.cookies() == []


def test_lookup_without_a_session_cookie_makes_no_request(server: Server) -> None:
    ua = f"authjs-py-pool/{uuid.uuid4().hex}"
    with server.client(user_agent=ua) as backend:
        for h in (None, "", "theme=dark; flag"):
            found = backend.lookup(h)
            assert found.session is None and found.set_cookies == []
        assert requests_of(server, ua) == 0
        with pytest.raises(authjs.InvalidArgumentError) as e:
            backend.lookup("authjs.session-token=bad value")
        assert "bad value" not in str(e.value)
        with pytest.raises(TypeError):
            backend.lookup(42)  # type: ignore[arg-type]
        assert requests_of(server, ua) == 0


def test_user_of_a_closed_client_raises(server: Server) -> None:
    c = server.client()
    c.close()
    with pytest.raises(authjs.InvalidArgumentError, match="closed"):
        c.user()
    with pytest.raises(authjs.InvalidArgumentError, match="closed"):
        c.lookup("")


def test_async_user_and_lookup(server: Server) -> None:
    kwargs = {"ca_cert": server.ca} if server.ca else {}

    async def main() -> None:
        async with authjs.AsyncClient(server.url, **kwargs) as base:
            alice = base.user()
            assert isinstance(alice, authjs.AsyncClient)
            assert (await alice.sign_in("credentials", username="alice", password=PASSWORDS["alice"])).ok
            header = await alice.cookie_header()
            found, again = await asyncio.gather(base.lookup(header), base.lookup(header))
            for f in (found, again):
                assert isinstance(f, authjs.Lookup)
                assert f.session is not None and f.session.user.name == "Alice Liddell"
            assert (await base.lookup(None)).session is None
            # The handle runs on its parent's threads and closes without stopping them.
            await alice.aclose()
            assert alice.closed
            assert (await base.lookup(header)).session is not None
        assert base.threads == 0

    asyncio.run(main())
