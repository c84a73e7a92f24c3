//! Native objects, as an alternative to JSON: `AuthjsSession`, `AuthjsSignInResult`,
//! `AuthjsProviders`. Each owns copies of its strings as C strings, so the accessors
//! return borrowed pointers that stay valid until the object is freed.

use super::AuthjsClient;
use super::client::{client_ref, sign_in_args};
use super::{
    AuthjsStatus, Failure, FfiResult, arg_str, c_string, check_out, guard, opt_c_string, opt_ptr,
    quiet, write_string,
};
use crate::{Provider, Session, SignInResponse};
use serde_json::Value;
use std::ffi::{CString, c_char};

/// A session, as `getSession()` returns it. Created by `authjs_get_session_object`,
/// released by `authjs_session_free`.
///
/// Immutable: the accessors may be called from several threads at once.
pub struct AuthjsSession {
    session: Session,
    json: CString,
    name: Option<CString>,
    email: Option<CString>,
    image: Option<CString>,
    expires: Option<CString>,
}

impl AuthjsSession {
    pub(crate) fn new(session: Session) -> FfiResult<AuthjsSession> {
        Ok(AuthjsSession {
            json: c_string(session.to_json_string(), "the session")?,
            name: opt_c_string(session.user.name.as_deref(), "the user's name")?,
            email: opt_c_string(session.user.email.as_deref(), "the user's email")?,
            image: opt_c_string(session.user.image.as_deref(), "the user's image")?,
            expires: opt_c_string(session.expires.as_deref(), "the session's expiry")?,
            session,
        })
    }
}

/// `getSession()` as a native object: writes a new `AuthjsSession` to `*out`, or
/// NULL when signed out (both are `AUTHJS_OK`).
///
/// Ownership: a non-NULL `*out` is owned by the caller; release it with
/// `authjs_session_free`. Written only on success.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_get_session_object(
    client: *mut AuthjsClient,
    out: *mut *mut AuthjsSession,
) -> AuthjsStatus {
    guard(|| {
        // SAFETY: pointers per the contract.
        let c = unsafe { client_ref(client) }?;
        check_out(out, "out")?;
        let obj = match c.get_session()? {
            Some(s) => Box::into_raw(Box::new(AuthjsSession::new(s)?)),
            None => std::ptr::null_mut(),
        };
        // SAFETY: checked non-NULL above.
        unsafe { *out = obj };
        Ok(())
    })
}

/// Releases a session object. `session` may be NULL (nothing happens). Pointers
/// borrowed from it become invalid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_session_free(session: *mut AuthjsSession) {
    if session.is_null() {
        return;
    }
    quiet((), || {
        // SAFETY: came from `authjs_get_session_object`, released once.
        drop(unsafe { Box::from_raw(session) })
    })
}

/// The session object behind a pointer.
///
/// # Safety
/// `p` is NULL or a live object.
unsafe fn obj<'a, T>(p: *const T) -> Option<&'a T> {
    // SAFETY: the caller's contract.
    unsafe { p.as_ref() }
}

/// `session.user.name`, or NULL when absent, null, or `session` is NULL.
/// Ownership: borrowed, valid until the session is freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_session_user_name(session: *const AuthjsSession) -> *const c_char {
    // SAFETY: pointer per the contract.
    quiet(std::ptr::null(), || {
        unsafe { obj(session) }.map_or(std::ptr::null(), |s| opt_ptr(&s.name))
    })
}

/// `session.user.email`, or NULL when absent, null, or `session` is NULL.
/// Ownership: borrowed, valid until the session is freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_session_user_email(session: *const AuthjsSession) -> *const c_char {
    // SAFETY: pointer per the contract.
    quiet(std::ptr::null(), || {
        unsafe { obj(session) }.map_or(std::ptr::null(), |s| opt_ptr(&s.email))
    })
}

/// `session.user.image`, or NULL when absent, null, or `session` is NULL.
/// Ownership: borrowed, valid until the session is freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_session_user_image(session: *const AuthjsSession) -> *const c_char {
    // SAFETY: pointer per the contract.
    quiet(std::ptr::null(), || {
        unsafe { obj(session) }.map_or(std::ptr::null(), |s| opt_ptr(&s.image))
    })
}

