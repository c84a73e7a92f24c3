//! Where the Auth.js API lives: the configured origin plus base path.
//!
//! Normalisation follows `next-auth/react`'s `parseUrl` so that the same `NEXTAUTH_URL`
//! value works here: no scheme means `https://`, a bare `/` path means `/api/auth`, and
//! one trailing slash is dropped. Action URLs are built by concatenation
//! (`<base>/<action>`), exactly like the JS client, never with `Url::join` (which drops
//! the last path segment of a base without a trailing slash).

use crate::error::{Error, Result};
use url::Url;

/// The default API path when the configured URL has none (`http://host:3000`).
pub const DEFAULT_BASE_PATH: &str = "/api/auth";

/// A normalised API location: origin (`scheme://host[:port]`) and base path.
#[derive(Clone, PartialEq, Eq)]
pub struct Endpoint {
    origin: Url,
    base_path: String,
    /// `action("session")`, built once: every session read and lookup needs it, and
    /// building it was ≈ 2,300 instructions (issue 17).
    session: Url,
}

impl std::fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Endpoint({})", self.base_url())
    }
}

impl Endpoint {
    /// Parses a `NEXTAUTH_URL`-style value, optionally overriding the base path (the
    /// `basePath` prop of `SessionProvider`).
    pub fn parse(input: &str, base_path: Option<&str>) -> Result<Endpoint> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(Error::invalid("the server URL is empty"));
        }
        let scheme = trimmed.split_once("://").map(|(s, _)| s).filter(|s| {
            s.starts_with(|c: char| c.is_ascii_alphabetic())
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
        });
        if let Some(scheme) = scheme
            && !scheme.eq_ignore_ascii_case("http")
            && !scheme.eq_ignore_ascii_case("https")
        {
            return Err(Error::invalid(format!(
                "the server URL must be http or https, not {scheme:?}"
            )));
        }
        // `next-auth/react` tests `startsWith("http")`, which is case-sensitive and
        // also matches a host such as `httpbin.org`; schemes are case-insensitive
        // (RFC 3986), so the test here is for an http(s) scheme before `://`. The
        // scheme was checked above.
        let with_scheme = if scheme.is_some() {
            trimmed.to_string()
        } else {
            format!("https://{trimmed}")
        };
        let url = Url::parse(&with_scheme)
            .map_err(|e| Error::invalid(format!("the server URL is not a valid URL: {e}")))?;
        if url.scheme() != "http" && url.scheme() != "https" {
            return Err(Error::invalid(format!(
                "the server URL must be http or https, not {:?}",
                url.scheme()
            )));
        }
        if url.host().is_none() {
            return Err(Error::invalid("the server URL has no host"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(Error::invalid(
                "the server URL must not contain a user name or password",
            ));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(Error::invalid(
                "the server URL must not contain a query or fragment",
            ));
        }
        let path = match base_path {
            Some(p) => normalise_base_path(p)?,
            None => {
                let p = url.path();
                if p == "/" || p.is_empty() {
                    DEFAULT_BASE_PATH.to_string()
                } else {
                    p.strip_suffix('/').unwrap_or(p).to_string()
                }
            }
        };
        let mut origin = url.clone();
        origin.set_path("/");
        let mut endpoint = Endpoint {
            session: origin.clone(),
            origin,
            base_path: path,
        };
        endpoint.session = endpoint.build_action("session");
        Ok(endpoint)
    }

    /// `scheme://host[:port]` as the browser would print it.
    pub fn origin(&self) -> String {
        self.origin.origin().ascii_serialization()
    }

    /// The base path, e.g. `/api/auth` (empty when the API sits at the root).
    pub fn base_path(&self) -> &str {
        &self.base_path
    }

    /// The API base, e.g. `http://127.0.0.1:3000/api/auth`.
    pub fn base_url(&self) -> String {
        format!("{}{}", self.origin(), self.base_path)
    }

    /// `<base>/<action>`; `action` may contain a provider segment (`callback/github`).
    ///
    /// Built by appending path segments to a copy of the parsed base (no re-parse: this
    /// runs on every request).
    pub fn action(&self, action: &str) -> Url {
        if action == "session" {
            return self.session.clone();
        }
        self.build_action(action)
    }

    fn build_action(&self, action: &str) -> Url {
        let mut url = self.origin.clone();
        if let Ok(mut segments) = url.path_segments_mut() {
            segments.clear();
            segments.extend(self.base_path.split('/').filter(|s| !s.is_empty()));
            segments.extend(action.split('/'));
        }
        url
    }

    /// True when `url` has the same scheme, host and port as the server.
    pub fn same_origin(&self, url: &Url) -> bool {
        url.scheme() == self.origin.scheme()
            && url.host_str() == self.origin.host_str()
            && url.port_or_known_default() == self.origin.port_or_known_default()
    }

    /// Resolves a path (`/api/me`) or absolute URL against the origin, refusing any
    /// other origin: cookies are only ever sent to the configured server.
    pub fn resolve_same_origin(&self, path_or_url: &str) -> Result<Url> {
        let url = if path_or_url.starts_with('/') && !path_or_url.starts_with("//") {
            self.origin.join(path_or_url)
        } else {
            Url::parse(path_or_url)
        }
        .map_err(|e| Error::invalid(format!("not a valid URL or absolute path: {e}")))?;
        if !self.same_origin(&url) {
            let other = url.origin().ascii_serialization();
            if self.differs_only_by_loopback_name(&url) {
                // Typically a magic link: the server built it from its own idea of its
                // URL (`NEXTAUTH_URL`, or next-auth 5 in Next.js, which rewrites
                // 127.0.0.1 to localhost). Cookies are per host name, so the refusal
                // stands; the way out is to configure the name the server uses.
                return Err(Error::invalid(format!(
                    "refusing to send this client's cookies to {other} (the client is \
                     configured for {}): the server calls itself {other}; 127.0.0.1, \
                     localhost and [::1] are different hosts to cookies, so configure \
                     the client with {other}",
                    self.origin()
                )));
            }
            return Err(Error::invalid(format!(
                "refusing to send this client's cookies to {other} (the server is {})",
                self.origin()
            )));
        }
        Ok(url)
    }

    /// True when `url` has the server's scheme and port and a loopback host that is
    /// spelled differently (`localhost` vs `127.0.0.1` vs `[::1]`).
    fn differs_only_by_loopback_name(&self, url: &Url) -> bool {
        url.scheme() == self.origin.scheme()
            && url.port_or_known_default() == self.origin.port_or_known_default()
            && self.is_loopback()
            && is_loopback_host(url.host())
    }

    /// Resolves a URL the server returned (`{url}` or `Location`), which may be
    /// relative to the origin. Other origins are returned as they are: they are data.
    pub fn resolve_returned(&self, s: &str) -> Option<Url> {
        self.origin.join(s).ok()
    }

    /// True when the host is loopback (`localhost`, 127.0.0.0/8, `::1`).
    pub fn is_loopback(&self) -> bool {
        is_loopback_host(self.origin.host())
    }

    /// True for `https://` servers.
    pub fn is_https(&self) -> bool {
        self.origin.scheme() == "https"
    }

    pub(crate) fn origin_url(&self) -> &Url {
        &self.origin
    }
}

