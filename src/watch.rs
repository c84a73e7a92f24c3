//! The session lifecycle: what `SessionProvider` / `useSession()` give a browser app.
//!
//! - [`Status`]: `loading` until the client first learns the session, then
//!   `authenticated` / `unauthenticated`; [`Client::status`](crate::Client::status)
//!   reads it without a request.
//! - [`Event`]s, exactly one per transition, computed in one place (the client's
//!   [`Observer`]) from everything the client learns: its own operations
//!   (`get_session`, `update_session`, `sign_in`, `sign_out`, …), a watcher's
//!   refetches, the shared cookie file changing under it, the session's `expires`
//!   passing. Comparing with the last known session is what makes a refetch that
//!   returns the same session silent, and an operation's event never repeated by the
//!   next refetch.
//! - A watch ([`Watch`], on the caller's thread; [`Watcher`], on a thread of its own)
//!   refetches the session every `refetch_interval` while the jar holds a session
//!   cookie (keep-alive for sliding expiry), checks the cookie file for other
//!   processes' sign-ins and sign-outs, and reports a failed refetch as
//!   [`Event::Offline`], never as a sign-out.

use crate::client::Client;
use crate::error::ErrorKind;
use crate::session::Session;
use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

/// What `useSession()` calls `status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Status {
    /// The client has not learned the session yet.
    Loading,
    /// Signed in.
    Authenticated,
    /// Signed out.
    Unauthenticated,
}

impl Status {
    /// `"loading"`, `"authenticated"` or `"unauthenticated"`, as `useSession()` says.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Loading => "loading",
            Status::Authenticated => "authenticated",
            Status::Unauthenticated => "unauthenticated",
        }
    }
}

/// Why a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignOutReason {
    /// This client signed out (or cleared its cookies).
    Local,
    /// Another client or process sharing the cookie file signed out or cleared it.
    OtherProcess,
    /// The session's `expires` passed without a refresh (known locally, no request).
    Expired,
    /// The server no longer accepts the session cookie (new secret, revoked database
    /// session, …).
    Server,
}

impl SignOutReason {
    /// `"local"`, `"other_process"`, `"expired"` or `"server"`.
    pub fn as_str(self) -> &'static str {
        match self {
            SignOutReason::Local => "local",
            SignOutReason::OtherProcess => "other_process",
            SignOutReason::Expired => "expired",
            SignOutReason::Server => "server",
        }
    }
}

/// One transition of the session, or of the connection to the server.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Event {
    /// The state when a watch starts (after its first refetch): always the first event
    /// of a watch. `status` is [`Status::Loading`] when that refetch failed (an
    /// [`Event::Offline`] follows).
    Initial {
        /// The status.
        status: Status,
        /// The session, when authenticated.
        session: Option<Session>,
    },
    /// Signed in (from signed out).
    SignedIn(Session),
    /// The user data changed (an update, or another process signed in as someone else).
    Updated(Session),
    /// Only `expires` moved (sliding expiry). Off unless
    /// [`WatchOptions::emit_refreshed`].
    Refreshed(Session),
    /// Signed out, and why.
    SignedOut(SignOutReason),
    /// A refetch failed (network, timeout, HTTP error, a reply that is not Auth.js's).
    /// Not a sign-out: the session keeps its last known value until the server says
    /// otherwise.
    Offline {
        /// What failed.
        kind: ErrorKind,
        /// The error's message (no secrets).
        message: String,
    },
    /// A refetch succeeded again after [`Event::Offline`].
    Online,
}

