"""Python rows of the benchmark (docs/benchmarks.md): authjs versus requests.Session and
httpx.Client doing the same calls by hand, against the real next-auth v4 server.

    python bench/python/compare.py URL N WARMUP BLOCK FLOW_N

Prints one JSON object: for each operation and client, the wall time (ns) and the
process CPU time (time.process_time_ns, ns) of every call.

Operations:
- ``get_session``: read the session (one GET of /api/auth/session, JSON decoded).
- ``flow``: the full credentials flow, sign-in then session. By hand (requests, httpx)
  that is GET csrf, POST callback/credentials, GET session, on one long-lived
  session object, as next-auth/react does it. ``authjs`` is ``sign_in`` +
  ``get_session`` on one long-lived client, which reuses the CSRF token while its
  cookie lasts (2 requests); ``authjs_cold`` builds a new client every time
  (providers, csrf, callback, session: 4 requests and a new connection).

Blocks of BLOCK calls of each client alternate, so that drift in the machine's load
falls on all clients alike. With $BENCH_FLOOR_LIB (libauthjs_bench_floor.so, bench/floor)
the raw floor client is measured too (``floor``, called through ctypes), with the
signed-in authjs client's Cookie header.
"""

from __future__ import annotations

import ctypes
import gc
import json
import os
import sys
import threading
import time
from typing import Callable, Dict, List

import httpx
import requests

try:
    import authjs
except ImportError as e:  # the rows of requests and httpx are still measured
    authjs = None
    AUTHJS_MISSING = f"the authjs module does not import: {e}"

USER, PASSWORD = "alice", "alice-password"


def main() -> None:
    url = sys.argv[1]
    n, warmup, block, flow_n = (int(a) for a in sys.argv[2:6])
    api = url + "/api/auth"
    ua = "authjs-bench-python"

    # ---- authjs
    if authjs is not None:
        a = authjs.Client(url, user_agent=ua)
        r = a.sign_in("credentials", username=USER, password=PASSWORD)
        assert r.ok, r

    # ---- by hand: what a Python program would write with requests / httpx
    rs = requests.Session()
    rs.headers["User-Agent"] = ua
    hx = httpx.Client(headers={"User-Agent": ua})

    def hand_sign_in(get: Callable, post: Callable) -> None:
        token = get(api + "/csrf").json()["csrfToken"]
        reply = post(
            api + "/callback/credentials",
            data={
                "csrfToken": token,
                "username": USER,
                "password": PASSWORD,
                "callbackUrl": url,
                "json": "true",
            },
            headers={"X-Auth-Return-Redirect": "1"},
        )
        assert reply.status_code == 200, reply.status_code
        assert "error=" not in reply.json()["url"], reply.text

    def requests_sign_in() -> None:
        hand_sign_in(rs.get, lambda u, **kw: rs.post(u, allow_redirects=False, **kw))

    def httpx_sign_in() -> None:
        hand_sign_in(hx.get, hx.post)

    requests_sign_in()
    httpx_sign_in()

    def authjs_session() -> None:
        s = a.get_session()
        assert s is not None

    def requests_session() -> None:
        s = rs.get(api + "/session").json()
        assert s.get("user")

    def httpx_session() -> None:
        s = hx.get(api + "/session").json()
        assert s.get("user")

    def authjs_flow() -> None:
        assert a.sign_in("credentials", username=USER, password=PASSWORD).ok
        authjs_session()

    def authjs_cold_flow() -> None:
        c = authjs.Client(url, user_agent=ua)
        assert c.sign_in("credentials", username=USER, password=PASSWORD).ok
        assert c.get_session() is not None
        c.close()

    def requests_flow() -> None:
        requests_sign_in()
        requests_session()

    def httpx_flow() -> None:
        httpx_sign_in()
        httpx_session()

    session_ops = {"authjs": authjs_session, "requests": requests_session, "httpx": httpx_session}
    floor_lib = os.environ.get("BENCH_FLOOR_LIB")
    if floor_lib and authjs is not None:
        lib = ctypes.CDLL(floor_lib)
        lib.authjs_bench_floor_new.restype = ctypes.c_void_p
        lib.authjs_bench_floor_new.argtypes = [ctypes.c_char_p] * 4
        lib.authjs_bench_floor_get.restype = ctypes.c_int
        lib.authjs_bench_floor_get.argtypes = [ctypes.c_void_p]
        host_port = url.split("://", 1)[1].split("/", 1)[0]
        floor = lib.authjs_bench_floor_new(
            host_port.encode(), b"/api/auth/session", ua.encode(), a.cookie_header().encode()
        )
        assert floor, "the floor client could not be created"
        floor_get = lib.authjs_bench_floor_get
        assert floor_get(floor) == 200

        def floor_session() -> None:
            if floor_get(floor) != 200:
                raise RuntimeError("floor GET session failed")

        session_ops["floor"] = floor_session
    flow_ops = {
        "authjs": authjs_flow,
        "authjs_cold": authjs_cold_flow,
        "requests": requests_flow,
        "httpx": httpx_flow,
    }
    if authjs is None:
        for ops in (session_ops, flow_ops):
            for k in [k for k in ops if k.startswith("authjs")]:
                del ops[k]
    out: Dict[str, object] = {
        "python": sys.version.split()[0],
        "versions": {
            "authjs": getattr(authjs, "__version__", None),
            "requests": requests.__version__,
            "httpx": httpx.__version__,
        },
        "authjs_missing": AUTHJS_MISSING if authjs is None else None,
        "get_session": measure(session_ops, n, warmup, block),
        # The same authjs/floor pair measured from a thread that is not the main one:
        # there a call runs directly on the calling thread; on the main thread it goes
        # through the parked worker that lets Ctrl-C interrupt it
        # (bindings/python/src/interruptible.rs), and this shows what that handoff costs.
        "get_session_thread": off_main_thread(
            lambda: measure({k: session_ops[k] for k in ("floor", "authjs") if k in session_ops},
                            n, warmup, block)),
        "flow": measure(flow_ops, flow_n, max(1, warmup // 4), max(1, block // 2)),
    }
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


def off_main_thread(f: Callable[[], Dict[str, Dict[str, List[int]]]]) -> Dict[str, Dict[str, List[int]]]:
    """f() run on a new thread (joined before returning)."""
    box: List[Dict[str, Dict[str, List[int]]]] = []
    t = threading.Thread(target=lambda: box.append(f()), name="bench-off-main")
    t.start()
    t.join()
    if not box:
        raise RuntimeError("the off-main-thread measurement failed (see above)")
    return box[0]


def measure(
    ops: Dict[str, Callable[[], None]], n: int, warmup: int, block: int
) -> Dict[str, Dict[str, List[int]]]:
    names = list(ops)
    for f in ops.values():
        for _ in range(warmup):
            f()
    res: Dict[str, Dict[str, List[int]]] = {k: {"ns": [], "cpu_ns": []} for k in names}
    clock, cpu = time.perf_counter_ns, time.process_time_ns
    rounds = -(-n // block)
    gc.collect()
    for r in range(rounds):
        size = min(block, n - r * block)
        for k in range(len(names)):
            name = names[(k + r) % len(names)]
            f, wall, cpus = ops[name], res[name]["ns"], res[name]["cpu_ns"]
            for _ in range(size):
                c0 = cpu()
                t0 = clock()
                f()
                t1 = clock()
                c1 = cpu()
                wall.append(t1 - t0)
                cpus.append(c1 - c0)
    return res


if __name__ == "__main__":
    main()
