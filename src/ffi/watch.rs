//! The session lifecycle in C (issue 13): `authjs_client_status`, `AuthjsWatcher`
//! (callback or pull) and `AuthjsEvent`.
//!
//! This module converts types only: every decision (what is a transition, the names
//! of events, statuses and reasons, the event JSON) is made by the core
//! ([`crate::Event`], [`crate::Status`], [`crate::SignOutReason`], [`crate::Watcher`]).
//! What it adds is C's share of the contract: a callback that is never called after
//! `authjs_watcher_free` returns (the core may let a thread that is in a refetch finish
//! by itself), and owned event objects for the pull form.

use super::client::client_ref;
use super::objects::AuthjsSession;
use super::options::type_name;
use super::{
    AuthjsClient, AuthjsStatus, Failure, FfiResult, c_string, check_out, guard, opt_str,
    parse_json, quiet, write_string,
};
use crate::{Event, SignOutReason, Status, WatchOptions};
use serde_json::Value;
use std::cell::Cell;
use std::ffi::{CStr, CString, c_char, c_void};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

/// What `useSession()` calls `status`, as a C enum (`authjs_client_status`,
/// `authjs_event_status`). `authjs_session_status_name` gives the JS name.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(non_camel_case_types)]
pub enum AuthjsSessionStatus {
    /// `"loading"`: the client has not learned the session yet.
    AUTHJS_SESSION_LOADING = 0,
    /// `"authenticated"`: signed in.
    AUTHJS_SESSION_AUTHENTICATED = 1,
    /// `"unauthenticated"`: signed out.
    AUTHJS_SESSION_UNAUTHENTICATED = 2,
}

impl AuthjsSessionStatus {
    const ALL: [AuthjsSessionStatus; 3] = [
        AuthjsSessionStatus::AUTHJS_SESSION_LOADING,
        AuthjsSessionStatus::AUTHJS_SESSION_AUTHENTICATED,
        AuthjsSessionStatus::AUTHJS_SESSION_UNAUTHENTICATED,
    ];

    fn from_core(s: Status) -> Self {
        match s {
            Status::Loading => Self::AUTHJS_SESSION_LOADING,
            Status::Authenticated => Self::AUTHJS_SESSION_AUTHENTICATED,
            Status::Unauthenticated => Self::AUTHJS_SESSION_UNAUTHENTICATED,
        }
    }

    fn to_core(self) -> Status {
        match self {
            Self::AUTHJS_SESSION_LOADING => Status::Loading,
            Self::AUTHJS_SESSION_AUTHENTICATED => Status::Authenticated,
            Self::AUTHJS_SESSION_UNAUTHENTICATED => Status::Unauthenticated,
        }
    }
}

/// The kind of an `AuthjsEvent` (`authjs_event_kind`); `authjs_event_name` gives the
/// name the JSON and the other front ends use (`"signed_in"`, ...).
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(non_camel_case_types)]
pub enum AuthjsEventKind {
    /// `"initial"`: the state when the watcher started (always its first event);
    /// `authjs_event_status` says which, `authjs_event_session` has the session when
    /// authenticated. LOADING when the first refetch failed (an OFFLINE event follows).
    AUTHJS_EVENT_INITIAL = 0,
    /// `"signed_in"`: signed in (from signed out); carries the session.
    AUTHJS_EVENT_SIGNED_IN = 1,
    /// `"updated"`: the user data changed; carries the new session.
    AUTHJS_EVENT_UPDATED = 2,
    /// `"refreshed"`: only `expires` moved (only with `"emitRefreshed": true`);
    /// carries the session.
    AUTHJS_EVENT_REFRESHED = 3,
    /// `"signed_out"`: signed out; `authjs_event_reason` says why.
    AUTHJS_EVENT_SIGNED_OUT = 4,
    /// `"offline"`: a refetch failed (network, timeout, HTTP error, not Auth.js). Not a
    /// sign-out: the session keeps its last known value. `authjs_event_error_status`
    /// and `authjs_event_error_message` say what failed.
    AUTHJS_EVENT_OFFLINE = 5,
    /// `"online"`: a refetch succeeded again after OFFLINE.
    AUTHJS_EVENT_ONLINE = 6,
}

