#!/usr/bin/env bash
# Builds and installs the Python package `authjs` (bindings/python) into a private venv
# the way a user would (`pip install ./bindings/python`), then runs its pytest suite
# against the real Auth.js test servers, mypy --strict on the typed example and the
# package, stubtest on the native module's stubs, and the examples.
#
# Needs the servers' environment, so run it inside the launcher:
#
#   bash tests/servers/with-servers.sh bash scripts/test-python.sh
#
# Needs: python3 (>= 3.9, with venv/ensurepip), cargo/rustc, network access to PyPI,
# Debian's chromium and chromium-driver (the browser tests; $AUTHJS_TEST_CHROMIUM and
# $AUTHJS_TEST_CHROMEDRIVER name other binaries).
# The venv lives in $AUTHJS_PY_VENV (default: <cargo target dir>/python-test-venv).
# AUTHJS_PY_WHEEL=dist/authjs-<version>-cp39-abi3-<platform>.whl tests that wheel (as
# scripts/dist-python.sh built it) instead of building ./bindings/python: CI builds the
# extension once, and the suite runs against the artefact that ships.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# A relative AUTHJS_PY_WHEEL is relative to the caller's directory.
if [ -n "${AUTHJS_PY_WHEEL:-}" ] && [ "${AUTHJS_PY_WHEEL#/}" = "$AUTHJS_PY_WHEEL" ]; then
  AUTHJS_PY_WHEEL="$PWD/$AUTHJS_PY_WHEEL"
fi
cd "$ROOT"

log() { echo "test-python.sh: $*" >&2; }

# The wheel to test, when one is given (checked before the long tool install).
if [ -n "${AUTHJS_PY_WHEEL:-}" ]; then
  case "$AUTHJS_PY_WHEEL" in
    *.whl) ;;
    *)
      log "AUTHJS_PY_WHEEL=$AUTHJS_PY_WHEEL is not a .whl file"
      exit 2
      ;;
  esac
  if [ ! -f "$AUTHJS_PY_WHEEL" ]; then
    log "AUTHJS_PY_WHEEL names $AUTHJS_PY_WHEEL, which does not exist (scripts/dist-python.sh makes it)"
    exit 2
  fi
fi

# Pinned tools (all exist on PyPI; maturin >= 1.9.4 is what pyo3 0.30 expects).
MATURIN_VERSION="1.16.0"
PYTEST_VERSION="9.2.0"
MYPY_VERSION="2.4.1"
# Test-only: tests/test_async.py runs AsyncClient on uvloop as well as asyncio's loop.
UVLOOP_VERSION="0.23.0"
# Test-only: tests/test_browser.py and the examples drive Debian's Chromium with it
# (executable_path; `playwright install` is never run, its download is not used).
PLAYWRIGHT_VERSION="1.65.2"
# Test-only: examples/python/test_with_plugin.py (docs/testing.md) is a pytest-playwright
# suite; the main run below disables it (-p no:playwright) so its fixtures stay out.
PYTEST_PLAYWRIGHT_VERSION="0.10.0"
# Test-only: tests/test_webdriver.py drives Chromium through Debian's chromedriver with
# it (4.52.0 needs a certifi release that PyPI does not serve here).
SELENIUM_VERSION="4.51.0"
CHROMEDRIVER="${AUTHJS_TEST_CHROMEDRIVER:-/usr/bin/chromedriver}"
CHROMIUM="${AUTHJS_TEST_CHROMIUM:-/usr/bin/chromium}"
# Test-only: tests/test_integrations.py serves real Starlette/FastAPI apps on uvicorn and
# Flask apps on werkzeug (authjs.asgi, authjs.fastapi, authjs.wsgi); the package itself
# depends on none of them.
FASTAPI_VERSION="0.163.2"
STARLETTE_VERSION="1.10.0"
UVICORN_VERSION="0.54.0"
FLASK_VERSION="3.1.3"
WERKZEUG_VERSION="3.1.9"

for var in AUTHJS_TEST_V4_URL AUTHJS_TEST_V5_URL AUTHJS_TEST_V5_TLS_URL AUTHJS_TEST_CA AUTHJS_TEST_FAULT_URL; do
  if [ -z "${!var:-}" ]; then
    log "$var is not set: run this under the server launcher:"
    log "  bash tests/servers/with-servers.sh bash scripts/test-python.sh"
    exit 2
  fi
done

if [ ! -x "$CHROMIUM" ]; then
  log "$CHROMIUM is missing: the browser tests need Debian's chromium (apt-get install chromium)"
  exit 2
fi
export AUTHJS_TEST_CHROMIUM="$CHROMIUM"
if [ ! -x "$CHROMEDRIVER" ]; then
  log "$CHROMEDRIVER is missing: the Selenium tests need Debian's chromium-driver"
  exit 2
fi
export AUTHJS_TEST_CHROMEDRIVER="$CHROMEDRIVER"

PYTHON="${PYTHON:-python3}"
if ! "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 9) else 1)'; then
  log "$PYTHON is older than 3.9"
  exit 2
fi

TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
VENV="${AUTHJS_PY_VENV:-$TARGET_DIR/python-test-venv}"
if [ ! -x "$VENV/bin/python" ]; then
  log "creating the venv $VENV"
  "$PYTHON" -m venv "$VENV"
