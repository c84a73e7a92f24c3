//! Many users on one connection pool (issue 17): user handles and the backend
//! lookup. Conversions only; the rules are `Client::user` and `Client::lookup`.

use super::client::client_ref;
use super::objects::AuthjsSession;
use super::{AuthjsClient, AuthjsStatus, c_string, check_out, guard, opt_str, quiet, write_string};
use std::ffi::{CString, c_char};

/// A light client for another user of the same server: writes to `*out_client` a new
/// client with an empty cookie jar of its own (or one seeded from `cookie_header`, a
/// browser's `Cookie` header, read like the `"cookieHeader"` option), on `client`'s
/// connection pool, TLS configuration, endpoint and options. Not `client`'s cookie
/// file and not its watches. No request is made.
///
/// `cookie_header` may be NULL (an empty jar). A malformed Auth.js cookie in it, or a
/// header with no usable cookie, is `AUTHJS_ERR_INVALID_ARGUMENT` (the message never
/// quotes the header).
///
/// Ownership: `*out_client` is a client like one from `authjs_client_new`, owned by
/// the caller and released with `authjs_client_free`; `client` may be freed before or
/// after it (the pool lives as long as any client on it). Written only on success.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_client_user(
    client: *mut AuthjsClient,
    cookie_header: *const c_char,
    out_client: *mut *mut AuthjsClient,
) -> AuthjsStatus {
    guard(|| {
        // SAFETY: pointers per the contract.
        let c = unsafe { client_ref(client) }?;
        let header = unsafe { opt_str(cookie_header, "cookie_header") }?;
        check_out(out_client, "out_client")?;
        let inner = match header {
            None => c.user(),
            Some(h) => c.user_with_cookies(h)?,
        };
        let raw = Box::into_raw(Box::new(AuthjsClient { inner }));
        // SAFETY: checked non-NULL above.
        unsafe { *out_client = raw };
        Ok(())
    })
}

/// `getServerSession()` for a backend: looks up the session of the browser that sent
/// `cookie_header` (its `Cookie` request header; NULL or `""` for none) and writes
/// `{"session": <the session as the server sent it, or null>, "setCookies": [...]}`
/// to `*out_json`. `setCookies` are the server's `Set-Cookie` header values exactly as
/// sent: add each to the reply to the browser so that it keeps the re-issued session
/// cookie (sliding expiry).
///
/// Stateless: `client`'s own jar is neither sent nor changed, so one client serves
/// every request, from any number of threads. Only the session cookies of the header
/// are sent; a header without one makes no request (`{"session":null,
/// "setCookies":[]}`). A malformed session cookie is `AUTHJS_ERR_INVALID_ARGUMENT`.
///
/// The JSON holds credentials (the re-issued cookies): do not log it. Ownership:
/// `*out_json` is owned by the caller; release it with `authjs_string_free`. Written
/// only on success.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_client_lookup(
    client: *mut AuthjsClient,
    cookie_header: *const c_char,
    out_json: *mut *mut c_char,
) -> AuthjsStatus {
    guard(|| {
        // SAFETY: pointers per the contract.
        let c = unsafe { client_ref(client) }?;
        let header = unsafe { opt_str(cookie_header, "cookie_header") }?.unwrap_or("");
        check_out(out_json, "out_json")?;
        let found = c.lookup(header)?;
        unsafe { write_string(out_json, found.to_json().to_string(), "the lookup") }
    })
}

/// A lookup's answer as a native object (`authjs_client_lookup_object`): the session
/// (taken with `authjs_lookup_take_session`) and the `Set-Cookie` values to forward.
/// Released by `authjs_lookup_free`.
pub struct AuthjsLookup {
    session: Option<Box<AuthjsSession>>,
    set_cookies: Vec<CString>,
}

/// `authjs_client_lookup`, answered as an `AuthjsLookup` written to `*out`.
///
/// Ownership: `*out` is owned by the caller; release it with `authjs_lookup_free`.
/// Written only on success.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_client_lookup_object(
    client: *mut AuthjsClient,
    cookie_header: *const c_char,
    out: *mut *mut AuthjsLookup,
) -> AuthjsStatus {
    guard(|| {
        // SAFETY: pointers per the contract.
        let c = unsafe { client_ref(client) }?;
        let header = unsafe { opt_str(cookie_header, "cookie_header") }?.unwrap_or("");
        check_out(out, "out")?;
        let found = c.lookup(header)?;
        let session = found
            .session
            .map(|s| AuthjsSession::new(s).map(Box::new))
            .transpose()?;
        let set_cookies = found
            .set_cookies
            .into_iter()
            .map(|h| c_string(h, "a Set-Cookie header"))
            .collect::<Result<Vec<_>, _>>()?;
        let obj = Box::into_raw(Box::new(AuthjsLookup {
            session,
            set_cookies,
        }));
        // SAFETY: checked non-NULL above.
        unsafe { *out = obj };
        Ok(())
    })
}

/// Moves the session out of a lookup: a session object the caller owns (release it
/// with `authjs_session_free`; read it with the `authjs_session_*` accessors), or
/// NULL when there is none, when it was taken already, or when `lookup` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_lookup_take_session(
    lookup: *mut AuthjsLookup,
) -> *mut AuthjsSession {
    quiet(std::ptr::null_mut(), || {
        // SAFETY: NULL or a live lookup, not used by another thread meanwhile.
        match unsafe { lookup.as_mut() }.and_then(|l| l.session.take()) {
            Some(s) => Box::into_raw(s),
            None => std::ptr::null_mut(),
        }
    })
}

/// How many `Set-Cookie` values the lookup holds (0 when `lookup` is NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_lookup_set_cookie_count(lookup: *const AuthjsLookup) -> usize {
    // SAFETY: NULL or a live lookup.
    unsafe { lookup.as_ref() }.map_or(0, |l| l.set_cookies.len())
}

/// The `index`th `Set-Cookie` value, exactly as the server sent it, or NULL when out
/// of range or `lookup` is NULL. A credential: do not log it.
/// Ownership: borrowed, valid until the lookup is freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_lookup_set_cookie(
    lookup: *const AuthjsLookup,
    index: usize,
) -> *const c_char {
    // SAFETY: NULL or a live lookup.
    unsafe { lookup.as_ref() }
        .and_then(|l| l.set_cookies.get(index))
        .map_or(std::ptr::null(), |c| c.as_ptr())
}

/// Releases a lookup. `lookup` may be NULL (nothing happens). Pointers borrowed from
/// it become invalid; a session taken from it stays valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_lookup_free(lookup: *mut AuthjsLookup) {
    if lookup.is_null() {
        return;
    }
    quiet((), || {
        // SAFETY: came from `authjs_client_lookup_object`, released once.
        drop(unsafe { Box::from_raw(lookup) })
    })
}
