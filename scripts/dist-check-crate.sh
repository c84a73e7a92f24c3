#!/usr/bin/env bash
# Proves the packaged crate from a clean place (part of `make dist-check`):
#
#   bash tests/servers/with-servers.sh bash scripts/dist-check-crate.sh
#
# 1. dist/authjs-VERSION.crate (scripts/dist-crate.sh makes it) holds what building
#    needs and nothing of the test servers, bindings, benchmarks or fuzz targets;
# 2. a throw-away Cargo project outside the repository, depending on the unpacked crate
#    by path with the dependency line the README gives Rust users, builds
#    examples/rust/quickstart.rs (copied from the crate itself) and runs it against a
#    real test server;
# 3. the crate builds with the MSRV it declares (rust-version), with that toolchain
#    installed by rustup; if rustup cannot install it here, the check says so loudly and
#    fails unless AUTHJS_MSRV_OPTIONAL=1.
# Needs: cargo, rustup, tar, the test servers' variables (AUTHJS_TEST_V5_URL).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIST="${AUTHJS_DIST_DIR:-$ROOT/dist}"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
VERSION="$(sed -n 's/^version = "\([^"]*\)"/\1/p' "$ROOT/Cargo.toml" | head -n 1)"
MSRV="$(sed -n 's/^rust-version = "\([^"]*\)"/\1/p' "$ROOT/Cargo.toml" | head -n 1)"
CRATE="$DIST/authjs-$VERSION.crate"
log() { echo "dist-check-crate.sh: $*" >&2; }
FAILED=0
ok() { echo "  ok  $*"; }
fail() { echo "FAIL $*"; FAILED=1; }

: "${AUTHJS_TEST_V5_URL:?run under tests/servers/with-servers.sh}"
[ -f "$CRATE" ] || { log "$CRATE is missing: run scripts/dist-crate.sh (make dist) first"; exit 2; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/authjs-crate-check.XXXXXXXX")"
trap 'rm -rf "$WORK"' EXIT
tar -xzf "$CRATE" -C "$WORK"
PKG="$WORK/authjs-$VERSION"

# --- 1. contents
t0=$SECONDS
(cd "$PKG" && find . -type f | sed 's|^\./||' | sort) >"$WORK/files.txt"
for need in Cargo.toml Cargo.toml.orig Cargo.lock build.rs src/lib.rs src/bin/authjs.rs \
  include/authjs.h include/authjs.hpp examples/rust/quickstart.rs README.md CHANGELOG.md \
  LICENSE-MIT LICENSE-APACHE; do
  if grep -qxF "$need" "$WORK/files.txt"; then :; else fail "the crate lacks $need"; fi
done
stray="$(grep -vE '^(Cargo\.toml|Cargo\.toml\.orig|Cargo\.lock|\.cargo_vcs_info\.json|build\.rs|README\.md|CHANGELOG\.md|LICENSE-MIT|LICENSE-APACHE|docs/cli\.md|tests/fixtures/jar-v1\.json|examples/rust/quickstart\.rs|include/authjs\.(h|hpp)|src/.*\.rs)$' "$WORK/files.txt" || true)"
if [ -z "$stray" ]; then
  ok "the crate holds $(wc -l <"$WORK/files.txt") files, all of them sources or release files ($(stat -c %s "$CRATE") bytes)"
else
  fail "the crate holds files it should not: $(echo "$stray" | tr '\n' ' ')"
fi
crate_version="$(sed -n 's/^version = "\([^"]*\)"/\1/p' "$PKG/Cargo.toml" | head -n 1)"
[ "$crate_version" = "$VERSION" ] && ok "packaged manifest version $crate_version" \
  || fail "packaged manifest says version '$crate_version', the workspace $VERSION"
grep -q '^path = "tests/fault-server"' "$PKG/Cargo.toml" && fail "the packaged manifest still names the path-only dev-dependency" \
  || ok "no path dependency in the packaged manifest"

# --- 2. a throw-away project depending on the unpacked crate by path
APP="$WORK/app"
mkdir -p "$APP/src"
cat >"$APP/Cargo.toml" <<TOML
[package]
name = "authjs-consumer"
version = "0.0.0"
edition = "2021"
publish = false

[workspace]

[dependencies]
authjs = { path = "$PKG", default-features = false, features = ["jwt"] }
TOML
cp "$PKG/examples/rust/quickstart.rs" "$APP/src/main.rs"
# The dependency versions the crate was packaged with (what a user resolving today gets
# may be newer; this proves the packaged sources, not the registry's future).
cp "$PKG/Cargo.lock" "$APP/Cargo.lock" 2>/dev/null || true
if (cd "$APP" && CARGO_TARGET_DIR="$TARGET_DIR" cargo build --quiet 2>"$WORK/build.log"); then
  ok "a new project builds examples/rust/quickstart.rs against the unpacked crate ($((SECONDS - t0)) s)"
  if "$TARGET_DIR/debug/authjs-consumer" "$AUTHJS_TEST_V5_URL" >"$WORK/run.log" 2>&1 \
    && grep -q '^signed in as Alice Liddell' "$WORK/run.log" && grep -q '^GET /api/me -> 200 ' "$WORK/run.log" \
    && grep -q '^signed out' "$WORK/run.log"; then
    ok "it signs in, calls the app and signs out against $AUTHJS_TEST_V5_URL"
  else
    fail "the example built from the crate did not run as expected:"
    sed 's/^/    /' "$WORK/run.log"
  fi
else
  fail "the throw-away project does not build against the unpacked crate:"
  sed 's/^/    /' "$WORK/build.log" | tail -n 40
fi

# --- 3. the declared MSRV
t0=$SECONDS
if rustup toolchain install "$MSRV" --profile minimal >"$WORK/rustup.log" 2>&1; then
  # The library with every user-facing feature and the CLI, from the packaged sources.
  if (cd "$PKG" && CARGO_TARGET_DIR="$TARGET_DIR/msrv" cargo "+$MSRV" check --quiet --locked \
    --lib --bins --features jwt 2>"$WORK/msrv.log"); then
    ok "the crate builds with its MSRV, Rust $MSRV ($((SECONDS - t0)) s)"
  else
    fail "the crate does not build with its declared MSRV, Rust $MSRV:"
    sed 's/^/    /' "$WORK/msrv.log" | tail -n 40
  fi
elif [ "${AUTHJS_MSRV_OPTIONAL:-0}" = 1 ]; then
  echo "  NOT CHECKED: rustup could not install Rust $MSRV here, so the MSRV was not built ($(tail -n 1 "$WORK/rustup.log"))"
else
  fail "rustup could not install Rust $MSRV to check the MSRV (AUTHJS_MSRV_OPTIONAL=1 reports this instead of failing):"
  sed 's/^/    /' "$WORK/rustup.log" | tail -n 5
fi

[ "$FAILED" = 0 ] && echo "crate checks passed" || { echo "crate checks FAILED"; exit 1; }
