//! The jar in the formats other tools read and write, and back: the one place that
//! knows them (the C ABI, Python and the CLI only pick a [`CookieFormat`]).
//!
//! - [`CookieFormat::Jar`]: this library's own cookie file, version 2 (explicit fields per
//!   cookie, `docs/cookies.md`). Version 1 files, which held `cookie_store`'s internal
//!   serialisation, are still read.
//! - [`CookieFormat::Playwright`]: a `storageState` (`browser.newContext({storageState})`,
//!   `context.storageState()`).
//! - [`CookieFormat::WebDriver`]: a JSON list of W3C WebDriver cookies (Selenium's
//!   `add_cookie`/`get_cookies`; Cypress's `cy.setCookie` takes the same fields).
//! - [`CookieFormat::Netscape`]: `cookies.txt` for `curl -b` and `wget --load-cookies`.
//! - [`CookieFormat::Header`]: a `Cookie` request header.
//!
//! Every import builds a new jar and validates all of it before the caller swaps it in,
//! so bad input changes nothing. Browser formats may hold cookies of other sites: those,
//! secure cookies that this client could not send (plain `http` to a host that is not
//! loopback, as browsers decide) and expired ones are skipped and counted
//! ([`CookieImport::skipped`]); anything malformed is an `InvalidArgument` error. Error
//! messages name a cookie by position and name, never by value.

use crate::cookies::{CookieInfo, Jar, MAX_COOKIES, prefix_rules_hold};
use crate::endpoint::is_loopback_host;
use crate::error::{Error, ErrorKind, Result};
use cookie_store::{CookieStore, RawCookie};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use url::Url;

/// Format marker of the jar file.
pub(crate) const FILE_FORMAT: &str = "authjs-cookies";
/// The version written. Readers accept 1 and 2.
pub(crate) const FILE_VERSION: u64 = 2;

/// A format the jar can be exported to and imported from. See `docs/cookies.md`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CookieFormat {
    /// A `Cookie` request header, `name=value; name2=value2` (what the jar sends to the
    /// app's routes). Import reads the pairs as host-only cookies of the origin.
    Header,
    /// Netscape `cookies.txt`, loaded by `curl -b FILE` and `wget --load-cookies FILE`.
    Netscape,
    /// A Playwright `storageState`: `{"cookies": [...], "origins": []}`.
    Playwright,
    /// A JSON list of W3C WebDriver cookies (Selenium `add_cookie`, Cypress `setCookie`).
    WebDriver,
    /// This library's cookie file (`{"format": "authjs-cookies", "version": 2, ...}`),
    /// bound to the server's origin and carrying the sign-out epoch.
    Jar,
}

impl CookieFormat {
    /// Every format, in the order the names are listed in messages.
    pub const ALL: [CookieFormat; 5] = [
        CookieFormat::Header,
        CookieFormat::Netscape,
        CookieFormat::Playwright,
        CookieFormat::WebDriver,
        CookieFormat::Jar,
    ];

    /// The format of a name: `header`, `netscape`, `playwright`, `webdriver`, `jar`
    /// (also `json`, the CLI's historical name for the jar file), case-insensitive.
    pub fn from_name(name: &str) -> Result<CookieFormat> {
        let n = name.trim().to_ascii_lowercase();
        Ok(match n.as_str() {
            "header" => CookieFormat::Header,
            "netscape" => CookieFormat::Netscape,
            "playwright" => CookieFormat::Playwright,
            "webdriver" => CookieFormat::WebDriver,
            "jar" | "json" => CookieFormat::Jar,
            // Not quoted: cookie text passed as the format by mistake would end up in logs.
            _ => {
                return Err(Error::invalid(
                    "unknown cookie format (expected one of header, netscape, playwright, \
                     webdriver, jar)",
                ));
            }
        })
    }

    /// The format argument of an import: a name as for [`from_name`](Self::from_name), or
    /// `auto` (`None`: told from the text, [`detect`](Self::detect)).
    pub fn from_import_name(name: &str) -> Result<Option<CookieFormat>> {
        if name.trim().eq_ignore_ascii_case("auto") {
            return Ok(None);
        }
        CookieFormat::from_name(name).map(Some)
    }

    /// The canonical name ([`from_name`](Self::from_name) reads it back).
    pub fn name(self) -> &'static str {
        match self {
            CookieFormat::Header => "header",
            CookieFormat::Netscape => "netscape",
            CookieFormat::Playwright => "playwright",
            CookieFormat::WebDriver => "webdriver",
            CookieFormat::Jar => "jar",
        }
    }

    /// Which format `text` is in, from its shape: a JSON object with `"format"` is a
    /// jar file, one with `"cookies"` a storageState, a JSON array a WebDriver list, text
    /// with tab-separated lines or a `#` comment a `cookies.txt`, anything else with a
    /// `=` a `Cookie` header. Empty text is an (empty) jar file. `None`: none of these.
    pub fn detect(text: &str) -> Option<CookieFormat> {
        let t = text.trim_start();
        if t.is_empty() {
            return Some(CookieFormat::Jar);
        }
        if t.starts_with('{') {
            let v: Value = serde_json::from_str(t).ok()?;
            let o = v.as_object()?;
            return if o.contains_key("format") {
                Some(CookieFormat::Jar)
            } else if o.contains_key("cookies") {
                Some(CookieFormat::Playwright)
            } else {
                None
            };
        }
        if t.starts_with('[') {
            return Some(CookieFormat::WebDriver);
        }
        if t.starts_with('#') || t.lines().any(|l| l.contains('\t')) {
            return Some(CookieFormat::Netscape);
        }
        let t = t.trim_end();
        (t.contains('=') && !t.contains('\n')).then_some(CookieFormat::Header)
    }
}

/// The `SameSite` attribute of a cookie.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SameSite {
    /// `SameSite=Strict`.
    Strict,
    /// `SameSite=Lax` (what Auth.js sets, and what browsers apply when none is set).
    Lax,
    /// `SameSite=None` (cross-site requests too; browsers require `Secure`).
    None,
}

