//! The C ABI (`include/authjs.h`), compiled with the `capi` feature.
//!
//! This layer only converts types: C strings to `&str`, JSON text to
//! [`serde_json::Value`], core results to JSON text or native objects, and
//! [`crate::Error`] to an [`AuthjsStatus`] plus a thread-local message. Every protocol
//! decision is made by [`crate::Client`].
//!
//! Conventions (those of rustls-ffi):
//! - every symbol starts with `authjs_`; handles are opaque; each `*_new`/object
//!   constructor has a `*_free` that accepts NULL;
//! - fallible functions return an [`AuthjsStatus`] and write their out-parameters only
//!   on success (on failure the out-parameter is left untouched);
//! - every pointer is checked; a NULL where one is required is
//!   `AUTHJS_ERR_NULL_ARGUMENT`, a string that is not UTF-8 is `AUTHJS_ERR_INVALID_UTF8`;
//! - a panic never crosses the boundary: it is caught and reported as
//!   `AUTHJS_ERR_INTERNAL`;
//! - the message of the last failure on the calling thread is available from
//!   `authjs_last_error_message` and never contains secrets (no passwords, cookie
//!   values, tokens or option values).
//!
//! Safety contract of every `unsafe extern "C"` function here, stated once in the
//! header's preamble rather than on each function (hence the `missing_safety_doc`
//! allowance): each pointer argument is NULL or valid for its type (a handle or object
//! from this library that was not freed, a NUL-terminated string, a writable
//! out-parameter), and an object is not freed while another thread uses it.
#![allow(clippy::missing_safety_doc)]

mod client;
mod cookie_formats;
mod objects;
mod options;
mod pool;
mod response;
mod status;
mod token;
mod watch;

pub use client::*;
pub use cookie_formats::*;
pub use objects::*;
pub use pool::*;
pub use response::*;
pub use status::*;
pub use token::*;
pub use watch::*;

use std::cell::{Cell, RefCell};
use std::ffi::{CStr, CString, c_char};
use std::panic::{AssertUnwindSafe, catch_unwind};

/// A failure on its way to C: the status to return and the message to store.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) status: AuthjsStatus,
    pub(crate) message: String,
}

impl Failure {
    pub(crate) fn new(status: AuthjsStatus, message: impl Into<String>) -> Self {
        Failure {
            status,
            message: message.into(),
        }
    }

    /// A required pointer argument was NULL.
    pub(crate) fn null(name: &str) -> Self {
        Self::new(
            AuthjsStatus::AUTHJS_ERR_NULL_ARGUMENT,
            format!("{name} is NULL"),
        )
    }

    /// An argument the caller got wrong (never echoes its value).
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self::new(AuthjsStatus::AUTHJS_ERR_INVALID_ARGUMENT, message)
    }
}

impl From<crate::Error> for Failure {
    fn from(e: crate::Error) -> Self {
        // Core messages are written without secrets (see src/error.rs).
        Failure::new(AuthjsStatus::from_kind(e.kind()), e.message())
    }
}

pub(crate) type FfiResult<T> = Result<T, Failure>;

const PANIC_MESSAGE: &str =
    "internal error: a panic inside libauthjs was caught at the C boundary (this is a bug)";

thread_local! {
    /// The message of the last failed fallible call on this thread ("" after a success).
    static LAST_ERROR: RefCell<CString> = RefCell::new(CString::default());
    /// The status of the last fallible call on this thread.
    static LAST_STATUS: Cell<AuthjsStatus> = const { Cell::new(AuthjsStatus::AUTHJS_OK) };
}

/// Records a failure: its message (interior NULs replaced with spaces) and status.
fn set_last_error(status: AuthjsStatus, message: &str) {
    let text = CString::new(message.replace('\0', " ")).unwrap_or_default();
    let _ = LAST_ERROR.try_with(|slot| *slot.borrow_mut() = text);
    let _ = LAST_STATUS.try_with(|slot| slot.set(status));
}

