#!/usr/bin/env bash
# Every suite, in order (`make test`). Run it through `make test`, which starts the real
# Auth.js servers (tests/servers/with-servers.sh) and exports their URLs. Each suite
# also runs alone: `make test-rust`, `make test-c`, `make test-python`, `make dist` +
# `make dist-check`.
set -euo pipefail
cd "$(dirname "$0")/.."

: "${AUTHJS_TEST_V4_URL:?run through make test (tests/servers/with-servers.sh)}"

t() { local s=$(date +%s); "$@"; echo "== $* took $(( $(date +%s) - s )) s" >&2; }

t bash scripts/test-rust.sh
# C and C++: install into a temp prefix, link shared and static, run against the real
# servers, then under valgrind and ASan/UBSan.
t bash scripts/test-c.sh
# The release artefacts (docs/packaging.md), after the C suite so that the C archive
# reuses its release build; the Python suite then tests the very wheel that ships,
# built once, from the sdist.
export AUTHJS_DIST_DIR="${AUTHJS_DIST_DIR:-$PWD/dist}"
t bash scripts/dist.sh
VERSION="$(sed -n 's/^version = "\([^"]*\)"/\1/p' Cargo.toml | head -n 1)"
wheels=("$AUTHJS_DIST_DIR"/authjs-"$VERSION"-cp39-abi3-*.whl)
[ "${#wheels[@]}" = 1 ] && [ -f "${wheels[0]}" ] \
  || { echo "test-all.sh: expected one wheel in $AUTHJS_DIST_DIR, found: ${wheels[*]}" >&2; exit 1; }
# Python: the wheel installed into a venv, pytest against the real servers, mypy, stubtest.
AUTHJS_PY_WHEEL="${wheels[0]}" t bash scripts/test-python.sh
# Each artefact installed and used from a clean place.
t bash scripts/dist-check.sh
