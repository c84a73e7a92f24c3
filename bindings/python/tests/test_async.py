"""``authjs.AsyncClient`` (issue 14) and ``async for`` watches (issue 13), against the
real servers: the surface mirrors ``Client``, the loop is never blocked, threads are
bounded and end with ``aclose()``, cancellation is immediate and consistent, any
asyncio loop works (uvloop too) and a second loop gets a clear error."""

from __future__ import annotations

import ast
import asyncio
import inspect
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, TypeVar

import pytest

import authjs
from authjs import InvalidArgumentError
from conftest import PASSWORDS, Faults, Server, make_server

import uvloop

T = TypeVar("T")

LOOPS: Dict[str, Callable[[], asyncio.AbstractEventLoop]] = {
    "asyncio": asyncio.new_event_loop,
    "uvloop": uvloop.new_event_loop,
}


@pytest.fixture(params=list(LOOPS))
def run(request: pytest.FixtureRequest) -> Callable[[Callable[[], Awaitable[T]]], T]:
    """Runs a coroutine function to completion on a fresh loop of each kind."""
    factory = LOOPS[request.param]

    def runner(fn: Callable[[], Awaitable[T]]) -> T:
        loop = factory()
        try:
            return loop.run_until_complete(fn())
        finally:
            loop.close()

    return runner


def aclient(server: Server, **kwargs: Any) -> authjs.AsyncClient:
    if server.ca is not None:
        kwargs.setdefault("ca_cert", server.ca)
    return authjs.AsyncClient(server.url, **kwargs)


async def sign_in(c: authjs.AsyncClient, user: str = "alice") -> None:
    res = await c.sign_in("credentials", username=user, password=PASSWORDS[user])
    assert res.ok, res


def session_cookies(header: str) -> int:
    return sum(
        1
        for part in header.split(";")
        if part.split("=", 1)[0].strip().endswith("session-token")
    )


# ----- the surface mirrors Client ------------------------------------------------------


def declared() -> Dict[str, ast.AST]:
    """The typed declarations of aio.py's TYPE_CHECKING block in AsyncClient."""
    tree = ast.parse(Path(authjs.aio.__file__).read_text())
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "AsyncClient")
    out: Dict[str, ast.AST] = {}
    for node in cls.body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for d in node.body:
                if isinstance(d, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    out[d.name] = d
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            out[node.name] = node
    return out


def param_names(fn: Any) -> list:
    if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
        a = fn.args
        names = [x.arg for x in a.posonlyargs + a.args + a.kwonlyargs]
        if a.vararg:
            names.append("*" + a.vararg.arg)
        if a.kwarg:
            names.append("**" + a.kwarg.arg)
        return names
    out = []
    for p in inspect.signature(fn).parameters.values():
        prefix = {p.VAR_POSITIONAL: "*", p.VAR_KEYWORD: "**"}.get(p.kind, "")
        out.append(prefix + p.name)
    return out


def test_every_public_client_member_is_on_async_client_and_typed() -> None:
    decl = declared()
    missing, untyped, differ = [], [], []
    for name, member in vars(authjs.Client).items():
        if name.startswith("_"):
            continue
        target = {"close": "aclose"}.get(name, name)
        if not hasattr(authjs.AsyncClient, target):
            missing.append(name)
            continue
        if target not in decl:
            untyped.append(name)
            continue
        if isinstance(member, property):
            continue
        ours = param_names(decl[target])
        theirs = param_names(member)
        if name != "watch" and name != "close" and ours != theirs:
            differ.append((name, theirs, ours))
        # `user` makes a handle without I/O: an AsyncClient, not a coroutine.
        if name not in ("close", "watch", "watch_in_background", "user"):
            assert inspect.iscoroutinefunction(getattr(authjs.AsyncClient, target)), name
            assert isinstance(decl[target], ast.AsyncFunctionDef), name
    assert not missing, f"Client methods AsyncClient lacks: {missing}"
    assert not untyped, f"AsyncClient members without a typed declaration in aio.py: {untyped}"
    assert not differ, f"parameters differ from Client's: {differ}"
    # The constructor: Client's options, plus max_workers.
    ours = param_names(decl["__init__"])
    theirs = param_names(authjs.Client.__init__)
    assert ours == theirs + ["max_workers"]


def test_bad_options_raise_typed_errors() -> None:
    with pytest.raises(InvalidArgumentError):
        authjs.AsyncClient("http://127.0.0.1:1", max_workers=0)
    with pytest.raises(InvalidArgumentError):
        authjs.AsyncClient("http://127.0.0.1:1", max_workers=True)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError):
        authjs.AsyncClient("http://example.com")  # plain http, not loopback
    with pytest.raises(TypeError):
        authjs.AsyncClient("http://127.0.0.1:1", no_such_option=1)  # type: ignore[call-arg]


# ----- flows on every server -----------------------------------------------------------