/// Clears the thread's last error (no allocation when it is already empty).
fn clear_last_error() {
    let _ = LAST_ERROR.try_with(|slot| {
        let mut slot = slot.borrow_mut();
        if !slot.as_bytes().is_empty() {
            *slot = CString::default();
        }
    });
    let _ = LAST_STATUS.try_with(|slot| slot.set(AuthjsStatus::AUTHJS_OK));
}

/// The status of the thread's last fallible call.
pub(crate) fn last_status() -> AuthjsStatus {
    LAST_STATUS
        .try_with(Cell::get)
        .unwrap_or(AuthjsStatus::AUTHJS_OK)
}

/// A pointer to the thread's last-error message, valid until it is next replaced.
pub(crate) fn last_error_ptr() -> *const c_char {
    LAST_ERROR
        .try_with(|slot| slot.borrow().as_ptr())
        .unwrap_or(c"".as_ptr())
}

/// Drops a panic payload without letting a panicking `Drop` escape.
fn drop_payload(payload: Box<dyn std::any::Any + Send>) {
    let _ = catch_unwind(AssertUnwindSafe(move || drop(payload)));
}

/// The boundary of every fallible function returning a status: clears the last error,
/// runs `f` with panics caught, and records the failure message.
pub(crate) fn guard(f: impl FnOnce() -> FfiResult<()>) -> AuthjsStatus {
    clear_last_error();
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => AuthjsStatus::AUTHJS_OK,
        Ok(Err(failure)) => {
            set_last_error(failure.status, &failure.message);
            failure.status
        }
        Err(payload) => {
            drop_payload(payload);
            set_last_error(AuthjsStatus::AUTHJS_ERR_INTERNAL, PANIC_MESSAGE);
            AuthjsStatus::AUTHJS_ERR_INTERNAL
        }
    }
}

/// The boundary of a constructor returning a pointer: NULL on any failure, with the
/// message recorded as by [`guard`].
pub(crate) fn guard_ptr<T>(f: impl FnOnce() -> FfiResult<*mut T>) -> *mut T {
    let mut out = std::ptr::null_mut();
    let status = guard(|| {
        out = f()?;
        Ok(())
    });
    if status == AuthjsStatus::AUTHJS_OK {
        out
    } else {
        std::ptr::null_mut()
    }
}

/// The boundary of an infallible function (accessors, frees): panics become
/// `default`, and the last error is left alone.
pub(crate) fn quiet<T>(default: T, f: impl FnOnce() -> T) -> T {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(v) => v,
        Err(payload) => {
            drop_payload(payload);
            default
        }
    }
}

/// A required NUL-terminated UTF-8 argument.
///
/// # Safety
/// `p` is NULL or points to a NUL-terminated string that outlives `'a`.
pub(crate) unsafe fn arg_str<'a>(p: *const c_char, name: &str) -> FfiResult<&'a str> {
    if p.is_null() {
        return Err(Failure::null(name));
    }
    // SAFETY: non-NULL and NUL-terminated per the caller's contract.
    let bytes = unsafe { CStr::from_ptr(p) };
    bytes.to_str().map_err(|_| {
        Failure::new(
            AuthjsStatus::AUTHJS_ERR_INVALID_UTF8,
            format!("{name} is not valid UTF-8"),
        )
    })
}

/// An optional NUL-terminated UTF-8 argument (NULL means absent).
///
/// # Safety
/// As [`arg_str`].
pub(crate) unsafe fn opt_str<'a>(p: *const c_char, name: &str) -> FfiResult<Option<&'a str>> {
    if p.is_null() {
        Ok(None)
    } else {
        // SAFETY: forwarded contract.
        unsafe { arg_str(p, name) }.map(Some)
    }
}

/// Checks that an out-parameter is not NULL (before any work is done).
pub(crate) fn check_out<T>(p: *mut T, name: &str) -> FfiResult<()> {
    if p.is_null() {
        Err(Failure::null(name))
    } else {
        Ok(())
    }
}

/// Parses JSON text given by the caller. The message never quotes the input.
pub(crate) fn parse_json(text: &str, name: &str) -> FfiResult<serde_json::Value> {
    serde_json::from_str(text).map_err(|e| {
        let detail = if e.is_syntax() || e.is_eof() {
            // serde_json's syntax messages name the problem and the position only.
            e.to_string()
        } else {
            format!("at line {} column {}", e.line(), e.column())
        };
        Failure::invalid(format!("{name} is not valid JSON: {detail}"))
    })
}

