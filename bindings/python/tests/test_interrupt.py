"""Ctrl-C during a call: ``KeyboardInterrupt`` arrives promptly, not when the request
ends. The abandoned request finishes in the background (bounded by the client's
timeout) and stores its cookies as usual, so the jar is never half-updated; the client
stays usable; the interpreter still exits cleanly right after.

CPython delivers signals to the main thread only, so these tests run there (pytest runs
tests in the main thread)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from typing import Callable, Iterator, List, Optional
from urllib.parse import urlsplit

import pytest

import authjs

from conftest import PASSWORDS, Server

SLOW = "/api/slow?ms=5000"
# A correctness bound (the request sleeps 5 s), not a benchmark.
PROMPT = 2.0


@pytest.fixture(autouse=True)
def default_sigint() -> Iterator[None]:
    """Ctrl-C raises KeyboardInterrupt, as in an interactive program (a shell starts
    background jobs with SIGINT ignored, and Python keeps that)."""
    assert threading.current_thread() is threading.main_thread()
    old = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, old)


def sigint_after(delay: float) -> threading.Timer:
    """Sends SIGINT to this process after `delay` seconds, as Ctrl-C in a terminal does."""
    t = threading.Timer(delay, os.kill, (os.getpid(), signal.SIGINT))
    t.start()
    return t


def interrupted(call: Callable[[], object], delay: float = 0.2) -> float:
    """Runs `call` with a SIGINT `delay` s in; asserts it raised KeyboardInterrupt and
    returns how long that took."""
    timer = sigint_after(delay)
    start = time.monotonic()
    try:
        with pytest.raises(KeyboardInterrupt):
            call()
    finally:
        timer.join()
    return time.monotonic() - start


def eventually(cond: Callable[[], bool], what: str, timeout: float = 15.0) -> None:
    """Waits for a condition on real state (not for a guessed amount of time)."""
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, f"not within {timeout} s: {what}"
        threading.Event().wait(0.02)


def test_ctrl_c_interrupts_a_slow_request(server: Server) -> None:
    with server.client() as c:
        assert c.request("GET", "/api/slow?ms=0").status == 200  # connected, TLS done
        elapsed = interrupted(lambda: c.request("GET", SLOW))
        assert elapsed < PROMPT, f"KeyboardInterrupt after {elapsed:.2f}s"
        # Several in a row, each abandoning a request that is still running.
        for _ in range(3):
            assert interrupted(lambda: c.request("GET", SLOW), delay=0.1) < PROMPT
        # The client still works, with the abandoned requests still in flight.
        res = c.sign_in("credentials", username="alice", password=PASSWORDS["alice"])
        assert res.ok, res
        session = c.get_session()
        assert session is not None and session.user.name == "Alice Liddell"
        assert c.request("GET", "/api/me").status == 200


def test_other_signal_handlers_run_during_a_call(server: Server) -> None:
    """A handler that returns normally (here for SIGUSR1) runs while the call waits, and
    the call then completes with its result."""
    ran: List[float] = []
    old = signal.signal(signal.SIGUSR1, lambda *_: ran.append(time.monotonic()))
    try:
        with server.client() as c:
            c.request("GET", "/api/slow?ms=0")
            timer = threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGUSR1))
            timer.start()
            r = c.request("GET", "/api/slow?ms=1500")
            done = time.monotonic()
            timer.join()
            assert r.status == 200 and r.json() == {"slept": 1500}
    finally:
        signal.signal(signal.SIGUSR1, old)
    assert len(ran) == 1
    assert ran[0] < done - 0.5, "the handler ran only after the call returned"


def helper_threads() -> List[int]:
    """The ids of this process's `authjs-call` threads (the helpers of main-thread
    calls), read from /proc: they are not Python threads."""
    out = []
    for tid in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{tid}/comm") as f:
                if f.read().strip() == "authjs-call":
                    out.append(int(tid))
        except FileNotFoundError:  # the thread ended meanwhile
            pass
    return out


def test_one_helper_thread_is_reused_and_leaves_when_idle(server: Server) -> None:
    # Helpers still finishing calls abandoned by earlier tests leave first.
    eventually(lambda: not helper_threads(), "earlier helper threads exited")
    with server.signed_in("alice") as c:
        seen = set()
        for _ in range(20):
            assert c.get_session() is not None
            seen.update(helper_threads())
        assert len(seen) == 1, f"{len(seen)} helper threads for 20 calls"

        # Calls from another thread run on that thread: no other helper.
        errors: List[BaseException] = []

        def work() -> None:
            try:
                for _ in range(5):
                    assert c.get_session() is not None
                    seen.update(helper_threads())
            except BaseException as e:  # noqa: BLE001 - reported below
                errors.append(e)

        t = threading.Thread(target=work)
        t.start()
        t.join(timeout=60)
        assert not errors, errors
        assert len(seen) == 1
    # Once idle, the helper exits: a program that made a call keeps no extra thread.
    eventually(lambda: not helper_threads(), "the idle helper thread exited")


# ----- a sign-in interrupted mid-flight ----------------------------------------------


class GatedRelay:
    """An HTTP CONNECT proxy in front of a real server that holds back the server's reply
    on any tunnel whose request contains `hold`, until `release` is set: a network that
    stalls at a chosen moment, which a real server cannot be made to do."""

    def __init__(self, hold: bytes) -> None:
        self.hold = hold
        self.held = threading.Event()  # a request matching `hold` went upstream
        self.release = threading.Event()
        self._lock = threading.Lock()
        self._sockets: List[socket.socket] = []
        self._threads: List[threading.Thread] = []
        self._listener = self._own(socket.create_server(("127.0.0.1", 0)))
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._spawn(self._accept)

    def _own(self, s: socket.socket) -> socket.socket:
        with self._lock:
            self._sockets.append(s)
        return s

    def _spawn(self, target: Callable[..., None], *args: object) -> None:
        t = threading.Thread(target=target, args=args, daemon=True)
        with self._lock:
            self._threads.append(t)
        t.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._listener.accept()
            except OSError:  # closed
                return
            self._spawn(self._tunnel, self._own(conn))

    def _tunnel(self, client: socket.socket) -> None:
        try:
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = client.recv(4096)
                if not chunk:
                    return
                head += chunk
            method, target, _ = head.split(b"\r\n", 1)[0].decode().split(" ", 2)
            assert method == "CONNECT", method
            host, port = target.rsplit(":", 1)
            upstream = self._own(socket.create_connection((host, int(port))))
            client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        except OSError:
            return
        gated = threading.Event()
        self._spawn(self._pump, upstream, client, self.release, gated)
        self._pump(client, upstream, None, gated)

    def _pump(
        self,
        src: socket.socket,
        dst: socket.socket,
        gate: Optional[threading.Event],
        gated: threading.Event,
    ) -> None:
        """Copies src to dst. The client-to-server direction (`gate` None) marks the
        tunnel as gated when it sees `hold`; the other direction then waits for
        `gate` (at most 20 s, so that a broken client cannot hang the suite)."""
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                if gate is None and self.hold in data:
                    gated.set()
                    dst.sendall(data)
                    self.held.set()
                    continue
                if gate is not None and gated.is_set():
                    gate.wait(20)
                dst.sendall(data)
        except OSError:
            pass
        try:
            dst.shutdown(socket.SHUT_WR)
        except OSError:
            pass

    def close(self) -> None:
        self.release.set()
        with self._lock:
            sockets, threads = list(self._sockets), list(self._threads)
        for s in sockets:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()
        for t in threads:
            t.join(timeout=10)


@pytest.fixture
def relay() -> Iterator[GatedRelay]:
    r = GatedRelay(hold=b"POST /api/auth/callback/credentials")
    yield r
    r.close()


def test_sign_in_interrupted_mid_flight_leaves_a_consistent_jar(
    http_server: Server, relay: GatedRelay
) -> None:
    """SIGINT while the sign-in's POST is on the wire and its reply held back: the caller
    gets KeyboardInterrupt at once and the jar holds no session (signed out, not half
    signed in). Once the network moves again, the abandoned sign-in completes in the
    background and stores the session cookie, exactly as an uninterrupted one."""
    # http only: the relay must see the request line (TLS would hide it).
    assert urlsplit(http_server.url).scheme == "http"
    with http_server.client(proxy=relay.url) as c:
        assert c.get_session() is None

        def ctrl_c_when_held() -> None:
            if relay.held.wait(20):
                os.kill(os.getpid(), signal.SIGINT)

        watcher = threading.Thread(target=ctrl_c_when_held)
        watcher.start()
        start = time.monotonic()
        try:
            with pytest.raises(KeyboardInterrupt):
                c.sign_in("credentials", username="alice", password=PASSWORDS["alice"])
        finally:
            watcher.join()
        elapsed = time.monotonic() - start
        assert relay.held.is_set()
        assert elapsed < PROMPT, f"KeyboardInterrupt after {elapsed:.2f}s"

        # Mid-flight: the reply (and its Set-Cookie) has not arrived. Signed out.
        assert "session-token" not in c.cookie_header()
        assert c.get_session() is None  # a new connection; not held

        relay.release.set()
        # The abandoned sign-in finishes and stores the session cookie.
        eventually(lambda: c.get_session() is not None, "the abandoned sign-in stored its session")
        session = c.get_session()
        assert session is not None and session.user.name == "Alice Liddell"
        assert "session-token" in c.cookie_header()
        assert c.request("GET", "/api/me").status == 200
        # And the client goes on as usual.
        c.sign_out()
        assert c.get_session() is None
        assert c.sign_in("credentials", username="bob", password=PASSWORDS["bob"]).ok
        session = c.get_session()
        assert session is not None and session.user.name == "Bob"


# ----- the interpreter exits cleanly right after an interrupted call -------------------

EXIT_SCRIPT = r"""
import os, signal, sys, threading, time
import authjs

