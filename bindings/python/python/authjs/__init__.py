"""A native client for Auth.js / NextAuth.js servers.

What ``next-auth/react`` does in a browser (read the session, get the CSRF token, list
providers, sign in, update the session, sign out), for Python programs. It talks to
unmodified servers, ``next-auth`` v4 and ``@auth/core`` v5 alike.

>>> import authjs
>>> with authjs.Client("http://127.0.0.1:3000") as client:  # doctest: +SKIP
...     res = client.sign_in("credentials", username="alice", password="secret")
...     if res.ok:
...         print(client.get_session().user.name)

The protocol is implemented once, in Rust (the ``authjs`` crate); this package converts
its results into Python objects. Network calls release the GIL, so one client can be
shared by several threads.
"""

from __future__ import annotations

import copy
import datetime as _dt
import json as _json
import os
from dataclasses import dataclass, field
from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple, Union

from . import _authjs
from . import exceptions
from .exceptions import *  # noqa: F403 (the classes, named once: exceptions.__all__)

__version__: str = _authjs.__version__

__all__ = [
    "Client",
    "Session",
    "User",
    "Provider",
    "SignInResponse",
    "SignOutResponse",
    "Response",
    "Cookie",
    "CookieImport",
    "Endpoint",
    "Lookup",
    "__version__",
]
# The exception classes, one per kind of the core's table (tests/test_errors.py checks
# them against `_authjs.ERROR_KINDS`).
__all__ += exceptions.__all__

StrPath = Union[str, "os.PathLike[str]"]


def _redact_url(url: Optional[str]) -> Optional[str]:
    """A URL for a ``repr``, redacted by the core (user info, query and fragment may
    hold a password, a magic-link token, an OAuth ``state`` or ``code``)."""
    return None if url is None else _authjs.redact_url(url)


def _parse_expires(value: Optional[str]) -> Optional[_dt.datetime]:
    """An ISO 8601 timestamp (``2026-12-27T10:00:00.000Z``) as an aware datetime, or
    ``None`` when absent or unreadable. Works on Python 3.9, whose ``fromisoformat``
    knows neither ``Z`` nor every fraction width."""
    if not value:
        return None
    text = value.strip()
    if text[-1:] in ("Z", "z"):
        text = text[:-1] + "+00:00"
    # Normalise the fraction to 6 digits ("…00.5+00:00" -> "…00.500000+00:00").
    date, sep, rest = text.partition("T")
    if sep and "." in rest:
        clock, _, tail = rest.partition(".")
        digits = ""
        while tail and tail[0].isdigit():
            digits, tail = digits + tail[0], tail[1:]
        rest = f"{clock}.{(digits + '000000')[:6]}{tail}"
        text = f"{date}T{rest}"
    try:
        parsed = _dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        # Auth.js sends `Date.toISOString()`, which is UTC.
        parsed = parsed.replace(tzinfo=_dt.timezone.utc)
    return parsed


@dataclass(frozen=True)
class User:
    """The signed-in user as the server describes it. Fields are ``None`` when absent;
    ``extra`` holds any other field of ``user`` (e.g. an ``id`` added by the app)."""

    name: Optional[str] = None
    email: Optional[str] = None
    image: Optional[str] = None
    extra: Mapping[str, Any] = field(default_factory=dict, hash=False)