impl Event {
    /// `"initial"`, `"signed_in"`, `"updated"`, `"refreshed"`, `"signed_out"`,
    /// `"offline"` or `"online"`.
    pub fn name(&self) -> &'static str {
        match self {
            Event::Initial { .. } => "initial",
            Event::SignedIn(_) => "signed_in",
            Event::Updated(_) => "updated",
            Event::Refreshed(_) => "refreshed",
            Event::SignedOut(_) => "signed_out",
            Event::Offline { .. } => "offline",
            Event::Online => "online",
        }
    }

    /// The event as JSON, the shape every front end shows (C, Python, `authjs watch
    /// --json`): `{"event", "status"?, "session"?, "reason"?, "kind"?, "message"?}`.
    pub fn to_json(&self) -> serde_json::Value {
        let mut v = serde_json::json!({ "event": self.name() });
        let session = |s: &Session| s.raw().clone();
        match self {
            Event::Initial { status, session: s } => {
                v["status"] = status.as_str().into();
                v["session"] = s.as_ref().map(session).unwrap_or(serde_json::Value::Null);
            }
            Event::SignedIn(s) | Event::Updated(s) | Event::Refreshed(s) => {
                v["session"] = session(s);
            }
            Event::SignedOut(r) => v["reason"] = r.as_str().into(),
            Event::Offline { kind, message } => {
                v["kind"] = kind.as_str().into();
                v["message"] = message.as_str().into();
            }
            Event::Online => {}
        }
        v
    }
}

/// How a watch behaves; [`WatchOptions::default`] is `SessionProvider`'s behaviour with
/// a refetch every 5 minutes.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct WatchOptions {
    /// How often the session is refetched while the jar holds a session cookie
    /// (`refetchInterval`). Each refetch stores the re-issued cookie, so a session
    /// with a shorter `maxAge` stays alive. Default 5 minutes.
    pub refetch_interval: Duration,
    /// Keep refetching on the interval while offline (`refetchWhenOffline`, default
    /// true). When false, a watch that went offline waits for the next sign of life
    /// (a successful call on the client, a change of the cookie file) instead.
    pub refetch_when_offline: bool,
    /// Report [`Event::Refreshed`] when only `expires` moved (default false).
    pub emit_refreshed: bool,
    /// How often the cookie file is checked for other processes' changes (one `stat`;
    /// default 200 ms). Unused without a cookie file.
    pub file_check_interval: Duration,
}

impl Default for WatchOptions {
    fn default() -> Self {
        WatchOptions {
            refetch_interval: Duration::from_secs(300),
            refetch_when_offline: true,
            emit_refreshed: false,
            file_check_interval: Duration::from_millis(200),
        }
    }
}

impl WatchOptions {
    /// The defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets [`refetch_interval`](Self::refetch_interval).
    pub fn refetch_interval(mut self, every: Duration) -> Self {
        self.refetch_interval = every;
        self
    }

    /// Sets [`refetch_when_offline`](Self::refetch_when_offline).
    pub fn refetch_when_offline(mut self, yes: bool) -> Self {
        self.refetch_when_offline = yes;
        self
    }

    /// Sets [`emit_refreshed`](Self::emit_refreshed).
    pub fn emit_refreshed(mut self, yes: bool) -> Self {
        self.emit_refreshed = yes;
        self
    }

    /// Sets [`file_check_interval`](Self::file_check_interval).
    pub fn file_check_interval(mut self, every: Duration) -> Self {
        self.file_check_interval = every;
        self
    }

    fn check(&self) -> crate::Result<()> {
        for (what, d) in [
            ("refetch interval", self.refetch_interval),
            ("file check interval", self.file_check_interval),
        ] {
            if d < Duration::from_millis(10) || d > crate::MAX_TIMEOUT {
                return Err(crate::Error::invalid(format!(
                    "the {what} must be between 10 ms and {} days",
                    crate::MAX_TIMEOUT.as_secs() / 86_400
                )));
            }
        }
        Ok(())
    }
}

/// A message to a watch: an event to deliver, or a reason to refetch now (a sign-in
/// happened, another process changed the session cookie).
enum Msg {
    Event(Event),
    Refetch,
}

struct Subscriber {
    tx: Sender<Msg>,
    emit_refreshed: bool,
}

#[derive(Default)]
struct Observed {
    /// `None` while loading.
    known: Option<Option<Session>>,
    offline: bool,
    subscribers: Vec<Subscriber>,
}

