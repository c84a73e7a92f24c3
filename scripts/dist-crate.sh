#!/usr/bin/env bash
# Packages the `authjs` crate the way `cargo publish` would, without uploading:
#
#   bash scripts/dist-crate.sh          (part of `make dist`)
#
# Runs `cargo package` (package, then build the packaged sources alone, lib and CLI, in
# target/package/) and `cargo publish --dry-run`, and copies the `.crate` to ${AUTHJS_DIST_DIR:-dist}/.
# Fails on any cargo warning except the one intended exclusion: the integration tests
# (tests/*.rs) are not shipped, because they need the real test servers of
# tests/servers/ and a path-only dev-dependency (tests/fault-server).
# The working tree must be committed (as in CI); AUTHJS_DIST_ALLOW_DIRTY=1 packages
# uncommitted changes while developing.
# Needs: cargo, and the crates.io index (the dry run resolves the dependencies as a
# registry user would). Honours CARGO_TARGET_DIR (the verification reuses its cache).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
DIST="${AUTHJS_DIST_DIR:-$ROOT/dist}"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
VERSION="$(sed -n 's/^version = "\([^"]*\)"/\1/p' Cargo.toml | head -n 1)"
log() { echo "dist-crate.sh: $*" >&2; }

mkdir -p "$DIST"
dirty=()
[ "${AUTHJS_DIST_ALLOW_DIRTY:-0}" = 1 ] && dirty=(--allow-dirty)

t0=$SECONDS
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
# `cargo package` builds the packaged sources alone (lib and CLI); the publish dry run
# then makes the registry-side checks of a real upload without building again.
for cmd in "package --locked" "publish --dry-run --no-verify --locked"; do
  # shellcheck disable=SC2086
  if ! cargo $cmd "${dirty[@]}" -p authjs >"$out" 2>&1; then
    cat "$out" >&2
    log "cargo $cmd failed"
    exit 1
  fi
  unexpected="$(grep -E '^warning' "$out" \
    | grep -vE '^warning: ignoring test `[a-z0-9_]+` as `tests/[a-z0-9_]+\.rs` is not included in the published package$' \
    | grep -vE '^warning: aborting upload due to dry run$' || true)"
  if [ -n "$unexpected" ]; then
    cat "$out" >&2
    log "cargo $cmd warned:"
    echo "$unexpected" >&2
    exit 1
  fi
  packaged="$(grep -E '^ +Packaged ' "$out" | sed 's/^ *//' || true)"
done
crate="$TARGET_DIR/package/authjs-$VERSION.crate"
[ -f "$crate" ] || { log "$crate is missing after the dry run"; exit 1; }
cp "$crate" "$DIST/"
log "$packaged"
log "dist/authjs-$VERSION.crate: $(stat -c %s "$DIST/authjs-$VERSION.crate") bytes, verified by building it alone ($((SECONDS - t0)) s)"
