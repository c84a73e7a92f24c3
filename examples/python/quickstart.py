"""Quickstart: sign in with a username and password, read the session, call an API
route of the app with the session cookie, sign out.

    python examples/python/quickstart.py http://127.0.0.1:3000 alice alice-password

The URL defaults to $AUTHJS_URL (or $AUTHJS_TEST_V4_URL, as the test suite runs it).
"""

from __future__ import annotations

import os
import sys

import authjs


def main(argv: list[str]) -> int:
    url = argv[1] if len(argv) > 1 else os.environ.get("AUTHJS_URL") or os.environ.get(
        "AUTHJS_TEST_V4_URL", "http://127.0.0.1:3000"
    )
    username = argv[2] if len(argv) > 2 else "alice"
    password = argv[3] if len(argv) > 3 else "alice-password"

    with authjs.Client(url, timeout=10) as client:
        res = client.sign_in("credentials", username=username, password=password)
        if not res.ok:
            print(f"sign-in refused: {res.error}", file=sys.stderr)
            return 1

        session = client.get_session()
        assert session is not None
        print(f"signed in as {session.user.name} <{session.user.email}>")
        print(f"session expires {session.expires:%Y-%m-%d %H:%M %Z}" if session.expires else "")
        print(f"role: {session.get('role')}")

        me = client.request("GET", "/api/me")
        print(f"GET /api/me -> {me.status} {me.json()}")

        client.sign_out()
        print("signed out:", client.get_session() is None)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except authjs.AuthjsError as e:
        print(f"error ({e.kind}): {e}", file=sys.stderr)
        sys.exit(2)
