//! `AuthjsClient` and the JSON-in/JSON-out operations.

use super::options::build_client;
use super::{
    AuthjsStatus, Failure, FfiResult, arg_str, check_out, guard, guard_ptr, opt_json, opt_str,
    quiet, write_string,
};
use crate::{Client, SignInOptions, SignOutOptions};
use std::ffi::c_char;

/// A client for one Auth.js server: its connection pool, cookie jar and settings.
///
/// Created by `authjs_client_new`, released by `authjs_client_free`.
///
/// Thread safety: a client is internally synchronised. One handle may be used from
/// many threads at the same time (each call blocks its own thread); for example one
/// thread may sign in while others read the session. Only `authjs_client_free` must
/// not race with other calls on the same handle.
pub struct AuthjsClient {
    pub(crate) inner: Client,
}

/// The client behind a handle.
///
/// # Safety
/// `c` is NULL or a live handle from `authjs_client_new`.
pub(crate) unsafe fn client_ref<'a>(c: *mut AuthjsClient) -> FfiResult<&'a Client> {
    // SAFETY: the caller's contract; shared access only (the client is Sync).
    unsafe { c.cast_const().as_ref() }
        .map(|c| &c.inner)
        .ok_or_else(|| Failure::null("client"))
}

/// Creates a client for an Auth.js server.
///
/// `base_url` is a `NEXTAUTH_URL`-style URL: `http://127.0.0.1:3000` means the API is at
/// `http://127.0.0.1:3000/api/auth`; a URL with a path (`https://example.com/auth`) uses
/// that path. No request is made here.
///
/// `options_json` may be NULL, or a JSON object with any of these keys (unknown keys
/// are an error, `null` values mean "not set"):
/// - `"timeoutMs"`: overall timeout of each request, in milliseconds (default 30000);
/// - `"connectTimeoutMs"`: connect timeout, TLS handshake included (default 10000);
/// - `"caCertPem"`: PEM text of extra root CA certificate(s) to trust;
/// - `"caCertFile"`: path of a PEM file of extra root CA certificate(s);
/// - `"userAgent"`: the `User-Agent` header;
/// - `"cookieFile"`: persist the cookie jar in this file (loaded now if it exists,
///   rewritten with mode 0600 whenever cookies change); the file is shared safely with
///   other clients and processes (merged writes under a lock, sign-out wins, re-read
///   when another process wrote it: docs/cli.md, "Sharing one jar");
/// - `"cookieHeader"`: seed the jar from a `Cookie:` header (`"name=value; ..."`);
/// - `"basePath"`: override the API path (the `basePath` of `SessionProvider`);
/// - `"proxy"`: a proxy URL (`http://host:port`, `socks5://...`) or `"env"` to use
///   `HTTPS_PROXY`/`HTTP_PROXY`/`ALL_PROXY`/`NO_PROXY` (default: no proxy);
/// - `"allowInsecureHttp"`: `true` allows plain `http://` to a host that is not
///   loopback (refused by default: passwords and cookies would travel unencrypted).
///
/// Returns NULL on failure; `authjs_last_error_status()` (e.g. `AUTHJS_ERR_TLS` for an
/// unreadable CA file) and `authjs_last_error_message()` then say why.
/// Ownership: the caller owns the client and releases it with `authjs_client_free`.
/// The strings are copied; they need not outlive the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_client_new(
    base_url: *const c_char,
    options_json: *const c_char,
) -> *mut AuthjsClient {
    guard_ptr(|| {
        // SAFETY: C strings per the contract.
        let url = unsafe { arg_str(base_url, "base_url") }?;
        let options = unsafe { opt_str(options_json, "options_json") }?;
        let inner = build_client(url, options)?;
        Ok(Box::into_raw(Box::new(AuthjsClient { inner })))
    })
}

/// Releases a client. `client` may be NULL (nothing happens).
///
/// Strings and objects obtained from the client stay valid (they are independent);
/// calls still running on other threads with this handle must have returned.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_client_free(client: *mut AuthjsClient) {
    if client.is_null() {
        return;
    }
    quiet((), || {
        // SAFETY: `client` came from `authjs_client_new` and is released once.
        drop(unsafe { Box::from_raw(client) })
    })
}