pub(crate) fn is_loopback_host(host: Option<url::Host<&str>>) -> bool {
    match host {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

fn normalise_base_path(p: &str) -> Result<String> {
    let p = p.trim();
    if !p.starts_with('/') {
        return Err(Error::invalid("the base path must start with '/'"));
    }
    if p.contains(['?', '#']) {
        return Err(Error::invalid(
            "the base path must not contain a query or fragment",
        ));
    }
    Ok(p.strip_suffix('/').unwrap_or(p).to_string())
}

/// A URL for messages: scheme, host, port and path, never the query (which may hold a
/// magic-link token or OAuth code).
pub(crate) fn redact(url: &Url) -> String {
    format!("{}{}", url.origin().ascii_serialization(), url.path())
}

/// A URL string for `Debug` and logs: scheme, host, port and path are kept; user info,
/// query and fragment are replaced by `<redacted>` markers (an OAuth authorize URL's
/// `state`, a magic link's `token`, a presigned image's signature are credentials, and
/// a query is where they live). Relative URLs (`/after?next=…`), schemeless values
/// (`localhost:3000`) and values that do not parse are cut as text at the first `?` or
/// `#`, and lose anything before an `@` in their first segment.
pub(crate) fn redact_text(s: &str) -> String {
    fn marker(query: bool, fragment: bool) -> &'static str {
        match (query, fragment) {
            (false, false) => "",
            (true, _) => "?<redacted>",
            (false, true) => "#<redacted>",
        }
    }
    // Only URLs with a host are taken apart: `localhost:3000` parses with the scheme
    // `localhost`, and is better cut as text.
    if let Ok(u) = Url::parse(s)
        && let Some(host) = u.host_str()
    {
        let user_info = if u.username().is_empty() && u.password().is_none() {
            ""
        } else {
            "<redacted>@"
        };
        let port = u.port().map(|p| format!(":{p}")).unwrap_or_default();
        return format!(
            "{}://{user_info}{host}{port}{}{}",
            u.scheme(),
            u.path(),
            marker(u.query().is_some(), u.fragment().is_some())
        );
    }
    let end = s.find(['?', '#']).unwrap_or(s.len());
    let (kept, rest) = s.split_at(end);
    // A schemeless `user:password@host/...`: drop everything up to the `@`.
    let authority_end = kept.find('/').unwrap_or(kept.len());
    let kept = match kept[..authority_end].rfind('@') {
        Some(at) => format!("<redacted>@{}", &kept[at + 1..]),
        None => kept.to_string(),
    };
    format!(
        "{kept}{}",
        marker(rest.starts_with('?'), rest.starts_with('#'))
    )
}

/// `Debug` of a URL string through [`redact_text`], quoted like a string.
pub(crate) struct RedactedUrl<'a>(pub &'a str);

