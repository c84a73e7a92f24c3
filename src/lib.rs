//! # authjs
//!
//! A native client for [Auth.js](https://authjs.dev) / NextAuth.js servers: what
//! `next-auth/react` does in a browser (read the session, get the CSRF token, list
//! providers, sign in, update the session, sign out), for programs that are not
//! browsers. It talks to unmodified servers, `next-auth` v4 and `@auth/core` v5 alike,
//! without configuration.
//!
//! The protocol lives here, once; the C ABI, the Python module and the `authjs` CLI
//! are thin layers over [`Client`].

// No unsafe code outside the C ABI; every public item documented. Modules are
// private: each public type has one path, `authjs::Name`.
#![deny(unsafe_code)]
#![deny(missing_docs)]

mod builder;
mod client;
mod conn;
mod cookie_file;
mod cookie_formats;
mod cookies;
mod endpoint;
mod error;
#[cfg(feature = "capi")]
#[allow(unsafe_code)] // the C ABI: raw pointers from C, every use checked and documented
pub mod ffi;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzz;
mod http;
mod lookup;
mod providers;
mod response;
mod session;
mod signin;
mod store;
#[cfg(feature = "jwt")]
mod token;
mod watch;

pub use builder::{
    ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT,
    MAX_TIMEOUT,
};
pub use client::Client;
pub use conn::{TlsStats, tls_stats};
pub use cookie_formats::{CookieFormat, CookieImport, SameSite};
pub use cookies::{CookieInfo, is_csrf_cookie_name, is_session_cookie_name};
pub use endpoint::{DEFAULT_BASE_PATH, Endpoint, redact_url};
pub use error::{Error, ErrorKind, KindInfo, Result};
pub use http::Body;
pub use lookup::Lookup;
pub use providers::{Provider, Providers};
pub use response::Response;
pub use session::{Session, User};
pub use signin::{FormPost, SignInOptions, SignInResponse, SignOutOptions, SignOutResponse};
#[cfg(feature = "jwt")]
pub use token::{
    DEFAULT_CLOCK_TOLERANCE, DEFAULT_MAX_AGE, DecodedToken, MAX_TOKEN_LEN, MintedSession,
    SESSION_COOKIE_NAMES, TokenCodec, TokenVersion, bearer_token, decode_any, find_session_token,
    server_session_cookie_name, session_token_from_header,
};
pub use watch::{Event, SignOutReason, Status, Watch, WatchOptions, Watcher};

/// The library version (`Cargo.toml`).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

#[cfg(test)]
mod debug_audit;

#[cfg(test)]
mod send_sync {
    fn assert_send_sync<T: Send + Sync>() {}
    #[test]
    fn client_is_send_and_sync() {
        assert_send_sync::<crate::Client>();
        assert_send_sync::<crate::Error>();
    }
}
