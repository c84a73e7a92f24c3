#!/usr/bin/env bash
# Builds every release artefact into ${AUTHJS_DIST_DIR:-dist}/ (`make dist`):
#
#   authjs-VERSION.crate                     the Rust crate (scripts/dist-crate.sh)
#   authjs-VERSION-TARGET.tar.gz (+ .sha256) the C/C++ archive with the CLI (scripts/dist-c.sh)
#   authjs-VERSION.tar.gz                    the Python sdist (scripts/dist-python.sh)
#   authjs-VERSION-cp39-abi3-PLATFORM.whl    the Python wheel, built from the sdist
#   SHA256SUMS                               of all of them
#
# No server is needed; `make dist-check` (scripts/dist-check.sh) proves the artefacts
# from clean environments against the real test servers. docs/packaging.md says what is
# in each and how a user installs it.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
DIST="${AUTHJS_DIST_DIR:-$ROOT/dist}"
export AUTHJS_DIST_DIR="$DIST"
VERSION="$(sed -n 's/^version = "\([^"]*\)"/\1/p' Cargo.toml | head -n 1)"

# Artefacts of another version must not linger next to these ones.
mkdir -p "$DIST"
find "$DIST" -maxdepth 1 -type f -name 'authjs-*' ! -name "authjs-$VERSION*" -delete

t() { local s=$SECONDS; "$@"; echo "== $* took $((SECONDS - s)) s" >&2; }
t bash scripts/dist-crate.sh
t bash scripts/dist-c.sh
t bash scripts/dist-python.sh

(cd "$DIST" && sha256sum -- authjs-"$VERSION"* | grep -v '\.sha256$' >SHA256SUMS)
echo "dist: $(cd "$DIST" && ls -1 authjs-"$VERSION"* | tr '\n' ' ')" >&2