/// `session.expires` (ISO 8601, as the server sent it), or NULL when absent or
/// `session` is NULL. Ownership: borrowed, valid until the session is freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_session_expires(session: *const AuthjsSession) -> *const c_char {
    // SAFETY: pointer per the contract.
    quiet(std::ptr::null(), || {
        unsafe { obj(session) }.map_or(std::ptr::null(), |s| opt_ptr(&s.expires))
    })
}

/// The whole session as JSON, exactly as the server sent it, or NULL when `session`
/// is NULL. Ownership: borrowed, valid until the session is freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_session_json(session: *const AuthjsSession) -> *const c_char {
    // SAFETY: pointer per the contract.
    quiet(std::ptr::null(), || {
        unsafe { obj(session) }.map_or(std::ptr::null(), |s| s.json.as_ptr())
    })
}

/// Any top-level field of the session as JSON text: `authjs_session_get(s, "user",
/// &out)` writes `{"name":...}`, and a string field is written quoted (`"admin"` with
/// its quotes). For strings, numbers and booleans prefer the typed
/// `authjs_session_get_string` / `_number` / `_bool`; this is the accessor for arrays
/// and objects. Writes NULL to `*out_json`
/// when the session has no such field (still `AUTHJS_OK`).
///
/// Ownership: a non-NULL `*out_json` is owned by the caller; release it with
/// `authjs_string_free`. Written only on success.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_session_get(
    session: *const AuthjsSession,
    key: *const c_char,
    out_json: *mut *mut c_char,
) -> AuthjsStatus {
    guard(|| {
        // SAFETY: pointers per the contract.
        let s = unsafe { obj(session) }.ok_or_else(|| Failure::null("session"))?;
        let key = unsafe { arg_str(key, "key") }?;
        check_out(out_json, "out_json")?;
        match s.session.get(key) {
            // SAFETY: checked non-NULL above.
            Some(v) => unsafe { write_string(out_json, v.to_string(), "the field") },
            None => {
                // SAFETY: checked non-NULL above.
                unsafe { *out_json = std::ptr::null_mut() };
                Ok(())
            }
        }
    })
}

/// The JSON type of a session field, as `authjs_session_field_kind` reports it.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum AuthjsValueKind {
    /// The session has no such field (or the session or key was NULL or not UTF-8).
    AUTHJS_VALUE_MISSING = 0,
    /// `null`.
    AUTHJS_VALUE_NULL = 1,
    /// `true` or `false`: read it with `authjs_session_get_bool`.
    AUTHJS_VALUE_BOOL = 2,
    /// A number: read it with `authjs_session_get_number`.
    AUTHJS_VALUE_NUMBER = 3,
    /// A string: read it with `authjs_session_get_string`.
    AUTHJS_VALUE_STRING = 4,
    /// An array: read it as JSON text with `authjs_session_get`.
    AUTHJS_VALUE_ARRAY = 5,
    /// An object: read it as JSON text with `authjs_session_get`.
    AUTHJS_VALUE_OBJECT = 6,
}

impl AuthjsValueKind {
    fn of(v: Option<&Value>) -> AuthjsValueKind {
        match v {
            None => AuthjsValueKind::AUTHJS_VALUE_MISSING,
            Some(Value::Null) => AuthjsValueKind::AUTHJS_VALUE_NULL,
            Some(Value::Bool(_)) => AuthjsValueKind::AUTHJS_VALUE_BOOL,
            Some(Value::Number(_)) => AuthjsValueKind::AUTHJS_VALUE_NUMBER,
            Some(Value::String(_)) => AuthjsValueKind::AUTHJS_VALUE_STRING,
            Some(Value::Array(_)) => AuthjsValueKind::AUTHJS_VALUE_ARRAY,
            Some(Value::Object(_)) => AuthjsValueKind::AUTHJS_VALUE_OBJECT,
        }
    }
}

