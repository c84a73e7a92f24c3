"""Every method of authjs.Client against the real v4 and v5 servers (and v5 over TLS)."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

import authjs

from conftest import PASSWORDS, Server


def test_version() -> None:
    assert isinstance(authjs.__version__, str) and authjs.__version__.count(".") == 2


def test_signed_out_session_is_none(client: authjs.Client) -> None:
    assert client.get_session() is None


def test_csrf_token(client: authjs.Client) -> None:
    token = client.get_csrf_token()
    assert isinstance(token, str) and len(token) >= 16
    # Stable for the lifetime of the CSRF cookie.
    assert client.get_csrf_token() == token


def test_providers(server: Server, client: authjs.Client) -> None:
    providers = client.get_providers()
    assert sorted(providers) == ["credentials", "email", "github", "oidc", "oidc-form"]
    gh = providers["github"]
    assert isinstance(gh, authjs.Provider)
    assert (gh.id, gh.name, gh.type) == ("github", "GitHub", "oauth")
    assert gh.signin_url == f"{server.url}/api/auth/signin/github"
    assert gh.callback_url == f"{server.url}/api/auth/callback/github"
    assert providers["credentials"].type == "credentials"
    assert providers["email"].type == "email"
    assert gh == authjs.Provider(**{**gh.__dict__})


def test_sign_in_me_update_sign_out(server: Server, client: authjs.Client) -> None:
    res = client.sign_in("credentials", username="alice", password="alice-password")
    assert isinstance(res, authjs.SignInResponse)
    assert res.ok and res.error is None and res.code is None
    assert res.status == 200
    assert (res.url or "").rstrip("/") == server.url

    session = client.get_session()
    assert isinstance(session, authjs.Session)
    assert session.user == authjs.User(
        name="Alice Liddell",
        email="alice@example.com",
        image="https://example.com/alice.png",
    )
    assert session["role"] == "admin"
    assert session.get("uid") == "1"
    assert "role" in session and "nope" not in session
    assert session.get("nope") is None
    assert session.extra["role"] == "admin"
    exp = session.expires
    assert isinstance(exp, dt.datetime) and exp.tzinfo is not None
    assert exp > dt.datetime.now(dt.timezone.utc)
    d = session.to_dict()
    assert d["user"]["email"] == "alice@example.com" and d["role"] == "admin"
    assert isinstance(d["expires"], str)
    d["role"] = "changed"  # a copy
    assert session["role"] == "admin"

    me = client.request("GET", "/api/me")
    assert isinstance(me, authjs.Response)
    assert me.status == 200 and me.ok
    assert me.json()["user"]["name"] == "Alice Liddell"
    assert me.json()["role"] == "admin"
    assert "application/json" in (me.header("Content-Type") or "")

    updated = client.update_session({"name": "New Name"})
    assert updated is not None
    assert updated.user.name == "New Name"
    assert updated.user.email == "alice@example.com"
    again = client.get_session()
    assert again is not None and again.user.name == "New Name"
    assert client.request("GET", "/api/me").json()["user"]["name"] == "New Name"

    refreshed = client.update_session()
    assert refreshed is not None and refreshed.user.name == "New Name"

    out = client.sign_out()
    assert isinstance(out, authjs.SignOutResponse)
    assert out.url.rstrip("/") == server.url
    assert client.get_session() is None
    assert client.request("GET", "/api/me").status == 401


def test_user_without_image(server: Server) -> None:
    with server.signed_in("bob") as c:
        s = c.get_session()
        assert s is not None
        assert s.user.name == "Bob" and s.user.image is None
        assert s["role"] == "user"


def test_chunked_session_cookie(server: Server) -> None:
    with server.signed_in("carol") as c:
        s = c.get_session()
        assert s is not None and s.user.name == "Carol"
        assert s["paddingLength"] == 6000
        assert c.request("GET", "/api/me").json()["user"]["email"] == "carol@example.com"


def test_wrong_password(client: authjs.Client) -> None:
    res = client.sign_in("credentials", username="alice", password="wrong")
    assert not res.ok
    assert res.error == "CredentialsSignin"
    assert res.url is None
    assert client.get_session() is None


def test_authorize_throws(client: authjs.Client) -> None:
    res = client.sign_in("credentials", username="crash", password="x")
    assert not res.ok and res.error


def test_callback_urls(server: Server, client: authjs.Client) -> None:
    res = client.sign_in(
        "credentials", callback_url="/dashboard", username="alice", password="alice-password"
    )
    assert res.ok and res.url == f"{server.url}/dashboard"
    out = client.sign_out(callback_url="/bye")
    assert out.url == f"{server.url}/bye"


def test_sign_in_without_provider(server: Server, client: authjs.Client) -> None:
    res = client.sign_in()
    assert res.ok and res.status == 0
    assert res.url is not None and res.url.startswith(f"{server.url}/api/auth/signin?")
    assert parse_qs(urlsplit(res.url).query)["callbackUrl"] == [server.url]


def test_non_string_fields_are_sent_as_text(client: authjs.Client) -> None:
    # int/bool values become form text; an unknown user is a refused sign-in.
    res = client.sign_in("credentials", username=12345, password=True)
    assert not res.ok and res.error == "CredentialsSignin"


def test_oauth_sign_in_returns_authorize_url(server: Server, client: authjs.Client) -> None:
    res = client.sign_in("github", authorization_params={"prompt": "login"})
    assert res.ok and res.error is None
    assert res.url is not None
    parts = urlsplit(res.url)
    assert (parts.scheme, parts.netloc, parts.path) == (
        "https",
        "github.com",
        "/login/oauth/authorize",
    )
    query = parse_qs(parts.query)
    assert query["client_id"] == ["fake-client-id"]
    assert query["redirect_uri"] == [f"{server.url}/api/auth/callback/github"]
    assert query["prompt"] == ["login"]
    # The state/PKCE cookies stay in the jar for complete_sign_in.
    assert "state" in query or "code_challenge" in query


def test_email_magic_link(server: Server, client: authjs.Client, unique_email: str) -> None:
    res = client.sign_in("email", email=unique_email)
    assert res.ok, res
    assert res.url is not None and "verify-request" in res.url
    assert client.get_session() is None

    link = server.magic_link(unique_email)
    assert link.startswith(f"{server.url}/api/auth/callback/email?")
    done = client.complete_sign_in(link)
    assert done.ok, done
    assert done.error is None
    session = client.get_session()
    assert session is not None
    assert session.user.email == unique_email
    # A link is single-use.
    again = client.complete_sign_in(link)
    assert not again.ok and again.error


def test_complete_sign_in_refuses_other_origins(client: authjs.Client) -> None:
    with pytest.raises(authjs.InvalidArgumentError):
        client.complete_sign_in("https://evil.example/api/auth/callback/email?token=x")


def test_request_bodies(alice: authjs.Client) -> None:
    r = alice.request("POST", "/api/echo", json={"a": [1, 2.5, None, True], "b": "é"})
    echo = r.json()
    assert echo["method"] == "POST"
    assert echo["contentType"].startswith("application/json")
    assert json.loads(echo["body"]) == {"a": [1, 2.5, None, True], "b": "é"}

    echo = alice.request("PUT", "/api/echo", data={"x": "1 2", "n": 3, "t": True}).json()
    assert echo["method"] == "PUT"
    assert echo["contentType"].startswith("application/x-www-form-urlencoded")
    assert echo["body"] == "x=1+2&n=3&t=true"

    echo = alice.request("POST", "/api/echo", data=[("k", "1"), ("k", "2")]).json()
    assert echo["body"] == "k=1&k=2"

    echo = alice.request("POST", "/api/echo", data="plain text").json()
    assert echo["contentType"].startswith("text/plain")
    assert echo["body"] == "plain text"

    echo = alice.request(
        "POST", "/api/echo", data=b"<x/>", headers={"Content-Type": "application/xml"}
    ).json()
    assert echo == {"method": "POST", "contentType": "application/xml", "body": "<x/>"}

    echo = alice.request(
        "PATCH",
        "/api/echo",
        json={"op": "x"},
        headers=[("Content-Type", "application/merge-patch+json")],
    ).json()
    assert echo["contentType"] == "application/merge-patch+json"
    assert json.loads(echo["body"]) == {"op": "x"}

    echo = alice.request("DELETE", "/api/echo", headers={"X-Test": "1"}).json()
    assert echo["method"] == "DELETE"


def test_request_unauthenticated_is_a_response(client: authjs.Client) -> None:
    r = client.request("GET", "/api/me")
    assert r.status == 401 and not r.ok
    assert r.json() == {"error": "unauthenticated"}
    assert "401" in repr(r)


def test_request_absolute_url_of_same_origin(server: Server, alice: authjs.Client) -> None:
    r = alice.request("GET", f"{server.url}/api/me")
    assert r.status == 200


def test_response_json_error_is_protocol_error(client: authjs.Client) -> None:
    r = client.request("GET", "/no-such-page")
    assert r.status == 404
    with pytest.raises(authjs.ProtocolError) as info:
        r.json()
    assert info.value.status == 404
    assert info.value.kind == "protocol"
    assert info.value.body_excerpt
    assert r.text.strip() != ""


def test_cookie_header_round_trip(server: Server, alice: authjs.Client) -> None:
    header = alice.cookie_header()
    assert "session-token=" in header
    with server.client(cookie_header=header) as other:
        s = other.get_session()
        assert s is not None and s.user.name == "Alice Liddell"


def test_cookie_file_persistence(server: Server, tmp_path: Path) -> None:
    path = tmp_path / "jar.json"
    with server.client(cookie_file=path) as first:
        assert first.sign_in("credentials", username="alice", password="alice-password").ok
    assert path.exists()
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600

    # A second client (as a second process would) is signed in without signing in.
    with server.client(cookie_file=str(path)) as second:
        s = second.get_session()
        assert s is not None and s.user.email == "alice@example.com"
        second.sign_out()
    with server.client(cookie_file=path) as third:
        assert third.get_session() is None


def test_save_and_load_cookies(server: Server, alice: authjs.Client, tmp_path: Path) -> None:
    path = tmp_path / "saved.json"
    alice.save_cookies(path)
    assert path.exists()
    with server.client() as other:
        assert other.get_session() is None
        other.load_cookies(str(path))
        s = other.get_session()
        assert s is not None and s.user.name == "Alice Liddell"


def test_context_manager_and_close(server: Server) -> None:
    with server.client() as c:
        assert not c.closed
        assert c.get_session() is None
    assert c.closed
    with pytest.raises(authjs.InvalidArgumentError, match="closed"):
        c.get_session()
    with pytest.raises(authjs.InvalidArgumentError):
        c.request("GET", "/api/me")
    with pytest.raises(ValueError):
        with c:
            pass
    c.close()  # idempotent
    assert "closed" in repr(c)


def test_reprs_hide_secrets(server: Server, tmp_path: Path) -> None:
    password = PASSWORDS["alice"]
    with server.client(cookie_file=tmp_path / "jar.json") as c:
        res = c.sign_in("credentials", username="alice", password=password)
        token = c.get_csrf_token()
        cookie_values = [
            part.split("=", 1)[1] for part in c.cookie_header().split("; ") if "=" in part
        ]
        assert cookie_values
        session = c.get_session()
        oauth = c.sign_in("github")
        texts = [
            repr(c),
            str(c),
            repr(res),
            repr(session),
            repr(oauth),
            repr(c.request("GET", "/api/me")),
            repr(c.get_providers()),
        ]
        assert "cookies=" in repr(c)
        assert server.url in repr(c)
        for text in texts:
            assert password not in text
            assert token not in text
            for v in cookie_values:
                assert v not in text, text
        # The OAuth state lives in the authorize URL's query: not shown.
        assert oauth.url is not None
        query = urlsplit(oauth.url).query
        assert query and query not in repr(oauth)
        assert "?<redacted>" in repr(oauth)


def test_tls_with_ca_as_pem_bytes_and_text(tls_server: Server) -> None:
    assert tls_server.ca is not None
    pem = Path(tls_server.ca).read_bytes()
    for ca in (pem, pem.decode(), Path(tls_server.ca)):
        with authjs.Client(tls_server.url, ca_cert=ca) as c:
            assert c.get_session() is None
            assert "credentials" in c.get_providers()


def test_user_agent_and_timeouts(server: Server) -> None:
    with server.client(user_agent="authjs-pytest/1", timeout=10.0, connect_timeout=2.0) as c:
        assert c.request("GET", "/api/slow?ms=10").json() == {"slept": 10}


def test_base_path_explicit(server: Server) -> None:
    with server.client(base_path="/api/auth/") as c:
        assert c.base_url == f"{server.url}/api/auth"
        assert "github" in c.get_providers()
    with authjs.Client(f"{server.url}/api/auth", ca_cert=server.ca) as c:
        assert c.base_url == f"{server.url}/api/auth"
        assert c.get_session() is None


def test_complete_sign_in_form(server: Server) -> None:
    """The form_post completion maps to the core's (the OIDC flow itself, with the test
    OpenID provider's pages, is tested once, in tests/oauth.rs): the fields reach the
    server as a POST body, which refuses a state this client's flow did not send (v4:
    OAuthCallback, v5: Configuration) and leaves the session alone."""
    c = server.signed_in()
    started = c.sign_in("oidc-form")
    assert started.ok and started.url is not None and "response_mode=form_post" in started.url
    action = f"{server.url}/api/auth/callback/oidc-form"
    bad = c.complete_sign_in_form(action, {"code": "py-code", "state": "forged"})
    assert isinstance(bad, authjs.SignInResponse)
    assert not bad.ok and bad.url is None
    assert bad.error in ("OAuthCallback", "Configuration"), bad
    page = (
        f'<form method="post" action="{action}"><input type="hidden" name="code" '
        'value="py-code"><input type="hidden" name="state" value="forged"></form>'
    )
    assert c.complete_sign_in_form_html(page).error == bad.error
    session = c.get_session()
    assert session is not None and session.user.email == "alice@example.com"

    with pytest.raises(authjs.InvalidArgumentError):
        c.complete_sign_in_form(action, [("code", "x")])  # type: ignore[arg-type]
    with pytest.raises(authjs.InvalidArgumentError):
        c.complete_sign_in_form_html("<p>no form here</p>")
    with pytest.raises(authjs.InvalidArgumentError) as info:
        c.complete_sign_in_form("https://evil.example/cb", {"code": "secret-code"})
    assert "secret-code" not in str(info.value) and "secret-code" not in repr(info.value)
    with pytest.raises(TypeError):
        c.complete_sign_in_form(b"/cb", {})  # type: ignore[arg-type]
