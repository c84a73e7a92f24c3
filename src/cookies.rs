//! The cookie jar: one per client, scoped to the server's origin.
//!
//! A thin layer over `cookie_store` (RFC 6265 matching, expiry, `Max-Age=0` deletion)
//! that adds what Auth.js needs and browsers do implicitly:
//! - `__Secure-`/`__Host-` prefix rules are enforced on receipt;
//! - the session cookie is recognised by name suffix, including chunks (`.0`, `.1`, …);
//! - the CSRF token is read back from the CSRF cookie (`token|hash`), so it is reused for
//!   as long as the cookie lives instead of being fetched before every POST;
//! - persistence keeps non-persistent cookies too (Auth.js's CSRF and callback-url
//!   cookies are session cookies) and records the origin the cookies belong to, so a
//!   file cannot be replayed against another server;
//! - the jar's contents never appear in `Debug` output.

use crate::cookie_formats::{self, SameSite};
use crate::error::{Error, Result};
use cookie_store::{CookieDomain, CookieExpiration, CookieStore, RawCookie};
use std::ops::Range;
use url::Url;

/// At most this many cookies are kept; Auth.js uses fewer than ten.
pub(crate) const MAX_COOKIES: usize = 256;

/// True for Auth.js session-token cookies, chunked or not, v4 or v5, with or without
/// the `__Secure-` prefix: `next-auth.session-token`, `authjs.session-token.1`, …
pub fn is_session_cookie_name(name: &str) -> bool {
    let base = match name.rsplit_once('.') {
        Some((b, n)) if !n.is_empty() && n.bytes().all(|c| c.is_ascii_digit()) => b,
        _ => name,
    };
    base.ends_with("session-token")
}

/// A cookie name as RFC 6265 allows it (an HTTP token).
pub(crate) fn is_valid_cookie_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_graphic() && !b"()<>@,;:\\\"/[]?={}".contains(&b))
}

/// A cookie value that goes into a `Cookie` header unchanged: visible ASCII without
/// `;`, `,` or `\` (what browsers send; no RFC forbids less, but Auth.js never needs more).
pub(crate) fn is_valid_cookie_value(value: &str) -> bool {
    // Without an early exit the fold is vectorised: a session token is ~1 KiB, checked
    // on every lookup (issue 17: ≈ 7,000 instructions byte by byte). Visible ASCII is
    // 0x21..=0x7e.
    value.bytes().fold(0u8, |bad, b| {
        bad | u8::from(b.wrapping_sub(0x21) > 0x7e - 0x21)
            | u8::from(b == b';')
            | u8::from(b == b',')
            | u8::from(b == b'\\')
    }) == 0
}

/// True for the CSRF cookie (`next-auth.csrf-token`, `__Host-authjs.csrf-token`, …).
pub fn is_csrf_cookie_name(name: &str) -> bool {
    name.ends_with("csrf-token")
}

/// The token half of a CSRF cookie value `token|hash` (`|` arrives as `%7C`).
fn csrf_token_from_value(value: &str) -> Option<String> {
    let decoded = value.replace("%7C", "|").replace("%7c", "|");
    let (token, hash) = decoded.split_once('|')?;
    let ok = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_hexdigit());
    (ok(token) && ok(hash)).then(|| token.to_string())
}

/// A cookie as callers see it (for listing and export).
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CookieInfo {
    /// Cookie name (not secret).
    pub name: String,
    /// Cookie value: a credential for session cookies. Never printed by `Debug`.
    pub value: String,
    /// Host the cookie belongs to.
    pub domain: String,
    /// Cookie path.
    pub path: String,
    /// `Secure` attribute.
    pub secure: bool,
    /// `HttpOnly` attribute.
    pub http_only: bool,
    /// Expiry as Unix seconds; `None` for a session (non-persistent) cookie.
    pub expires_unix: Option<i64>,
    /// `SameSite` attribute; `None` when the server set none (browsers then apply
    /// `Lax`).
    pub same_site: Option<SameSite>,
    /// True for a host-only cookie (no `Domain` attribute: sent to exactly
    /// [`domain`](Self::domain)); false for a domain cookie, which subdomains get too.
    /// Auth.js sets host-only cookies, and `__Host-` cookies must be.
    pub host_only: bool,
}

impl std::fmt::Debug for CookieInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CookieInfo")
            .field("name", &self.name)
            .field("value", &"<redacted>")
            .field("domain", &self.domain)
            .field("path", &self.path)
            .field("secure", &self.secure)
            .field("http_only", &self.http_only)
            .field("expires_unix", &self.expires_unix)
            .field("same_site", &self.same_site)
            .field("host_only", &self.host_only)
            .finish()
    }
}

/// The jar. Not synchronised itself: the client keeps it behind a mutex that is held
/// only while cookies are read or stored, never during network I/O.
#[derive(Default, Clone)]
pub(crate) struct Jar {
    /// The cookies. Changed only through `Jar`'s own methods, which drop
    /// `header_cache` (readers elsewhere are fine).
    pub(crate) store: CookieStore,
    /// Counts the sign-outs and clears this jar has seen, shared through the cookie
    /// file. A reply to a request sent in an earlier epoch may not store a session
    /// cookie: a session read or update racing a sign-out (in this process or another
    /// one sharing the file) can never bring the session back.
    pub(crate) epoch: u64,
    header_cache: HeaderCache,
}

/// The last [`Jar::header_for`] answer (issue 17): a `get_session` asks for the same
/// URL's header twice (to send, then to check the reply against), and cookie_store's
/// matching (a hash-map walk, a clock read per cookie, a `Vec`) was ≈ 7,500
/// instructions each time. Valid while the jar is unchanged (every mutating method
/// drops it) and until the earliest expiry of any cookie held, after which the set
/// of matching cookies may differ.
#[derive(Default)]
struct HeaderCache(std::cell::RefCell<Option<CachedHeader>>);

struct CachedHeader {
    /// The request URL up to its path (scheme, host, port and path decide matching;
    /// the query does not).
    url: String,
    header: String,
    /// The name of each pair of `header` and the range of its value there.
    pairs: Vec<(String, Range<usize>)>,
    /// The earliest expiry among the cookies held that had not expired when the
    /// header was computed.
    valid_until: Option<time::OffsetDateTime>,
}

