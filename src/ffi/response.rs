//! Requests to the app's own routes with headers and binary bodies, answered by a
//! native `AuthjsResponse` (status, headers, body bytes).
//!
//! Only type conversion happens here: the caller's headers are passed through
//! unchanged and an untyped body is [`crate::Body::Bytes`], so the core decides the
//! `Content-Type` exactly as it does for the CLI and Python
//! (`tests/fixtures/request-bodies.json`).

use super::AuthjsClient;
use super::client::client_ref;
use super::{
    AuthjsStatus, Failure, FfiResult, arg_str, c_string, check_out, guard, opt_str, quiet,
    write_string,
};
use crate::{Body, Response};
use std::ffi::{CString, c_char};

/// One request header given by the caller: a name and a value, both NUL-terminated
/// UTF-8, borrowed for the duration of the call.
#[repr(C)]
pub struct AuthjsHeader {
    /// The header name (`"Content-Type"`, `"X-Trace"`); any case.
    pub name: *const c_char,
    /// The header value.
    pub value: *const c_char,
}

/// The reply to `authjs_request_object`: HTTP status, headers and body bytes. Created
/// by `authjs_request_object`, released by `authjs_response_free`.
///
/// Immutable: the accessors may be called from several threads at once.
pub struct AuthjsResponse {
    response: Response,
    /// The headers as C strings, in the order of `response.headers`.
    headers: Vec<(CString, CString)>,
    /// The body followed by one NUL byte, so that a text body can be read as a C string.
    body: Vec<u8>,
}

impl AuthjsResponse {
    fn new(response: Response) -> FfiResult<AuthjsResponse> {
        let headers = response
            .headers
            .iter()
            .map(|(k, v)| {
                Ok((
                    c_string(k.as_str(), "a header name")?,
                    c_string(v.as_str(), "a header value")?,
                ))
            })
            .collect::<FfiResult<Vec<_>>>()?;
        let mut body = Vec::with_capacity(response.body.len() + 1);
        body.extend_from_slice(&response.body);
        body.push(0);
        Ok(AuthjsResponse {
            response,
            headers,
            body,
        })
    }
}

/// The caller's headers as owned pairs (checked for NULL and UTF-8; their validity as
/// HTTP headers is the core's to judge).
///
/// # Safety
/// `headers` is NULL or points to `count` valid `AuthjsHeader`s.
unsafe fn arg_headers(
    headers: *const AuthjsHeader,
    count: usize,
) -> FfiResult<Vec<(String, String)>> {
    if count == 0 {
        return Ok(Vec::new());
    }
    if headers.is_null() {
        return Err(Failure::null("headers"));
    }
    // SAFETY: non-NULL and `count` elements long per the contract.
    let slice = unsafe { std::slice::from_raw_parts(headers, count) };
    slice
        .iter()
        .map(|h| {
            // SAFETY: C strings per the contract.
            let name = unsafe { arg_str(h.name, "a header name") }?;
            let value = unsafe { arg_str(h.value, "a header value") }?;
            Ok((name.to_string(), value.to_string()))
        })
        .collect()
}

/// An untyped body: NULL for none, otherwise `len` bytes (a non-NULL pointer with
/// `len` 0 is an empty body).
///
/// # Safety
/// `body` is NULL or points to `len` readable bytes.
unsafe fn arg_body(body: *const u8, len: usize) -> FfiResult<Option<Body>> {
    if body.is_null() {
        return if len == 0 {
            Ok(None)
        } else {
            Err(Failure::null("body"))
        };
    }
    // SAFETY: non-NULL and `len` bytes long per the contract.
    let bytes = unsafe { std::slice::from_raw_parts(body, len) };
    Ok(Some(Body::Bytes(bytes.to_vec())))
}