/// The kind of the top-level session field `key` (`"role"`, `"user"`, `"expires"`,
/// ...): `AUTHJS_VALUE_MISSING` when the session has no such field, or when `session`
/// or `key` is NULL or `key` is not UTF-8. Infallible; the last error is left alone.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_session_field_kind(
    session: *const AuthjsSession,
    key: *const c_char,
) -> AuthjsValueKind {
    quiet(AuthjsValueKind::AUTHJS_VALUE_MISSING, || {
        // SAFETY: pointers per the contract.
        let (Some(s), Ok(key)) = (unsafe { obj(session) }, unsafe { arg_str(key, "key") }) else {
            return AuthjsValueKind::AUTHJS_VALUE_MISSING;
        };
        AuthjsValueKind::of(s.session.get(key))
    })
}

/// The field `key` of a session, when it has the kind `want` (a failure naming the key
/// and the kind it has otherwise; never the value).
///
/// # Safety
/// Pointers per the contract of the `authjs_session_get_*` functions.
unsafe fn typed_field<'a>(
    session: *const AuthjsSession,
    key: *const c_char,
    want: AuthjsValueKind,
) -> FfiResult<&'a Value> {
    // SAFETY: forwarded contract.
    let s = unsafe { obj(session) }.ok_or_else(|| Failure::null("session"))?;
    let key = unsafe { arg_str(key, "key") }?;
    let v = s.session.get(key);
    let got = AuthjsValueKind::of(v);
    match v {
        Some(v) if got == want => Ok(v),
        _ => Err(Failure::invalid(format!(
            "session field {:?} is {}, not {}",
            shorten(key),
            kind_name(got),
            kind_name(want)
        ))),
    }
}

fn kind_name(k: AuthjsValueKind) -> &'static str {
    match k {
        AuthjsValueKind::AUTHJS_VALUE_MISSING => "missing",
        AuthjsValueKind::AUTHJS_VALUE_NULL => "null",
        AuthjsValueKind::AUTHJS_VALUE_BOOL => "a boolean",
        AuthjsValueKind::AUTHJS_VALUE_NUMBER => "a number",
        AuthjsValueKind::AUTHJS_VALUE_STRING => "a string",
        AuthjsValueKind::AUTHJS_VALUE_ARRAY => "an array",
        AuthjsValueKind::AUTHJS_VALUE_OBJECT => "an object",
    }
}

/// At most 40 characters of a key, for messages.
fn shorten(key: &str) -> String {
    key.chars().take(40).collect()
}

/// The string field `key` of a session (`authjs_session_get_string(s, "role", &out)`
/// writes `admin`). A field that is missing or of another kind is
/// `AUTHJS_ERR_INVALID_ARGUMENT` (check `authjs_session_field_kind` first when it may
/// be absent).
///
/// Ownership: `*out` is owned by the caller; release it with `authjs_string_free`.
/// Written only on success.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_session_get_string(
    session: *const AuthjsSession,
    key: *const c_char,
    out: *mut *mut c_char,
) -> AuthjsStatus {
    guard(|| {
        // SAFETY: pointers per the contract.
        check_out(out, "out")?;
        let v = unsafe { typed_field(session, key, AuthjsValueKind::AUTHJS_VALUE_STRING) }?;
        let text = v.as_str().unwrap_or_default();
        unsafe { write_string(out, text, "the field") }
    })
}

/// Writes a scalar field of kind `want`, read by `read`, to `*out` (only on success).
///
/// # Safety
/// Pointers per the contract of the `authjs_session_get_*` functions.
unsafe fn get_scalar<T>(
    session: *const AuthjsSession,
    key: *const c_char,
    out: *mut T,
    want: AuthjsValueKind,
    read: fn(&Value) -> T,
) -> AuthjsStatus {
    guard(|| {
        check_out(out, "out")?;
        // SAFETY: forwarded contract.
        let v = read(unsafe { typed_field(session, key, want) }?);
        // SAFETY: checked non-NULL above; writable per the contract.
        unsafe { *out = v };
        Ok(())
    })
}