impl Clone for HeaderCache {
    fn clone(&self) -> HeaderCache {
        // A clone is usually about to be changed: it recomputes on first use.
        HeaderCache::default()
    }
}

impl HeaderCache {
    fn clear(&mut self) {
        *self.0.get_mut() = None;
    }
}

/// How [`Jar::store`] treats a reply's cookies.
pub(crate) struct StorePolicy<'a> {
    /// False drops session-token cookies: the request was sent before a sign-out.
    pub keep_session: bool,
    /// For a refresh (a session or CSRF read that only re-issues what it was sent):
    /// the `Cookie` header that was sent. A cookie that changed in the jar since then
    /// (an update, a sign-in or a sign-out by another thread or process) is newer than
    /// the reply and is kept. `None` for replies that are authoritative (sign-in,
    /// update, sign-out, magic link, the app's routes): they always apply.
    pub sent: Option<&'a str>,
}

/// What [`Jar::store`] did.
#[derive(Default, Debug)]
pub(crate) struct Stored {
    /// The jar changed.
    pub changed: bool,
    /// Names of new cookies refused because the jar was full.
    pub refused: Vec<String>,
}

/// Which cookies of a refresh reply are older than the jar's.
struct Staleness {
    /// The session-token chunks changed: they form one value, so all or none apply.
    session: bool,
    /// Other cookies whose value changed (or appeared, or went) since the request.
    others: Vec<String>,
}

impl Staleness {
    fn between(sent: &str, now: &str) -> Staleness {
        if sent == now {
            // The common case (nothing changed while the request was out): no parsing.
            return Staleness {
                session: false,
                others: Vec::new(),
            };
        }
        let parse = |h: &str| -> Vec<(String, String)> {
            let mut v: Vec<(String, String)> = h
                .split("; ")
                .filter_map(|p| p.split_once('='))
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect();
            v.sort();
            v
        };
        let (sent, now) = (parse(sent), parse(now));
        let session_of = |v: &[(String, String)]| -> Vec<(String, String)> {
            v.iter()
                .filter(|(n, _)| is_session_cookie_name(n))
                .cloned()
                .collect()
        };
        let session = session_of(&sent) != session_of(&now);
        let value_in = |v: &[(String, String)], name: &str| {
            v.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone())
        };
        let mut others = Vec::new();
        for (name, _) in sent.iter().chain(now.iter()) {
            if !is_session_cookie_name(name)
                && value_in(&sent, name) != value_in(&now, name)
                && !others.contains(name)
            {
                others.push(name.clone());
            }
        }
        Staleness { session, others }
    }

    fn is_stale(&self, name: &str) -> bool {
        if is_session_cookie_name(name) {
            self.session
        } else {
            self.others.iter().any(|n| n == name)
        }
    }
}

/// Orders cookie names so that chunks of one cookie (`x.0`, `x.1`, …) sort by number.
pub(crate) fn name_order(a: &str, b: &str) -> std::cmp::Ordering {
    fn split(n: &str) -> (&str, Option<u64>) {
        match n.rsplit_once('.') {
            Some((base, k)) if !k.is_empty() && k.bytes().all(|c| c.is_ascii_digit()) => {
                (base, k.parse().ok().or(Some(u64::MAX)))
            }
            _ => (n, None),
        }
    }
    split(a).cmp(&split(b)).then_with(|| a.cmp(b))
}

impl Jar {
    /// The `Cookie` header value for `url` (empty when no cookie matches), in a
    /// stable order: longer paths first (RFC 6265 §5.4), then by name, with chunks of
    /// one cookie in numeric order (`.0`, `.1`, …, `.9`, `.10`). The store iterates a
    /// hash map; next-auth ≤ 4.22 joins session chunks in header order, so any other
    /// order silently loses the session there.
    pub fn header_for(&self, url: &Url) -> String {
        let key = &url[..url::Position::AfterPath];
        if let Some(c) = self.header_cache.0.borrow().as_ref()
            && c.url == key
            && c.valid_until
                .is_none_or(|t| time::OffsetDateTime::now_utc() < t)
        {
            return c.header.clone();
        }
        let now = time::OffsetDateTime::now_utc();
        let (header, pairs) = self.compute_header_for(url);
        // Cookies expired already are not in the header and stay out of it.
        let valid_until = self
            .store
            .iter_any()
            .filter_map(|c| match c.expires {
                CookieExpiration::AtUtc(t) if t > now => Some(t),
                _ => None,
            })
            .min();
        *self.header_cache.0.borrow_mut() = Some(CachedHeader {
            url: key.to_string(),
            header: header.clone(),
            pairs,
            valid_until,
        });
        header
    }

