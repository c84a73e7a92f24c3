"""asyncio rows of the benchmark (docs/benchmarks.md, issue 14), against the real
next-auth v4 server.

    python bench/python/aio.py single URL N WARMUP BLOCK
    python bench/python/aio.py setup URL MAIL_DIR SESSIONS OUT
    python bench/python/aio.py concurrent MODE URL SESSIONS_FILE CALLS

``single``: ``AsyncClient.get_session`` per call against ``Client.get_session``, one
task, both signed in as alice, blocks of BLOCK calls alternating (as compare.py does).

``setup``: SESSIONS distinct signed-in sessions, each its own user: an email sign-in of a
new address (the test app's in-memory adapter creates the user), its magic link read from
MAIL_DIR (the test app writes each link to ``<MAIL_DIR>/<address>.txt``), redeemed with
``complete_sign_in``. Writes the sessions' ``Cookie`` headers to OUT (mode 0600: they are
credentials), so that every workload below uses the same sessions.

``concurrent``: one workload per process, so that peak RSS and the thread count are the
workload's own: every session gets its own client, and all of them make CALLS timed
``get_session`` calls at once. MODE is ``async`` (one ``authjs.AsyncClient`` per session,
``asyncio.gather``), ``httpx`` (one ``httpx.AsyncClient`` per session, written by hand the
way a Python program would), or ``threads`` (one ``authjs.Client`` per session on a
``ThreadPoolExecutor`` with one worker per session). Each client first makes one untimed
call (it connects, and checks that it is signed in); the timed phase is the rest.

Each prints one JSON object. When ``authjs.AsyncClient`` does not exist (yet), the async
rows print ``{"missing": "authjs.AsyncClient is not available"}`` and the others still run.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import os
import sys
import time
import uuid
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Optional, Tuple

import authjs

UA = "authjs-bench-python-aio"
USER, PASSWORD = "alice", "alice-password"
ASYNC_MISSING = "authjs.AsyncClient is not available"


def async_client_class() -> Optional[Any]:
    return getattr(authjs, "AsyncClient", None)


def proc_status(field: str) -> int:
    """A number from /proc/self/status (``VmRSS``, ``VmHWM`` in KiB; ``Threads``)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return -1


def emit(d: Dict[str, Any]) -> None:
    json.dump(d, sys.stdout)
    sys.stdout.write("\n")


# ----- single: one task, per call ------------------------------------------------------


