"""The exceptions of :mod:`authjs`.

One class per error kind of the Rust core (``authjs::ErrorKind``), all under
:class:`AuthjsError`. Every instance carries structured attributes, not only a message:

- ``kind``: the core's stable kind name (``"network"``, ``"http"``, ...);
- ``message``: the message, which never contains cookie values, tokens, passwords or the
  query string of a URL;
- ``status``: the HTTP status of the reply that caused the error, when there was one;
- ``body_excerpt``: the first characters of that reply's body (HTTP and protocol errors).

Some classes also derive from a builtin so that generic handlers catch them:
:class:`TimeoutError` is a builtin :class:`TimeoutError`, :class:`InvalidArgumentError` a
:class:`ValueError`, :class:`CookieFileError` an :class:`OSError`.

The native module raises these classes (it imports them by name from here).
"""

from __future__ import annotations

import builtins
from typing import Any, Iterable, Optional, Tuple

__all__ = [
    "AuthjsError",
    "InvalidArgumentError",
    "NetworkError",
    "TimeoutError",
    "TLSError",
    "HTTPError",
    "ProtocolError",
    "CSRFError",
    "UnknownProviderError",
    "UnsupportedProviderError",
    "CookieFileError",
    "TokenInvalidError",
    "TokenExpiredError",
]


class AuthjsError(Exception):
    """Base class of every error raised by :mod:`authjs`."""

    #: The core's error kind this class stands for.
    KIND: str = "error"

    kind: str
    message: str
    status: Optional[int]
    body_excerpt: Optional[str]

    def __init__(
        self,
        message: str,
        *,
        kind: Optional[str] = None,
        status: Optional[int] = None,
        body_excerpt: Optional[str] = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind if kind is not None else self.KIND
        self.status = status
        self.body_excerpt = body_excerpt

    def _state(self) -> dict[str, Any]:
        return {"kind": self.kind, "status": self.status, "body_excerpt": self.body_excerpt}

    def __reduce__(self) -> Any:
        # Keyword-only arguments do not survive the default pickling of exceptions.
        return (_rebuild, (type(self), self.message, self._state()))

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        extra = "".join(
            f", {k}={v!r}" for k, v in self._state().items() if k != "kind" and v not in (None, ())
        )
        return f"{type(self).__name__}({self.message!r}{extra})"


def _rebuild(cls: type[AuthjsError], message: str, state: dict[str, Any]) -> AuthjsError:
    return cls(message, **state)


class InvalidArgumentError(AuthjsError, ValueError):
    """An argument was unusable: a malformed URL, an invalid ``callback_url``, a reserved
    form field, a URL of another origin, a value that cannot be sent, a closed client."""

    KIND = "invalid_argument"


class NetworkError(AuthjsError):
    """The server could not be reached or the connection broke (refused, DNS, reset)."""

    KIND = "network"


class TimeoutError(AuthjsError, builtins.TimeoutError):  # noqa: A001 (deliberate)
    """A connect or overall timeout expired. Also a builtin :class:`TimeoutError`."""

    KIND = "timeout"


class TLSError(AuthjsError):
    """TLS failed: untrusted certificate, handshake failure, unreadable CA file."""

    KIND = "tls"


class HTTPError(AuthjsError):
    """The server answered with an HTTP error status where the protocol expects
    success. ``status`` and ``body_excerpt`` describe the reply."""

    KIND = "http"
    status: int  # always set for this kind


class ProtocolError(AuthjsError):
    """The server's answer does not follow the Auth.js protocol: HTML where JSON was
    expected (often a wrong ``base_path``), an oversized body, missing fields."""

    KIND = "protocol"


class CSRFError(AuthjsError):
    """The server rejected the CSRF token even after a fresh one was fetched."""

    KIND = "csrf"


class UnknownProviderError(AuthjsError):
    """The provider id is not among the server's providers. ``known_ids`` lists the ids
    the server does offer."""

    KIND = "unknown_provider"

    known_ids: Tuple[str, ...]

    def __init__(
        self,
        message: str,
        *,
        known_ids: Iterable[str] = (),
        kind: Optional[str] = None,
        status: Optional[int] = None,
        body_excerpt: Optional[str] = None,
    ) -> None:
        super().__init__(message, kind=kind, status=status, body_excerpt=body_excerpt)
        self.known_ids = tuple(known_ids)

    def _state(self) -> dict[str, Any]:
        state = super()._state()
        state["known_ids"] = self.known_ids
        return state


class UnsupportedProviderError(AuthjsError):
    """The provider exists but this client cannot drive it (WebAuthn / passkeys)."""

    KIND = "unsupported_provider"


class CookieFileError(AuthjsError, OSError):
    """Reading or writing the cookie file failed. Also an :class:`OSError`, whose
    ``errno`` is the operating system's error number when there is one."""

    KIND = "io"

    def __init__(
        self,
        message: str,
        *,
        errno: Optional[int] = None,
        kind: Optional[str] = None,
        status: Optional[int] = None,
        body_excerpt: Optional[str] = None,
    ) -> None:
        super().__init__(message, kind=kind, status=status, body_excerpt=body_excerpt)
        self.errno = errno

    def _state(self) -> dict[str, Any]:
        state = super()._state()
        state["errno"] = self.errno
        return state


class TokenInvalidError(AuthjsError, ValueError):
    """A session token is unusable: malformed, of an unsupported ``alg``/``enc``,
    encrypted with another secret or for another cookie name, or tampered with (the
    last two cannot be told apart, by design)."""

    KIND = "token_invalid"


class TokenExpiredError(AuthjsError):
    """A session token decrypted, but its ``exp`` has passed or its ``nbf`` has not
    come (beyond the 15 s clock tolerance)."""

    KIND = "token_expired"