url, ca, mode = sys.argv[1], sys.argv[2] or None, sys.argv[3]
signal.signal(signal.SIGINT, signal.default_int_handler)
c = authjs.Client(url, ca_cert=ca)
c.get_session()
threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGINT)).start()
if mode == "propagate":
    c.request("GET", "/api/slow?ms=5000")
try:
    c.request("GET", "/api/slow?ms=5000")
except KeyboardInterrupt:
    print("interrupted", flush=True)
if mode == "close":
    c.close()
    del c
"""


@pytest.mark.parametrize("mode", ["keep", "close", "propagate"])
def test_interpreter_exits_right_after_an_interrupted_call(server: Server, mode: str) -> None:
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-c", EXIT_SCRIPT, server.url, server.ca or "", mode],
        capture_output=True,
        text=True,
        timeout=30,
    )
    elapsed = time.monotonic() - start
    # Exiting does not wait for the abandoned 5 s request (nor hang, nor crash).
    assert elapsed < 4.0, f"exited after {elapsed:.2f}s: {proc.stderr}"
    for bad in ("panic", "Fatal Python error", "Segmentation", "Aborted", "thread '"):
        assert bad not in proc.stderr, proc.stderr
    if mode == "propagate":
        # An uncaught KeyboardInterrupt: Python exits by SIGINT, as a plain script does.
        assert proc.returncode == -signal.SIGINT, (proc.returncode, proc.stderr)
        assert "KeyboardInterrupt" in proc.stderr
    else:
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout == "interrupted\n"
        assert proc.stderr == ""
