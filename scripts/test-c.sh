#!/usr/bin/env bash
# The C and C++ tests of libauthjs, against the real Auth.js test servers:
#
#   bash tests/servers/with-servers.sh bash scripts/test-c.sh
#
# 1. installs the library into a temporary prefix (scripts/install.sh) and checks the
#    installed files (soname, symlinks, pkg-config, exported symbols);
# 2. compiles tests/c/*.c, tests/cpp/*.cpp, examples/c and examples/cpp with the system
#    cc/c++ (-Wall -Wextra -Werror -pedantic), linked shared (`pkg-config --libs
#    authjs`) and static (`pkg-config --libs --static authjs`), and runs them against
#    next-auth v4, @auth/express v5 and v5 over https (test_api and test_wrapper also
#    against next-auth 4.22 and next-auth 5 in Next.js);
# 3. runs them under valgrind (no definite or indirect leaks, no memory errors);
# 4. runs an -fsanitize=address,undefined build;
# 5. builds the examples through the CMake package (when cmake is installed).
#
# Reads AUTHJS_TEST_{V4,V5,V5_TLS,V4_22,V5_NEXT,FAULT}_URL, AUTHJS_TEST_CA and
# AUTHJS_TEST_*_MAIL_DIR (set by with-servers.sh); starts no server. The last line is
# "C tests: N passed, M failed"; the exit status is non-zero on any failure.
#
# Environment: CC, CXX (default cc, c++); AUTHJS_C_SKIP_VALGRIND=1 or
# AUTHJS_C_SKIP_ASAN=1 skip those parts (for quick local runs only).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CC="${CC:-cc}"
CXX="${CXX:-c++}"

die() {
  echo "test-c.sh: $*" >&2
  exit 2
}

for var in AUTHJS_TEST_V4_URL AUTHJS_TEST_V5_URL AUTHJS_TEST_FAULT_URL AUTHJS_TEST_V5_TLS_URL AUTHJS_TEST_CA \
  AUTHJS_TEST_V4_MAIL_DIR AUTHJS_TEST_V5_MAIL_DIR AUTHJS_TEST_V5_TLS_MAIL_DIR \
  AUTHJS_TEST_V4_22_URL AUTHJS_TEST_V4_22_MAIL_DIR AUTHJS_TEST_V5_NEXT_URL \
  AUTHJS_TEST_V5_NEXT_MAIL_DIR; do
  [ -n "${!var:-}" ] || die "$var is not set: run me as 'bash tests/servers/with-servers.sh bash scripts/test-c.sh'"
done
for tool in "$CC" "$CXX" pkg-config valgrind readelf nm python3; do
  command -v "$tool" >/dev/null 2>&1 || die "'$tool' is required (Debian: build-essential pkg-config valgrind binutils)"
done

WORK="$(mktemp -d "${TMPDIR:-/tmp}/authjs-c-tests.XXXXXXXX")"
trap 'rm -rf "$WORK"' EXIT
PREFIX="$WORK/prefix"

TOTAL_PASSED=0
TOTAL_FAILED=0
PHASE_START=$SECONDS
declare -a TIMINGS=()

phase() { # name
  echo
  echo "=== $1"
  PHASE_START=$SECONDS
}
phase_done() { # label
  TIMINGS+=("$1: $((SECONDS - PHASE_START))s")
}

# Records a check made by this script.
check() { # ok(0/1) description
  if [ "$1" = 1 ]; then
    TOTAL_PASSED=$((TOTAL_PASSED + 1))
  else
    TOTAL_FAILED=$((TOTAL_FAILED + 1))
    echo "FAIL $2"
  fi
}

