"""The pytest plugin (``authjs.pytest_plugin``, entry point ``pytest11``), run with
pytest's own ``pytester`` against the real v5 test server.

The inner runs happen in this process; the package is installed in the venv, so its
entry point is loaded by each of them exactly as in a user's project.
"""

from __future__ import annotations

import json
import os
import ssl
import urllib.parse
import urllib.request
import uuid
from typing import Dict

import pytest

from conftest import PASSWORDS, require_env

PLUGIN_ENV = (
    "AUTHJS_URL",
    "AUTHJS_USERNAME",
    "AUTHJS_PASSWORD",
    "AUTHJS_PROVIDER",
    "AUTHJS_USERNAME_FIELD",
    "AUTHJS_CA_CERT",
    "AUTHJS_USER_AGENT",
    "PYTEST_ADDOPTS",
    "PYTEST_DISABLE_PLUGIN_AUTOLOAD",
    "PYTEST_PLUGINS",
)


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No setting of the plugin (nor of pytest) leaks in from the outer environment."""
    for var in PLUGIN_ENV:
        monkeypatch.delenv(var, raising=False)
    return monkeypatch


@pytest.fixture
def user_agent() -> str:
    """A User-Agent of the inner run's own, for the server's request counter."""
    return f"authjs-pytest-plugin-test-{uuid.uuid4().hex}"


def auth_requests(url: str, user_agent: str) -> Dict[str, int]:
    """Requests to the server's ``/api/auth/*`` with that User-Agent, by route."""
    query = urllib.parse.urlencode({"ua": user_agent})
    handlers: list = [urllib.request.ProxyHandler({})]
    if url.startswith("https:"):
        ca = require_env("AUTHJS_TEST_CA")
        handlers.append(urllib.request.HTTPSHandler(context=ssl.create_default_context(cafile=ca)))
    opener = urllib.request.build_opener(*handlers)
    with opener.open(f"{url}/api/test/requests?{query}", timeout=10) as r:
        return {str(k): int(v) for k, v in json.load(r)["byRoute"].items()}


def report_lines(result: pytest.RunResult) -> list:
    return [line for line in result.outlines if line.startswith("authjs:")]


UNRELATED_TESTS = """
import sys

import pytest

def test_plain():
    assert 1 + 1 == 2

def test_fixtures_module_not_even_imported():
    assert "authjs._pytest_fixtures" not in sys.modules

def test_no_authjs_fixture(request):
    with pytest.raises(pytest.FixtureLookupError):
        request.getfixturevalue("authjs_client")
"""


def test_unrelated_run_is_untouched(pytester: pytest.Pytester, clean_env: pytest.MonkeyPatch) -> None:
    # Credentials alone do not opt in (a URL, or -p authjs, does).
    clean_env.setenv("AUTHJS_USERNAME", "alice")
    pytester.makepyfile(test_other=UNRELATED_TESTS)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=3)
    assert report_lines(result) == []

    fixtures = pytester.runpytest("--fixtures", "-p", "no:cacheprovider")
    assert fixtures.ret == 0
    assert "authjs_" not in fixtures.stdout.str()

    # It is installed all the same: its options are there.
    usage = pytester.runpytest("--help")
    assert "--authjs-url" in usage.stdout.str()


