"""asyncio: :class:`AsyncClient`, the same client as :class:`authjs.Client` as coroutines.

>>> async with authjs.AsyncClient("http://127.0.0.1:3000") as client:  # doctest: +SKIP
...     res = await client.sign_in("credentials", username="alice", password="secret")
...     session = await client.get_session()

The protocol stays in the one Rust core, which is blocking: each call runs, through
the very :class:`authjs.Client` method of the same name, on a small pool of worker
threads owned by the client, and the event loop only awaits a future that the worker
settles with ``loop.call_soon_threadsafe``. So the loop is never blocked (the GIL is
released for the whole network call), the threads are bounded (``max_workers``, started
only when calls wait for one), they are daemon threads (none keeps the process alive),
and :meth:`AsyncClient.aclose` stops them all before it returns.

The coroutine methods are generated from :class:`authjs.Client`'s public methods by one
adaptor (:func:`_adapt`), so a method added to ``Client`` exists here too; the typed
declarations below are for type checkers only, and ``tests/test_async.py`` fails when
one is missing or differs from ``Client``'s.

**Cancellation.** A cancelled ``await`` raises ``CancelledError`` at once. The request
already handed to a worker is not torn down (ureq cannot abort a blocking call): it
finishes in the background, bounded by ``timeout``, and the core applies its cookies as
usual. A call that changes state (anything but the reads ``get_session``,
``get_csrf_token``, ``get_providers``, ``cookie_header``, ``save_cookies``) that was
cancelled is waited for by the client's next call before that one starts, so calls take
effect in the order the program made them: a cancelled sign-in followed by a new one
leaves exactly the new session, and a cancelled sign-out has cleared the local session
before any later call runs (the core clears it whatever the server answers).
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import os
import queue
import threading
import weakref
from typing import (
    TYPE_CHECKING,
    Any,
    AsyncIterator,
    Callable,
    Dict,
    List,
    Mapping,
    Optional,
    Set,
    Union,
)

from . import _authjs
from . import Client
from .exceptions import InvalidArgumentError
from .lifecycle import Event, Watcher, _event

if TYPE_CHECKING:
    from . import (
        Cookie,
        CookieImport,
        Endpoint,
        FormData,
        FormValue,
        Headers,
        Lookup,
        Provider,
        Response,
        Session,
        SignInResponse,
        SignOutResponse,
        StrPath,
    )
    from .lifecycle import Status

__all__ = ["AsyncClient", "AsyncWatch"]

#: Default size of a client's worker pool: enough to overlap calls to one server (a
#: Node server answers one at a time anyway), small enough for a thousand clients.
DEFAULT_MAX_WORKERS = 4

#: ``Client`` methods whose cancellation need not be waited for by the next call: they
#: only read (``get_session`` may store a re-issued cookie, which is harmless in any
#: order). Any other method, including one added later, is ordered.
_READS = frozenset(
    {
        "get_session",
        "get_csrf_token",
        "get_providers",
        "provider",
        "cookie_header",
        "save_cookies",
        "cookies",
        "has_session_cookie",
        "export_cookies",
        "netscape_cookies",
        "storage_state",
        "cookie_list",
        "lookup",
    }
)

#: ``Client`` members that are not adapted generically, and what stands for them.
_SPECIAL = {
    "close": "aclose",
    "watch": "watch",
    "watch_in_background": "watch_in_background",
    "user": "user",
}


class _Pool:
    """At most ``size`` daemon threads running jobs from one FIFO queue. A thread is
    started only when a job finds no idle one; all of them stop on :meth:`stop`. The
    lock is held only to count, never while a job runs."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._reset()
        self._stopped = False
        self._on_exit: Optional[Callable[[], None]] = None

    def _reset(self) -> None:
        # The process these threads run in: a forked child inherits the list but not
        # the threads, and its jobs would wait forever for them.
        self._pid = os.getpid()
        self._jobs: "queue.SimpleQueue[Optional[Callable[[], None]]]" = queue.SimpleQueue()
        self._threads: List[threading.Thread] = []
        self._idle = 0
        self._queued = 0
        self._alive = 0

    def submit(self, job: Callable[[], None]) -> None:
        with self._lock:
            if self._stopped:
                raise InvalidArgumentError("the client is closed")
            if self._pid != os.getpid():
                self._reset()
            self._queued += 1
            self._jobs.put(job)
            if self._queued > self._idle and len(self._threads) < self._size:
                t = threading.Thread(target=self._work, name="authjs-async", daemon=True)
                self._threads.append(t)
                self._alive += 1
                t.start()

    def _work(self) -> None:
        while True:
            with self._lock:
                self._idle += 1
            job = self._jobs.get()
            with self._lock:
                self._idle -= 1
                self._queued -= 1
            if job is None:
                with self._lock:
                    self._alive -= 1
                    last = self._alive == 0
                    on_exit = self._on_exit
                if last and on_exit is not None:
                    on_exit()
                return
            job()

    def stop(self, on_exit: Optional[Callable[[], None]] = None) -> bool:
        """No more jobs; each thread exits after the jobs queued before. Returns whether
        threads are still running: then the last one to exit calls ``on_exit`` (on its
        own thread)."""
        with self._lock:
            if not self._stopped:
                self._stopped = True
                for _ in range(self._alive):
                    self._jobs.put(None)
            self._on_exit = on_exit
            return self._alive > 0

    def join(self) -> None:
        """Waits for threads that have taken their stop marker (immediate then)."""
        with self._lock:
            threads = list(self._threads)
        for t in threads:
            if t is not threading.current_thread():
                t.join()

    @property
    def threads(self) -> int:
        with self._lock:
            return sum(t.is_alive() for t in self._threads)