# Runs one test program. Its last stdout line "<name>: N passed, M failed" is added to
# the totals; a non-zero exit (a crash, a valgrind or sanitizer report) is one more
# failure. Output is shown only on failure.
run() { # label cmd...
  local label="$1"
  shift
  local log="$WORK/run.log" rc=0 line passed failed
  "$@" >"$log" 2>&1 || rc=$?
  line="$(grep -E '^[^ ]+: [0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1 || true)"
  if [ -n "$line" ]; then
    passed="$(echo "$line" | sed -E 's/.*: ([0-9]+) passed.*/\1/')"
    failed="$(echo "$line" | sed -E 's/.* ([0-9]+) failed$/\1/')"
  else
    passed=0
    failed=0
  fi
  TOTAL_PASSED=$((TOTAL_PASSED + passed))
  TOTAL_FAILED=$((TOTAL_FAILED + failed))
  if [ "$rc" != 0 ] && [ "$failed" = 0 ]; then
    TOTAL_FAILED=$((TOTAL_FAILED + 1))
  fi
  if [ "$rc" != 0 ] || [ "$failed" != 0 ]; then
    echo "FAIL $label (exit $rc)"
    sed 's/^/    /' "$log" | tail -n 150
  else
    printf '  ok  %-44s %s\n' "$label" "${line:-exit 0}"
  fi
}

# Runs an example: it must print alice's name and the /api/me reply, and exit 0.
run_example() { # label cmd...
  local label="$1"
  shift
  local log="$WORK/example.log" rc=0
  "$@" >"$log" 2>&1 || rc=$?
  if [ "$rc" = 0 ] && grep -q '^signed in as Alice Liddell$' "$log" \
    && grep -q '^GET /api/me -> 200 {.*"role"' "$log" && grep -q '^signed out$' "$log"; then
    TOTAL_PASSED=$((TOTAL_PASSED + 1))
    printf '  ok  %s\n' "$label"
  else
    TOTAL_FAILED=$((TOTAL_FAILED + 1))
    echo "FAIL $label (exit $rc)"
    sed 's/^/    /' "$log"
  fi
}

# ---------------------------------------------------------------------------------
phase "install into a temporary prefix"
bash "$ROOT/scripts/install.sh" "$PREFIX" >"$WORK/install.log" 2>&1 \
  || { cat "$WORK/install.log"; die "scripts/install.sh failed"; }
