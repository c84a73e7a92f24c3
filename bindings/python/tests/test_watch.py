"""The session lifecycle through Python (issue 13): ``Client.status``, ``Client.watch``
(iterator, caller's thread) and ``Client.watch_in_background`` (callback, the core's
``authjs-watcher`` thread).

The behaviour itself (keep-alive, expiry, other processes, restarts, request bounds)
is proven once in Rust (tests/lifecycle.rs); these tests check the mapping to Python
types plus one representative flow against the launcher's real v5 server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
import uuid
from pathlib import Path
from typing import List, Optional, Tuple

import pytest

import authjs
from authjs import InvalidArgumentError

from conftest import PASSWORDS, Server, make_server

WAIT = 10.0


@pytest.fixture
def v5() -> Server:
    return make_server("v5")


def sign_in(c: authjs.Client, user: str = "alice") -> None:
    res = c.sign_in("credentials", username=user, password=PASSWORDS[user])
    assert res.ok, res


def thread_names() -> List[str]:
    """The names of this process's OS threads (Rust threads included)."""
    names = []
    for task in Path("/proc/self/task").iterdir():
        try:
            names.append((task / "comm").read_text().strip())
        except FileNotFoundError:  # ended meanwhile
            pass
    return names


def next_of(w: authjs.Watch, timeout: float = WAIT) -> authjs.Event:
    e = w.next_event(timeout)
    assert e is not None, f"no event within {timeout} s"
    return e


# ----- status --------------------------------------------------------------------------


def test_status_before_and_after(v5: Server) -> None:
    with v5.client() as c:
        assert c.status is authjs.Status.LOADING
        assert c.status == "loading"
        assert c.get_session() is None
        assert c.status == "unauthenticated"
        sign_in(c)
        assert c.get_session() is not None
        assert c.status is authjs.Status.AUTHENTICATED
        assert str(c.status) == "authenticated"
        c.sign_out()
        assert c.status == authjs.Status.UNAUTHENTICATED


# ----- the iterator form ---------------------------------------------------------------


def test_operations_on_a_watched_client_are_events_once(v5: Server) -> None:
    with v5.client() as c, c.watch(interval=0.1) as w:
        first = next_of(w)
        assert first == authjs.Initial(authjs.Status.UNAUTHENTICATED, None)
        assert first.name == "initial"

        sign_in(c)
        e = next_of(w)
        assert isinstance(e, authjs.SignedIn), e
        assert isinstance(e.session, authjs.Session)
        assert e.session.user.name is not None

        name = f"Watched {uuid.uuid4().hex[:8]}"
        updated = c.update_session({"name": name})
        e = next_of(w)
        assert isinstance(e, authjs.Updated), e
        assert e.session.user.name == name
        assert e.session == updated

        # Refetches every 100 ms return the same session: nothing new.
        assert w.next_event(0.5) is None

        c.sign_out()
        e = next_of(w)
        assert e == authjs.SignedOut("local")
        assert e.name == "signed_out"
        assert w.next_event(0.3) is None


def test_initial_event_of_a_signed_in_client(v5: Server) -> None:
    with v5.signed_in("bob") as c, c.watch() as w:
        e = next_of(w)
        assert isinstance(e, authjs.Initial)
        assert e.status is authjs.Status.AUTHENTICATED
        assert e.session is not None and e.session.user.name is not None
        assert c.status == "authenticated"


def test_iteration_ends_after_timeout_without_events(v5: Server) -> None:
    with v5.client() as c:
        start = time.monotonic()
        events = list(c.watch(interval=60, timeout=0.5))
        elapsed = time.monotonic() - start
    assert events == [authjs.Initial(authjs.Status.UNAUTHENTICATED, None)]
    assert 0.5 <= elapsed < 5, elapsed


def test_closed_watch_ends_iteration_and_returns_none(v5: Server) -> None:
    with v5.client() as c:
        w = c.watch(interval=60)
        assert not w.closed
        w.close()
        assert w.closed
        assert w.next_event(0.1) is None
        assert list(w) == []
        w.close()  # twice is fine


def test_close_from_another_thread_ends_a_blocked_iteration(v5: Server) -> None:
    with v5.client() as c:
        w = c.watch(interval=60)
        assert isinstance(next_of(w), authjs.Initial)
        closer = threading.Timer(0.2, w.close)
        closer.start()
        start = time.monotonic()
        assert list(w) == []  # no timeout: only the close ends it
        closer.join()
        assert time.monotonic() - start < 5


