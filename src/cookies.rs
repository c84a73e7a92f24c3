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

use crate::error::{Error, ErrorKind, Result};
use cookie_store::{CookieExpiration, CookieStore, RawCookie};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::Path;
use url::Url;

/// Format marker of the cookie file.
const FILE_FORMAT: &str = "authjs-cookies";
const FILE_VERSION: u32 = 1;
/// A cookie file larger than this is refused (a real jar is a few KiB).
const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;
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
            .finish()
    }
}

#[derive(Serialize, Deserialize)]
struct CookieFile {
    format: String,
    version: u32,
    origin: String,
    cookies: Vec<cookie_store::Cookie<'static>>,
}

/// The jar. Not synchronised itself: the client keeps it behind a mutex that is held
/// only while cookies are read or stored, never during network I/O.
#[derive(Default)]
pub(crate) struct Jar {
    store: CookieStore,
}

impl Jar {
    /// The `Cookie` header value for `url` (empty when no cookie matches).
    pub fn header_for(&self, url: &Url) -> String {
        let mut out = String::new();
        for (name, value) in self.store.get_request_values(url) {
            if !out.is_empty() {
                out.push_str("; ");
            }
            out.push_str(name);
            out.push('=');
            out.push_str(value);
        }
        out
    }

    /// Stores the `Set-Cookie` values of a response from `url`.
    ///
    /// `keep_session` false drops session-token cookies: used for replies to requests
    /// that started before a sign-out, so a late session read cannot resurrect it.
    /// Returns true when the jar changed.
    pub fn store(&mut self, set_cookies: &[String], url: &Url, keep_session: bool) -> bool {
        let mut changed = false;
        let mut removed = false;
        for header in set_cookies {
            let Ok(raw) = RawCookie::parse(header.clone()) else {
                continue;
            };
            if !prefix_rules_hold(&raw) {
                continue;
            }
            if !keep_session && is_session_cookie_name(raw.name()) {
                continue;
            }
            let removing = is_removal(&raw);
            if !removing && self.store.iter_any().count() >= MAX_COOKIES {
                continue;
            }
            if self.store.insert_raw(&raw, url).is_ok() {
                changed = true;
                removed |= removing;
            }
        }
        if removed {
            // The store only marks deleted cookies expired; drop them for good.
            self.purge_expired();
        }
        changed
    }

