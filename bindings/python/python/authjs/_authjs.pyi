"""Type stubs of the native module ``authjs._authjs`` (hand-written).

Private: use :mod:`authjs`, which wraps this module and builds typed results.
"""

import os
from typing import Any, Callable, Mapping, Sequence, Optional, Tuple, TypedDict, Union, final

__all__ = [
    "Client",
    "parse_json",
    "redact_url",
    "__version__",
    "ERROR_KINDS",
    "DEFAULT_TIMEOUT",
    "client_status",
    "Watch",
    "Watcher",
    "client_cookies",
    "client_has_session_cookie",
    "client_export_cookies",
    "client_import_cookies",
    "client_netscape_cookies",
    "client_clear_cookies",
    "client_provider",
    "client_endpoint",
    "client_export_cookies_as",
    "client_import_cookies_as",
    "client_save_cookies_as",
    "client_load_cookies_as",
    "client_user",
    "client_lookup",
    "token_decode",
    "token_mint",
    "token_cookie_name",
    "TOKEN_CLOCK_TOLERANCE",
    "SESSION_COOKIE_NAMES",
]

__version__: str

#: The core's error-kind table: ``(name, code, class name in authjs.exceptions)``.
ERROR_KINDS: Tuple[Tuple[str, int, str], ...]
#: The core's overall timeout, in seconds (``authjs::DEFAULT_TIMEOUT``).
DEFAULT_TIMEOUT: float

class _UserDict(TypedDict):
    name: Optional[str]
    email: Optional[str]
    image: Optional[str]
    extra: dict[str, Any]

class _SessionDict(TypedDict):
    raw: dict[str, Any]
    user: _UserDict
    expires: Optional[str]
    extra: dict[str, Any]

class _ProviderDict(TypedDict):
    id: str
    name: str
    type: str
    signin_url: str
    callback_url: str

class _SignInDict(TypedDict):
    ok: bool
    status: int
    error: Optional[str]
    code: Optional[str]
    url: Optional[str]

_Path = Union[str, os.PathLike[str]]
_Text = Union[str, int, float, bool]

@final
class Client:
    def __new__(
        cls,
        url: str,
        *,
        timeout: Optional[float] = None,  # None: the core's default, 30 s
        connect_timeout: Optional[float] = None,
        ca_cert: Union[_Path, bytes, bytearray, None] = None,
        user_agent: Optional[str] = None,
        cookie_file: Optional[_Path] = None,
        cookie_header: Optional[str] = None,
        base_path: Optional[str] = None,
        proxy: Optional[str] = None,
        allow_insecure_http: bool = False,
    ) -> Client: ...
    @property
    def base_url(self) -> str: ...
    @property
    def cookie_count(self) -> int: ...
    @property
    def closed(self) -> bool: ...
    def close(self) -> None: ...
    def get_session(self) -> Optional[_SessionDict]: ...
    def get_csrf_token(self) -> str: ...
    def get_providers(self) -> dict[str, _ProviderDict]: ...
    def sign_in(
        self,
        provider: Optional[str] = None,
        callback_url: Optional[str] = None,
        authorization_params: Optional[Mapping[str, _Text]] = None,
        fields: Optional[Mapping[str, _Text]] = None,
    ) -> _SignInDict: ...
    def complete_sign_in(self, url: str) -> _SignInDict: ...
    def complete_sign_in_form(
        self, action: str, fields: Mapping[str, _Text]
    ) -> _SignInDict: ...
    def complete_sign_in_form_html(self, html: str) -> _SignInDict: ...
    def update_session(self, data: Any = None) -> Optional[_SessionDict]: ...
    def sign_out(self, callback_url: Optional[str] = None) -> str: ...
    def request(
        self,
        method: str,
        path: str,
        json: Any = None,
        data: Union[
            Mapping[str, _Text], Sequence[Tuple[str, _Text]], str, bytes, bytearray, None
        ] = None,
        headers: Union[Mapping[str, str], Sequence[Tuple[str, str]], None] = None,
    ) -> Tuple[int, dict[str, str], bytes]: ...
    def cookie_header(self) -> str: ...
    def save_cookies(self, path: _Path) -> None: ...
    def load_cookies(self, path: _Path) -> None: ...

def parse_json(status: int, body: bytes) -> Any: ...
def redact_url(url: str) -> str: ...

# Session lifecycle (issue 13): bindings/python/src/watch.rs.


class _EventDict(TypedDict, total=False):
    event: str
    status: str
    session: Optional[_SessionDict]
    reason: str
    kind: str
    message: str

def client_status(client: Client) -> str: ...
@final
class Watch:
    def __new__(
        cls,
        client: Client,
        *,
        interval: float,
        refetch_when_offline: bool = True,
        emit_refreshed: bool = False,
        file_check_interval: float,
    ) -> Watch: ...
    def next_event(self, timeout: Optional[float] = None) -> Optional[_EventDict]: ...
    @property
    def closed(self) -> bool: ...
    def close(self) -> None: ...

@final
class Watcher:
    def __new__(
        cls,
        client: Client,
        callback: Callable[[_EventDict], object],
        *,
        interval: float,
        refetch_when_offline: bool = True,
        emit_refreshed: bool = False,
        file_check_interval: float,
    ) -> Watcher: ...
    @property
    def closed(self) -> bool: ...
    def close(self) -> None: ...

# Parity with the Rust client (issue 14): bindings/python/src/lib.rs.

class _CookieDict(TypedDict):
    name: str
    value: str
    domain: str
    path: str
    secure: bool
    http_only: bool
    expires_unix: Optional[int]
    same_site: Optional[str]
    host_only: bool

class _EndpointDict(TypedDict):
    origin: str
    base_path: str
    base_url: str
    is_https: bool
    is_loopback: bool

def client_cookies(client: Client) -> list[_CookieDict]: ...
def client_has_session_cookie(client: Client) -> bool: ...
def client_export_cookies(client: Client) -> str: ...
def client_import_cookies(client: Client, text: str) -> None: ...
def client_netscape_cookies(client: Client) -> str: ...
def client_clear_cookies(client: Client) -> None: ...
def client_provider(client: Client, id: str) -> _ProviderDict: ...
def client_endpoint(client: Client) -> _EndpointDict: ...
def client_export_cookies_as(client: Client, format: str) -> str: ...
def client_import_cookies_as(client: Client, text: str, format: str) -> Tuple[int, int]: ...
def client_save_cookies_as(client: Client, path: _Path, format: str) -> None: ...
def client_load_cookies_as(client: Client, path: _Path, format: str) -> Tuple[int, int]: ...
def client_user(client: Client, cookie_header: Optional[str] = None) -> Client: ...
def client_lookup(
    client: Client, cookie_header: Optional[str]
) -> Tuple[Optional[_SessionDict], list[str]]: ...

# Session tokens (src/token.rs, authjs.tokens).
TOKEN_CLOCK_TOLERANCE: float
SESSION_COOKIE_NAMES: list[str]

def token_decode(
    value: str, secret: Union[str, list[str]], cookie_name: Optional[str] = None
) -> Tuple[str, dict[str, Any]]: ...
def token_mint(
    claims: Mapping[str, Any],
    secret: Union[str, list[str]],
    cookie_name: str,
    max_age: Optional[float] = None,
    url: Optional[str] = None,
    secure: bool = False,
) -> dict[str, Any]: ...
def token_cookie_name(client: Client) -> str: ...
