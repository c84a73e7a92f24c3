#!/usr/bin/env bash
# The benchmark suite (`make bench`): builds what it needs, starts the real Auth.js test
# servers, runs every benchmark against the next-auth v4 server, writes the tables to
# docs/benchmarks.md and prints them. See docs/benchmarks.md and bench/run.py.
#
#   bash scripts/bench.sh            (what `make bench` runs)
#
# Installs, from a fresh clone:
#   - bench/target/release/authjs-bench and libauthjs_bench_floor.so (bench/, a Cargo
#     workspace of its own; the floor client is bench/floor)
#   - libauthjs + headers + pkg-config via scripts/install.sh into a temp prefix, and
#     the C benchmark (bench/c) linked against it
#   - a venv ($BENCH_VENV, default bench/target/venv) with the pinned requests/httpx of
#     bench/python/requirements.txt and the authjs package built from bindings/python
#     (a wheel built into a temp dir, then installed)
#   - the test servers' node modules (tests/servers/with-servers.sh runs npm ci; the
#     Node benchmark uses next-auth from tests/servers/v4/node_modules)
# A layer that does not build is reported as "not measured: <reason>" in the tables;
# the other rows still run.
#
# Needs: cargo, cc, pkg-config, python3 (>= 3.9, venv), node (20+), npm, openssl, curl,
# and the crates.io, PyPI and npm registries the first time.
# Sizes: BENCH_ROUNDS, BENCH_N, BENCH_CPU_N, BENCH_FLOW_N, BENCH_MEMORY_N, BENCH_AIO_SESSIONS,
# ... (bench/run.py).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export BENCH_STARTED_AT="$(date +%s.%N)"
export BENCH_COMMAND="${BENCH_COMMAND:-make bench}"
log() { echo "bench.sh: $*" >&2; }

for tool in cargo cc pkg-config python3 node npm; do
  command -v "$tool" >/dev/null 2>&1 || { log "'$tool' is required"; exit 2; }
done

TMP="$(mktemp -d "${TMPDIR:-/tmp}/authjs-bench.XXXXXXXX")"
trap 'rm -rf "$TMP"' EXIT

# ---- Rust: the floor, the Rust rows, concurrency -------------------------------------
t0=$SECONDS
(cd bench && cargo build --release --workspace --quiet)
BENCH_RELEASE="${CARGO_TARGET_DIR:-$ROOT/bench/target}/release"
case "$BENCH_RELEASE" in /*) ;; *) BENCH_RELEASE="$ROOT/bench/$BENCH_RELEASE" ;; esac
export BENCH_RUST_BIN="$BENCH_RELEASE/authjs-bench"
export BENCH_FLOOR_LIB="$BENCH_RELEASE/libauthjs_bench_floor.so"
log "Rust benchmark built ($((SECONDS - t0)) s)"

# ---- C: libauthjs into a temp prefix, the C benchmark against it -----------------------
t0=$SECONDS
export BENCH_C_BIN="" BENCH_C_SKIP=""
if [ ! -f include/authjs.h ] || [ ! -f scripts/install.sh ]; then
  BENCH_C_SKIP="the C ABI is not in this tree (include/authjs.h, scripts/install.sh)"
elif ! bash scripts/install.sh "$TMP/prefix" >"$TMP/c-install.log" 2>&1; then
  BENCH_C_SKIP="scripts/install.sh failed: $(tail -n 3 "$TMP/c-install.log" | tr '\n' ' ')"
elif ! cc -O2 -Wall -o "$TMP/authjs_bench" bench/c/authjs_bench.c \
  $(PKG_CONFIG_PATH="$TMP/prefix/lib/pkgconfig" pkg-config --cflags --libs authjs) \
  -L"$BENCH_RELEASE" -lauthjs_bench_floor -Wl,-rpath,"$TMP/prefix/lib" -Wl,-rpath,"$BENCH_RELEASE" \
  >"$TMP/c-build.log" 2>&1; then
  BENCH_C_SKIP="the C benchmark did not compile: $(tail -n 3 "$TMP/c-build.log" | tr '\n' ' ')"
else
  BENCH_C_BIN="$TMP/authjs_bench"
fi
if [ -n "$BENCH_C_SKIP" ]; then log "C rows not measured: $BENCH_C_SKIP"; fi
log "C layer ready ($((SECONDS - t0)) s)"

# ---- Python: venv with pinned requests/httpx, the authjs package ---------------------
t0=$SECONDS
VENV="${BENCH_VENV:-$ROOT/bench/target/venv}"
if [ ! -x "$VENV/bin/python" ]; then
  log "creating the venv $VENV"
  python3 -m venv "$VENV"
fi
export PIP_DISABLE_PIP_VERSION_CHECK=1
"$VENV/bin/python" -m pip install -q -r bench/python/requirements.txt
export BENCH_PY_SKIP=""
if [ ! -f bindings/python/pyproject.toml ]; then
  BENCH_PY_SKIP="the Python package is not in this tree (bindings/python)"
elif ! "$VENV/bin/python" -m pip wheel -q --no-deps -w "$TMP/wheel" ./bindings/python \
  >"$TMP/py-build.log" 2>&1; then
  BENCH_PY_SKIP="pip wheel ./bindings/python failed: $(tail -n 3 "$TMP/py-build.log" | tr '\n' ' ')"
elif ! "$VENV/bin/python" -m pip install -q --force-reinstall --no-deps "$TMP"/wheel/*.whl \
  >"$TMP/py-install.log" 2>&1; then
  BENCH_PY_SKIP="installing the authjs wheel failed: $(tail -n 3 "$TMP/py-install.log" | tr '\n' ' ')"
elif ! (cd "$TMP" && "$VENV/bin/python" -c 'import authjs') >"$TMP/py-import.log" 2>&1; then
  BENCH_PY_SKIP="import authjs failed: $(tail -n 2 "$TMP/py-import.log" | tr '\n' ' ')"
fi
if [ -n "$BENCH_PY_SKIP" ]; then
  log "Python authjs rows not measured: $BENCH_PY_SKIP"
  "$VENV/bin/python" -m pip uninstall -q -y authjs >/dev/null 2>&1 || true
fi
log "Python layer ready ($((SECONDS - t0)) s)"

# ---- Node: next-auth/react from the v4 test server's modules (npm ci by with-servers.sh)
export BENCH_NODE_PATH="$ROOT/tests/servers/v4/node_modules"

# ---- Run (from the temp dir, so Python imports the installed authjs, not the tree) ----
log "starting the servers and the benchmarks (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
cd "$TMP"
bash "$ROOT/tests/servers/with-servers.sh" "$VENV/bin/python" "$ROOT/bench/run.py"
log "done in $(( $(date +%s) - ${BENCH_STARTED_AT%.*} )) s; the tables are in docs/benchmarks.md"