    /// The header for `url` and, for each pair in it, the cookie's name and where its
    /// value lies in the header.
    fn compute_header_for(&self, url: &Url) -> (String, Vec<(String, Range<usize>)>) {
        let mut pairs: Vec<(&str, &str, usize)> = self
            .store
            .matches(url)
            .into_iter()
            .map(|c| (c.name(), c.value(), c.path.len()))
            .collect();
        pairs.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| name_order(a.0, b.0)));
        let mut out = String::new();
        let mut at = Vec::with_capacity(pairs.len());
        for (name, value, _) in pairs {
            if !out.is_empty() {
                out.push_str("; ");
            }
            out.push_str(name);
            out.push('=');
            let start = out.len();
            out.push_str(value);
            at.push((name.to_string(), start..out.len()));
        }
        (out, at)
    }

    /// Stores the `Set-Cookie` values of a response from `url`, under `policy`.
    ///
    /// A cookie that would be new while the jar already holds [`MAX_COOKIES`] is
    /// refused and named in the outcome; a cookie that replaces or deletes one already
    /// held is never refused.
    pub fn store(&mut self, set_cookies: &[String], url: &Url, policy: &StorePolicy<'_>) -> Stored {
        let mut out = Stored::default();
        let mut removed = false;
        // For a refresh: which cookies changed since the request was sent.
        let stale = policy.sent.map(|sent| {
            let now = self.header_for(url);
            Staleness::between(sent, &now)
        });
        for header in set_cookies {
            let Some(raw) = quick_parse(header).or_else(|| RawCookie::parse(header.clone()).ok())
            else {
                continue;
            };
            if !prefix_rules_hold(&raw) {
                continue;
            }
            let session = is_session_cookie_name(raw.name());
            if !policy.keep_session && session {
                continue;
            }
            if let Some(stale) = &stale
                && stale.is_stale(raw.name())
            {
                continue;
            }
            let removing = is_removal(&raw);
            if !removing
                && !self.holds_name(raw.name())
                && self.store.iter_any().count() >= MAX_COOKIES
            {
                out.refused.push(raw.name().to_string());
                continue;
            }
            let patch = self.cached_pair_replaced_by(&raw, url);
            if patch.is_none() {
                self.header_cache.clear();
            }
            if self.store.insert_raw(&raw, url).is_ok() {
                out.changed = true;
                removed |= removing;
            }
            if let Some((host, path)) = patch {
                self.patch_cached_pair(&host, &path, raw.name(), url);
            }
        }
        if removed {
            // The store only marks deleted cookies expired; drop them for good.
            self.purge_expired();
        }
        out
    }

    /// When storing `raw` (from a reply to `url`) should only change one value of the
    /// cached header for `url`: the (host, path) of the cookie it replaces, a host-only
    /// cookie held unexpired under the same name and path and sent to `url`, whose
    /// name appears once in the header. A re-issued session cookie (every session
    /// read) is this case; anything else drops the cache.
    fn cached_pair_replaced_by(&self, raw: &RawCookie<'_>, url: &Url) -> Option<(String, String)> {
        let cache = self.header_cache.0.borrow();
        let cached = cache.as_ref()?;
        if cached.url != url[..url::Position::AfterPath] || raw.domain().is_some() {
            return None;
        }
        let path = raw.path().filter(|p| p.starts_with('/'))?;
        let host = url.host_str()?;
        let held = self.store.get(host, path, raw.name())?;
        if !held.matches(url) || !matches!(held.domain, CookieDomain::HostOnly(_)) {
            return None;
        }
        let same_name = cached.pairs.iter().filter(|(n, _)| n == raw.name()).count();
        (same_name == 1).then(|| (host.to_string(), path.to_string()))
    }

    /// After [`cached_pair_replaced_by`](Self::cached_pair_replaced_by) and the
    /// insert: puts the cookie's value now into the cached header, or drops the cache
    /// when the cookie is gone (a deletion) or no longer sent to `url`. The insert
    /// replaced the cookie found before (or failed and left it): a host-only cookie
    /// with a path is stored under the request's host, that path and its name.
    fn patch_cached_pair(&mut self, host: &str, path: &str, name: &str, url: &Url) {
        let now = time::OffsetDateTime::now_utc();
        let held = self.store.get(host, path, name).filter(|c| c.matches(url));
        let cache = self.header_cache.0.get_mut();
        let (Some(c), Some(cached)) = (held, cache.as_mut()) else {
            *cache = None;
            return;
        };
        let Some(k) = cached.pairs.iter().position(|(n, _)| n == name) else {
            *cache = None;
            return;
        };
        let old = cached.pairs[k].1.clone();
        let value = c.value();
        let mut header = String::with_capacity(cached.header.len() - old.len() + value.len());
        header.push_str(&cached.header[..old.start]);
        header.push_str(value);
        header.push_str(&cached.header[old.end..]);
        cached.header = header;
        cached.pairs[k].1 = old.start..old.start + value.len();
        for (_, r) in &mut cached.pairs[k + 1..] {
            *r = r.start - old.len() + value.len()..r.end - old.len() + value.len();
        }
        // The replaced cookie's expiry may have been the earliest: keeping it only
        // makes the cache expire sooner than it must.
        if let CookieExpiration::AtUtc(t) = c.expires
            && t > now
        {
            cached.valid_until = Some(cached.valid_until.map_or(t, |u| u.min(t)));
        }
    }

    /// True when a cookie of that name is held (expired or not): storing it again
    /// replaces it, so it does not count against the cap.
    fn holds_name(&self, name: &str) -> bool {
        self.store.iter_any().any(|c| c.name() == name)
    }

    /// Adds the pairs of a `Cookie:` request header (`a=1; b=2`) as host-only cookies
    /// of the origin, for forwarding a browser's cookies (`getCsrfToken({ req })`).
    ///
    /// Browsers send cookies no RFC allows (`prefs=a,b`, `city=Zürich`, a bare `flag`)
    /// and Auth.js ignores them, so pairs that cannot be stored are skipped and the
    /// rest kept. It is an error only when a header with content yields no usable
    /// cookie, when an Auth.js session or CSRF cookie itself is malformed (forwarding
    /// half a session would report the wrong one), or when the cookies do not fit.
    /// On error the jar is unchanged.
    pub fn add_cookie_header(&mut self, header: &str, origin: &Url) -> Result<()> {
        let mut accepted = Vec::new();
        let mut seen_any = false;
        for pair in header.split(';') {
            let pair = pair.trim_matches(|c: char| c == ' ' || c == '\t');
            if pair.is_empty() {
                continue;
            }
            seen_any = true;
            let (name, value) = match pair.split_once('=') {
                Some((n, v)) => (n.trim(), v.trim()),
                None => (pair, ""),
            };
            let valid_name = is_valid_cookie_name(name);
            let valid_value = pair.contains('=') && is_valid_cookie_value(value);
            let authjs = valid_name && (is_session_cookie_name(name) || is_csrf_cookie_name(name));
            if !valid_name || !valid_value {
                if authjs {
                    return Err(Error::invalid(format!(
                        "the cookie header holds a malformed {name} cookie"
                    )));
                }
                continue;
            }
            let secure = name.starts_with("__Secure-") || name.starts_with("__Host-");
            let mut raw = RawCookie::new(name.to_string(), value.to_string());
            raw.set_path("/");
            if secure {
                raw.set_secure(true);
            }
            accepted.push(raw);
        }
        if seen_any && accepted.is_empty() {
            return Err(Error::invalid(
                "the cookie header holds no usable cookie (expected name=value pairs \
                 separated by ';')",
            ));
        }
        self.header_cache.clear();
        let restore = self.store.clone();
        for raw in &accepted {
            if !self.holds_name(raw.name()) && self.store.iter_any().count() >= MAX_COOKIES {
                self.store = restore;
                return Err(Error::invalid(format!(
                    "the cookie header holds more than {MAX_COOKIES} cookies"
                )));
            }
            if let Err(e) = self.store.insert_raw(raw, origin) {
                let name = raw.name();
                if is_session_cookie_name(name) || is_csrf_cookie_name(name) {
                    self.store = restore;
                    return Err(Error::invalid(format!(
                        "cookie {name:?} was not accepted: {e}"
                    )));
                }
                // Anything else a browser could not have sent to this origin either:
                // skipped.
            }
        }
        Ok(())
    }

    /// True when a session-token cookie (or chunk) is present.
    pub fn has_session(&self) -> bool {
        self.store
            .iter_unexpired()
            .any(|c| is_session_cookie_name(c.name()))
    }

    /// The session-token cookies (name, value), sorted: what identifies the session
    /// this jar holds, for noticing that another process changed it.
    pub fn session_cookies(&self) -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = self
            .store
            .iter_unexpired()
            .filter(|c| is_session_cookie_name(c.name()))
            .map(|c| (c.name().to_string(), c.value().to_string()))
            .collect();
        v.sort();
        v
    }

    /// The CSRF token, when a well-formed CSRF cookie is present.
    pub fn csrf_token(&self) -> Option<String> {
        self.store
            .iter_unexpired()
            .filter(|c| is_csrf_cookie_name(c.name()))
            .find_map(|c| csrf_token_from_value(c.value()))
    }

    /// Removes every cookie, expired or not, for which `pred` holds. Returns true if
    /// any was removed.
    fn remove_matching(&mut self, pred: impl Fn(&cookie_store::Cookie<'static>) -> bool) -> bool {
        let doomed: Vec<(String, String, String)> = self
            .store
            .iter_any()
            .filter(|c| pred(c))
            .map(|c| {
                (
                    String::from(&c.domain),
                    String::from(&c.path),
                    c.name().to_string(),
                )
            })
            .collect();
        if !doomed.is_empty() {
            self.header_cache.clear();
        }
        for (d, p, n) in &doomed {
            self.store.remove(d, p, n);
        }
        !doomed.is_empty()
    }

    /// Removes every cookie whose name matches `pred`. Returns true if any was removed.
    pub fn remove_where(&mut self, pred: impl Fn(&str) -> bool) -> bool {
        self.remove_matching(|c| pred(c.name()))
    }

    /// Removes every session-token cookie and chunk.
    pub fn remove_session(&mut self) -> bool {
        self.remove_where(is_session_cookie_name)
    }

    /// Removes the CSRF cookie (after the server rejected its token).
    pub fn remove_csrf(&mut self) -> bool {
        self.remove_where(is_csrf_cookie_name)
    }

    /// Empties the jar.
    pub fn clear(&mut self) {
        self.header_cache.clear();
        self.store.clear();
    }

    /// Number of unexpired cookies.
    pub fn len(&self) -> usize {
        self.store.iter_unexpired().count()
    }

    /// Unexpired cookies in a stable order (domain, path, name, chunks in numeric
    /// order): the store iterates a hash map, and files and listings should not change
    /// when the jar did not. Chunk order matters to tools that send cookies in file
    /// order (curl among cookies of equal name length; next-auth ≤ 4.22 joins chunks in
    /// the order they arrive).
    fn sorted(&self) -> Vec<&cookie_store::Cookie<'static>> {
        let mut v: Vec<_> = self.store.iter_unexpired().collect();
        v.sort_by(|a, b| {
            (String::from(&a.domain), String::from(&a.path))
                .cmp(&(String::from(&b.domain), String::from(&b.path)))
                .then_with(|| name_order(a.name(), b.name()))
        });
        v
    }

    /// Every unexpired cookie, in a stable order.
    pub fn list(&self) -> Vec<CookieInfo> {
        self.sorted()
            .into_iter()
            .map(|c| CookieInfo {
                name: c.name().to_string(),
                value: c.value().to_string(),
                domain: String::from(&c.domain),
                path: String::from(&c.path),
                secure: c.secure().unwrap_or(false),
                http_only: c.http_only().unwrap_or(false),
                expires_unix: match c.expires {
                    CookieExpiration::AtUtc(t) => Some(t.unix_timestamp()),
                    CookieExpiration::SessionEnd => None,
                },
                same_site: c.same_site().map(SameSite::from_raw),
                host_only: !matches!(c.domain, CookieDomain::Suffix(_)),
            })
            .collect()
    }

    /// A jar of `store`'s cookies in sign-out epoch `epoch`.
    pub(crate) fn from_store(store: CookieStore, epoch: u64) -> Jar {
        Jar {
            store,
            epoch,
            header_cache: HeaderCache::default(),
        }
    }

    /// The jar file (all unexpired cookies, persistent or not, with the origin and the
    /// epoch), in the current version of the format (`docs/cookies.md`).
    pub fn export(&self, origin: &str) -> Result<String> {
        cookie_formats::jar_file(&self.list(), origin, self.epoch)
    }

    /// Replaces the jar (cookies and epoch) with a jar file of any version this
    /// library reads, refusing files of another origin. On error the jar is unchanged.
    pub fn import(&mut self, text: &str, origin: &str) -> Result<()> {
        let origin_url =
            Url::parse(origin).map_err(|_| Error::invalid("the client's origin is not a URL"))?;
        let (jar, _) =
            cookie_formats::import(Some(cookie_formats::CookieFormat::Jar), text, &origin_url)?;
        *self = jar;
        Ok(())
    }

    pub(crate) fn purge_expired(&mut self) {
        self.remove_matching(|c| c.is_expired());
    }

    /// The sign-out epoch (see the field).
    pub fn epoch(&self) -> u64 {
        self.epoch
    }

    /// Takes `other`'s cookies, in an epoch later than both jars': replies to
    /// requests sent before the replacement may not store session cookies.
    pub fn replace_with(&mut self, other: Jar) {
        self.epoch = self.epoch.max(other.epoch).wrapping_add(1);
        self.store = other.store;
        self.header_cache.clear();
    }

    /// Starts a new epoch: after a sign-out or a clear.
    pub fn next_epoch(&mut self) {
        self.epoch = self.epoch.wrapping_add(1);
    }
}