/// The number field `key` of a session, as a double (JSON numbers are doubles in
/// JavaScript). A field that is missing or of another kind is
/// `AUTHJS_ERR_INVALID_ARGUMENT`. `*out` is written only on success.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_session_get_number(
    session: *const AuthjsSession,
    key: *const c_char,
    out: *mut f64,
) -> AuthjsStatus {
    // SAFETY: pointers per the contract.
    unsafe {
        get_scalar(
            session,
            key,
            out,
            AuthjsValueKind::AUTHJS_VALUE_NUMBER,
            |v| v.as_f64().unwrap_or(f64::NAN),
        )
    }
}

/// The boolean field `key` of a session. A field that is missing or of another kind is
/// `AUTHJS_ERR_INVALID_ARGUMENT`. `*out` is written only on success.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_session_get_bool(
    session: *const AuthjsSession,
    key: *const c_char,
    out: *mut bool,
) -> AuthjsStatus {
    // SAFETY: pointers per the contract.
    unsafe {
        get_scalar(session, key, out, AuthjsValueKind::AUTHJS_VALUE_BOOL, |v| {
            v.as_bool().unwrap_or_default()
        })
    }
}

/// The result of a sign-in as a native object. Created by `authjs_sign_in_result`,
/// released by `authjs_sign_in_result_free`. Immutable.
pub struct AuthjsSignInResult {
    ok: bool,
    status: u16,
    error: Option<CString>,
    code: Option<CString>,
    url: Option<CString>,
}

impl AuthjsSignInResult {
    fn new(r: SignInResponse) -> FfiResult<AuthjsSignInResult> {
        Ok(AuthjsSignInResult {
            ok: r.ok,
            status: r.status,
            error: opt_c_string(r.error.as_deref(), "the error")?,
            code: opt_c_string(r.code.as_deref(), "the code")?,
            url: opt_c_string(r.url.as_deref(), "the URL")?,
        })
    }
}

/// `authjs_sign_in` returning a native object instead of JSON: same arguments, same
/// statuses; writes a new `AuthjsSignInResult` to `*out`.
///
/// Ownership: `*out` is owned by the caller; release it with
/// `authjs_sign_in_result_free`. Written only on success.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_sign_in_result(
    client: *mut AuthjsClient,
    provider: *const c_char,
    options_json: *const c_char,
    authorization_params_json: *const c_char,
    out: *mut *mut AuthjsSignInResult,
) -> AuthjsStatus {
    guard(|| {
        // SAFETY: pointers per the contract.
        let c = unsafe { client_ref(client) }?;
        let (provider, options) =
            unsafe { sign_in_args(provider, options_json, authorization_params_json) }?;
        check_out(out, "out")?;
        let res = AuthjsSignInResult::new(c.sign_in(provider, options)?)?;
        // SAFETY: checked non-NULL above.
        unsafe { *out = Box::into_raw(Box::new(res)) };
        Ok(())
    })
}

/// Releases a sign-in result. `result` may be NULL (nothing happens). Pointers
/// borrowed from it become invalid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_sign_in_result_free(result: *mut AuthjsSignInResult) {
    if result.is_null() {
        return;
    }
    quiet((), || {
        // SAFETY: came from `authjs_sign_in_result`, released once.
        drop(unsafe { Box::from_raw(result) })
    })
}

/// True when the sign-in succeeded (a success status and no error); false otherwise
/// or when `result` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_sign_in_result_ok(result: *const AuthjsSignInResult) -> bool {
    // SAFETY: pointer per the contract.
    quiet(false, || unsafe { obj(result) }.is_some_and(|r| r.ok))
}

/// The HTTP status of the sign-in reply (0 when no request was needed, or when
/// `result` is NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_sign_in_result_status(result: *const AuthjsSignInResult) -> u16 {
    // SAFETY: pointer per the contract.
    quiet(0, || unsafe { obj(result) }.map_or(0, |r| r.status))
}

/// The error (`"CredentialsSignin"`, `"AccessDenied"`, ...), or NULL when there is
/// none or `result` is NULL. Ownership: borrowed, valid until the result is freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_sign_in_result_error(
    result: *const AuthjsSignInResult,
) -> *const c_char {
    // SAFETY: pointer per the contract.
    quiet(std::ptr::null(), || {
        unsafe { obj(result) }.map_or(std::ptr::null(), |r| opt_ptr(&r.error))
    })
}