class Session(Mapping[str, Any]):
    """A session, as ``getSession()`` returns it.

    ``user`` and ``expires`` are typed views; every top-level field, including those the
    server's ``session`` callback added, is reachable as a mapping (``session["role"]``,
    ``session.get("role")``, ``"role" in session``) and through :meth:`to_dict`. The
    session body holds no credentials (Auth.js keeps tokens in the cookie).
    """

    __slots__ = ("_raw", "_user", "_expires", "_expires_text")

    def __init__(
        self,
        raw: Mapping[str, Any],
        user: User,
        expires: Optional[str] = None,
    ) -> None:
        self._raw: Dict[str, Any] = dict(raw)
        self._user = user
        self._expires_text = expires
        self._expires = _parse_expires(expires)

    @classmethod
    def _from_native(cls, d: Mapping[str, Any]) -> Session:
        u = d["user"]
        user = User(name=u["name"], email=u["email"], image=u["image"], extra=u["extra"])
        return cls(d["raw"], user, d["expires"])

    @property
    def user(self) -> User:
        return self._user

    @property
    def expires(self) -> Optional[_dt.datetime]:
        """When the session expires (timezone-aware), ``None`` if the server sent none."""
        return self._expires

    @property
    def extra(self) -> Dict[str, Any]:
        """Top-level fields other than ``user`` and ``expires``."""
        return {k: copy.deepcopy(v) for k, v in self._raw.items() if k not in ("user", "expires")}

    def to_dict(self) -> Dict[str, Any]:
        """The session exactly as the server sent it (a deep copy)."""
        return copy.deepcopy(self._raw)

    def __getitem__(self, key: str) -> Any:
        return self._raw[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)

    def __contains__(self, key: object) -> bool:
        return key in self._raw

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Session):
            return NotImplemented
        return self._raw == other._raw

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        extra = self.extra
        tail = f", extra={extra!r}" if extra else ""
        return f"Session(user={self._user!r}, expires={self._expires_text!r}{tail})"


@dataclass(frozen=True)
class Provider:
    """One sign-in provider, as the server lists it."""

    id: str
    name: str
    #: ``oauth``, ``oidc``, ``email``, ``credentials`` or ``webauthn``.
    type: str
    signin_url: str
    callback_url: str


@dataclass(frozen=True)
class SignInResponse:
    """The result of a sign-in, shaped like the JS ``SignInResponse``.

    ``ok`` is true only for a successful HTTP status *and* no ``error`` (unlike the JS
    client, a refused v5 credentials sign-in is not ``ok``). ``url`` is where a browser
    would go next: the callback URL, an OAuth authorize URL, the verify-request page;
    ``None`` when there is an error.
    """

    ok: bool
    status: int
    error: Optional[str] = None
    code: Optional[str] = None
    url: Optional[str] = field(default=None)

    def __repr__(self) -> str:
        return (
            f"SignInResponse(ok={self.ok!r}, status={self.status!r}, error={self.error!r}, "
            f"code={self.code!r}, url={_redact_url(self.url)!r})"
        )


@dataclass(frozen=True)
class SignOutResponse:
    """The result of a sign-out: where a browser would go next."""

    url: str

    def __repr__(self) -> str:
        return f"SignOutResponse(url={_redact_url(self.url)!r})"


