"""Memory row of the benchmark (docs/benchmarks.md): the RSS of a Python process that
imports only authjs, at start and after N get_session calls.

    python bench/python/memory.py URL N POINTS MAX_SECONDS

"start" is after the client is built, signed in and has made 100 calls, so what is
allocated once (the module, the TLS roots, the connection) is in it. RSS is read every
N/POINTS calls. The run stops after N calls or, at the next checkpoint, once MAX_SECONDS
have passed (0: no limit). Prints one JSON object.
"""

from __future__ import annotations

import json
import sys
import time


def rss_kib() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def main() -> None:
    rss_exec = rss_kib()
    import authjs

    url = sys.argv[1]
    n, points, max_seconds = int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
    rss_import = rss_kib()
    c = authjs.Client(url, user_agent="authjs-bench-python-memory")
    assert c.sign_in("credentials", username="alice", password="alice-password").ok
    s = c.get_session()
    assert s is not None and s.user.email == "alice@example.com"
    for _ in range(100):
        c.get_session()
    start = rss_kib()
    step = max(1, n // max(1, points))
    marks = []
    t0 = time.perf_counter()
    calls = 0
    for i in range(1, n + 1):
        if c.get_session() is None:
            raise SystemExit("signed out during the benchmark")
        calls = i
        if i % step == 0 or i == n:
            marks.append([i, rss_kib()])
            if max_seconds > 0 and time.perf_counter() - t0 > max_seconds:
                break
    seconds = time.perf_counter() - t0
    json.dump(
        {
            "rss_kib_exec": rss_exec,
            "rss_kib_import": rss_import,
            "rss_kib_start": start,
            "calls": calls,
            "planned": n,
            "points": marks,
            "seconds": round(seconds, 3),
            "rss_kib_end": rss_kib(),
        },
        sys.stdout,
    )
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
