#!/usr/bin/env bash
# Every suite, in order. Run it through `make test`, which starts the real Auth.js
# servers (tests/servers/with-servers.sh) and exports their URLs.
set -euo pipefail
cd "$(dirname "$0")/.."

: "${AUTHJS_TEST_V4_URL:?run through make test (tests/servers/with-servers.sh)}"

t() { local s=$(date +%s); "$@"; echo "== $* took $(( $(date +%s) - s )) s" >&2; }

t cargo fmt --all --check
t cargo clippy --workspace --all-targets -- -D warnings
# Rust: unit tests, the client against the real servers, the CLI, the header check.
t cargo test --all-targets
t cargo test --doc
# The Rust example, against a real server.
t cargo run --quiet --example quickstart -- "$AUTHJS_TEST_V5_URL"
# C and C++: install into a temp prefix, link shared and static, run against the real
# servers, then under valgrind and ASan/UBSan.
t bash scripts/test-c.sh
# Python: builds the package into a venv, pytest against the real servers, mypy.
t bash scripts/test-python.sh