class Response:
    """A reply from :meth:`Client.request`. Redirects are returned, not followed."""

    __slots__ = ("status", "headers", "content")

    status: int
    #: Reply headers by lower-case name, repeated headers joined with ``", "``;
    #: ``Set-Cookie`` is not included (cookies go to the client's jar).
    headers: Dict[str, str]
    content: bytes

    def __init__(self, status: int, headers: Mapping[str, str], content: bytes) -> None:
        self.status = status
        self.headers = dict(headers)
        self.content = content

    @property
    def ok(self) -> bool:
        """True for a 2xx status."""
        return 200 <= self.status < 300

    @property
    def text(self) -> str:
        """The body as text (invalid UTF-8 replaced)."""
        return self.content.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """The body parsed as JSON; :class:`ProtocolError` when it is not JSON."""
        return _authjs.parse_json(self.status, self.content)

    def header(self, name: str) -> Optional[str]:
        """A header by name, case-insensitively."""
        lower = name.lower()
        for k, v in self.headers.items():
            if k.lower() == lower:
                return v
        return None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Response):
            return NotImplemented
        return (self.status, self.headers, self.content) == (
            other.status,
            other.headers,
            other.content,
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        ctype = self.header("content-type")
        kind = f", content_type={ctype!r}" if ctype else ""
        return f"Response(status={self.status}{kind}, bytes={len(self.content)})"


@dataclass(frozen=True)
class Cookie:
    """One cookie of the jar (:meth:`Client.cookies`). ``value`` is a credential for
    the session cookies: it is left out of ``repr`` and ``str``."""

    name: str
    value: str = field(repr=False)
    domain: str
    path: str
    secure: bool
    http_only: bool
    #: Expiry as Unix seconds; ``None`` for a session (non-persistent) cookie.
    expires_unix: Optional[int]
    #: ``"Strict"``, ``"Lax"`` or ``"None"``; ``None`` when the server set no SameSite
    #: (browsers then apply ``Lax``).
    same_site: Optional[str] = None
    #: True for a host-only cookie (sent to exactly ``domain``; all Auth.js cookies are),
    #: False for a domain cookie that subdomains get too.
    host_only: bool = True

    @property
    def expires(self) -> Optional[_dt.datetime]:
        """The expiry as an aware UTC datetime (``None`` for a session cookie). An
        expiry beyond what ``datetime`` holds is clamped to ``datetime.max``."""
        if self.expires_unix is None:
            return None
        try:
            return _dt.datetime.fromtimestamp(self.expires_unix, _dt.timezone.utc)
        except (OverflowError, OSError, ValueError):
            edge = _dt.datetime.max if self.expires_unix > 0 else _dt.datetime.min
            return edge.replace(tzinfo=_dt.timezone.utc)


@dataclass(frozen=True)
class CookieImport:
    """What an import did (:meth:`Client.import_cookies`, :meth:`Client.load_cookies`)."""

    #: Cookies now in the jar.
    imported: int
    #: Cookies of the input left out: of another site, secure cookies this client's
    #: origin would not get in a browser (plain http to a host that is not loopback),
    #: expired ones.
    skipped: int


@dataclass(frozen=True)
class Endpoint:
    """Where a client's API lives (:attr:`Client.endpoint`)."""

    #: ``scheme://host[:port]``.
    origin: str
    #: The API's path, e.g. ``/api/auth`` (empty when the API sits at the root).
    base_path: str
    #: ``origin + base_path``.
    base_url: str
    is_https: bool
    #: True for ``localhost``, 127.0.0.0/8 and ``::1`` (where plain http is allowed).
    is_loopback: bool


@dataclass(frozen=True)
class Lookup:
    """The answer of :meth:`Client.lookup`: who a browser is, and what to send back.

    ``session`` is ``None`` when the ``Cookie`` header held no session cookie or the
    server does not accept it. ``set_cookies`` are the server's ``Set-Cookie`` header
    values exactly as it sent them: add each to the reply to the browser (one
    ``Set-Cookie`` header per value) so that it keeps the re-issued session cookie
    (sliding expiry). They are credentials: ``repr`` shows only the cookie names."""

    session: Optional[Session]
    set_cookies: List[str] = field(default_factory=list)

    def __repr__(self) -> str:
        names = [c.split(";", 1)[0].split("=", 1)[0].strip() for c in self.set_cookies]
        return f"Lookup(session={self.session!r}, set_cookies={names!r})"


Headers = Union[Mapping[str, str], Sequence[Tuple[str, str]]]
FormValue = Union[str, int, float, bool]
FormData = Union[
    Mapping[str, FormValue], Sequence[Tuple[str, FormValue]], str, bytes, bytearray
]


class Client:
    """A client for one Auth.js server.

    ``url`` is a ``NEXTAUTH_URL``-style URL: ``http://127.0.0.1:3000`` means the API at
    ``http://127.0.0.1:3000/api/auth``; a URL with a path is the API itself, or pass
    ``base_path``. Plain ``http`` is refused for hosts that are not loopback unless
    ``allow_insecure_http`` is true.

    - ``timeout``: overall timeout of each request, in seconds; ``connect_timeout``:
      the connect timeout (default 10 s).
    - ``ca_cert``: an extra trusted root CA, as a path or PEM ``bytes``/``str``.
    - ``cookie_file``: the cookie jar's file: loaded now if it exists and rewritten
      (mode 0600) whenever cookies change, so another process stays signed in. The
      file is shared safely with other clients and processes (the CLI, workers):
      writes merge under a lock, a sign-out anywhere wins, and this client re-reads
      the file before each call when another process wrote it (docs/cli.md,
      "Sharing one jar"). A forked worker never reuses the parent's connections.
    - ``cookie_header``: seeds the jar from a ``Cookie:`` header (``name=value; ...``).
    - ``proxy``: a proxy URL, or ``"env"`` for ``HTTPS_PROXY``/``NO_PROXY``.

    Thread-safe: every network call releases the GIL, and threads may share a client.
    Ctrl-C interrupts a call made from the main thread (``KeyboardInterrupt`` within
    about 50 ms); the abandoned request finishes in the background, bounded by
    ``timeout``, and stores its cookies as usual.
    Closing (``close()`` or leaving a ``with`` block) makes later calls raise
    :class:`InvalidArgumentError`; the cookie file needs no flushing.
    """

    __slots__ = ("_native",)

    def __init__(
        self,
        url: str,
        *,
        timeout: float = _authjs.DEFAULT_TIMEOUT,
        connect_timeout: Optional[float] = None,
        ca_cert: Union[StrPath, bytes, bytearray, None] = None,
        user_agent: Optional[str] = None,
        cookie_file: Optional[StrPath] = None,
        cookie_header: Optional[str] = None,
        base_path: Optional[str] = None,
        proxy: Optional[str] = None,
        allow_insecure_http: bool = False,
    ) -> None:
        self._native = _authjs.Client(
            url,
            timeout=timeout,
            connect_timeout=connect_timeout,
            ca_cert=ca_cert,
            user_agent=user_agent,
            cookie_file=cookie_file,
            cookie_header=cookie_header,
            base_path=base_path,
            proxy=proxy,
            allow_insecure_http=allow_insecure_http,
        )

    # ----- reads ----------------------------------------------------------------------

    def get_session(self) -> Optional[Session]:
        """``getSession()``: the current session, or ``None`` when signed out."""
        d = self._native.get_session()
        return None if d is None else Session._from_native(d)

    def get_csrf_token(self) -> str:
        """``getCsrfToken()``: the CSRF token. A credential: do not log it."""
        return self._native.get_csrf_token()

    def get_providers(self) -> Dict[str, Provider]:
        """``getProviders()``: the server's providers, by id."""
        return {k: Provider(**v) for k, v in self._native.get_providers().items()}

    # ----- many users on one pool (backends, load tests) ------------------------------

    @classmethod
    def _wrap(cls, native: Any) -> Client:
        self = cls.__new__(cls)
        self._native = native
        return self

    def user(self, cookie_header: Optional[str] = None) -> Client:
        """A light client for another user of this server: an empty jar of its own (or
        one seeded from a browser's ``Cookie`` header, read like ``cookie_header=``),
        on this client's connection pool, TLS configuration and options. Not this
        client's cookie file or watches. No request: a thousand users cost a thousand
        small jars, not a thousand connections."""
        return Client._wrap(_authjs.client_user(self._native, cookie_header))

    def lookup(self, cookie_header: Optional[str]) -> Lookup:
        """``getServerSession()`` for backends: the session of the browser that sent
        ``cookie_header`` (its ``Cookie`` request header), and the ``Set-Cookie``
        values to forward to it (:class:`Lookup`). Stateless: this client's jar is
        neither read nor changed, so one client serves every request. Only the
        session cookies are sent; a header without one (or ``None``) makes no request.
        A malformed session cookie raises :class:`InvalidArgumentError`."""
        session, set_cookies = _authjs.client_lookup(self._native, cookie_header)
        return Lookup(
            session=None if session is None else Session._from_native(session),
            set_cookies=set_cookies,
        )

    # ----- flows ----------------------------------------------------------------------

    def sign_in(
        self,
        provider: Optional[str] = None,
        /,
        *,
        callback_url: Optional[str] = None,
        authorization_params: Optional[Mapping[str, FormValue]] = None,
        **fields: FormValue,
    ) -> SignInResponse:
        """``signIn(provider, options, authorizationParams)`` without navigation.

        ``fields`` are the form fields: ``username=``/``password=`` for credentials,
        ``email=`` for email. Values may be ``str``, ``int``, ``float`` or ``bool``.

        - no provider: no request; ``url`` is the built-in sign-in page;
        - credentials: the session cookie lands in the jar when ``ok``;
        - email: ``url`` is the verify-request page; redeem the emailed link with
          :meth:`complete_sign_in`;
        - OAuth/OIDC: ``url`` is the provider's authorize URL.

        A refused sign-in (wrong password, ...) returns ``ok=False`` with ``error`` set
        (``"CredentialsSignin"``); it does not raise.
        """
        return SignInResponse(
            **self._native.sign_in(provider, callback_url, authorization_params, fields)
        )

    def complete_sign_in(self, url: str) -> SignInResponse:
        """Finishes a sign-in whose last step happened elsewhere: an email magic link, or
        an OAuth callback URL. Only URLs of this server's origin are accepted."""
        return SignInResponse(**self._native.complete_sign_in(url))

    def complete_sign_in_form(
        self, action: str, fields: Mapping[str, FormValue]
    ) -> SignInResponse:
        """Finishes an OAuth sign-in whose provider answers with
        ``response_mode=form_post`` (Apple, many OIDC providers): POSTs the provider's
        form, ``fields`` (``{"code": ..., "state": ...}``), to ``action`` (this server's
        callback URL) with this client's state/PKCE/nonce cookies. The result is read as
        in :meth:`complete_sign_in`."""
        return SignInResponse(**self._native.complete_sign_in_form(action, fields))

    def complete_sign_in_form_html(self, html: str) -> SignInResponse:
        """:meth:`complete_sign_in_form` with the action and fields read from the
        provider's auto-submitting page (its HTML, as a web view captured it). A page
        that holds no such form raises :class:`InvalidArgumentError`."""
        return SignInResponse(**self._native.complete_sign_in_form_html(html))

    def update_session(self, data: Optional[Mapping[str, Any]] = None) -> Optional[Session]:
        """``useSession().update(data)``: returns the updated session (``None`` when
        signed out). ``None`` only refreshes the session."""
        d = self._native.update_session(data)
        return None if d is None else Session._from_native(d)

    def sign_out(self, *, callback_url: Optional[str] = None) -> SignOutResponse:
        """``signOut()`` without navigation. Afterwards the jar holds no session cookie,
        whatever the outcome."""
        return SignOutResponse(url=self._native.sign_out(callback_url))

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        data: Optional[FormData] = None,
        headers: Optional[Headers] = None,
    ) -> Response:
        """An authenticated request to the app's own routes (``/api/me``): the jar's
        cookies are sent and cookies in the reply are stored. ``path`` is a path or a URL
        of the server's origin (other origins are refused).

        ``json=`` sends a JSON body; ``data=`` a form (a mapping or ``(name, value)``
        pairs) or untyped ``str`` (sent as UTF-8), ``bytes`` or ``bytearray``, which get
        the type the core gives the same bytes from C and the CLI: a JSON object or
        array is ``application/json``, other UTF-8 text ``text/plain; charset=utf-8``,
        other bytes ``application/octet-stream``. A ``Content-Type`` in ``headers``
        overrides the type of any body. ``headers`` may not set ``Cookie`` or ``Host``.
        A status error is a :class:`Response`, not an exception.
        """
        status, hdrs, body = self._native.request(method, path, json, data, headers)
        return Response(status, hdrs, body)

    # ----- cookies --------------------------------------------------------------------

    def cookie_header(self) -> str:
        """The ``Cookie`` header the jar would send. A credential: do not log it."""
        return self._native.cookie_header()

    def save_cookies(self, path: StrPath, format: str = "jar") -> None:
        """Writes the jar to ``path`` in ``format`` (see :meth:`export_cookies`)
        atomically, mode 0600: every format holds credentials."""
        _authjs.client_save_cookies_as(self._native, path, format)

    def load_cookies(self, path: StrPath, format: str = "jar") -> CookieImport:
        """Replaces the jar with the cookies in the file ``path``, in ``format`` (see
        :meth:`import_cookies`; default: an authjs cookie file). Nothing changes on
        error."""
        return CookieImport(*_authjs.client_load_cookies_as(self._native, path, format))

    def cookies(self) -> List[Cookie]:
        """Every cookie in the jar. The values are credentials (see :class:`Cookie`)."""
        return [Cookie(**c) for c in _authjs.client_cookies(self._native)]

    def has_session_cookie(self) -> bool:
        """True when the jar holds a session-token cookie (or chunk). No request: whether
        the server still accepts it is :meth:`get_session`'s to say."""
        return _authjs.client_has_session_cookie(self._native)

    def export_cookies(self, format: str = "jar") -> str:
        """The jar as text in ``format``: ``"jar"`` (the authjs cookie file, bound to
        this server's origin, for :meth:`import_cookies`), ``"playwright"`` (a
        storageState), ``"webdriver"`` (a JSON cookie list for Selenium/Cypress),
        ``"netscape"`` (``cookies.txt`` for curl and wget) or ``"header"`` (a ``Cookie``
        header). Holds credentials: store it privately (``docs/cookies.md``)."""
        return _authjs.client_export_cookies_as(self._native, format)

    def import_cookies(self, text: str, format: str = "jar") -> CookieImport:
        """Replaces the jar (the session) with cookies in ``format``: a name as for
        :meth:`export_cookies`, or ``"auto"`` to tell it from the text. Of a browser's
        cookies only this server's are taken; the rest are counted in
        :attr:`CookieImport.skipped`. An authjs cookie file of another origin, and
        anything malformed, raise :class:`InvalidArgumentError` and change nothing."""
        return CookieImport(*_authjs.client_import_cookies_as(self._native, text, format))

    def storage_state(self) -> Dict[str, Any]:
        """The jar as a Playwright ``storageState`` (``{"cookies": [...], "origins":
        []}``), for ``browser.new_context(storage_state=...)``. Holds credentials."""
        state: Dict[str, Any] = _json.loads(self.export_cookies("playwright"))
        return state

    def load_storage_state(self, state: Union[Dict[str, Any], str, "os.PathLike[str]"]) -> None:
        """Replaces the jar with the cookies of a Playwright ``storageState`` (e.g.
        ``context.storage_state()`` after a sign-in in the browser): a dict, its JSON
        text, or the path of a storageState file (a ``str`` that does not start with
        ``{`` is a path). Only this server's cookies are taken."""
        if isinstance(state, dict):
            self.import_cookies(_json.dumps(state), "playwright")
        elif isinstance(state, str) and state.lstrip().startswith("{"):
            self.import_cookies(state, "playwright")
        elif isinstance(state, (str, os.PathLike)):
            self.load_cookies(state, "playwright")
        else:
            raise TypeError(
                "state must be a dict, a JSON string or a path, not " + type(state).__name__
            )

    def cookie_list(self) -> List[Dict[str, Any]]:
        """The jar as W3C WebDriver cookie dicts (``name``, ``value``, ``path``,
        ``secure``, ``httpOnly``, and ``domain``, ``expiry``, ``sameSite`` when they
        apply), each ready for Selenium's ``driver.add_cookie``. Host-only cookies have
        no ``domain`` (so the browser makes them host-only for the current page).
        Holds credentials."""
        cookies: List[Dict[str, Any]] = _json.loads(self.export_cookies("webdriver"))
        return cookies

    def netscape_cookies(self) -> str:
        """The jar in Netscape ``cookies.txt`` format, for ``curl -b``. Holds
        credentials."""
        return _authjs.client_netscape_cookies(self._native)

    def clear_cookies(self) -> None:
        """Empties the jar (and the cookie file, when one is configured): a local
        sign-out, without a request to the server."""
        _authjs.client_clear_cookies(self._native)

    def provider(self, id: str) -> Provider:
        """The provider ``id``, from the providers list cached by :meth:`get_providers`
        and :meth:`sign_in`, or fetched on a miss. :class:`UnknownProviderError`
        (with ``known_ids``) when the server has none. Signs nothing in: use it to
        decide how to drive a sign-in before asking for a password."""
        return Provider(**_authjs.client_provider(self._native, id))

    # ----- lifecycle ------------------------------------------------------------------

    @property
    def endpoint(self) -> Endpoint:
        """Where the API lives (origin, base path); available on a closed client too."""
        return Endpoint(**_authjs.client_endpoint(self._native))

    @property
    def base_url(self) -> str:
        """The API base URL, e.g. ``http://127.0.0.1:3000/api/auth``."""
        return self._native.base_url

    @property
    def closed(self) -> bool:
        return self._native.closed

    def close(self) -> None:
        """Closes the client; later calls raise :class:`InvalidArgumentError`."""
        self._native.close()

    def __enter__(self) -> Client:
        if self._native.closed:
            raise InvalidArgumentError("the client is closed")
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = " closed" if self._native.closed else ""
        return (
            f"<authjs.Client {self._native.base_url} "
            f"cookies={self._native.cookie_count}{state}>"
        )

    # ----- session lifecycle (SessionProvider / useSession) -----------------------------

    @property
    def status(self) -> Status:
        """``useSession().status``, without a request: ``"loading"`` until the client
        first learns the session (any call that reads it), then ``"authenticated"`` or
        ``"unauthenticated"``. A :class:`Status`, which is a ``str``."""
        return Status(_authjs.client_status(self._native))

    def watch(
        self,
        *,
        interval: float = 300.0,
        refetch_when_offline: bool = True,
        emit_refreshed: bool = False,
        file_check_interval: float = 0.2,
        timeout: Optional[float] = None,
    ) -> Watch:
        """Watches the session like ``SessionProvider``, on the caller's thread (no
        thread is started): iterate over the returned :class:`Watch` for the events
        (see :mod:`authjs.lifecycle`).

        It refetches the session every ``interval`` seconds while the jar holds a
        session cookie (``refetchInterval``; each refetch stores the re-issued cookie,
        so a short ``maxAge`` stays alive), checks the cookie file every
        ``file_check_interval`` seconds for other processes' changes, and reports each
        transition once. ``refetch_when_offline=False`` pauses the timer after a failed
        refetch (``refetchWhenOffline``); ``emit_refreshed=True`` also reports
        :class:`Refreshed`. Iteration ends after ``timeout`` seconds without an event
        (``None``: never) or when the watch is closed; the waits release the GIL and
        Ctrl-C interrupts them. Bad options raise :class:`InvalidArgumentError`.
        """
        native = _authjs.Watch(
            self._native,
            interval=interval,
            refetch_when_offline=refetch_when_offline,
            emit_refreshed=emit_refreshed,
            file_check_interval=file_check_interval,
        )
        return Watch(native, timeout)

    def watch_in_background(
        self,
        callback: Callable[[Event], object],
        *,
        interval: float = 300.0,
        refetch_when_offline: bool = True,
        emit_refreshed: bool = False,
        file_check_interval: float = 0.2,
    ) -> Watcher:
        """Like :meth:`watch`, on a thread of its own (named ``authjs-watcher``):
        ``callback(event)`` is called on that thread. Like a daemon thread it never
        keeps the interpreter alive. Close the :class:`Watcher` (or use ``with``) to
        stop it; it is stopped at interpreter exit too.
        """
        return Watcher(
            _authjs.Watcher(
                self._native,
                _lifecycle._wrap_callback(callback),
                interval=interval,
                refetch_when_offline=refetch_when_offline,
                emit_refreshed=emit_refreshed,
                file_check_interval=file_check_interval,
            )
        )


# Session lifecycle (issue 13): imported last, it builds on Session.
from typing import Callable  # noqa: E402

from . import lifecycle as _lifecycle  # noqa: E402
from .lifecycle import (  # noqa: E402
    Event,
    Initial,
    Offline,
    Online,
    Refreshed,
    SignedIn,
    SignedOut,
    Status,
    Updated,
    Watch,
    Watcher,
)

__all__ += [
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

# asyncio (issue 14): imported last, it adapts Client.
from .aio import AsyncClient, AsyncWatch  # noqa: E402

__all__ += ["AsyncClient", "AsyncWatch"]