impl SameSite {
    /// `"Strict"`, `"Lax"` or `"None"`, as Playwright, WebDriver and `Set-Cookie` spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            SameSite::Strict => "Strict",
            SameSite::Lax => "Lax",
            SameSite::None => "None",
        }
    }

    pub(crate) fn from_raw(s: cookie::SameSite) -> SameSite {
        match s {
            cookie::SameSite::Strict => SameSite::Strict,
            cookie::SameSite::Lax => SameSite::Lax,
            cookie::SameSite::None => SameSite::None,
        }
    }

    fn to_raw(self) -> cookie::SameSite {
        match self {
            SameSite::Strict => cookie::SameSite::Strict,
            SameSite::Lax => cookie::SameSite::Lax,
            SameSite::None => cookie::SameSite::None,
        }
    }

    /// Reads the spellings in use: `Strict`/`Lax`/`None` in any case, and Cypress's and
    /// the Chrome extension API's `no_restriction` (= `None`). `unspecified` is no value.
    fn parse(s: &str) -> Option<Option<SameSite>> {
        match s.to_ascii_lowercase().as_str() {
            "strict" => Some(Some(SameSite::Strict)),
            "lax" => Some(Some(SameSite::Lax)),
            "none" | "no_restriction" => Some(Some(SameSite::None)),
            "unspecified" => Some(None),
            _ => None,
        }
    }
}

/// What an import did: how many cookies the jar now holds and how many of the input's
/// were left out (of another site, secure cookies this client cannot send, expired).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CookieImport {
    /// Cookies now in the jar.
    pub imported: usize,
    /// Cookies of the input that were not taken (see the type).
    pub skipped: usize,
}

// ----- export -----------------------------------------------------------------------

/// The jar in `format`. `origin_url` is the client's origin (the URL the `Cookie`
/// header is computed for and the origin the jar file is bound to).
pub(crate) fn export(jar: &Jar, format: CookieFormat, origin_url: &Url) -> Result<String> {
    Ok(match format {
        CookieFormat::Header => jar.header_for(origin_url),
        CookieFormat::Netscape => netscape(&jar.list()),
        CookieFormat::Playwright => playwright(&jar.list())?,
        CookieFormat::WebDriver => webdriver(&jar.list())?,
        CookieFormat::Jar => jar_file(
            &jar.list(),
            &origin_url.origin().ascii_serialization(),
            jar.epoch(),
        )?,
    })
}

fn serialise(v: &impl Serialize) -> Result<String> {
    serde_json::to_string_pretty(v)
        .map_err(|e| Error::new(ErrorKind::Io, format!("cannot serialise the cookies: {e}")))
}

#[derive(Serialize)]
struct JarFileOut<'a> {
    format: &'static str,
    version: u64,
    origin: &'a str,
    #[serde(rename = "signOutEpoch")]
    epoch: u64,
    cookies: Vec<JarCookieOut<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JarCookieOut<'a> {
    name: &'a str,
    value: &'a str,
    domain: &'a str,
    host_only: bool,
    path: &'a str,
    expires: Option<i64>,
    secure: bool,
    http_only: bool,
    same_site: Option<&'static str>,
}

/// The jar file, version 2.
pub(crate) fn jar_file(cookies: &[CookieInfo], origin: &str, epoch: u64) -> Result<String> {
    serialise(&JarFileOut {
        format: FILE_FORMAT,
        version: FILE_VERSION,
        origin,
        epoch,
        cookies: cookies
            .iter()
            .map(|c| JarCookieOut {
                name: &c.name,
                value: &c.value,
                domain: &c.domain,
                host_only: c.host_only,
                path: &c.path,
                expires: c.expires_unix,
                secure: c.secure,
                http_only: c.http_only,
                same_site: c.same_site.map(SameSite::as_str),
            })
            .collect(),
    })
}

/// The domain as browsers report it: the bare host for a host-only cookie, a leading
/// dot for a domain cookie (what Chromium, Firefox and so Playwright write, and what
/// `addCookies` reads back as host-only or domain cookie).
fn browser_domain(c: &CookieInfo) -> String {
    if c.host_only {
        c.domain.clone()
    } else {
        format!(".{}", c.domain)
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PlaywrightCookieOut<'a> {
    name: &'a str,
    value: &'a str,
    domain: String,
    path: &'a str,
    expires: i64,
    http_only: bool,
    secure: bool,
    same_site: &'static str,
}

/// A Playwright `storageState`. `expires` is -1 for a session cookie (Playwright's
/// convention); `sameSite`, which Playwright requires, is `Lax` when the server set
/// none, which is what browsers apply then.
pub(crate) fn playwright(cookies: &[CookieInfo]) -> Result<String> {
    let list: Vec<PlaywrightCookieOut<'_>> = cookies
        .iter()
        .map(|c| PlaywrightCookieOut {
            name: &c.name,
            value: &c.value,
            domain: browser_domain(c),
            path: &c.path,
            expires: c.expires_unix.unwrap_or(-1),
            http_only: c.http_only,
            secure: c.secure,
            same_site: c.same_site.unwrap_or(SameSite::Lax).as_str(),
        })
        .collect();
    serialise(&serde_json::json!({ "cookies": list, "origins": [] }))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WebDriverCookieOut<'a> {
    name: &'a str,
    value: &'a str,
    path: &'a str,
    /// Absent for host-only cookies: WebDriver's *Add Cookie* makes a cookie without
    /// `domain` host-only for the current page, while one with a `domain` becomes a
    /// domain cookie (which a `__Host-` cookie may not be).
    #[serde(skip_serializing_if = "Option::is_none")]
    domain: Option<String>,
    secure: bool,
    http_only: bool,
    /// Absent for session cookies (WebDriver has no other way to say so).
    #[serde(skip_serializing_if = "Option::is_none")]
    expiry: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    same_site: Option<&'static str>,
}

/// A JSON list of W3C WebDriver cookie objects.
pub(crate) fn webdriver(cookies: &[CookieInfo]) -> Result<String> {
    let list: Vec<WebDriverCookieOut<'_>> = cookies
        .iter()
        .map(|c| WebDriverCookieOut {
            name: &c.name,
            value: &c.value,
            path: &c.path,
            domain: (!c.host_only).then(|| browser_domain(c)),
            secure: c.secure,
            http_only: c.http_only,
            expiry: c.expires_unix,
            same_site: c.same_site.map(SameSite::as_str),
        })
        .collect();
    serialise(&list)
}

/// Netscape `cookies.txt`. No `#HttpOnly_` prefix: curl accepts it but wget reads such
/// lines as comments, and `HttpOnly` only matters to scripts in a browser. Session
/// cookies have expiry 0, which curl reads as "until the end of the session"; wget
/// skips them, and none is needed to send the session (the session token has an
/// expiry). Domain cookies get a leading dot and `TRUE` (subdomains too).
///
/// Chunks of one cookie are written last chunk first: curl sends cookies of equal path,
/// domain and name length newest first, and the line read last is the newest, so it
/// sends `.0, .1, …` in order, which next-auth ≤ 4.22 needs (it joins chunks in the
/// order they arrive). wget sorts them itself.
pub(crate) fn netscape(cookies: &[CookieInfo]) -> String {
    fn chunk(name: &str) -> (&str, Option<u64>) {
        match name.rsplit_once('.') {
            Some((base, n)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => {
                (base, n.parse().ok())
            }
            _ => (name, None),
        }
    }
    // The jar lists chunks of one cookie next to each other in numeric order: reverse
    // each such run.
    let mut rows: Vec<&CookieInfo> = cookies.iter().collect();
    let same_run = |a: &CookieInfo, b: &CookieInfo| {
        let (ba, ia) = chunk(&a.name);
        let (bb, ib) = chunk(&b.name);
        a.domain == b.domain && a.path == b.path && ba == bb && ia.is_some() && ib.is_some()
    };
    let mut start = 0;
    while start < rows.len() {
        let mut end = start + 1;
        while end < rows.len() && same_run(rows[start], rows[end]) {
            end += 1;
        }
        rows[start..end].reverse();
        start = end;
    }
    let mut out = String::from(
        "# Netscape HTTP Cookie File\n# Written by authjs. Holds credentials: keep it private.\n",
    );
    for c in rows {
        out.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
            browser_domain(c),
            if c.host_only { "FALSE" } else { "TRUE" },
            c.path,
            if c.secure { "TRUE" } else { "FALSE" },
            c.expires_unix.unwrap_or(0),
            c.name,
            c.value
        ));
    }
    out
}

