#!/usr/bin/env bash
# The Rust suites (`make test-rust`): format, lints, unit and integration tests against
# the real servers, doc tests, the fuzz entry points, the Rust example. Run through
# tests/servers/with-servers.sh, which starts the servers and exports their URLs.
set -euo pipefail
cd "$(dirname "$0")/.."

: "${AUTHJS_TEST_V4_URL:?run through make test-rust (tests/servers/with-servers.sh)}"

t() { local s=$(date +%s); "$@"; echo "== $* took $(( $(date +%s) - s )) s" >&2; }

t cargo fmt --all --check
t cargo clippy --workspace --all-targets -- -D warnings
# The C library as scripts/install.sh builds it: without the `jwt` feature.
t cargo clippy --lib --no-default-features --features capi -- -D warnings
# Unit tests, the client against every real server, the CLI, the header check; the
# default features include `cli`, hence `jwt`, so tests/tokens.rs runs here too.
t cargo test --all-targets
t cargo test --doc
# The fuzz entry points (built only with the `fuzzing` feature) on a few inputs.
t cargo test --lib --features fuzzing fuzz::
# The Rust example, against a real server.
t cargo run --quiet --example quickstart -- "$AUTHJS_TEST_V5_URL"