/// `RawCookie::parse` for the `Set-Cookie` shape Auth.js and most servers send:
/// `name=value` then any of `Path=/…`, `Expires=<IMF-fixdate>`, `Max-Age=<digits>`,
/// `HttpOnly`, `Secure`, `SameSite=Lax|Strict|None`, each at most once, spelled so,
/// separated by `"; "`. `None` for anything else (a `Domain`, other spacing, another
/// date format, an unknown attribute): then the full parser decides. Like that
/// parser it splits on `;` and the first `=`, and does not look inside values (a
/// per-byte check of a session token cost more than it saved). The
/// cookie crate's parser lowercases every attribute name into a new `String` and
/// tries the date against a format description (issue 17: ≈ 5,500 instructions for
/// each re-issued session cookie; this is a fraction). Same result, checked against
/// the full parser by `quick_parse_agrees_with_the_cookie_crate`.
fn quick_parse(header: &str) -> Option<RawCookie<'static>> {
    // What the full parser would trim: then it decides.
    let trimmed = |s: &str| s.trim().len() == s.len();
    let mut parts = header.split(';');
    let (name, value) = parts.next()?.split_once('=')?;
    if name.is_empty() || !trimmed(name) || !trimmed(value) {
        return None;
    }
    let mut raw = RawCookie::new(name.to_string(), value.to_string());
    let mut seen = 0u8;
    let mut once = |bit: u8| {
        let first = seen & bit == 0;
        seen |= bit;
        first.then_some(())
    };
    for attr in parts {
        let attr = attr.strip_prefix(' ').filter(|a| trimmed(a))?;
        match attr.split_once('=') {
            None if attr == "HttpOnly" => {
                once(1)?;
                raw.set_http_only(true);
            }
            None if attr == "Secure" => {
                once(2)?;
                raw.set_secure(true);
            }
            Some(("Path", p)) if p.starts_with('/') => {
                once(4)?;
                raw.set_path(p.to_string());
            }
            Some(("Max-Age", n)) if !n.is_empty() && n.len() <= 12 => {
                once(8)?;
                let n: i64 = n
                    .bytes()
                    .all(|b| b.is_ascii_digit())
                    .then(|| n.parse().ok())??;
                raw.set_max_age(time::Duration::seconds(n));
            }
            Some(("Expires", d)) => {
                once(16)?;
                raw.set_expires(imf_fixdate(d)?);
            }
            Some(("SameSite", v)) => {
                once(32)?;
                raw.set_same_site(match v {
                    "Lax" => cookie::SameSite::Lax,
                    "Strict" => cookie::SameSite::Strict,
                    "None" => cookie::SameSite::None,
                    _ => return None,
                });
            }
            _ => return None,
        }
    }
    Some(raw)
}