/// Why a session ended (`authjs_event_reason`); `authjs_event_reason_name` gives the
/// name (`"local"`, `"other_process"`, `"expired"`, `"server"`).
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(non_camel_case_types)]
pub enum AuthjsSignOutReason {
    /// The event is not a SIGNED_OUT event (or the event is NULL).
    AUTHJS_SIGN_OUT_REASON_NONE = 0,
    /// `"local"`: this client signed out (or cleared its cookies).
    AUTHJS_SIGN_OUT_REASON_LOCAL = 1,
    /// `"other_process"`: another client or process sharing the cookie file signed out.
    AUTHJS_SIGN_OUT_REASON_OTHER_PROCESS = 2,
    /// `"expired"`: the session's `expires` passed (known locally, without a request).
    AUTHJS_SIGN_OUT_REASON_EXPIRED = 3,
    /// `"server"`: the server no longer accepts the session cookie.
    AUTHJS_SIGN_OUT_REASON_SERVER = 4,
}

impl AuthjsSignOutReason {
    fn from_core(r: SignOutReason) -> Self {
        match r {
            SignOutReason::Local => Self::AUTHJS_SIGN_OUT_REASON_LOCAL,
            SignOutReason::OtherProcess => Self::AUTHJS_SIGN_OUT_REASON_OTHER_PROCESS,
            SignOutReason::Expired => Self::AUTHJS_SIGN_OUT_REASON_EXPIRED,
            SignOutReason::Server => Self::AUTHJS_SIGN_OUT_REASON_SERVER,
        }
    }
}

/// A static NUL-terminated copy of one of the core's static names, made once per name
/// so that the names live only in the core yet C gets pointers it never frees.
fn static_name(name: &'static str) -> *const c_char {
    static NAMES: OnceLock<Mutex<Vec<&'static CStr>>> = OnceLock::new();
    let names = NAMES.get_or_init(Mutex::default);
    let mut names = names.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(c) = names.iter().find(|c| c.to_bytes() == name.as_bytes()) {
        return c.as_ptr();
    }
    // The core's names are ASCII identifiers; a NUL would be a bug, shown as "".
    let c: &'static CStr = Box::leak(CString::new(name).unwrap_or_default().into_boxed_c_str());
    names.push(c);
    c.as_ptr()
}

/// The session status of a client, without a request: LOADING until the client first
/// learned the session (a `getSession`, sign-in, sign-out, or a watcher's first
/// refetch), then AUTHENTICATED or UNAUTHENTICATED.
///
/// Returns LOADING when `client` is NULL. Does not change
/// `authjs_last_error_message()`. Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_client_status(client: *mut AuthjsClient) -> AuthjsSessionStatus {
    quiet(AuthjsSessionStatus::AUTHJS_SESSION_LOADING, || {
        // SAFETY: pointer per the contract.
        match unsafe { client_ref(client) } {
            Ok(c) => AuthjsSessionStatus::from_core(c.status()),
            Err(_) => AuthjsSessionStatus::AUTHJS_SESSION_LOADING,
        }
    })
}

/// The `useSession()` name of a status: `"loading"`, `"authenticated"` or
/// `"unauthenticated"`; NULL for a number that is not an `AuthjsSessionStatus`.
///
/// Takes a plain integer so that any value is safe to pass. Ownership: static; do not
/// free it.
#[unsafe(no_mangle)]
pub extern "C" fn authjs_session_status_name(status: u32) -> *const c_char {
    quiet(std::ptr::null(), || {
        AuthjsSessionStatus::ALL
            .into_iter()
            .find(|s| *s as u32 == status)
            .map_or(std::ptr::null(), |s| static_name(s.to_core().as_str()))
    })
}

