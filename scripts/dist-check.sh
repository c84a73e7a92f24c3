#!/usr/bin/env bash
# Proves every release artefact in ${AUTHJS_DIST_DIR:-dist}/ from a clean environment,
# against the real test servers (`make dist-check`; `make dist` first):
#
#   scripts/dist-check-python.sh   a fresh venv with no cargo/rustc installs the wheel,
#                                  runs examples/python/quickstart.py, mypy --strict
#   scripts/dist-check-crate.sh    a throw-away Cargo project builds and runs the Rust
#                                  example from the unpacked .crate; the MSRV builds
#   scripts/dist-check-c.sh        the unpacked, moved C archive builds examples/c and
#                                  examples/cpp with pkg-config and find_package(authjs),
#                                  shared and static, and runs them and its CLI
#
# Run it under the server launcher:
#   bash tests/servers/with-servers.sh bash scripts/dist-check.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export AUTHJS_DIST_DIR="${AUTHJS_DIST_DIR:-$ROOT/dist}"
: "${AUTHJS_TEST_V4_URL:?run under tests/servers/with-servers.sh (make dist-check does)}"

(cd "$AUTHJS_DIST_DIR" && sha256sum --quiet -c SHA256SUMS) \
  || { echo "dist-check.sh: dist/SHA256SUMS does not match: run make dist" >&2; exit 1; }

t() { local s=$SECONDS; "$@"; echo "== $* took $((SECONDS - s)) s" >&2; }
t bash scripts/dist-check-python.sh
t bash scripts/dist-check-crate.sh
t bash scripts/dist-check-c.sh