/// `Sun, 06 Nov 1994 08:49:37 GMT` (RFC 9110's IMF-fixdate, four-digit year), with
/// a weekday that matches the date; `None` otherwise.
fn imf_fixdate(s: &str) -> Option<time::OffsetDateTime> {
    let b = s.as_bytes();
    if b.len() != 29 || &b[3..5] != b", " || &b[25..] != b" GMT" {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let d = &b[r];
        d.iter()
            .all(u8::is_ascii_digit)
            .then(|| d.iter().fold(0u32, |n, &c| n * 10 + u32::from(c - b'0')))
    };
    let sep = |i: usize, c: u8| (b[i] == c).then_some(());
    sep(7, b' ')?;
    sep(11, b' ')?;
    sep(16, b' ')?;
    sep(19, b':')?;
    sep(22, b':')?;
    const MONTHS: [&[u8]; 12] = [
        b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov",
        b"Dec",
    ];
    const DAYS: [&[u8]; 7] = [b"Mon", b"Tue", b"Wed", b"Thu", b"Fri", b"Sat", b"Sun"];
    let month = MONTHS.iter().position(|m| *m == &b[8..11])? as u8 + 1;
    let year = num(12..16)?;
    if year < 1000 {
        return None;
    }
    let date = time::Date::from_calendar_date(
        year as i32,
        time::Month::try_from(month).ok()?,
        num(5..7)? as u8,
    )
    .ok()?;
    if DAYS[date.weekday().number_days_from_monday() as usize] != &b[0..3] {
        return None;
    }
    let t =
        time::Time::from_hms(num(17..19)? as u8, num(20..22)? as u8, num(23..25)? as u8).ok()?;
    Some(time::PrimitiveDateTime::new(date, t).assume_utc())
}

/// A `Set-Cookie` that deletes (`Max-Age=0` or an expiry in the past).
fn is_removal(raw: &RawCookie<'_>) -> bool {
    if let Some(age) = raw.max_age() {
        return age.whole_seconds() <= 0;
    }
    raw.expires_datetime()
        .is_some_and(|t| t <= time::OffsetDateTime::now_utc())
}

