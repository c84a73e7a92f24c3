#!/usr/bin/env bash
# Builds the C/C++ release archive of libauthjs (issue 18; docs/packaging.md):
#
#   bash scripts/dist-c.sh          (part of `make dist`; needs no test server)
#
# writes, into ${AUTHJS_DIST_DIR:-dist}/:
#
#   authjs-$VERSION-$TARGET.tar.gz         top directory authjs-$VERSION-$TARGET/:
#     include/authjs.h, include/authjs.hpp
#     lib/libauthjs.so.$VERSION (stripped), libauthjs.so.0 -> it, libauthjs.so -> .so.0
#     lib/libauthjs.a (debug info stripped, symbols kept)
#     lib/pkgconfig/authjs.pc                (relocatable: prefix=${pcfiledir}/../..)
#     lib/cmake/authjs/authjsConfig.cmake, authjsConfigVersion.cmake  (relocatable)
#     bin/authjs                             (the CLI; Rust crates linked in statically)
#     share/doc/authjs/README.md, CHANGELOG.md, LICENSE-MIT, LICENSE-APACHE
#   authjs-$VERSION-$TARGET.tar.gz.sha256  (sha256sum format)
#
# The library part is scripts/install.sh, the very `cargo rustc` build that
# scripts/test-c.sh runs, so in CI it comes from the cache. The tarball is
# reproducible: sorted names, owner 0:0, mtimes = SOURCE_DATE_EPOCH (default: the last
# commit's time), gzip -n.
#
# Needs: cargo, rustc, strip, readelf, tar, gzip, sha256sum. Honours CARGO,
# CARGO_TARGET_DIR (default ./target), AUTHJS_DIST_DIR, SOURCE_DATE_EPOCH.
# scripts/dist-check-c.sh tests the result.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CARGO="${CARGO:-cargo}"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
DIST_DIR="${AUTHJS_DIST_DIR:-$ROOT/dist}"

die() {
  echo "dist-c.sh: $*" >&2
  exit 2
}
for tool in "$CARGO" rustc strip readelf tar gzip sha256sum; do
  command -v "$tool" >/dev/null 2>&1 || die "'$tool' is required (Debian: binutils tar gzip coreutils; Rust: rustup)"
done

VERSION="$(sed -n 's/^version = "\([^"]*\)"/\1/p' "$ROOT/Cargo.toml" | head -n 1)"
[ -n "$VERSION" ] || die "no version in $ROOT/Cargo.toml"
MAJOR="${VERSION%%.*}"
TARGET="$(rustc -vV | sed -n 's/^host: //p')"
[ -n "$TARGET" ] || die "rustc -vV names no host target"
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
  SOURCE_DATE_EPOCH="$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || echo 0)"
fi
case "$SOURCE_DATE_EPOCH" in
  '' | *[!0-9]*) die "SOURCE_DATE_EPOCH must be a number of seconds, not '$SOURCE_DATE_EPOCH'" ;;
esac
NAME="authjs-$VERSION-$TARGET"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/authjs-dist-c.XXXXXXXX")"
trap 'rm -rf "$WORK"' EXIT
STAGE="$WORK/$NAME"

STEP_START=$SECONDS
declare -a TIMINGS=()
step() { # name
  echo "=== $1"
  STEP_START=$SECONDS
}
step_done() { # label
  TIMINGS+=("$1: $((SECONDS - STEP_START))s")
}

# ---------------------------------------------------------------------------------
step "library: scripts/install.sh into the staging directory (relocatable .pc)"
# The library first, the CLI second: both builds write target/release/deps/libauthjs.so
# (the CLI's build of the lib has other features), so the other order would make
# install.sh's build stale and rebuild it here every time.
AUTHJS_RELOCATABLE=1 bash "$ROOT/scripts/install.sh" "$STAGE" >"$WORK/install.log" 2>&1 \
  || { cat "$WORK/install.log"; die "scripts/install.sh failed"; }
step_done "library (scripts/install.sh, cargo rustc --release --lib)"

# ---------------------------------------------------------------------------------
step "CLI: cargo build --release --bin authjs (default features)"
(cd "$ROOT" && "$CARGO" build --release --bin authjs) >"$WORK/cli.log" 2>&1 \
  || { cat "$WORK/cli.log"; die "cargo build --release --bin authjs failed"; }
install -d "$STAGE/bin"
install -m 0755 "$TARGET_DIR/release/authjs" "$STAGE/bin/authjs"
step_done "CLI (cargo build --release --bin authjs)"

# ---------------------------------------------------------------------------------
step "strip, docs, sanity checks"
# The shared library and the CLI lose every symbol not needed for dynamic linking
# (the exported authjs_* functions are in .dynsym and stay). The archive keeps its
# symbol tables and relocations, which a static link needs, and loses only debug
# information (mostly the Rust standard library's): strip -g, 41 MB -> 29 MB.
strip --strip-unneeded "$STAGE/lib/libauthjs.so.$VERSION" "$STAGE/bin/authjs"
strip -g "$STAGE/lib/libauthjs.a"

DOC="$STAGE/share/doc/authjs"
install -d "$DOC"
install -m 0644 "$ROOT/README.md" "$ROOT/CHANGELOG.md" "$ROOT/LICENSE-MIT" "$ROOT/LICENSE-APACHE" "$DOC/"

readelf -d "$STAGE/lib/libauthjs.so.$VERSION" | grep -q "SONAME.*\[libauthjs\.so\.$MAJOR\]" \
  || die "lib/libauthjs.so.$VERSION has no soname libauthjs.so.$MAJOR"
# The CLI links the Rust crates statically: only the C runtime remains dynamic.
NEEDED="$(readelf -d "$STAGE/bin/authjs" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')"
for lib in $NEEDED; do
  case "$lib" in
    libc.so.* | libm.so.* | libgcc_s.so.* | libpthread.so.* | libdl.so.* | librt.so.* | libutil.so.* | ld-linux*.so.*) ;;
    *) die "bin/authjs needs $lib; only system libraries are expected (NEEDED: $NEEDED)" ;;
  esac
done
# Nothing in the tree may name the staging directory (it would not exist elsewhere).
if grep -rlF "$WORK" "$STAGE" >"$WORK/leaks.txt" 2>/dev/null; then
  die "files name the build directory: $(tr '\n' ' ' <"$WORK/leaks.txt")"
fi
echo "  bin/authjs needs: $NEEDED"
step_done "strip + docs + checks"

# ---------------------------------------------------------------------------------
step "archive"
mkdir -p "$DIST_DIR"
OUT="$DIST_DIR/$NAME.tar.gz"
# Modes are normalised too, so that the umask of the build does not show. gzip's
# default level: -9 saves 1% (12.3 MB instead of 12.5) for 3.5 times the time (7 s).
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" \
  --mode='u+rwX,go+rX,go-w' --format=gnu -C "$WORK" -cf - "$NAME" | gzip -n >"$OUT.tmp"
mv -f "$OUT.tmp" "$OUT"
(cd "$DIST_DIR" && sha256sum "$NAME.tar.gz" >"$NAME.tar.gz.sha256")
step_done "tar + gzip + sha256"

echo
tar -tvzf "$OUT" | awk '{printf "  %s %10s  %s %s %s\n", $1, $3, $6, $7, $8}'
for t in "${TIMINGS[@]}"; do
  echo "time  $t"
done
echo "wrote $OUT ($(du -h "$OUT" | cut -f1)), sha256 $(cut -d' ' -f1 "$OUT.sha256")"
