"""The two examples of docs/testing.md, run as a user runs them (a fresh process each,
credentials in the environment) against the real servers, with Debian's Chromium."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Dict

import pytest

from conftest import PASSWORDS, require_env

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "python"
CHROMIUM = os.environ.get("AUTHJS_TEST_CHROMIUM", "/usr/bin/chromium")


def example_env(url: str, user: str) -> Dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("AUTHJS_", "PYTEST_")) or k.startswith("AUTHJS_TEST_")
    }
    env.update(
        AUTHJS_URL=url,
        AUTHJS_USERNAME=user,
        AUTHJS_PASSWORD=PASSWORDS[user],
        CHROMIUM_EXECUTABLE=CHROMIUM,
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


# Each example once (a fresh Chromium each, ~5 s); test_browser.py covers every server.


def test_playwright_handoff_example(tmp_path: Path) -> None:
    url = require_env("AUTHJS_TEST_V5_URL")
    proc = subprocess.run(
        [sys.executable, str(EXAMPLES / "playwright_handoff.py"), url, "/me"],
        env=example_env(url, "carol"),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("browser, from authjs: carol@example.com"), proc.stdout
    assert lines[1] == "authjs, from the browser: signed in as carol@example.com", proc.stdout


def test_pytest_example(tmp_path: Path) -> None:
    """examples/python/test_with_plugin.py under pytest-playwright and the authjs plugin
    (enabled by AUTHJS_URL alone, as in a user's CI)."""
    url = require_env("AUTHJS_TEST_V4_URL")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            str(EXAMPLES / "test_with_plugin.py"),
            "-p",
            "no:cacheprovider",
            "--output",
            str(tmp_path / "playwright-output"),
            "-q",
        ],
        env=example_env(url, "alice"),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "3 passed" in proc.stdout, proc.stdout
    assert PASSWORDS["alice"] not in proc.stdout + proc.stderr