def test_signs_in_once_per_session_and_out_at_the_end(
    pytester: pytest.Pytester, clean_env: pytest.MonkeyPatch, user_agent: str
) -> None:
    url = require_env("AUTHJS_TEST_V5_URL")
    clean_env.setenv("AUTHJS_URL", url)
    clean_env.setenv("AUTHJS_USERNAME", "alice")
    clean_env.setenv("AUTHJS_PASSWORD", PASSWORDS["alice"])
    clean_env.setenv("AUTHJS_USER_AGENT", user_agent)
    pytester.makepyfile(
        test_app="""
        SEEN = []

        def test_a(authjs_client):
            SEEN.append(id(authjs_client))
            assert authjs_client.get_session().user.email == "alice@example.com"

        def test_b(authjs_client):
            SEEN.append(id(authjs_client))
            me = authjs_client.request("GET", "/api/me")
            assert me.status == 200 and me.json()["uid"] == "1"

        def test_one_client():
            assert len(SEEN) == 2 and len(set(SEEN)) == 1

        def test_settings_hide_the_password(authjs_settings):
            assert authjs_settings.username == "alice"
            assert "password" not in repr(authjs_settings)
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=4)
    # The header names the server (redacted by the core) and the user, never a secret.
    assert report_lines(result) == [f"authjs: {url}/ (user alice)"]
    counts = auth_requests(url, user_agent)
    assert counts.get("POST callback/credentials") == 1, counts
    assert counts.get("POST signout") == 1, counts


def test_user_factory_from_ini(pytester: pytest.Pytester, clean_env: pytest.MonkeyPatch, user_agent: str) -> None:
    """The ini file alone activates it; the factory needs no default credentials."""
    url = require_env("AUTHJS_TEST_V5_TLS_URL")
    pytester.makeini(
        f"""
        [pytest]
        authjs_url = {url}
        authjs_ca_cert = {require_env("AUTHJS_TEST_CA")}
        authjs_user_agent = {user_agent}
        """
    )
    pytester.makepyfile(
        test_users="""
        def test_users(authjs_user_factory):
            bob = authjs_user_factory("bob", "bob-password")
            carol = authjs_user_factory("carol", "carol-password")
            assert bob is authjs_user_factory("bob", "bob-password")
            assert bob.get_session().user.email == "bob@example.com"
            assert carol.get_session()["paddingLength"] == 6000

        def test_again(authjs_user_factory):
            assert authjs_user_factory("carol", "carol-password").get_session().user.name == "Carol"
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
    counts = auth_requests(url, user_agent)
    assert counts.get("POST callback/credentials") == 2, counts
    assert counts.get("POST signout") == 2, counts


def test_storage_state_file(pytester: pytest.Pytester, clean_env: pytest.MonkeyPatch) -> None:
    url = require_env("AUTHJS_TEST_V5_URL")
    clean_env.setenv("AUTHJS_USERNAME", "carol")
    clean_env.setenv("AUTHJS_PASSWORD", PASSWORDS["carol"])
    pytester.makepyfile(
        test_state=f"""
        import json, os, stat
        import authjs

        def test_state(authjs_storage_state):
            assert stat.S_IMODE(os.stat(authjs_storage_state).st_mode) == 0o600
            with open(authjs_storage_state) as f:
                state = json.load(f)
            names = sorted(c["name"] for c in state["cookies"] if "session-token" in c["name"])
            assert names == ["authjs.session-token.0", "authjs.session-token.1", "authjs.session-token.2"]
            with authjs.Client({url!r}) as other:
                other.load_storage_state(authjs_storage_state)
                assert other.get_session().user.email == "carol@example.com"

        def test_named_after_the_worker(authjs_storage_state):
            worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
            assert os.path.basename(authjs_storage_state) == f"storage-state-{{worker}}.json"
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider", f"--authjs-url={url}")
    result.assert_outcomes(passed=2)
    # As an xdist worker sees it (each worker is a session of its own).
    clean_env.setenv("PYTEST_XDIST_WORKER", "gw3")
    result = pytester.runpytest("-p", "no:cacheprovider", f"--authjs-url={url}")
    result.assert_outcomes(passed=2)


def test_credentials_never_from_argv(pytester: pytest.Pytester, clean_env: pytest.MonkeyPatch) -> None:
    pytester.makepyfile(test_other=UNRELATED_TESTS)
    for arg in ("--authjs-password=secret", "--authjs-username=alice"):
        result = pytester.runpytest(arg)
        assert result.ret == pytest.ExitCode.USAGE_ERROR
        assert "unrecognized arguments" in result.stderr.str()


def test_missing_credentials_and_url_fail_clearly(pytester: pytest.Pytester, clean_env: pytest.MonkeyPatch) -> None:
    pytester.makepyfile(
        test_app="""
        def test_client(authjs_client):
            pass
        """
    )
    # -p authjs opts in without a URL: the fixture says what is missing.
    result = pytester.runpytest("-p", "authjs", "-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    assert "no Auth.js URL: pass --authjs-url, set AUTHJS_URL" in result.stdout.str()

    clean_env.setenv("AUTHJS_URL", require_env("AUTHJS_TEST_V5_URL"))
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    assert "authjs_client needs credentials: set AUTHJS_USERNAME and AUTHJS_PASSWORD" in result.stdout.str()


def test_refused_sign_in_names_no_password(pytester: pytest.Pytester, clean_env: pytest.MonkeyPatch) -> None:
    password = f"wrong-{uuid.uuid4().hex}"
    clean_env.setenv("AUTHJS_URL", require_env("AUTHJS_TEST_V4_URL"))
    clean_env.setenv("AUTHJS_USERNAME", "alice")
    clean_env.setenv("AUTHJS_PASSWORD", password)
    pytester.makepyfile(
        test_app="""
        def test_client(authjs_client):
            pass
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "-vv", "--showlocals")
    result.assert_outcomes(errors=1)
    out = result.stdout.str() + result.stderr.str()
    assert "authjs: signing in 'alice' with provider 'credentials'" in out
    assert "CredentialsSignin" in out
    assert password not in out


def test_dash_p_without_autoload(pytester: pytest.Pytester, clean_env: pytest.MonkeyPatch) -> None:
    """With PYTEST_DISABLE_PLUGIN_AUTOLOAD, ``-p authjs`` (the entry point's name) loads it."""
    clean_env.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    url = require_env("AUTHJS_TEST_V5_URL")
    pytester.makepyfile(test_other=UNRELATED_TESTS)
    result = pytester.runpytest(f"--authjs-url={url}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR

    clean_env.setenv("AUTHJS_USERNAME", "bob")
    clean_env.setenv("AUTHJS_PASSWORD", PASSWORDS["bob"])
    pytester.makepyfile(
        test_app="""
        def test_client(authjs_client):
            assert authjs_client.get_session().user.name == "Bob"
        """
    )
    result = pytester.runpytest("-p", "authjs", f"--authjs-url={url}", "test_app.py")
    result.assert_outcomes(passed=1)
    assert os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] == "1"