def test_watch_uses_no_thread(v5: Server) -> None:
    with v5.client() as c:
        before = threading.active_count()
        with c.watch(interval=60) as w:
            next_of(w)
            assert "authjs-watcher" not in thread_names()
            assert threading.active_count() == before


def test_offline_is_reported_not_a_sign_out(closed_port: int) -> None:
    secret = f"SECRET-{uuid.uuid4().hex}"
    with authjs.Client(
        f"http://127.0.0.1:{closed_port}",
        cookie_header=f"authjs.session-token={secret}",
        timeout=5,
    ) as c, c.watch(interval=60) as w:
        first = next_of(w)
        assert first == authjs.Initial(authjs.Status.LOADING, None)
        e = next_of(w)
        assert isinstance(e, authjs.Offline), e
        assert e.name == "offline"
        assert e.kind == "network"
        assert e.message
        for text in (repr(e), str(e), e.message, repr(first), repr(w)):
            assert secret not in text
        assert c.status == "loading"


def test_ctrl_c_interrupts_iteration() -> None:
    """Ctrl-C while a `for event in client.watch()` waits: KeyboardInterrupt promptly
    (in a child process: the signal goes to its main thread)."""
    script = textwrap.dedent(
        f"""
        import signal, authjs
        # Started from a test runner, SIGINT may be ignored; a terminal's is not.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        c = authjs.Client({make_server("v5").url!r})
        w = c.watch(interval=60)
        try:
            print(w.next_event(10).name, flush=True)
            for e in w:
                print("unexpected", e, flush=True)
        except KeyboardInterrupt:
            print("interrupted", flush=True)
        """
    )
    p = subprocess.Popen(
        [sys.executable, "-c", script],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert p.stdout is not None
        assert p.stdout.readline().strip() == "initial"
        start = time.monotonic()
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=WAIT)
    finally:
        p.kill()
        p.wait()
    assert time.monotonic() - start < 2, "Ctrl-C took too long"
    assert out.strip() == "interrupted", (out, err)
    assert p.returncode == 0, err


# ----- the callback form ---------------------------------------------------------------


class Recorder:
    """Collects (event, thread name) pairs from a watcher's callback."""

    def __init__(self) -> None:
        self.events: List[Tuple[authjs.Event, str]] = []
        self.cond = threading.Condition()

    def __call__(self, event: authjs.Event) -> None:
        tid = threading.get_native_id()
        comm = Path(f"/proc/self/task/{tid}/comm").read_text().strip()
        with self.cond:
            self.events.append((event, comm))
            self.cond.notify_all()

    def wait_for(self, count: int, timeout: float = WAIT) -> List[authjs.Event]:
        with self.cond:
            ok = self.cond.wait_for(lambda: len(self.events) >= count, timeout)
            assert ok, f"only {self.events} within {timeout} s"
            return [e for e, _ in self.events]


def test_callback_form_on_the_watcher_thread(v5: Server) -> None:
    rec = Recorder()
    with v5.signed_in("carol") as c:
        with c.watch_in_background(rec, interval=60) as watcher:
            first = rec.wait_for(1)[0]
            assert isinstance(first, authjs.Initial), first
            assert first.status == "authenticated"
            c.sign_out()
            assert rec.wait_for(2)[1] == authjs.SignedOut("local")
            assert not watcher.closed
        assert watcher.closed
    assert {name for _, name in rec.events} == {"authjs-watcher"}
    assert "secret" not in repr(watcher)


def test_thread_count_back_to_baseline_after_close(v5: Server) -> None:
    rec = Recorder()
    with v5.signed_in() as c:
        c.get_session()
        before_py = threading.active_count()
        assert "authjs-watcher" not in thread_names()
        watcher = c.watch_in_background(rec, interval=60)
        rec.wait_for(1)
        assert thread_names().count("authjs-watcher") == 1
        watcher.close()
        # The core joins the thread before close() returns (or, on a machine too busy
        # to schedule it within 100 ms, the thread ends by itself at its next 50 ms
        # slice). Even after a join, the kernel removes /proc/self/task/<tid> a moment
        # later (pthread_join returns when the thread clears its tid, before the task is
        # reaped), so wait for the entry to go, with a generous bound.
        deadline = time.monotonic() + 10
        while "authjs-watcher" in thread_names():
            assert time.monotonic() < deadline, "the watcher thread outlived close()"
            time.sleep(0.005)
        assert threading.active_count() == before_py