def _settle(fut: "asyncio.Future[Any]", result: Any, exc: Optional[BaseException]) -> None:
    if fut.done():
        return
    if exc is not None:
        fut.set_exception(exc)
    else:
        fut.set_result(result)


def _retrieve(fut: "asyncio.Future[Any]") -> None:
    # An abandoned call's error has nobody to read it; marking it read keeps asyncio
    # from logging "exception was never retrieved" for a call the program cancelled.
    if not fut.cancelled():
        fut.exception()


def _adapt(name: str, method: Callable[..., Any]) -> Callable[..., Any]:
    """The coroutine form of ``Client.<name>``: the same arguments, run on the pool."""
    ordered = name not in _READS

    @functools.wraps(method)
    async def coroutine(self: AsyncClient, *args: Any, **kwargs: Any) -> Any:
        return await self._call(method, ordered, args, kwargs)

    return coroutine


def _forward(name: str, prop: property) -> property:
    """A ``Client`` property, read from the wrapped client (no I/O)."""

    def get(self: AsyncClient) -> Any:
        return getattr(self._sync, name)

    return property(get, doc=prop.__doc__)


class AsyncClient:
    """:class:`authjs.Client` for asyncio: the same constructor options, methods (as
    coroutines), result types and exceptions; ``async with`` and :meth:`aclose`.

    ``max_workers`` bounds the client's worker threads (see the module's docs). The
    client belongs to the event loop that first uses it: awaiting it from another
    running loop raises :class:`InvalidArgumentError` (a client may move to a new loop
    once the old one is closed). Any asyncio loop works, uvloop included.
    """

    if TYPE_CHECKING:

        def __init__(
            self,
            url: str,
            *,
            timeout: float = ...,
            connect_timeout: Optional[float] = None,
            ca_cert: Union[StrPath, bytes, bytearray, None] = None,
            user_agent: Optional[str] = None,
            cookie_file: Optional[StrPath] = None,
            cookie_header: Optional[str] = None,
            base_path: Optional[str] = None,
            proxy: Optional[str] = None,
            allow_insecure_http: bool = False,
            max_workers: int = DEFAULT_MAX_WORKERS,
        ) -> None: ...

        async def get_session(self) -> Optional[Session]: ...
        async def get_csrf_token(self) -> str: ...
        async def get_providers(self) -> Dict[str, Provider]: ...
        async def sign_in(
            self,
            provider: Optional[str] = None,
            /,
            *,
            callback_url: Optional[str] = None,
            authorization_params: Optional[Mapping[str, FormValue]] = None,
            **fields: FormValue,
        ) -> SignInResponse: ...
        async def complete_sign_in(self, url: str) -> SignInResponse: ...
        async def complete_sign_in_form(
            self, action: str, fields: Mapping[str, FormValue]
        ) -> SignInResponse: ...
        async def complete_sign_in_form_html(self, html: str) -> SignInResponse: ...
        async def update_session(
            self, data: Optional[Mapping[str, Any]] = None
        ) -> Optional[Session]: ...
        async def sign_out(self, *, callback_url: Optional[str] = None) -> SignOutResponse: ...
        async def request(
            self,
            method: str,
            path: str,
            *,
            json: Any = None,
            data: Optional[FormData] = None,
            headers: Optional[Headers] = None,
        ) -> Response: ...
        async def cookie_header(self) -> str: ...
        async def save_cookies(self, path: StrPath, format: str = "jar") -> None: ...
        async def load_cookies(self, path: StrPath, format: str = "jar") -> CookieImport: ...
        async def cookies(self) -> List[Cookie]: ...
        async def has_session_cookie(self) -> bool: ...
        async def export_cookies(self, format: str = "jar") -> str: ...
        async def import_cookies(self, text: str, format: str = "jar") -> CookieImport: ...
        async def storage_state(self) -> Dict[str, Any]: ...
        async def load_storage_state(
            self, state: Union[Dict[str, Any], str, os.PathLike[str]]
        ) -> None: ...
        async def cookie_list(self) -> List[Dict[str, Any]]: ...
        async def netscape_cookies(self) -> str: ...
        async def clear_cookies(self) -> None: ...
        async def provider(self, id: str) -> Provider: ...
        async def lookup(self, cookie_header: Optional[str]) -> Lookup: ...

        @property
        def base_url(self) -> str: ...
        @property
        def endpoint(self) -> Endpoint: ...
        @property
        def closed(self) -> bool: ...
        @property
        def status(self) -> Status: ...

    else:

        def __init__(self, url, *, max_workers=DEFAULT_MAX_WORKERS, **options):
            if isinstance(max_workers, bool) or not isinstance(max_workers, int):
                raise InvalidArgumentError("max_workers must be an int")
            if not 1 <= max_workers <= 1024:
                raise InvalidArgumentError("max_workers must be between 1 and 1024")
            # Options are checked by Client, exactly as for the sync client.
            self._sync = Client(url, **options)
            self._pool = _Pool(max_workers)
            self._owns_pool = True
            self._loop = None
            self._closed = False
            self._inflight = set()
            self._orphans = set()
            self._watches = weakref.WeakSet()
            # Unreferenced without aclose(): its idle threads exit (daemon threads would
            # not keep the process alive anyway).
            weakref.finalize(self, self._pool.stop)

    _sync: Client
    _pool: _Pool
    #: False for a :meth:`user` handle, which runs on its parent's worker threads.
    _owns_pool: bool
    _loop: Optional[asyncio.AbstractEventLoop]
    _closed: bool
    _inflight: Set["asyncio.Future[Any]"]
    _orphans: Set["asyncio.Future[Any]"]
    _watches: "weakref.WeakSet[AsyncWatch]"

    # ----- the adaptor ----------------------------------------------------------------

    def _bind(self) -> asyncio.AbstractEventLoop:
        loop = asyncio.get_running_loop()
        if self._loop is not loop:
            if self._loop is not None and not self._loop.is_closed():
                raise InvalidArgumentError(
                    "this AsyncClient is in use by another event loop; "
                    "create one client per event loop"
                )
            # Calls of a closed loop can no longer report to it; they finish on their
            # workers all the same.
            self._loop = loop
            self._orphans.clear()
            self._inflight.clear()
        return loop

    async def _call(
        self,
        method: Callable[..., Any],
        ordered: bool,
        args: Any,
        kwargs: Mapping[str, Any],
    ) -> Any:
        loop = self._bind()
        if self._closed:
            raise InvalidArgumentError("the client is closed")
        # Cancelled state changes still in flight take effect before this call.
        while self._orphans:
            await asyncio.wait(set(self._orphans))
        fut: "asyncio.Future[Any]" = loop.create_future()
        fut.add_done_callback(_retrieve)
        sync = self._sync

        def job() -> None:
            # Runs on a worker; touches the loop only through call_soon_threadsafe.
            result: Any = None
            exc: Optional[BaseException] = None
            try:
                result = method(sync, *args, **kwargs)
            except BaseException as e:  # noqa: BLE001 (delivered to the awaiting task)
                exc = e
            try:
                loop.call_soon_threadsafe(_settle, fut, result, exc)
            except RuntimeError:
                pass  # the loop is closed: nobody is waiting any more

        self._pool.submit(job)
        self._inflight.add(fut)
        fut.add_done_callback(self._inflight.discard)
        try:
            return await asyncio.shield(fut)
        except asyncio.CancelledError:
            if ordered and not fut.done():
                self._orphans.add(fut)
                fut.add_done_callback(self._orphans.discard)
            raise

    # ----- many users on one pool ------------------------------------------------------

    def user(self, cookie_header: Optional[str] = None) -> AsyncClient:
        """:meth:`authjs.Client.user` for asyncio: an :class:`AsyncClient` (not a
        coroutine: no I/O happens) for another user, on this client's connection pool
        *and worker threads*, so ten thousand users do not mean ten thousand thread
        pools. Its :meth:`aclose` waits for its own calls only; the threads stop with
        this client's :meth:`aclose`."""
        if self._closed:
            raise InvalidArgumentError("the client is closed")
        child = object.__new__(AsyncClient)
        child._sync = self._sync.user(cookie_header)
        child._pool = self._pool
        child._owns_pool = False
        child._loop = None
        child._closed = False
        child._inflight = set()
        child._orphans = set()
        child._watches = weakref.WeakSet()
        return child

    # ----- session lifecycle ----------------------------------------------------------

    def watch(
        self,
        *,
        interval: float = 300.0,
        refetch_when_offline: bool = True,
        emit_refreshed: bool = False,
        file_check_interval: float = 0.2,
        timeout: Optional[float] = None,
    ) -> AsyncWatch:
        """:meth:`authjs.Client.watch` for ``async for``: the same options and events.
        The refetches run on a watcher thread of the native core; events reach the loop
        through ``call_soon_threadsafe``. Iteration ends after ``timeout`` seconds
        without an event (``None``: never) or when the watch is closed (``aclose()``,
        ``async with``, or the client's :meth:`aclose`). Call it inside the loop."""
        loop = self._bind()
        if self._closed:
            raise InvalidArgumentError("the client is closed")
        w = AsyncWatch(
            self,
            loop,
            timeout,
            interval=interval,
            refetch_when_offline=refetch_when_offline,
            emit_refreshed=emit_refreshed,
            file_check_interval=file_check_interval,
        )
        self._watches.add(w)
        return w

    def watch_in_background(
        self,
        callback: Callable[[Event], object],
        *,
        interval: float = 300.0,
        refetch_when_offline: bool = True,
        emit_refreshed: bool = False,
        file_check_interval: float = 0.2,
    ) -> Watcher:
        """:meth:`authjs.Client.watch_in_background`, unchanged: ``callback`` runs on
        the watcher's own thread, not on the loop (use :meth:`watch` for that)."""
        return self._sync.watch_in_background(
            callback,
            interval=interval,
            refetch_when_offline=refetch_when_offline,
            emit_refreshed=emit_refreshed,
            file_check_interval=file_check_interval,
        )

    # ----- lifecycle ------------------------------------------------------------------

    @property
    def threads(self) -> int:
        """How many worker threads the client has running now (at most
        ``max_workers``; 0 after :meth:`aclose`)."""
        return self._pool.threads

    async def aclose(self) -> None:
        """Closes the client: stops its watches, waits for the calls in flight (those
        cancelled too, each bounded by ``timeout``), stops its threads, then closes the
        wrapped client. Later calls raise :class:`InvalidArgumentError`. Idempotent."""
        if self._closed and not self._inflight and self._pool.threads == 0:
            return
        loop = self._bind()
        self._closed = True
        for w in list(self._watches):
            await w.aclose()
        pending = set(self._inflight)
        if pending:
            await asyncio.wait(pending)
        if not self._owns_pool:
            # A user handle: the threads are its parent's.
            self._sync.close()
            return
        gone: "asyncio.Future[None]" = loop.create_future()

        def last_exited() -> None:
            try:
                loop.call_soon_threadsafe(_settle, gone, None, None)
            except RuntimeError:
                pass

        if self._pool.stop(last_exited):
            await gone
        self._pool.join()
        self._sync.close()

    async def __aenter__(self) -> AsyncClient:
        if self._closed or self._sync.closed:
            raise InvalidArgumentError("the client is closed")
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return repr(self._sync).replace("<authjs.Client", "<authjs.AsyncClient", 1)