impl std::fmt::Debug for RedactedUrl<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&redact_text(self.0), f)
    }
}

/// A URL string fit to show, for front ends that show URLs themselves (the Python
/// reprs): scheme, host, port and path are kept; user info, query and fragment become
/// `<redacted>` markers, since magic-link tokens, OAuth `state` and `code` and
/// passwords live there. The same text as the core's own `Debug` output.
pub fn redact_url(url: &str) -> String {
    redact_text(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(s: &str) -> String {
        Endpoint::parse(s, None).unwrap().base_url()
    }

    #[test]
    fn bare_origin_gets_default_base_path() {
        assert_eq!(
            base("http://127.0.0.1:3000"),
            "http://127.0.0.1:3000/api/auth"
        );
        assert_eq!(
            base("http://127.0.0.1:3000/"),
            "http://127.0.0.1:3000/api/auth"
        );
    }

    #[test]
    fn explicit_path_is_kept_and_one_trailing_slash_dropped() {
        assert_eq!(base("http://h:1/auth"), "http://h:1/auth");
        assert_eq!(base("http://h:1/auth/"), "http://h:1/auth");
        assert_eq!(
            base("https://example.com/custom-route/api/auth"),
            "https://example.com/custom-route/api/auth"
        );
    }

    #[test]
    fn missing_scheme_means_https() {
        assert_eq!(base("example.com"), "https://example.com/api/auth");
        assert_eq!(base("  example.com/x  "), "https://example.com/x");
    }

    #[test]
    fn scheme_is_case_insensitive() {
        assert_eq!(
            base("HTTP://127.0.0.1:3000"),
            "http://127.0.0.1:3000/api/auth"
        );
        assert_eq!(base("HtTpS://example.com/x"), "https://example.com/x");
        assert_eq!(base("httpbin.org"), "https://httpbin.org/api/auth");
        assert_eq!(
            base("http-auth.example:8443"),
            "https://http-auth.example:8443/api/auth"
        );
    }

    #[test]
    fn default_ports_are_not_printed() {
        assert_eq!(
            base("https://example.com:443"),
            "https://example.com/api/auth"
        );
    }

    #[test]
    fn base_path_override() {
        let e = Endpoint::parse("http://h:1/ignored", Some("/auth/")).unwrap();
        assert_eq!(e.base_url(), "http://h:1/auth");
        assert!(Endpoint::parse("http://h:1", Some("auth")).is_err());
    }

    #[test]
    fn actions_are_concatenated() {
        let e = Endpoint::parse("http://h:1/api/auth", None).unwrap();
        assert_eq!(e.action("csrf").as_str(), "http://h:1/api/auth/csrf");
        assert_eq!(e.action("session").as_str(), "http://h:1/api/auth/session");
        let root = Endpoint::parse("http://h:1/", Some("/")).unwrap();
        assert_eq!(root.action("session"), root.build_action("session"));
        assert_eq!(
            e.action("callback/credentials").as_str(),
            "http://h:1/api/auth/callback/credentials"
        );
    }

    #[test]
    fn bad_urls_are_invalid_arguments() {
        for bad in [
            "",
            "   ",
            "http://",
            "ftp://h",
            "http://user:pw@h",
            "http://h/?q=1",
            "http://h/#f",
            "http://[::1",
        ] {
            let err = Endpoint::parse(bad, None).unwrap_err();
            assert_eq!(err.kind(), crate::ErrorKind::InvalidArgument, "{bad:?}");
        }
    }

    #[test]
    fn same_origin_rules() {
        let e = Endpoint::parse("http://127.0.0.1:3000", None).unwrap();
        assert!(e.resolve_same_origin("/api/me").is_ok());
        assert!(e.resolve_same_origin("http://127.0.0.1:3000/x").is_ok());
        for other in [
            "http://127.0.0.1:3001/x",
            "https://127.0.0.1:3000/x",
            "http://localhost:3000/x",
            "//evil.test/x",
            "http://evil.test/",
        ] {
            assert!(e.resolve_same_origin(other).is_err(), "{other}");
        }
        assert!(e.resolve_same_origin("relative").is_err());
    }

    #[test]
    fn loopback_name_mismatch_names_the_url_to_configure() {
        let e = Endpoint::parse("http://127.0.0.1:3000", None).unwrap();
        for (other, origin) in [
            (
                "http://localhost:3000/api/auth/callback/email?token=SECRET",
                "http://localhost:3000",
            ),
            ("http://[::1]:3000/x", "http://[::1]:3000"),
            ("http://127.0.0.2:3000/x", "http://127.0.0.2:3000"),
        ] {
            let msg = e.resolve_same_origin(other).unwrap_err().to_string();
            assert!(
                msg.contains(&format!("the server calls itself {origin}"))
                    && msg.contains(&format!("configure the client with {origin}")),
                "{msg}"
            );
            assert!(!msg.contains("SECRET"), "{msg}");
        }
        // Another port, scheme or a non-loopback host: the plain refusal.
        for other in [
            "http://localhost:3001/x",
            "https://localhost:3000/x",
            "http://evil.test:3000/x",
        ] {
            let msg = e.resolve_same_origin(other).unwrap_err().to_string();
            assert!(!msg.contains("calls itself"), "{other}: {msg}");
        }
        let e = Endpoint::parse("http://evil.test:3000", None).unwrap();
        let msg = e
            .resolve_same_origin("http://localhost:3000/")
            .unwrap_err()
            .to_string();
        assert!(!msg.contains("calls itself"), "{msg}");
    }

    #[test]
    fn redact_text_keeps_the_path_only() {
        for (input, want) in [
            (
                "https://github.com/login/oauth/authorize?state=S&code_challenge=C",
                "https://github.com/login/oauth/authorize?<redacted>",
            ),
            ("http://h:3000/x#frag", "http://h:3000/x#<redacted>"),
            ("https://u:p@h/x", "https://<redacted>@h/x"),
            (
                "myapp://callback/done?code=S",
                "myapp://callback/done?<redacted>",
            ),
            ("localhost:3000/x?y", "localhost:3000/x?<redacted>"),
            ("/after?next=S", "/after?<redacted>"),
            ("/after#S", "/after#<redacted>"),
            ("/plain", "/plain"),
            (
                "user:pw@example.com/x?y",
                "<redacted>@example.com/x?<redacted>",
            ),
            ("", ""),
        ] {
            assert_eq!(redact_text(input), want, "{input}");
        }
    }

    #[test]
    fn redact_drops_query() {
        let u = Url::parse("http://h:1/api/auth/callback/email?token=SECRET&email=a").unwrap();
        assert_eq!(redact(&u), "http://h:1/api/auth/callback/email");
    }
}