/// One event of a watcher. Immutable: the accessors may be called from several
/// threads at once.
///
/// Two lifetimes, depending on how it was obtained:
/// - passed to an `AuthjsWatchCallback`: borrowed for the duration of that call only;
///   do not free it, and copy what you need before the callback returns;
/// - from `authjs_watcher_next_event`: owned by the caller, released with
///   `authjs_event_free`.
///
/// Pointers borrowed from an event (names, message, session) stay valid as long as the
/// event.
pub struct AuthjsEvent {
    event: Event,
    session: Option<AuthjsSession>,
    message: Option<CString>,
}

impl AuthjsEvent {
    fn new(event: Event) -> FfiResult<AuthjsEvent> {
        let session = match &event {
            Event::Initial { session, .. } => session.clone(),
            Event::SignedIn(s) | Event::Updated(s) | Event::Refreshed(s) => Some(s.clone()),
            Event::SignedOut(_) | Event::Offline { .. } | Event::Online => None,
        };
        let message = match &event {
            Event::Offline { message, .. } => Some(c_string(message.as_str(), "the message")?),
            _ => None,
        };
        Ok(AuthjsEvent {
            session: session.map(AuthjsSession::from_session).transpose()?,
            message,
            event,
        })
    }
}

/// The event behind a pointer.
///
/// # Safety
/// `p` is NULL or a live event.
unsafe fn event_ref<'a>(p: *const AuthjsEvent) -> Option<&'a AuthjsEvent> {
    // SAFETY: the caller's contract.
    unsafe { p.as_ref() }
}

/// The kind of an event. Returns AUTHJS_EVENT_INITIAL when `event` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_event_kind(event: *const AuthjsEvent) -> AuthjsEventKind {
    quiet(AuthjsEventKind::AUTHJS_EVENT_INITIAL, || {
        // SAFETY: pointer per the contract.
        match unsafe { event_ref(event) }.map(|e| &e.event) {
            None | Some(Event::Initial { .. }) => AuthjsEventKind::AUTHJS_EVENT_INITIAL,
            Some(Event::SignedIn(_)) => AuthjsEventKind::AUTHJS_EVENT_SIGNED_IN,
            Some(Event::Updated(_)) => AuthjsEventKind::AUTHJS_EVENT_UPDATED,
            Some(Event::Refreshed(_)) => AuthjsEventKind::AUTHJS_EVENT_REFRESHED,
            Some(Event::SignedOut(_)) => AuthjsEventKind::AUTHJS_EVENT_SIGNED_OUT,
            Some(Event::Offline { .. }) => AuthjsEventKind::AUTHJS_EVENT_OFFLINE,
            Some(Event::Online) => AuthjsEventKind::AUTHJS_EVENT_ONLINE,
        }
    })
}

/// The event's name, as in its JSON and in the other front ends: `"initial"`,
/// `"signed_in"`, `"updated"`, `"refreshed"`, `"signed_out"`, `"offline"` or
/// `"online"`; NULL when `event` is NULL. Ownership: static; do not free it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_event_name(event: *const AuthjsEvent) -> *const c_char {
    quiet(std::ptr::null(), || {
        // SAFETY: pointer per the contract.
        unsafe { event_ref(event) }.map_or(std::ptr::null(), |e| static_name(e.event.name()))
    })
}

/// The status an INITIAL event reports: writes it to `*out` and returns true. Returns
/// false (and leaves `*out` alone) for every other kind of event, which carries no
/// status (the JSON's `"status"` is only in `"initial"`), or when a pointer is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_event_status(
    event: *const AuthjsEvent,
    out: *mut AuthjsSessionStatus,
) -> bool {
    quiet(false, || {
        // SAFETY: pointer per the contract.
        let Some(Event::Initial { status, .. }) = unsafe { event_ref(event) }.map(|e| &e.event)
        else {
            return false;
        };
        if out.is_null() {
            return false;
        }
        // SAFETY: non-NULL and writable per the contract.
        unsafe { *out = AuthjsSessionStatus::from_core(*status) };
        true
    })
}