def test_full_flow(server: Server, run: Callable[..., Any]) -> None:
    async def main() -> None:
        async with aclient(server) as c:
            assert "AsyncClient" in repr(c)
            assert c.status == "loading"
            assert await c.get_session() is None
            assert c.status == "unauthenticated"
            providers = await c.get_providers()
            assert "credentials" in providers
            assert isinstance(providers["credentials"], authjs.Provider)
            assert await c.get_csrf_token()
            bad = await c.sign_in("credentials", username="alice", password="wrong")
            assert not bad.ok and bad.error == "CredentialsSignin"
            await sign_in(c)
            s = await c.get_session()
            assert isinstance(s, authjs.Session) and s.user.name is not None
            assert c.status == "authenticated"
            assert session_cookies(await c.cookie_header()) == 1
            r = await c.request("GET", "/api/me")
            assert isinstance(r, authjs.Response) and r.status == 200
            with pytest.raises(authjs.UnknownProviderError):
                await c.sign_in("no-such-provider")
            out = await c.sign_out()
            assert isinstance(out, authjs.SignOutResponse)
            assert await c.get_session() is None
        assert c.closed
        with pytest.raises(InvalidArgumentError, match="closed"):
            await c.get_session()
        await c.aclose()  # idempotent

    run(main)


def test_cookie_methods(tmp_path: Path, run: Callable[..., Any]) -> None:
    server = make_server("v4")

    async def main() -> None:
        path = tmp_path / "jar.json"
        async with aclient(server) as a:
            await sign_in(a, "bob")
            await a.save_cookies(path)
        async with aclient(server) as b:
            await b.load_cookies(path)
            s = await b.get_session()
            assert s is not None and s.user.name is not None
            assert "bob" in (s.user.email or s.user.name).lower()

    run(main)


# ----- the loop is never blocked, threads are bounded ----------------------------------


def test_200_calls_in_flight_never_block_the_loop() -> None:
    server = make_server("v4")

    async def main() -> int:
        async with aclient(server) as c:
            await sign_in(c)
            events: list[str] = []
            stop = False

            async def heartbeat() -> None:
                while not stop:
                    await asyncio.sleep(0.001)
                    events.append("tick")

            async def call() -> object:
                s = await c.get_session()
                events.append("done")
                return s

            hb = asyncio.create_task(heartbeat())
            await asyncio.sleep(0)
            sessions = await asyncio.gather(*(call() for _ in range(200)))
            stop = True
            await hb
            assert all(s is not None for s in sessions)
            assert c.threads <= authjs.aio.DEFAULT_MAX_WORKERS
            first, last = events.index("done"), len(events) - 1 - events[::-1].index("done")
            return events[first:last].count("tick")

    # Structural, not timed (the machine is shared, and how long the OS leaves the
    # loop's thread unscheduled is not the client's doing): a loop that ran the calls
    # itself would finish all 200 in one pass over its ready tasks, so the heartbeat
    # could not tick between the first completion and the last. Here the calls run on
    # worker threads and complete over many loop iterations, with the heartbeat
    # running in between.
    ticks = asyncio.run(main())
    assert ticks >= 5, f"the heartbeat ran only {ticks} times while the calls completed"


def test_threads_are_bounded_and_end_with_aclose() -> None:
    server = make_server("v5")

    async def main() -> None:
        c = aclient(server, max_workers=2)
        assert c.threads == 0  # started on demand only
        await asyncio.gather(*(c.get_csrf_token() for _ in range(20)))
        assert 1 <= c.threads <= 2
        await c.aclose()
        assert c.threads == 0

    asyncio.run(main())


def test_no_thread_keeps_the_process_alive(faults: Faults) -> None:
    # A call on the wire to a server that never answers (held 5 s), then the program
    # ends without aclose(): it exits at once, not after the request.
    script = textwrap.dedent(
        f"""
        import asyncio, authjs
        async def main():
            c = authjs.AsyncClient({faults.url + "/session-hang"!r}, timeout=30)
            try:
                await asyncio.wait_for(c.get_session(), 0.3)
            except asyncio.TimeoutError:
                print("started", c.threads, flush=True)
        asyncio.run(main())
        """
    )
    t0 = time.monotonic()
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=20
    )
    elapsed = time.monotonic() - t0
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "started 1"
    assert elapsed < 4.0, f"the process took {elapsed:.1f} s to exit"