export PKG_CONFIG_PATH="$PREFIX/lib/pkgconfig"
VERSION="$(sed -n 's/^version = "\([^"]*\)"/\1/p' "$ROOT/Cargo.toml" | head -n 1)"
LIB="$PREFIX/lib"

check "$([ -f "$LIB/libauthjs.so.$VERSION" ] && echo 1 || echo 0)" "libauthjs.so.$VERSION installed"
check "$([ "$(readlink "$LIB/libauthjs.so.0")" = "libauthjs.so.$VERSION" ] && echo 1 || echo 0)" "libauthjs.so.0 symlink"
check "$([ "$(readlink "$LIB/libauthjs.so")" = "libauthjs.so.0" ] && echo 1 || echo 0)" "libauthjs.so symlink"
check "$([ -f "$LIB/libauthjs.a" ] && echo 1 || echo 0)" "libauthjs.a installed"
check "$([ -f "$PREFIX/include/authjs.h" ] && [ -f "$PREFIX/include/authjs.hpp" ] && echo 1 || echo 0)" "headers installed"
check "$([ -f "$LIB/cmake/authjs/authjsConfig.cmake" ] && [ -f "$LIB/cmake/authjs/authjsConfigVersion.cmake" ] && echo 1 || echo 0)" "CMake package installed"
check "$(readelf -d "$LIB/libauthjs.so.$VERSION" | grep -q 'SONAME.*\[libauthjs\.so\.0\]' && echo 1 || echo 0)" "soname libauthjs.so.0"
check "$([ "$(pkg-config --modversion authjs)" = "$VERSION" ] && echo 1 || echo 0)" "pkg-config --modversion"
# Exactly the functions of the header are exported, nothing else.
nm -D --defined-only "$LIB/libauthjs.so.$VERSION" | awk '{print $3}' | sort >"$WORK/exported.txt"
grep -oE '\bauthjs_[a-z0-9_]+\(' "$PREFIX/include/authjs.h" | tr -d '(' | sort -u >"$WORK/declared.txt"
if diff "$WORK/declared.txt" "$WORK/exported.txt" >"$WORK/symbols.diff"; then
  check 1 "exported symbols"
else
  check 0 "exported symbols differ from the header: $(tr '\n' ' ' <"$WORK/symbols.diff")"
fi
echo "  ok  installed $(pkg-config --modversion authjs); static link: $(pkg-config --libs --static authjs)"
phase_done "install (cargo build --release)"

# ---------------------------------------------------------------------------------
phase "compile (shared, static, ASan+UBSan)"
# WARN, PC_CFLAGS, SHARED_LIBS, STATIC_LIBS
# shellcheck source=scripts/c-flags.sh
. "$ROOT/scripts/c-flags.sh"
SAN=(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)

C_TESTS=(test_basics test_api test_bodies test_threads test_fork test_watch test_handoff test_pool test_tokens)
# test_bodies reads tests/fixtures/request-bodies.json, compiled in as C data.
mkdir -p "$WORK/gen"
python3 "$ROOT/tests/c/gen_bodies.py" "$ROOT/tests/fixtures/request-bodies.json" \
  "$WORK/gen/bodies_fixture.h"
build() { # variant
  local variant="$1" out="$WORK/bin/$1"
  local -a extra libs
  mkdir -p "$out"
  case "$variant" in
    shared) extra=(-O1 -g); libs=("${SHARED_LIBS[@]}" "-Wl,-rpath,$LIB") ;;
    static) extra=(-O1 -g); libs=("${STATIC_LIBS[@]}") ;;
    asan) extra=(-O1 -g "${SAN[@]}"); libs=("${STATIC_LIBS[@]}") ;;
  esac
  for t in "${C_TESTS[@]}"; do
    "$CC" -std=c11 -D_DEFAULT_SOURCE "${WARN[@]}" "${extra[@]}" "${PC_CFLAGS[@]}" \
      -I"$WORK/gen" "$ROOT/tests/c/$t.c" -o "$out/$t" "${libs[@]}" -pthread
  done
  "$CXX" -std=c++17 "${WARN[@]}" "${extra[@]}" "${PC_CFLAGS[@]}" -I"$ROOT/tests/c" \
    "$ROOT/tests/cpp/test_wrapper.cpp" -o "$out/test_wrapper" "${libs[@]}" -pthread
  "$CXX" -std=c++17 "${WARN[@]}" "${extra[@]}" "${PC_CFLAGS[@]}" -I"$ROOT/tests/c" \
    "$ROOT/tests/cpp/test_watch.cpp" -o "$out/test_watch_cpp" "${libs[@]}" -pthread
  "$CXX" -std=c++17 "${WARN[@]}" "${extra[@]}" "${PC_CFLAGS[@]}" -I"$ROOT/tests/c" \
    "$ROOT/tests/cpp/test_pool.cpp" -o "$out/test_pool_cpp" "${libs[@]}" -pthread
  "$CXX" -std=c++17 "${WARN[@]}" "${extra[@]}" "${PC_CFLAGS[@]}" \
    "$ROOT/tests/cpp/double_include_a.cpp" "$ROOT/tests/cpp/double_include_b.cpp" \
    -o "$out/double_include" "${libs[@]}" -pthread
  "$CC" -std=c11 "${WARN[@]}" "${extra[@]}" "${PC_CFLAGS[@]}" \
    "$ROOT/examples/c/signin.c" -o "$out/example_c" "${libs[@]}"
  "$CXX" -std=c++17 "${WARN[@]}" "${extra[@]}" "${PC_CFLAGS[@]}" \
    "$ROOT/examples/cpp/signin.cpp" -o "$out/example_cpp" "${libs[@]}"
}
# The variants compile side by side (linking the 40 MB static library dominates, and a
# CI machine has 2 cores); a failed compile fails the script at its `wait`.
pids=()
build shared & pids+=($!)
build static & pids+=($!)
if [ "${AUTHJS_C_SKIP_ASAN:-0}" != 1 ]; then build asan & pids+=($!); fi
for pid in "${pids[@]}"; do
  wait "$pid" || die "compiling the C/C++ tests failed (above)"