// ----- import -----------------------------------------------------------------------

/// A cookie read from the input, before it is checked against the origin.
struct Entry {
    /// Where it was in the input, for messages (`cookie 3`, `line 7`).
    place: String,
    name: String,
    value: String,
    /// Without a leading dot; `None` for "the client's host" (WebDriver without
    /// `domain`, `Cookie` header pairs).
    domain: Option<String>,
    host_only: bool,
    path: String,
    expires: Option<i64>,
    secure: bool,
    http_only: bool,
    same_site: Option<SameSite>,
}

impl Entry {
    fn from_info(place: String, c: CookieInfo) -> Entry {
        Entry {
            place,
            name: c.name,
            value: c.value,
            domain: Some(c.domain),
            host_only: c.host_only,
            path: c.path,
            expires: c.expires_unix,
            secure: c.secure,
            http_only: c.http_only,
            same_site: c.same_site,
        }
    }
}

/// Whether cookies that do not belong to the origin are an error (the jar file is
/// bound to one origin) or skipped (a browser's cookies span many sites).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Foreign {
    Refuse,
    Skip,
}

/// Reads `text` in `format` (`None`: [`CookieFormat::detect`]) into a new jar for the
/// client at `origin_url`. Nothing is changed; the caller swaps the jar in.
pub(crate) fn import(
    format: Option<CookieFormat>,
    text: &str,
    origin_url: &Url,
) -> Result<(Jar, CookieImport)> {
    let format = match format {
        Some(f) => f,
        None => match CookieFormat::detect(text) {
            Some(f) => f,
            None => {
                let t = text.trim_start();
                if t.starts_with('{') || t.starts_with('[') {
                    // Broken JSON: say where, rather than "unknown format".
                    parse_json(text, "a cookie export")?;
                }
                return Err(Error::invalid(
                    "cannot tell the cookie format (expected a Playwright storageState, an \
                     authjs cookie file, a WebDriver cookie list, a cookies.txt or a Cookie \
                     header)",
                ));
            }
        },
    };
    match format {
        CookieFormat::Jar => import_jar_file(text, origin_url),
        CookieFormat::Playwright => build(parse_playwright(text)?, origin_url, Foreign::Skip, 0),
        CookieFormat::WebDriver => build(parse_webdriver(text)?, origin_url, Foreign::Skip, 0),
        CookieFormat::Netscape => build(parse_netscape(text)?, origin_url, Foreign::Skip, 0),
        CookieFormat::Header => {
            let mut jar = Jar::default();
            jar.add_cookie_header(text.trim(), origin_url)?;
            let imported = jar.len();
            Ok((
                jar,
                CookieImport {
                    imported,
                    skipped: 0,
                },
            ))
        }
    }
}

/// Builds the jar from checked entries (see the module docs for what is skipped).
fn build(
    entries: Vec<Entry>,
    origin_url: &Url,
    foreign: Foreign,
    epoch: u64,
) -> Result<(Jar, CookieImport)> {
    let host = origin_url
        .host_str()
        .ok_or_else(|| Error::invalid("the client's origin has no host"))?
        .to_ascii_lowercase();
    let is_ip = matches!(
        origin_url.host(),
        Some(url::Host::Ipv4(_) | url::Host::Ipv6(_))
    );
    // Browsers send secure cookies over https only, and treat loopback as secure.
    let secure_ok = origin_url.scheme() == "https" || is_loopback_host(origin_url.host());
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let mut store = CookieStore::default();
    let mut skipped = 0;
    for e in entries {
        let place = &e.place;
        let domain = e.domain.as_deref().unwrap_or(&host).to_ascii_lowercase();
        let belongs = if e.host_only {
            domain == host
        } else {
            domain == host
                || (!is_ip
                    && host.len() > domain.len()
                    && host.ends_with(&domain)
                    && host.as_bytes()[host.len() - domain.len() - 1] == b'.')
        };
        // A secure cookie over plain http is the jar's own business (a server reached
        // with `allow_http` may set one); from a browser it is one the browser would not
        // send here.
        let unsendable = foreign == Foreign::Skip && e.secure && !secure_ok;
        if !belongs || unsendable {
            if foreign == Foreign::Refuse {
                return Err(Error::invalid(format!(
                    "{place} ({}) is not a cookie of {}",
                    e.name,
                    origin_url.origin().ascii_serialization()
                )));
            }
            skipped += 1;
            continue;
        }
        if !storable_name(&e.name) {
            return Err(Error::invalid(format!(
                "{place} has an invalid cookie name"
            )));
        }
        if !storable_value(&e.value) {
            return Err(Error::invalid(format!(
                "{place} ({}) has a value that cannot be sent in a Cookie header",
                e.name
            )));
        }
        if !e.path.starts_with('/') || !e.path.bytes().all(|b| b.is_ascii_graphic() && b != b';') {
            return Err(Error::invalid(format!(
                "{place} ({}) has an invalid path (it must start with '/')",
                e.name
            )));
        }
        if e.expires.is_some_and(|t| t <= now) {
            skipped += 1;
            continue;
        }
        let mut raw = RawCookie::new(e.name.clone(), e.value.clone());
        raw.set_path(e.path.clone());
        raw.set_secure(e.secure);
        raw.set_http_only(e.http_only);
        if let Some(s) = e.same_site {
            raw.set_same_site(s.to_raw());
        }
        if !e.host_only {
            raw.set_domain(domain.clone());
        }
        if let Some(t) = e.expires {
            let at = time::OffsetDateTime::from_unix_timestamp(t).map_err(|_| {
                Error::invalid(format!("{place} ({}) has an expiry out of range", e.name))
            })?;
            raw.set_expires(at);
        }
        if !prefix_rules_hold(&raw) {
            return Err(Error::invalid(format!(
                "{place} ({}) breaks its prefix's rules (__Secure-: Secure; __Host-: Secure, \
                 path /, host-only)",
                e.name
            )));
        }
        store
            .insert_raw(&raw, origin_url)
            .map_err(|_| Error::invalid(format!("{place} ({}) cannot be stored", e.name)))?;
        if store.iter_any().count() > MAX_COOKIES {
            return Err(Error::invalid(format!(
                "more than {MAX_COOKIES} cookies belong to this server"
            )));
        }
    }
    let imported = store.iter_unexpired().count();
    Ok((
        Jar::from_store(store, epoch),
        CookieImport { imported, skipped },
    ))
}

