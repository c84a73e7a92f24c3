"""The session lifecycle: what ``SessionProvider`` / ``useSession()`` give a browser app.

- :attr:`authjs.Client.status` is ``useSession().status``: ``"loading"`` until the
  client first learns the session, then ``"authenticated"`` / ``"unauthenticated"``;
  read without a request.
- :meth:`authjs.Client.watch` refetches the session every ``interval`` seconds while
  the jar holds a session cookie (keep-alive for a sliding ``maxAge``), watches the
  cookie file for other processes' sign-ins and sign-outs, and reports each transition
  once, as one of the event classes below. Operations on the same client
  (``sign_in``, ``update_session``, ``sign_out``, ``complete_sign_in``) are reported
  too, once.

>>> for event in client.watch(interval=60):  # doctest: +SKIP
...     if isinstance(event, authjs.SignedOut):
...         print("signed out:", event.reason)

Which transitions exist, their names and the sign-out reasons are decided by the Rust
core; this module only gives them Python types.
"""

from __future__ import annotations

import atexit
import enum
import threading
import weakref
from dataclasses import dataclass
from typing import Any, Callable, ClassVar, Iterator, Mapping, Optional

from . import _authjs
from . import Session


class Status(str, enum.Enum):
    """``useSession().status``. A ``str``: ``client.status == "authenticated"`` holds."""

    LOADING = "loading"
    AUTHENTICATED = "authenticated"
    UNAUTHENTICATED = "unauthenticated"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Event:
    """Base class of the lifecycle events. ``name`` is the core's event name
    (``"signed_in"``, …), the ``event`` field of ``authjs watch --json``."""

    name: ClassVar[str] = ""


@dataclass(frozen=True)
class Initial(Event):
    """The state when a watch starts (after its first refetch): always the first event.
    ``status`` is ``LOADING`` when that refetch failed (an :class:`Offline` follows)."""

    name: ClassVar[str] = "initial"
    status: Status
    session: Optional[Session] = None


@dataclass(frozen=True)
class SignedIn(Event):
    """Signed in (from signed out)."""

    name: ClassVar[str] = "signed_in"
    session: Session


@dataclass(frozen=True)
class Updated(Event):
    """The user data changed (an update, or another process signed in as someone
    else)."""

    name: ClassVar[str] = "updated"
    session: Session


@dataclass(frozen=True)
class Refreshed(Event):
    """Only ``expires`` moved (sliding expiry); only with ``emit_refreshed=True``."""

    name: ClassVar[str] = "refreshed"
    session: Session


@dataclass(frozen=True)
class SignedOut(Event):
    """Signed out. ``reason``: ``"local"`` (this client), ``"other_process"`` (another
    process sharing the cookie file), ``"expired"`` (``expires`` passed, known without a
    request) or ``"server"`` (the server no longer accepts the cookie)."""

    name: ClassVar[str] = "signed_out"
    reason: str


@dataclass(frozen=True)
class Offline(Event):
    """A refetch failed (network, timeout, HTTP error, …). Not a sign-out: the session
    keeps its last known value. ``kind`` is the error's kind (``"network"``, …, as
    :attr:`authjs.AuthjsError.kind`); ``message`` holds no secrets."""

    name: ClassVar[str] = "offline"
    kind: str
    message: str


@dataclass(frozen=True)
class Online(Event):
    """A refetch succeeded again after :class:`Offline`."""

    name: ClassVar[str] = "online"


def _session(d: Optional[Mapping[str, Any]]) -> Optional[Session]:
    return None if d is None else Session._from_native(d)


def _event(d: Mapping[str, Any]) -> Event:
    """The typed event of a native event dict (the core's JSON shape)."""
    name = d["event"]
    if name == "initial":
        return Initial(Status(d["status"]), _session(d.get("session")))
    if name == "signed_in":
        return SignedIn(Session._from_native(d["session"]))
    if name == "updated":
        return Updated(Session._from_native(d["session"]))
    if name == "refreshed":
        return Refreshed(Session._from_native(d["session"]))
    if name == "signed_out":
        return SignedOut(d["reason"])
    if name == "offline":
        return Offline(d["kind"], d["message"])
    if name == "online":
        return Online()
    raise RuntimeError(f"authjs: unknown lifecycle event {name!r}")


class Watch(Iterator[Event]):
    """A watch on the caller's thread (no thread is started), from
    :meth:`authjs.Client.watch`. Iterating waits for the next event, doing the due
    refetches meanwhile with the GIL released; it ends after ``timeout`` seconds
    without an event (``None``: never) or when the watch is closed. Ctrl-C interrupts
    the wait. Use as a context manager, or call :meth:`close`."""

    __slots__ = ("_native", "_timeout")

    def __init__(self, native: _authjs.Watch, timeout: Optional[float]) -> None:
        self._native = native
        self._timeout = timeout

    def next_event(self, timeout: Optional[float] = None) -> Optional[Event]:
        """The next event, waiting at most ``timeout`` seconds (``None``: until there is
        one); ``None`` when nothing happened in that time or the watch is closed."""
        d = self._native.next_event(timeout)
        return None if d is None else _event(d)

    def __iter__(self) -> Watch:
        return self

    def __next__(self) -> Event:
        event = self.next_event(self._timeout)
        if event is None:
            raise StopIteration
        return event

    @property
    def closed(self) -> bool:
        return self._native.closed

    def close(self) -> None:
        """Stops the watch: no more refetches."""
        self._native.close()

    def __enter__(self) -> Watch:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<authjs.Watch{' closed' if self.closed else ''}>"


#: Watchers still running, stopped at interpreter exit (before finalization, while
#: their thread can still take the GIL to finish a callback).
_running: "weakref.WeakSet[Watcher]" = weakref.WeakSet()
_running_lock = threading.Lock()


class Watcher:
    """A watch on a thread of its own (named ``authjs-watcher``), from
    :meth:`authjs.Client.watch` with ``callback=``: ``callback(event)`` is called on
    that thread. Like a daemon thread it never keeps the interpreter alive; it is
    stopped at exit. :meth:`close` (or leaving a ``with`` block) stops it within
    100 ms, or as soon as the refetch it is in returns; no callback comes after that.
    An exception in the callback is reported (``sys.unraisablehook``) and the watch
    goes on."""

    __slots__ = ("_native", "__weakref__")

    def __init__(self, native: _authjs.Watcher) -> None:
        self._native = native
        with _running_lock:
            _running.add(self)

    @property
    def closed(self) -> bool:
        return self._native.closed

    def close(self) -> None:
        """Stops the thread."""
        with _running_lock:
            _running.discard(self)
        self._native.close()

    def __enter__(self) -> Watcher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<authjs.Watcher{' closed' if self.closed else ''}>"


def _wrap_callback(callback: Callable[[Event], object]) -> Callable[[Mapping[str, Any]], None]:
    if not callable(callback):
        raise TypeError(f"callback must be callable, not {type(callback).__name__}")

    def deliver(d: Mapping[str, Any]) -> None:
        callback(_event(d))

    return deliver


@atexit.register
def _stop_all() -> None:
    with _running_lock:
        watchers = list(_running)
    for w in watchers:
        w.close()


__all__ = [
    "Status",
    "Event",
    "Initial",
    "SignedIn",
    "Updated",
    "Refreshed",
    "SignedOut",
    "Offline",
    "Online",
    "Watch",
    "Watcher",
]
