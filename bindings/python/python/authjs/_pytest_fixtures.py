"""The fixtures of :mod:`authjs.pytest_plugin`, registered only when the plugin is
active (see there for the settings)."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

import pytest

import authjs

from .pytest_plugin import setting


@dataclass(frozen=True)
class AuthjsSettings:
    """The plugin's resolved settings. ``password`` is left out of ``repr``."""

    url: str
    username: Optional[str]
    password: Optional[str] = field(repr=False)
    provider: str
    username_field: str
    ca_cert: Optional[str]
    user_agent: Optional[str]

    @classmethod
    def from_config(cls, config: pytest.Config) -> AuthjsSettings:
        url = setting(config, "authjs_url")
        if url is None:
            raise pytest.UsageError(
                "authjs: no Auth.js URL: pass --authjs-url, set AUTHJS_URL or the ini "
                "setting authjs_url"
            )
        return cls(
            url=url,
            username=setting(config, "authjs_username"),
            password=setting(config, "authjs_password"),
            provider=setting(config, "authjs_provider") or "credentials",
            username_field=setting(config, "authjs_username_field") or "username",
            ca_cert=setting(config, "authjs_ca_cert"),
            user_agent=setting(config, "authjs_user_agent"),
        )

    def client(self) -> authjs.Client:
        """A new, signed-out client of the configured server."""
        return authjs.Client(self.url, ca_cert=self.ca_cert, user_agent=self.user_agent)


def _worker_id() -> str:
    """pytest-xdist's worker id (``gw0``, ...), or ``main`` without xdist."""
    return os.environ.get("PYTEST_XDIST_WORKER") or "main"


class UserFactory:
    """``factory(username, password, **fields)``: a client signed in as that user.

    Each user signs in once per session (the same arguments return the same client);
    every client is signed out and closed when the session ends. The clients are
    shared by every test of the session: a test that changes its user's session (an
    update, a sign-out) should sign in a user of its own.
    """

    def __init__(self, settings: AuthjsSettings) -> None:
        self._settings = settings
        self._clients: Dict[Tuple[str, str, Tuple[Tuple[str, str], ...]], authjs.Client] = {}

    def __call__(self, username: str, password: str, **fields: str) -> authjs.Client:
        key = (username, password, tuple(sorted(fields.items())))
        client = self._clients.get(key)
        if client is None:
            client = self._sign_in(username, password, fields)
            self._clients[key] = client
        return client

    def _sign_in(self, username: str, password: str, fields: Dict[str, str]) -> authjs.Client:
        s = self._settings
        client = s.client()
        try:
            credentials = {s.username_field: username, "password": password, **fields}
            res = client.sign_in(
                s.provider, callback_url=None, authorization_params=None, **credentials
            )
        except BaseException:
            client.close()
            raise
        if not res.ok:
            client.close()
            # The user name and the server's error code only: never the password.
            pytest.fail(
                f"authjs: signing in {username!r} with provider {s.provider!r} at {s.url} "
                f"failed: {res.error or f'HTTP {res.status}'}",
                pytrace=False,
            )
        return client

    def sign_out_all(self) -> None:
        """Signs every client out (even when one sign-out fails), then closes them."""
        errors: List[BaseException] = []
        for client in self._clients.values():
            try:
                client.sign_out()
            except authjs.AuthjsError as err:
                errors.append(err)
            finally:
                client.close()
        self._clients.clear()
        if errors:
            raise errors[0]


@pytest.fixture(scope="session")
def authjs_settings(pytestconfig: pytest.Config) -> AuthjsSettings:
    """The plugin's settings (URL, provider, user name; the password is not shown)."""
    return AuthjsSettings.from_config(pytestconfig)


@pytest.fixture(scope="session")
def authjs_user_factory(authjs_settings: AuthjsSettings) -> Iterator[UserFactory]:
    """``factory(username, password, **fields)`` signs in a user once per session."""
    factory = UserFactory(authjs_settings)
    try:
        yield factory
    finally:
        factory.sign_out_all()


@pytest.fixture(scope="session")
def authjs_client(authjs_settings: AuthjsSettings, authjs_user_factory: UserFactory) -> authjs.Client:
    """A client signed in with ``AUTHJS_USERNAME``/``AUTHJS_PASSWORD`` (or the ini
    settings), once per session, signed out at its end."""
    s = authjs_settings
    if not s.username or not s.password:
        pytest.fail(
            "authjs: authjs_client needs credentials: set AUTHJS_USERNAME and "
            "AUTHJS_PASSWORD (or the ini settings authjs_username / authjs_password)",
            pytrace=False,
        )
    return authjs_user_factory(s.username, s.password)


@pytest.fixture(scope="session")
def authjs_storage_state(authjs_client: authjs.Client, tmp_path_factory: pytest.TempPathFactory) -> str:
    """Path of a Playwright ``storageState`` file holding ``authjs_client``'s session,
    written once per session (per xdist worker) with mode 0600: it holds the session
    cookies. For pytest-playwright::

        @pytest.fixture(scope="session")
        def browser_context_args(browser_context_args, authjs_storage_state):
            return {**browser_context_args, "storage_state": authjs_storage_state}
    """
    path = tmp_path_factory.mktemp("authjs") / f"storage-state-{_safe(_worker_id())}.json"
    _write_private(path, json.dumps(authjs_client.storage_state(), indent=2))
    return str(path)


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)


def _write_private(path: Path, text: str) -> None:
    """Writes a new file readable by its owner only (it holds credentials)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)


def pytest_report_header(config: pytest.Config) -> Any:
    url = setting(config, "authjs_url")
    if url is None:
        return None
    user = setting(config, "authjs_username")
    return f"authjs: {authjs._authjs.redact_url(url)}" + (f" (user {user})" if user else "")