    /// Adds the pairs of a `Cookie:` request header (`a=1; b=2`) as host-only cookies
    /// of the origin, for forwarding a browser's cookies (`getCsrfToken({ req })`).
    pub fn add_cookie_header(&mut self, header: &str, origin: &Url) -> Result<()> {
        for pair in header.split(';') {
            let pair = pair.trim();
            if pair.is_empty() {
                continue;
            }
            let Some((name, value)) = pair.split_once('=') else {
                return Err(Error::invalid(
                    "the cookie header must be a list of name=value pairs separated by ';'",
                ));
            };
            let name = name.trim();
            let valid_name = !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_graphic() && !b"()<>@,;:\\\"/[]?={}".contains(&b));
            let valid_value = value
                .bytes()
                .all(|b| b.is_ascii_graphic() && b != b';' && b != b',' && b != b'\\');
            if !valid_name || !valid_value {
                return Err(Error::invalid(
                    "the cookie header contains a malformed cookie",
                ));
            }
            let secure = name.starts_with("__Secure-") || name.starts_with("__Host-");
            let mut raw = RawCookie::new(name.to_string(), value.to_string());
            raw.set_path("/");
            if secure {
                raw.set_secure(true);
            }
            self.store
                .insert_raw(&raw, origin)
                .map_err(|e| Error::invalid(format!("cookie {name:?} was not accepted: {e}")))?;
        }
        Ok(())
    }

    /// True when a session-token cookie (or chunk) is present.
    pub fn has_session(&self) -> bool {
        self.store
            .iter_unexpired()
            .any(|c| is_session_cookie_name(c.name()))
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
        self.store.clear();
    }

    /// Number of unexpired cookies.
    pub fn len(&self) -> usize {
        self.store.iter_unexpired().count()
    }

    /// Unexpired cookies in a stable order (domain, path, name): the store iterates a
    /// hash map, and files and listings should not change when the jar did not.
    fn sorted(&self) -> Vec<&cookie_store::Cookie<'static>> {
        let mut v: Vec<_> = self.store.iter_unexpired().collect();
        v.sort_by(|a, b| {
            (String::from(&a.domain), String::from(&a.path), a.name()).cmp(&(
                String::from(&b.domain),
                String::from(&b.path),
                b.name(),
            ))
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
            })
            .collect()
    }

    /// Serialises the jar (all unexpired cookies, persistent or not) with its origin.
    pub fn export(&self, origin: &str) -> Result<String> {
        let file = CookieFile {
            format: FILE_FORMAT.to_string(),
            version: FILE_VERSION,
            origin: origin.to_string(),
            cookies: self.sorted().into_iter().cloned().collect(),
        };
        serde_json::to_string_pretty(&file)
            .map_err(|e| Error::new(ErrorKind::Io, format!("cannot serialise the cookies: {e}")))
    }

    /// Replaces the jar with serialised cookies, refusing cookies of another origin.
    pub fn import(&mut self, text: &str, origin: &str) -> Result<()> {
        if text.trim().is_empty() {
            // An empty file (e.g. fresh from `mktemp`) is an empty jar.
            self.store = CookieStore::default();
            return Ok(());
        }
        let file: CookieFile = serde_json::from_str(text).map_err(|e| {
            Error::invalid(format!(
                "not an authjs cookie file (line {}, column {})",
                e.line(),
                e.column()
            ))
        })?;
        if file.format != FILE_FORMAT || file.version != FILE_VERSION {
            return Err(Error::invalid(format!(
                "unsupported cookie file format {:?} version {}",
                file.format, file.version
            )));
        }
        if file.origin != origin {
            return Err(Error::invalid(format!(
                "the cookie file belongs to {}, not to {}",
                file.origin, origin
            )));
        }
        if file.cookies.len() > MAX_COOKIES {
            return Err(Error::invalid("the cookie file holds too many cookies"));
        }
        let store = CookieStore::from_cookies(
            file.cookies
                .into_iter()
                .map(Ok::<_, std::convert::Infallible>),
            false,
        )
        .map_err(|e: std::convert::Infallible| match e {})?;
        self.store = store;
        Ok(())
    }

    fn purge_expired(&mut self) {
        self.remove_matching(|c| c.is_expired());
    }

    /// The jar in Netscape `cookies.txt` format (for `curl -b`).
    pub fn netscape(&self) -> String {
        let mut out = String::from(
            "# Netscape HTTP Cookie File\n# Written by authjs. Holds credentials: keep it private.\n",
        );
        for c in self.list() {
            let domain = if c.http_only {
                format!("#HttpOnly_{}", c.domain)
            } else {
                c.domain.clone()
            };
            out.push_str(&format!(
                "{}\tFALSE\t{}\t{}\t{}\t{}\t{}\n",
                domain,
                c.path,
                if c.secure { "TRUE" } else { "FALSE" },
                c.expires_unix.unwrap_or(0),
                c.name,
                c.value
            ));
        }
        out
    }
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
fn prefix_rules_hold(raw: &RawCookie<'_>) -> bool {
    let name = raw.name();
    if name.starts_with("__Secure-") {
        return raw.secure() == Some(true);
    }
    if name.starts_with("__Host-") {
        return raw.secure() == Some(true) && raw.path() == Some("/") && raw.domain().is_none();
    }
    true
}

/// Writes `contents` to `path` atomically with mode 0600: a temporary file in the same
/// directory, flushed and synced, then renamed over the target. A crash mid-write
/// leaves the old file intact.
pub(crate) fn write_private_atomic(path: &Path, contents: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let file_name = path
        .file_name()
        .ok_or_else(|| Error::invalid("the cookie file path has no file name"))?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(file_name);
    // Unique per process, thread and call: two writers of one file never share a
    // temporary file, and the last rename wins whole.
    static SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let seq = SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    tmp_name.push(format!(".{}.{seq}.tmp", std::process::id()));
    let tmp = dir.join(tmp_name);
    let result = (|| -> std::io::Result<()> {
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts.open(&tmp)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        }
        f.write_all(contents)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::io(
            format!("cannot write the cookie file {}", path.display()),
            e,
        ));
    }
    Ok(())
}