/// Optional JSON text (NULL means absent).
///
/// # Safety
/// As [`arg_str`].
pub(crate) unsafe fn opt_json(
    p: *const c_char,
    name: &str,
) -> FfiResult<Option<serde_json::Value>> {
    // SAFETY: forwarded contract.
    match unsafe { opt_str(p, name) }? {
        None => Ok(None),
        Some(text) => parse_json(text, name).map(Some),
    }
}

/// A Rust string as a C string, or a failure when it holds a NUL byte.
pub(crate) fn c_string(s: impl Into<Vec<u8>>, what: &str) -> FfiResult<CString> {
    CString::new(s).map_err(|_| {
        Failure::new(
            AuthjsStatus::AUTHJS_ERR_PROTOCOL,
            format!("{what} contains a NUL byte and cannot be returned as a C string"),
        )
    })
}

/// An optional Rust string as an optional C string.
pub(crate) fn opt_c_string(s: Option<&str>, what: &str) -> FfiResult<Option<CString>> {
    s.map(|s| c_string(s, what)).transpose()
}

/// Writes a newly allocated string (released by `authjs_string_free`) to `out`.
///
/// # Safety
/// `out` is a valid, non-NULL `char **`.
pub(crate) unsafe fn write_string(
    out: *mut *mut c_char,
    s: impl Into<Vec<u8>>,
    what: &str,
) -> FfiResult<()> {
    let c = c_string(s, what)?;
    // SAFETY: checked non-NULL by the caller; writable per the contract.
    unsafe { *out = c.into_raw() };
    Ok(())
}

/// A borrowed pointer into an optional C string owned by a native object.
pub(crate) fn opt_ptr(s: &Option<CString>) -> *const c_char {
    s.as_ref().map_or(std::ptr::null(), |c| c.as_ptr())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ptr;

    fn last_error() -> String {
        // SAFETY: the pointer is valid until the next fallible call on this thread.
        unsafe { CStr::from_ptr(authjs_last_error_message()) }
            .to_string_lossy()
            .into_owned()
    }

    #[test]
    fn panics_become_internal_errors() {
        let prev = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let status = guard(|| panic!("boom"));
        let p: *mut u8 = guard_ptr(|| panic!("boom"));
        let q = quiet(7, || panic!("boom"));
        std::panic::set_hook(prev);
        assert_eq!(status, AuthjsStatus::AUTHJS_ERR_INTERNAL);
        assert!(p.is_null());
        assert_eq!(q, 7);
        assert!(last_error().contains("panic"));
    }

    #[test]
    fn success_clears_the_last_error() {
        let _ = guard(|| Err(Failure::invalid("bad")));
        assert_eq!(last_error(), "bad");
        assert_eq!(
            authjs_last_error_status(),
            AuthjsStatus::AUTHJS_ERR_INVALID_ARGUMENT
        );
        // Accessors and frees leave it alone.
        // SAFETY: NULL is allowed.
        unsafe { authjs_string_free(ptr::null_mut()) };
        assert_eq!(last_error(), "bad");
        assert_eq!(guard(|| Ok(())), AuthjsStatus::AUTHJS_OK);
        assert_eq!(last_error(), "");
        assert_eq!(authjs_last_error_status(), AuthjsStatus::AUTHJS_OK);
    }

    #[test]
    fn messages_never_quote_json_input() {
        let secret = "hunter2-secret";
        for text in [
            format!("{{\"password\": \"{secret}\""),
            format!("{{\"password\": {secret}}}"),
            format!("[\"{secret}\" \"x\"]"),
        ] {
            let e = parse_json(&text, "options_json").unwrap_err();
            assert!(!e.message.contains(secret), "{}", e.message);
        }
    }

    #[test]
    fn interior_nul_in_messages_is_replaced() {
        let _ = guard(|| Err(Failure::invalid("a\0b")));
        assert_eq!(last_error(), "a b");
    }
}