/// Why a SIGNED_OUT event's session ended; AUTHJS_SIGN_OUT_REASON_NONE for every other
/// kind of event or when `event` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_event_reason(event: *const AuthjsEvent) -> AuthjsSignOutReason {
    quiet(AuthjsSignOutReason::AUTHJS_SIGN_OUT_REASON_NONE, || {
        // SAFETY: pointer per the contract.
        match unsafe { event_ref(event) }.map(|e| &e.event) {
            Some(Event::SignedOut(r)) => AuthjsSignOutReason::from_core(*r),
            _ => AuthjsSignOutReason::AUTHJS_SIGN_OUT_REASON_NONE,
        }
    })
}

/// The name of a SIGNED_OUT event's reason (`"local"`, `"other_process"`,
/// `"expired"`, `"server"`, as in its JSON), or NULL for every other kind of event or
/// when `event` is NULL. Ownership: static; do not free it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_event_reason_name(event: *const AuthjsEvent) -> *const c_char {
    quiet(std::ptr::null(), || {
        // SAFETY: pointer per the contract.
        match unsafe { event_ref(event) }.map(|e| &e.event) {
            Some(Event::SignedOut(r)) => static_name(r.as_str()),
            _ => std::ptr::null(),
        }
    })
}

/// What an OFFLINE event's refetch failed with, as the status a call failing that way
/// returns (`AUTHJS_ERR_NETWORK`, `AUTHJS_ERR_TIMEOUT`, `AUTHJS_ERR_HTTP`, ...);
/// `AUTHJS_OK` for every other kind of event or when `event` is NULL. The event's JSON
/// names it as the core's error kind (`"kind": "network"`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_event_error_status(event: *const AuthjsEvent) -> AuthjsStatus {
    quiet(AuthjsStatus::AUTHJS_OK, || {
        // SAFETY: pointer per the contract.
        match unsafe { event_ref(event) }.map(|e| &e.event) {
            Some(Event::Offline { kind, .. }) => AuthjsStatus::from_kind(*kind),
            _ => AuthjsStatus::AUTHJS_OK,
        }
    })
}

/// The message of an OFFLINE event's failure (no secrets), or NULL for every other
/// kind of event or when `event` is NULL. Ownership: borrowed, valid as long as the
/// event.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_event_error_message(event: *const AuthjsEvent) -> *const c_char {
    quiet(std::ptr::null(), || {
        // SAFETY: pointer per the contract.
        unsafe { event_ref(event) }
            .and_then(|e| e.message.as_ref())
            .map_or(std::ptr::null(), |m| m.as_ptr())
    })
}

/// The session an event carries (INITIAL when authenticated, SIGNED_IN, UPDATED,
/// REFRESHED), read with the `authjs_session_*` accessors; NULL for the other events
/// or when `event` is NULL.
///
/// Ownership: borrowed from the event: valid as long as the event, and never passed
/// to `authjs_session_free`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_event_session(event: *const AuthjsEvent) -> *const AuthjsSession {
    quiet(std::ptr::null(), || {
        // SAFETY: pointer per the contract.
        unsafe { event_ref(event) }
            .and_then(|e| e.session.as_ref())
            .map_or(std::ptr::null(), |s| s as *const AuthjsSession)
    })
}

/// The event as JSON, the shape every front end shows (`authjs watch --json` prints
/// the same): `{"event", "status"?, "session"?, "reason"?, "kind"?, "message"?}`.
/// The session is a credential-free copy of what the server sent, but may hold
/// personal data: log it with care.
///
/// Ownership: `*out_json` is owned by the caller; release it with
/// `authjs_string_free`. Written only on success.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_event_to_json(
    event: *const AuthjsEvent,
    out_json: *mut *mut c_char,
) -> AuthjsStatus {
    guard(|| {
        // SAFETY: pointers per the contract.
        let e = unsafe { event_ref(event) }.ok_or_else(|| Failure::null("event"))?;
        check_out(out_json, "out_json")?;
        // SAFETY: checked non-NULL above.
        unsafe { write_string(out_json, e.event.to_json().to_string(), "the event") }
    })
}