/// The error code (v5 credentials: `"credentials"` or the app's code), or NULL.
/// Ownership: borrowed, valid until the result is freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_sign_in_result_code(
    result: *const AuthjsSignInResult,
) -> *const c_char {
    // SAFETY: pointer per the contract.
    quiet(std::ptr::null(), || {
        unsafe { obj(result) }.map_or(std::ptr::null(), |r| opt_ptr(&r.code))
    })
}

/// Where a browser would go next (the callback URL, an OAuth authorize URL, the
/// verify-request page), or NULL when there is an error or `result` is NULL.
/// Ownership: borrowed, valid until the result is freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_sign_in_result_url(
    result: *const AuthjsSignInResult,
) -> *const c_char {
    // SAFETY: pointer per the contract.
    quiet(std::ptr::null(), || {
        unsafe { obj(result) }.map_or(std::ptr::null(), |r| opt_ptr(&r.url))
    })
}

/// One provider's strings, as C strings.
struct ProviderStrings {
    id: CString,
    name: CString,
    kind: CString,
    signin_url: CString,
    callback_url: CString,
}

impl ProviderStrings {
    fn new(p: &Provider) -> FfiResult<ProviderStrings> {
        Ok(ProviderStrings {
            id: c_string(p.id.as_str(), "a provider id")?,
            name: c_string(p.name.as_str(), "a provider name")?,
            kind: c_string(p.kind.as_str(), "a provider type")?,
            signin_url: c_string(p.signin_url.as_str(), "a provider signinUrl")?,
            callback_url: c_string(p.callback_url.as_str(), "a provider callbackUrl")?,
        })
    }
}

/// The server's providers as a native object, in id order. Created by
/// `authjs_get_providers_object`, released by `authjs_providers_free`. Immutable.
pub struct AuthjsProviders {
    items: Vec<ProviderStrings>,
}

/// `getProviders()` as a native object: writes a new `AuthjsProviders` to `*out`.
///
/// Ownership: `*out` is owned by the caller; release it with `authjs_providers_free`.
/// Written only on success.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_get_providers_object(
    client: *mut AuthjsClient,
    out: *mut *mut AuthjsProviders,
) -> AuthjsStatus {
    guard(|| {
        // SAFETY: pointers per the contract.
        let c = unsafe { client_ref(client) }?;
        check_out(out, "out")?;
        let items = c
            .get_providers()?
            .values()
            .map(ProviderStrings::new)
            .collect::<FfiResult<Vec<_>>>()?;
        // SAFETY: checked non-NULL above.
        unsafe { *out = Box::into_raw(Box::new(AuthjsProviders { items })) };
        Ok(())
    })
}

/// Releases a providers object. `providers` may be NULL (nothing happens). Pointers
/// borrowed from it become invalid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_providers_free(providers: *mut AuthjsProviders) {
    if providers.is_null() {
        return;
    }
    quiet((), || {
        // SAFETY: came from `authjs_get_providers_object`, released once.
        drop(unsafe { Box::from_raw(providers) })
    })
}

/// The number of providers (0 when `providers` is NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_providers_count(providers: *const AuthjsProviders) -> usize {
    // SAFETY: pointer per the contract.
    quiet(0, || unsafe { obj(providers) }.map_or(0, |p| p.items.len()))
}

/// A string field of provider `index`, or NULL.
///
/// # Safety
/// `p` is NULL or a live object.
unsafe fn provider_field(
    p: *const AuthjsProviders,
    index: usize,
    field: fn(&ProviderStrings) -> &CString,
) -> *const c_char {
    quiet(std::ptr::null(), || {
        // SAFETY: forwarded contract.
        unsafe { obj(p) }
            .and_then(|p| p.items.get(index))
            .map_or(std::ptr::null(), |item| field(item).as_ptr())
    })
}

/// The id of provider `index` (`"credentials"`), or NULL when `index` is out of range
/// or `providers` is NULL. Ownership: borrowed, valid until the object is freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_providers_id(
    providers: *const AuthjsProviders,
    index: usize,
) -> *const c_char {
    // SAFETY: forwarded contract.
    unsafe { provider_field(providers, index, |p| &p.id) }
}