/// A name a `Cookie` header can carry: visible ASCII without `=` or `;`. Looser than
/// an HTTP token on purpose: the jar keeps what servers set, and its file must read back.
fn storable_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_graphic() && b != b'=' && b != b';')
}

/// A value a `Cookie` header can carry: ASCII without control characters or `;`.
fn storable_value(value: &str) -> bool {
    value
        .bytes()
        .all(|b| (b == b' ' || b.is_ascii_graphic()) && b != b';')
}

/// Parses JSON without ever quoting the input: serde's messages can contain a value.
fn parse_json(text: &str, what: &str) -> Result<Value> {
    serde_json::from_str(text).map_err(|e| {
        Error::invalid(format!(
            "not {what}: invalid JSON (line {}, column {})",
            e.line(),
            e.column()
        ))
    })
}

/// Typed field access with messages that name the field, never its value.
struct Fields<'a> {
    obj: &'a Map<String, Value>,
    place: &'a str,
}

impl Fields<'_> {
    fn bad(&self, key: &str, expected: &str) -> Error {
        Error::invalid(format!("{}: \"{key}\" must be {expected}", self.place))
    }

    fn string(&self, key: &str) -> Result<Option<String>> {
        match self.obj.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(self.bad(key, "a string")),
        }
    }

    fn required_string(&self, key: &str) -> Result<String> {
        self.string(key)?
            .ok_or_else(|| Error::invalid(format!("{}: \"{key}\" is missing", self.place)))
    }

    fn bool(&self, key: &str) -> Result<bool> {
        match self.obj.get(key) {
            None | Some(Value::Null) => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(_) => Err(self.bad(key, "true or false")),
        }
    }

    fn number(&self, key: &str) -> Result<Option<f64>> {
        match self.obj.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => n
                .as_f64()
                .filter(|f| f.is_finite())
                .map(Some)
                .ok_or_else(|| self.bad(key, "a number")),
            Some(_) => Err(self.bad(key, "a number")),
        }
    }

    fn same_site(&self, key: &str) -> Result<Option<SameSite>> {
        match self.string(key)? {
            None => Ok(None),
            Some(s) => {
                SameSite::parse(&s).ok_or_else(|| self.bad(key, "\"Strict\", \"Lax\" or \"None\""))
            }
        }
    }
}

/// Unix seconds from a JSON number, for the expiry fields (whole seconds, from floats
/// as Playwright writes them).
fn unix_seconds(f: f64) -> Option<i64> {
    (f.is_finite() && f > 0.0 && f < 253_402_300_800.0).then(|| f.floor() as i64)
}

/// A domain field: a leading dot makes a domain cookie, a bare host a host-only one
/// (how browsers, Playwright and WebDriver report them).
fn split_domain(d: &str) -> (String, bool) {
    match d.strip_prefix('.') {
        Some(rest) => (rest.to_string(), false),
        None => (d.to_string(), true),
    }
}

fn parse_playwright(text: &str) -> Result<Vec<Entry>> {
    let v = parse_json(text, "a Playwright storageState")?;
    let Some(cookies) = v.get("cookies").filter(|_| v.is_object()) else {
        return Err(Error::invalid(
            "not a Playwright storageState: expected an object with a \"cookies\" list",
        ));
    };
    let Some(list) = cookies.as_array() else {
        return Err(Error::invalid(
            "not a Playwright storageState: \"cookies\" must be a list",
        ));
    };
    let mut out = Vec::with_capacity(list.len());
    for (i, c) in list.iter().enumerate() {
        let place = format!("cookie {}", i + 1);
        let Some(obj) = c.as_object() else {
            return Err(Error::invalid(format!("{place} is not an object")));
        };
        let f = Fields { obj, place: &place };
        let name = f.required_string("name")?;
        let value = f.required_string("value")?;
        let (domain, host_only) = split_domain(&f.required_string("domain")?);
        if domain.is_empty() {
            return Err(f.bad("domain", "a host name"));
        }
        let expires = match f.number("expires")? {
            None => None,
            Some(-1.0) => None,
            Some(x) => Some(
                unix_seconds(x)
                    .ok_or_else(|| f.bad("expires", "-1 (a session cookie) or Unix seconds"))?,
            ),
        };
        out.push(Entry {
            name,
            value,
            domain: Some(domain),
            host_only,
            path: f.required_string("path")?,
            expires,
            secure: f.bool("secure")?,
            http_only: f.bool("httpOnly")?,
            same_site: f.same_site("sameSite")?,
            place,
        });
    }
    Ok(out)
}

