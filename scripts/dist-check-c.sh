#!/usr/bin/env bash
# Checks the C/C++ release archive made by scripts/dist-c.sh, as a user would use it:
#
#   bash tests/servers/with-servers.sh bash scripts/dist-check-c.sh   (part of make dist-check)
#
# 1. verifies its .sha256, unpacks it into a new temporary directory and then moves that
#    directory elsewhere (everything below must work after relocation);
# 2. checks the layout (exactly the expected files and symlinks), the soname, that the
#    exported symbols are the header's authjs_* functions, that bin/authjs needs only
#    system libraries, and that the versions agree: pkg-config --modversion,
#    find_package(authjs $VERSION EXACT), AUTHJS_VERSION_MAJOR/MINOR/PATCH, authjs --version;
# 3. builds examples/c/signin.c and examples/cpp/signin.cpp with the archive's
#    pkg-config file (shared with an rpath, shared with LD_LIBRARY_PATH, static) and with
#    CMake find_package(authjs) (tests/cpp/cmake-consumer: shared and static, C and C++),
#    and runs each against the real test servers (http and https);
# 4. runs bin/authjs against a server (providers over https, signin + session).
#
# Needs AUTHJS_TEST_V4_URL, AUTHJS_TEST_V5_URL, AUTHJS_TEST_V5_TLS_URL and AUTHJS_TEST_CA
# (tests/servers/with-servers.sh sets them), and cc, c++, pkg-config, cmake, readelf,
# nm, tar, sha256sum (no cargo; rustc only if present, to name $TARGET). Reads
# ${AUTHJS_DIST_DIR:-dist}/authjs-$VERSION-$TARGET.tar.gz and its .sha256.
# Prints one line per check and "C archive checks: N passed, M failed" last; exits 2
# when something it needs is missing, 1 on any failed check.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIST_DIR="${AUTHJS_DIST_DIR:-$ROOT/dist}"
CC="${CC:-cc}"
CXX="${CXX:-c++}"

die() {
  echo "dist-check-c.sh: $*" >&2
  exit 2
}
for var in AUTHJS_TEST_V4_URL AUTHJS_TEST_V5_URL AUTHJS_TEST_V5_TLS_URL AUTHJS_TEST_CA; do
  [ -n "${!var:-}" ] || die "$var is not set: run me as 'bash tests/servers/with-servers.sh bash scripts/dist-check-c.sh'"
done
for tool in "$CC" "$CXX" pkg-config cmake readelf nm tar sha256sum; do
  command -v "$tool" >/dev/null 2>&1 || die "'$tool' is required (Debian: build-essential pkg-config cmake binutils)"
done