/// The display name of provider `index`, or NULL (as `authjs_providers_id`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_providers_name(
    providers: *const AuthjsProviders,
    index: usize,
) -> *const c_char {
    // SAFETY: forwarded contract.
    unsafe { provider_field(providers, index, |p| &p.name) }
}

/// The type of provider `index` (`"oauth"`, `"oidc"`, `"email"`, `"credentials"`,
/// `"webauthn"`), or NULL (as `authjs_providers_id`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_providers_type(
    providers: *const AuthjsProviders,
    index: usize,
) -> *const c_char {
    // SAFETY: forwarded contract.
    unsafe { provider_field(providers, index, |p| &p.kind) }
}

/// The `signinUrl` of provider `index`, or NULL (as `authjs_providers_id`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_providers_signin_url(
    providers: *const AuthjsProviders,
    index: usize,
) -> *const c_char {
    // SAFETY: forwarded contract.
    unsafe { provider_field(providers, index, |p| &p.signin_url) }
}

/// The `callbackUrl` of provider `index`, or NULL (as `authjs_providers_id`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_providers_callback_url(
    providers: *const AuthjsProviders,
    index: usize,
) -> *const c_char {
    // SAFETY: forwarded contract.
    unsafe { provider_field(providers, index, |p| &p.callback_url) }
}

impl AuthjsSession {
    /// A session object for another ffi module (the events of `src/ffi/watch.rs`).
    pub(crate) fn from_session(session: Session) -> FfiResult<AuthjsSession> {
        Self::new(session)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    /// Every JSON kind is reported, and each typed getter reads only its own kind
    /// (servers' sessions carry no booleans, arrays or nulls, so this is where they are
    /// checked).
    #[test]
    fn field_kinds_and_typed_getters() {
        let value = serde_json::json!({
            "user": {"name": "A"}, "expires": "2030-01-01T00:00:00.000Z",
            "admin": true, "n": 2.5, "tags": ["x"], "gone": null, "role": "admin"
        });
        let s = AuthjsSession::new(Session::from_json(value).unwrap()).unwrap();
        let p: *const AuthjsSession = &s;
        use AuthjsValueKind::*;
        for (key, kind) in [
            (c"user", AUTHJS_VALUE_OBJECT),
            (c"expires", AUTHJS_VALUE_STRING),
            (c"admin", AUTHJS_VALUE_BOOL),
            (c"n", AUTHJS_VALUE_NUMBER),
            (c"tags", AUTHJS_VALUE_ARRAY),
            (c"gone", AUTHJS_VALUE_NULL),
            (c"nope", AUTHJS_VALUE_MISSING),
        ] {
            // SAFETY: a live session and static C strings.
            assert_eq!(unsafe { authjs_session_field_kind(p, key.as_ptr()) }, kind);
        }
        let (mut b, mut n, mut text) = (false, 0.0, std::ptr::null_mut());
        // SAFETY: as above, with writable out-parameters.
        unsafe {
            assert_eq!(
                authjs_session_get_bool(p, c"admin".as_ptr(), &mut b),
                AuthjsStatus::AUTHJS_OK
            );
            assert_eq!(
                authjs_session_get_number(p, c"n".as_ptr(), &mut n),
                AuthjsStatus::AUTHJS_OK
            );
            assert_eq!(
                authjs_session_get_string(p, c"role".as_ptr(), &mut text),
                AuthjsStatus::AUTHJS_OK
            );
            assert_eq!(CStr::from_ptr(text), c"admin");
            crate::ffi::authjs_string_free(text);
            assert_eq!(
                authjs_session_get_bool(p, c"gone".as_ptr(), &mut b),
                AuthjsStatus::AUTHJS_ERR_INVALID_ARGUMENT
            );
            assert_eq!(
                authjs_session_get_number(p, c"tags".as_ptr(), &mut n),
                AuthjsStatus::AUTHJS_ERR_INVALID_ARGUMENT
            );
        }
        assert!(b);
        assert_eq!(n, 2.5);
    }
}