fi
PY="$VENV/bin/python"
export PIP_DISABLE_PIP_VERSION_CHECK=1

t0=$SECONDS
"$PY" -m pip install -q "maturin==$MATURIN_VERSION" "pytest==$PYTEST_VERSION" "mypy==$MYPY_VERSION" "uvloop==$UVLOOP_VERSION" \
  "playwright==$PLAYWRIGHT_VERSION" "pytest-playwright==$PYTEST_PLAYWRIGHT_VERSION" \
  "selenium==$SELENIUM_VERSION" \
  "fastapi==$FASTAPI_VERSION" "starlette==$STARLETTE_VERSION" "uvicorn==$UVICORN_VERSION" \
  "flask==$FLASK_VERSION" "werkzeug==$WERKZEUG_VERSION"
log "tools ready ($((SECONDS - t0)) s)"

# The package, exactly as a user installs it: the wheel named by AUTHJS_PY_WHEEL, or
# else built from ./bindings/python (build isolation on: the build backend comes from
# pyproject.toml, not from this venv).
t0=$SECONDS
if [ -n "${AUTHJS_PY_WHEEL:-}" ]; then
  "$PY" -m pip install -q --force-reinstall --no-deps --no-index "$AUTHJS_PY_WHEEL"
  log "pip install $(basename "$AUTHJS_PY_WHEEL"): $((SECONDS - t0)) s"
else
  "$PY" -m pip install -q --force-reinstall --no-deps ./bindings/python
  log "pip install ./bindings/python: $((SECONDS - t0)) s"
fi

# Import the installed copy, never the source tree.
cd "$TARGET_DIR"
"$PY" -c 'import authjs, sys; print("authjs", authjs.__version__, "from", authjs.__file__, file=sys.stderr)'
# The extension is self-contained: no C ABI symbols, and not named like libauthjs.
ext="$("$PY" -c 'import authjs._authjs as m; print(m.__file__)')"
if readelf -d "$ext" | grep -q 'SONAME.*libauthjs' || nm -D --defined-only "$ext" | grep -q ' authjs_'; then
  echo "test-python.sh: $ext carries libauthjs's soname or C symbols" >&2
  exit 1
fi

# pytest, its exit status and time; collecting no test is a failure (exit 5).
run_pytest() { # label, pytest args...
  local label="$1" status t0=$SECONDS
  shift
  set +e
  "$PY" -m pytest -q -p no:cacheprovider -p no:playwright "$@"
  status=$?
  set -e
  log "pytest ($label): exit $status ($((SECONDS - t0)) s)"
  if [ "$status" -eq 5 ]; then
    log "pytest ($label) collected no tests: that is a failure"
    exit 1
  fi
  if [ "$status" -ne 0 ]; then
    exit "$status"
  fi
}

TESTS="$ROOT/bindings/python/tests"
# The browser tests run on their own so that their time shows in the log.
BROWSER_TESTS=("$TESTS/test_browser.py" "$TESTS/test_webdriver.py" "$TESTS/test_testing_docs.py"
  "$TESTS/test_webview.py")
run_pytest "the package" "$TESTS" "${BROWSER_TESTS[@]/#/--ignore=}"
# --tb=short: a long traceback prints the arguments of every frame, and there a
# storageState argument would print its session cookies.
run_pytest "the browser tests, Chromium" --tb=short "${BROWSER_TESTS[@]}"

t0=$SECONDS
MYPY_CACHE="$TARGET_DIR/python-mypy-cache"
"$PY" -m mypy --strict --cache-dir "$MYPY_CACHE" \
  "$ROOT/examples/python/typed_usage.py" "$ROOT/examples/python/quickstart.py" \
  "$ROOT/examples/python/async_usage.py" \
  "$ROOT/examples/python/test_with_plugin.py" "$ROOT/examples/python/playwright_handoff.py" \
  "$ROOT/examples/python/webview_oauth.py" \
  "$ROOT/examples/python/fastapi_backend.py" "$ROOT/examples/python/flask_backend.py"
"$PY" -m mypy --strict --cache-dir "$MYPY_CACHE" -p authjs
log "mypy --strict: $((SECONDS - t0)) s"

# The hand-written stubs against the installed extension (what pydantic-core does):
# every name, signature and default of `_authjs.pyi` must match the module.
t0=$SECONDS
"$PY" -m mypy.stubtest authjs._authjs
log "stubtest authjs._authjs: $((SECONDS - t0)) s"

log "examples/python/quickstart.py against $AUTHJS_TEST_V4_URL"
"$PY" "$ROOT/examples/python/quickstart.py" "$AUTHJS_TEST_V4_URL"
log "examples/python/typed_usage.py against $AUTHJS_TEST_V5_TLS_URL"
"$PY" "$ROOT/examples/python/typed_usage.py" "$AUTHJS_TEST_V5_TLS_URL" "$AUTHJS_TEST_CA" >/dev/null

log "examples/python/async_usage.py against $AUTHJS_TEST_V5_TLS_URL"
"$PY" "$ROOT/examples/python/async_usage.py" "$AUTHJS_TEST_V5_TLS_URL" "$AUTHJS_TEST_CA" >/dev/null

log "all Python checks passed"
