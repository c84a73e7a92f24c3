"""The GIL is released during network I/O: threads sharing one client overlap."""

from __future__ import annotations

import threading
import time
from typing import List

import authjs

from conftest import Server

PERIOD_MS = 600


def test_gil_released_during_requests(server: Server) -> None:
    with server.client() as c:
        c.request("GET", "/api/slow?ms=0")  # warm up: connection, TLS

        start = time.monotonic()
        assert c.request("GET", f"/api/slow?ms={PERIOD_MS}").status == 200
        single = time.monotonic() - start
        assert single >= PERIOD_MS / 1000

        results: List[int] = []
        errors: List[BaseException] = []

        def work() -> None:
            try:
                results.append(c.request("GET", f"/api/slow?ms={PERIOD_MS}").status)
            except BaseException as e:  # noqa: BLE001 - reported below
                errors.append(e)

        threads = [threading.Thread(target=work) for _ in range(2)]
        start = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        total = time.monotonic() - start

    assert not errors, errors
    assert results == [200, 200]
    # Two periods if the GIL were held; about one when it is released.
    assert total < 1.5 * PERIOD_MS / 1000, f"{total:.3f}s for two concurrent {PERIOD_MS} ms calls"


def test_many_threads_share_a_signed_in_client(server: Server) -> None:
    with server.signed_in("alice") as c:
        names: List[str] = []
        errors: List[BaseException] = []

        def work() -> None:
            try:
                for _ in range(3):
                    s = c.get_session()
                    assert s is not None and s.user.name is not None
                    names.append(s.user.name)
                    assert c.request("GET", "/api/me").status == 200
            except BaseException as e:  # noqa: BLE001 - reported below
                errors.append(e)

        threads = [threading.Thread(target=work) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert not errors, errors
        assert names == ["Alice Liddell"] * 18


def test_no_background_threads(server: Server) -> None:
    before = threading.active_count()
    with server.signed_in("bob") as c:
        c.get_session()
    assert threading.active_count() == before
