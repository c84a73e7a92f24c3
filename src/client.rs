//! The blocking client: `authjs::Client`.

use crate::builder::ClientBuilder;
use crate::cookie_file;
use crate::cookie_formats::{self, CookieFormat, CookieImport};
use crate::cookies::{CookieInfo, Jar, StorePolicy, is_session_cookie_name};
use crate::endpoint::{Endpoint, redact};
use crate::error::{Error, ErrorKind, Result};
use crate::http::{Body, Reply, Transport};
use crate::lookup::Lookup;
use crate::providers::{self, Provider, Providers};
use crate::response::Response;
use crate::session::Session;
use crate::signin::{FormPost, tidy_pasted_url};
use crate::signin::{
    RedirectOutcome, SignInOptions, SignInResponse, SignOutOptions, SignOutResponse,
    check_callback_url, redirect_target,
};
use crate::store::{JarState, Store};
use crate::watch::{Event, Observer, SignOutReason, Source, Status, Watch, WatchOptions, Watcher};
use serde_json::Value;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};
use url::Url;

/// A client for one Auth.js server.
///
/// Blocking, `Send + Sync` and cheap to clone (clones share the connection pool and
/// the cookie jar), so one client can serve many threads. The jar's lock is held only
/// while cookies are read or stored, never during network I/O.
///
/// ```no_run
/// let client = authjs::Client::new("http://127.0.0.1:3000")?;
/// let res = client.sign_in(
///     Some("credentials"),
///     authjs::SignInOptions::new().field("username", "alice").field("password", "secret"),
/// )?;
/// if res.ok {
///     let session = client.get_session()?.expect("signed in");
///     println!("hello {:?}", session.user.name);
/// }
/// # Ok::<(), authjs::Error>(())
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    /// Shared with the client's [`user`](Client::user) handles: the same server.
    endpoint: Arc<Endpoint>,
    /// Shared with the user handles: one connection pool and TLS configuration for
    /// every user of a process (issue 17).
    transport: Arc<Transport>,
    /// Per client: the jar (and cookie file) of this one user.
    store: Store,
    /// Shared with the user handles: the provider list is the server's, not a user's,
    /// so a thousand users signing in fetch it once.
    providers: Arc<Mutex<Option<Providers>>>,
}

/// How an exchange's reply cookies are stored (see `StorePolicy::sent`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Writes {
    /// A read that only re-issues what it was sent (GET session, GET csrf): loses to
    /// any change made since its request was sent.
    Refresh,
    /// A sign-in, update, sign-out, magic link or app route: always applies.
    Authoritative,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let cookies = self.lock().jar.len();
        f.debug_struct("Client")
            .field("base_url", &self.inner.endpoint.base_url())
            .field("cookies", &cookies)
            .finish()
    }
}

/// One attempt of a CSRF-protected POST.
enum Attempt<T> {
    Done(T),
    CsrfRejected,
}

impl Client {
    /// A client with default settings for a `NEXTAUTH_URL`-style URL
    /// (`http://127.0.0.1:3000` means `http://127.0.0.1:3000/api/auth`).
    pub fn new(url: &str) -> Result<Client> {
        Self::builder(url).build()
    }

    /// A builder for a client of `url`.
    pub fn builder(url: impl Into<String>) -> ClientBuilder {
        ClientBuilder::new(url.into())
    }

    /// A client from what [`ClientBuilder::build`] checked and opened.
    pub(crate) fn from_parts(endpoint: Endpoint, transport: Transport, store: Store) -> Client {
        Client {
            inner: Arc::new(Inner {
                endpoint: Arc::new(endpoint),
                transport: Arc::new(transport),
                store,
                providers: Arc::new(Mutex::new(None)),
            }),
        }
    }

    // ----- many users on one pool (issue 17) --------------------------------------

    /// A light client for another user of the same server: an empty in-memory jar of
    /// its own, on this client's connection pool, TLS configuration, endpoint and
    /// options (timeouts, user agent, proxy, body cap) and providers cache. Not its
    /// cookie file and not its watches: the new client's session is its own.
    ///
    /// What a load test or a backend serving many users wants instead of a client per
    /// user: no new connection (nor TLS handshake) per user, and only the jar's few KiB
    /// per user. Clones of the new client share its jar, as clones always do.
    pub fn user(&self) -> Client {
        Client {
            inner: Arc::new(Inner {
                endpoint: self.inner.endpoint.clone(),
                transport: self.inner.transport.clone(),
                store: Store::in_memory(self.inner.endpoint.origin()),
                providers: self.inner.providers.clone(),
            }),
        }
    }