done
needed() { readelf -d "$1" | grep -c 'NEEDED.*libauthjs' || true; }
check "$([ "$(needed "$WORK/bin/shared/test_api")" = 1 ] && echo 1 || echo 0)" "shared build needs libauthjs.so.0"
check "$([ "$(needed "$WORK/bin/static/test_api")" = 0 ] && echo 1 || echo 0)" "static build does not need libauthjs.so"
echo "  ok  compiled"
phase_done "compile"

# The servers: label URL MAIL_DIR [CA].
RUN_SERVERS=()
SERVERS=(
  "v4|$AUTHJS_TEST_V4_URL|$AUTHJS_TEST_V4_MAIL_DIR|"
  "v5|$AUTHJS_TEST_V5_URL|$AUTHJS_TEST_V5_MAIL_DIR|"
  "v5-tls|$AUTHJS_TEST_V5_TLS_URL|$AUTHJS_TEST_V5_TLS_MAIL_DIR|$AUTHJS_TEST_CA"
)

run_all() { # variant [wrapper...]  (every program against every server of RUN_SERVERS)
  local variant="$1"
  shift
  local bin="$WORK/bin/$variant" entry name url mail ca
  local -a ca_arg
  local -a servers=("${SERVERS[@]}")
  [ "${#RUN_SERVERS[@]}" = 0 ] || servers=("${RUN_SERVERS[@]}")
  run "$variant test_basics" "$@" "$bin/test_basics"
  run "$variant double_include" "$@" "$bin/double_include"
  # The installed library is built without `jwt`: the token functions say so.
  run "$variant test_tokens [nojwt]" "$@" "$bin/test_tokens" nojwt
  for entry in "${servers[@]}"; do
    IFS='|' read -r name url mail ca <<<"$entry"
    ca_arg=()
    [ -z "$ca" ] || ca_arg=("$ca")
    run "$variant test_api [$name]" "$@" "$bin/test_api" "$url" "$mail" "${ca_arg[@]}"
    run "$variant test_bodies [$name]" "$@" "$bin/test_bodies" "$url" "${ca_arg[@]}"
    run "$variant test_threads [$name]" "$@" "$bin/test_threads" "$url" "${ca_arg[@]}"
    run "$variant test_fork [$name]" "$@" "$bin/test_fork" "$url" "${ca_arg[@]}"
    run "$variant test_wrapper [$name]" "$@" "$bin/test_wrapper" "$url" "${ca_arg[@]}"
    run "$variant test_handoff [$name]" "$@" "$bin/test_handoff" "$url" "${ca_arg[@]}"
    run "$variant test_pool [$name]" "$@" "$bin/test_pool" "$url" "${ca_arg[@]}"
    run "$variant test_pool_cpp [$name]" "$@" "$bin/test_pool_cpp" "$url" "${ca_arg[@]}"
    run_example "$variant example_c [$name]" "$@" "$bin/example_c" "$url" "${ca_arg[@]}"
    run_example "$variant example_cpp [$name]" "$@" "$bin/example_cpp" "$url" "${ca_arg[@]}"
  done
  run "$variant test_watch [v5]" "$@" "$bin/test_watch" "$AUTHJS_TEST_V5_URL"
  run "$variant test_watch_cpp [v5]" "$@" "$bin/test_watch_cpp" "$AUTHJS_TEST_V5_URL"
}

