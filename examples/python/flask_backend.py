"""A Flask backend next to a Next.js app: who is the user? (``getServerSession()``)

    pip install ./bindings/python flask
    AUTHJS_URL=https://app.example.com flask --app examples/python/flask_backend.py run

One :class:`authjs.Client` per process (threads share it) asks the Auth.js server for
each request's session over its connection pool; :func:`authjs.wsgi.init_app` puts it
in ``flask.g.authjs_session`` and forwards the re-issued session cookie to the browser.
``tests/test_integrations.py`` serves this file with werkzeug against the real test
servers; ``mypy --strict`` checks it.
"""

from __future__ import annotations

import os
from typing import Any, Optional, Tuple

from flask import Flask, g, jsonify

import authjs
import authjs.wsgi


def create_app(url: str, *, ca_cert: Optional[str] = None) -> Tuple[Flask, authjs.Client]:
    """The app and its client (the caller closes the client when the process ends)."""
    client = authjs.Client(url, ca_cert=ca_cert)
    app = Flask(__name__)
    authjs.wsgi.init_app(app, client)

    @app.get("/")
    def index() -> Any:
        return jsonify(signed_in=g.authjs_session is not None)

    @app.get("/me")
    @authjs.wsgi.require_session  # 401 when signed out, 502 when Auth.js is down
    def me() -> Any:
        session: authjs.Session = g.authjs_session
        return jsonify(name=session.user.name, email=session.user.email)

    return app, client


if "AUTHJS_URL" in os.environ:  # `flask --app examples/python/flask_backend.py run`
    app, _client = create_app(os.environ["AUTHJS_URL"], ca_cert=os.environ.get("AUTHJS_CA"))
