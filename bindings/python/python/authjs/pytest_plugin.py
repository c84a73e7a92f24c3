"""pytest fixtures for testing an app behind Auth.js: signed-in sessions, made once.

Installed with the package (entry point ``pytest11``, name ``authjs``) but **opt-in**:
until a run names an Auth.js server it only adds its options, so it never changes
another project's tests. It is active when any of these is given:

- ``--authjs-url URL`` on the command line,
- the environment variable ``AUTHJS_URL``,
- the ini setting ``authjs_url`` (``pytest.ini``, ``[tool.pytest.ini_options]``),
- ``-p authjs`` (then the URL must come from one of the above).

The fixtures (all session-scoped: one sign-in per user per test session, and so per
xdist worker, each worker being a session of its own; every client is signed out at
the end):

- ``authjs_client``: an :class:`authjs.Client` signed in with the configured
  credentials;
- ``authjs_user_factory``: ``factory(username, password, **fields)`` signs in another
  user (once per session; the same call returns the same client);
- ``authjs_storage_state``: the path of a Playwright ``storageState`` JSON file of
  ``authjs_client``'s session (mode 0600), for pytest-playwright's
  ``browser_context_args`` or ``browser.new_context(storage_state=...)``;
- ``authjs_settings``: the resolved :class:`AuthjsSettings`.

For type hints, ``from authjs.pytest_plugin import AuthjsSettings, UserFactory``.

Credentials never come from the command line (argv is visible to every process of the
machine and lands in CI logs): ``AUTHJS_USERNAME`` / ``AUTHJS_PASSWORD``, or the ini
settings ``authjs_username`` / ``authjs_password`` (for throw-away test users only).
The rest, each an ini setting or an environment variable: ``authjs_provider`` /
``AUTHJS_PROVIDER`` (default ``credentials``), ``authjs_username_field`` /
``AUTHJS_USERNAME_FIELD`` (the provider's field for the user name, default
``username``), ``authjs_ca_cert`` / ``AUTHJS_CA_CERT`` (a PEM file of an extra root CA),
``authjs_user_agent`` / ``AUTHJS_USER_AGENT``. An environment variable wins over the
ini file, and ``--authjs-url`` over both. See docs/testing.md.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Optional

import pytest

if TYPE_CHECKING:
    from ._pytest_fixtures import AuthjsSettings, UserFactory

__all__ = ["AuthjsSettings", "UserFactory", "is_active", "setting"]

#: The name of the fixtures' plugin once registered (``config.pluginmanager.get_plugin``).
FIXTURES_PLUGIN = "authjs-fixtures"

# (ini name, environment variable, help)
_SETTINGS = (
    ("authjs_url", "AUTHJS_URL", "URL of the Auth.js app (NEXTAUTH_URL style); activates the plugin"),
    ("authjs_username", "AUTHJS_USERNAME", "user name of authjs_client"),
    ("authjs_password", "AUTHJS_PASSWORD", "password of authjs_client (prefer the environment)"),
    ("authjs_provider", "AUTHJS_PROVIDER", "provider id to sign in with (default: credentials)"),
    ("authjs_username_field", "AUTHJS_USERNAME_FIELD", "provider field of the user name (default: username)"),
    ("authjs_ca_cert", "AUTHJS_CA_CERT", "PEM file of an extra trusted root CA"),
    ("authjs_user_agent", "AUTHJS_USER_AGENT", "User-Agent of the fixtures' clients"),
)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("authjs", "authjs: signed-in Auth.js sessions (opt-in)")
    # Only the URL is a command-line option: credentials never come from argv.
    group.addoption(
        "--authjs-url",
        dest="authjs_url",
        default=None,
        metavar="URL",
        help="URL of the Auth.js app to sign in to; activates the authjs fixtures",
    )
    for ini, env, text in _SETTINGS:
        parser.addini(ini, f"{text} (env {env})", type="string", default="")


def setting(config: pytest.Config, ini: str) -> Optional[str]:
    """One setting: ``--authjs-url`` (the URL only), then the environment, then the ini
    file; ``None`` when none of them gives a non-empty value."""
    if ini == "authjs_url":
        value = config.getoption("authjs_url", default=None)
        if value:
            return str(value)
    env = next(env for name, env, _ in _SETTINGS if name == ini)
    value = os.environ.get(env) or config.getini(ini)
    return str(value) if value else None


def is_active(config: pytest.Config) -> bool:
    """Whether this run asked for the plugin: a URL from any source, or ``-p authjs``."""
    requested = getattr(config.option, "plugins", None) or []
    return setting(config, "authjs_url") is not None or "authjs" in requested


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    # The fixtures live in a module of their own, registered only when asked for, so an
    # inactive plugin adds no fixture, no report line and no network call to a run.
    if is_active(config) and not config.pluginmanager.has_plugin(FIXTURES_PLUGIN):
        from . import _pytest_fixtures

        config.pluginmanager.register(_pytest_fixtures, FIXTURES_PLUGIN)


def __getattr__(name: str) -> Any:
    # The fixtures' types, for annotations, without importing their module (and so
    # without any of it) into a run that never opted in.
    if name in ("AuthjsSettings", "UserFactory"):
        from . import _pytest_fixtures

        return getattr(_pytest_fixtures, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