/// The client's view of the session, and the one place transitions are computed.
#[derive(Default)]
pub(crate) struct Observer {
    state: Mutex<Observed>,
}

/// Where a session value came from, to name a sign-out.
#[derive(Clone, Copy)]
pub(crate) enum Source {
    /// A session read or update sent with a session cookie: `None` means the server
    /// dropped it.
    ServerWithCookie,
    /// A session read sent without a session cookie: `None` means it had expired.
    ServerWithoutCookie,
}

impl Observer {
    fn lock(&self) -> std::sync::MutexGuard<'_, Observed> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn status(&self) -> Status {
        match &self.lock().known {
            None => Status::Loading,
            Some(Some(_)) => Status::Authenticated,
            Some(None) => Status::Unauthenticated,
        }
    }

    fn current(&self) -> Option<Option<Session>> {
        self.lock().known.clone()
    }

    fn subscribe(&self, tx: Sender<Msg>, emit_refreshed: bool) {
        self.lock()
            .subscribers
            .push(Subscriber { tx, emit_refreshed });
    }

    /// The server answered with `session`. Called on every session read, so the
    /// common case (the same user data, `expires` slid forward, nobody watching for
    /// refreshes) updates `expires` in place instead of copying the session.
    pub fn session(&self, session: &Option<Session>, source: Source) {
        let mut st = self.lock();
        let mut events = Vec::new();
        if std::mem::take(&mut st.offline) {
            events.push(Event::Online);
        }
        let reason = match source {
            Source::ServerWithCookie => SignOutReason::Server,
            Source::ServerWithoutCookie => SignOutReason::Expired,
        };
        let want_refreshed = st.subscribers.iter().any(|s| s.emit_refreshed);
        events.extend(transition(
            st.known.as_ref(),
            session.as_ref(),
            reason,
            want_refreshed,
        ));
        let refreshed_only = events
            .iter()
            .all(|e| matches!(e, Event::Refreshed(_) | Event::Online));
        match (&mut st.known, session) {
            (Some(Some(old)), Some(new)) if refreshed_only => {
                if old.expires != new.expires {
                    old.set_expires(new.expires.clone());
                }
            }
            (known, _) => *known = Some(session.clone()),
        }
        deliver(&mut st, events);
    }

    /// The session ended for a reason known locally.
    pub fn signed_out(&self, reason: SignOutReason) {
        let mut st = self.lock();
        let events = transition(st.known.as_ref(), None, reason, false);
        st.known = Some(None);
        deliver(&mut st, events);
    }

    /// A refetch failed.
    fn failed(&self, kind: ErrorKind, message: String) {
        let mut st = self.lock();
        if !st.offline {
            st.offline = true;
            deliver(&mut st, vec![Event::Offline { kind, message }]);
        }
    }

    /// The cookie file was re-read: `before` and `after` are the session cookies
    /// (name, value) of the jar. Cookies that went away are another process's
    /// sign-out (known without a request); cookies that appeared or changed are looked
    /// up by the watches.
    pub fn jar_replaced(&self, before: &[(String, String)], after: &[(String, String)]) {
        if before == after {
            return;
        }
        if after.is_empty() {
            self.signed_out(SignOutReason::OtherProcess);
        } else {
            self.poke();
        }
    }

    /// Something changed that a watch should look at now (a sign-in, a successful
    /// call while offline).
    pub fn poke(&self) {
        let mut st = self.lock();
        st.subscribers.retain(|s| s.tx.send(Msg::Refetch).is_ok());
    }

    fn is_offline(&self) -> bool {
        self.lock().offline
    }

    /// How long until the known session's `expires` (zero once it passed); `None`
    /// when no session is known or it has no readable `expires`.
    fn expires_in(&self) -> Option<Duration> {
        let st = self.lock();
        let expires = st.known.as_ref()?.as_ref()?.expires.as_deref()?;
        let at =
            time::OffsetDateTime::parse(expires, &time::format_description::well_known::Rfc3339)
                .ok()?;
        let left = at - time::OffsetDateTime::now_utc();
        Some(Duration::try_from(left).unwrap_or(Duration::ZERO))
    }
}