    /// [`user`](Self::user), with the jar seeded from a browser's `Cookie` header
    /// (`name=value; …`), read as leniently as [`ClientBuilder::cookie_header`]: pairs
    /// a browser may send but Auth.js never reads are skipped. Fails with
    /// [`ErrorKind::InvalidArgument`] when an Auth.js cookie in it is malformed or
    /// the header holds no usable cookie at all; the message never quotes the header.
    pub fn user_with_cookies(&self, cookie_header: &str) -> Result<Client> {
        let user = self.user();
        user.lock()
            .jar
            .add_cookie_header(cookie_header, self.inner.endpoint.origin_url())?;
        Ok(user)
    }

    /// `getServerSession()` for a backend: who the browser that sent `cookie_header`
    /// (its `Cookie` request header) is, and the `Set-Cookie` headers to pass back to
    /// it.
    ///
    /// Stateless: this client's jar is neither read nor changed, so one client serves
    /// every request of a backend, from any number of threads, on one connection pool.
    /// Only the session-token cookies (and chunks) of the header are sent: the app's
    /// other cookies are none of the auth server's business. A header without one
    /// makes no request at all (`session: None`, no cookies). The server re-issues the
    /// session cookie on every read (sliding expiry); [`Lookup::set_cookies`] holds its
    /// `Set-Cookie` values exactly as sent, attributes intact, for the backend's reply
    /// to the browser, which otherwise is signed out when the first cookie expires.
    ///
    /// A cookie the server no longer accepts (signed out, expired, another secret,
    /// garbage) is `session: None`, with whatever cookies the server sent to clear it.
    /// A malformed session cookie (characters no browser sends) or a header with
    /// control characters is [`ErrorKind::InvalidArgument`] and sends nothing.
    pub fn lookup(&self, cookie_header: &str) -> Result<Lookup> {
        let cookie = crate::lookup::session_cookie_header(cookie_header)?;
        if cookie.is_empty() {
            return Ok(Lookup::default());
        }
        let url = self.inner.endpoint.action("session");
        let reply = self.inner.transport.send("GET", &url, &cookie, &[], None)?;
        if !reply.is_success() {
            return Err(self.status_error(&reply, "GET session"));
        }
        let session = Session::from_json(self.json_body(&reply, &url)?);
        Ok(Lookup {
            session,
            set_cookies: reply.set_cookies,
        })
    }

    /// Where the API lives.
    pub fn endpoint(&self) -> &Endpoint {
        &self.inner.endpoint
    }

    // ----- operations -------------------------------------------------------------

    /// `getSession()`: the current session, or `None` when signed out.
    ///
    /// v4's `{}`, v5's `null` and any body that is not session-shaped mean `None`
    /// (fail closed). The re-issued session cookie (sliding expiry) is stored.
    pub fn get_session(&self) -> Result<Option<Session>> {
        let url = self.inner.endpoint.action("session");
        let reply = self.exchange("GET", &url, &[], None, Writes::Refresh)?;
        if !reply.is_success() {
            return Err(self.status_error(&reply, "GET session"));
        }
        let session = Session::from_json(self.json_body(&reply, &url)?);
        // `None` after sending a session cookie means the server dropped it; without
        // one (it expired in the jar), that the session ran out.
        let source = if reply.sent_session {
            Source::ServerWithCookie
        } else {
            Source::ServerWithoutCookie
        };
        // A sign-out while this read was in flight already told the watches; a reply
        // from before it must not report the session again (the jar refused its
        // cookie for the same reason).
        if !reply.superseded {
            self.observer().session(&session, source);
        }
        Ok(session)
    }

    /// `getCsrfToken()`: the CSRF token. Taken from the CSRF cookie when the jar has
    /// one (the token is stable for the cookie's lifetime), otherwise fetched.
    pub fn get_csrf_token(&self) -> Result<String> {
        self.sync()?;
        if let Some(t) = self.lock().jar.csrf_token() {
            return Ok(t);
        }
        self.fetch_csrf_token()
    }

    /// `getProviders()`: the server's providers, by id. Also refreshes the cache
    /// `sign_in` uses.
    pub fn get_providers(&self) -> Result<Providers> {
        let url = self.inner.endpoint.action("providers");
        let reply = self.exchange("GET", &url, &[], None, Writes::Refresh)?;
        if !reply.is_success() {
            return Err(self.status_error(&reply, "GET providers"));
        }
        let value = self.json_body(&reply, &url)?;
        let providers = providers::parse(value).map_err(|m| {
            Error::protocol(format!("{}: {m}", redact(&url)))
                .with_status(reply.status)
                .with_body(&reply.body)
        })?;
        *self
            .inner
            .providers
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = Some(providers.clone());
        Ok(providers)
    }

