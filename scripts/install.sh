#!/usr/bin/env bash
# Builds libauthjs in release mode and installs the C/C++ development files:
#
#   scripts/install.sh PREFIX        (what `make install PREFIX=...` runs)
#
#   PREFIX/lib/libauthjs.so.X.Y.Z, libauthjs.so.X -> it, libauthjs.so -> libauthjs.so.X
#   PREFIX/lib/libauthjs.a
#   PREFIX/include/authjs.h, authjs.hpp
#   PREFIX/lib/pkgconfig/authjs.pc                 (pkg-config --cflags --libs authjs)
#   PREFIX/lib/cmake/authjs/authjsConfig.cmake     (find_package(authjs), authjs::authjs)
#
# DESTDIR is honoured for staged installs (files go to $DESTDIR$PREFIX, paths inside
# them say $PREFIX). CARGO and CARGO_TARGET_DIR are honoured too.
#
# AUTHJS_RELOCATABLE=1 writes `prefix=${pcfiledir}/../..` into authjs.pc instead of
# PREFIX, so that the tree works wherever it is moved (the release archive,
# scripts/dist-c.sh). The default stays an absolute prefix: pkg-config computes
# ${pcfiledir} from where it found the file, which is wrong when a system symlinks .pc
# files into its search path, and pkgconf prepends PKG_CONFIG_SYSROOT_DIR to it a second
# time in cross builds. The CMake files are relocatable either way (computed from their
# own location).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PREFIX="${1:-${PREFIX:-/usr/local}}"
case "$PREFIX" in
  /*) ;;
  *) PREFIX="$(pwd)/$PREFIX" ;;
esac
PREFIX="${PREFIX%/}"
DESTDIR="${DESTDIR:-}"
CARGO="${CARGO:-cargo}"
RUSTC="${RUSTC:-rustc}"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"

VERSION="$(sed -n 's/^version = "\([^"]*\)"/\1/p' "$ROOT/Cargo.toml" | head -n 1)"
MAJOR="${VERSION%%.*}"
MINOR="${VERSION#*.}"; MINOR="${MINOR%%.*}"

# The prefix line of authjs.pc (see the header comment).
case "${AUTHJS_RELOCATABLE:-0}" in
  # shellcheck disable=SC2016 # ${pcfiledir} is for pkg-config to expand
  1) PC_PREFIX='${pcfiledir}/../..' ;;
  0) PC_PREFIX="$PREFIX" ;;
  *) echo "install.sh: AUTHJS_RELOCATABLE must be 0 or 1, not '$AUTHJS_RELOCATABLE'" >&2; exit 2 ;;
esac

# The C libraries need only the `capi` feature (not the CLI's dependencies);
# AUTHJS_FEATURES adds more, e.g. AUTHJS_FEATURES=jwt for the authjs_token_* functions
# (docs/tokens.md), which otherwise return AUTHJS_ERR_UNSUPPORTED. The soname
# is given here, to this link only, so that programs record `libauthjs.so.MAJOR`.
(cd "$ROOT" && "$CARGO" rustc --release --lib --no-default-features \
  --features "capi${AUTHJS_FEATURES:+,$AUTHJS_FEATURES}" \
  --crate-type cdylib,staticlib -- -C "link-arg=-Wl,-soname,libauthjs.so.$MAJOR")

# The system libraries a static link needs. They all come from Rust's standard library
# (the C code of dependencies, ring's, is bundled into libauthjs.a), so compiling an
# empty staticlib with the same rustc gives the exact list in well under a second.
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
echo 'pub fn authjs_probe() {}' > "$TMP/probe.rs"
NATIVE_STATIC_LIBS="$("$RUSTC" --crate-type staticlib --print native-static-libs \
  -o "$TMP/libprobe.a" "$TMP/probe.rs" 2>&1 | sed -n 's/.*native-static-libs: //p' | tail -n 1)"
if [ -z "$NATIVE_STATIC_LIBS" ]; then
  NATIVE_STATIC_LIBS="-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc"
fi
CMAKE_NATIVE_STATIC_LIBS="$(echo "$NATIVE_STATIC_LIBS" | sed 's/-l//g; s/ \+/;/g')"
SIZEOF_VOID_P="$(( $(getconf LONG_BIT) / 8 ))"

LIBDIR="$DESTDIR$PREFIX/lib"
INCDIR="$DESTDIR$PREFIX/include"
install -d "$LIBDIR" "$INCDIR" "$LIBDIR/pkgconfig" "$LIBDIR/cmake/authjs"

install -m 0755 "$TARGET_DIR/release/libauthjs.so" "$LIBDIR/libauthjs.so.$VERSION"
ln -sfn "libauthjs.so.$VERSION" "$LIBDIR/libauthjs.so.$MAJOR"
ln -sfn "libauthjs.so.$MAJOR" "$LIBDIR/libauthjs.so"
install -m 0644 "$TARGET_DIR/release/libauthjs.a" "$LIBDIR/libauthjs.a"
install -m 0644 "$ROOT/include/authjs.h" "$ROOT/include/authjs.hpp" "$INCDIR/"

subst() { # template output
  sed -e "s|@PC_PREFIX@|$PC_PREFIX|g" -e "s|@PREFIX@|$PREFIX|g" -e "s|@VERSION@|$VERSION|g" -e "s|@MAJOR@|$MAJOR|g" \
    -e "s|@MINOR@|$MINOR|g" -e "s|@NATIVE_STATIC_LIBS@|$NATIVE_STATIC_LIBS|g" \
    -e "s|@CMAKE_NATIVE_STATIC_LIBS@|$CMAKE_NATIVE_STATIC_LIBS|g" \
    -e "s|@SIZEOF_VOID_P@|$SIZEOF_VOID_P|g" "$1" > "$2"
  chmod 0644 "$2"
}
subst "$ROOT/pkgconfig/authjs.pc.in" "$LIBDIR/pkgconfig/authjs.pc"
subst "$ROOT/cmake/authjsConfig.cmake.in" "$LIBDIR/cmake/authjs/authjsConfig.cmake"
subst "$ROOT/cmake/authjsConfigVersion.cmake.in" "$LIBDIR/cmake/authjs/authjsConfigVersion.cmake"

echo "installed libauthjs $VERSION into $DESTDIR$PREFIX"