/// The events between two states (`None` = loading): none while loading, so the
/// first answer is the watch's [`Event::Initial`], never a transition.
fn transition(
    old: Option<&Option<Session>>,
    new: Option<&Session>,
    reason: SignOutReason,
    want_refreshed: bool,
) -> Vec<Event> {
    let Some(old) = old else {
        return Vec::new();
    };
    match (old, new) {
        (None, Some(s)) => vec![Event::SignedIn(s.clone())],
        (Some(_), None) => vec![Event::SignedOut(reason)],
        (Some(a), Some(b)) if a.user != b.user || a.extra != b.extra => {
            vec![Event::Updated(b.clone())]
        }
        (Some(a), Some(b)) if want_refreshed && a.expires != b.expires => {
            vec![Event::Refreshed(b.clone())]
        }
        _ => Vec::new(),
    }
}

fn deliver(st: &mut Observed, events: Vec<Event>) {
    for e in events {
        st.subscribers.retain(|s| {
            if matches!(e, Event::Refreshed(_)) && !s.emit_refreshed {
                return true;
            }
            s.tx.send(Msg::Event(e.clone())).is_ok()
        });
    }
}

/// A watch that runs on the caller's thread: [`next_event`](Self::next_event) does the
/// refetches and file checks that are due while it waits. No thread is started.
/// Dropping it stops it.
pub struct Watch {
    client: Client,
    options: WatchOptions,
    rx: Receiver<Msg>,
    /// Events to hand out before waiting again.
    ready: VecDeque<Event>,
    started: bool,
    next_refetch: Instant,
    next_file_check: Instant,
    /// A sign-in or a return online asked for a refetch regardless of the jar.
    refetch_now: bool,
}

impl std::fmt::Debug for Watch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Watch")
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl Watch {
    pub(crate) fn new(client: &Client, options: WatchOptions) -> crate::Result<Watch> {
        options.check()?;
        let (tx, rx) = mpsc::channel();
        client
            .observer()
            .subscribe(tx.clone(), options.emit_refreshed);
        let now = Instant::now();
        Ok(Watch {
            client: client.clone(),
            next_refetch: now,
            next_file_check: now + options.file_check_interval,
            options,
            rx,
            ready: VecDeque::new(),
            started: false,
            refetch_now: false,
        })
    }

    /// The next event, waiting at most `timeout` (doing what falls due meanwhile);
    /// `None` when nothing happened in that time.
    pub fn next_event(&mut self, timeout: Duration) -> Option<Event> {
        let deadline = Instant::now().checked_add(timeout);
        loop {
            if let Some(e) = self.ready.pop_front() {
                return Some(e);
            }
            if !self.started {
                self.started = true;
                self.first_refetch();
                continue;
            }
            let now = Instant::now();
            if now >= self.next_file_check {
                self.check_file();
                self.next_file_check = now + self.options.file_check_interval;
                continue;
            }
            let expires_in = self.client.observer().expires_in();
            if expires_in == Some(Duration::ZERO) && !self.client.has_session_cookie() {
                // `expires` passed and the jar dropped the cookie with it.
                self.client.observer().signed_out(SignOutReason::Expired);
                continue;
            }
            if self.refetch_now || (now >= self.next_refetch && self.refetch_due()) {
                self.refetch_now = false;
                self.refetch();
                self.next_refetch = Instant::now() + self.options.refetch_interval;
                continue;
            }
            // Sleep until the next thing falls due, a message, or the caller's deadline.
            let mut wake = self.next_file_check;
            if self.refetch_due() {
                wake = wake.min(self.next_refetch.max(now));
            }
            // An `expires` already past (the cookie outlives it slightly) is looked at
            // again at the next file check, not in a busy loop.
            if let Some(left) = expires_in.filter(|d| !d.is_zero()) {
                wake = wake.min(now + left);
            }
            if let Some(d) = deadline {
                if now >= d {
                    return None;
                }
                wake = wake.min(d);
            }
            match self.rx.recv_timeout(wake.saturating_duration_since(now)) {
                Ok(Msg::Event(e)) => self.ready.push_back(e),
                Ok(Msg::Refetch) => self.refetch_now = true,
                Err(RecvTimeoutError::Disconnected) => return None,
                Err(RecvTimeoutError::Timeout) => {}
            }
        }
    }

    /// A refetch on the timer: only while the jar holds a session cookie (a signed-out
    /// jar has nothing to keep alive), and while offline only if allowed.
    fn refetch_due(&self) -> bool {
        self.client.has_session_cookie()
            && (self.options.refetch_when_offline || !self.client.observer().is_offline())
    }

    fn first_refetch(&mut self) {
        self.refetch();
        self.next_refetch = Instant::now() + self.options.refetch_interval;
        // Transitions the refetch caused are implied by the initial state.
        while let Ok(msg) = self.rx.try_recv() {
            if let Msg::Event(e @ Event::Offline { .. }) = msg {
                self.ready.push_back(e);
            }
        }
        let (status, session) = match self.client.observer().current() {
            None => (Status::Loading, None),
            Some(None) => (Status::Unauthenticated, None),
            Some(Some(s)) => (Status::Authenticated, Some(s)),
        };
        self.ready.push_front(Event::Initial { status, session });
    }

    fn refetch(&mut self) {
        // The client reports the answer to the observer itself (see get_session).
        if let Err(e) = self.client.get_session() {
            self.client
                .observer()
                .failed(e.kind(), e.message().to_string());
        }
    }

    /// Brings the jar up to date with the cookie file; the client reports what another
    /// process changed (see `Observer::jar_replaced`).
    fn check_file(&mut self) {
        let _ = self.client.sync_cookie_file();
    }
}