/// Releases an event from `authjs_watcher_next_event`. `event` may be NULL (nothing
/// happens). Never pass the event a callback borrows. Pointers borrowed from it become
/// invalid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_event_free(event: *mut AuthjsEvent) {
    if event.is_null() {
        return;
    }
    quiet((), || {
        // SAFETY: came from `authjs_watcher_next_event`, released once.
        drop(unsafe { Box::from_raw(event) })
    })
}

/// The callback of a watcher: called on the WATCHER'S THREAD (named `authjs-watcher`,
/// not the thread that started it), once per event, in order, never two at a time.
///
/// `event` is borrowed for the duration of the call only (do not free it, do not keep
/// it or pointers from it); `user_data` is the pointer given to
/// `authjs_watcher_start`. The callback may call any `authjs_` function, on the same
/// client too, and even `authjs_watcher_free` of its own watcher (it then is not
/// called again). It must not unwind or `longjmp` out (a C++ callback catches its
/// exceptions), and it should return promptly: the watcher's next refetch waits for it.
pub type AuthjsWatchCallback =
    Option<unsafe extern "C" fn(event: *const AuthjsEvent, user_data: *mut c_void)>;

/// The gate between a watcher's thread and `authjs_watcher_free`: the callback runs
/// with `lock` held and only while `live`, so once free has cleared `live` under the
/// lock, no call is in progress and none will start, whatever the core's thread does
/// with the refetch it may still be in.
struct Gate {
    lock: Mutex<()>,
    live: AtomicBool,
}

thread_local! {
    /// The gate whose callback is running on this thread, so that a callback freeing
    /// its own watcher does not wait on the lock it holds.
    static IN_CALLBACK: Cell<*const Gate> = const { Cell::new(std::ptr::null()) };
}

/// The caller's `user_data`, moved to the watcher's thread. The caller vouches that it
/// may be used there (the documented contract of `authjs_watcher_start`).
struct UserData(*mut c_void);
// SAFETY: see above; the library never dereferences it.
unsafe impl Send for UserData {}

/// A watcher: a thread (named `authjs-watcher`) that keeps the session alive by
/// refetching it on an interval, follows the cookie file shared with other processes,
/// and reports one event per transition. Created by `authjs_watcher_start`, stopped
/// and released by `authjs_watcher_free`.
///
/// It holds its own reference to the client's state: the `AuthjsClient` may be freed
/// first, the watcher keeps working. The thread never keeps the process from exiting.
/// Thread safety: `authjs_watcher_next_event` may be called from several threads (one
/// waits at a time); only `authjs_watcher_free` must not race with other calls.
pub struct AuthjsWatcher {
    /// In a mutex because the core's `Watcher` is `Send` but not `Sync` (its event
    /// receiver is not): concurrent `authjs_watcher_next_event` callers wait their turn
    /// here, as the core's own pull lock would make them do anyway.
    inner: Mutex<Option<crate::Watcher>>,
    /// `Some` for a watcher with a callback.
    gate: Option<Arc<Gate>>,
}

impl Drop for AuthjsWatcher {
    fn drop(&mut self) {
        if let Some(gate) = &self.gate {
            let own = IN_CALLBACK.try_with(Cell::get).unwrap_or(std::ptr::null());
            if std::ptr::eq(own, Arc::as_ptr(gate)) {
                // Called from its own callback, which holds the lock.
                gate.live.store(false, Ordering::SeqCst);
            } else {
                let _in_progress_done = gate.lock.lock().unwrap_or_else(|p| p.into_inner());
                gate.live.store(false, Ordering::SeqCst);
            }
        }
        // Joins the thread within 100 ms, or lets it finish its refetch by itself.
        let inner = self.inner.get_mut().unwrap_or_else(|p| p.into_inner());
        drop(inner.take());
    }
}

/// Every key of `options_json` of `authjs_watcher_start`.
const WATCH_OPTION_KEYS: [&str; 4] = [
    "refetchIntervalMs",
    "refetchWhenOffline",
    "emitRefreshed",
    "fileCheckIntervalMs",
];

