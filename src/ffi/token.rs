//! Session tokens (issue 19; docs/tokens.md): decode and mint with the app's secret.
//!
//! The functions are always declared, so the one generated header serves every build;
//! in a library built without the Cargo feature `jwt` (the default of
//! scripts/install.sh) they return `AUTHJS_ERR_UNSUPPORTED` and write nothing. Build
//! with `--features capi,jwt` (or `AUTHJS_FEATURES=jwt scripts/install.sh`) for them.

use super::{AuthjsStatus, guard};
#[cfg(feature = "jwt")]
use super::{Failure, FfiResult, arg_str, check_out, opt_str, parse_json, write_string};
use std::ffi::c_char;

/// The secrets of a `(const char *const *secrets, size_t count)` pair.
///
/// # Safety
/// `secrets` is NULL (then `count` must be 0) or points to `count` string pointers.
#[cfg(feature = "jwt")]
unsafe fn secrets_arg<'a>(secrets: *const *const c_char, count: usize) -> FfiResult<Vec<&'a str>> {
    if count == 0 {
        return Err(Failure::invalid("no secret given (secret_count is 0)"));
    }
    if secrets.is_null() {
        return Err(Failure::null("secrets"));
    }
    // SAFETY: `count` readable pointers per the contract.
    let ptrs = unsafe { std::slice::from_raw_parts(secrets, count) };
    ptrs.iter()
        // SAFETY: each is NULL or a NUL-terminated string per the contract.
        .map(|p| unsafe { arg_str(*p, "a secret") })
        .collect()
}

#[cfg(not(feature = "jwt"))]
fn unsupported() -> super::FfiResult<()> {
    Err(super::Failure::new(
        AuthjsStatus::AUTHJS_ERR_UNSUPPORTED,
        "this libauthjs was built without the jwt feature (session tokens); rebuild \
         with --features capi,jwt",
    ))
}

/// Decodes the session token in `input` and writes its claims as a JSON object to
/// `*out_claims_json`, and the session cookie's name to `*out_cookie_name` (may be
/// NULL: not wanted).
///
/// `input` is a `Cookie` header value (the session cookie found by name, chunks
/// joined), an `Authorization` value `Bearer <token>`, or a bare token. `cookie_name`
/// is the session cookie's name, or NULL to know it from the header (or, for a bare
/// token, by trial). `secrets` holds `secret_count` (at least 1) secrets, any of which
/// may have encrypted it (rotation).
///
/// Errors: `AUTHJS_ERR_TOKEN_INVALID` (malformed, wrong secret or cookie name,
/// tampered, no session cookie in the header), `AUTHJS_ERR_TOKEN_EXPIRED` (`exp` or
/// `nbf` beyond the 15 s tolerance), `AUTHJS_ERR_INVALID_ARGUMENT` (no secret, an
/// unknown cookie name), `AUTHJS_ERR_UNSUPPORTED` (built without `jwt`). Messages never
/// contain the token or a secret. Ownership: both strings are the caller's; release
/// them with `authjs_string_free`. Thread safety: safe from any thread; no I/O.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_token_decode(
    input: *const c_char,
    cookie_name: *const c_char,
    secrets: *const *const c_char,
    secret_count: usize,
    out_claims_json: *mut *mut c_char,
    out_cookie_name: *mut *mut c_char,
) -> AuthjsStatus {
    guard(|| {
        #[cfg(not(feature = "jwt"))]
        {
            let _ = (input, cookie_name, secrets, secret_count);
            let _ = (out_claims_json, out_cookie_name);
            unsupported()
        }
        #[cfg(feature = "jwt")]
        {
            // SAFETY: pointers per the contract.
            let input = unsafe { arg_str(input, "input") }?;
            let name = unsafe { opt_str(cookie_name, "cookie_name") }?;
            let secrets = unsafe { secrets_arg(secrets, secret_count) }?;
            check_out(out_claims_json, "out_claims_json")?;
            let decoded = crate::decode_any(input, name, &secrets)?;
            let json = serde_json::Value::Object(decoded.claims).to_string();
            let name = super::c_string(decoded.cookie_name, "the cookie name")?;
            // SAFETY: checked non-NULL above.
            unsafe { write_string(out_claims_json, json, "the claims") }?;
            if !out_cookie_name.is_null() {
                // SAFETY: non-NULL, writable per the contract.
                unsafe { *out_cookie_name = name.into_raw() };
            }
            Ok(())
        }
    })
}

/// Mints a session cookie for `claims_json` (a JSON object) that the server accepts
/// as its own, and writes it to `*out` in `format`: `"header"` (NULL too: a `Cookie`
/// header value, `name=value` or `name.0=…; name.1=…` when large), `"set-cookie"`
/// (`Set-Cookie` values, one per line) or `"playwright"` (a storageState; needs
/// `url`). `iat`, `exp` (now + `max_age_secs`, 0 meaning the servers' 30 days) and
/// `jti` are added unless the claims have them. `cookie_name` is the server's session
/// cookie name (`authjs.session-token`, `__Secure-next-auth.session-token`, …); the
/// first of the `secret_count` secrets encrypts.
///
/// The result is a credential: do not log it. Errors: `AUTHJS_ERR_INVALID_ARGUMENT`
/// (claims not an object, unknown cookie name or format, no secret),
/// `AUTHJS_ERR_UNSUPPORTED` (built without `jwt`). Ownership: `*out` is the caller's;
/// release it with `authjs_string_free`. Thread safety: safe from any thread; no I/O.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_token_mint(
    claims_json: *const c_char,
    cookie_name: *const c_char,
    secrets: *const *const c_char,
    secret_count: usize,
    max_age_secs: u64,
    format: *const c_char,
    url: *const c_char,
    out: *mut *mut c_char,
) -> AuthjsStatus {
    guard(|| {
        #[cfg(not(feature = "jwt"))]
        {
            let _ = (
                claims_json,
                cookie_name,
                secrets,
                secret_count,
                max_age_secs,
            );
            let _ = (format, url, out);
            unsupported()
        }
        #[cfg(feature = "jwt")]
        {
            // SAFETY: pointers per the contract.
            let claims = parse_json(
                unsafe { arg_str(claims_json, "claims_json") }?,
                "claims_json",
            )?;
            let serde_json::Value::Object(claims) = claims else {
                return Err(Failure::invalid("claims_json is not a JSON object"));
            };
            let name = unsafe { arg_str(cookie_name, "cookie_name") }?;
            let secrets = unsafe { secrets_arg(secrets, secret_count) }?;
            let format = unsafe { opt_str(format, "format") }?.unwrap_or("header");
            let url = unsafe { opt_str(url, "url") }?;
            check_out(out, "out")?;
            let mut codec = crate::TokenCodec::new(name, secrets)?;
            if max_age_secs > 0 {
                codec = codec.max_age(std::time::Duration::from_secs(max_age_secs));
            }
            let text = codec.mint(&claims)?.render(format, url)?;
            // SAFETY: checked non-NULL above.
            unsafe { write_string(out, text, "the cookie") }
        }
    })
}
