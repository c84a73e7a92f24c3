"""Every method of the Python API with full type annotations: `mypy --strict` checks
this file against the package's stubs (it is type-checked, not run, by the test suite).

Runs as a script too: `python examples/python/typed_usage.py URL [CA_PEM]`.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from pathlib import Path
from typing import Any, Dict, List, Optional

import authjs
from authjs import exceptions


def describe(session: Optional[authjs.Session]) -> str:
    if session is None:
        return "signed out"
    user: authjs.User = session.user
    name: Optional[str] = user.name
    email: Optional[str] = user.email
    image: Optional[str] = user.image
    expires: Optional[dt.datetime] = session.expires
    role: Any = session.get("role")
    everything: Dict[str, Any] = session.to_dict()
    return f"{name} <{email}> image={image is not None} role={role} until={expires} keys={sorted(everything)}"


def run(url: str, ca: Optional[str]) -> None:
    workdir = Path(tempfile.mkdtemp())
    jar = workdir / "jar.json"

    client: authjs.Client
    with authjs.Client(
        url,
        timeout=10.0,
        connect_timeout=5.0,
        ca_cert=ca,
        user_agent="typed-usage/1",
        cookie_file=jar,
        base_path="/api/auth",
    ) as client:
        token: str = client.get_csrf_token()
        assert token
        providers: Dict[str, authjs.Provider] = client.get_providers()
        for p in providers.values():
            kind: str = p.type
            print(p.id, p.name, kind, p.signin_url, p.callback_url)

        res: authjs.SignInResponse = client.sign_in(
            "credentials", callback_url="/", username="alice", password="alice-password"
        )
        ok: bool = res.ok
        status: int = res.status
        error: Optional[str] = res.error
        code: Optional[str] = res.code
        target: Optional[str] = res.url
        print(ok, status, error, code, target)

        print(describe(client.get_session()))
        updated: Optional[authjs.Session] = client.update_session({"name": "Alice"})
        print(describe(updated))

        me: authjs.Response = client.request("GET", "/api/me")
        body: Any = me.json()
        headers: Dict[str, str] = me.headers
        print(me.status, me.ok, me.text[:40], me.content[:10], headers.get("content-type"), body)
        client.request("POST", "/api/echo", json={"a": [1, 2]}, headers={"X-Test": "1"})
        client.request("POST", "/api/echo", data={"k": "v", "n": 1})
        client.request("POST", "/api/echo", data=b"raw", headers=[("Content-Type", "application/x")])

        header: str = client.cookie_header()
        assert header
        client.save_cookies(workdir / "copy.json")
        client.load_cookies(str(workdir / "copy.json"))

        oauth = client.sign_in("github", authorization_params={"prompt": "login"})
        print(oauth.url is not None)
        email = client.sign_in("email", email="typed@example.com")
        print(email.ok)
        try:
            client.complete_sign_in(f"{url}/api/auth/callback/email?token=x&email=typed%40example.com")
        except authjs.AuthjsError as e:
            print(e.kind)

        out: authjs.SignOutResponse = client.sign_out(callback_url="/")
        print(out.url, client.base_url, client.closed, repr(client))

    second = authjs.Client(url, ca_cert=Path(ca) if ca else None, cookie_header="a=b")
    try:
        second.sign_in("nope")
    except authjs.UnknownProviderError as e:
        known: tuple[str, ...] = e.known_ids
        print(known)
    except authjs.HTTPError as e:
        http_status: Optional[int] = e.status
        excerpt: Optional[str] = e.body_excerpt
        print(http_status, excerpt)
    except (authjs.TimeoutError, authjs.NetworkError, authjs.TLSError) as e:
        print("transport", e.kind, e.message)
    except (authjs.ProtocolError, authjs.CSRFError, authjs.UnsupportedProviderError) as e:
        print("server", e.kind, e.status)
    except authjs.InvalidArgumentError as e:
        print("argument", e.message)
    except authjs.CookieFileError as e:
        print("file", e.errno)
    finally:
        second.close()

    errs: List[type[exceptions.AuthjsError]] = [exceptions.AuthjsError, authjs.AuthjsError]
    print(errs, authjs.__version__)


if __name__ == "__main__":
    run(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None)