/// The watch options of a JSON object (checked for keys and types here; the values'
/// ranges are checked by the core when the watch starts).
fn watch_options(text: Option<&str>) -> FfiResult<WatchOptions> {
    let mut o = WatchOptions::new();
    let Some(text) = text else {
        return Ok(o);
    };
    let obj = match parse_json(text, "options_json")? {
        Value::Null => return Ok(o),
        Value::Object(obj) => obj,
        other => {
            return Err(Failure::invalid(format!(
                "options_json must be a JSON object, not {}",
                type_name(&other)
            )));
        }
    };
    for (key, v) in obj {
        let Some(&key) = WATCH_OPTION_KEYS.iter().find(|k| **k == key) else {
            return Err(Failure::invalid(format!(
                "options_json: unknown watch option {:?} (known: {})",
                key.chars().take(40).collect::<String>(),
                WATCH_OPTION_KEYS.join(", ")
            )));
        };
        if v.is_null() {
            continue;
        }
        let millis = || {
            v.as_u64().map(Duration::from_millis).ok_or_else(|| {
                Failure::invalid(format!(
                    "options_json: {key} must be a non-negative integer (milliseconds), not {}",
                    type_name(&v)
                ))
            })
        };
        let boolean = || {
            v.as_bool().ok_or_else(|| {
                Failure::invalid(format!(
                    "options_json: {key} must be a boolean, not {}",
                    type_name(&v)
                ))
            })
        };
        o = match key {
            "refetchIntervalMs" => o.refetch_interval(millis()?),
            "refetchWhenOffline" => o.refetch_when_offline(boolean()?),
            "emitRefreshed" => o.emit_refreshed(boolean()?),
            _ => o.file_check_interval(millis()?),
        };
    }
    Ok(o)
}

/// Starts a watcher on `client`: a thread named `authjs-watcher` that refetches the
/// session now (its first event is INITIAL) and then every `refetchIntervalMs` while
/// the jar holds a session cookie (keep-alive for sliding expiry; no request while
/// signed out), checks the cookie file every `fileCheckIntervalMs` for other
/// processes' sign-ins and sign-outs, and reports each transition once. Operations on
/// the client (`authjs_sign_in`, `authjs_update_session`, `authjs_sign_out`, ...)
/// produce their events through the watcher too. A failed refetch is an OFFLINE event,
/// never a sign-out.
///
/// `options_json` may be NULL (the defaults) or a JSON object with any of (unknown
/// keys are an error, `null` means "default"):
/// - `"refetchIntervalMs"`: refetch interval (`refetchInterval`), 10 ms to 365 days,
///   default 300000 (5 minutes);
/// - `"refetchWhenOffline"`: keep refetching on the interval while offline (default
///   true); false waits for the next sign of life instead;
/// - `"emitRefreshed"`: report REFRESHED events when only `expires` moved (default
///   false);
/// - `"fileCheckIntervalMs"`: how often the cookie file is checked, 10 ms to 365 days
///   (default 200; unused without `"cookieFile"`).
///
/// `callback` may be NULL: then the events are pulled with
/// `authjs_watcher_next_event`. Otherwise it is called on the watcher's thread with
/// each event (see `AuthjsWatchCallback`) and `user_data`, which the library passes
/// through untouched and which must stay usable on that thread until
/// `authjs_watcher_free` returns. An event the C types cannot carry (a NUL byte in a
/// user field of the session) is not passed to the callback.
///
/// Errors: `AUTHJS_ERR_INVALID_ARGUMENT` for bad options (nothing is started),
/// `AUTHJS_ERR_IO` when the thread cannot be started. Ownership: `*out_watcher` is
/// owned by the caller; stop and release it with `authjs_watcher_free`. Written only
/// on success.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_watcher_start(
    client: *mut AuthjsClient,
    options_json: *const c_char,
    callback: AuthjsWatchCallback,
    user_data: *mut c_void,
    out_watcher: *mut *mut AuthjsWatcher,
) -> AuthjsStatus {
    guard(|| {
        // SAFETY: pointers per the contract.
        let c = unsafe { client_ref(client) }?;
        let options = watch_options(unsafe { opt_str(options_json, "options_json") }?)?;
        check_out(out_watcher, "out_watcher")?;
        let (gate, boxed) = match callback {
            None => (None, None),
            Some(f) => {
                let gate = Arc::new(Gate {
                    lock: Mutex::new(()),
                    live: AtomicBool::new(true),
                });
                let theirs = Arc::clone(&gate);
                let user_data = UserData(user_data);
                let deliver = move |event: Event| {
                    let user_data = &user_data;
                    quiet((), || {
                        let _one_call = theirs.lock.lock().unwrap_or_else(|p| p.into_inner());
                        if !theirs.live.load(Ordering::SeqCst) {
                            return;
                        }
                        // An event the C types cannot carry (a NUL byte in the user's
                        // name) is not delivered; the pull form reports it instead.
                        let Ok(obj) = AuthjsEvent::new(event) else {
                            return;
                        };
                        let previous = IN_CALLBACK.replace(Arc::as_ptr(&theirs));
                        // SAFETY: the caller's callback and user data, per the contract.
                        unsafe { f(&obj, user_data.0) };
                        IN_CALLBACK.set(previous);
                    })
                };
                (
                    Some(gate),
                    Some(Box::new(deliver) as Box<dyn FnMut(Event) + Send>),
                )
            }
        };
        let inner = c.watch_in_background(options, boxed)?;
        let w = AuthjsWatcher {
            inner: Mutex::new(Some(inner)),
            gate,
        };
        // SAFETY: checked non-NULL above.
        unsafe { *out_watcher = Box::into_raw(Box::new(w)) };
        Ok(())
    })
}

