//! Status codes, error messages, version and string ownership.

use super::{last_error_ptr, last_status, quiet};
use crate::ErrorKind;
use std::ffi::{CString, c_char};
use std::sync::OnceLock;

/// The result of every fallible `authjs_` function.
///
/// `AUTHJS_OK` is 0. Each core error kind has a fixed value (1 to 12); the values of
/// 100 and above are failures of the C layer itself. A value is never reused for
/// another meaning; new kinds get new numbers. On any status other than `AUTHJS_OK`,
/// `authjs_last_error_message()` describes the failure and out-parameters are left
/// untouched.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(non_camel_case_types)]
pub enum AuthjsStatus {
    /// Success.
    AUTHJS_OK = 0,
    /// The caller passed something unusable: a malformed URL, JSON that is not valid
    /// or not of the expected shape, an unknown option key, an invalid `callbackUrl`,
    /// a URL of another origin, a malformed cookie file.
    AUTHJS_ERR_INVALID_ARGUMENT = 1,
    /// The server could not be reached or the connection broke (refused, DNS, reset).
    AUTHJS_ERR_NETWORK = 2,
    /// A connect or overall timeout expired.
    AUTHJS_ERR_TIMEOUT = 3,
    /// TLS failed: untrusted certificate, handshake failure, unreadable CA file.
    AUTHJS_ERR_TLS = 4,
    /// The server answered with an HTTP error status where the protocol expects
    /// success.
    AUTHJS_ERR_HTTP = 5,
    /// The server's answer does not follow the Auth.js protocol (HTML where JSON was
    /// expected, often a wrong base path; truncated or oversized bodies).
    AUTHJS_ERR_PROTOCOL = 6,
    /// The server rejected the CSRF token even after a fresh one was fetched.
    AUTHJS_ERR_CSRF = 7,
    /// The provider id is not among the server's providers.
    AUTHJS_ERR_UNKNOWN_PROVIDER = 8,
    /// The provider exists but this client cannot drive it (WebAuthn / passkeys).
    AUTHJS_ERR_UNSUPPORTED_PROVIDER = 9,
    /// Reading or writing a local file (the cookie file) failed.
    AUTHJS_ERR_IO = 10,
    /// A session token is unusable: malformed, of an unsupported `alg`/`enc`,
    /// encrypted with another secret or for another cookie name, or tampered with.
    AUTHJS_ERR_TOKEN_INVALID = 11,
    /// A session token's `exp` has passed or its `nbf` has not come (beyond the
    /// clock tolerance).
    AUTHJS_ERR_TOKEN_EXPIRED = 12,
    /// A required pointer argument was NULL.
    AUTHJS_ERR_NULL_ARGUMENT = 100,
    /// A string argument is not valid UTF-8.
    AUTHJS_ERR_INVALID_UTF8 = 101,
    /// A bug in libauthjs (a Rust panic, caught before it reached the caller).
    AUTHJS_ERR_INTERNAL = 102,
    /// This build of libauthjs lacks the feature the function needs (the
    /// `authjs_token_*` functions need the Cargo feature `jwt`).
    AUTHJS_ERR_UNSUPPORTED = 103,
}

/// The numbers of the core's error kinds; 100 and above belong to the C layer.
const KIND_RANGE: std::ops::Range<u32> = 1..100;

impl AuthjsStatus {
    /// Every status, in numeric order.
    pub const ALL: [AuthjsStatus; 17] = [
        AuthjsStatus::AUTHJS_OK,
        AuthjsStatus::AUTHJS_ERR_INVALID_ARGUMENT,
        AuthjsStatus::AUTHJS_ERR_NETWORK,
        AuthjsStatus::AUTHJS_ERR_TIMEOUT,
        AuthjsStatus::AUTHJS_ERR_TLS,
        AuthjsStatus::AUTHJS_ERR_HTTP,
        AuthjsStatus::AUTHJS_ERR_PROTOCOL,
        AuthjsStatus::AUTHJS_ERR_CSRF,
        AuthjsStatus::AUTHJS_ERR_UNKNOWN_PROVIDER,
        AuthjsStatus::AUTHJS_ERR_UNSUPPORTED_PROVIDER,
        AuthjsStatus::AUTHJS_ERR_IO,
        AuthjsStatus::AUTHJS_ERR_TOKEN_INVALID,
        AuthjsStatus::AUTHJS_ERR_TOKEN_EXPIRED,
        AuthjsStatus::AUTHJS_ERR_NULL_ARGUMENT,
        AuthjsStatus::AUTHJS_ERR_INVALID_UTF8,
        AuthjsStatus::AUTHJS_ERR_INTERNAL,
        AuthjsStatus::AUTHJS_ERR_UNSUPPORTED,
    ];

    /// The status of a core error kind: the same number (the kind table in
    /// `src/error.rs`). A kind without a C status is a bug that the tests below catch;
    /// it maps to `AUTHJS_ERR_INTERNAL` rather than panicking.
    pub fn from_kind(kind: ErrorKind) -> AuthjsStatus {
        Self::from_u32(kind.info().code)
            .filter(|s| KIND_RANGE.contains(&(*s as u32)))
            .unwrap_or(AuthjsStatus::AUTHJS_ERR_INTERNAL)
    }

    /// The status with this number, if there is one.
    pub fn from_u32(n: u32) -> Option<AuthjsStatus> {
        Self::ALL.into_iter().find(|s| *s as u32 == n)
    }