fn parse_webdriver(text: &str) -> Result<Vec<Entry>> {
    let v = parse_json(text, "a WebDriver cookie list")?;
    let Some(list) = v.as_array() else {
        return Err(Error::invalid(
            "not a WebDriver cookie list: expected a JSON list",
        ));
    };
    let mut out = Vec::with_capacity(list.len());
    for (i, c) in list.iter().enumerate() {
        let place = format!("cookie {}", i + 1);
        let Some(obj) = c.as_object() else {
            return Err(Error::invalid(format!("{place} is not an object")));
        };
        let f = Fields { obj, place: &place };
        let (domain, mut host_only) = match f.string("domain")? {
            None => (None, true),
            Some(d) => {
                let (d, h) = split_domain(&d);
                if d.is_empty() {
                    return Err(f.bad("domain", "a host name"));
                }
                (Some(d), h)
            }
        };
        // Cypress's `getCookies()` says it outright (its `setCookie` takes it too).
        match obj.get("hostOnly") {
            None | Some(Value::Null) => {}
            Some(Value::Bool(b)) => host_only = *b,
            Some(_) => return Err(f.bad("hostOnly", "true or false")),
        }
        let expires = match f.number("expiry")? {
            None => None,
            Some(x) if x.fract() == 0.0 => {
                Some(unix_seconds(x).ok_or_else(|| f.bad("expiry", "positive Unix seconds"))?)
            }
            Some(_) => return Err(f.bad("expiry", "whole Unix seconds")),
        };
        out.push(Entry {
            name: f.required_string("name")?,
            value: f.required_string("value")?,
            domain,
            host_only,
            path: f.string("path")?.unwrap_or_else(|| "/".to_string()),
            expires,
            secure: f.bool("secure")?,
            http_only: f.bool("httpOnly")?,
            same_site: f.same_site("sameSite")?,
            place,
        });
    }
    Ok(out)
}

fn parse_netscape(text: &str) -> Result<Vec<Entry>> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let place = format!("line {}", i + 1);
        let line = line.strip_suffix('\r').unwrap_or(line);
        let (line, http_only) = match line.strip_prefix("#HttpOnly_") {
            Some(rest) => (rest, true),
            None => (line, false),
        };
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        let [domain, tailmatch, path, secure, expires, name, value] = fields[..] else {
            return Err(Error::invalid(format!(
                "{place} is not a cookies.txt line (7 tab-separated fields)"
            )));
        };
        let flag = |s: &str, what: &str| match s {
            "TRUE" => Ok(true),
            "FALSE" => Ok(false),
            _ => Err(Error::invalid(format!(
                "{place}: {what} must be TRUE or FALSE"
            ))),
        };
        let (domain, bare) = split_domain(domain);
        let subdomains = flag(tailmatch, "the subdomain field")?;
        let expires: i64 = expires
            .parse()
            .map_err(|_| Error::invalid(format!("{place}: the expiry must be Unix seconds")))?;
        if domain.is_empty() {
            return Err(Error::invalid(format!("{place}: the domain is empty")));
        }
        out.push(Entry {
            name: name.to_string(),
            value: value.to_string(),
            domain: Some(domain),
            host_only: bare && !subdomains,
            path: path.to_string(),
            expires: (expires != 0).then_some(expires),
            secure: flag(secure, "the secure field")?,
            http_only,
            same_site: None,
            place,
        });
    }
    Ok(out)
}

#[derive(Deserialize)]
struct JarFileV1 {
    #[serde(default, rename = "signOutEpoch")]
    epoch: u64,
    cookies: Vec<cookie_store::Cookie<'static>>,
}

/// The jar file, version 1 or 2, which must belong to the client's origin. Every
/// cookie in it must be one of the origin's (a file that says otherwise was edited).
fn import_jar_file(text: &str, origin_url: &Url) -> Result<(Jar, CookieImport)> {
    if text.trim().is_empty() {
        // An empty file (e.g. fresh from `mktemp`) is an empty jar.
        return Ok((Jar::default(), CookieImport::default()));
    }
    let v = parse_json(text, "an authjs cookie file")?;
    let Some(obj) = v.as_object() else {
        return Err(Error::invalid(
            "not an authjs cookie file (not a JSON object)",
        ));
    };
    let place = "the cookie file";
    let f = Fields { obj, place };
    if f.string("format")?.as_deref() != Some(FILE_FORMAT) {
        return Err(Error::invalid(format!(
            "not an authjs cookie file (\"format\" is not \"{FILE_FORMAT}\")"
        )));
    }
    let version = obj.get("version").and_then(Value::as_u64);
    let origin = origin_url.origin().ascii_serialization();
    let file_origin = f.required_string("origin")?;
    if file_origin != origin {
        return Err(Error::invalid(format!(
            "the cookie file belongs to {}, not to {}",
            crate::endpoint::redact_text(&file_origin),
            origin
        )));
    }
    let epoch = match obj.get("signOutEpoch") {
        None => 0,
        Some(e) => e
            .as_u64()
            .ok_or_else(|| f.bad("signOutEpoch", "a whole number"))?,
    };
    let list = match obj.get("cookies") {
        Some(Value::Array(list)) => list,
        _ => return Err(f.bad("cookies", "a list")),
    };
    if list.len() > MAX_COOKIES {
        return Err(Error::invalid("the cookie file holds too many cookies"));
    }
    let entries = match version {
        Some(1) => {
            let file: JarFileV1 = serde_json::from_value(v.clone()).map_err(|_| {
                Error::invalid("malformed version 1 cookie file (its cookies cannot be read)")
            })?;
            let store = CookieStore::from_cookies(
                file.cookies
                    .into_iter()
                    .map(Ok::<_, std::convert::Infallible>),
                false,
            )
            .map_err(|e: std::convert::Infallible| match e {})?;
            let old = Jar::from_store(store, file.epoch);
            old.list()
                .into_iter()
                .enumerate()
                .map(|(i, c)| Entry::from_info(format!("cookie {}", i + 1), c))
                .collect()
        }
        Some(2) => parse_jar_cookies(list)?,
        _ => {
            return Err(Error::invalid(format!(
                "unsupported cookie file version {} (this library reads versions 1 and 2; a \
                 newer authjs wrote it)",
                obj.get("version").map(Value::to_string).unwrap_or_default()
            )));
        }
    };
    build(entries, origin_url, Foreign::Refuse, epoch)
}