/// The pull form: waits at most `timeout_ms` milliseconds (0: does not wait) for the
/// watcher's next event and writes it to `*out_event`, or writes NULL when nothing
/// happened in that time. Both are `AUTHJS_OK`, so a loop is
/// `while (authjs_watcher_next_event(w, 1000, &e) == AUTHJS_OK) { if (e) ...; }`.
///
/// Errors: `AUTHJS_ERR_INVALID_ARGUMENT` for a watcher started with a callback (its
/// events go there), `AUTHJS_ERR_PROTOCOL` for an event the C types cannot carry (a
/// NUL byte in the user's name; the event is lost). Ownership: a non-NULL
/// `*out_event` is owned by the caller; release it with `authjs_event_free`. Written
/// only on success. Thread safety: callers on several threads wait one at a time.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_watcher_next_event(
    watcher: *mut AuthjsWatcher,
    timeout_ms: u64,
    out_event: *mut *mut AuthjsEvent,
) -> AuthjsStatus {
    guard(|| {
        // SAFETY: shared access per the contract.
        let w = unsafe { watcher.cast_const().as_ref() }.ok_or_else(|| Failure::null("watcher"))?;
        check_out(out_event, "out_event")?;
        if w.gate.is_some() {
            return Err(Failure::invalid(
                "this watcher was started with a callback: its events go to the callback",
            ));
        }
        let inner = w.inner.lock().unwrap_or_else(|p| p.into_inner());
        let Some(inner) = inner.as_ref() else {
            return Err(Failure::invalid("the watcher was stopped"));
        };
        let obj = match inner.next_event(Duration::from_millis(timeout_ms)) {
            Some(e) => Box::into_raw(Box::new(AuthjsEvent::new(e)?)),
            None => std::ptr::null_mut(),
        };
        // SAFETY: checked non-NULL above.
        unsafe { *out_event = obj };
        Ok(())
    })
}