def single(url: str, n: int, warmup: int, block: int) -> None:
    sync = authjs.Client(url, user_agent=UA)
    assert sync.sign_in("credentials", username=USER, password=PASSWORD).ok
    out: Dict[str, Any] = {"python": sys.version.split()[0]}
    cls = async_client_class()
    clock, cpu = time.perf_counter_ns, time.process_time_ns
    res: Dict[str, Dict[str, List[int]]] = {"sync": {"ns": [], "cpu_ns": []}}

    def sync_block(size: int, record: bool) -> None:
        wall, cpus = res["sync"]["ns"], res["sync"]["cpu_ns"]
        for _ in range(size):
            c0, t0 = cpu(), clock()
            s = sync.get_session()
            t1, c1 = clock(), cpu()
            assert s is not None
            if record:
                wall.append(t1 - t0)
                cpus.append(c1 - c0)

    if cls is None:
        out["missing"] = ASYNC_MISSING
        sync_block(warmup, False)
        for _ in range(-(-n // block)):
            sync_block(block, True)
        out["sync"] = res["sync"]
        emit(out)
        return

    res["async"] = {"ns": [], "cpu_ns": []}
    # One loop for the whole run, as a service has: the async calls are timed inside it.
    loop = asyncio.new_event_loop()
    ac = cls(url, user_agent=UA)

    async def sign_in() -> None:
        r = await ac.sign_in("credentials", username=USER, password=PASSWORD)
        assert r.ok, r

    async def async_block(size: int, record: bool) -> None:
        wall, cpus = res["async"]["ns"], res["async"]["cpu_ns"]
        for _ in range(size):
            c0, t0 = cpu(), clock()
            s = await ac.get_session()
            t1, c1 = clock(), cpu()
            assert s is not None
            if record:
                wall.append(t1 - t0)
                cpus.append(c1 - c0)

    try:
        loop.run_until_complete(sign_in())
        sync_block(warmup, False)
        loop.run_until_complete(async_block(warmup, False))
        for r in range(-(-n // block)):
            size = min(block, n - r * block)
            # Alternate which goes first, so that drift falls on both.
            if r % 2 == 0:
                sync_block(size, True)
                loop.run_until_complete(async_block(size, True))
            else:
                loop.run_until_complete(async_block(size, True))
                sync_block(size, True)
        loop.run_until_complete(ac.aclose())
    finally:
        loop.close()
    out["sync"], out["async"] = res["sync"], res["async"]
    emit(out)


# ----- setup: distinct signed-in sessions ----------------------------------------------


def magic_link(mail_dir: Path, email: str, timeout: float = 30.0) -> str:
    """The link the server wrote for `email`. The test app writes it (write + rename)
    before it answers the sign-in, so the first read normally finds it; the short retry
    only covers a slow file system."""
    path = mail_dir / f"{email}.txt"
    deadline = time.monotonic() + timeout
    while True:
        try:
            text = path.read_text().strip()
            if text:
                return text
        except FileNotFoundError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"no magic link in {mail_dir} for a benchmark address")
        time.sleep(0.01)


def setup(url: str, mail_dir: Path, sessions: int, out_path: Path) -> None:
    run = uuid.uuid4().hex[:8]
    t0 = time.monotonic()

    def one(i: int) -> str:
        email = f"bench-aio-{run}-{i}@example.com"
        with authjs.Client(url, user_agent=UA) as c:
            r = c.sign_in("email", email=email)
            assert r.ok, r
            done = c.complete_sign_in(magic_link(mail_dir, email))
            assert done.ok, done
            s = c.get_session()
            assert s is not None and s.user.email == email, "the magic link did not sign in"
            return c.cookie_header()

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        headers = list(pool.map(one, range(sessions)))
    assert len(set(headers)) == sessions
    fd = os.open(out_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(headers, f)
    emit({"sessions": sessions, "seconds": round(time.monotonic() - t0, 3)})


# ----- concurrent: one workload per process --------------------------------------------


def cookie_pairs(header: str) -> List[Tuple[str, str]]:
    out = []
    for part in header.split(";"):
        name, sep, value = part.strip().partition("=")
        if sep:
            out.append((name, value))
    return out


class Peaks:
    """The most threads seen (sampled) during the timed phase."""

    def __init__(self) -> None:
        self.threads = proc_status("Threads")

    def sample(self) -> None:
        self.threads = max(self.threads, proc_status("Threads"))


async def run_async_workload(
    make: Callable[[str], Any],
    call: Callable[[Any], Awaitable[None]],
    close: Callable[[Any], Awaitable[None]],
    headers: List[str],
    calls: int,
    peaks: Peaks,
) -> Dict[str, float]:
    clients = [make(h) for h in headers]
    stop = asyncio.Event()

    async def sampler() -> None:
        while not stop.is_set():
            peaks.sample()
            try:
                await asyncio.wait_for(stop.wait(), 0.01)
            except asyncio.TimeoutError:
                pass

    async def untimed(c: Any) -> None:
        await call(c)

    async def timed(c: Any) -> None:
        for _ in range(calls):
            await call(c)

    try:
        await asyncio.gather(*(untimed(c) for c in clients))
        sampling = asyncio.ensure_future(sampler())
        c0, t0 = time.process_time(), time.perf_counter()
        await asyncio.gather(*(timed(c) for c in clients))
        t1, c1 = time.perf_counter(), time.process_time()
        stop.set()
        await sampling
        peaks.sample()
    finally:
        await asyncio.gather(*(close(c) for c in clients))
    return {"wall_s": t1 - t0, "cpu_s": c1 - c0}


def concurrent_workload(mode: str, url: str, sessions_file: Path, calls: int) -> None:
    headers: List[str] = json.loads(sessions_file.read_text())
    rss_start = proc_status("VmRSS")
    threads_start = proc_status("Threads")
    peaks = Peaks()
    api = url + "/api/auth"
    if mode == "async":
        cls = async_client_class()
        if cls is None:
            emit({"mode": mode, "missing": ASYNC_MISSING})
            return

        async def call(c: Any) -> None:
            if await c.get_session() is None:
                raise SystemExit("a session was signed out during the benchmark")

        async def close(c: Any) -> None:
            await c.aclose()

        timing = asyncio.run(run_async_workload(
            lambda h: cls(url, user_agent=UA, cookie_header=h), call, close, headers, calls,
            peaks))
    elif mode == "httpx":
        import httpx

        def make(h: str) -> Any:
            # The jar holds the cookies host-only, as the server set them, so the cookie
            # the server re-issues on every call replaces them.
            jar = httpx.Cookies()
            for name, value in cookie_pairs(h):
                jar.set(name, value, domain="127.0.0.1", path="/")
            return httpx.AsyncClient(headers={"User-Agent": UA}, cookies=jar)

        async def hcall(c: Any) -> None:
            r = await c.get(api + "/session")
            r.raise_for_status()
            if not r.json().get("user"):
                raise SystemExit("a session was signed out during the benchmark")

        async def hclose(c: Any) -> None:
            await c.aclose()

        timing = asyncio.run(run_async_workload(make, hcall, hclose, headers, calls, peaks))
    elif mode == "threads":
        clients = [authjs.Client(url, user_agent=UA, cookie_header=h) for h in headers]

        def scall(c: authjs.Client, k: int) -> None:
            for _ in range(k):
                if c.get_session() is None:
                    raise SystemExit("a session was signed out during the benchmark")

        with concurrent.futures.ThreadPoolExecutor(max_workers=len(clients)) as pool:
            # The untimed call of each client also starts the pool's threads.
            for f in [pool.submit(scall, c, 1) for c in clients]:
                f.result()
            c0, t0 = time.process_time(), time.perf_counter()
            futs = [pool.submit(scall, c, calls) for c in clients]
            pending = set(futs)
            while pending:
                _, pending = concurrent.futures.wait(pending, timeout=0.01)
                peaks.sample()
            t1, c1 = time.perf_counter(), time.process_time()
            for f in futs:
                f.result()
        for c in clients:
            c.close()
        timing = {"wall_s": t1 - t0, "cpu_s": c1 - c0}
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    emit({
        "mode": mode,
        "sessions": len(headers),
        "calls": len(headers) * calls,
        **timing,
        "rss_kib_start": rss_start,
        "peak_rss_kib": proc_status("VmHWM"),
        "threads_start": threads_start,
        "peak_threads": peaks.threads,
        "threads_end": proc_status("Threads"),
    })


def main() -> None:
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "single":
        single(args[0], int(args[1]), int(args[2]), int(args[3]))
    elif cmd == "setup":
        setup(args[0], Path(args[1]), int(args[2]), Path(args[3]))
    elif cmd == "concurrent":
        concurrent_workload(args[0], args[1], Path(args[2]), int(args[3]))
    else:
        raise SystemExit(f"unknown command {cmd!r}")


if __name__ == "__main__":
    main()