VERSION="$(sed -n 's/^version = "\([^"]*\)"/\1/p' "$ROOT/Cargo.toml" | head -n 1)"
[ -n "$VERSION" ] || die "no version in $ROOT/Cargo.toml"
MAJOR="${VERSION%%.*}"
MINOR="${VERSION#*.}"; MINOR="${MINOR%%.*}"
PATCH="${VERSION##*.}"; PATCH="${PATCH%%[-+]*}"
# The target is rustc's host triple, as in scripts/dist-c.sh; without rustc (a machine
# that only uses the archive), the one C archive of this version in the directory.
if command -v rustc >/dev/null 2>&1; then
  TARGET="$(rustc -vV | sed -n 's/^host: //p')"
else
  shopt -s nullglob
  FOUND=("$DIST_DIR/authjs-$VERSION-"*.tar.gz)
  shopt -u nullglob
  [ "${#FOUND[@]}" = 1 ] || die "no rustc to name the target, and ${#FOUND[@]} archives match $DIST_DIR/authjs-$VERSION-*.tar.gz (want 1; scripts/dist-c.sh makes it)"
  TARGET="$(basename "${FOUND[0]}" .tar.gz)"
  TARGET="${TARGET#"authjs-$VERSION-"}"
fi
NAME="authjs-$VERSION-$TARGET"
ARCHIVE="$DIST_DIR/$NAME.tar.gz"
[ -f "$ARCHIVE" ] || die "$ARCHIVE is missing: make it with 'bash scripts/dist-c.sh' (or 'make dist')"
[ -f "$ARCHIVE.sha256" ] || die "$ARCHIVE.sha256 is missing: 'bash scripts/dist-c.sh' writes it"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/authjs-dist-check-c.XXXXXXXX")"
trap 'rm -rf "$WORK"' EXIT

PASSED=0
FAILED=0
STEP_START=$SECONDS
declare -a TIMINGS=()
step() { # name
  echo "=== $1"
  STEP_START=$SECONDS
}
step_done() { # label
  TIMINGS+=("$1: $((SECONDS - STEP_START))s")
}
ok() { # description
  PASSED=$((PASSED + 1))
  printf '  ok    %s\n' "$1"
}
fail() { # description [log file]
  FAILED=$((FAILED + 1))
  printf '  FAIL  %s\n' "$1"
  if [ -n "${2:-}" ] && [ -f "$2" ]; then
    sed 's/^/        /' "$2" | tail -n 40
  fi
}
check() { # description command... (ok when the command succeeds)
  local what="$1"
  shift
  if "$@" >"$WORK/check.log" 2>&1; then ok "$what"; else fail "$what" "$WORK/check.log"; fi
}
# Runs an example: like scripts/test-c.sh's run_example, it must print alice's name and
# the /api/me reply, and exit 0.
run_example() { # label cmd...
  local label="$1" log="$WORK/example.log" rc=0
  shift
  "$@" >"$log" 2>&1 || rc=$?
  if [ "$rc" = 0 ] && grep -q '^signed in as Alice Liddell$' "$log" \
    && grep -q '^GET /api/me -> 200 {.*"role"' "$log" && grep -q '^signed out$' "$log"; then
    ok "$label"
  else
    fail "$label (exit $rc)" "$log"
  fi
}

# ---------------------------------------------------------------------------------
step "unpack $NAME.tar.gz and move it"
check "sha256 matches $NAME.tar.gz.sha256" bash -c 'cd "$1" && sha256sum --quiet -c "$2"' _ "$DIST_DIR" "$NAME.tar.gz.sha256"
mkdir "$WORK/unpacked"
if ! tar -xzf "$ARCHIVE" -C "$WORK/unpacked" >"$WORK/tar.log" 2>&1; then
  fail "unpack $NAME.tar.gz" "$WORK/tar.log"
  echo "C archive checks: $PASSED passed, $FAILED failed"
  exit 1
fi
TOPS="$(ls -A "$WORK/unpacked")"
OWNERS="$(tar -tvzf "$ARCHIVE" | awk '{print $2}' | sort -u | tr '\n' ' ')"
if [ "$OWNERS" = "0/0 " ]; then ok "every entry is owned by 0/0"; else fail "entry owners: $OWNERS(want 0/0)"; fi
if [ "$TOPS" = "$NAME" ]; then ok "one top directory $NAME/"; else fail "top directories: $(echo "$TOPS" | tr '\n' ' ')"; fi
[ -d "$WORK/unpacked/$NAME" ] || die "the archive has no $NAME/ directory; nothing more to check"
# The tree is used from somewhere it was not unpacked to: pkg-config and CMake files
# that remembered their first location would fail from here on.
mkdir -p "$WORK/elsewhere/opt"
mv "$WORK/unpacked/$NAME" "$WORK/elsewhere/opt/$NAME"
rmdir "$WORK/unpacked"
D="$WORK/elsewhere/opt/$NAME"
LIB="$D/lib"
step_done "unpack + move"

# ---------------------------------------------------------------------------------
step "layout and versions"
cat >"$WORK/expected.txt" <<EOF
bin/authjs
include/authjs.h
include/authjs.hpp
lib/cmake/authjs/authjsConfig.cmake
lib/cmake/authjs/authjsConfigVersion.cmake
lib/libauthjs.a
lib/libauthjs.so -> libauthjs.so.$MAJOR
lib/libauthjs.so.$MAJOR -> libauthjs.so.$VERSION
lib/libauthjs.so.$VERSION
lib/pkgconfig/authjs.pc
share/doc/authjs/CHANGELOG.md
share/doc/authjs/LICENSE-APACHE
share/doc/authjs/LICENSE-MIT
share/doc/authjs/README.md
EOF
(cd "$D" && find . ! -type d | sed 's|^\./||' | sort | while read -r f; do
  if [ -L "$f" ]; then echo "$f -> $(readlink "$f")"; else echo "$f"; fi
done) >"$WORK/actual.txt"
if diff "$WORK/expected.txt" "$WORK/actual.txt" >"$WORK/layout.diff"; then
  ok "layout: exactly the $(wc -l <"$WORK/expected.txt") expected files and symlinks"
else
  fail "layout differs (- expected, + in the archive)" "$WORK/layout.diff"
fi
check "bin/authjs and lib/libauthjs.so.$VERSION are executable" test -x "$D/bin/authjs" -a -x "$LIB/libauthjs.so.$VERSION"
check "soname libauthjs.so.$MAJOR" bash -c 'readelf -d "$1" | grep -q "SONAME.*\[libauthjs\.so\.$2\]"' _ "$LIB/libauthjs.so.$VERSION" "$MAJOR"
check "libauthjs.so has no RPATH/RUNPATH" bash -c '! readelf -d "$1" | grep -qE "RPATH|RUNPATH"' _ "$LIB/libauthjs.so.$VERSION"
check "libauthjs.so and bin/authjs are stripped (no .symtab)" \
  bash -c '! readelf -S "$1" | grep -q "\.symtab" && ! readelf -S "$2" | grep -q "\.symtab"' _ "$LIB/libauthjs.so.$VERSION" "$D/bin/authjs"
check "libauthjs.a has no debug sections, keeps its symbols" \
  bash -c '! readelf -S "$1" 2>/dev/null | grep -q "\.debug_info" && nm "$1" 2>/dev/null | grep -q " T authjs_client_new$"' _ "$LIB/libauthjs.a"
# Exactly the functions of the header are exported, nothing else (as scripts/test-c.sh).
# (A missing or unreadable file makes a list empty, and the comparison fails.)
{ nm -D --defined-only "$LIB/libauthjs.so.$VERSION" || true; } | awk '{print $3}' | sort >"$WORK/exported.txt"
{ grep -oE '\bauthjs_[a-z0-9_]+\(' "$D/include/authjs.h" || true; } | tr -d '(' | sort -u >"$WORK/declared.txt"
if [ -s "$WORK/declared.txt" ] && diff "$WORK/declared.txt" "$WORK/exported.txt" >"$WORK/symbols.diff"; then
  ok "exported symbols = the header's $(wc -l <"$WORK/declared.txt") authjs_* functions"
else
  fail "exported symbols differ from the header (- declared, + exported)" "$WORK/symbols.diff"
fi
NEEDED="$({ readelf -d "$D/bin/authjs" 2>/dev/null || true; } | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')"
if [ -n "$NEEDED" ] && ! echo "$NEEDED" | tr ' ' '\n' | grep -vqE '^(|libc\.so\..*|libm\.so\..*|libgcc_s\.so\..*|libpthread\.so\..*|libdl\.so\..*|librt\.so\..*|libutil\.so\..*|ld-linux.*\.so\..*)$'; then
  ok "bin/authjs needs only system libraries: $NEEDED"
else
  fail "bin/authjs is not a dynamically linked ELF program needing only system libraries (NEEDED: ${NEEDED:-none})"
fi
if grep -rlF "$ROOT" "$D/include" "$D/lib/pkgconfig" "$D/lib/cmake" >"$WORK/leaks.txt"; then
  fail "text files name the source tree $ROOT" "$WORK/leaks.txt"
else
  ok "no text file names the source tree"
fi

export PKG_CONFIG_PATH="$LIB/pkgconfig"
unset PKG_CONFIG_LIBDIR PKG_CONFIG_SYSROOT_DIR
PC_VERSION="$(pkg-config --modversion authjs 2>&1 || true)"
if [ "$PC_VERSION" = "$VERSION" ]; then ok "pkg-config --modversion authjs = $VERSION"; else fail "pkg-config --modversion authjs = '$PC_VERSION', not $VERSION"; fi
PC_PREFIX="$(pkg-config --variable=prefix authjs 2>/dev/null || true)"
if [ -n "$PC_PREFIX" ] && [ "$(cd "$PC_PREFIX" 2>/dev/null && pwd -P)" = "$(cd "$D" && pwd -P)" ]; then
  ok "pkg-config prefix is where the tree now is ($PC_PREFIX)"
else
  fail "pkg-config prefix '$PC_PREFIX' is not the moved tree $D"
fi
H_VERSION="$({ sed -n 's/^#define AUTHJS_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\)$/\2/p' "$D/include/authjs.h" 2>/dev/null || true; } | tr '\n' '.')"
if [ "$H_VERSION" = "$MAJOR.$MINOR.$PATCH." ]; then
  ok "authjs.h AUTHJS_VERSION_MAJOR/MINOR/PATCH = $MAJOR.$MINOR.$PATCH"
else
  fail "authjs.h AUTHJS_VERSION_MAJOR/MINOR/PATCH = '${H_VERSION%.}', not $MAJOR.$MINOR.$PATCH"
fi
CLI_VERSION="$("$D/bin/authjs" --version 2>&1 || true)"
if [ "$CLI_VERSION" = "authjs $VERSION" ]; then ok "bin/authjs --version = authjs $VERSION"; else fail "bin/authjs --version = '$CLI_VERSION', not 'authjs $VERSION'"; fi
step_done "layout + versions"

# ---------------------------------------------------------------------------------
step "pkg-config builds of examples/c and examples/cpp"
# WARN, PC_CFLAGS, SHARED_LIBS, STATIC_LIBS
# shellcheck source=scripts/c-flags.sh
. "$ROOT/scripts/c-flags.sh"
BIN="$WORK/bin"
mkdir -p "$BIN"
compile() { # label output compiler std source libs...
  local label="$1" out="$2" compiler="$3" std="$4" src="$5"
  shift 5
  if "$compiler" "-std=$std" "${WARN[@]}" -O0 "${PC_CFLAGS[@]}" "$src" -o "$BIN/$out" "$@" \
    >"$WORK/compile.log" 2>&1; then
    ok "compile $label"
  else
    fail "compile $label" "$WORK/compile.log"
  fi
}
compile "C, shared, rpath" c_shared "$CC" c11 "$ROOT/examples/c/signin.c" "${SHARED_LIBS[@]}" "-Wl,-rpath,$LIB"
compile "C, static" c_static "$CC" c11 "$ROOT/examples/c/signin.c" "${STATIC_LIBS[@]}"
compile "C++, shared, no rpath" cpp_shared "$CXX" c++17 "$ROOT/examples/cpp/signin.cpp" "${SHARED_LIBS[@]}"
compile "C++, static" cpp_static "$CXX" c++17 "$ROOT/examples/cpp/signin.cpp" "${STATIC_LIBS[@]}"
needs_authjs() { readelf -d "$1" 2>/dev/null | grep -c "NEEDED.*\[libauthjs\.so\.$MAJOR\]" || true; }
if [ "$(needs_authjs "$BIN/c_shared")" = 1 ] && [ "$(needs_authjs "$BIN/cpp_shared")" = 1 ] \
  && [ "$(needs_authjs "$BIN/c_static")" = 0 ] && [ "$(needs_authjs "$BIN/cpp_static")" = 0 ]; then
  ok "shared builds need libauthjs.so.$MAJOR, static builds do not"
else
  fail "NEEDED libauthjs.so.$MAJOR: c_shared $(needs_authjs "$BIN/c_shared"), cpp_shared $(needs_authjs "$BIN/cpp_shared"), c_static $(needs_authjs "$BIN/c_static"), cpp_static $(needs_authjs "$BIN/cpp_static") (want 1 1 0 0)"
fi
run_example "run pkg-config C shared (rpath) [v5]" "$BIN/c_shared" "$AUTHJS_TEST_V5_URL"
run_example "run pkg-config C static [v5-tls]" "$BIN/c_static" "$AUTHJS_TEST_V5_TLS_URL" "$AUTHJS_TEST_CA"
run_example "run pkg-config C++ shared (LD_LIBRARY_PATH) [v4]" env LD_LIBRARY_PATH="$LIB" "$BIN/cpp_shared" "$AUTHJS_TEST_V4_URL"
run_example "run pkg-config C++ static [v5]" "$BIN/cpp_static" "$AUTHJS_TEST_V5_URL"
step_done "pkg-config: 4 builds, 4 runs"

# ---------------------------------------------------------------------------------
step "CMake find_package(authjs $VERSION EXACT): tests/cpp/cmake-consumer"
if cmake -S "$ROOT/tests/cpp/cmake-consumer" -B "$WORK/cmake" -DCMAKE_PREFIX_PATH="$D" \
  -DAUTHJS_EXPECT_VERSION="$VERSION" -DCMAKE_BUILD_TYPE= -DCMAKE_C_FLAGS=-O0 -DCMAKE_CXX_FLAGS=-O0 \
  >"$WORK/cmake.log" 2>&1; then
  ok "cmake configure: find_package(authjs $VERSION EXACT)"
  FOUND_DIR="$(sed -n 's/^authjs_DIR:PATH=//p' "$WORK/cmake/CMakeCache.txt")"
  if [ "$FOUND_DIR" = "$LIB/cmake/authjs" ]; then
    ok "CMake found the moved tree ($FOUND_DIR)"
  else
    fail "CMake found authjs in '$FOUND_DIR', not $LIB/cmake/authjs"
  fi
  if cmake --build "$WORK/cmake" -j 2 >>"$WORK/cmake.log" 2>&1; then
    ok "cmake build: 4 targets (authjs::authjs, authjs::authjs_static; C, C++)"
    run_example "run cmake signin_c_shared [v5]" "$WORK/cmake/signin_c_shared" "$AUTHJS_TEST_V5_URL"
    run_example "run cmake signin_c_static [v4]" "$WORK/cmake/signin_c_static" "$AUTHJS_TEST_V4_URL"
    run_example "run cmake signin_cpp_shared [v5-tls]" "$WORK/cmake/signin_cpp_shared" "$AUTHJS_TEST_V5_TLS_URL" "$AUTHJS_TEST_CA"
    run_example "run cmake signin_cpp_static [v5]" "$WORK/cmake/signin_cpp_static" "$AUTHJS_TEST_V5_URL"
  else
    fail "cmake build" "$WORK/cmake.log"
  fi
else
  fail "cmake configure: find_package(authjs $VERSION EXACT)" "$WORK/cmake.log"
fi
step_done "CMake: configure, 4 builds, 4 runs"

# ---------------------------------------------------------------------------------
step "bin/authjs against the servers"
# A private jar and state directory: nothing of the user's is read or written.
export XDG_STATE_HOME="$WORK/state"
JAR="$WORK/jar.json"
if "$D/bin/authjs" --url "$AUTHJS_TEST_V5_TLS_URL" --ca-cert "$AUTHJS_TEST_CA" --jar "$JAR" providers \
  >"$WORK/cli.log" 2>&1 && grep -q '^credentials  *credentials' "$WORK/cli.log"; then
  ok "authjs providers [v5-tls]"
else
  fail "authjs providers [v5-tls]" "$WORK/cli.log"
fi
if printf 'alice-password\n' | "$D/bin/authjs" --url "$AUTHJS_TEST_V4_URL" --jar "$JAR" \
  signin credentials -f username=alice --password-stdin >"$WORK/cli.log" 2>&1 \
  && "$D/bin/authjs" --url "$AUTHJS_TEST_V4_URL" --jar "$JAR" --json session >"$WORK/cli.log" 2>&1 \
  && grep -q '"name": *"Alice Liddell"' "$WORK/cli.log"; then
  ok "authjs signin credentials + session [v4]"
else
  fail "authjs signin credentials + session [v4]" "$WORK/cli.log"
fi
step_done "CLI: 3 runs"

echo
for t in "${TIMINGS[@]}"; do
  echo "time  $t"
done
echo "C archive checks: $PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
