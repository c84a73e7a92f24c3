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
# Python: builds the package into a venv, pytest against the real servers, mypy.
t bash scripts/test-python.sh