/// Stops and releases a watcher. `watcher` may be NULL (nothing happens).
///
/// May block: up to 100 ms for the thread to end (a thread that is in the middle of a
/// refetch finishes it by itself afterwards, storing its cookies as usual), and first,
/// if the callback is running on the watcher's thread, until it returns. After this
/// returns the callback is never called again and `user_data` is no longer used.
/// May be called from the watcher's own callback. Events already obtained from
/// `authjs_watcher_next_event` stay valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_watcher_free(watcher: *mut AuthjsWatcher) {
    if watcher.is_null() {
        return;
    }
    quiet((), || {
        // SAFETY: came from `authjs_watcher_start`, released once.
        drop(unsafe { Box::from_raw(watcher) })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The header promises `authjs_watcher_next_event` from several threads and
    /// immutable, shareable events.
    #[test]
    fn handles_are_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<AuthjsWatcher>();
        assert_send_sync::<AuthjsEvent>();
    }

    #[test]
    fn options_map_onto_the_core() {
        let o = watch_options(Some(
            r#"{"refetchIntervalMs": 1500, "refetchWhenOffline": false,
                "emitRefreshed": true, "fileCheckIntervalMs": 50}"#,
        ))
        .unwrap();
        assert_eq!(o.refetch_interval, Duration::from_millis(1500));
        assert!(!o.refetch_when_offline);
        assert!(o.emit_refreshed);
        assert_eq!(o.file_check_interval, Duration::from_millis(50));
        let d = watch_options(Some(r#"{"refetchIntervalMs": null}"#)).unwrap();
        assert_eq!(d.refetch_interval, WatchOptions::default().refetch_interval);
        assert!(watch_options(None).is_ok());
        assert!(watch_options(Some("null")).is_ok());
    }

    #[test]
    fn bad_options_are_invalid_arguments_without_values() {
        for json in [
            r#"{"refetchInterval": 5}"#,
            r#"{"refetchIntervalMs": "12345678"}"#,
            r#"{"emitRefreshed": 12345678}"#,
            r#"{"fileCheckIntervalMs": -12345678}"#,
            r#"["12345678"]"#,
            "{",
        ] {
            let e = watch_options(Some(json)).unwrap_err();
            assert_eq!(
                e.status,
                AuthjsStatus::AUTHJS_ERR_INVALID_ARGUMENT,
                "{json}"
            );
            assert!(!e.message.contains("12345678"), "{}", e.message);
        }
    }

    #[test]
    fn names_come_from_the_core() {
        for s in AuthjsSessionStatus::ALL {
            // SAFETY: static NUL-terminated strings.
            let name = unsafe { CStr::from_ptr(authjs_session_status_name(s as u32)) };
            assert_eq!(name.to_str().unwrap(), s.to_core().as_str());
            assert_eq!(AuthjsSessionStatus::from_core(s.to_core()), s);
        }
        assert!(authjs_session_status_name(3).is_null());
        // The same pointer every time.
        assert_eq!(authjs_session_status_name(1), authjs_session_status_name(1));
    }

    #[test]
    fn event_accessors_map_each_kind() {
        let session =
            crate::Session::from_json(serde_json::json!({"user": {"name": "A"}, "expires": "x"}))
                .unwrap();
        let signed_in = AuthjsEvent::new(Event::SignedIn(session)).unwrap();
        let out = AuthjsEvent::new(Event::SignedOut(SignOutReason::OtherProcess)).unwrap();
        // SAFETY: live objects; NULL is allowed.
        unsafe {
            assert_eq!(
                authjs_event_kind(&signed_in),
                AuthjsEventKind::AUTHJS_EVENT_SIGNED_IN
            );
            assert!(!authjs_event_session(&signed_in).is_null());
            let mut st = AuthjsSessionStatus::AUTHJS_SESSION_LOADING;
            assert!(!authjs_event_status(&signed_in, &mut st));
            assert_eq!(
                authjs_event_reason(&out),
                AuthjsSignOutReason::AUTHJS_SIGN_OUT_REASON_OTHER_PROCESS
            );
            let name = CStr::from_ptr(authjs_event_reason_name(&out));
            assert_eq!(name.to_str().unwrap(), "other_process");
            assert!(authjs_event_session(&out).is_null());
            assert_eq!(authjs_event_error_status(&out), AuthjsStatus::AUTHJS_OK);
            assert!(authjs_event_name(std::ptr::null()).is_null());
            authjs_event_free(std::ptr::null_mut());
            authjs_watcher_free(std::ptr::null_mut());
        }
    }
}
