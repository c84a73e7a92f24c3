#!/usr/bin/env bash
# Every suite, in order (`make test`). Run it through `make test`, which starts the real
# Auth.js servers (tests/servers/with-servers.sh) and exports their URLs. Each suite
# also runs alone: `make test-rust`, `make test-c`, `make test-python`.
set -euo pipefail
cd "$(dirname "$0")/.."

: "${AUTHJS_TEST_V4_URL:?run through make test (tests/servers/with-servers.sh)}"

t() { local s=$(date +%s); "$@"; echo "== $* took $(( $(date +%s) - s )) s" >&2; }

t bash scripts/test-rust.sh
# C and C++: install into a temp prefix, link shared and static, run against the real
# servers, then under valgrind and ASan/UBSan.
t bash scripts/test-c.sh
# Python: builds the package into a venv, pytest against the real servers, mypy.
t bash scripts/test-python.sh