/// A watch on a thread of its own: events go to a callback (called on that thread)
/// or are pulled with [`next_event`](Self::next_event). The thread does not keep the
/// process alive; dropping the handle (or [`stop`](Self::stop)) ends it within
/// 100 ms, or, if it is in the middle of a refetch, as soon as that returns (the
/// refetch's cookies are stored as usual).
pub struct Watcher {
    stop: Sender<()>,
    /// Behind a mutex so the handle is `Sync`: pulls from several threads take turns.
    events: Option<Mutex<Receiver<Event>>>,
    done: Mutex<Receiver<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl std::fmt::Debug for Watcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Watcher").finish_non_exhaustive()
    }
}

impl Watcher {
    pub(crate) fn start(
        client: &Client,
        options: WatchOptions,
        callback: Option<Box<dyn FnMut(Event) + Send>>,
    ) -> crate::Result<Watcher> {
        let mut watch = Watch::new(client, options)?;
        let (stop_tx, stop_rx) = mpsc::channel::<()>();
        let (events_tx, events_rx) = mpsc::channel();
        let (done_tx, done_rx) = mpsc::channel();
        let pull = callback.is_none();
        let mut callback = callback;
        let thread = std::thread::Builder::new()
            .name("authjs-watcher".into())
            .spawn(move || {
                loop {
                    if stopped(&stop_rx) {
                        break;
                    }
                    // Short waits, so a stop is seen within 100 ms.
                    let Some(event) = watch.next_event(Duration::from_millis(50)) else {
                        continue;
                    };
                    if stopped(&stop_rx) {
                        break;
                    }
                    match callback.as_mut() {
                        Some(cb) => cb(event),
                        None => {
                            if events_tx.send(event).is_err() {
                                break;
                            }
                        }
                    }
                }
                let _ = done_tx.send(());
            })
            .map_err(|e| crate::Error::io("cannot start the watcher thread", e))?;
        Ok(Watcher {
            stop: stop_tx,
            events: pull.then_some(Mutex::new(events_rx)),
            done: Mutex::new(done_rx),
            thread: Some(thread),
        })
    }