    /// `signIn(provider, options, authorizationParams)` without navigation.
    ///
    /// - `None`: no request; returns the built-in sign-in page URL (status 0).
    /// - credentials: POST `callback/<id>`; the session cookie lands in the jar.
    /// - email: POST `signin/<id>`; `url` is the verify-request page, and the link
    ///   is redeemed later with [`complete_sign_in`](Self::complete_sign_in).
    /// - OAuth/OIDC: POST `signin/<id>`; `url` is the provider's authorize URL; the
    ///   state/PKCE/nonce cookies stay in the jar for `complete_sign_in`.
    ///
    /// A refused sign-in (wrong password, `AccessDenied`, …) is `Ok` with `error`
    /// set and `ok == false`. Errors: [`ErrorKind::UnknownProvider`] (with the known
    /// ids), [`ErrorKind::UnsupportedProvider`] for WebAuthn, [`ErrorKind::Csrf`]
    /// when the token is rejected even after a fresh one, and transport errors.
    pub fn sign_in(
        &self,
        provider: Option<&str>,
        options: SignInOptions,
    ) -> Result<SignInResponse> {
        options.check_fields()?;
        let callback_url = self.callback_url(options.callback_url.as_deref())?;
        let Some(id) = provider else {
            let mut url = self.inner.endpoint.action("signin");
            url.query_pairs_mut()
                .append_pair("callbackUrl", &callback_url);
            return Ok(SignInResponse {
                error: None,
                code: None,
                status: 0,
                ok: true,
                url: Some(url.to_string()),
            });
        };
        let provider = self.provider(id)?;
        if provider.kind == "webauthn" {
            return Err(Error::new(
                ErrorKind::UnsupportedProvider,
                format!(
                    "provider {id:?} is a WebAuthn (passkey) provider, which needs a browser \
                     authenticator; this client does not support it"
                ),
            ));
        }
        let action = if provider.is_credentials() {
            "callback"
        } else {
            "signin"
        };
        let mut url = self.inner.endpoint.action(&format!("{action}/{id}"));
        if !options.authorization_params.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(options.authorization_params.iter());
        }
        self.with_csrf(|token| {
            let mut form = vec![
                ("csrfToken".to_string(), token.to_string()),
                ("callbackUrl".to_string(), callback_url.clone()),
                ("json".to_string(), "true".to_string()),
            ];
            form.extend(options.fields.iter().cloned());
            let reply = self.post_form(&url, form)?;
            let (target, text) = self.redirect_target(&reply, &url)?;
            if RedirectOutcome::read(&target).csrf_rejected {
                return Ok(Attempt::CsrfRejected);
            }
            Ok(Attempt::Done(SignInResponse::from_redirect(
                reply.status,
                &target,
                &text,
                200..300,
            )))
        })
        .inspect(|r| {
            // A credentials sign-in set the session cookie: watches look the session
            // up (and report it once). Email and OAuth finish in complete_sign_in.
            if r.ok && provider.is_credentials() {
                self.observer().poke();
            }
        })
    }

    /// Finishes a sign-in whose last step happened elsewhere: an email magic link, or
    /// an OAuth callback URL intercepted from a browser or web view. The URL is
    /// fetched with this jar (which must hold the OAuth state/PKCE cookies) without
    /// following the redirect; the session cookie is stored and the redirect is read
    /// like a sign-in reply. A redirect is the normal answer here, so `ok` is true for
    /// any 2xx/3xx status without an error. URLs of another origin are refused.
    ///
    /// Paste debris is tolerated (whitespace, surrounding quotes or angle brackets, a
    /// trailing `#_=_`): a person copying the URL from a browser's address bar is one of
    /// the ways it arrives. The URL is a one-time secret (its query holds the code and
    /// state, or the magic-link token) and appears in no error message.
    pub fn complete_sign_in(&self, callback_url: &str) -> Result<SignInResponse> {
        let url = self
            .inner
            .endpoint
            .resolve_same_origin(&tidy_pasted_url(callback_url))?;
        let reply = self.exchange("GET", &url, &[], None, Writes::Authoritative)?;
        self.completed(&reply, &url)
    }

    /// Finishes an OAuth sign-in whose provider answers with `response_mode=form_post`
    /// (Apple, many OIDC providers): the provider's page is an auto-submitting form, and
    /// @auth/core reads that callback only from a POST body, so the URL alone cannot
    /// complete it. Sends `fields` (the form's `code`, `state`, … as the page holds them)
    /// as the browser would, to `action` (the form's action, this server's callback),
    /// with this jar's state/PKCE/nonce cookies; the result is read as in
    /// [`complete_sign_in`](Self::complete_sign_in). No CSRF token is involved: Auth.js
    /// checks the OAuth state instead. Another origin is refused.
    pub fn complete_sign_in_form(
        &self,
        action: &str,
        fields: &[(String, String)],
    ) -> Result<SignInResponse> {
        let url = self
            .inner
            .endpoint
            .resolve_same_origin(&tidy_pasted_url(action))?;
        let reply = self.exchange(
            "POST",
            &url,
            &[],
            Some(&Body::Form(fields.to_vec())),
            Writes::Authoritative,
        )?;
        self.completed(&reply, &url)
    }

    /// [`complete_sign_in_form`](Self::complete_sign_in_form) with the form read from
    /// the provider's page (see [`FormPost::from_html`]): what a web view that captured
    /// the page's HTML hands over.
    pub fn complete_sign_in_form_html(&self, html: &str) -> Result<SignInResponse> {
        let form = FormPost::from_html(html)?;
        self.complete_sign_in_form(&form.action, &form.fields)
    }

    /// The result of a completion request (GET of a callback URL or magic link, POST
    /// of a form_post callback). A redirect is the normal answer, so `ok` is true for
    /// any 2xx/3xx status without an error.
    fn completed(&self, reply: &Reply, url: &Url) -> Result<SignInResponse> {
        let (target, text) = self.redirect_target(reply, url)?;
        let response = SignInResponse::from_redirect(reply.status, &target, &text, 200..400);
        if response.ok {
            // Watches look the new session up (and report it once).
            self.observer().poke();
        }
        Ok(response)
    }

    /// `useSession().update(data)`: POSTs `{csrfToken, data}` to `session` and returns
    /// the updated session (`None` when signed out). `Value::Null` sends no `data`,
    /// which only refreshes the session.
    pub fn update_session(&self, data: Value) -> Result<Option<Session>> {
        let url = self.inner.endpoint.action("session");
        self.with_csrf(|token| {
            let mut body = serde_json::Map::new();
            body.insert("csrfToken".into(), Value::String(token.to_string()));
            if !data.is_null() {
                body.insert("data".into(), data.clone());
            }
            let reply = self.exchange(
                "POST",
                &url,
                &[],
                Some(&Body::Json(Value::Object(body))),
                Writes::Authoritative,
            )?;
            // Both versions answer a CSRF failure with 400 and an anonymous body.
            if reply.status == 400 {
                return Ok(Attempt::CsrfRejected);
            }
            if !reply.is_success() {
                return Err(self.status_error(&reply, "POST session"));
            }
            let session = Session::from_json(self.json_body(&reply, &url)?);
            if !reply.superseded {
                self.observer().session(&session, Source::ServerWithCookie);
            }
            Ok(Attempt::Done(session))
        })
    }

    /// `signOut()` without navigation. Whatever the outcome (even a network error after
    /// the request was sent), the jar holds no session cookie afterwards.
    pub fn sign_out(&self, options: SignOutOptions) -> Result<SignOutResponse> {
        let result = self.sign_out_remote(&options);
        let persisted = self.mutate(|jar| {
            jar.next_epoch();
            jar.remove_session();
            Ok(())
        });
        self.observer().signed_out(SignOutReason::Local);
        let response = result?;
        persisted?;
        Ok(response)
    }

    fn sign_out_remote(&self, options: &SignOutOptions) -> Result<SignOutResponse> {
        let callback_url = self.callback_url(options.callback_url.as_deref())?;
        let url = self.inner.endpoint.action("signout");
        self.with_csrf(|token| {
            let form = vec![
                ("csrfToken".to_string(), token.to_string()),
                ("callbackUrl".to_string(), callback_url.clone()),
                ("json".to_string(), "true".to_string()),
            ];
            let reply = self.post_form(&url, form)?;
            let (target, text) = self.redirect_target(&reply, &url)?;
            if RedirectOutcome::read(&target).csrf_rejected {
                return Ok(Attempt::CsrfRejected);
            }
            Ok(Attempt::Done(SignOutResponse { url: text }))
        })
    }

    /// An authenticated request to the app's own routes (`/api/me`): the jar's cookies
    /// are sent and cookies in the reply are stored. Redirects are returned, not
    /// followed. `path_or_url` is a path (`/api/me`) or a URL of the server's origin;
    /// other origins are refused. `headers` may not set `Cookie` or `Host`; a
    /// `Content-Type` among them overrides the body's own type (so every front end
    /// passes the caller's headers through unchanged and gets the same request).
    pub fn request(
        &self,
        method: &str,
        path_or_url: &str,
        body: Option<Body>,
        headers: &[(String, String)],
    ) -> Result<Response> {
        let url = self.inner.endpoint.resolve_same_origin(path_or_url)?;
        for (k, v) in headers {
            if k.eq_ignore_ascii_case("cookie") || k.eq_ignore_ascii_case("host") {
                return Err(Error::invalid(format!(
                    "the {k} header is managed by the client"
                )));
            }
            let name_ok = !k.is_empty() && k.bytes().all(|b| b.is_ascii_graphic() && b != b':');
            if !name_ok || !crate::http::is_header_value(v) {
                return Err(Error::invalid(
                    "a request header name or value is malformed",
                ));
            }
        }
        let reply = self.exchange(method, &url, headers, body.as_ref(), Writes::Authoritative)?;
        Ok(Response {
            status: reply.status,
            headers: reply.headers(),
            body: reply.body,
        })
    }

    // ----- cookies ----------------------------------------------------------------

    /// The `Cookie` header the jar would send to the app's routes (`name=value; …`).
    /// This is a credential: do not log it.
    pub fn cookie_header(&self) -> String {
        self.sync_quietly();
        self.lock().jar.header_for(self.inner.endpoint.origin_url())
    }

    /// Every cookie in the jar.
    pub fn cookies(&self) -> Vec<CookieInfo> {
        self.sync_quietly();
        self.lock().jar.list()
    }

    /// True when the jar holds a session-token cookie (or chunk). This says nothing
    /// about whether the server still accepts it: use [`get_session`](Self::get_session).
    pub fn has_session_cookie(&self) -> bool {
        self.sync_quietly();
        self.lock().jar.has_session()
    }

    /// The jar as JSON text (the cookie-file format), bound to this server's origin:
    /// [`export_cookies_as`](Self::export_cookies_as) with [`CookieFormat::Jar`].
    pub fn export_cookies(&self) -> Result<String> {
        self.export_cookies_as(CookieFormat::Jar)
    }

    /// The jar in `format`, for a browser (`Playwright`), a WebDriver test
    /// (`WebDriver`), curl or wget (`Netscape`), a header (`Header`) or another authjs
    /// client (`Jar`). Every format but `Header` holds the cookies' values, which are
    /// credentials. See `docs/cookies.md`.
    pub fn export_cookies_as(&self, format: CookieFormat) -> Result<String> {
        self.sync()?;
        let jar = self.lock().jar.clone();
        cookie_formats::export(&jar, format, self.inner.endpoint.origin_url())
    }

    /// Replaces the jar with exported cookies (an authjs cookie file of any version);
    /// refuses cookies of another origin. Nothing changes on error.
    pub fn import_cookies(&self, text: &str) -> Result<()> {
        self.import_cookies_as(Some(CookieFormat::Jar), text)
            .map(drop)
    }

    /// Replaces the jar (the session, like a sign-in would) with cookies in `format`
    /// (`None`: told from the text, [`CookieFormat::detect`]). A browser's cookies
    /// (storageState, WebDriver list, cookies.txt) may span many sites: only this
    /// server's are taken, and the rest, secure cookies a browser would not send to
    /// this origin and expired ones are counted in [`CookieImport::skipped`]. An authjs
    /// cookie file must belong to this origin. Malformed input is an
    /// [`ErrorKind::InvalidArgument`](crate::ErrorKind) error and changes nothing.
    /// Replies to requests sent before the import may not store session cookies
    /// (the jar starts a new sign-out epoch), like [`import_cookies`](Self::import_cookies).
    pub fn import_cookies_as(
        &self,
        format: Option<CookieFormat>,
        text: &str,
    ) -> Result<CookieImport> {
        let (fresh, report) =
            cookie_formats::import(format, text, self.inner.endpoint.origin_url())?;
        self.mutate(|jar| {
            jar.replace_with(fresh);
            Ok(())
        })?;
        Ok(report)
    }

    /// The jar in Netscape `cookies.txt` format, for `curl -b` and `wget --load-cookies`.
    pub fn netscape_cookies(&self) -> String {
        self.sync_quietly();
        cookie_formats::netscape(&self.lock().jar.list())
    }

    /// Writes the jar to `path` atomically with mode 0600.
    pub fn save_cookies(&self, path: impl AsRef<Path>) -> Result<()> {
        self.save_cookies_as(path, CookieFormat::Jar)
    }

    /// Writes the jar in `format` to `path` atomically with mode 0600 (exports hold
    /// credentials), e.g. a storageState file for Playwright's `storageState` option.
    pub fn save_cookies_as(&self, path: impl AsRef<Path>, format: CookieFormat) -> Result<()> {
        let text = self.export_cookies_as(format)?;
        cookie_file::write_private_atomic(path.as_ref(), text.as_bytes()).map(drop)
    }

    /// Replaces the jar with the cookies saved in `path` (nothing changes on error).
    pub fn load_cookies(&self, path: impl AsRef<Path>) -> Result<()> {
        self.load_cookies_as(path, Some(CookieFormat::Jar))
            .map(drop)
    }

    /// [`import_cookies_as`](Self::import_cookies_as) from a file (a regular file of at
    /// most 4 MiB; FIFOs and devices are refused without blocking).
    pub fn load_cookies_as(
        &self,
        path: impl AsRef<Path>,
        format: Option<CookieFormat>,
    ) -> Result<CookieImport> {
        let text = cookie_file::read_existing(path.as_ref())?;
        self.import_cookies_as(format, &text)
            .map_err(|e| e.in_file(path.as_ref()))
    }

    /// Empties the jar (and the cookie file, when one is configured).
    pub fn clear_cookies(&self) -> Result<()> {
        let cleared = self.mutate(|jar| {
            jar.next_epoch();
            jar.clear();
            Ok(())
        });
        self.observer().signed_out(SignOutReason::Local);
        cleared
    }

    // ----- lifecycle (SessionProvider / useSession) -------------------------------

    /// `useSession().status`: [`Status::Loading`] until this client first learned the
    /// session (any `get_session`, `update_session`, `sign_out`, or a watch), then
    /// authenticated or unauthenticated. No request.
    pub fn status(&self) -> Status {
        self.observer().status()
    }

    /// A watch on the caller's thread (no thread is started): call
    /// [`Watch::next_event`] to get events; it does the refetches and cookie-file
    /// checks that fall due while it waits. See [`WatchOptions`].
    pub fn watch(&self, options: WatchOptions) -> Result<Watch> {
        Watch::new(self, options)
    }

    /// A watch on a thread of its own. With a `callback`, every event is passed to it
    /// on that thread; without one, pull them with [`Watcher::next_event`]. The thread
    /// never keeps the process alive and ends when the handle is dropped.
    pub fn watch_in_background(
        &self,
        options: WatchOptions,
        callback: Option<Box<dyn FnMut(Event) + Send>>,
    ) -> Result<Watcher> {
        Watcher::start(self, options, callback)
    }

    /// What this client knows about the session (for the watches).
    pub(crate) fn observer(&self) -> &Observer {
        self.inner.store.observer()
    }

    /// Re-reads the cookie file if another process wrote it (a watch's file check).
    pub(crate) fn sync_cookie_file(&self) -> Result<()> {
        self.sync()
    }

    // ----- internals --------------------------------------------------------------

    fn lock(&self) -> MutexGuard<'_, JarState> {
        self.inner.store.lock()
    }

    fn sync(&self) -> Result<()> {
        self.inner.store.sync()
    }

    fn sync_quietly(&self) {
        self.inner.store.sync_quietly()
    }

    fn mutate<T>(&self, change: impl FnOnce(&mut Jar) -> Result<T>) -> Result<T> {
        self.inner.store.mutate(change)
    }

    /// Sends one request with the jar's cookies and stores the reply's cookies.
    ///
    /// With a cookie file, the jar is first brought up to date with the file (one
    /// `stat`; a re-read only when another client or process wrote it), so this
    /// request carries what is on disk: a sign-out elsewhere is seen without an extra
    /// request. Reply cookies are merged into the file under its lock.
    fn exchange(
        &self,
        method: &str,
        url: &Url,
        headers: &[(String, String)],
        body: Option<&Body>,
        writes: Writes,
    ) -> Result<Reply> {
        self.sync()?;
        let (cookie, epoch) = {
            let state = self.lock();
            (state.jar.header_for(url), state.jar.epoch())
        };
        let mut reply = self
            .inner
            .transport
            .send(method, url, &cookie, headers, body)?;
        // Split on the byte `;` (memchr) rather than the string "; " (a substring
        // search, ≈ 2,400 instructions over a session token): the jar joins pairs
        // with "; ", and no name or value holds a `;`.
        reply.sent_session = cookie.split(';').any(|p| {
            p.trim_start_matches(' ')
                .split('=')
                .next()
                .is_some_and(is_session_cookie_name)
        });
        if reply.set_cookies.is_empty() {
            reply.superseded = self.lock().jar.epoch() != epoch;
        } else {
            let (refused, superseded) = self.mutate(|jar| {
                let superseded = jar.epoch() != epoch;
                let policy = StorePolicy {
                    // A sign-out or clear since the request was sent (here or in another
                    // process) voids the session cookies of its reply.
                    keep_session: !superseded,
                    sent: (writes == Writes::Refresh).then_some(cookie.as_str()),
                };
                Ok((
                    jar.store(&reply.set_cookies, url, &policy).refused,
                    superseded,
                ))
            })?;
            reply.superseded = superseded;
            if !refused.is_empty() {
                return Err(Error::protocol(format!(
                    "the cookie jar is full ({} cookies): the server's new cookie(s) {} were \
                     refused; clear cookies the app no longer needs",
                    crate::cookies::MAX_COOKIES,
                    refused.join(", ")
                )));
            }
        }
        Ok(reply)
    }

    fn post_form(&self, url: &Url, form: Vec<(String, String)>) -> Result<Reply> {
        // `json=true` (in the form) asks v4 for JSON, the header asks v5: sending both
        // makes one client work with either server.
        let headers = [("X-Auth-Return-Redirect".to_string(), "1".to_string())];
        self.exchange(
            "POST",
            url,
            &headers,
            Some(&Body::Form(form)),
            Writes::Authoritative,
        )
    }

    /// Runs a CSRF-protected POST; on rejection drops the CSRF cookie, fetches a
    /// fresh token and tries once more.
    fn with_csrf<T>(&self, mut attempt: impl FnMut(&str) -> Result<Attempt<T>>) -> Result<T> {
        let token = self.get_csrf_token()?;
        if let Attempt::Done(v) = attempt(&token)? {
            return Ok(v);
        }
        {
            let mut state = self.lock();
            state.jar.remove_csrf();
        }
        let token = self.fetch_csrf_token()?;
        match attempt(&token)? {
            Attempt::Done(v) => Ok(v),
            Attempt::CsrfRejected => Err(Error::new(
                ErrorKind::Csrf,
                "the server rejected the CSRF token twice, the second time a fresh one: the \
                 CSRF cookie is probably not reaching the server (a Secure cookie over plain \
                 http, a proxy that drops cookies, or a host name that differs from the \
                 server's own)",
            )),
        }
    }

    fn fetch_csrf_token(&self) -> Result<String> {
        let url = self.inner.endpoint.action("csrf");
        let reply = self.exchange("GET", &url, &[], None, Writes::Refresh)?;
        if reply.status == 404 {
            // CSRF checking is disabled on this server (@auth/sveltekit's
            // skipCSRFCheck): an empty token is what the JS client sends then.
            return Ok(String::new());
        }
        if !reply.is_success() {
            return Err(self.status_error(&reply, "GET csrf"));
        }
        let value = self.json_body(&reply, &url)?;
        // The token that matches the CSRF cookie the next request will carry: another
        // thread or process sharing the jar may have stored its own CSRF cookie first,
        // and then this reply's cookie was not stored (a refresh loses to newer
        // cookies), so the reply's token would be rejected.
        if let Some(t) = self.lock().jar.csrf_token() {
            return Ok(t);
        }
        match value.get("csrfToken").and_then(Value::as_str) {
            Some(t) if !t.is_empty() => Ok(t.to_string()),
            _ => Err(
                Error::protocol(format!("{}: the reply has no csrfToken", redact(&url)))
                    .with_status(reply.status),
            ),
        }
    }

    /// The provider `id`: from the providers cache `get_providers` and `sign_in` keep,
    /// or, on a miss, from a fresh providers list (one request). Fails with
    /// [`ErrorKind::UnknownProvider`] (carrying the ids the server offers, see
    /// [`Error::known_ids`]) when the server has no such provider, and with
    /// [`ErrorKind::InvalidArgument`] for an id that cannot be one. Nothing is signed in:
    /// use it to decide how to drive a sign-in before asking the user for a password.
    pub fn provider(&self, id: &str) -> Result<Provider> {
        if id.is_empty()
            || !id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.~".contains(&b))
        {
            return Err(Error::invalid(
                "a provider id may only contain letters, digits, '-', '_', '.' and '~'",
            ));
        }
        let cached = self
            .inner
            .providers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            .and_then(|p| p.get(id).cloned());
        if let Some(p) = cached {
            return Ok(p);
        }
        let providers = self.get_providers()?;
        providers.get(id).cloned().ok_or_else(|| {
            let known: Vec<String> = providers.keys().cloned().collect();
            Error::new(
                ErrorKind::UnknownProvider,
                format!(
                    "the server has no provider {id:?}; it offers: {}",
                    if known.is_empty() {
                        "none".to_string()
                    } else {
                        known.join(", ")
                    }
                ),
            )
            .with_known_ids(known)
        })
    }

    /// The `callbackUrl` to send: the caller's (validated), else the origin.
    fn callback_url(&self, given: Option<&str>) -> Result<String> {
        match given {
            Some(s) => {
                check_callback_url(s)?;
                Ok(s.to_string())
            }
            None => Ok(self.inner.endpoint.origin()),
        }
    }

    /// The URL a flow redirected to: `{"url": …}` in a JSON body, else a 3xx
    /// `Location`. Relative URLs are resolved against the origin. Returns the parsed
    /// URL and the text to hand to the caller: the server's own string when it was
    /// absolute (so `http://host:3000` is not rewritten as `http://host:3000/`).
    fn redirect_target(&self, reply: &Reply, url: &Url) -> Result<(Url, String)> {
        // Auth.js redirects with 302 (or `{url}`); 307/308 come from the web framework
        // in front of it (Next.js sends `<path>/` to `<path>` with 308), so the flow
        // never reached Auth.js and must not read as a completed step.
        if reply.status == 307 || reply.status == 308 {
            let slash = if url.path().ends_with('/') {
                ": Next.js redirects a path with a trailing slash; use the URL exactly as \
                 the server sent it"
            } else {
                ""
            };
            return Err(Error::protocol(format!(
                "{} (HTTP {}): redirected by the web framework to {}, not answered by \
                 Auth.js{slash}",
                redact(url),
                reply.status,
                reply
                    .header("location")
                    .and_then(|l| url.join(l).ok())
                    .map(|l| redact(&l))
                    .unwrap_or_else(|| "nowhere".into()),
            ))
            .with_status(reply.status));
        }
        let location = reply
            .is_redirect()
            .then(|| reply.header("location"))
            .flatten();
        if let Some(found) = redirect_target(&self.inner.endpoint, &reply.body, location) {
            return Ok(found);
        }
        if reply.status >= 400 {
            return Err(self.status_error(reply, &redact(url)));
        }
        Err(self.not_json_error(
            reply,
            url,
            "a redirect URL (a JSON {url} or a Location header)",
        ))
    }

    /// An HTTP-status error; a 404 (or a 400 to a GET) from the API usually means a
    /// wrong base path.
    fn status_error(&self, reply: &Reply, what: &str) -> Error {
        let e = Error::http(reply.status, what, &reply.body);
        // Auth.js answers 400 to a GET of an action it does not know ("Bad request.",
        // v4: "This action with HTTP GET is not supported"): a base path inside the mount.
        let unknown_action = reply.status == 400 && what.starts_with("GET ");
        if reply.status == 404 || unknown_action {
            let msg = format!(
                "{}{} (is the base path right? this client uses {})",
                e.message(),
                if unknown_action {
                    ", which Auth.js answers to an action it does not know"
                } else {
                    ""
                },
                self.inner.endpoint.base_url()
            );
            return Error::new(ErrorKind::Http, msg)
                .with_status(reply.status)
                .with_body(&reply.body);
        }
        e
    }

    fn json_body(&self, reply: &Reply, url: &Url) -> Result<Value> {
        serde_json::from_slice(&reply.body).map_err(|_| self.not_json_error(reply, url, "JSON"))
    }

    fn not_json_error(&self, reply: &Reply, url: &Url, expected: &str) -> Error {
        let trimmed = reply
            .body
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .map(|i| &reply.body[i..])
            .unwrap_or(&[]);
        let hint = if trimmed.starts_with(b"<") {
            format!(
                " but received HTML: is the base path right? (this client uses {}; pass the \
                 API URL, e.g. http://host:3000/api/auth or .../auth for @auth/express)",
                self.inner.endpoint.base_path()
            )
        } else if trimmed.is_empty() {
            " but the body was empty".to_string()
        } else {
            " but the body is not valid JSON".to_string()
        };
        Error::protocol(format!(
            "{} (HTTP {}): expected {expected}{hint}",
            redact(url),
            reply.status
        ))
        .with_status(reply.status)
        .with_body(&reply.body)
    }
}
