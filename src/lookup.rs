//! [`Lookup`]: the answer of [`Client::lookup`](crate::Client::lookup), the
//! `getServerSession()` analogue for backends, and the one rule for which of a
//! browser's cookies such a lookup forwards.

use crate::cookies::{
    is_session_cookie_name, is_valid_cookie_name, is_valid_cookie_value, name_order,
};
use crate::error::{Error, Result};
use crate::session::Session;

/// Who a browser's `Cookie` header belongs to, and what to send back to it.
#[derive(Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct Lookup {
    /// The session, `None` when the header holds no session cookie or the server does
    /// not accept it.
    pub session: Option<Session>,
    /// The server's `Set-Cookie` header values, exactly as it sent them (attributes
    /// intact): a backend adds each to its reply so that the browser keeps the
    /// re-issued session cookie (sliding expiry), or drops one the server cleared.
    /// Credentials: never log them.
    pub set_cookies: Vec<String>,
}

impl std::fmt::Debug for Lookup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The values are session tokens: only the cookie names are shown.
        let names: Vec<&str> = self
            .set_cookies
            .iter()
            .map(|c| c.split(['=', ';']).next().unwrap_or("").trim())
            .collect();
        f.debug_struct("Lookup")
            .field("session", &self.session)
            .field("set_cookies", &names)
            .finish()
    }
}

impl Lookup {
    /// Whether [`Client::lookup`](crate::Client::lookup) of this header goes to the
    /// server: false when it holds no session cookie (then the answer is immediate).
    /// True for a header the lookup refuses, so that the refusal comes from the lookup.
    pub fn needs_request(cookie_header: &str) -> bool {
        session_cookie_header(cookie_header).map_or(true, |c| !c.is_empty())
    }

    /// The lookup as JSON: `{"session": <the server's session body or null>,
    /// "setCookies": [...]}` (the C ABI's and the CLI's shape).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "session": self.session.as_ref().map(|s| s.raw().clone()),
            "setCookies": self.set_cookies,
        })
    }
}

/// The `Cookie` header a session lookup sends for a browser's `header`: its
/// session-token cookies (and chunks) only, chunks in numeric order (next-auth ≤ 4.22
/// joins them in header order; browsers send them in creation order), everything
/// else dropped. Empty when there is none: then no request is worth making.
///
/// The browser's cookies are forwarded whatever the client's origin: a backend behind
/// https may read the session from the Node server over plain http on loopback, and
/// the `__Secure-` cookie the browser sent is still the one that server expects.
/// A session cookie that is malformed (or a name or value with control characters,
/// which could split the request) is refused: forwarding part of a session would
/// report the wrong one.
pub(crate) fn session_cookie_header(header: &str) -> Result<String> {
    let mut pairs: Vec<(&str, &str)> = Vec::new();
    for pair in header.split(';') {
        let pair = pair.trim_matches(|c: char| c == ' ' || c == '\t');
        let Some((name, value)) = pair.split_once('=') else {
            continue;
        };
        let (name, value) = (name.trim(), value.trim());
        if !is_session_cookie_name(name) {
            continue;
        }
        if !is_valid_cookie_name(name) {
            return Err(Error::invalid(
                "the cookie header holds a session cookie with a malformed name",
            ));
        }
        if !is_valid_cookie_value(value) {
            return Err(Error::invalid(format!(
                "the cookie header holds a malformed {name} cookie"
            )));
        }
        pairs.push((name, value));
    }
    // Stable: a name sent twice keeps the browser's order (the server reads the first).
    pairs.sort_by(|a, b| name_order(a.0, b.0));
    let mut out = String::new();
    for (name, value) in pairs {
        if !out.is_empty() {
            out.push_str("; ");
        }
        out.push_str(name);
        out.push('=');
        out.push_str(value);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_session_cookies_are_forwarded_in_chunk_order() {
        let h = "theme=dark; next-auth.session-token.1=b; next-auth.csrf-token=x%7Cy; \
                 next-auth.session-token.0=a; flag; prefs=a,b";
        assert_eq!(
            session_cookie_header(h).unwrap(),
            "next-auth.session-token.0=a; next-auth.session-token.1=b"
        );
        assert_eq!(
            session_cookie_header("__Secure-authjs.session-token=t").unwrap(),
            "__Secure-authjs.session-token=t"
        );
    }

    #[test]
    fn no_session_cookie_is_an_empty_header() {
        for h in [
            "",
            "   ",
            ";;",
            "theme=dark",
            "garbage",
            "authjs.csrf-token=a%7Cb",
            "é=ü",
        ] {
            assert_eq!(session_cookie_header(h).unwrap(), "", "{h:?}");
        }
    }

    #[test]
    fn malformed_session_cookies_are_refused_without_quoting_them() {
        for h in [
            "authjs.session-token=se cret",
            "authjs.session-token=secret\r\nX-Evil: 1",
            "authjs.session-token=sec,ret",
            "authjs.session-token=sécret",
        ] {
            let e = session_cookie_header(h).unwrap_err();
            assert_eq!(e.kind(), crate::ErrorKind::InvalidArgument, "{h:?}");
            assert!(!e.to_string().contains("ret"), "{e}");
        }
    }

    #[test]
    fn no_input_panics() {
        // Deterministic pseudo-random headers from a small alphabet of the characters
        // that matter to the parser (separators, controls, multi-byte text).
        let alphabet = [
            "=",
            ";",
            " ",
            "\t",
            ",",
            "\r",
            "\n",
            "\0",
            "a",
            "é",
            "€",
            "session-token",
            ".",
            "0",
            "1",
            "10",
            "__Secure-",
            "authjs",
            "%7C",
            "\\",
        ];
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..20_000 {
            let mut h = String::new();
            for _ in 0..(x % 24) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                h.push_str(alphabet[(x % alphabet.len() as u64) as usize]);
            }
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
            if let Ok(c) = session_cookie_header(&h) {
                // What is sent is a valid header value.
                assert!(crate::http::is_header_value(&c), "{h:?} -> {c:?}");
            }
            let _ = Lookup::needs_request(&h);
        }
    }

    #[test]
    fn debug_shows_names_only() {
        let l = Lookup {
            session: None,
            set_cookies: vec!["authjs.session-token=SECRET; Path=/; HttpOnly".into()],
        };
        let d = format!("{l:?}");
        assert!(
            d.contains("authjs.session-token") && !d.contains("SECRET"),
            "{d}"
        );
    }
}