/// `getSession()`: writes the session as JSON to `*out_json`, exactly as the server sent
/// it, or `"null"` when signed out.
///
/// Ownership: `*out_json` is owned by the caller; release it with
/// `authjs_string_free`. Written only on success.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_get_session(
    client: *mut AuthjsClient,
    out_json: *mut *mut c_char,
) -> AuthjsStatus {
    guard(|| {
        // SAFETY: pointers per the contract.
        let c = unsafe { client_ref(client) }?;
        check_out(out_json, "out_json")?;
        let json = match c.get_session()? {
            Some(s) => s.to_json_string(),
            None => "null".to_string(),
        };
        unsafe { write_string(out_json, json, "the session") }
    })
}

/// `getCsrfToken()`: writes the CSRF token to `*out_token`.
///
/// The token is a credential: do not log it. Ownership: `*out_token` is owned by the
/// caller; release it with `authjs_string_free`. Written only on success.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_get_csrf_token(
    client: *mut AuthjsClient,
    out_token: *mut *mut c_char,
) -> AuthjsStatus {
    guard(|| {
        // SAFETY: pointers per the contract.
        let c = unsafe { client_ref(client) }?;
        check_out(out_token, "out_token")?;
        let token = c.get_csrf_token()?;
        unsafe { write_string(out_token, token, "the CSRF token") }
    })
}

/// `getProviders()`: writes the providers as JSON to `*out_json`, an object keyed by
/// provider id: `{"credentials": {"id", "name", "type", "signinUrl", "callbackUrl"},
/// ...}`.
///
/// Ownership: `*out_json` is owned by the caller; release it with
/// `authjs_string_free`. Written only on success.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_get_providers(
    client: *mut AuthjsClient,
    out_json: *mut *mut c_char,
) -> AuthjsStatus {
    guard(|| {
        // SAFETY: pointers per the contract.
        let c = unsafe { client_ref(client) }?;
        check_out(out_json, "out_json")?;
        let providers = c.get_providers()?;
        let json = serde_json::to_string(&providers).map_err(|_| {
            Failure::new(
                AuthjsStatus::AUTHJS_ERR_INTERNAL,
                "cannot serialise the providers",
            )
        })?;
        unsafe { write_string(out_json, json, "the providers") }
    })
}

/// Parses the JS-shaped sign-in arguments.
///
/// # Safety
/// C strings per the contract of `authjs_sign_in`.
pub(crate) unsafe fn sign_in_args<'a>(
    provider: *const c_char,
    options_json: *const c_char,
    authorization_params_json: *const c_char,
) -> FfiResult<(Option<&'a str>, SignInOptions)> {
    // SAFETY: forwarded contract.
    let provider = unsafe { opt_str(provider, "provider") }?;
    let options = unsafe { opt_json(options_json, "options_json") }?;
    let params = unsafe { opt_json(authorization_params_json, "authorization_params_json") }?;
    let options = SignInOptions::from_js(options.as_ref(), params.as_ref())?;
    Ok((provider, options))
}

/// `signIn(provider, options, authorizationParams)` without navigation.
///
/// - `provider`: a provider id (`"credentials"`, `"email"`, `"github"`, ...), or NULL
///   for the server's sign-in page (no request is made; `url` is that page).
/// - `options_json`: NULL or the JS `SignInOptions` object: `{"callbackUrl": "/",
///   "username": "alice", "password": "..."}` (credentials), `{"email": "..."}`
///   (email). `redirect` is ignored; `redirectTo` is a synonym of `callbackUrl`.
/// - `authorization_params_json`: NULL or an object of extra query parameters (OAuth).
///
/// Writes `{"error", "code", "status", "ok", "url"}` to `*out_json`. A refused sign-in
/// (wrong password) is `AUTHJS_OK` with `"ok": false` and `"error":
/// "CredentialsSignin"`; a provider the server does not offer is
/// `AUTHJS_ERR_UNKNOWN_PROVIDER`. For credentials, the session cookie is now in the
/// client's jar.
///
/// Ownership: `*out_json` is owned by the caller; release it with
/// `authjs_string_free`. Written only on success.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_sign_in(
    client: *mut AuthjsClient,
    provider: *const c_char,
    options_json: *const c_char,
    authorization_params_json: *const c_char,
    out_json: *mut *mut c_char,
) -> AuthjsStatus {
    guard(|| {
        // SAFETY: pointers per the contract.
        let c = unsafe { client_ref(client) }?;
        let (provider, options) =
            unsafe { sign_in_args(provider, options_json, authorization_params_json) }?;
        check_out(out_json, "out_json")?;
        let res = c.sign_in(provider, options)?;
        unsafe { write_string(out_json, res.to_json().to_string(), "the sign-in result") }
    })
}