for _name, _member in list(vars(Client).items()):
    if _name.startswith("_") or _name in _SPECIAL:
        continue
    if isinstance(_member, property):
        setattr(AsyncClient, _name, _forward(_name, _member))
    elif inspect.isfunction(_member):
        setattr(AsyncClient, _name, _adapt(_name, _member))
del _name, _member


class AsyncWatch(AsyncIterator[Event]):
    """A session watch for ``async for``, from :meth:`AsyncClient.watch`: the events of
    :mod:`authjs.lifecycle`, delivered on the event loop. Close it with
    :meth:`aclose` or ``async with``."""

    def __init__(
        self,
        client: AsyncClient,
        loop: asyncio.AbstractEventLoop,
        timeout: Optional[float],
        **options: Any,
    ) -> None:
        self._client = client
        self._timeout = timeout
        self._closed = False
        q: "asyncio.Queue[Optional[Event]]" = asyncio.Queue()
        self._queue = q

        def deliver(d: Mapping[str, Any]) -> None:
            # On the watcher thread: hand the event to the loop, never block it.
            event = _event(d)
            try:
                loop.call_soon_threadsafe(q.put_nowait, event)
            except RuntimeError:
                pass  # the loop is closed

        self._watcher = Watcher(_authjs.Watcher(client._sync._native, deliver, **options))

    async def next_event(self, timeout: Optional[float] = None) -> Optional[Event]:
        """The next event, waiting at most ``timeout`` seconds (``None``: until there
        is one); ``None`` when nothing happened in that time or the watch is closed."""
        if self._closed and self._queue.empty():
            return None
        try:
            return await asyncio.wait_for(self._queue.get(), timeout)
        except asyncio.TimeoutError:
            return None

    def __aiter__(self) -> AsyncWatch:
        return self

    async def __anext__(self) -> Event:
        event = await self.next_event(self._timeout)
        if event is None:
            raise StopAsyncIteration
        return event

    @property
    def closed(self) -> bool:
        return self._closed

    async def aclose(self) -> None:
        """Stops the watch (its thread stops within about 100 ms, or when its refetch
        returns; the loop is not blocked meanwhile)."""
        if self._closed:
            return
        self._closed = True
        self._queue.put_nowait(None)
        loop = asyncio.get_running_loop()
        done: "asyncio.Future[None]" = loop.create_future()
        watcher = self._watcher

        def stop() -> None:
            watcher.close()
            try:
                loop.call_soon_threadsafe(_settle, done, None, None)
            except RuntimeError:
                pass

        # On the client's pool (the client's aclose() closes its watches before it
        # stops the pool); directly if the pool is already stopped (nothing to wait).
        try:
            self._client._pool.submit(stop)
        except InvalidArgumentError:
            watcher.close()
            return
        await done

    async def __aenter__(self) -> AsyncWatch:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"<authjs.AsyncWatch{' closed' if self._closed else ''}>"