# ---------------------------------------------------------------------------------
phase "run: shared and static builds"
run_all shared
run_all static
# One representative run per further server generation (tests/servers.rs and
# tests/client.rs run everything against every server): next-auth 4.22, and next-auth
# 5 in Next.js through the localhost URL it names itself by (docs/servers.md).
for entry in "v4-22|$AUTHJS_TEST_V4_22_URL|$AUTHJS_TEST_V4_22_MAIL_DIR" \
  "v5-next|${AUTHJS_TEST_V5_NEXT_URL/127.0.0.1/localhost}|$AUTHJS_TEST_V5_NEXT_MAIL_DIR"; do
  IFS='|' read -r name url mail <<<"$entry"
  run "shared test_api [$name]" "$WORK/bin/shared/test_api" "$url" "$mail"
  run "shared test_wrapper [$name]" "$WORK/bin/shared/test_wrapper" "$url"
done
phase_done "C suite (shared + static, 3 servers; test_api and test_wrapper on 2 more)"

# ---------------------------------------------------------------------------------
phase "session tokens: a library built with --features capi,jwt (debug)"
# The token functions need the `jwt` feature, off in scripts/install.sh's build; a
# debug build with it is enough to test the C mapping (tests/tokens.rs tests the rest).
: "${AUTHJS_TEST_V4_SECRET:?}" "${AUTHJS_TEST_V5_SECRET:?}"
JWT_TARGET="${CARGO_TARGET_DIR:-$ROOT/target}/debug"
(cd "$ROOT" && cargo build --quiet --lib --no-default-features --features capi,jwt) \
  >"$WORK/jwt-build.log" 2>&1 || { cat "$WORK/jwt-build.log"; die "cargo build --features capi,jwt failed"; }
mkdir -p "$WORK/bin/jwt"
"$CC" -std=c11 -D_DEFAULT_SOURCE "${WARN[@]}" -O1 -g -I"$ROOT/include" "$ROOT/tests/c/test_tokens.c" \
  -o "$WORK/bin/jwt/test_tokens" -L"$JWT_TARGET" -l:libauthjs.so "-Wl,-rpath,$JWT_TARGET" -pthread
"$CXX" -std=c++17 "${WARN[@]}" -O1 -g -I"$ROOT/include" -I"$ROOT/tests/c" "$ROOT/tests/cpp/test_tokens.cpp" \
  -o "$WORK/bin/jwt/test_tokens_cpp" -L"$JWT_TARGET" -l:libauthjs.so "-Wl,-rpath,$JWT_TARGET" -pthread
for entry in "v4|$AUTHJS_TEST_V4_URL|$AUTHJS_TEST_V4_SECRET|next-auth.session-token|" \
  "v4-22|$AUTHJS_TEST_V4_22_URL|$AUTHJS_TEST_V4_SECRET|next-auth.session-token|" \
  "v5|$AUTHJS_TEST_V5_URL|$AUTHJS_TEST_V5_SECRET|authjs.session-token|" \
  "v5-tls|$AUTHJS_TEST_V5_TLS_URL|$AUTHJS_TEST_V5_SECRET|__Secure-authjs.session-token|$AUTHJS_TEST_CA" \
  "v5-next|${AUTHJS_TEST_V5_NEXT_URL/127.0.0.1/localhost}|$AUTHJS_TEST_V5_SECRET|authjs.session-token|"; do
  IFS='|' read -r name url secret cookie ca <<<"$entry"
  ca_arg=()
  [ -z "$ca" ] || ca_arg=("$ca")
  run "jwt test_tokens [$name]" "$WORK/bin/jwt/test_tokens" jwt "$url" "$secret" "$cookie" "${ca_arg[@]}"
  run "jwt test_tokens_cpp [$name]" "$WORK/bin/jwt/test_tokens_cpp" "$url" "$secret" "$cookie" "${ca_arg[@]}"
done
phase_done "session tokens (jwt build, 5 servers)"