fn parse_jar_cookies(list: &[Value]) -> Result<Vec<Entry>> {
    let mut out = Vec::with_capacity(list.len());
    for (i, c) in list.iter().enumerate() {
        let place = format!("cookie {} of the cookie file", i + 1);
        let Some(obj) = c.as_object() else {
            return Err(Error::invalid(format!("{place} is not an object")));
        };
        let f = Fields { obj, place: &place };
        let host_only = match obj.get("hostOnly") {
            Some(Value::Bool(b)) => *b,
            _ => return Err(f.bad("hostOnly", "true or false")),
        };
        let expires = match obj.get("expires") {
            None | Some(Value::Null) => None,
            Some(e) => Some(
                e.as_i64()
                    .ok_or_else(|| f.bad("expires", "Unix seconds or null"))?,
            ),
        };
        let same_site = match f.string("sameSite")? {
            None => None,
            Some(s) => match s.as_str() {
                "Strict" => Some(SameSite::Strict),
                "Lax" => Some(SameSite::Lax),
                "None" => Some(SameSite::None),
                _ => return Err(f.bad("sameSite", "\"Strict\", \"Lax\", \"None\" or null")),
            },
        };
        out.push(Entry {
            name: f.required_string("name")?,
            value: f.required_string("value")?,
            domain: Some(f.required_string("domain")?),
            host_only,
            path: f.required_string("path")?,
            expires,
            secure: f.bool("secure")?,
            http_only: f.bool("httpOnly")?,
            same_site,
            place,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cookies::StorePolicy;

    const APPLY: StorePolicy<'static> = StorePolicy {
        keep_session: true,
        sent: None,
    };

    fn origin() -> Url {
        Url::parse("http://127.0.0.1:3000").unwrap()
    }

    fn tls_origin() -> Url {
        Url::parse("https://app.example.test").unwrap()
    }

    /// A jar as a v4 server over http leaves it: a chunked session, the CSRF and
    /// callback-url cookies (session cookies), SameSite=Lax.
    fn sample() -> Jar {
        let mut jar = Jar::default();
        let far = "Expires=Fri, 01 Jan 2100 00:00:00 GMT";
        jar.store(
            &[
                format!("next-auth.session-token.0=A0; Path=/; HttpOnly; SameSite=Lax; {far}"),
                format!("next-auth.session-token.1=A1; Path=/; HttpOnly; SameSite=Lax; {far}"),
                "next-auth.csrf-token=aa%7Cbb; Path=/; HttpOnly; SameSite=Lax".into(),
                "next-auth.callback-url=http%3A%2F%2F127.0.0.1%3A3000; Path=/; SameSite=Lax".into(),
                "strict=1; Path=/api; SameSite=Strict".into(),
                "plain=1; Path=/".into(),
            ],
            &Url::parse("http://127.0.0.1:3000/api/auth/callback/credentials").unwrap(),
            &APPLY,
        );
        jar
    }

    fn roundtrip(format: CookieFormat) -> Jar {
        let jar = sample();
        let text = export(&jar, format, &origin()).unwrap();
        let (back, report) = import(Some(format), &text, &origin()).unwrap();
        assert_eq!(report.skipped, 0, "{format:?}");
        assert_eq!(report.imported, back.len());
        back
    }

    #[test]
    fn names() {
        for f in CookieFormat::ALL {
            assert_eq!(CookieFormat::from_name(f.name()).unwrap(), f);
        }
        assert_eq!(CookieFormat::from_name("JSON").unwrap(), CookieFormat::Jar);
        assert_eq!(CookieFormat::from_import_name("Auto").unwrap(), None);
        assert!(CookieFormat::from_name("auto").is_err());
        let e = CookieFormat::from_name("yaml").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument);
        assert!(e.to_string().contains("playwright"), "{e}");
    }

    /// Version 2 has explicit fields, none of cookie_store's internals (issue 15:
    /// `raw_cookie`, `{"HostOnly": …}`, `{"AtUtc": …}`).
    #[test]
    fn jar_file_v2_has_explicit_fields() {
        let text = export(&sample(), CookieFormat::Jar, &origin()).unwrap();
        for internal in ["raw_cookie", "HostOnly", "AtUtc", "SessionEnd"] {
            assert!(!text.contains(internal), "{internal} in {text}");
        }
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["format"], "authjs-cookies");
        assert_eq!(v["version"], 2);
        assert_eq!(v["origin"], "http://127.0.0.1:3000");
        let c = v["cookies"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == "next-auth.session-token.0")
            .unwrap();
        assert_eq!(c["value"], "A0");
        assert_eq!(c["domain"], "127.0.0.1");
        assert_eq!(c["hostOnly"], true);
        assert_eq!(c["path"], "/");
        assert_eq!(c["expires"], 4102444800i64);
        assert_eq!(c["secure"], false);
        assert_eq!(c["httpOnly"], true);
        assert_eq!(c["sameSite"], "Lax");
        let plain = v["cookies"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == "plain")
            .unwrap();
        assert_eq!(plain["expires"], Value::Null);
        assert_eq!(plain["sameSite"], Value::Null);
    }

    #[test]
    fn every_format_round_trips_the_cookies() {
        let before = sample().list();
        for f in [CookieFormat::Jar, CookieFormat::WebDriver] {
            assert_eq!(roundtrip(f).list(), before, "{f:?}");
        }
        // Playwright requires a sameSite: what the browser applies (Lax) when none.
        let lax: Vec<CookieInfo> = before
            .iter()
            .cloned()
            .map(|mut c| {
                c.same_site = c.same_site.or(Some(SameSite::Lax));
                c
            })
            .collect();
        assert_eq!(roundtrip(CookieFormat::Playwright).list(), lax);
        // cookies.txt has no SameSite: everything else survives.
        let strip = |v: Vec<CookieInfo>| -> Vec<CookieInfo> {
            v.into_iter()
                .map(|mut c| {
                    c.same_site = None;
                    c.http_only = false;
                    c
                })
                .collect()
        };
        assert_eq!(
            strip(roundtrip(CookieFormat::Netscape).list()),
            strip(before.clone())
        );
        // A header has names and values only, all at path /.
        let header = roundtrip(CookieFormat::Header);
        assert_eq!(
            header.header_for(&origin()),
            sample().header_for(&origin()).replace("strict=1; ", "")
        );
    }

    #[test]
    fn playwright_shape() {
        let text = export(&sample(), CookieFormat::Playwright, &origin()).unwrap();
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["origins"], serde_json::json!([]));
        let list = v["cookies"].as_array().unwrap();
        let by = |n: &str| list.iter().find(|c| c["name"] == n).unwrap().clone();
        let s = by("next-auth.session-token.0");
        assert_eq!(
            s,
            serde_json::json!({"name": "next-auth.session-token.0", "value": "A0",
                "domain": "127.0.0.1", "path": "/", "expires": 4102444800i64,
                "httpOnly": true, "secure": false, "sameSite": "Lax"})
        );
        assert_eq!(by("next-auth.csrf-token")["expires"], -1);
        assert_eq!(by("strict")["sameSite"], "Strict");
        assert_eq!(by("strict")["path"], "/api");
        // Chunks in numeric order.
        let names: Vec<&str> = list.iter().map(|c| c["name"].as_str().unwrap()).collect();
        let i0 = names.iter().position(|n| n.ends_with(".0")).unwrap();
        assert_eq!(names[i0 + 1], "next-auth.session-token.1");
    }

    #[test]
    fn webdriver_shape() {
        let text = export(&sample(), CookieFormat::WebDriver, &origin()).unwrap();
        let v: Value = serde_json::from_str(&text).unwrap();
        let list = v.as_array().unwrap();
        let by = |n: &str| list.iter().find(|c| c["name"] == n).unwrap().clone();
        assert_eq!(
            by("next-auth.session-token.1"),
            serde_json::json!({"name": "next-auth.session-token.1", "value": "A1",
                "path": "/", "secure": false, "httpOnly": true, "expiry": 4102444800i64,
                "sameSite": "Lax"})
        );
        let csrf = by("next-auth.csrf-token");
        assert!(csrf.get("expiry").is_none(), "session cookie: no expiry");
        assert!(csrf.get("domain").is_none(), "host-only: no domain");
        assert!(by("plain").get("sameSite").is_none());
    }

    #[test]
    fn domain_cookies_keep_their_dot() {
        let mut jar = Jar::default();
        let u = Url::parse("https://app.example.test/").unwrap();
        jar.store(
            &[
                "wide=1; Domain=example.test; Path=/; Secure".into(),
                "__Host-narrow=1; Path=/; Secure".into(),
            ],
            &u,
            &APPLY,
        );
        let list = jar.list();
        assert_eq!(list.len(), 2);
        assert!(list.iter().any(|c| c.name == "wide" && !c.host_only));
        let n = export(&jar, CookieFormat::Netscape, &u).unwrap();
        assert!(
            n.contains(".example.test\tTRUE\t/\tTRUE\t0\twide\t1"),
            "{n}"
        );
        assert!(
            n.contains("app.example.test\tFALSE\t/\tTRUE\t0\t__Host-narrow\t1"),
            "{n}"
        );
        let pw = export(&jar, CookieFormat::Playwright, &u).unwrap();
        assert!(pw.contains("\".example.test\""), "{pw}");
        let wd = export(&jar, CookieFormat::WebDriver, &u).unwrap();
        assert!(wd.contains("\".example.test\""), "{wd}");
        for f in [
            CookieFormat::Jar,
            CookieFormat::Netscape,
            CookieFormat::Playwright,
            CookieFormat::WebDriver,
        ] {
            let text = export(&jar, f, &u).unwrap();
            let (back, _) = import(Some(f), &text, &u).unwrap();
            let mut got = back.list();
            let mut want = jar.list();
            for c in got.iter_mut().chain(want.iter_mut()) {
                c.http_only = false;
                c.same_site = None;
            }
            assert_eq!(got, want, "{f:?}");
        }
    }

    /// A browser's storageState: cookies of other sites, secure cookies over http and
    /// expired cookies are skipped and counted.
    #[test]
    fn storage_state_import_takes_only_this_origins_cookies() {
        let state = serde_json::json!({"cookies": [
            {"name": "authjs.session-token", "value": "S", "domain": "127.0.0.1", "path": "/",
             "expires": 4102444800.5, "httpOnly": true, "secure": false, "sameSite": "Lax"},
            {"name": "other", "value": "x", "domain": "github.com", "path": "/",
             "expires": -1, "httpOnly": false, "secure": true, "sameSite": "None"},
            {"name": "wide", "value": "x", "domain": ".example.com", "path": "/",
             "expires": -1, "httpOnly": false, "secure": false, "sameSite": "Lax"},
            {"name": "old", "value": "x", "domain": "127.0.0.1", "path": "/",
             "expires": 1000, "httpOnly": false, "secure": false, "sameSite": "Lax"},
            {"name": "sec", "value": "x", "domain": "127.0.0.1", "path": "/",
             "expires": -1, "httpOnly": false, "secure": true, "sameSite": "Lax"}
        ], "origins": [{"origin": "http://127.0.0.1:3000", "localStorage": []}]});
        let (jar, report) = import(
            Some(CookieFormat::Playwright),
            &state.to_string(),
            &origin(),
        )
        .unwrap();
        // Loopback counts as secure, as in browsers: "sec" is kept.
        assert_eq!(
            report,
            CookieImport {
                imported: 2,
                skipped: 3
            }
        );
        assert_eq!(jar.header_for(&origin()), "authjs.session-token=S; sec=x");
        assert_eq!(jar.list()[0].expires_unix, Some(4102444800));
        // Over plain http to a host that is not loopback, a secure cookie is not sent.
        let lan = Url::parse("http://app.example.com").unwrap();
        let (jar, report) =
            import(Some(CookieFormat::Playwright), &state.to_string(), &lan).unwrap();
        assert_eq!(
            report,
            CookieImport {
                imported: 1,
                skipped: 4
            }
        );
        assert_eq!(jar.header_for(&lan), "wide=x");
        // Auto-detected.
        let (_, report) = import(None, &state.to_string(), &origin()).unwrap();
        assert_eq!(report.imported, 2);
    }

    #[test]
    fn bad_input_is_refused_without_quoting_values() {
        let cookie = |extra: Value| {
            let mut c = serde_json::json!({"name": "n", "value": "SECRET", "domain": "127.0.0.1",
                "path": "/", "expires": -1, "httpOnly": false, "secure": false, "sameSite": "Lax"});
            for (k, v) in extra.as_object().unwrap() {
                if v.is_null() {
                    c.as_object_mut().unwrap().remove(k);
                } else {
                    c[k] = v.clone();
                }
            }
            serde_json::json!({"cookies": [c]}).to_string()
        };
        let bad = [
            "{".to_string(),
            "[]".to_string(),
            r#"{"cookies": {}}"#.to_string(),
            r#"{"cookies": [1]}"#.to_string(),
            cookie(serde_json::json!({"name": null})),
            cookie(serde_json::json!({"value": 7})),
            cookie(serde_json::json!({"expires": "SECRET"})),
            cookie(serde_json::json!({"expires": 0})),
            cookie(serde_json::json!({"sameSite": "SECRET"})),
            cookie(serde_json::json!({"secure": "yes"})),
            cookie(serde_json::json!({"path": "relative"})),
            cookie(serde_json::json!({"value": "SECRET;x"})),
            cookie(serde_json::json!({"value": "SECRET\n"})),
            cookie(serde_json::json!({"name": "a=b"})),
            cookie(serde_json::json!({"domain": "."})),
            cookie(serde_json::json!({"name": "__Host-x", "secure": true, "domain": ".127.0.0.1"})),
            cookie(serde_json::json!({"name": "__Secure-x"})),
        ];
        for text in &bad {
            let e = import(Some(CookieFormat::Playwright), text, &origin())
                .err()
                .unwrap();
            assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{text}");
            assert!(!e.to_string().contains("SECRET"), "{e}");
        }
        let too_many: Vec<Value> = (0..=MAX_COOKIES)
            .map(|i| {
                serde_json::json!({"name": format!("c{i}"), "value": "v",
                "domain": "127.0.0.1", "path": "/"})
            })
            .collect();
        let text = serde_json::json!({ "cookies": too_many }).to_string();
        assert!(import(Some(CookieFormat::Playwright), &text, &origin()).is_err());
        for (f, text) in [
            (CookieFormat::WebDriver, r#"{"name": "x"}"#),
            (
                CookieFormat::WebDriver,
                r#"[{"name": "x", "value": "v", "expiry": 1.5}]"#,
            ),
            (
                CookieFormat::Netscape,
                "127.0.0.1\tFALSE\t/\tFALSE\t0\tonly-six",
            ),
            (
                CookieFormat::Netscape,
                "127.0.0.1\tMAYBE\t/\tFALSE\t0\tn\tSECRET",
            ),
            (
                CookieFormat::Netscape,
                "127.0.0.1\tFALSE\t/\tFALSE\tsoon\tn\tSECRET",
            ),
            (
                CookieFormat::Jar,
                r#"{"format": "authjs-cookies", "version": 3,
                "origin": "http://127.0.0.1:3000", "cookies": []}"#,
            ),
            (
                CookieFormat::Jar,
                r#"{"format": "other", "version": 2, "cookies": []}"#,
            ),
        ] {
            let e = import(Some(f), text, &origin()).err().unwrap();
            assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{text}");
            assert!(!e.to_string().contains("SECRET"), "{e}");
        }
        assert!(import(None, "what is this", &origin()).is_err());
        let e = import(None, "{\"cookies\": [SECRET", &origin())
            .err()
            .unwrap();
        assert!(e.to_string().contains("line 1"), "{e}");
        let e = CookieFormat::from_name("SECRET=1").unwrap_err();
        assert!(!e.to_string().contains("SECRET"), "{e}");
    }

    #[test]
    fn webdriver_and_cypress_spellings_are_read() {
        let text = r#"[
            {"name": "a", "value": "1"},
            {"name": "b", "value": "2", "path": "/api", "domain": "127.0.0.1",
             "sameSite": "no_restriction", "secure": true, "expiry": 4102444800},
            {"name": "c", "value": "3", "sameSite": "strict", "domain": "elsewhere.test"},
            {"name": "d", "value": "4", "domain": "127.0.0.1", "hostOnly": false}
        ]"#;
        let (jar, report) = import(None, text, &origin()).unwrap();
        assert_eq!(
            report,
            CookieImport {
                imported: 3,
                skipped: 1
            }
        );
        let list = jar.list();
        let by = |n: &str| list.iter().find(|c| c.name == n).unwrap();
        assert!(by("a").host_only && by("a").expires_unix.is_none());
        assert_eq!(by("b").same_site, Some(SameSite::None));
        assert_eq!(by("b").path, "/api");
        assert!(!by("d").host_only, "Cypress's hostOnly: false");
    }

    #[test]
    fn netscape_reads_what_curl_writes() {
        let text = "# Netscape HTTP Cookie File\n\
            # https://curl.se/docs/http-cookies.html\n\
            \n\
            #HttpOnly_127.0.0.1\tFALSE\t/\tFALSE\t4102444800\tauthjs.session-token\tS\n\
            127.0.0.1\tFALSE\t/\tFALSE\t0\tauthjs.csrf-token\taa%7Cbb\r\n\
            .github.com\tTRUE\t/\tTRUE\t0\tlogged_in\tno\n";
        assert_eq!(CookieFormat::detect(text), Some(CookieFormat::Netscape));
        let (jar, report) = import(None, text, &origin()).unwrap();
        assert_eq!(
            report,
            CookieImport {
                imported: 2,
                skipped: 1
            }
        );
        let s = jar
            .list()
            .into_iter()
            .find(|c| c.name == "authjs.session-token")
            .unwrap();
        assert!(s.http_only && s.host_only);
        assert_eq!(s.expires_unix, Some(4102444800));
        assert_eq!(jar.csrf_token().as_deref(), Some("aa"));
    }

    /// Netscape rows list chunks last first, so that curl (newest first among cookies
    /// of equal name length) sends them in numeric order, which next-auth ≤ 4.22 needs.
    #[test]
    fn netscape_chunks_are_in_reverse_numeric_order() {
        let mut jar = Jar::default();
        let set: Vec<String> = (0..12)
            .rev()
            .map(|i| format!("authjs.session-token.{i}=v{i}; Path=/; Max-Age=600"))
            .collect();
        jar.store(&set, &origin(), &APPLY);
        let text = export(&jar, CookieFormat::Netscape, &origin()).unwrap();
        let names: Vec<&str> = text
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(|l| l.split('\t').nth(5).unwrap())
            .collect();
        let want: Vec<String> = (0..12)
            .rev()
            .map(|i| format!("authjs.session-token.{i}"))
            .collect();
        assert_eq!(names, want);
    }

    /// Version 1 files (cookie_store's own serialisation of its cookies) still load.
    #[test]
    fn jar_file_v1_is_read() {
        let jar = sample();
        let v1 = serde_json::json!({
            "format": "authjs-cookies",
            "version": 1,
            "origin": "http://127.0.0.1:3000",
            "signOutEpoch": 4,
            "cookies": jar.store.iter_unexpired().collect::<Vec<_>>(),
        })
        .to_string();
        assert!(v1.contains("raw_cookie"), "the old format: {v1}");
        let (back, _) = import(None, &v1, &origin()).unwrap();
        assert_eq!(back.list(), jar.list());
        assert_eq!(back.epoch(), 4);
        // The committed fixture, written by authjs 0.1 before version 2 existed.
        let fixture = include_str!("../tests/fixtures/jar-v1.json");
        let (old, _) = import(Some(CookieFormat::Jar), fixture, &origin()).unwrap();
        assert!(old.has_session());
        assert_eq!(old.epoch(), 1);
        assert_eq!(old.csrf_token().as_deref(), Some("aa"));
        // A v1 file of another origin is refused like a v2 one.
        assert!(import(Some(CookieFormat::Jar), fixture, &tls_origin()).is_err());
    }

    #[test]
    fn jar_file_cookies_must_belong_to_the_origin() {
        let text = export(&sample(), CookieFormat::Jar, &origin())
            .unwrap()
            .replacen("\"domain\": \"127.0.0.1\"", "\"domain\": \"evil.test\"", 1);
        let e = import(Some(CookieFormat::Jar), &text, &origin())
            .err()
            .unwrap();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument);
        assert!(e.to_string().contains("is not a cookie of"), "{e}");
    }
}
