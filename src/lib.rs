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

// No unsafe code outside the C ABI.
#![deny(unsafe_code)]

mod client;
mod cookie_file;
pub mod cookies;
pub mod endpoint;
mod error;
#[cfg(feature = "capi")]
#[allow(unsafe_code)] // the C ABI: raw pointers from C, every use checked and documented
pub mod ffi;
#[doc(hidden)]
pub mod fuzz;
mod http;
pub mod providers;
mod redact;
mod reply_json;
pub mod session;
pub mod signin;

pub use client::{
    Client, ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT,
    MAX_TIMEOUT, Response,
};
pub use cookies::CookieInfo;
pub use endpoint::Endpoint;
pub use error::{Error, ErrorKind, Result};
pub use http::Body;
pub use providers::{Provider, Providers};
pub use redact::redact_url;
pub use reply_json::parse_json_reply;
pub use session::{Session, User};
pub use signin::{SignInOptions, SignInResponse, SignOutOptions, SignOutResponse};

/// The library version (`Cargo.toml`).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

#[cfg(test)]
mod send_sync {
    fn assert_send_sync<T: Send + Sync>() {}
    #[test]
    fn client_is_send_and_sync() {
        assert_send_sync::<crate::Client>();
        assert_send_sync::<crate::Error>();
    }
}
