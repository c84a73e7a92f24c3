#!/usr/bin/env bash
# Instructions per call (issue 17): runs `authjs-bench count` under
# `valgrind --tool=callgrind` for N=200 and N=1200 calls of each operation (the raw
# floor, Client::get_session, Client::lookup) and prints (I1200 - I200) / 1000, the
# instructions the client process executes per call. Instruction counts do not depend
# on the machine's load, unlike wall-clock times, so this is the metric for changes
# to the client's own work. The callgrind files stay in $OUT for callgrind_annotate.
#
# Needs: valgrind, the running test servers' env (AUTHJS_TEST_V4_URL, e.g.
# `set -a; . /tmp/srv.env; set +a` or tests/servers/with-servers.sh), and a release
# build of the benchmark (cargo build --release --manifest-path bench/Cargo.toml).
# Run: bash bench/callgrind.sh [op ...]   (default: floor session lookup)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BIN="${CARGO_TARGET_DIR:-$ROOT/bench/target}/release/authjs-bench"
OUT="${OUT:-$ROOT/bench/target/callgrind}"
URL="${AUTHJS_TEST_V4_URL:?set AUTHJS_TEST_V4_URL (the next-auth v4 test server)}"
[ -x "$BIN" ] || { echo "no $BIN: cargo build --release --manifest-path bench/Cargo.toml" >&2; exit 1; }
command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 1; }
mkdir -p "$OUT"
ops=("$@")
[ ${#ops[@]} -gt 0 ] || ops=(floor session lookup)

instructions() { # op n -> total Ir of the run
    local f="$OUT/$1.$2.out"
    valgrind --tool=callgrind --callgrind-out-file="$f" "$BIN" count --url "$URL" \
        --op "$1" --n "$2" >/dev/null 2>"$OUT/$1.$2.log"
    awk '/^summary:/ {print $2}' "$f"
}

for op in "${ops[@]}"; do
    t0=$(date +%s)
    a=$(instructions "$op" 200)
    b=$(instructions "$op" 1200)
    echo "$op: $(( (b - a) / 1000 )) instructions per call (I200=$a, I1200=$b, $(( $(date +%s) - t0 )) s)"
done