    /// The status's name as a NUL-terminated static string: the variant's own name
    /// (its `Debug` form), so no second list of names can drift from the enum.
    fn c_name(self) -> &'static std::ffi::CStr {
        static NAMES: OnceLock<Vec<CString>> = OnceLock::new();
        let names = NAMES.get_or_init(|| {
            Self::ALL
                .iter()
                .map(|s| CString::new(format!("{s:?}")).unwrap_or_default())
                .collect()
        });
        Self::ALL
            .iter()
            .position(|s| *s == self)
            .and_then(|i| names.get(i))
            .map_or(c"AUTHJS_ERR_UNKNOWN_STATUS", CString::as_c_str)
    }
}

/// The name of a status (`"AUTHJS_ERR_NETWORK"`), or `"AUTHJS_ERR_UNKNOWN_STATUS"` for
/// a number that is not a status.
///
/// Takes the status as a plain integer so that any value is safe to pass.
/// Ownership: the string is static; do not free it. Never returns NULL. Does not
/// change `authjs_last_error_message()`. Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn authjs_status_name(status: u32) -> *const c_char {
    quiet(c"AUTHJS_ERR_UNKNOWN_STATUS".as_ptr(), || {
        AuthjsStatus::from_u32(status)
            .map_or(c"AUTHJS_ERR_UNKNOWN_STATUS", AuthjsStatus::c_name)
            .as_ptr()
    })
}

/// The message of the last failure of a fallible `authjs_` call (one returning an
/// `AuthjsStatus`, or `authjs_client_new`) on the calling thread, or `""` when that
/// call succeeded or no call was made yet.
///
/// The message is for people (log it, show it); branch on the status instead. It
/// never contains secrets: no passwords, cookie values, tokens or option values.
///
/// Ownership: borrowed; do not free it. It stays valid until the next fallible
/// `authjs_` call on this thread (accessors, `*_free`, `authjs_status_name` and
/// `authjs_version` leave it alone). Never returns NULL. Thread safety: each thread has
/// its own message.
#[unsafe(no_mangle)]
pub extern "C" fn authjs_last_error_message() -> *const c_char {
    quiet(c"".as_ptr(), last_error_ptr)
}

/// The status of the last fallible `authjs_` call on the calling thread: `AUTHJS_OK`
/// when it succeeded (or no call was made yet), otherwise the status it returned. This
/// is how to tell why `authjs_client_new` returned NULL (e.g. `AUTHJS_ERR_TLS` for an
/// unreadable CA file).
///
/// Changes when `authjs_last_error_message()` does. Thread safety: per thread.
#[unsafe(no_mangle)]
pub extern "C" fn authjs_last_error_status() -> AuthjsStatus {
    quiet(AuthjsStatus::AUTHJS_ERR_INTERNAL, last_status)
}

/// The library version, e.g. `"0.1.0"` (the same as `AUTHJS_VERSION_MAJOR`.`MINOR`.
/// `PATCH` of the header the program was compiled with, unless it runs against another
/// build of the library).
///
/// Ownership: static; do not free it. Never returns NULL. Thread safety: safe from any
/// thread.
#[unsafe(no_mangle)]
pub extern "C" fn authjs_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// Releases a string returned by this library through a `char **` out-parameter.
///
/// `s` may be NULL (nothing happens). Each string must be released exactly once and
/// only with this function, never with `free()`. Strings borrowed from native objects
/// (`const char *` accessors) and from `authjs_last_error_message`,
/// `authjs_status_name` and `authjs_version` must not be passed here.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_string_free(s: *mut c_char) {
    if s.is_null() {
        return;
    }
    quiet((), || {
        // SAFETY: `s` came from `CString::into_raw` in this library (the contract above).
        drop(unsafe { CString::from_raw(s) })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::ffi::CStr;

    /// The C statuses below 100 are exactly the kind table: adding a kind to the table
    /// without a C status (or the other way round) fails here.
    #[test]
    fn c_statuses_are_the_kind_table() {
        let c: Vec<u32> = AuthjsStatus::ALL
            .iter()
            .map(|s| *s as u32)
            .filter(|n| KIND_RANGE.contains(n))
            .collect();
        let kinds: Vec<u32> = ErrorKind::ALL.iter().map(|k| k.info().code).collect();
        assert_eq!(c, kinds);
    }

    #[test]
    fn every_kind_keeps_its_number() {
        for &kind in ErrorKind::ALL {
            assert_eq!(AuthjsStatus::from_kind(kind) as u32, kind as u32, "{kind}");
            let name = AuthjsStatus::from_kind(kind).c_name().to_str().unwrap();
            assert_eq!(name, format!("AUTHJS_ERR_{}", kind.as_str().to_uppercase()));
        }
    }

    #[test]
    fn numbers_and_names_are_unique() {
        let numbers: HashSet<u32> = AuthjsStatus::ALL.iter().map(|s| *s as u32).collect();
        assert_eq!(numbers.len(), AuthjsStatus::ALL.len());
        for s in AuthjsStatus::ALL {
            assert_eq!(AuthjsStatus::from_u32(s as u32), Some(s));
            // SAFETY: static NUL-terminated strings.
            let name = unsafe { CStr::from_ptr(authjs_status_name(s as u32)) };
            assert_eq!(name, s.c_name());
        }
        // SAFETY: as above.
        let unknown = unsafe { CStr::from_ptr(authjs_status_name(55)) };
        assert_eq!(unknown, c"AUTHJS_ERR_UNKNOWN_STATUS");
    }

    #[test]
    fn version_is_the_crate_version() {
        // SAFETY: static NUL-terminated string.
        let v = unsafe { CStr::from_ptr(authjs_version()) };
        assert_eq!(v.to_str().unwrap(), crate::VERSION);
    }
}
