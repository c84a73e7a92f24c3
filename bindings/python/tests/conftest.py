"""Fixtures: the real Auth.js test servers and the shared fault server (for the failures
a real server cannot be made to produce), all started by tests/servers/with-servers.sh.

The servers' locations come from the environment; when it is missing the tests FAIL
(they do not skip): a suite that silently runs nothing must not pass.
"""

from __future__ import annotations

import json
import os
import socket
import time
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, Optional, Tuple

import pytest

import authjs

# pytest's own fixture for testing plugins (tests/test_pytest_plugin.py).
pytest_plugins = ("pytester",)

LAUNCHER = "bash tests/servers/with-servers.sh bash scripts/test-python.sh"

# name -> (URL variable, mail-dir variable, uses TLS)
SERVERS: Dict[str, Tuple[str, str, bool]] = {
    "v4": ("AUTHJS_TEST_V4_URL", "AUTHJS_TEST_V4_MAIL_DIR", False),
    "v5": ("AUTHJS_TEST_V5_URL", "AUTHJS_TEST_V5_MAIL_DIR", False),
    "v5-tls": ("AUTHJS_TEST_V5_TLS_URL", "AUTHJS_TEST_V5_TLS_MAIL_DIR", True),
}

PASSWORDS = {"alice": "alice-password", "bob": "bob-password", "carol": "carol-password"}


def require_env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        pytest.fail(
            f"{name} is not set: these tests need the real Auth.js test servers; run them "
            f"under the launcher, e.g. `{LAUNCHER}`",
            pytrace=False,
        )
    return value


@dataclass
class Server:
    name: str
    url: str
    mail_dir: Path
    ca: Optional[str]

    @property
    def tls(self) -> bool:
        return self.ca is not None

    def client(self, **kwargs: Any) -> authjs.Client:
        if self.ca is not None:
            kwargs.setdefault("ca_cert", self.ca)
        return authjs.Client(self.url, **kwargs)

    def signed_in(self, user: str = "alice", **kwargs: Any) -> authjs.Client:
        c = self.client(**kwargs)
        res = c.sign_in("credentials", username=user, password=PASSWORDS[user])
        assert res.ok, res
        return c

    def magic_link(self, email: str, timeout: float = 10.0) -> str:
        """The link the server "mailed" to `email` (written to <mail dir>/<email>.txt)."""
        path = self.mail_dir / f"{email}.txt"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if path.exists():
                text = path.read_text().strip()
                if text:
                    return text
            time.sleep(0.05)
        raise AssertionError(f"no magic link for {email} in {self.mail_dir}")


def make_server(name: str) -> Server:
    url_var, mail_var, tls = SERVERS[name]
    url = require_env(url_var)
    mail_dir = Path(require_env(mail_var))
    ca = require_env("AUTHJS_TEST_CA") if tls else None
    return Server(name=name, url=url, mail_dir=mail_dir, ca=ca)


@pytest.fixture(params=list(SERVERS))
def server(request: pytest.FixtureRequest) -> Server:
    """Every real server: v4 (http), v5 (http), v5 over https."""
    return make_server(request.param)


@pytest.fixture(params=["v4", "v5"])
def http_server(request: pytest.FixtureRequest) -> Server:
    """The two plain-http servers (for tests where TLS adds nothing)."""
    return make_server(request.param)


@pytest.fixture
def tls_server() -> Server:
    return make_server("v5-tls")


@pytest.fixture
def client(server: Server) -> Iterator[authjs.Client]:
    with server.client() as c:
        yield c


@pytest.fixture
def alice(server: Server) -> Iterator[authjs.Client]:
    """A client signed in as alice."""
    with server.signed_in("alice") as c:
        yield c


@pytest.fixture
def unique_email() -> str:
    return f"someone-{uuid.uuid4().hex[:12]}@example.com"


@pytest.fixture
def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# ---------------------------------------------------------------------------------
# The shared fault server (tests/servers/with-servers.sh), for failures real servers
# cannot be made to produce on demand; the Rust and C suites use the same one
# ---------------------------------------------------------------------------------


@dataclass
class Faults:
    url: str

    def client(self, scenario: str, **kwargs: Any) -> authjs.Client:
        """A client of one scenario: its name is the base path (``/S/session``, ...)."""
        return authjs.Client(f"{self.url}/{scenario}", **kwargs)

    @staticmethod
    def user_agent() -> str:
        """A User-Agent of its own, so that :meth:`requests` counts only this test's."""
        return f"authjs-python-test-{uuid.uuid4().hex}"

    def requests(self, user_agent: str) -> Dict[str, int]:
        """How many requests with that User-Agent reached each route (``"GET /S/csrf"``)."""
        query = urllib.parse.urlencode({"ua": user_agent})
        # No proxy from the environment: the fault server is on loopback.
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(f"{self.url}/__requests?{query}", timeout=10) as r:
            log = json.load(r)
        return {str(k): int(v) for k, v in log["byRoute"].items()}


@pytest.fixture
def faults() -> Faults:
    return Faults(require_env("AUTHJS_TEST_FAULT_URL"))