/// Finishes a sign-in whose last step happened elsewhere: `callback_url` is an email
/// magic link or an OAuth callback URL of the server's origin (other origins are
/// refused). Writes `{"error", "code", "status", "ok", "url"}` like `authjs_sign_in`.
///
/// Ownership: `*out_json` is owned by the caller; release it with
/// `authjs_string_free`. Written only on success.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_complete_sign_in(
    client: *mut AuthjsClient,
    callback_url: *const c_char,
    out_json: *mut *mut c_char,
) -> AuthjsStatus {
    guard(|| {
        // SAFETY: pointers per the contract.
        let c = unsafe { client_ref(client) }?;
        let url = unsafe { arg_str(callback_url, "callback_url") }?;
        check_out(out_json, "out_json")?;
        let res = c.complete_sign_in(url)?;
        unsafe { write_string(out_json, res.to_json().to_string(), "the sign-in result") }
    })
}

/// Finishes an OAuth sign-in whose provider answers with `response_mode=form_post`
/// (Apple, many OIDC providers): the provider's page is an auto-submitting form that
/// @auth/core reads only as a POST body. `action` is the form's action (this server's
/// callback URL; other origins are refused), `fields_json` a JSON object of the form's
/// fields (`{"code": "...", "state": "..."}`). Writes `{"error", "code", "status",
/// "ok", "url"}` like `authjs_complete_sign_in`.
///
/// Ownership: `*out_json` is owned by the caller; release it with
/// `authjs_string_free`. Written only on success.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_complete_sign_in_form(
    client: *mut AuthjsClient,
    action: *const c_char,
    fields_json: *const c_char,
    out_json: *mut *mut c_char,
) -> AuthjsStatus {
    guard(|| {
        // SAFETY: pointers per the contract.
        let c = unsafe { client_ref(client) }?;
        let action = unsafe { arg_str(action, "action") }?;
        let fields = unsafe { arg_str(fields_json, "fields_json") }?;
        let fields = crate::FormPost::fields_from_js(&super::parse_json(fields, "fields_json")?)?;
        check_out(out_json, "out_json")?;
        let res = c.complete_sign_in_form(action, &fields)?;
        unsafe { write_string(out_json, res.to_json().to_string(), "the sign-in result") }
    })
}

/// `authjs_complete_sign_in_form` with the form read from the provider's page: `html`
/// is the page (what a web view captured); its first `<form>` gives the action and
/// fields. A page without a POST form with an action and named fields is
/// `AUTHJS_ERR_INVALID_ARGUMENT` (the message never quotes the page).
///
/// Ownership: `*out_json` is owned by the caller; release it with
/// `authjs_string_free`. Written only on success.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_complete_sign_in_form_html(
    client: *mut AuthjsClient,
    html: *const c_char,
    out_json: *mut *mut c_char,
) -> AuthjsStatus {
    guard(|| {
        // SAFETY: pointers per the contract.
        let c = unsafe { client_ref(client) }?;
        let html = unsafe { arg_str(html, "html") }?;
        check_out(out_json, "out_json")?;
        let res = c.complete_sign_in_form_html(html)?;
        unsafe { write_string(out_json, res.to_json().to_string(), "the sign-in result") }
    })
}

