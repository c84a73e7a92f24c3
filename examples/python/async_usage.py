"""Every name of the asyncio API (``authjs.AsyncClient``, ``authjs.AsyncWatch``) with
full type annotations: ``mypy --strict`` checks this file, and the test suite runs it.

    python examples/python/async_usage.py URL [CA_PEM]

It signs in 20 users' worth of sessions concurrently with ``asyncio.gather``, shows a
cancelled call, and follows one session with ``async for``.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path
from typing import Dict, List, Optional

import authjs


async def one_user(url: str, ca: Optional[str], user: str) -> Optional[str]:
    """One concurrent sign-in; each user its own client (its own cookie jar)."""
    async with authjs.AsyncClient(url, ca_cert=ca, max_workers=1) as client:
        res: authjs.SignInResponse = await client.sign_in(
            "credentials", username=user, password=f"{user}-password"
        )
        if not res.ok:
            return None
        session: Optional[authjs.Session] = await client.get_session()
        return None if session is None else session.user.name


async def run(url: str, ca: Optional[str]) -> None:
    workdir = Path(tempfile.mkdtemp())
    jar = workdir / "jar.json"

    names: List[Optional[str]] = await asyncio.gather(
        *(one_user(url, ca, user) for user in ["alice", "bob", "carol"] * 7)
    )
    print("concurrent sign-ins:", sorted(n or "-" for n in names)[:3], "...")

    client: authjs.AsyncClient
    async with authjs.AsyncClient(
        url,
        timeout=10.0,
        connect_timeout=5.0,
        ca_cert=ca,
        user_agent="authjs-async-example",
        cookie_file=None,
        cookie_header=None,
        base_path=None,
        proxy=None,
        allow_insecure_http=False,
        max_workers=4,
    ) as client:
        base: str = client.base_url
        status: authjs.Status = client.status
        print(repr(client), base, status, "threads:", client.threads)

        providers: Dict[str, authjs.Provider] = await client.get_providers()
        csrf: str = await client.get_csrf_token()
        print("providers:", sorted(providers), "csrf token:", len(csrf), "chars")

        # A cancelled call raises CancelledError at once; the request finishes in the
        # background and the next call waits for it, so the order is kept.
        task = asyncio.create_task(
            client.sign_in("credentials", username="bob", password="bob-password")
        )
        await asyncio.sleep(0)
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            print("sign-in cancelled")

        res: authjs.SignInResponse = await client.sign_in(
            "credentials",
            callback_url=None,
            authorization_params=None,
            username="alice",
            password="alice-password",
        )
        print("signed in:", res.ok, res.status)

        me: authjs.Response = await client.request("GET", "/api/me", headers={"Accept": "application/json"})
        print("GET /api/me:", me.status)
        updated: Optional[authjs.Session] = await client.update_session({"theme": "dark"})
        print("updated:", updated is not None)

        await client.save_cookies(jar)
        await client.load_cookies(jar)
        cookie: str = await client.cookie_header()
        print("cookies:", len(cookie.split(";")))

        finished: Optional[authjs.SignInResponse] = None
        try:
            finished = await client.complete_sign_in(base + "/callback/email?token=expired")
        except authjs.AuthjsError as e:
            print("complete_sign_in:", e.kind)
        print("completed:", finished is not None and finished.ok)

        # async for: the session's transitions, delivered on the loop.
        watch: authjs.AsyncWatch
        async with client.watch(interval=60.0, emit_refreshed=False, timeout=10.0) as watch:
            first: Optional[authjs.Event] = await watch.next_event(10.0)
            print("watch:", first)
            out: authjs.SignOutResponse = await client.sign_out(callback_url=None)
            print("signed out:", out)
            event: authjs.Event
            async for event in watch:
                print("event:", event.name)
                if isinstance(event, authjs.SignedOut):
                    break
        print("watch closed:", watch.closed)

        def on_event(e: authjs.Event) -> None:
            print("background event:", e.name)

        watcher: authjs.Watcher = client.watch_in_background(on_event, interval=60.0)
        watcher.close()
    print("closed:", client.closed, "threads:", client.threads)


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit("usage: async_usage.py URL [CA_PEM]")
    asyncio.run(run(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None))


if __name__ == "__main__":
    main()