/// An authenticated request to the app's own routes (e.g. `GET /api/me`), answered as
/// a native object. This is the canonical request function of the C API;
/// `authjs_request` is the same request with no headers, answered as JSON text.
///
/// The jar's cookies are sent and cookies in the reply are stored; redirects are
/// returned, not followed.
///
/// - `method`: `"GET"`, `"POST"`, ...
/// - `path_or_url`: a path (`"/api/me"`) or a URL of the server's origin; other
///   origins are refused.
/// - `headers`, `header_count`: request headers, passed through unchanged (`headers`
///   may be NULL when `header_count` is 0). `Cookie` and `Host` are refused (the client
///   manages them). A `Content-Type` header sets the body's type.
/// - `body`, `body_len`: NULL (and 0) for no body; otherwise `body_len` bytes, any
///   bytes (a non-NULL `body` with `body_len` 0 is an empty body). Without a
///   `Content-Type` header the type is the same as from every front end: a JSON object
///   or array is `application/json`, other UTF-8 text `text/plain; charset=utf-8`,
///   other bytes `application/octet-stream`.
///
/// Any HTTP status, 4xx and 5xx included, is `AUTHJS_OK`: read
/// `authjs_response_status`. Ownership: the strings, headers and body are copied (they
/// need not outlive the call); `*out` is owned by the caller and released with
/// `authjs_response_free`. Written only on success.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn authjs_request_object(
    client: *mut AuthjsClient,
    method: *const c_char,
    path_or_url: *const c_char,
    headers: *const AuthjsHeader,
    header_count: usize,
    body: *const u8,
    body_len: usize,
    out: *mut *mut AuthjsResponse,
) -> AuthjsStatus {
    guard(|| {
        // SAFETY: pointers per the contract.
        let c = unsafe { client_ref(client) }?;
        let method = unsafe { arg_str(method, "method") }?;
        let path = unsafe { arg_str(path_or_url, "path_or_url") }?;
        let headers = unsafe { arg_headers(headers, header_count) }?;
        let body = unsafe { arg_body(body, body_len) }?;
        check_out(out, "out")?;
        let res = AuthjsResponse::new(c.request(method, path, body, &headers)?)?;
        // SAFETY: checked non-NULL above.
        unsafe { *out = Box::into_raw(Box::new(res)) };
        Ok(())
    })
}

/// An authenticated request answered as JSON text: `authjs_request_object` with no
/// headers and `body` (NULL for none) sent as its bytes, typed as there (a JSON object
/// or array is `application/json`, other text `text/plain; charset=utf-8`).
///
/// Writes `{"status", "headers", "body"}` to `*out_json` (`body` as text, invalid
/// UTF-8 replaced; repeated headers joined with `", "`). Kept for callers that already
/// parse JSON; `authjs_request_object` is canonical (headers, binary bodies, typed
/// accessors). Any HTTP status is `AUTHJS_OK`. Ownership: `*out_json` is owned by the
/// caller; release it with `authjs_string_free`. Written only on success.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_request(
    client: *mut AuthjsClient,
    method: *const c_char,
    path_or_url: *const c_char,
    body: *const c_char,
    out_json: *mut *mut c_char,
) -> AuthjsStatus {
    guard(|| {
        // SAFETY: pointers per the contract.
        let c = unsafe { client_ref(client) }?;
        let method = unsafe { arg_str(method, "method") }?;
        let path = unsafe { arg_str(path_or_url, "path_or_url") }?;
        let body = unsafe { opt_str(body, "body") }?.map(|text| Body::Bytes(text.into()));
        check_out(out_json, "out_json")?;
        let res = c.request(method, path, body, &[])?;
        unsafe { write_string(out_json, res.to_json().to_string(), "the response") }
    })
}

/// The response object behind a pointer.
///
/// # Safety
/// `p` is NULL or a live object.
unsafe fn response<'a>(p: *const AuthjsResponse) -> Option<&'a AuthjsResponse> {
    // SAFETY: the caller's contract.
    unsafe { p.as_ref() }
}

/// Releases a response. `response` may be NULL (nothing happens). Pointers borrowed
/// from it (header names and values, the body) become invalid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_response_free(response: *mut AuthjsResponse) {
    if response.is_null() {
        return;
    }
    quiet((), || {
        // SAFETY: came from `authjs_request_object`, released once.
        drop(unsafe { Box::from_raw(response) })
    })
}

/// The HTTP status (200, 302, 404, ...), or 0 when `response` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_response_status(response: *const AuthjsResponse) -> u16 {
    // SAFETY: pointer per the contract.
    quiet(0, || {
        unsafe { self::response(response) }.map_or(0, |r| r.response.status)
    })
}