def test_a_forked_child_gets_threads_of_its_own() -> None:
    server = make_server("v4")
    script = textwrap.dedent(
        f"""
        import asyncio, os, sys, warnings, authjs
        warnings.simplefilter("ignore", DeprecationWarning)  # fork() with threads
        c = authjs.AsyncClient({server.url!r})
        assert asyncio.run(c.get_session()) is None and c.threads == 1
        pid = os.fork()
        if pid == 0:
            ok = asyncio.run(asyncio.wait_for(c.get_session(), 10)) is None
            os._exit(0 if ok and c.threads == 1 else 1)
        _, status = os.waitpid(pid, 0)
        print(os.waitstatus_to_exitcode(status))
        """
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "0"


# ----- cancellation --------------------------------------------------------------------


def test_cancel_returns_at_once(faults: Faults, run: Callable[..., Any]) -> None:
    async def main() -> None:
        # The server holds the request for 5 s; the client would wait 3 s.
        c = authjs.AsyncClient(f"{faults.url}/session-hang", timeout=3)
        t0 = time.perf_counter()
        task = asyncio.create_task(c.get_session())
        await asyncio.sleep(0)  # the call is handed to a worker
        t1 = time.perf_counter()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert time.perf_counter() - t1 < 0.05
        assert time.perf_counter() - t0 < 0.5, "the call blocked the loop"
        # aclose() waits for the abandoned request, bounded by the timeout.
        await c.aclose()
        assert c.threads == 0

    run(main)


def test_cancelled_sign_in_then_new_one_leaves_one_consistent_session(
    http_server: Server,
) -> None:
    async def main() -> None:
        async with aclient(http_server) as c:
            first = asyncio.create_task(
                c.sign_in("credentials", username="alice", password=PASSWORDS["alice"])
            )
            await asyncio.sleep(0)  # the call is handed to a worker
            first.cancel()
            with pytest.raises(asyncio.CancelledError):
                await first
            await sign_in(c, "bob")
            s = await c.get_session()
            assert s is not None
            assert "bob" in (s.user.email or s.user.name or "").lower()
            assert session_cookies(await c.cookie_header()) == 1
            # The server agrees with the jar: a fresh client with its cookies is bob.
            header = await c.cookie_header()
        async with aclient(http_server, cookie_header=header) as d:
            s2 = await d.get_session()
            assert s2 is not None and s2.user == s.user

    asyncio.run(main())


def test_cancelled_sign_out_still_clears_the_local_session(http_server: Server) -> None:
    async def main() -> None:
        async with aclient(http_server) as c:
            await sign_in(c)
            task = asyncio.create_task(c.sign_out())
            await asyncio.sleep(0)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            assert await c.get_session() is None
            assert session_cookies(await c.cookie_header()) == 0
            assert c.status == "unauthenticated"

    asyncio.run(main())


def test_aclose_waits_for_an_abandoned_call_without_blocking(faults: Faults) -> None:
    # The server never answers (holds 5 s); the client gives up after 2 s.
    c = authjs.AsyncClient(f"{faults.url}/session-hang", timeout=2)

    async def first() -> None:
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(c.get_session(), 0.2)

    asyncio.run(first())  # the call is still on the wire; its loop is closed

    async def second() -> None:
        ticks = [time.perf_counter()]

        async def heartbeat() -> None:
            while True:
                await asyncio.sleep(0.005)
                ticks.append(time.perf_counter())

        hb = asyncio.create_task(heartbeat())
        await c.aclose()  # another loop may close it: the first one is closed
        hb.cancel()
        ticks.append(time.perf_counter())
        assert c.threads == 0 and c.closed
        gap = max(b - a for a, b in zip(ticks, ticks[1:]))
        assert ticks[-1] - ticks[0] > 1.0  # it did wait for the request
        assert gap < 0.2, f"aclose() blocked the loop for {gap:.2f} s"

    asyncio.run(second())


# ----- loops ---------------------------------------------------------------------------


def test_two_loops_get_a_clear_error() -> None:
    server = make_server("v4")
    c = aclient(server)
    first = asyncio.new_event_loop()
    second = asyncio.new_event_loop()
    try:
        assert first.run_until_complete(c.get_session()) is None
        with pytest.raises(InvalidArgumentError, match="another event loop"):
            second.run_until_complete(c.get_session())
        first.close()
        # Once the first loop is closed the client may move.
        assert second.run_until_complete(c.get_session()) is None
        second.run_until_complete(c.aclose())
    finally:
        first.close()
        second.close()


# ----- async for watches ---------------------------------------------------------------


def test_async_watch(run: Callable[..., Any]) -> None:
    server = make_server("v5")

    async def main() -> None:
        async with aclient(server) as c:
            await sign_in(c)
            async with c.watch(interval=60, timeout=10) as w:
                first = await w.__anext__()
                assert isinstance(first, authjs.Initial)
                assert first.status == authjs.Status.AUTHENTICATED
                await c.sign_out()
                events = []
                async for e in w:
                    events.append(e)
                    if isinstance(e, authjs.SignedOut):
                        break
                assert isinstance(events[-1], authjs.SignedOut)
                assert events[-1].reason == "local"
            assert w.closed
            assert await w.next_event(0.01) is None
            # A watch still open is closed by the client's aclose().
            w2 = c.watch(interval=60)
            assert isinstance(await w2.next_event(10), authjs.Initial)
        assert w2.closed

    run(main)


def test_watch_bad_options() -> None:
    server = make_server("v5")

    async def main() -> None:
        async with aclient(server) as c:
            with pytest.raises(InvalidArgumentError):
                c.watch(interval=-1)

    asyncio.run(main())