def test_callback_exception_is_reported_and_the_watch_goes_on(v5: Server) -> None:
    seen: List[authjs.Event] = []
    done = threading.Event()
    unraisable: List[BaseException] = []
    old_hook = sys.unraisablehook

    def hook(u: "sys.UnraisableHookArgs") -> None:
        if u.exc_value is not None:
            unraisable.append(u.exc_value)

    def callback(e: authjs.Event) -> None:
        seen.append(e)
        if len(seen) == 1:
            raise ValueError("boom")
        done.set()

    sys.unraisablehook = hook
    try:
        with v5.client() as c, c.watch_in_background(callback, interval=60):
            while not seen:
                done.wait(0.05)
            sign_in(c)
            assert done.wait(WAIT)
    finally:
        sys.unraisablehook = old_hook
    assert isinstance(seen[1], authjs.SignedIn)
    assert any(isinstance(e, ValueError) for e in unraisable), unraisable


@pytest.mark.parametrize("busy_callback", [False, True])
def test_interpreter_exits_with_a_watcher_running(v5: Server, busy_callback: bool) -> None:
    """A watcher left running (and one whose callback is blocked) never keeps the
    interpreter alive, and exit is clean: status 0, nothing on stderr."""
    script = textwrap.dedent(
        f"""
        import threading, authjs
        c = authjs.Client({v5.url!r})
        c.sign_in("credentials", username="alice", password={PASSWORDS["alice"]!r})
        first = threading.Event()
        never = threading.Event()
        def cb(event):
            print(event.name, flush=True)
            first.set()
            if {busy_callback!r}:
                never.wait()
        w = c.watch_in_background(cb, interval=0.05)
        assert first.wait(10)
        print("exiting", flush=True)
        """
    )
    p = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=30
    )
    assert p.returncode == 0, p.stderr
    assert p.stdout.split() == ["initial", "exiting"], p.stdout
    assert p.stderr == ""


# ----- options -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [
        {"interval": 0},
        {"interval": -1},
        {"interval": 0.001},  # the core's minimum is 10 ms
        {"interval": 1e12},
        {"interval": float("nan")},
        {"file_check_interval": 0},
        {"file_check_interval": 0.005},
    ],
)
def test_bad_options_are_invalid_argument_errors(v5: Server, options: dict) -> None:  # type: ignore[type-arg]
    with v5.client() as c:
        with pytest.raises(InvalidArgumentError):
            c.watch(**options)
        with pytest.raises(InvalidArgumentError):
            c.watch_in_background(lambda e: None, **options)
        assert "authjs-watcher" not in thread_names()


def test_bad_argument_types(v5: Server) -> None:
    with v5.client() as c:
        with pytest.raises(TypeError):
            c.watch(interval="5")  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            c.watch_in_background("not callable")  # type: ignore[arg-type]
        with c.watch(interval=60) as w:
            with pytest.raises(InvalidArgumentError):
                w.next_event(-1)
            with pytest.raises(TypeError):
                w.next_event("1")  # type: ignore[arg-type]


def test_watch_on_a_closed_client(v5: Server) -> None:
    c = v5.client()
    c.close()
    with pytest.raises(InvalidArgumentError):
        c.watch()
    with pytest.raises(InvalidArgumentError):
        c.watch_in_background(lambda e: None)


# ----- reprs ---------------------------------------------------------------------------


def test_no_secrets_in_reprs(v5: Server) -> None:
    rec = Recorder()
    with v5.signed_in() as c:
        secrets = [v for _, v in (kv.split("=", 1) for kv in c.cookie_header().split("; "))]
        secrets += [PASSWORDS["alice"]]
        with c.watch(interval=60) as w, c.watch_in_background(rec, interval=60) as bg:
            events: List[Optional[authjs.Event]] = [w.next_event(WAIT)]
            events += rec.wait_for(1)
            c.update_session({"name": "Repr"})
            events.append(w.next_event(WAIT))
            c.sign_out()
            events.append(w.next_event(WAIT))
            texts = [repr(e) for e in events] + [repr(w), repr(bg), repr(c.status)]
            texts += [repr(w._native), repr(bg._native)]
    assert all(e is not None for e in events), events
    for text in texts:
        for secret in secrets:
            assert secret not in text, text