/// Why [`read_regular_file`] failed.
pub(crate) enum ReadError {
    Io(std::io::Error),
    /// A device, FIFO or directory: `/dev/zero` would never end, a pipe could block.
    NotRegular,
    TooLarge,
}

/// Reads a regular file of at most `limit` bytes. The limit is enforced on what is
/// read, not on what the file system reports, so a file that grows meanwhile cannot
/// exhaust memory.
pub(crate) fn read_regular_file(
    path: &Path,
    limit: u64,
) -> std::result::Result<Vec<u8>, ReadError> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(ReadError::Io)?;
    if !file.metadata().map_err(ReadError::Io)?.is_file() {
        return Err(ReadError::NotRegular);
    }
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge);
    }
    Ok(bytes)
}

/// Reads a cookie file, refusing oversized files.
pub(crate) fn read_file_bounded(path: &Path) -> Result<String> {
    let bytes = read_regular_file(path, MAX_FILE_BYTES).map_err(|e| match e {
        ReadError::Io(e) => Error::io(format!("cannot read the cookie file {}", path.display()), e),
        ReadError::NotRegular => Error::invalid(format!(
            "the cookie file {} is not a regular file",
            path.display()
        )),
        ReadError::TooLarge => Error::invalid(format!(
            "the cookie file {} is larger than {} bytes",
            path.display(),
            MAX_FILE_BYTES
        )),
    })?;
    String::from_utf8(bytes).map_err(|_| {
        Error::invalid(format!(
            "the cookie file {} is not valid UTF-8",
            path.display()
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
            true,
        );
        assert_eq!(jar.csrf_token().as_deref(), Some("abc123"));
        jar.remove_csrf();
        assert_eq!(jar.csrf_token(), None);
    }

    #[test]
    fn malformed_csrf_cookie_is_ignored() {
        let mut jar = Jar::default();
        jar.store(&["authjs.csrf-token=nohash; Path=/".into()], &url(), true);
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
            true,
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
            true,
        );
        assert!(jar.has_session(), "chunk .1 still there");
        jar.remove_session();
        assert!(!jar.has_session());
        assert_eq!(jar.len(), 1);
    }

    #[test]
    fn deletion_by_past_expires_is_purged() {
        let mut jar = Jar::default();
        jar.store(&["a=1; Path=/".into(), "b=2; Path=/".into()], &url(), true);
        jar.store(
            &["a=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT".into()],
            &url(),
            true,
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
        jar.store(&["x=1; Domain=evil.test; Path=/".into()], &url(), true);
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
            true,
        );
        let names: Vec<String> = jar.list().into_iter().map(|c| c.name).collect();
        assert_eq!(names.len(), 2, "{names:?}");
    }

    #[test]
    fn late_session_cookie_can_be_refused() {
        let mut jar = Jar::default();
        jar.store(&["authjs.session-token=v; Path=/".into()], &url(), false);
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
            true,
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
            true,
        );
        let s = format!("{:?}", jar.list());
        assert!(!s.contains("SECRETVALUE"));
    }

    #[test]
    fn special_and_oversized_files_are_refused() {
        assert!(matches!(
            read_regular_file(Path::new("/dev/zero"), 10),
            Err(ReadError::NotRegular)
        ));
        assert!(matches!(
            read_regular_file(Path::new("/"), 10),
            Err(ReadError::NotRegular)
        ));
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        std::fs::write(&p, b"12345").unwrap();
        assert!(matches!(read_regular_file(&p, 4), Err(ReadError::TooLarge)));
        assert_eq!(read_regular_file(&p, 5).ok().unwrap(), b"12345");
        let e = read_file_bounded(Path::new("/dev/zero")).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    }

    #[test]
    fn atomic_write_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("jar.json");
        write_private_atomic(&p, b"one").unwrap();
        write_private_atomic(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temp file left"
        );
    }
}
