"""Runs the authjs benchmark suite and writes docs/benchmarks.md.

Started by scripts/bench.sh (`make bench`) inside tests/servers/with-servers.sh, with
the Python of the benchmark venv (pinned requests and httpx, the authjs package). Runs
every measurement against the real next-auth v4 test server ($AUTHJS_TEST_V4_URL),
pools the samples, prints the tables and writes them, with the machine, to
docs/benchmarks.md. Raw results go to bench/target/results.json.

Inputs (environment; scripts/bench.sh sets them):
  BENCH_RUST_BIN       the authjs-bench binary (bench/src)
  BENCH_C_BIN          the C benchmark (bench/c), or empty with BENCH_C_SKIP = reason
  BENCH_FLOOR_LIB      libauthjs_bench_floor.so (bench/floor), the floor for Python
  BENCH_PY_SKIP        reason the authjs Python module is missing (empty: it is there)
  BENCH_NODE_PATH      node_modules holding next-auth 4 (tests/servers/v4/node_modules)
  BENCH_STARTED_AT     epoch seconds when `make bench` started (for the total time)
  BENCH_COMMAND        the command line to print in the doc
Sizes (defaults keep the whole run near 10 minutes on 2 cores):
  BENCH_ROUNDS=2  BENCH_N=2000  BENCH_CPU_N=10000  BENCH_FLOW_N=1000  BENCH_WARMUP=100
  BENCH_BLOCK=20  BENCH_THREADS=8  BENCH_PER_THREAD=150  BENCH_TRIALS=3
  BENCH_MEMORY_N=100000  BENCH_MEMORY_SECONDS=240 (the memory processes stop at the
  first checkpoint past this many seconds: 100,000 calls of next-auth v4's slowish
  session route take longer than that on a busy 2-CPU machine)
  BENCH_AIO_N=2000 (single-task AsyncClient vs Client calls, over all rounds)
  BENCH_AIO_SESSIONS=1000  BENCH_AIO_CALLS=5 (the concurrent asyncio rows: that many
  signed-in sessions, each its own user, and timed get_session calls per session)
  BENCH_POOL_USERS=10000  BENCH_POOL_CLIENTS=300 (issue 17: signed-in users on one pool
  over https, against @auth/express over https ($AUTHJS_TEST_V5_TLS_URL); standalone
  clients after one request, http (v4) and https)
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
DOC = ROOT / "docs" / "benchmarks.md"
RESULTS = BENCH / "target" / "results.json"


def env_int(name: str, default: int) -> int:
    v = os.environ.get(name, "")
    return int(v) if v.strip() else default


ROUNDS = env_int("BENCH_ROUNDS", 2)
N = env_int("BENCH_N", 2000)
CPU_N = env_int("BENCH_CPU_N", 10000)
FLOW_N = env_int("BENCH_FLOW_N", 1000)
WARMUP = env_int("BENCH_WARMUP", 100)
BLOCK = env_int("BENCH_BLOCK", 20)
THREADS = env_int("BENCH_THREADS", 8)
PER_THREAD = env_int("BENCH_PER_THREAD", 150)
TRIALS = env_int("BENCH_TRIALS", 3)
MEMORY_N = env_int("BENCH_MEMORY_N", 100000)
MEMORY_SECONDS = env_int("BENCH_MEMORY_SECONDS", 240)
MEMORY_POINTS = 10
AIO_N = env_int("BENCH_AIO_N", 2000)
AIO_SESSIONS = env_int("BENCH_AIO_SESSIONS", 1000)
AIO_CALLS = env_int("BENCH_AIO_CALLS", 5)
AIO_MODES = ("async", "httpx", "threads")
POOL_USERS = env_int("BENCH_POOL_USERS", 10000)
POOL_CLIENTS = env_int("BENCH_POOL_CLIENTS", 300)
# Instructions per call: callgrind runs of INSTR_N1 and INSTR_N2 calls (issue 17).
INSTR_N1 = env_int("BENCH_INSTR_N1", 200)
INSTR_N2 = env_int("BENCH_INSTR_N2", 1200)
# The same counts at the start of issue 17's last round (bench/callgrind.sh, commit
# af99652, 2026-12-02), the comparison of table 9.
INSTR_BEFORE = {"floor": 5211, "session": 120185, "lookup": 97900}


def log(msg: str) -> None:
    print(f"bench: {msg}", file=sys.stderr, flush=True)


class NotMeasured(Exception):
    pass


def tail(text: str, lines: int = 6) -> str:
    return " | ".join(text.strip().splitlines()[-lines:])


def run_json(cmd: List[str], timeout: float = 900, env: Optional[Dict[str, str]] = None) -> Any:
    log("$ " + " ".join(shlex.quote(c) for c in cmd))
    t = time.monotonic()
    try:
        p = subprocess.run(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=timeout,
            env=env,
        )
    except (OSError, subprocess.TimeoutExpired) as e:
        raise NotMeasured(f"{Path(cmd[0]).name} failed: {e}") from e
    log(f"  ({time.monotonic() - t:.1f} s)")
    if p.returncode != 0:
        raise NotMeasured(f"{Path(cmd[0]).name} exited {p.returncode}: {tail(p.stderr)}")
    try:
        return json.loads(p.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError) as e:
        raise NotMeasured(f"{Path(cmd[0]).name} printed no JSON: {tail(p.stderr)}") from e


# ----- statistics ---------------------------------------------------------------------


def percentile(sorted_xs: List[float], q: float) -> float:
    """Linear interpolation between closest ranks (q in 0..100)."""
    if not sorted_xs:
        return float("nan")
    k = (len(sorted_xs) - 1) * q / 100
    lo = int(k)
    hi = min(lo + 1, len(sorted_xs) - 1)
    return sorted_xs[lo] + (sorted_xs[hi] - sorted_xs[lo]) * (k - lo)


def summary(ns: List[int]) -> Dict[str, float]:
    xs = sorted(x / 1e6 for x in ns)  # ms
    return {
        "n": len(xs),
        "median": statistics.median(xs),
        "p5": percentile(xs, 5),
        "p95": percentile(xs, 95),
        "min": xs[0],
        "max": xs[-1],
    }


class Series:
    """Pooled samples of one client doing one operation, over all rounds."""

    def __init__(self) -> None:
        self.ns: List[int] = []
        self.cpu_ns = 0
        self.cpu_samples: List[int] = []  # per-call CPU, where measured per call
        self.threads_created = 0  # threads started during the timed calls (Rust only)

    def add(self, d: Dict[str, Any]) -> None:
        self.ns.extend(d["ns"])
        self.threads_created += d.get("threads_created", 0)
        cpu = d.get("cpu_ns", 0)
        if isinstance(cpu, list):
            self.cpu_samples.extend(cpu)
            self.cpu_ns += sum(cpu)
        else:
            self.cpu_ns += cpu

    @property
    def calls(self) -> int:
        return len(self.ns)

    def cpu_per_call_us(self) -> float:
        return self.cpu_ns / self.calls / 1e3 if self.calls else float("nan")

    def stats(self) -> Dict[str, float]:
        return summary(self.ns)

    def to_json(self) -> Dict[str, Any]:
        return {
            "stats_ms": self.stats() if self.calls else None,
            "calls": self.calls,
            "cpu_ns": self.cpu_ns,
            "cpu_per_call_us": self.cpu_per_call_us() if self.calls else None,
            "threads_created": self.threads_created,
            "cpu_median_us": statistics.median(self.cpu_samples) / 1e3
            if self.cpu_samples
            else None,
        }


# ----- the run --------------------------------------------------------------------------


class Run:
    def __init__(self, url: str) -> None:
        self.url = url
        self.series: Dict[str, Series] = {}
        self.missing: Dict[str, str] = {}  # row group -> reason
        self.counts: Dict[str, Dict[str, int]] = {}  # client -> op -> requests
        self.concurrency: Optional[Dict[str, Any]] = None
        self.aio: Dict[str, List[Dict[str, Any]]] = {}  # concurrent mode -> one dict per round
        self.aio_setup: Optional[Dict[str, Any]] = None
        self.memory: Dict[str, Any] = {}
        self.pool: Optional[Dict[str, Any]] = None  # issue 17: authjs-bench pool-memory
        self.lookups: Optional[Dict[str, Any]] = None  # issue 17: authjs-bench lookups
        self.instructions: Dict[str, int] = {}  # op -> instructions per call (callgrind)
        self.meta: Dict[str, Any] = {}
        self.phase_seconds: Dict[str, float] = {}

    def s(self, key: str) -> Series:
        return self.series.setdefault(key, Series())

    def attempt(self, group: str, f: Callable[[], None]) -> None:
        if group in self.missing:
            return
        t = time.monotonic()
        try:
            f()
        except NotMeasured as e:
            log(f"NOT MEASURED {group}: {e}")
            self.missing[group] = str(e)
        self.phase_seconds[group] = self.phase_seconds.get(group, 0) + time.monotonic() - t

    # -- one round of every latency measurement
    def round(self, r: int) -> None:
        n = max(1, N // ROUNDS)
        cpu_n = max(1, CPU_N // ROUNDS)
        flow_n = max(1, FLOW_N // ROUNDS)
        rust = os.environ["BENCH_RUST_BIN"]

        def rust_session() -> None:
            d = run_json([rust, "session", "--url", self.url, "--n", str(cpu_n),
                          "--warmup", str(WARMUP), "--block", str(BLOCK)])
            self.s("session/floor").add(d["floor"])
            self.s("session/rust").add(d["rust"])
            self.meta["cookie_header_bytes"] = d["cookie_header_bytes"]
            self.meta["floor_connects"] = self.meta.get("floor_connects", 0) + d["floor_connects"]

        def c_latency() -> None:
            c_bin = os.environ.get("BENCH_C_BIN", "")
            if not c_bin:
                raise NotMeasured(os.environ.get("BENCH_C_SKIP") or "the C library was not built")
            d = run_json([c_bin, "latency", self.url, str(n), str(WARMUP), str(BLOCK)])
            self.s("session/c").add(d["authjs"])
            self.s("session/c-floor").add(d["floor"])

        def python_compare() -> None:
            d = run_json([sys.executable, str(BENCH / "python" / "compare.py"), self.url,
                          str(n), str(WARMUP), str(BLOCK), str(flow_n)])
            if not d["get_session"].get("floor") and "python-authjs" not in self.missing:
                raise NotMeasured("the floor library did not load in Python ($BENCH_FLOOR_LIB)")
            for op in ("get_session", "flow", "get_session_thread"):
                for client, v in d.get(op, {}).items():
                    self.s(f"py/{op}/{client}").add(v)
            self.meta["python"] = d["python"]
            self.meta["python_versions"] = d["versions"]
            if d.get("authjs_missing"):
                self.missing["python-authjs"] = d["authjs_missing"]

        def node() -> None:
            env = dict(os.environ)
            env["NODE_PATH"] = os.environ.get(
                "BENCH_NODE_PATH", str(ROOT / "tests" / "servers" / "v4" / "node_modules"))
            d = run_json(["node", str(BENCH / "node" / "nextauth-react.cjs"), self.url,
                          str(n), str(WARMUP), str(BLOCK)], env=env)
            for op in ("get_session", "get_csrf_token", "get_providers"):
                self.s(f"node/{op}/react").add(d[op])
            self.counts["react"] = {c["op"]: c["requests"] for c in d["counts"]}
            self.meta["next_auth"] = d["next_auth"]
            self.meta["node"] = d["node"]

        def rust_calls() -> None:
            d = run_json([rust, "calls", "--url", self.url, "--n", str(n),
                          "--warmup", str(WARMUP), "--block", str(BLOCK)])
            for op in ("get_session", "get_csrf_token", "get_providers"):
                self.s(f"node/{op}/authjs").add(d[op])
            self.counts["authjs"] = {c["op"]: c["requests"] for c in d["counts"]}

        log(f"round {r + 1}/{ROUNDS}")
        self.attempt("rust", rust_session)
        self.attempt("c", c_latency)
        self.attempt("python", python_compare)
        self.attempt("node", node)
        self.attempt("rust-calls", rust_calls)

    def run_concurrency(self) -> None:
        def f() -> None:
            self.concurrency = run_json([os.environ["BENCH_RUST_BIN"], "concurrency",
                                         "--url", self.url, "--threads", str(THREADS),
                                         "--per-thread", str(PER_THREAD),
                                         "--trials", str(TRIALS)])
        self.attempt("concurrency", f)

    def run_pool(self) -> None:
        """Issue 17: memory per user on one pool and per standalone client, TLS
        configurations and handshakes, backend lookups through one pool vs the floor."""
        rust = os.environ["BENCH_RUST_BIN"]
        tls_url = os.environ.get("AUTHJS_TEST_V5_TLS_URL", "")
        ca = os.environ.get("AUTHJS_TEST_CA", "")

        def memory() -> None:
            if not tls_url or not ca:
                raise NotMeasured("AUTHJS_TEST_V5_TLS_URL / AUTHJS_TEST_CA are not set")
            self.pool = run_json([rust, "pool-memory", "--url", self.url, "--tls-url", tls_url,
                                  "--ca", ca, "--users", str(POOL_USERS),
                                  "--clients", str(POOL_CLIENTS)], timeout=1800)

        def lookups() -> None:
            self.lookups = run_json([rust, "lookups", "--url", self.url, "--threads",
                                     str(THREADS), "--per-thread", str(PER_THREAD),
                                     "--trials", str(TRIALS)])

        self.attempt("pool-memory", memory)
        self.attempt("lookups", lookups)

    def run_instructions(self) -> None:
        """Instructions per call in the client process (issue 17), the measure that does
        not move with the machine's load: bench/callgrind.sh's method, (I(N2) - I(N1)) /
        (N2 - N1) under `valgrind --tool=callgrind`, for the floor, `get_session` and
        `lookup`. Last, so that valgrind's CPU does not disturb the timed rows."""
        rust = os.environ["BENCH_RUST_BIN"]

        def count() -> None:
            if not shutil.which("valgrind"):
                raise NotMeasured("valgrind is not installed")
            with tempfile.TemporaryDirectory() as tmp:
                for op in ("floor", "session", "lookup"):
                    totals = []
                    for n in (INSTR_N1, INSTR_N2):
                        out = os.path.join(tmp, f"{op}.{n}.out")
                        subprocess.run(["valgrind", "--tool=callgrind",
                                        f"--callgrind-out-file={out}", rust, "count", "--url",
                                        self.url, "--op", op, "--n", str(n)],
                                       check=True, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL, timeout=900)
                        with open(out) as f:
                            totals.append(next(int(line.split()[1]) for line in f
                                               if line.startswith("summary:")))
                    self.instructions[op] = (totals[1] - totals[0]) // (INSTR_N2 - INSTR_N1)
                    log(f"  {op}: {self.instructions[op]:,} instructions per call")

        self.attempt("instructions", count)

    def run_aio(self) -> None:
        """The asyncio rows (issue 14): bench/python/aio.py."""
        aio = str(BENCH / "python" / "aio.py")
        if os.environ.get("BENCH_PY_SKIP"):
            for g in ("aio-single", "aio-setup"):
                self.missing[g] = os.environ["BENCH_PY_SKIP"]
            return

        def single() -> None:
            n = max(1, AIO_N // ROUNDS)
            for _ in range(ROUNDS):
                d = run_json([sys.executable, aio, "single", self.url, str(n), str(WARMUP),
                              str(BLOCK)])
                self.s("aio/single/sync").add(d["sync"])
                if d.get("missing"):
                    self.missing["aio-async"] = d["missing"]
                else:
                    self.s("aio/single/async").add(d["async"])

        self.attempt("aio-single", single)
        mail_dir = os.environ.get("AUTHJS_TEST_V4_MAIL_DIR", "")
        sessions = RESULTS.parent / "aio-sessions.json"

        def setup() -> None:
            if not mail_dir:
                raise NotMeasured("AUTHJS_TEST_V4_MAIL_DIR is not set (the magic links)")
            RESULTS.parent.mkdir(parents=True, exist_ok=True)
            self.aio_setup = run_json([sys.executable, aio, "setup", self.url, mail_dir,
                                       str(AIO_SESSIONS), str(sessions)])

        self.attempt("aio-setup", setup)
        try:
            for r in range(ROUNDS):
                # Rotate the order, so that drift in the machine's load falls on all.
                for k in range(len(AIO_MODES)):
                    mode = AIO_MODES[(k + r) % len(AIO_MODES)]

                    def one(mode: str = mode) -> None:
                        d = run_json([sys.executable, aio, "concurrent", mode, self.url,
                                      str(sessions), str(AIO_CALLS)])
                        if d.get("missing"):
                            self.missing["aio-async"] = d["missing"]
                        else:
                            self.aio.setdefault(mode, []).append(d)

                    if "aio-setup" not in self.missing and not (
                            mode == "async" and "aio-async" in self.missing):
                        self.attempt(f"aio-{mode}", one)
        finally:
            # The sessions' cookies are credentials: do not leave them behind.
            sessions.unlink(missing_ok=True)

    def run_memory(self) -> None:
        """The C and the Python process run at the same time (RSS is not a timing)."""
        t = time.monotonic()
        procs: Dict[str, subprocess.Popen] = {}
        c_bin = os.environ.get("BENCH_C_BIN", "")
        if c_bin:
            procs["c"] = subprocess.Popen(
                [c_bin, "memory", self.url, str(MEMORY_N), str(MEMORY_POINTS), str(MEMORY_SECONDS)],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        else:
            self.missing["memory-c"] = os.environ.get("BENCH_C_SKIP") or "the C library was not built"
        if not os.environ.get("BENCH_PY_SKIP"):
            procs["python"] = subprocess.Popen(
                [sys.executable, str(BENCH / "python" / "memory.py"), self.url, str(MEMORY_N),
                 str(MEMORY_POINTS), str(MEMORY_SECONDS)],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        else:
            self.missing["memory-python"] = os.environ["BENCH_PY_SKIP"]
        log(f"memory: {MEMORY_N} get_session calls in {', '.join(procs)} (concurrently)")
        for name, p in procs.items():
            out, err = p.communicate(timeout=1800)
            if p.returncode != 0:
                self.missing[f"memory-{name}"] = f"exited {p.returncode}: {tail(err)}"
                continue
            self.memory[name] = json.loads(out.strip().splitlines()[-1])
        self.phase_seconds["memory"] = time.monotonic() - t
        log(f"  ({self.phase_seconds['memory']:.1f} s)")


# ----- formatting ---------------------------------------------------------------------


def ms(x: float) -> str:
    if x != x:
        return "—"
    if x < 0.01:
        return f"{x * 1000:.2f} µs"
    return f"{x:.3f}"


def ratio(x: float) -> str:
    if x != x:
        return "—"
    return "< 0.01×" if x < 0.005 else f"{x:.2f}×"


def row(cells: List[Any]) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def table(head: List[str], rows: List[List[Any]], align: Optional[str] = None) -> str:
    align = align or ("l" + "r" * (len(head) - 1))
    sep = ["---:" if a == "r" else "---" for a in align]
    return "\n".join([row(head), row(sep)] + [row(r) for r in rows])


def verdict(ok: Optional[bool]) -> str:
    return {True: "**met**", False: "**missed**", None: "not measured"}[ok]


def machine() -> Dict[str, str]:
    info: Dict[str, str] = {}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                kib = int(line.split()[1])
                info["memory"] = f"{kib / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    info["nproc"] = str(os.cpu_count())
    try:
        info["nproc"] = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    except OSError:
        pass
    info["kernel"] = platform.release()
    info["os"] = platform.platform(terse=True)
    for tool, cmd in (("rustc", ["rustc", "--version"]), ("cc", ["cc", "--version"])):
        try:
            info[tool] = subprocess.run(cmd, capture_output=True, text=True).stdout.splitlines()[0]
        except (OSError, IndexError):
            info[tool] = "?"
    return info


def git_rev() -> str:
    try:
        rev = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "src",
                                "Cargo.toml", "bindings", "include"],
                               capture_output=True, text=True).stdout.strip()
        return rev + (" with uncommitted changes in src/, bindings/ or include/" if dirty else "")
    except OSError:
        return "?"


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def write_doc(run: Run, load_before: str, load_after: str, total_s: float) -> str:
    S = run.series
    m = machine()
    has = lambda k: k in S and S[k].calls > 0  # noqa: E731
    med = lambda k: S[k].stats()["median"] if has(k) else float("nan")  # noqa: E731
    floor = med("session/floor")
    out: List[str] = []
    w = out.append

    def missing(*groups: str) -> Optional[str]:
        for g in groups:
            if g in run.missing:
                return run.missing[g]
        return None

    w("# Benchmarks")
    w("")
    w("Written by `make bench` (`scripts/bench.sh`, which runs `bench/run.py`); do not edit by "
      "hand: rerun it. What each row does and why is in [Method](#method) below.")
    w("")
    w("## This run")
    w("")
    w(f"- Date: {dt.datetime.now(dt.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}")
    w(f"- Command: `{os.environ.get('BENCH_COMMAND', 'make bench')}`")
    w(f"- Machine: {m.get('nproc')} CPUs (`nproc`), {m.get('cpu', '?')}, {m.get('memory', '?')} "
      f"RAM, Linux {m.get('kernel')}")
    w(f"- Load average (1, 5, 15 min) before: {load_before}; after: {load_after}")
    w(f"- Total run time of `make bench` (setup, builds, servers and all measurements): "
      f"{total_s / 60:.1f} min; measurements alone: {sum(run.phase_seconds.values()) / 60:.1f} min")
    w(f"- authjs {git_rev()}; {m.get('rustc')}; {m.get('cc')}; Python {run.meta.get('python', '?')}"
      f" (requests {run.meta.get('python_versions', {}).get('requests', '?')}, httpx "
      f"{run.meta.get('python_versions', {}).get('httpx', '?')}); Node {run.meta.get('node', '?')}; "
      f"next-auth {run.meta.get('next_auth', '?')}")
    w(f"- Server: the real next-auth v4 test server (`tests/servers/v4`, Next.js production build, "
      f"`next start`) on 127.0.0.1, signed in as alice (session `Cookie` header "
      f"{run.meta.get('cookie_header_bytes', '?')} bytes)")
    w(f"- Sizes: {ROUNDS} rounds; per client and operation {N} timed `get_session` calls "
      f"({CPU_N} for the floor and the Rust client), {FLOW_N} full credentials flows, "
      f"{WARMUP} warm-up calls per process; {THREADS} threads × {PER_THREAD} calls × {TRIALS} "
      f"trials; up to {MEMORY_N} calls (at most ~{MEMORY_SECONDS} s) per memory process")
    w("")
    w("**2 CPUs, shared.** The server (Node.js, one thread for the JavaScript plus its "
      "helpers) and the client run on the same 2 CPUs, so wall times include the client and "
      "the server competing for them, and any other load on the machine. That is why client "
      "CPU is reported on its own (tables 2 and 5): it is what a client controls.")
    w("")

    # ---- targets
    def lt(a: float, b: float) -> Optional[bool]:
        return None if a != a or b != b else a <= b

    r_rust = med("session/rust") / floor
    r_c = med("session/c") / med("session/c-floor")
    r_py = med("py/get_session/authjs") / med("py/get_session/floor")
    cpu_ratio = (S["py/get_session/requests"].cpu_per_call_us() / S["py/get_session/authjs"].cpu_per_call_us()
                 if has("py/get_session/requests") and has("py/get_session/authjs") else float("nan"))
    flow_ratio = med("py/flow/authjs") / med("py/flow/requests")
    rc = run.counts
    warm_react = rc.get("react", {}).get("warm sign-in")
    warm_ours = rc.get("authjs", {}).get("warm sign-in")
    conc = run.concurrency
    conc_ratio = (statistics.median(conc["shared_rps"]) / statistics.median(conc["raw_rps"])
                  if conc else float("nan"))

    if warm_react is not None and warm_ours is not None:
        browser = warm_react + 1
        signin_text = (f"authjs {warm_ours}; next-auth/react {warm_react} measured in Node, "
                       f"{browser} in a browser with `SessionProvider` (+ its session refetch)")
        signin_verdict = (verdict(warm_ours * 4 <= browser) + f": {warm_ours}/{browser} in the "
                          f"browser, {warm_ours}/{warm_react} against the Node count")
    else:
        signin_text, signin_verdict = "—", "not measured: " + (missing("node", "rust-calls") or "?")

    def growth(name: str) -> Optional[int]:
        d = run.memory.get(name)
        return None if not d else d["rss_kib_end"] - d["rss_kib_start"]

    def flat(name: str) -> Optional[bool]:
        d = run.memory.get(name)
        if not d:
            return None
        return growth(name) <= max(256, d["rss_kib_start"] // 50)

    def miss_by(x: float, target: float, higher_is_better: bool = False) -> str:
        if x != x:
            return ""
        if higher_is_better:
            return "" if x >= target else f" (short by {(target - x) / target * 100:.0f}%)"
        return "" if x <= target else f" (over by {(x / target - 1) * 100:.0f}%)"

    targets = [
        ["`get_session` through Rust ≤ 1.05× the raw floor", ratio(r_rust) + miss_by(r_rust, 1.05),
         verdict(lt(r_rust, 1.05)) if not missing("rust") else "not measured: " + missing("rust")],
        ["`get_session` through the C ABI ≤ 1.05× the floor", ratio(r_c) + miss_by(r_c, 1.05),
         verdict(lt(r_c, 1.05)) if not missing("c") else "not measured: " + missing("c")],
        ["`get_session` through Python ≤ 1.15× the floor", ratio(r_py) + miss_by(r_py, 1.15),
         verdict(lt(r_py, 1.15)) if not missing("python", "python-authjs")
         else "not measured: " + (missing("python", "python-authjs") or "")],
        ["client CPU per `get_session` ≥ 2× below `requests`",
         (f"requests uses {cpu_ratio:.2f}× the CPU of authjs" + miss_by(cpu_ratio, 2, True))
         if cpu_ratio == cpu_ratio else "—",
         verdict(None if cpu_ratio != cpu_ratio else cpu_ratio >= 2)],
        ["full credentials flow no slower than `requests` (wall)",
         f"authjs ÷ requests = {ratio(flow_ratio)}" + miss_by(flow_ratio, 1.0),
         verdict(lt(flow_ratio, 1.0))],
        ["warm sign-in with ≤ 1/4 of next-auth/react's requests", signin_text, signin_verdict],
        [f"{THREADS} threads sharing one Client ≥ 0.9× {THREADS} independent raw connections",
         ratio(conc_ratio) + miss_by(conc_ratio, 0.9, True), verdict(lt(0.9, conc_ratio))],
        ["flat memory (C process)",
         f"{growth('c'):+d} KiB over {run.memory['c']['calls']} calls" if growth("c") is not None else "—",
         verdict(flat("c")) if "memory-c" not in run.missing else "not measured: " + run.missing["memory-c"]],
        ["flat memory (Python process)",
         f"{growth('python'):+d} KiB over {run.memory['python']['calls']} calls" if growth("python") is not None else "—",
         verdict(flat("python")) if "memory-python" not in run.missing
         else "not measured: " + run.missing["memory-python"]],
    ]
    # The asyncio rows (issue 14).
    at = {m: aio_total(run, m) for m in AIO_MODES}
    r_aio_single = med("aio/single/async") / med("aio/single/sync")
    nan = float("nan")
    r_aio_cpu = (at["async"]["per_cpu_s"] / at["httpx"]["per_cpu_s"]
                 if at["async"] and at["httpx"] else nan)
    r_aio_wall = (at["async"]["wall_s"] / at["threads"]["wall_s"]
                  if at["async"] and at["threads"] else nan)

    def aio_reason(*modes: str) -> Optional[str]:
        # `aio-async` (no AsyncClient) says nothing about the httpx and thread rows.
        groups = ["aio-async"] if "single" in modes or "async" in modes else []
        groups += ["aio-single"] if "single" in modes else ["aio-setup"]
        groups += [f"aio-{m}" for m in modes if m != "single"]
        return missing(*groups) or (None if all(
            has("aio/single/async") if m == "single" else at.get(m) for m in modes)
            else "no samples")

    def aio_row(label: str, value: str, ok: Optional[bool], *modes: str) -> List[str]:
        reason = aio_reason(*modes)
        return [label, "—" if reason else value,
                "not measured: " + reason if reason else verdict(ok)]

    sessions_text = f"{AIO_SESSIONS:,}"
    targets += [
        aio_row("`AsyncClient.get_session` per call ≤ 1.3× `Client.get_session`, one task "
                "(issue 14)", ratio(r_aio_single) + miss_by(r_aio_single, 1.3),
                lt(r_aio_single, 1.3), "single"),
        aio_row(f"{sessions_text} concurrent sessions: `AsyncClient` calls per client CPU "
                "second ≥ 2× `httpx.AsyncClient` by hand (issue 14)",
                f"{r_aio_cpu:.2f}× httpx's" + miss_by(r_aio_cpu, 2, True),
                lt(2, r_aio_cpu), "async", "httpx"),
        aio_row(f"{sessions_text} concurrent sessions: `AsyncClient` wall time ≤ 1.1× the sync "
                f"`Client` on a thread pool of {sessions_text} (issue 14)",
                ratio(r_aio_wall) + miss_by(r_aio_wall, 1.1), lt(r_aio_wall, 1.1),
                "async", "threads"),
    ]
    targets += pool_targets(run, r_rust, r_c, r_py, missing)
    w("## Targets")
    w("")
    w(table(["target (issue 7 unless marked)", "this run", "verdict"], targets, "lll"))
    w("")
    notes = explain(run, r_rust, r_c, r_py, cpu_ratio, flow_ratio, conc_ratio)
    notes += explain_aio(run, at, r_aio_single, r_aio_cpu, r_aio_wall)
    notes += explain_pool(run)
    if notes:
        w("### Why the misses")
        w("")
        out.extend(notes)
        w("")

    # ---- 1. get_session vs the floor
    w("## 1. `get_session` against the raw floor")
    w("")
    w("Wall time of one call, in ms. Ratio = median ÷ the floor's median. The floor is a "
      "minimal keep-alive HTTP/1.1 client over `std::net::TcpStream` (`bench/floor/src/floor.rs`) "
      "sending the same GET with the same headers and the same `Cookie` header as the signed-in "
      "Rust client; it reads the reply to its end and parses nothing else.")
    w("")
    rows = []
    for key, label, grp, fkey, where in [
        ("session/floor", "floor: raw HTTP/1.1 over `TcpStream`", "rust", "session/floor", "Rust"),
        ("session/rust", "**authjs, Rust** (`Client::get_session`)", "rust", "session/floor", "Rust"),
        ("session/c-floor", "floor, called from C", "c", "session/c-floor", "C"),
        ("session/c", "**authjs, C ABI** (`authjs_get_session`)", "c", "session/c-floor", "C"),
        ("py/get_session/floor", "floor, called from Python (ctypes)", "python-authjs",
         "py/get_session/floor", "Python"),
        ("py/get_session/authjs", "**authjs, Python** (`Client.get_session`)", "python-authjs",
         "py/get_session/floor", "Python"),
        ("py/get_session_thread/floor", "floor, called from Python, off the main thread",
         "python-authjs", "py/get_session_thread/floor", "Python"),
        ("py/get_session_thread/authjs", "authjs, Python, off the main thread (no Ctrl-C "
         "handoff)", "python-authjs", "py/get_session_thread/floor", "Python"),
        ("py/get_session/requests", "`requests.Session` by hand (for reference)", "python",
         "py/get_session/floor", "Python"),
        ("py/get_session/httpx", "`httpx.Client` by hand (for reference)", "python",
         "py/get_session/floor", "Python"),
        ("node/get_session/react", "Node `next-auth/react` `getSession({req})` (for reference)",
         "node", "session/floor", "Rust †"),
    ]:
        if has(key) and has(fkey) and not (grp == "python-authjs" and "python-authjs" in run.missing):
            st = S[key].stats()
            rows.append([label, where, ms(st["median"]), ms(st["p5"]), ms(st["p95"]), ms(st["min"]),
                         ms(st["max"]), st["n"], ratio(st["median"] / med(fkey))])
        else:
            reason = missing(grp, "python") if grp == "python-authjs" else missing(grp)
            rows.append([label, where, f"not measured: {reason or 'no samples'}", "", "", "", "", "", ""])
    w(table(["client", "process", "median", "p5", "p95", "min", "max", "calls", "÷ floor"], rows,
            "llrrrrrrr"))
    w("")
    w("Each ratio is to the floor measured in the same process, in blocks of calls alternating "
      "with the client measured (the floor is one library, `bench/floor`, called natively from "
      "Rust and C and through ctypes from Python). † Node cannot call it without an addon: "
      "its ratio is to the Rust process's floor.")
    w("")

    # ---- 2. Python
    w("## 2. Python: authjs versus `requests` and `httpx` by hand")
    w("")
    w("Same process, same server, blocks of calls alternating between the clients. Wall is "
      "the median per call (ms); CPU is the process CPU per call (`time.process_time`, mean "
      "and median, µs). Ratios: wall of authjs ÷ wall of the other (below 1: authjs faster); CPU "
      "of the other ÷ CPU of authjs (above 1: authjs uses less).")
    w("")
    for op, title, reqs in [
        ("get_session", "`get_session` (1 request each)", {}),
        ("flow", "Full credentials flow: sign in, then read the session",
         {"authjs": "2: callback, session (CSRF token reused from its cookie)",
          "authjs_cold": "4: providers, csrf, callback, session + a new connection",
          "requests": "3: csrf, callback, session", "httpx": "3: csrf, callback, session"}),
    ]:
        w(f"**{title}**")
        w("")
        rows = []
        base = f"py/{op}/authjs"
        for client, label in [("authjs", "**authjs** (one long-lived `Client`)"),
                              ("authjs_cold", "authjs, new `Client` per flow"),
                              ("requests", "`requests.Session` by hand"),
                              ("httpx", "`httpx.Client` by hand")]:
            k = f"py/{op}/{client}"
            if not has(k):
                if client == "authjs_cold" and op == "get_session":
                    continue
                rows.append([label, "not measured: " + (missing("python-authjs", "python") or "no samples")]
                            + [""] * (6 if op == "flow" else 5))
                continue
            st = S[k].stats()
            cpu_mean = S[k].cpu_per_call_us()
            cpu_med = statistics.median(S[k].cpu_samples) / 1e3 if S[k].cpu_samples else float("nan")
            wall_r = st["median"] / med(base) if has(base) else float("nan")
            cpu_r = cpu_mean / S[base].cpu_per_call_us() if has(base) else float("nan")
            cells = [label]
            if op == "flow":
                cells.append(reqs.get(client, ""))
            cells += [f"{ms(st['median'])} ({ms(st['p5'])}–{ms(st['p95'])})", st["n"],
                      f"{cpu_mean:.0f} / {cpu_med:.0f}", ratio(1 / wall_r) if wall_r == wall_r else "—",
                      ratio(cpu_r)]
            rows.append(cells)
        head = ["client"] + (["requests per flow"] if op == "flow" else []) + [
            "wall ms, median (p5–p95)", "calls", "CPU µs/call mean / median",
            "authjs ÷ this (wall)", "this ÷ authjs (CPU)"]
        w(table(head, rows))
        w("")

    # ---- 3. Node
    w("## 3. Node `next-auth/react` versus authjs")
    w("")
    w("`next-auth/react` as shipped (the v4 test server's copy) used server-side: `getSession({req})` "
      "and `getCsrfToken({req})` with the signed-in cookie in `req.headers`, and `getProviders()`, "
      "on Node's built-in `fetch` (keep-alive). authjs is the Rust `Client` doing the same calls "
      "(`bench/src/main.rs`, `calls`). Requests per call are read from the server's request "
      "counter.")
    w("")
    rows = []
    for op in ("get_session", "get_csrf_token", "get_providers"):
        a, b = f"node/{op}/react", f"node/{op}/authjs"
        if not (has(a) and has(b)):
            rows.append([f"`{op}`", "not measured: " + (missing("node", "rust-calls") or "no samples"),
                         "", "", "", ""])
            continue
        sa, sb = S[a].stats(), S[b].stats()
        rows.append([f"`{op}`", f"{ms(sa['median'])} ({ms(sa['p5'])}–{ms(sa['p95'])})",
                     rc.get("react", {}).get(op, "?"),
                     f"{ms(sb['median'])} ({ms(sb['p5'])}–{ms(sb['p95'])})",
                     rc.get("authjs", {}).get(op, "?"), ratio(sb["median"] / sa["median"])])
    w(table(["call", "next-auth/react ms, median (p5–p95)", "requests", "authjs ms, median (p5–p95)",
             "requests", "authjs ÷ react"], rows))
    w("")
    w("`get_csrf_token` in authjs reads the token from the CSRF cookie already in its jar (the "
      "token is stable for that cookie's lifetime), so it makes no request; next-auth/react "
      "fetches it every time.")
    w("")
    w("Requests per operation (server counter), the same sequence for both clients: sign in "
      "(cold), sign in again (warm), session, CSRF token, providers, sign out:")
    w("")
    rows = []
    for op in ("cold sign-in", "warm sign-in", "get_session", "get_csrf_token", "get_providers",
               "sign-out"):
        rows.append([op, rc.get("react", {}).get(op, "—"), rc.get("authjs", {}).get(op, "—")])
    w(table(["operation", "next-auth/react", "authjs"], rows))
    w("")
    w("next-auth/react's `signIn` fetches the providers and the CSRF token before every POST, and "
      "`signOut` the CSRF token. Run in Node, `signIn` has no `SessionProvider`, so the session "
      "refetch it triggers in a browser (`await __NEXTAUTH._getSession({event: \"storage\"})` in "
      "`next-auth/react/index.js`) does not happen here: in a browser add 1 request to its sign-in "
      "and sign-out. For the sign-in counts, a small cookie-keeping wrapper around `fetch` plays "
      "the browser's cookie jar (`bench/node/nextauth-react.cjs`); the timed calls use the plain "
      "`fetch`.")
    w("")

    # ---- 4. concurrency
    w(f"## 4. Concurrency: {THREADS} threads sharing one `Client`")
    w("")
    if conc:
        sh, rw = conc["shared_rps"], conc["raw_rps"]
        rows = [
            [f"`get_session`, {THREADS} threads, one shared `Client`",
             f"{statistics.median(sh):.0f}", f"{min(sh):.0f}–{max(sh):.0f}", ratio(conc_ratio)],
            [f"`get_session`, {THREADS} threads, own raw connection each (floor)",
             f"{statistics.median(rw):.0f}", f"{min(rw):.0f}–{max(rw):.0f}", "1.00×"],
            ["`get_session`, 1 thread, one `Client` (for reference)",
             f"{conc['single_thread_rps']:.0f}", "", ""],
            [f"`GET /api/slow?ms={conc['slow_ms']}`, {THREADS} threads, one shared `Client`",
             f"{conc['slow_shared_rps']:.0f}", "", ratio(conc['slow_shared_rps'] / conc['slow_raw_rps'])],
            [f"`GET /api/slow?ms={conc['slow_ms']}`, {THREADS} threads, raw connections",
             f"{conc['slow_raw_rps']:.0f}", "", "1.00×"],
            [f"`GET /api/slow?ms={conc['slow_ms']}`, 1 thread, one `Client`",
             f"{conc['slow_single_rps']:.0f}", "", ""],
        ]
        w(table(["load", "requests/s (median of trials)", "min–max", "÷ raw"], rows))
        w("")
        w(f"{TRIALS} trials of {THREADS} × {PER_THREAD} calls, alternating which side goes first. "
          "`get_session` is bound by the single-threaded server on 2 shared CPUs, so the first "
          "rows mostly measure the server; the `/api/slow` rows (the server waits "
          f"{conc['slow_ms']} ms without computing) show whether the client serialises I/O: with "
          f"a lock held during a request, {THREADS} threads would get the rate of 1.")
    else:
        w(f"Not measured: {missing('concurrency')}")
    w("")

    # ---- 5. CPU
    w("## 5. Client CPU per 10,000 `get_session` calls")
    w("")
    w("User + system CPU of the client process (`getrusage(RUSAGE_SELF)`; Python "
      "`time.process_time`; Node `process.cpuUsage`), summed over the timed calls and scaled "
      "to 10,000 calls.")
    w("")
    fl_cpu = S["session/floor"].cpu_per_call_us() if has("session/floor") else float("nan")
    rows = []
    for key, label, grp in [
        ("session/floor", "floor (raw `TcpStream`, Rust)", "rust"),
        ("session/rust", "**authjs, Rust**", "rust"),
        ("session/c", "**authjs, C ABI**", "c"),
        ("py/get_session/authjs", "**authjs, Python**", "python-authjs"),
        ("py/get_session/requests", "Python `requests`", "python"),
        ("py/get_session/httpx", "Python `httpx`", "python"),
        ("node/get_session/react", "Node `next-auth/react`", "node"),
    ]:
        if has(key) and not (grp == "python-authjs" and "python-authjs" in run.missing):
            c = S[key].cpu_per_call_us()
            rows.append([label, S[key].calls, f"{c * 10000 / 1e6:.2f}", f"{c:.0f}", ratio(c / fl_cpu)])
        else:
            rows.append([label, "not measured: " + (missing(grp, "python") or "no samples"), "", "", ""])
    w(table(["client", "calls measured", "CPU s per 10,000 calls", "µs per call", "÷ floor"], rows))
    w("")

    # ---- 6. memory
    w("## 6. Memory")
    w("")
    w(f"RSS (`VmRSS`) of a process doing nothing but `get_session` on one signed-in client. "
      f"\"start\" is after the client is built, signed in and has made 100 calls; then up to "
      f"{MEMORY_N} more calls, RSS read every {MEMORY_N // MEMORY_POINTS} calls, stopping at the "
      f"first checkpoint after {MEMORY_SECONDS} s. The C and the Python process run at the "
      "same time, sharing the server.")
    w("")
    rows = []
    for name, label in (("c", "C (`libauthjs.so`)"), ("python", "Python (`import authjs` only)")):
        d = run.memory.get(name)
        if not d:
            rows.append([label, "not measured: " + run.missing.get(f"memory-{name}", "?"), "", "", "", "", ""])
            continue
        pts = d["points"]
        half = pts[(len(pts) - 1) // 2][1] if pts else d["rss_kib_start"]
        rows.append([label, d["calls"], f"{d['rss_kib_exec']}", f"{d['rss_kib_start']}",
                     f"{d['rss_kib_end']}", f"{d['rss_kib_end'] - d['rss_kib_start']:+d}",
                     f"{d['rss_kib_end'] - half:+d}",
                     " ".join(str(p[1]) for p in pts), f"{d['seconds']:.0f} s"])
    w(table(["process", "calls", "RSS at exec (KiB)", "RSS at start", "RSS at end",
             "growth", "growth, second half", "RSS at each checkpoint (KiB)", "time"], rows))
    w("")
    w("\"Flat\" in the targets: growth from start to end of at most 256 KiB or 2% of the "
      "start RSS, whichever is larger.")
    w("")
    secs = [d["seconds"] / d["calls"] for d in run.memory.values() if d.get("calls")]
    capped = [d for d in run.memory.values() if d.get("calls", 0) < d.get("planned", 0)]
    if secs and capped:
        w(f"**Fewer than the issue's 100,000 calls.** On this machine a call took "
          f"{max(secs) * 1000:.2f} ms with the two memory processes sharing the server "
          f"(next-auth v4's session route re-encrypts the JWT on every call), so {MEMORY_N} "
          f"calls would take about {max(secs) * MEMORY_N / 60:.1f} min; to keep `make bench` "
          f"near 10 minutes the processes stopped at the first checkpoint after "
          f"{MEMORY_SECONDS} s. For the full count: `BENCH_MEMORY_SECONDS=0 make bench`.")
        w("")
    elif secs and MEMORY_N < 100000:
        w(f"**Fewer than the issue's 100,000 calls**: this run was asked for {MEMORY_N} "
          f"(`BENCH_MEMORY_N`).")
        w("")

    # ---- 7. asyncio
    w("## 7. Python asyncio: `AsyncClient` (issue 14)")
    w("")
    w("**One task.** `AsyncClient.get_session` awaited in a loop on one event loop, against "
      "`Client.get_session` called directly, both signed in as alice, in the same process, "
      "blocks of calls alternating (`bench/python/aio.py single`). Wall and CPU per call as "
      "in table 2.")
    w("")
    rows = []
    for key, label in (("aio/single/sync", "`authjs.Client.get_session`"),
                       ("aio/single/async", "**`authjs.AsyncClient.get_session`** (awaited)")):
        if has(key):
            st = S[key].stats()
            cpu_med = statistics.median(S[key].cpu_samples) / 1e3 if S[key].cpu_samples else nan
            rows.append([label, f"{ms(st['median'])} ({ms(st['p5'])}–{ms(st['p95'])})", st["n"],
                         f"{S[key].cpu_per_call_us():.0f} / {cpu_med:.0f}",
                         ratio(st["median"] / med("aio/single/sync"))])
        else:
            reason = (missing("aio-single") if key == "aio/single/sync"
                      else aio_reason("single")) or "no samples"
            rows.append([label, "not measured: " + reason, "", "", ""])
    w(table(["client", "wall ms, median (p5–p95)", "calls", "CPU µs/call mean / median",
             "÷ Client"], rows))
    w("")
    setup_s = run.aio_setup["seconds"] if run.aio_setup else None
    w(f"**{sessions_text} concurrent signed-in sessions.** Each session is its own user: "
      "an email sign-in of a new address, the magic link the test server writes to a file, "
      "redeemed with `complete_sign_in` (`aio.py setup`"
      + (f", {setup_s:.0f} s for all of them, untimed" if setup_s is not None else "")
      + "). Each workload runs in a process of its own, with one client per session seeded "
      "with that session's cookies; every client makes one untimed call (it connects), then "
      f"all sessions make {AIO_CALLS} `get_session` calls each at once (`aio.py concurrent`). "
      f"{ROUNDS} round{'s' if ROUNDS != 1 else ''}, the order of the workloads rotated; the "
      "rounds are summed. "
      "Throughput is calls ÷ wall time; calls per CPU second is calls ÷ the client process's "
      "CPU (`time.process_time`, all threads). Peak RSS is the process's `VmHWM`; threads "
      "are sampled every 10 ms from `/proc/self/status`.")
    w("")
    rows = []
    for mode, label in (
            ("async", f"**`authjs.AsyncClient`** × {sessions_text}, `asyncio.gather`"),
            ("httpx", f"`httpx.AsyncClient` × {sessions_text} by hand, `asyncio.gather`"),
            ("threads", f"`authjs.Client` × {sessions_text} on a `ThreadPoolExecutor` of "
                        f"{sessions_text}")):
        d = at[mode]
        if not d:
            rows.append([label, "not measured: " + (aio_reason(mode) or "no samples")]
                        + [""] * 7)
            continue
        rows.append([label, d["calls"], f"{d['wall_s']:.2f}", f"{d['rps']:.0f}",
                     f"{d['cpu_s']:.2f}", f"{d['per_cpu_s']:.0f}",
                     f"{d['peak_rss_kib'] / 1024:.1f} ({d['rss_kib_start'] / 1024:.1f})",
                     d["peak_threads"], d["threads_end"]])
    w(table(["workload", "calls", "wall s", "calls/s", "client CPU s", "calls per CPU s",
             "peak RSS MiB (at start)", "peak threads", "threads after"], rows))
    w("")
    w("`get_session` throughput is bound by the single-threaded next-auth server on the same "
      "2 CPUs, so calls/s mostly measures the server; calls per client CPU second is what "
      "the client controls, and every CPU second the client uses is taken from the server.")
    w("")

    out.extend(pool_section(run))
    out.extend(instructions_section(run))

    # ---- method
    w("## Method")
    w("")
    w("""- Everything runs against the real next-auth v4 test server (`tests/servers/with-servers.sh`
  starts it on a free loopback port). Every client signs in as alice first, so each call
  returns the same session (the server re-encrypts the JWT and re-issues the cookie on every
  `GET /session`, which is most of its work).
- Each process warms up (untimed calls) before it measures. Within a process, the clients
  being compared take turns in blocks of calls, so drift in the machine's load falls on all
  of them; the whole set of processes runs once per round, and the rounds are pooled.
  Medians are over all pooled calls; p5/p95 are percentiles of single calls.
- Floor: `bench/floor/src/floor.rs`, one `TcpStream` with `TCP_NODELAY`, the request written by hand
  (`Host`, `User-Agent`, `Accept: application/json`, the signed-in `Cookie`), the reply read
  up to its `Content-Length` (or its last chunk); nothing is parsed beyond that.
- Python: `bench/python/compare.py` (get_session and the full flow, by hand in `requests` and
  `httpx` the way next-auth/react does it: GET csrf, POST callback/credentials with
  `json=true`, GET session), `bench/python/memory.py`. C: `bench/c/authjs_bench.c`, linked
  against `libauthjs.so` installed by `scripts/install.sh` into a temp prefix. Node:
  `bench/node/nextauth-react.cjs`.
- asyncio (table 7): `bench/python/aio.py`; the hand-written `httpx.AsyncClient` keeps the
  session cookies in its own jar (host-only, as the server set them), so the cookie the
  server re-issues on every call replaces them, as in `authjs`.
- Many users on one pool (table 8, issue 17): `authjs-bench pool-memory` counts every
  allocation of its process (a counting global allocator) and reads `VmRSS`/`VmHWM`; users
  are `client.user()` handles on one https client of @auth/express over https, each signed
  in as alice (a session cookie of its own) and reading its session once; standalone
  clients each make one anonymous `get_session`. TLS configurations and handshakes are
  `authjs::tls_stats()`. `authjs-bench lookups` runs `Client::lookup` of the signed-in
  `Cookie` header from 8 threads through one client against the floor with 8 raw
  connections sending the same header, trials alternating.
- Sizes can be changed with `BENCH_*` variables (see `bench/run.py`); the defaults keep the
  run near 10 minutes.""")
    w("")
    if run.missing:
        w("## Not measured in this run")
        w("")
        for g, reason in run.missing.items():
            w(f"- {g}: {reason}")
        w("")
    text = "\n".join(out).rstrip() + "\n"
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(text)
    return text


def pool_targets(run: Run, r_rust: float, r_c: float, r_py: float,
                 missing: Callable[..., Optional[str]]) -> List[List[str]]:
    """The target rows of issue 17."""
    S = run.series
    rows: List[List[str]] = []

    def na(*groups: str) -> Optional[str]:
        reason = missing(*groups)
        return "not measured: " + reason if reason else None

    def over(x: float, t: float) -> str:
        return "" if x != x or x <= t else f" (over by {(x / t - 1) * 100:.0f}%)"

    rows.append(["`get_session` through Python ≤ 1.10× the floor (issue 17)",
                 ratio(r_py) + over(r_py, 1.10),
                 na("python", "python-authjs") or verdict(None if r_py != r_py else r_py <= 1.10)])
    if "session/rust" in S and S["session/rust"].calls and S["session/floor"].calls:
        cpu = S["session/rust"].cpu_per_call_us() / S["session/floor"].cpu_per_call_us()
        rows.append(["client CPU per `get_session` ≤ 1.5× the floor's (Rust, issue 17)",
                     f"{S['session/rust'].cpu_per_call_us():.0f} vs "
                     f"{S['session/floor'].cpu_per_call_us():.0f} µs: {ratio(cpu)}"
                     + over(cpu, 1.5), verdict(cpu <= 1.5)])
    else:
        rows.append(["client CPU per `get_session` ≤ 1.5× the floor's (Rust, issue 17)", "—",
                     na("rust") or "not measured"])
    p = run.pool
    if p:
        u, hs, h = p["users"], p["https"], p["http"]
        per_user = u["heap_bytes_per_user"] / 1024
        rows.append([f"≤ 16 KiB per additional signed-in user on a shared pool (issue 17)",
                     f"{per_user:.1f} KiB heap ({u['rss_kib_per_user']:.1f} KiB RSS) per user, "
                     f"{u['users']:,} users", verdict(per_user <= 16)])
        rows.append([f"{POOL_USERS:,} signed-in users over https in one process, peak RSS "
                     "reported (issue 17)",
                     f"{u['users']:,} users, peak RSS {p['peak_rss_kib'] / 1024:.1f} MiB",
                     verdict(u["users"] >= 10000)])
        per_client = hs["heap_bytes_per_client"] / 1024
        rows.append(["a standalone `Client` after one https request ≤ 128 KiB (issue 17)",
                     f"{per_client:.1f} KiB heap ({hs['rss_kib_per_client']:.1f} KiB RSS); over "
                     f"http {h['heap_bytes_per_client'] / 1024:.1f} KiB", verdict(per_client <= 128)])
        rows.append(["TLS configuration built once per pool, not per user or client (issue 17)",
                     f"{u['tls_configs_built']} built for {u['users']:,} users, "
                     f"{hs['tls_configs_built']} for {hs['clients']} more clients with the same CA",
                     verdict(u["tls_configs_built"] == 0 and hs["tls_configs_built"] == 0)])
        rows.append(["a warm pool makes no new TLS handshake (issue 17)",
                     f"{u['tls_handshakes']} handshakes for {u['users']:,} users' sign-ins and "
                     "reads", verdict(u["tls_handshakes"] == 0)])
    else:
        for label in ("≤ 16 KiB per additional signed-in user on a shared pool (issue 17)",
                      "a standalone `Client` after one https request ≤ 128 KiB (issue 17)",
                      "TLS configuration built once per pool (issue 17)"):
            rows.append([label, "—", na("pool-memory") or "not measured"])
    lk = run.lookups
    if lk:
        r = statistics.median(lk["pool_rps"]) / statistics.median(lk["raw_rps"])
        rows.append([f"backend lookups/s through one pool ≥ 0.9× the floor with {lk['threads']} "
                     "connections (issue 17)", ratio(r), verdict(r >= 0.9)])
    else:
        rows.append(["backend lookups/s through one pool ≥ 0.9× the floor (issue 17)", "—",
                     na("lookups") or "not measured"])
    return rows


def thread_text(run: Run) -> str:
    """What the Python main-thread handoff cost in this run, for the notes."""
    S = run.series
    keys = ("py/get_session_thread/authjs", "py/get_session_thread/floor")
    if not all(k in S and S[k].calls for k in keys):
        return ""
    r = S[keys[0]].stats()["median"] / S[keys[1]].stats()["median"]
    return (f" (off the main thread, where the call runs directly, Python is {ratio(r)} its "
            "floor: table 1)")


def instructions_text(run: Run) -> str:
    """This run's instructions per call, for the notes."""
    ins = run.instructions
    if not ins:
        return ("Instructions per call were not measured in this run (" +
                run.missing.get("instructions", "?") + ").")
    return (f"Per call the client process executes {ins['session']:,} instructions for a "
            f"`get_session` against the floor's {ins['floor']:,} (table 9; "
            f"{INSTR_BEFORE['session']:,} when issue 17's last round began).")


def instructions_section(run: Run) -> List[str]:
    """Table 9: instructions per call under callgrind (issue 17)."""
    out: List[str] = []
    w = out.append
    w("## 9. Instructions per call (issue 17)")
    w("")
    if not run.instructions:
        w("Not measured: " + run.missing.get("instructions", "?"))
        w("")
        return out
    w(f"Instructions the client process executes per call, under `valgrind --tool=callgrind`: "
      f"(I({INSTR_N2}) − I({INSTR_N1})) ÷ {INSTR_N2 - INSTR_N1} for `authjs-bench count`, "
      "against the v4 server. Unlike the wall and CPU times above they do not move with the "
      "machine's load (`bash bench/callgrind.sh` measures them alone). \"Before\" is the "
      "same measure at the start of issue 17's last round (commit af99652).")
    w("")
    labels = {"floor": "raw floor (`GET /session` by hand)", "session": "`Client::get_session`",
              "lookup": "`Client::lookup`"}
    rows = []
    for op in ("floor", "session", "lookup"):
        n = run.instructions.get(op)
        if n is None:
            continue
        before = INSTR_BEFORE[op]
        rows.append([labels[op], f"{before:,}", f"{n:,}", f"{n / run.instructions['floor']:.1f}×",
                     f"{(n - before) / before * 100:+.0f}%"])
    w(table(["per call, client process", "before", "this run", "÷ floor", "change"], rows))
    w("")
    return out


def explain_pool(run: Run) -> List[str]:
    """What explains the misses of the issue 17 rows."""
    S = run.series
    notes: List[str] = []
    if "session/rust" in S and S["session/rust"].calls and S["session/floor"].calls:
        cpu = S["session/rust"].cpu_per_call_us() / S["session/floor"].cpu_per_call_us()
        if cpu > 1.5:
            notes.append(
                f"- **Client CPU per `get_session`** ({ratio(cpu)} the floor's). The floor's CPU "
                "is almost all system calls (one send, one receive); the client's extra is its "
                "own instructions (table 9 and the `get_session` note above) and 4 more "
                "system calls. Issue 17 took the system calls per request from 11 to 6 (no "
                "liveness probe when a connection goes back to the pool, socket timeouts no "
                "longer set per request), which is what ureq's configuration and connector "
                "API allow, and a quarter of the client's instructions (the `Cookie` header "
                "cached per URL, ureq's header map kept instead of copied, the body read into "
                "a buffer sized for `Content-Length`, the session URL built once, a quick "
                "`Set-Cookie` parser for the usual shape); the rest is ureq's, serde_json's "
                "and cookie_store's code.")
    lk = run.lookups
    if lk:
        r = statistics.median(lk["pool_rps"]) / statistics.median(lk["raw_rps"])
        if r < 0.9:
            notes.append(
                f"- **Lookups through one pool** ({ratio(r)} the floor). Both sides are bound by "
                "the single-threaded server on the same 2 CPUs (as in table 4), so the client's "
                "CPU per lookup comes out of the server's share. A lookup touches no jar and "
                "holds no lock of ours during I/O (the header is filtered on the calling "
                "thread; ureq's pool lock is held to take or return a connection, and for its "
                "≈ 0.7 µs liveness probe). Per lookup (callgrind, 2026-12-02): ureq ≈ 43,000 "
                "instructions, our request building and body read ≈ 10,000, filtering the "
                "browser's `Cookie` header ≈ 6,100, the JSON and the `Session` ≈ 16,000. "
                "Trials alternate, and on a shared machine one trial's ratio moves by ±20%.")
    return notes


def pool_section(run: Run) -> List[str]:
    """Table 8: many users on one pool (issue 17)."""
    out: List[str] = []
    w = out.append
    w("## 8. Many users on one pool (issue 17)")
    w("")
    p, lk = run.pool, run.lookups
    if not p and not lk:
        w("Not measured: " + (run.missing.get("pool-memory") or run.missing.get("lookups") or "?"))
        w("")
        return out
    if p:
        u, hs, h = p["users"], p["https"], p["http"]
        w("Memory is the live heap (every allocation of `authjs-bench` is counted, "
          "`bench/src/main.rs`) and the RSS growth, divided by the number of users or clients "
          "added; what they share (the pool's connections, the TLS configuration) is made "
          "before the count starts.")
        w("")
        rows = [
            [f"signed-in user on one pool (`client.user()` + sign-in + `get_session`), https",
             f"{u['users']:,}", f"{u['heap_bytes_per_user'] / 1024:.1f}",
             f"{u['rss_kib_per_user']:.1f}", u["tls_configs_built"], u["tls_handshakes"]],
            ["standalone `Client` after one `get_session`, https", f"{hs['clients']:,}",
             f"{hs['heap_bytes_per_client'] / 1024:.1f}", f"{hs['rss_kib_per_client']:.1f}",
             hs["tls_configs_built"], hs["tls_handshakes"]],
            ["standalone `Client` after one `get_session`, http", f"{h['clients']:,}",
             f"{h['heap_bytes_per_client'] / 1024:.1f}", f"{h['rss_kib_per_client']:.1f}",
             h["tls_configs_built"], h["tls_handshakes"]],
        ]
        w(table(["what", "count", "heap KiB each", "RSS KiB each", "TLS configs built",
                 "TLS handshakes"], rows))
        w("")
        w(f"The {u['users']:,} users signed in and read their sessions in {u['wall_s']:.1f} s "
          f"({u['cpu_s']:.1f} s of client CPU; session `Cookie` header {u['cookie_header_bytes']} "
          f"bytes, @auth/express over https); peak RSS of the process "
          f"{p['peak_rss_kib'] / 1024:.1f} MiB, {p['tls_configs_built_total']} TLS "
          "configurations built in all (the process default, and one per CA set while clients "
          "hold it). Before issue 17 a client held ≈ 267 KiB after one request over http and "
          "≈ 760 KiB over https (measured from Python): ureq's two 128 KiB buffers per "
          "connection and a rustls configuration with its root store per client.")
        w("")
    if lk:
        rows = [
            [f"`Client::lookup`, {lk['threads']} threads, one client (its pool)",
             f"{statistics.median(lk['pool_rps']):.0f}",
             f"{min(lk['pool_rps']):.0f}–{max(lk['pool_rps']):.0f}",
             ratio(statistics.median(lk["pool_rps"]) / statistics.median(lk["raw_rps"]))],
            [f"floor, {lk['threads']} threads, a raw connection each",
             f"{statistics.median(lk['raw_rps']):.0f}",
             f"{min(lk['raw_rps']):.0f}–{max(lk['raw_rps']):.0f}", "1.00×"],
        ]
        w(table(["backend lookups (the same signed-in `Cookie` header)", "lookups/s (median)",
                 "min–max", "÷ floor"], rows))
        w("")
        w(f"A header without a session cookie is answered without a request: "
          f"{lk['anonymous_lookup_ns'] / 1000:.2f} µs per lookup.")
        w("")
    return out


def aio_total(run: Run, mode: str) -> Optional[Dict[str, Any]]:
    """One concurrent asyncio workload, its rounds summed (peaks: the largest)."""
    rs = run.aio.get(mode) or []
    if not rs:
        return None
    calls = sum(d["calls"] for d in rs)
    wall = sum(d["wall_s"] for d in rs)
    cpu = sum(d["cpu_s"] for d in rs)
    return {
        "rounds": len(rs), "sessions": rs[0]["sessions"], "calls": calls, "wall_s": wall,
        "cpu_s": cpu, "rps": calls / wall if wall > 0 else float("nan"),
        "per_cpu_s": calls / cpu if cpu > 0 else float("nan"),
        "peak_rss_kib": max(d["peak_rss_kib"] for d in rs),
        "rss_kib_start": min(d["rss_kib_start"] for d in rs),
        "peak_threads": max(d["peak_threads"] for d in rs),
        "threads_end": max(d["threads_end"] for d in rs),
    }


def explain_aio(run: Run, at: Dict[str, Optional[Dict[str, Any]]], r_single: float,
                r_cpu: float, r_wall: float) -> List[str]:
    """What explains each miss of the asyncio targets, from what this run measured."""
    S = run.series
    notes: List[str] = []
    if r_single == r_single and r_single > 1.3:
        extra = (S["aio/single/async"].stats()["median"]
                 - S["aio/single/sync"].stats()["median"]) * 1000
        extra_cpu = (S["aio/single/async"].cpu_per_call_us()
                     - S["aio/single/sync"].cpu_per_call_us())
        notes.append(
            f"- **`AsyncClient` per call**: {extra:.0f} µs more per call than `Client` "
            f"({extra_cpu:+.0f} µs CPU): what leaving the event loop for the blocking core and "
            "coming back costs (a wake-up of another thread or task each way), which on 2 "
            "CPUs shared with the server may also wait to be scheduled.")
    if r_cpu == r_cpu and r_cpu < 2 and at["async"] and at["httpx"]:
        notes.append(
            f"- **`AsyncClient` CPU against httpx**: {at['async']['per_cpu_s']:.0f} calls per "
            f"CPU second against httpx's {at['httpx']['per_cpu_s']:.0f}.")
    if r_wall == r_wall and r_wall > 1.1 and at["async"] and at["threads"]:
        notes.append(
            f"- **`AsyncClient` wall time against threads**: {at['async']['wall_s']:.2f} s "
            f"against {at['threads']['wall_s']:.2f} s for the thread pool; both are bound by "
            "the server, so the difference is what the client takes from its CPUs.")
    return notes


def explain(run: Run, r_rust: float, r_c: float, r_py: float, cpu_ratio: float,
            flow_ratio: float, conc_ratio: float) -> List[str]:
    """What explains each miss, from what this run measured."""
    S = run.series
    notes: List[str] = []
    has = lambda k: k in S and S[k].calls > 0  # noqa: E731
    latency_miss = any(x == x and x > t for x, t in ((r_rust, 1.05), (r_c, 1.05), (r_py, 1.15)))
    if latency_miss and has("session/rust") and has("session/floor"):
        fl, ru = S["session/floor"], S["session/rust"]
        extra_cpu = ru.cpu_per_call_us() - fl.cpu_per_call_us()
        extra_wall = (ru.stats()["median"] - fl.stats()["median"]) * 1000
        threads = ru.threads_created / ru.calls
        text = (
            f"- **`get_session` over the floor.** The Rust client's median is {extra_wall:.0f} µs "
            f"longer than the floor's, and it spends {extra_cpu:.0f} µs more CPU per call "
            f"({ru.cpu_per_call_us():.0f} vs {fl.cpu_per_call_us():.0f} µs). On a loopback "
            "round trip of well under a millisecond, 5% is a few tens of µs, so the client's "
            "own CPU per call decides this target; with 2 CPUs shared with the server, every "
            "µs the client computes is also a µs the server may wait for a CPU. ")
        if threads >= 0.5:
            text += (
                f"This run's client started {threads:.1f} threads per call (counted by "
                "`authjs-bench`, which interposes `pthread_create`): a thread per request is "
                "what ureq's default resolver does when a timeout is set (it resolves the host "
                "again before every request, even on a pooled connection); creating it costs "
                "CPU and, on busy CPUs, a wait to be scheduled. ")
        else:
            text += (
                "The client starts no thread per call (counted by `authjs-bench`, which "
                "interposes `pthread_create`). " + instructions_text(run) + " What is left "
                "of a session read, per call (callgrind, inclusive, profiled 2026-12-02): "
                "ureq's request and reply machinery ≈ 43,000 instructions (its reply parser "
                "builds an `http::Response` with a `HeaderMap` of the ten headers Next.js "
                "sends, ≈ 19,000; writing the request ≈ 7,000; timeouts, pool, resolver, "
                "extensions ≈ 8,000), our request building and body read around it ≈ 9,500, "
                "storing the re-issued session cookie ≈ 16,000 (cookie_store's insert, which "
                "has no in-place update, ≈ 6,600, and its lookups ≈ 2,100), the JSON body into "
                "a `serde_json::Value` and the `Session` ≈ 16,000, the lifecycle observer "
                "≈ 1,900; about 100 allocations and their frees are ≈ 16,000 of all these. "
                "System calls: 6 per request where the floor makes 2: ureq's liveness probe "
                "when a connection is taken out of the pool (a non-blocking one-byte read "
                "between two `ioctl(FIONBIO)`; ureq's connector API does not expose the socket "
                "to do it with one `recv(MSG_PEEK | MSG_DONTWAIT)`) and the fork check's "
                "`getpid`; measured here they are ≈ 0.7 µs and ≈ 0.13 µs, so the system calls "
                "are not where the gap is. Nearly three quarters of what is left runs in ureq, "
                "serde_json and cookie_store, which this project does not fork (issue 17: "
                "\"if ureq cannot get there, show the numbers and say so\"). ")
        notes.append(text.rstrip())
    if r_py == r_py and r_py > 1.10 and r_rust == r_rust and r_py > r_rust:
        notes.append(
            f"- **Python** is {(r_py - r_rust) * 100:.0f} points further from its floor than Rust "
            "is from its own. On the main thread a call runs on a parked worker thread so that "
            "Ctrl-C can interrupt it (`bindings/python/src/interruptible.rs`), and the "
            "handoff, two thread wake-ups on CPUs shared with the server, is part of every "
            "main-thread call" + thread_text(run) + "; the rest is the call through PyO3 (the "
            "GIL is released for the request and taken back), converting the session to "
            "Python objects and building the `Session`.")
    if cpu_ratio == cpu_ratio and cpu_ratio < 2:
        notes.append(
            f"- **Python CPU**: requests uses only {cpu_ratio:.2f}× the CPU of authjs per call.")
    if flow_ratio == flow_ratio and flow_ratio > 1:
        notes.append(
            f"- **Full flow**: authjs is {(flow_ratio - 1) * 100:.0f}% slower than requests in "
            "median wall time although it makes 2 requests where requests makes 3; the flow is "
            "dominated by the server's credentials callback, so this is within the noise of a "
            "shared machine unless it repeats.")
    if conc_ratio == conc_ratio and conc_ratio < 0.9:
        notes.append(
            f"- **Concurrency**: the shared client reached {conc_ratio:.2f}× the raw "
            "connections. `get_session` throughput is bound by the single-threaded server on "
            "the same 2 CPUs, so the client's extra CPU per call (table 5) comes straight out "
            "of the server's share; the `/api/slow` rows show whether the client serialises "
            "I/O (it would if a lock were held during a request).")
    return notes


def main() -> int:
    url = os.environ.get("AUTHJS_TEST_V4_URL")
    if not url:
        log("AUTHJS_TEST_V4_URL is not set: run through scripts/bench.sh (make bench)")
        return 2
    load_before = loadavg()
    run = Run(url)
    if os.environ.get("BENCH_PY_SKIP"):
        run.missing["python-authjs"] = os.environ["BENCH_PY_SKIP"]
    for r in range(ROUNDS):
        run.round(r)
    run.run_concurrency()
    run.run_pool()
    run.run_aio()
    run.run_memory()
    run.run_instructions()
    load_after = loadavg()
    started = float(os.environ.get("BENCH_STARTED_AT", time.time()))
    total = time.time() - started
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({
        "series": {k: v.to_json() for k, v in run.series.items()},
        "counts": run.counts, "concurrency": run.concurrency, "memory": run.memory,
        "pool": run.pool, "lookups": run.lookups, "instructions": run.instructions,
        "aio": run.aio, "aio_setup": run.aio_setup,
        "missing": run.missing, "meta": run.meta, "phase_seconds": run.phase_seconds,
        "load_before": load_before, "load_after": load_after, "total_seconds": total,
    }, indent=1))
    text = write_doc(run, load_before, load_after, total)
    print(text)
    log(f"wrote {DOC.relative_to(ROOT)} and {RESULTS.relative_to(ROOT)}; phases: " + ", ".join(
        f"{k} {v:.0f} s" for k, v in run.phase_seconds.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