/// `useSession().update(data)`: sends `data_json` (any JSON value) to the server's
/// session endpoint and writes the updated session as JSON to `*out_json` (`"null"`
/// when signed out). `data_json` may be NULL (or `"null"`): the session is only
/// refreshed.
///
/// Ownership: `*out_json` is owned by the caller; release it with
/// `authjs_string_free`. Written only on success.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_update_session(
    client: *mut AuthjsClient,
    data_json: *const c_char,
    out_json: *mut *mut c_char,
) -> AuthjsStatus {
    guard(|| {
        // SAFETY: pointers per the contract.
        let c = unsafe { client_ref(client) }?;
        let data = unsafe { opt_json(data_json, "data_json") }?.unwrap_or_default();
        check_out(out_json, "out_json")?;
        let json = match c.update_session(data)? {
            Some(s) => s.to_json_string(),
            None => "null".to_string(),
        };
        unsafe { write_string(out_json, json, "the session") }
    })
}

/// `signOut()` without navigation. `options_json` is NULL or `{"callbackUrl": "..."}`
/// (`redirectTo` and `redirect` are accepted too; other keys are an error). Writes
/// `{"url"}` to `*out_json`.
///
/// Whatever the outcome, the client holds no session cookie afterwards.
/// Ownership: `*out_json` is owned by the caller; release it with
/// `authjs_string_free`. Written only on success.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_sign_out(
    client: *mut AuthjsClient,
    options_json: *const c_char,
    out_json: *mut *mut c_char,
) -> AuthjsStatus {
    guard(|| {
        // SAFETY: pointers per the contract.
        let c = unsafe { client_ref(client) }?;
        let options = unsafe { opt_json(options_json, "options_json") }?;
        let options = SignOutOptions::from_js(options.as_ref())?;
        check_out(out_json, "out_json")?;
        let res = c.sign_out(options)?;
        // The core's serialisation is the JS shape (`{url}`).
        let json = serde_json::to_string(&res).map_err(|_| {
            Failure::new(
                AuthjsStatus::AUTHJS_ERR_INTERNAL,
                "cannot serialise the sign-out result",
            )
        })?;
        unsafe { write_string(out_json, json, "the sign-out result") }
    })
}

/// Writes the `Cookie` header the jar would send to the app's routes
/// (`"name=value; ..."`, possibly empty) to `*out`.
///
/// This is a credential: do not log it. Ownership: `*out` is owned by the caller;
/// release it with `authjs_string_free`. Written only on success.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_cookie_header(
    client: *mut AuthjsClient,
    out: *mut *mut c_char,
) -> AuthjsStatus {
    guard(|| {
        // SAFETY: pointers per the contract.
        let c = unsafe { client_ref(client) }?;
        check_out(out, "out")?;
        unsafe { write_string(out, c.cookie_header(), "the cookie header") }
    })
}

/// A path argument: any bytes on Unix, UTF-8 elsewhere.
///
/// # Safety
/// `p` is NULL or a NUL-terminated string.
unsafe fn arg_path(p: *const c_char, name: &str) -> FfiResult<std::path::PathBuf> {
    if p.is_null() {
        return Err(Failure::null(name));
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        // SAFETY: non-NULL and NUL-terminated per the contract.
        let bytes = unsafe { std::ffi::CStr::from_ptr(p) }.to_bytes();
        Ok(std::ffi::OsStr::from_bytes(bytes).into())
    }
    #[cfg(not(unix))]
    {
        // SAFETY: forwarded contract.
        unsafe { arg_str(p, name) }.map(Into::into)
    }
}

/// Writes the cookie jar to `path` (JSON, bound to this server's origin), atomically
/// and with mode 0600. The file holds credentials. On Unix the path may be any bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_save_cookies(
    client: *mut AuthjsClient,
    path: *const c_char,
) -> AuthjsStatus {
    guard(|| {
        // SAFETY: pointers per the contract.
        let c = unsafe { client_ref(client) }?;
        let path = unsafe { arg_path(path, "path") }?;
        Ok(c.save_cookies(path)?)
    })
}

/// Replaces the cookie jar with the cookies saved in `path` by `authjs_save_cookies`
/// (or a `cookieFile`). Cookies of another origin are refused; on any error the jar is
/// unchanged. On Unix the path may be any bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_load_cookies(
    client: *mut AuthjsClient,
    path: *const c_char,
) -> AuthjsStatus {
    guard(|| {
        // SAFETY: pointers per the contract.
        let c = unsafe { client_ref(client) }?;
        let path = unsafe { arg_path(path, "path") }?;
        Ok(c.load_cookies(path)?)
    })
}