/// RFC 6265bis cookie prefixes: `__Secure-` needs `Secure`; `__Host-` needs `Secure`,
/// `Path=/` and no `Domain`.
pub(crate) fn prefix_rules_hold(raw: &RawCookie<'_>) -> bool {
    let name = raw.name();
    if name.starts_with("__Secure-") {
        return raw.secure() == Some(true);
    }
    if name.starts_with("__Host-") {
        return raw.secure() == Some(true) && raw.path() == Some("/") && raw.domain().is_none();
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    const APPLY: StorePolicy<'static> = StorePolicy {
        keep_session: true,
        sent: None,
    };

    fn url() -> Url {
        Url::parse("http://127.0.0.1:3000/api/auth/session").unwrap()
    }

    #[test]
    fn session_cookie_names() {
        for n in [
            "next-auth.session-token",
            "__Secure-next-auth.session-token",
            "authjs.session-token",
            "authjs.session-token.0",
            "__Secure-authjs.session-token.12",
        ] {
            assert!(is_session_cookie_name(n), "{n}");
        }
        for n in [
            "authjs.csrf-token",
            "authjs.session-token.x",
            "session",
            "authjs.callback-url",
        ] {
            assert!(!is_session_cookie_name(n), "{n}");
        }
    }

    #[test]
    fn csrf_token_is_read_from_cookie() {
        let mut jar = Jar::default();
        assert_eq!(jar.csrf_token(), None);
        jar.store(
            &["next-auth.csrf-token=abc123%7Cdef456; Path=/; HttpOnly; SameSite=Lax".into()],
            &url(),
            &APPLY,
        );
        assert_eq!(jar.csrf_token().as_deref(), Some("abc123"));
        jar.remove_csrf();
        assert_eq!(jar.csrf_token(), None);
    }

    #[test]
    fn malformed_csrf_cookie_is_ignored() {
        let mut jar = Jar::default();
        jar.store(&["authjs.csrf-token=nohash; Path=/".into()], &url(), &APPLY);
        assert_eq!(jar.csrf_token(), None);
    }

    #[test]
    fn chunks_are_stored_and_removed_together() {
        let mut jar = Jar::default();
        jar.store(
            &[
                "authjs.session-token.0=aaa; Path=/; HttpOnly".into(),
                "authjs.session-token.1=bbb; Path=/; HttpOnly".into(),
                "authjs.csrf-token=t%7Ch; Path=/".into(),
            ],
            &url(),
            &APPLY,
        );
        assert!(jar.has_session());
        assert_eq!(
            jar.header_for(&url()).split("; ").count(),
            3,
            "all chunks and the csrf cookie are sent"
        );
        jar.store(
            &["authjs.session-token.0=; Max-Age=0; Path=/".into()],
            &url(),
            &APPLY,
        );
        assert!(jar.has_session(), "chunk .1 still there");
        jar.remove_session();
        assert!(!jar.has_session());
        assert_eq!(jar.len(), 1);
    }

    #[test]
    fn deletion_by_past_expires_is_purged() {
        let mut jar = Jar::default();
        jar.store(
            &["a=1; Path=/".into(), "b=2; Path=/".into()],
            &url(),
            &APPLY,
        );
        jar.store(
            &["a=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT".into()],
            &url(),
            &APPLY,
        );
        assert_eq!(jar.len(), 1);
        assert_eq!(
            jar.store.iter_any().count(),
            1,
            "the deleted cookie is gone for good"
        );
    }

    #[test]
    fn cookies_for_other_domains_are_rejected() {
        let mut jar = Jar::default();
        jar.store(&["x=1; Domain=evil.test; Path=/".into()], &url(), &APPLY);
        assert_eq!(jar.len(), 0);
    }

    #[test]
    fn prefix_rules() {
        let mut jar = Jar::default();
        let u = Url::parse("https://example.com/").unwrap();
        jar.store(
            &[
                "__Host-a=1; Path=/".into(),           // no Secure
                "__Host-b=1; Secure; Path=/x".into(),  // wrong path
                "__Secure-c=1; Path=/".into(),         // no Secure
                "__Host-d=1; Secure; Path=/".into(),   // ok
                "__Secure-e=1; Secure; Path=/".into(), // ok
            ],
            &u,
            &APPLY,
        );
        let names: Vec<String> = jar.list().into_iter().map(|c| c.name).collect();
        assert_eq!(names.len(), 2, "{names:?}");
    }

    #[test]
    fn late_session_cookie_can_be_refused() {
        let mut jar = Jar::default();
        jar.store(
            &["authjs.session-token=v; Path=/".into()],
            &url(),
            &StorePolicy {
                keep_session: false,
                sent: None,
            },
        );
        assert!(!jar.has_session());
    }

    #[test]
    fn export_import_roundtrip_and_origin_check() {
        let mut jar = Jar::default();
        jar.store(
            &[
                "authjs.session-token=v; Path=/; Max-Age=3600".into(),
                "authjs.csrf-token=t%7Ch; Path=/".into(),
            ],
            &url(),
            &APPLY,
        );
        let text = jar.export("http://127.0.0.1:3000").unwrap();
        let mut other = Jar::default();
        other.import(&text, "http://127.0.0.1:3000").unwrap();
        assert_eq!(other.len(), 2, "non-persistent cookies are kept too");
        assert!(other.has_session());
        let err = Jar::default()
            .import(&text, "http://127.0.0.1:4000")
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidArgument);
        assert!(Jar::default().import("{", "x").is_err());
        assert!(Jar::default().import("[]", "x").is_err());
    }

    #[test]
    fn cookie_header_import() {
        let mut jar = Jar::default();
        let origin = Url::parse("http://127.0.0.1:3000/").unwrap();
        jar.add_cookie_header("next-auth.csrf-token=aa%7Cbb; other=1", &origin)
            .unwrap();
        assert_eq!(jar.csrf_token().as_deref(), Some("aa"));
        assert!(jar.add_cookie_header("novalue", &origin).is_err());
        assert!(jar.add_cookie_header("a=b\u{7f}", &origin).is_err());
    }

    #[test]
    fn debug_redacts_value() {
        let mut jar = Jar::default();
        jar.store(
            &["authjs.session-token=SECRETVALUE; Path=/".into()],
            &url(),
            &APPLY,
        );
        let s = format!("{:?}", jar.list());
        assert!(!s.contains("SECRETVALUE"));
    }

    /// Chunks go out in numeric order whatever order they were stored in (next-auth
    /// ≤ 4.22 joins them in header order). Before the fix the order followed the
    /// store's hash map and changed from jar to jar.
    #[test]
    fn chunks_are_sent_in_numeric_order() {
        for round in 0..50 {
            let mut jar = Jar::default();
            let mut set: Vec<String> = (0..12)
                .map(|i| format!("authjs.session-token.{i}=v{i}; Path=/"))
                .collect();
            set.push("authjs.csrf-token=t%7Ch; Path=/".into());
            set.push("zz=1; Path=/".into());
            set.push("deep=1; Path=/api/auth".into());
            let n = set.len();
            set.rotate_left(round % n);
            jar.store(&set, &url(), &APPLY);
            let names: Vec<String> = jar
                .header_for(&url())
                .split("; ")
                .map(|p| p.split('=').next().unwrap().to_string())
                .collect();
            let mut expected = vec!["deep".to_string(), "authjs.csrf-token".to_string()];
            expected.extend((0..12).map(|i| format!("authjs.session-token.{i}")));
            expected.push("zz".into());
            assert_eq!(names, expected, "round {round}");
        }
    }

    /// A full jar still takes replacements (signing in as bob after alice replaces the
    /// session cookie) and names the new cookies it refuses. Before the fix the
    /// replacement was dropped and the old session stayed.
    #[test]
    fn full_jar_accepts_replacements_and_names_refusals() {
        let mut jar = Jar::default();
        let many: Vec<String> = (0..MAX_COOKIES - 1)
            .map(|i| format!("app{i}=1; Path=/"))
            .collect();
        jar.store(&many, &url(), &APPLY);
        let out = jar.store(
            &["authjs.session-token=alice; Path=/".into()],
            &url(),
            &APPLY,
        );
        assert!(out.changed && out.refused.is_empty());
        assert_eq!(jar.len(), MAX_COOKIES);
        let out = jar.store(
            &[
                "authjs.session-token=bob; Path=/".into(),
                "brand-new=1; Path=/".into(),
            ],
            &url(),
            &APPLY,
        );
        assert!(out.changed);
        assert_eq!(out.refused, vec!["brand-new".to_string()]);
        assert!(jar.header_for(&url()).contains("authjs.session-token=bob"));
        assert_eq!(jar.len(), MAX_COOKIES);
    }

    /// A refresh reply (a session read) does not overwrite cookies that changed since
    /// its request was sent; an authoritative reply (an update) always applies.
    #[test]
    fn stale_refresh_does_not_overwrite_newer_cookies() {
        let mut jar = Jar::default();
        jar.store(&["authjs.session-token=S1; Path=/".into()], &url(), &APPLY);
        let sent = jar.header_for(&url());
        // An update lands first (authoritative)...
        jar.store(&["authjs.session-token=S2; Path=/".into()], &url(), &APPLY);
        // ...then the reply to a read that was sent with S1.
        let refresh = StorePolicy {
            keep_session: true,
            sent: Some(&sent),
        };
        let out = jar.store(
            &["authjs.session-token=S1b; Path=/".into()],
            &url(),
            &refresh,
        );
        assert!(!out.changed);
        assert_eq!(jar.header_for(&url()), "authjs.session-token=S2");
        // A refresh of the current value applies (sliding expiry).
        let sent = jar.header_for(&url());
        let refresh = StorePolicy {
            keep_session: true,
            sent: Some(&sent),
        };
        jar.store(
            &["authjs.session-token=S2b; Path=/".into()],
            &url(),
            &refresh,
        );
        assert_eq!(jar.header_for(&url()), "authjs.session-token=S2b");
        // After a sign-out (no session cookie now), a late refresh cannot restore it.
        jar.remove_session();
        jar.store(
            &["authjs.session-token=S2c; Path=/".into()],
            &url(),
            &refresh,
        );
        assert!(!jar.has_session());
        // Chunks are one value: a refresh reply applies all of them or none.
        let mut jar = Jar::default();
        jar.store(
            &[
                "authjs.session-token.0=a0; Path=/".into(),
                "authjs.session-token.1=a1; Path=/".into(),
            ],
            &url(),
            &APPLY,
        );
        let sent = jar.header_for(&url());
        jar.store(
            &["authjs.session-token.1=b1; Path=/".into()],
            &url(),
            &APPLY,
        );
        let refresh = StorePolicy {
            keep_session: true,
            sent: Some(&sent),
        };
        jar.store(
            &[
                "authjs.session-token.0=c0; Path=/".into(),
                "authjs.session-token.1=c1; Path=/".into(),
            ],
            &url(),
            &refresh,
        );
        assert_eq!(
            jar.header_for(&url()),
            "authjs.session-token.0=a0; authjs.session-token.1=b1"
        );
    }

    /// Real browser headers: what cannot be stored is skipped, the rest kept. Before
    /// the fix any one of these made the whole header an error.
    #[test]
    fn browser_cookie_headers_are_read_leniently() {
        let origin = Url::parse("http://127.0.0.1:3000/").unwrap();
        let mut jar = Jar::default();
        jar.add_cookie_header(
            "prefs=a,b; city=Zürich; ab test=1; x=\"quoted val\"; flag; \
             next-auth.session-token=tok; next-auth.csrf-token=aa%7Cbb; ok=1",
            &origin,
        )
        .unwrap();
        let names: Vec<String> = jar.list().into_iter().map(|c| c.name).collect();
        assert_eq!(
            names,
            ["next-auth.csrf-token", "next-auth.session-token", "ok"],
            "{names:?}"
        );
        // Nothing usable at all, or a malformed Auth.js cookie: an error, jar unchanged.
        for bad in [
            "flag",
            "city=Zürich; ab test=1",
            "next-auth.session-token=a,b; ok=1",
            "authjs.csrf-token=\"x y\"",
        ] {
            let mut jar = Jar::default();
            jar.add_cookie_header("keep=1", &origin).unwrap();
            let e = jar.add_cookie_header(bad, &origin).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{bad}");
            assert!(!e.to_string().contains("a,b"), "no value in the message");
            assert_eq!(jar.len(), 1, "{bad}: the jar is unchanged");
        }
        // More cookies than the jar holds: an error, the jar unchanged.
        let big: Vec<String> = (0..=MAX_COOKIES).map(|i| format!("c{i}=1")).collect();
        let mut jar = Jar::default();
        assert!(jar.add_cookie_header(&big.join("; "), &origin).is_err());
        assert_eq!(jar.len(), 0);
        // An empty header is no cookie, not an error.
        Jar::default().add_cookie_header("", &origin).unwrap();
    }

    /// wget reads `#HttpOnly_` lines as comments; the export has none.
    #[test]
    fn netscape_export_has_no_comment_prefixed_cookies() {
        let mut jar = Jar::default();
        jar.store(
            &["authjs.session-token=v; Path=/; HttpOnly".into()],
            &url(),
            &APPLY,
        );
        let text = cookie_formats::netscape(&jar.list());
        let cookie_lines: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
        assert_eq!(cookie_lines.len(), 1, "{text}");
        assert!(cookie_lines[0].starts_with("127.0.0.1\t"));
    }

    #[test]
    fn epoch_travels_with_the_file() {
        let mut jar = Jar::default();
        jar.next_epoch();
        jar.next_epoch();
        let text = jar.export("http://127.0.0.1:3000").unwrap();
        let mut other = Jar::default();
        other.import(&text, "http://127.0.0.1:3000").unwrap();
        assert_eq!(other.epoch(), 2);
        // Files written before the epoch existed read as epoch 0.
        let old = text.replace("\"signOutEpoch\": 2,", "");
        assert_ne!(old, text);
        other.import(&old, "http://127.0.0.1:3000").unwrap();
        assert_eq!(other.epoch(), 0);
    }

    /// The cached `Cookie` header (patched in place when a reply only re-issues a
    /// cookie) always equals the header computed from scratch, whatever the replies.
    #[test]
    fn cached_header_matches_a_fresh_computation() {
        let urls = [
            url(),
            Url::parse("http://127.0.0.1:3000/api/other").unwrap(),
            Url::parse("https://127.0.0.1:3000/api/auth/session").unwrap(),
        ];
        let replies = [
            "authjs.session-token=A; Path=/; HttpOnly; SameSite=Lax",
            "authjs.session-token=BBBBBBBBBBBB; Path=/; Expires=Fri, 01 Jan 2100 00:00:00 GMT",
            "authjs.session-token=C; Path=/api/auth",
            "authjs.session-token=D; Path=/; Secure",
            "authjs.session-token=; Path=/; Max-Age=0",
            "authjs.session-token=E; Path=/; Domain=127.0.0.1",
            "authjs.csrf-token=t%7Ch; Path=/",
            "authjs.callback-url=x; Path=/",
            "zz=1; Path=/; Max-Age=0",
            "zz=2; Path=/api",
        ];
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut jar = Jar::default();
        for step in 0..3000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let u = &urls[(x % 3) as usize];
            let n = 1 + (x >> 8) % 2;
            let set: Vec<String> = (0..n)
                .map(|k| replies[((x >> (16 + 8 * k)) % replies.len() as u64) as usize].into())
                .collect();
            let sent = jar.header_for(u);
            let refresh = StorePolicy {
                keep_session: !(x >> 40).is_multiple_of(5),
                sent: (x >> 44).is_multiple_of(2).then_some(sent.as_str()),
            };
            jar.store(&set, u, &refresh);
            // `u` first: its cached header is the patched one.
            for v in std::iter::once(u).chain(&urls) {
                assert_eq!(
                    jar.header_for(v),
                    jar.compute_header_for(v).0,
                    "step {step}"
                );
            }
            if (x >> 50).is_multiple_of(50) {
                jar.remove_session();
            }
        }
    }

    /// The quick `Set-Cookie` parser reads every header it accepts exactly as the
    /// cookie crate does, and leaves the rest to it.
    #[test]
    fn quick_parse_agrees_with_the_cookie_crate() {
        let accepted = [
            "next-auth.session-token=eyJhbGc.iOiJkaXIi; Path=/; Expires=Fri, 01 Jan 2027 00:00:00 GMT; HttpOnly; SameSite=Lax",
            "__Secure-authjs.session-token=abc; Path=/; Expires=Sun, 06 Nov 1994 08:49:37 GMT; HttpOnly; Secure; SameSite=None",
            "authjs.csrf-token=aa%7Cbb; Path=/; HttpOnly; SameSite=Strict",
            "authjs.session-token=; Path=/; Max-Age=0",
            "a=b",
            "a=",
            "a=b; Max-Age=31536000",
            "a=b; Path=/api/auth",
            "a=b; Expires=Thu, 29 Feb 2024 23:59:59 GMT",
            "a=\"quoted\"",
            "a=b=c; Path=/x=y",
        ];
        let refused = [
            "a=b; Domain=example.com",
            "a=b;  Path=/",
            "a=b; Path=/ ",
            "a=b ; Path=/",
            "a = b",
            "a=b;Path=/",
            "a=b; path=/",
            "a=b; Path=/; Path=/x",
            "a=b; Expires=Fri, 01 Jan 2027 00:00:00 UTC",
            "a=b; Expires=Sat, 01 Jan 2027 00:00:00 GMT",
            "a=b; Expires=Friday, 01-Jan-27 00:00:00 GMT",
            "a=b; Expires=Fri, 31 Feb 2027 00:00:00 GMT",
            "a=b; Max-Age=-1",
            "a=b; Max-Age=1x",
            "a=b; SameSite=lax",
            "a=b; Partitioned",
            "a=b; Path=",
            "=b",
            "ab",
            "a=b; ",
        ];
        for h in accepted {
            let quick = quick_parse(h).unwrap_or_else(|| panic!("{h}"));
            let full = RawCookie::parse(h).unwrap();
            assert_eq!(quick.name(), full.name(), "{h}");
            assert_eq!(quick.value(), full.value(), "{h}");
            assert_eq!(quick.path(), full.path(), "{h}");
            assert_eq!(quick.domain(), full.domain(), "{h}");
            assert_eq!(quick.expires_datetime(), full.expires_datetime(), "{h}");
            assert_eq!(quick.max_age(), full.max_age(), "{h}");
            assert_eq!(quick.secure(), full.secure(), "{h}");
            assert_eq!(quick.http_only(), full.http_only(), "{h}");
            assert_eq!(quick.same_site(), full.same_site(), "{h}");
            assert_eq!(quick.partitioned(), full.partitioned(), "{h}");
        }
        for h in refused {
            assert!(quick_parse(h).is_none(), "{h}");
        }
    }

    /// The vectorisable cookie-value check is the plain one.
    #[test]
    fn cookie_value_check_is_visible_ascii_without_separators() {
        for b in 0u8..=255 {
            let plain = b.is_ascii_graphic() && b != b';' && b != b',' && b != b'\\';
            if let Ok(s) = std::str::from_utf8(&[b]) {
                assert_eq!(is_valid_cookie_value(s), plain, "{b:#x}");
                let long = format!("{}{s}{}", "a".repeat(40), "b".repeat(40));
                assert_eq!(is_valid_cookie_value(&long), plain, "{b:#x}");
            }
        }
        assert!(!is_valid_cookie_value("sécret"));
        assert!(is_valid_cookie_value(""));
    }
}
