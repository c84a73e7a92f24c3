//! One error type for the whole library.
//!
//! Every failure is an [`Error`] carrying a stable [`ErrorKind`]. The kinds are the
//! contract the C status codes (`AUTHJS_ERR_*`) and the Python exception classes map
//! onto one to one, so a caller can branch on them in any language.
//!
//! Messages are written for people but never contain secrets: no cookie values, no
//! CSRF tokens, no form field values, and URLs are shown without their query string
//! (a magic link's query *is* a credential).

use std::fmt;

/// The error-kind table: the one place a kind is declared. Everything that names
/// kinds is derived from it: [`ErrorKind`], its numbers (the C statuses
/// `AUTHJS_ERR_*`, checked against the C enum by a test), its names, the Python
/// exception class names, and the CLI's exit statuses (`10 + number`) and help.
macro_rules! error_kinds {
    ($(
        $(#[doc = $doc:literal])*
        $variant:ident = $code:literal, $name:literal, $python:literal, $summary:literal;
    )*) => {
        /// What went wrong, in a form a caller can branch on.
        ///
        /// The numeric values are stable and are the C status codes (`AUTHJS_ERR_*`); a
        /// value is never reused for another meaning. New kinds may be added, so match
        /// with a wildcard arm.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[repr(u32)]
        #[non_exhaustive]
        pub enum ErrorKind {
            $( $(#[doc = $doc])* $variant = $code, )*
        }

        impl ErrorKind {
            /// Every kind, in numeric order (for bindings and tests).
            pub const ALL: &'static [ErrorKind] = &[$(ErrorKind::$variant,)*];

            /// What the table says about this kind.
            pub const fn info(self) -> &'static KindInfo {
                match self {
                    $(ErrorKind::$variant => &KindInfo {
                        code: $code,
                        name: $name,
                        python_class: $python,
                        summary: $summary,
                    },)*
                }
            }
        }
    };
}

/// One row of the error-kind table (see [`ErrorKind::info`]).
#[derive(Debug)]
#[non_exhaustive]
pub struct KindInfo {
    /// The stable number: the C status (`AUTHJS_ERR_*`); the CLI exits with `10 + code`.
    pub code: u32,
    /// The stable snake_case name (`"invalid_argument"`); the C status is
    /// `AUTHJS_ERR_` + its upper case, the Python exception's `kind` is this.
    pub name: &'static str,
    /// The class of `authjs.exceptions` raised for this kind.
    pub python_class: &'static str,
    /// One line for people (the CLI's `--help`, docs).
    pub summary: &'static str,
}

error_kinds! {
    /// The caller passed something unusable: a malformed URL, an invalid `callbackUrl`,
    /// a reserved form field, a URL of another origin, a malformed cookie file.
    InvalidArgument = 1, "invalid_argument", "InvalidArgumentError",
        "invalid argument (malformed URL or header, cookie jar of another server, ...)";
    /// The server could not be reached or the connection broke (refused, DNS, reset).
    Network = 2, "network", "NetworkError", "network: the server could not be reached";
    /// A connect or overall timeout expired.
    Timeout = 3, "timeout", "TimeoutError", "timeout";
    /// TLS failed: untrusted certificate, handshake failure, unreadable CA file.
    Tls = 4, "tls", "TLSError",
        "TLS: handshake failed or certificate not trusted (see --ca-cert)";
    /// The server answered with an HTTP error status where the protocol expects success.
    Http = 5, "http", "HTTPError",
        "HTTP error status; `fetch` got HTTP >= 400 (unless --no-fail)";
    /// The server's answer does not follow the Auth.js protocol: HTML where JSON was
    /// expected (often a wrong base path), truncated or oversized bodies, missing fields.
    Protocol = 6, "protocol", "ProtocolError",
        "protocol: the reply is not Auth.js's (often a wrong --base-path)";
    /// The server rejected the CSRF token even after a fresh one was fetched.
    Csrf = 7, "csrf", "CSRFError", "CSRF token rejected";
    /// The provider id is not among the server's providers.
    UnknownProvider = 8, "unknown_provider", "UnknownProviderError", "unknown provider";
    /// The provider exists but this client cannot drive it (WebAuthn / passkeys).
    UnsupportedProvider = 9, "unsupported_provider", "UnsupportedProviderError",
        "unsupported provider (WebAuthn / passkeys)";
    /// Reading or writing a local file (the cookie file) failed.
    Io = 10, "io", "CookieFileError", "local I/O: cookie jar, input file, stdout";
    /// A session token (feature `jwt`) is unusable: malformed, of an unsupported
    /// `alg`/`enc`, encrypted with another secret or for another cookie name, or
    /// tampered with. Wrong secret and tampering cannot be told apart by design.
    TokenInvalid = 11, "token_invalid", "TokenInvalidError",
        "session token invalid: malformed, wrong secret or cookie name, tampered";
    /// A session token decrypted but its `exp` has passed or its `nbf` has not come
    /// (beyond the clock tolerance).
    TokenExpired = 12, "token_expired", "TokenExpiredError",
        "session token expired (exp) or not valid yet (nbf)";
}

impl ErrorKind {
    /// A short, stable, snake_case name (`"invalid_argument"`, `"network"`, …).
    pub fn as_str(self) -> &'static str {
        self.info().name
    }

    /// The kind with this stable name, if there is one.
    pub fn from_name(name: &str) -> Option<ErrorKind> {
        Self::ALL.iter().copied().find(|k| k.as_str() == name)
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The library's error: a kind, a human-readable message and structured details.
pub struct Error {
    kind: ErrorKind,
    message: String,
    status: Option<u16>,
    body_excerpt: Option<String>,
    known_ids: Vec<String>,
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

/// Shorthand for `Result<T, authjs::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            status: None,
            body_excerpt: None,
            known_ids: Vec::new(),
            source: None,
        }
    }

    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidArgument, message)
    }

    pub(crate) fn protocol(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Protocol, message)
    }

    pub(crate) fn io(message: impl Into<String>, source: std::io::Error) -> Self {
        Self::new(ErrorKind::Io, format!("{}: {}", message.into(), source)).with_source(source)
    }

    pub(crate) fn http(status: u16, what: &str, body: &[u8]) -> Self {
        let mut e = Self::new(
            ErrorKind::Http,
            format!("{what}: the server answered HTTP {status}"),
        );
        e.status = Some(status);
        e.body_excerpt = excerpt(body);
        e
    }

    pub(crate) fn with_status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    pub(crate) fn with_body(mut self, body: &[u8]) -> Self {
        self.body_excerpt = excerpt(body);
        self
    }

    pub(crate) fn with_known_ids(mut self, ids: Vec<String>) -> Self {
        self.known_ids = ids;
        self
    }

    pub(crate) fn with_source(
        mut self,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        self.source = Some(Box::new(source));
        self
    }

    /// Prefixes the message with the cookie file it concerns (not for Io errors, whose
    /// message already names it).
    pub(crate) fn in_file(mut self, path: &std::path::Path) -> Self {
        if self.kind != ErrorKind::Io && !self.message.contains(&path.display().to_string()) {
            self.message = format!("cookie file {}: {}", path.display(), self.message);
        }
        self
    }

    /// The kind of failure, stable across versions.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The message, without secrets.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The HTTP status of the reply that caused the error, when there was one.
    pub fn status(&self) -> Option<u16> {
        self.status
    }

    /// The first bytes of the offending reply body (at most 200 characters, control
    /// characters replaced), for [`ErrorKind::Http`] and [`ErrorKind::Protocol`].
    pub fn body_excerpt(&self) -> Option<&str> {
        self.body_excerpt.as_deref()
    }

    /// For [`ErrorKind::Io`]: the operating system's error number, when there is one.
    pub fn os_error(&self) -> Option<i32> {
        self.source
            .as_deref()
            .and_then(|s| s.downcast_ref::<std::io::Error>())
            .and_then(std::io::Error::raw_os_error)
    }

    /// For [`ErrorKind::UnknownProvider`]: the provider ids the server does offer.
    pub fn known_ids(&self) -> &[String] {
        &self.known_ids
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Error");
        d.field("kind", &self.kind).field("message", &self.message);
        if let Some(s) = self.status {
            d.field("status", &s);
        }
        if !self.known_ids.is_empty() {
            d.field("known_ids", &self.known_ids);
        }
        d.finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// At most 200 characters of a body, for diagnostics.
fn excerpt(body: &[u8]) -> Option<String> {
    if body.is_empty() {
        return None;
    }
    let text = String::from_utf8_lossy(&body[..body.len().min(800)]);
    let cleaned: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(200)
        .collect();
    Some(cleaned.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_consistent() {
        let mut codes: Vec<u32> = ErrorKind::ALL.iter().map(|k| k.info().code).collect();
        for (i, k) in ErrorKind::ALL.iter().enumerate() {
            assert_eq!(*k as u32, k.info().code);
            assert_eq!(ErrorKind::from_name(k.as_str()), Some(*k));
            if i > 0 {
                assert!(codes[i] > codes[i - 1], "ALL is in numeric order");
            }
        }
        codes.dedup();
        assert_eq!(codes.len(), ErrorKind::ALL.len());
        assert_eq!(ErrorKind::from_name("nope"), None);
    }
}
