#!/usr/bin/env bash
# Runs every fuzz target (fuzz/fuzz_targets/) for SECONDS_PER_TARGET seconds, one after
# another, and fails if any of them finds a crash, a panic, a leak, a timeout or an
# out-of-memory. See docs/fuzzing.md.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     (default: 30 s, every target)
#
# Needs cargo-fuzz (installed from crates.io when missing) and a C++ compiler (libFuzzer
# is built from source by libfuzzer-sys). Works on stable Rust: cargo-fuzz's nightly
# flags (-Zsanitizer=address, ...) are unlocked with RUSTC_BOOTSTRAP=1.
#
# Environment:
#   FUZZ_SANITIZER   address (default) or none (faster, no ASan/LSan checks)
#   FUZZ_TIMEOUT     seconds one input may take before it counts as a hang (default 25)
#   FUZZ_RSS_MB      memory limit in MiB (default 2048)
#   FUZZ_NO_INSTALL  set to 1 to fail instead of installing cargo-fuzz when missing
#   FUZZ_SUMMARY     where to write the figures table (default fuzz/logs/summary.md;
#                    relative paths are relative to fuzz/)
#
# Kept out of git (fuzz/.gitignore): fuzz/corpus/<target>/ (the growing corpus, reused
# by the next run), fuzz/artifacts/<target>/ (crashing inputs), fuzz/logs/ (one log per
# target and summary.md), fuzz/target/.
set -euo pipefail

secs="${1:-30}"
[ $# -gt 0 ] && shift
case "$secs" in
    '' | *[!0-9]*) echo "usage: $0 [SECONDS_PER_TARGET] [TARGET...]" >&2; exit 2 ;;
esac

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root/fuzz"

sanitizer="${FUZZ_SANITIZER:-address}"
timeout="${FUZZ_TIMEOUT:-25}"
rss_mb="${FUZZ_RSS_MB:-2048}"

if ! cargo fuzz --version >/dev/null 2>&1; then
    if [ "${FUZZ_NO_INSTALL:-0}" = 1 ]; then
        echo "fuzz: cargo-fuzz is not installed (cargo install cargo-fuzz --locked)" >&2
        exit 2
    fi
    echo "fuzz: installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi
if ! rustc -V | grep -q nightly; then
    # cargo-fuzz passes -Zsanitizer, -Cpasses=sancov-module, ... which stable rustc
    # accepts only with this. The sanitizer runtimes ship with the stable toolchain.
    export RUSTC_BOOTSTRAP=1
fi

if [ $# -gt 0 ]; then
    targets=("$@")
else
    mapfile -t targets < <(cargo fuzz list)
fi

start=$(date +%s)
echo "fuzz: building ${#targets[@]} target(s) (sanitizer: $sanitizer)"
if [ $# -gt 0 ]; then
    for t in "${targets[@]}"; do
        cargo fuzz build --sanitizer "$sanitizer" "$t"
    done
else
    cargo fuzz build --sanitizer "$sanitizer"
fi
build_secs=$(($(date +%s) - start))

mkdir -p logs
summary="${FUZZ_SUMMARY:-logs/summary.md}"
{
    echo "| target | fuzzing s | executions | exec/s | corpus (units/size) | cov | ft | new units | peak RSS MiB | result |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
} >"$summary"

failed=()
for t in "${targets[@]}"; do
    mkdir -p "corpus/$t" "artifacts/$t"
    log="logs/$t.log"
    args=(-max_total_time="$secs" -timeout="$timeout" -rss_limit_mb="$rss_mb" -print_final_stats=1)
    [ -f "dicts/$t.dict" ] && args+=(-dict="dicts/$t.dict")
    seeds=()
    [ -d "seeds/$t" ] && seeds=("seeds/$t")
    echo "fuzz: $t for ${secs}s"
    t0=$(date +%s)
    set +e
    cargo fuzz run --sanitizer "$sanitizer" "$t" "corpus/$t" "${seeds[@]}" -- "${args[@]}" >"$log" 2>&1
    rc=$?
    set -e
    took=$(($(date +%s) - t0))

    stat() { sed -n "s/^stat::$1: *\([0-9]*\).*/\1/p" "$log" | tail -1; }
    execs=$(stat number_of_executed_units)
    eps=$(stat average_exec_per_sec)
    new=$(stat new_units_added)
    rss=$(stat peak_rss_mb)
    last=$(grep -E '(DONE|pulse|NEW|REDUCE) +cov:' "$log" | tail -1 || true)
    cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
    ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
    corp=$(sed -n 's/.* corp: \([0-9]*\/[0-9]*[A-Za-z]*\).*/\1/p' <<<"$last")
    ran=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
    if [ "$rc" -eq 0 ]; then
        result=ok
    else
        result="FAILED (exit $rc)"
        failed+=("$t")
    fi
    echo "| $t | ${ran:-?} | ${execs:-?} | ${eps:-?} | ${corp:-?} | ${cov:-?} | ${ft:-?} | ${new:-?} | ${rss:-?} | $result |" >>"$summary"
    echo "fuzz: $t done in ${took}s: $result"
    if [ "$rc" -ne 0 ]; then
        echo "fuzz: $t FAILED (exit $rc); log: fuzz/$log" >&2
        grep -A1 -E 'panicked at|ERROR: |SUMMARY: |Test unit written to|Reproduce with' "$log" | head -30 >&2 || true
    fi
done

echo
cat "$summary"
echo
echo "fuzz: build ${build_secs}s, total $(($(date +%s) - start))s; logs in fuzz/logs/"
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz: FAILED: ${failed[*]} (inputs in fuzz/artifacts/<target>/; see docs/fuzzing.md)" >&2
    exit 1
fi
echo "fuzz: ${#targets[@]} target(s), no crash"
