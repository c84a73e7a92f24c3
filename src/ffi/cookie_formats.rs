//! The jar in other tools' formats (issue 15), by the core's format names: strings in,
//! strings out (freed with `authjs_string_free`).

use super::client::client_ref;
use super::{AuthjsClient, AuthjsStatus, arg_str, check_out, guard, opt_str, write_string};
use crate::CookieFormat;
use std::ffi::c_char;

/// Writes the cookie jar to `*out` in `format`: `"header"` (a `Cookie` header value),
/// `"netscape"` (cookies.txt for `curl -b` / `wget --load-cookies`), `"playwright"` (a
/// storageState JSON object), `"webdriver"` (a JSON list of WebDriver cookies, for
/// Selenium and Cypress) or `"jar"` (`"json"`: the authjs cookie file, version 2). The
/// formats are described in docs/cookies.md.
///
/// The text holds credentials: do not log it, store it privately. Ownership: `*out` is
/// owned by the caller; release it with `authjs_string_free`. Written only on success;
/// an unknown format is `AUTHJS_ERR_INVALID_ARGUMENT`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_client_export_cookies(
    client: *mut AuthjsClient,
    format: *const c_char,
    out: *mut *mut c_char,
) -> AuthjsStatus {
    guard(|| {
        // SAFETY: pointers per the contract.
        let c = unsafe { client_ref(client) }?;
        let format = CookieFormat::from_name(unsafe { arg_str(format, "format") }?)?;
        check_out(out, "out")?;
        let text = c.export_cookies_as(format)?;
        unsafe { write_string(out, text, "the cookies") }
    })
}

/// Replaces the cookie jar (the session, as a sign-in would) with the cookies in
/// `text`, in `format`: a name as for `authjs_client_export_cookies`, or `"auto"` or
/// NULL to tell it from the text. Of a browser's cookies (storageState, WebDriver list,
/// cookies.txt) only this server's are taken; the others, secure cookies this origin
/// would not get in a browser, and expired ones are counted in `*skipped` (may be
/// NULL). An authjs cookie file of another origin and malformed text are
/// `AUTHJS_ERR_INVALID_ARGUMENT` and change nothing; the message never quotes the text.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_client_import_cookies(
    client: *mut AuthjsClient,
    format: *const c_char,
    text: *const c_char,
    skipped: *mut usize,
) -> AuthjsStatus {
    guard(|| {
        // SAFETY: pointers per the contract.
        let c = unsafe { client_ref(client) }?;
        let format = match unsafe { opt_str(format, "format") }? {
            None => None,
            Some(name) => CookieFormat::from_import_name(name)?,
        };
        let text = unsafe { arg_str(text, "text") }?;
        let report = c.import_cookies_as(format, text)?;
        if !skipped.is_null() {
            // SAFETY: non-NULL, writable per the contract.
            unsafe { *skipped = report.skipped };
        }
        Ok(())
    })
}