/// The number of reply headers (`Set-Cookie` excluded: cookies go to the jar), or 0
/// when `response` is NULL. A header sent several times counts once per line.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_response_header_count(response: *const AuthjsResponse) -> usize {
    // SAFETY: pointer per the contract.
    quiet(0, || {
        unsafe { self::response(response) }.map_or(0, |r| r.headers.len())
    })
}

/// One of the C strings of header `index` (`pick` chooses name or value), or NULL.
///
/// # Safety
/// `p` is NULL or a live object.
unsafe fn header_part(
    p: *const AuthjsResponse,
    index: usize,
    pick: fn(&(CString, CString)) -> &CString,
) -> *const c_char {
    quiet(std::ptr::null(), || {
        // SAFETY: forwarded contract.
        unsafe { response(p) }
            .and_then(|r| r.headers.get(index))
            .map_or(std::ptr::null(), |h| pick(h).as_ptr())
    })
}

/// The name of header `index` as the server sent it (lower case over HTTP/1.1 from
/// most servers), or NULL when `index` is out of range or `response` is NULL.
/// Ownership: borrowed, valid until the response is freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_response_header_name(
    response: *const AuthjsResponse,
    index: usize,
) -> *const c_char {
    // SAFETY: forwarded contract.
    unsafe { header_part(response, index, |(k, _)| k) }
}

/// The value of header `index`, or NULL when `index` is out of range or `response` is
/// NULL. Ownership: borrowed, valid until the response is freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_response_header_value(
    response: *const AuthjsResponse,
    index: usize,
) -> *const c_char {
    // SAFETY: forwarded contract.
    unsafe { header_part(response, index, |(_, v)| v) }
}

/// The value of the first header named `name` (case-insensitive: `"content-type"`
/// finds `Content-Type`), or NULL when there is none, `name` is NULL or not UTF-8, or
/// `response` is NULL. Use the index accessors to read repeated headers.
/// Ownership: borrowed, valid until the response is freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_response_header(
    response: *const AuthjsResponse,
    name: *const c_char,
) -> *const c_char {
    quiet(std::ptr::null(), || {
        // SAFETY: pointers per the contract.
        let (Some(r), Ok(name)) = (unsafe { self::response(response) }, unsafe {
            arg_str(name, "name")
        }) else {
            return std::ptr::null();
        };
        // The core's lookup decides which header matches; its answer borrows from
        // `response.headers`, whose index is that of the C copy.
        r.response
            .header(name)
            .and_then(|found| {
                r.response
                    .headers
                    .iter()
                    .position(|(_, v)| std::ptr::eq(v.as_str(), found))
            })
            .map_or(std::ptr::null(), |i| r.headers[i].1.as_ptr())
    })
}

/// The body: writes its length in bytes to `*out_len` (when `out_len` is not NULL) and
/// returns a pointer to its bytes, which may be any bytes, NUL included. One NUL byte
/// follows the body (not counted in the length), so a text body can be used as a C
/// string. Returns NULL (and writes nothing) when `response` is NULL.
/// Ownership: borrowed, valid until the response is freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_response_body(
    response: *const AuthjsResponse,
    out_len: *mut usize,
) -> *const u8 {
    quiet(std::ptr::null(), || {
        // SAFETY: pointer per the contract.
        let Some(r) = (unsafe { self::response(response) }) else {
            return std::ptr::null();
        };
        if !out_len.is_null() {
            // SAFETY: non-NULL and writable per the contract.
            unsafe { *out_len = r.response.body.len() };
        }
        r.body.as_ptr()
    })
}

/// The response as JSON text, `{"status", "headers", "body"}`, exactly as
/// `authjs_request` writes it. Ownership: `*out_json` is owned by the caller; release it
/// with `authjs_string_free`. Written only on success.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_response_json(
    response: *const AuthjsResponse,
    out_json: *mut *mut c_char,
) -> AuthjsStatus {
    guard(|| {
        // SAFETY: pointers per the contract.
        let r = unsafe { self::response(response) }.ok_or_else(|| Failure::null("response"))?;
        check_out(out_json, "out_json")?;
        unsafe { write_string(out_json, r.response.to_json().to_string(), "the response") }
    })
}
