//! Entry points for the fuzz targets (`fuzz/`), compiled only with the `fuzzing`
//! feature (which `fuzz/Cargo.toml` turns on), so they are not in the shipped library.
//! Each function feeds untrusted bytes to the very functions the client uses (no
//! copies), and must never panic.

use crate::cookies::Jar;
use crate::endpoint::Endpoint;
use crate::session::Session;
use crate::signin::{
    RedirectOutcome, SignInOptions, SignInResponse, SignOutOptions, redirect_target,
};

/// A session body (`GET/POST session`).
pub fn session_body(data: &[u8]) {
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(data)
        && let Some(s) = Session::from_json(v)
    {
        let _ = s.to_json_string();
        let _ = s.get("role");
    }
}

/// A providers body (`GET providers`).
pub fn providers_body(data: &[u8]) {
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(data) {
        let _ = crate::providers::parse(v);
    }
}

/// A sign-in reply (its body, or a `Location` after a NUL), read by the client's own
/// [`redirect_target`] and [`RedirectOutcome`] against a base.
pub fn sign_in_reply(data: &[u8]) {
    let Ok(base) = Endpoint::parse("http://127.0.0.1:3000", None) else {
        return;
    };
    let (body, location) = match data.iter().position(|b| *b == 0) {
        Some(i) => (&data[..i], std::str::from_utf8(&data[i + 1..]).ok()),
        None => (data, None),
    };
    if let Some((url, text)) = redirect_target(&base, body, location) {
        let _ = RedirectOutcome::read(&url);
        let r = SignInResponse::from_redirect(200, &url, &text, 200..300);
        let _ = r.to_json();
    }
}

/// A base URL and base-path override (NUL separates them).
pub fn base_url(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (url, path) = match text.split_once('\0') {
        Some((u, p)) => (u, Some(p)),
        None => (text, None),
    };
    if let Ok(e) = Endpoint::parse(url, path) {
        let _ = e.action("session");
        let _ = e.resolve_same_origin(path.unwrap_or("/api/me"));
    }
}

/// JS-shaped sign-in / sign-out options (as the C ABI and Python pass them).
pub fn js_options(data: &[u8]) {
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(data) {
        let _ = SignInOptions::from_js(Some(&v), Some(&v));
        let _ = SignOutOptions::from_js(Some(&v));
    }
}

/// A cookie file, loaded for a fixed origin; and the same bytes imported in every
/// cookie format (`src/cookie_formats.rs`: jar file v1/v2, storageState, WebDriver
/// list, cookies.txt, `Cookie` header, and told from the text), each jar then exported
/// in every format.
pub fn cookie_file(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut jar = Jar::default();
    if jar.import(text, "http://127.0.0.1:3000").is_ok() {
        let _ = jar.csrf_token();
        let _ = jar.has_session();
        let _ = crate::cookie_formats::netscape(&jar.list());
    }
    for origin in ["http://127.0.0.1:3000", "https://app.example.com"] {
        let Ok(url) = url::Url::parse(origin) else {
            return;
        };
        let formats = crate::CookieFormat::ALL.map(Some);
        for format in formats.into_iter().chain([None]) {
            if let Ok((jar, _)) = crate::cookie_formats::import(format, text, &url) {
                for out in crate::CookieFormat::ALL {
                    let _ = crate::cookie_formats::export(&jar, out, &url);
                }
            }
        }
    }
}

/// `Set-Cookie` headers (newline-separated) stored from a reply.
pub fn set_cookie_headers(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(url) = url::Url::parse("http://127.0.0.1:3000/api/auth/session") else {
        return;
    };
    let headers: Vec<String> = text.lines().map(str::to_string).collect();
    let mut jar = Jar::default();
    let authoritative = crate::cookies::StorePolicy {
        keep_session: true,
        sent: None,
    };
    jar.store(&headers, &url, &authoritative);
    let sent = jar.header_for(&url);
    // The same cookies again as a refresh of what was sent, then of a stale header.
    for sent in [sent.as_str(), "a=1; authjs.session-token=x"] {
        let refresh = crate::cookies::StorePolicy {
            keep_session: true,
            sent: Some(sent),
        };
        jar.store(&headers, &url, &refresh);
    }
    let _ = jar.header_for(&url);
    let _ = jar.csrf_token();
    jar.remove_session();
}