    /// The next event, waiting at most `timeout`; `None` when nothing happened, or for
    /// a watcher started with a callback.
    pub fn next_event(&self, timeout: Duration) -> Option<Event> {
        let events = self.events.as_ref()?;
        let rx = events.lock().unwrap_or_else(|p| p.into_inner());
        rx.recv_timeout(timeout).ok()
    }

    /// Stops the watcher: waits up to 100 ms for its thread to finish, and otherwise
    /// lets it finish the refetch it is in by itself.
    pub fn stop(self) {
        drop(self)
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        let _ = self.stop.send(());
        // Finished (or finishing) within 100 ms: joined, so it is gone when drop
        // returns. Otherwise it is in a refetch; it ends by itself when that returns.
        let done = self.done.lock().unwrap_or_else(|p| p.into_inner());
        if done.recv_timeout(Duration::from_millis(100)).is_ok()
            && let Some(t) = self.thread.take()
        {
            let _ = t.join();
        }
    }
}

/// A stop was sent, or the handle is gone.
fn stopped(rx: &Receiver<()>) -> bool {
    !matches!(rx.try_recv(), Err(mpsc::TryRecvError::Empty))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(expires: &str) -> Session {
        Session::from_json(serde_json::json!({"user": {"name": "A"}, "expires": expires})).unwrap()
    }

    #[test]
    fn expiry_is_read_from_iso_8601() {
        let o = Observer::default();
        let soon = time::OffsetDateTime::now_utc() + time::Duration::seconds(5);
        let text = soon
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap();
        o.session(&Some(session(&text)), Source::ServerWithCookie);
        let left = o.expires_in().expect("parsed");
        assert!(
            left > Duration::from_secs(3) && left <= Duration::from_secs(5),
            "{left:?}"
        );
        o.session(
            &Some(session("2026-12-01T19:54:42.308Z")),
            Source::ServerWithCookie,
        );
        assert_eq!(o.expires_in(), Some(Duration::ZERO));
    }

    #[test]
    fn handles_can_be_shared_across_threads() {
        fn send_sync<T: Send + Sync>() {}
        fn send<T: Send>() {}
        send_sync::<Watcher>();
        send::<Watch>();
        send_sync::<Event>();
    }

    /// A slid `expires` is a `Refreshed` event only for watches that asked for it, and
    /// the known session follows it either way; a change of user data is `Updated`.
    #[test]
    fn refreshes_and_updates() {
        let o = Observer::default();
        let (tx_all, rx_all) = mpsc::channel();
        let (tx_some, rx_some) = mpsc::channel();
        o.subscribe(tx_all, true);
        o.subscribe(tx_some, false);
        let names = |rx: &Receiver<Msg>| -> Vec<&'static str> {
            rx.try_iter()
                .filter_map(|m| match m {
                    Msg::Event(e) => Some(e.name()),
                    Msg::Refetch => None,
                })
                .collect()
        };
        o.session(
            &Some(session("2030-01-01T00:00:00.000Z")),
            Source::ServerWithCookie,
        );
        o.session(
            &Some(session("2030-01-01T00:00:01.000Z")),
            Source::ServerWithCookie,
        );
        o.session(
            &Some(session("2030-01-01T00:00:01.000Z")),
            Source::ServerWithCookie,
        );
        assert_eq!(names(&rx_all), ["refreshed"]);
        assert!(names(&rx_some).is_empty());
        let known = o.current().unwrap().unwrap();
        assert_eq!(known.expires.as_deref(), Some("2030-01-01T00:00:01.000Z"));
        assert_eq!(known.raw()["expires"], "2030-01-01T00:00:01.000Z");
        let renamed = Session::from_json(
            serde_json::json!({"user": {"name": "B"}, "expires": "2030-01-01T00:00:02.000Z"}),
        )
        .unwrap();
        o.session(&Some(renamed), Source::ServerWithCookie);
        assert_eq!(names(&rx_all), ["updated"]);
        assert_eq!(names(&rx_some), ["updated"]);
        o.session(&None, Source::ServerWithCookie);
        assert_eq!(names(&rx_some), ["signed_out"]);
        assert_eq!(o.status(), Status::Unauthenticated);
    }
}