# ---------------------------------------------------------------------------------
if [ "${AUTHJS_C_SKIP_VALGRIND:-0}" != 1 ]; then
  phase "run: valgrind (shared build; v4 and v5-tls)"
  VALGRIND=(valgrind -q --error-exitcode=99 --leak-check=full
    --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect
    --suppressions="$ROOT/tests/c/valgrind.supp")
  # Every program under valgrind against one http and one https server (the memory
  # behaviour of the C ABI does not depend on the server generation; ASan below covers
  # all three).
  RUN_SERVERS=("${SERVERS[0]}" "${SERVERS[2]}")
  run_all shared "${VALGRIND[@]}"
  RUN_SERVERS=()
  phase_done "valgrind"
fi

# ---------------------------------------------------------------------------------
if [ "${AUTHJS_C_SKIP_ASAN:-0}" != 1 ]; then
  phase "run: -fsanitize=address,undefined (static build)"
  export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1:exitcode=98"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
  run_all asan
  unset ASAN_OPTIONS UBSAN_OPTIONS
  phase_done "ASan+UBSan"
fi

# ---------------------------------------------------------------------------------
if [ "${AUTHJS_C_SKIP_TSAN:-0}" != 1 ]; then
  phase "run: -fsanitize=thread, 8 threads on one client (C side; see tests/c/tsan.supp)"
  mkdir -p "$WORK/bin/tsan"
  "$CC" -std=c11 -D_DEFAULT_SOURCE "${WARN[@]}" -O1 -g -fsanitize=thread "${PC_CFLAGS[@]}" \
    "$ROOT/tests/c/test_threads.c" -o "$WORK/bin/tsan/test_threads" \
    "${SHARED_LIBS[@]}" "-Wl,-rpath,$LIB" -pthread
  export TSAN_OPTIONS="halt_on_error=1:exitcode=95:suppressions=$ROOT/tests/c/tsan.supp"
  for entry in "${SERVERS[@]}"; do
    IFS='|' read -r name url mail ca <<<"$entry"
    ca_arg=()
    [ -z "$ca" ] || ca_arg=("$ca")
    run "tsan test_threads [$name]" "$WORK/bin/tsan/test_threads" "$url" "${ca_arg[@]}"
  done
  unset TSAN_OPTIONS
  phase_done "TSan"
fi

# ---------------------------------------------------------------------------------
phase "CMake package"
if command -v cmake >/dev/null 2>&1; then
  if cmake -S "$ROOT/tests/cpp/cmake-consumer" -B "$WORK/cmake-build" \
    -DCMAKE_PREFIX_PATH="$PREFIX" >"$WORK/cmake.log" 2>&1 \
    && cmake --build "$WORK/cmake-build" >>"$WORK/cmake.log" 2>&1; then
    check 1 "cmake configure + build"
    run_example "cmake signin_c_shared [v5]" "$WORK/cmake-build/signin_c_shared" "$AUTHJS_TEST_V5_URL"
    run_example "cmake signin_c_static [v5]" "$WORK/cmake-build/signin_c_static" "$AUTHJS_TEST_V5_URL"
    run_example "cmake signin_cpp_shared [v4]" "$WORK/cmake-build/signin_cpp_shared" "$AUTHJS_TEST_V4_URL"
    run_example "cmake signin_cpp_static [v5]" "$WORK/cmake-build/signin_cpp_static" "$AUTHJS_TEST_V5_URL"
  else
    check 0 "cmake configure + build"
    sed 's/^/    /' "$WORK/cmake.log" | tail -n 40
  fi
else
  echo "  SKIP cmake is not installed (Debian: cmake); find_package(authjs) not tested"
fi
phase_done "CMake"

echo
for t in "${TIMINGS[@]}"; do
  echo "time  $t"
done
echo "C tests: $TOTAL_PASSED passed, $TOTAL_FAILED failed"
[ "$TOTAL_FAILED" = 0 ]