/// A provider's `form_post` page read by [`FormPost::from_html`](crate::FormPost), and
/// the same text as a pasted callback URL, tidied and resolved against a base.
pub fn form_post_page(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(form) = crate::FormPost::from_html(&text) {
        let _ = format!("{form:?}");
    }
    let tidied = crate::signin::tidy_pasted_url(&text);
    if let Ok(base) = Endpoint::parse("http://127.0.0.1:3000", None) {
        let _ = base.resolve_same_origin(&tidied);
    }
}

/// A session token, as `authjs token decode` and the bindings read it: the first byte
/// picks the mode. Even: the rest is the input of [`crate::decode_any`] (a `Cookie`
/// header, a `Bearer` value or a bare token) for a fixed secret, v4 and v5 names.
/// Odd: the rest is sealed as the plaintext of a genuine token (v4 or v5 by the
/// byte's second bit) and decoded, so the claims parsing and time checks behind the
/// authentication tag are reached too.
#[cfg(feature = "jwt")]
pub fn token(data: &[u8]) {
    const SECRETS: [&str; 2] = ["fuzz-secret", "fuzz-old-secret"];
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode & 1 == 0 {
        let Ok(text) = std::str::from_utf8(rest) else {
            return;
        };
        let name = match mode & 6 {
            0 => None,
            2 => Some("next-auth.session-token"),
            4 => Some("authjs.session-token"),
            _ => Some("__Secure-authjs.session-token"),
        };
        if let Ok(d) = crate::decode_any(text, name, &SECRETS) {
            let _ = serde_json::Value::Object(d.claims).to_string();
        }
    } else {
        let name = if mode & 2 == 0 {
            "next-auth.session-token"
        } else {
            "authjs.session-token"
        };
        let Ok(codec) = crate::TokenCodec::new(name, SECRETS) else {
            return;
        };
        if let Ok(token) = codec.seal_raw(rest) {
            let _ = codec.decode(&token);
            let _ = codec.decode_cookie_header(&format!("{name}={token}"));
        }
    }
}

#[cfg(test)]
mod tests {
    /// Every entry point on a few inputs, so they stay compiled and sane between fuzz
    /// runs (`cargo test --lib --features fuzzing`, part of `make test`).
    #[test]
    fn entry_points_run() {
        let inputs: [&[u8]; 6] = [
            b"",
            b"{}",
            b"{\"url\":\"http://127.0.0.1:3000/api/auth/error?error=CredentialsSignin\"}",
            b"\0/login?from=app?error=CredentialsSignin&code=credentials",
            b"authjs.session-token=a; Path=/\nauthjs.csrf-token=t%7Ch; Path=/",
            b"\xff\xfe",
        ];
        for data in inputs {
            super::session_body(data);
            super::providers_body(data);
            super::sign_in_reply(data);
            super::base_url(data);
            super::js_options(data);
            super::cookie_file(data);
            super::set_cookie_headers(data);
            super::form_post_page(data);
        }
    }

    /// Pseudo-random pages built from the parser's own tokens (a fixed xorshift
    /// sequence, so a failure reproduces): none may panic.
    #[test]
    fn form_post_pages_never_panic() {
        const TOKENS: [&str; 24] = [
            "<form",
            "<FORM ",
            "<input",
            " name=",
            " value=",
            " action=",
            " method=post",
            " type=hidden",
            "\"",
            "'",
            ">",
            "/>",
            "</form>",
            "&amp;",
            "&#x",
            "&#",
            ";",
            "é",
            "ü\u{1F600}",
            " ",
            "=",
            "code",
            "http://127.0.0.1:3000/cb",
            "&",
        ];
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..20_000 {
            let mut page = String::new();
            for _ in 0..(x % 24) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                page.push_str(TOKENS[(x % TOKENS.len() as u64) as usize]);
            }
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            super::form_post_page(page.as_bytes());
        }
    }

    /// The token seeds through their entry point, as is and sealed.
    #[cfg(feature = "jwt")]
    #[test]
    fn token_seeds_run() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz/seeds/token");
        let mut n = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let data = std::fs::read(entry.unwrap().path()).unwrap();
            super::token(&data);
            for mode in [1u8, 3] {
                let mut sealed = vec![mode];
                sealed.extend_from_slice(data.get(1..).unwrap_or_default());
                super::token(&sealed);
            }
            n += 1;
        }
        assert!(n >= 6, "{n} seeds");
    }

    /// The cookie_file seeds (every cookie format) through their entry point.
    #[test]
    fn cookie_seeds_run() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz/seeds/cookie_file");
        let mut n = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            super::cookie_file(&std::fs::read(entry.unwrap().path()).unwrap());
            n += 1;
        }
        assert!(n >= 10, "{n} seeds");
    }
}
