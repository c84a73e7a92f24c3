//! Auth.js session tokens, read and written without the server (feature `jwt`).
//!
//! An Auth.js server with the `jwt` session strategy keeps the whole session in its
//! session cookie: a JWE (compact serialization) encrypted with a key derived from
//! `AUTH_SECRET`. A trusted backend that shares the secret can read it the way the
//! server's own `getToken()` does, without a request per call; a test suite can mint
//! one for a user the server has never seen sign in (apps whose only providers are
//! OAuth). See `docs/tokens.md`: the secret belongs on servers and test machines only.
//!
//! What each version does (read from next-auth 4.24 `src/jwt/index.ts` and @auth/core
//! 0.41 `src/jwt.ts`):
//! - **v4** (`next-auth.session-token`): `alg: dir`, `enc: A256GCM`; the key is
//!   HKDF-SHA256(secret, salt `""`, info `"NextAuth.js Generated Encryption Key"`, 32
//!   bytes). The cookie name plays no part in the key. No `kid`.
//! - **v5** (`authjs.session-token`): `alg: dir`, `enc: A256CBC-HS512` (A256GCM is
//!   also accepted when decoding); the key is HKDF-SHA256(secret, salt = the cookie
//!   name, `__Secure-` included, info `"Auth.js Generated Encryption Key (<name>)"`, 64
//!   bytes for CBC-HS512, 32 for GCM). The header carries `kid`, the RFC 7638
//!   thumbprint of the key, which picks the secret among several.
//!
//! Both check `exp` and `nbf` with a clock tolerance of 15 seconds (the servers' own
//! value, [`DEFAULT_CLOCK_TOLERANCE`]).

use crate::cookies::{Jar, StorePolicy, is_valid_cookie_name};
use crate::error::{Error, ErrorKind, Result};
use aes_gcm::aead::{Aead, KeyInit, Payload};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use hmac::Mac as _;
use serde_json::{Map, Value};
use sha2::Digest as _;
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use subtle::ConstantTimeEq as _;

/// The servers' own clock tolerance for `exp` and `nbf` (`clockTolerance: 15`).
pub const DEFAULT_CLOCK_TOLERANCE: Duration = Duration::from_secs(15);

/// The servers' default session lifetime (30 days), used for `exp` when minting.
pub const DEFAULT_MAX_AGE: Duration = Duration::from_secs(30 * 24 * 60 * 60);

/// Longest token accepted (the servers chunk cookies at 4 KiB; 64 chunks is far more
/// than any real session). Bounds the work a hostile input can cause.
pub const MAX_TOKEN_LEN: usize = 256 * 1024;

/// The session cookie names the servers use, in the order they are looked for.
pub const SESSION_COOKIE_NAMES: [&str; 4] = [
    "__Secure-authjs.session-token",
    "authjs.session-token",
    "__Secure-next-auth.session-token",
    "next-auth.session-token",
];

/// Which token format: decided by the server's major version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TokenVersion {
    /// `next-auth` 4: A256GCM, key independent of the cookie name.
    V4,
    /// `@auth/core` / `next-auth` 5: A256CBC-HS512, key salted with the cookie name.
    V5,
}

impl TokenVersion {
    /// The version a session cookie name implies (`next-auth.*` is v4, `authjs.*` v5,
    /// with or without `__Secure-` and a chunk suffix); `None` for custom names.
    pub fn from_cookie_name(name: &str) -> Option<TokenVersion> {
        let base = chunk_base(name).unwrap_or(name);
        let base = base.strip_prefix("__Secure-").unwrap_or(base);
        match base {
            "next-auth.session-token" => Some(TokenVersion::V4),
            "authjs.session-token" => Some(TokenVersion::V5),
            _ => None,
        }
    }

    /// The size the server cuts a long cookie value into (4096 minus its estimate of
    /// the attributes: 163 in v4, 160 in v5).
    fn chunk_size(self) -> usize {
        match self {
            TokenVersion::V4 => 4096 - 163,
            TokenVersion::V5 => 4096 - 160,
        }
    }
}

/// `x` for a chunk name `x.<digits>`.
fn chunk_base(name: &str) -> Option<&str> {
    match name.rsplit_once('.') {
        Some((b, n)) if !n.is_empty() && n.bytes().all(|c| c.is_ascii_digit()) => Some(b),
        _ => None,
    }
}

/// The content encryption of a token.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Enc {
    A256Gcm,
    A256CbcHs512,
}

impl Enc {
    fn from_name(s: &str) -> Option<Enc> {
        match s {
            "A256GCM" => Some(Enc::A256Gcm),
            "A256CBC-HS512" => Some(Enc::A256CbcHs512),
            _ => None,
        }
    }
    fn name(self) -> &'static str {
        match self {
            Enc::A256Gcm => "A256GCM",
            Enc::A256CbcHs512 => "A256CBC-HS512",
        }
    }
    fn key_len(self) -> usize {
        match self {
            Enc::A256Gcm => 32,
            Enc::A256CbcHs512 => 64,
        }
    }
    fn iv_len(self) -> usize {
        match self {
            Enc::A256Gcm => 12,
            Enc::A256CbcHs512 => 16,
        }
    }
}

fn invalid(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::TokenInvalid, message)
}

/// Reads and writes one server's session tokens: its version, its cookie name and its
/// secret(s). The secrets never appear in `Debug` output or in errors.
///
/// Several secrets mean rotation, as in Auth.js: the first one encrypts, any one
/// decrypts (v5 picks it by `kid`; v4 tokens have none, so each is tried).
#[derive(Clone)]
pub struct TokenCodec {
    version: TokenVersion,
    cookie_name: String,
    secrets: Vec<String>,
    clock_tolerance: Duration,
    max_age: Duration,
}

impl fmt::Debug for TokenCodec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenCodec")
            .field("version", &self.version)
            .field("cookie_name", &self.cookie_name)
            .field(
                "secrets",
                &format_args!("[{} redacted]", self.secrets.len()),
            )
            .field("clock_tolerance", &self.clock_tolerance)
            .field("max_age", &self.max_age)
            .finish()
    }
}

impl TokenCodec {
    /// A codec for the session cookie `cookie_name`, whose version its name implies
    /// (see [`TokenVersion::from_cookie_name`]; use [`TokenCodec::with_version`] for
    /// custom names). `InvalidArgument` for an unknown or malformed name or no
    /// (or an empty) secret.
    pub fn new<S: Into<String>>(
        cookie_name: &str,
        secrets: impl IntoIterator<Item = S>,
    ) -> Result<TokenCodec> {
        let version = TokenVersion::from_cookie_name(cookie_name).ok_or_else(|| {
            Error::invalid(
                "the cookie name is not an Auth.js session cookie name \
                 (next-auth.session-token or authjs.session-token, optionally __Secure-); \
                 give the version explicitly for custom names",
            )
        })?;
        Self::with_version(version, cookie_name, secrets)
    }

    /// A codec for a session cookie of any name, of the given version.
    pub fn with_version<S: Into<String>>(
        version: TokenVersion,
        cookie_name: &str,
        secrets: impl IntoIterator<Item = S>,
    ) -> Result<TokenCodec> {
        if !is_valid_cookie_name(cookie_name) {
            return Err(Error::invalid("the cookie name is not a valid cookie name"));
        }
        let cookie_name = chunk_base(cookie_name).unwrap_or(cookie_name).to_string();
        let secrets: Vec<String> = secrets.into_iter().map(Into::into).collect();
        if secrets.is_empty() || secrets.iter().any(String::is_empty) {
            return Err(Error::invalid("a token secret is missing or empty"));
        }
        Ok(TokenCodec {
            version,
            cookie_name,
            secrets,
            clock_tolerance: DEFAULT_CLOCK_TOLERANCE,
            max_age: DEFAULT_MAX_AGE,
        })
    }

    /// Secrets from one string, comma-separated (the CLI's `AUTH_SECRET=new,old`);
    /// surrounding spaces are dropped.
    pub fn split_secrets(list: &str) -> Vec<String> {
        list.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect()
    }

    /// The leeway for `exp` and `nbf` (default [`DEFAULT_CLOCK_TOLERANCE`]).
    pub fn clock_tolerance(mut self, tolerance: Duration) -> Self {
        self.clock_tolerance = tolerance;
        self
    }

    /// The lifetime given to minted tokens without an `exp` claim (default
    /// [`DEFAULT_MAX_AGE`], the servers' `session.maxAge`).
    pub fn max_age(mut self, max_age: Duration) -> Self {
        self.max_age = max_age;
        self
    }

    /// The version of the tokens this codec reads and writes.
    pub fn version(&self) -> TokenVersion {
        self.version
    }

    /// The session cookie name (without a chunk suffix).
    pub fn cookie_name(&self) -> &str {
        &self.cookie_name
    }

    /// The key for `secret` and `enc` (see the module documentation).
    fn key(&self, secret: &str, enc: Enc) -> Vec<u8> {
        let (salt, info) = match self.version {
            TokenVersion::V4 => ("", "NextAuth.js Generated Encryption Key".to_string()),
            TokenVersion::V5 => (
                self.cookie_name.as_str(),
                format!("Auth.js Generated Encryption Key ({})", self.cookie_name),
            ),
        };
        let mut okm = vec![0u8; enc.key_len()];
        hkdf::Hkdf::<sha2::Sha256>::new(Some(salt.as_bytes()), secret.as_bytes())
            .expand(info.as_bytes(), &mut okm)
            .expect("32 or 64 bytes is a valid HKDF-SHA256 length");
        okm
    }

    /// The claims of a token (the cookie value, chunks already joined), checked: it
    /// must decrypt with one of the secrets and be neither expired nor not yet valid.
    ///
    /// Errors: `TokenInvalid` (malformed, unsupported `alg`/`enc`, wrong secret, wrong
    /// cookie name for v5, tampered), `TokenExpired` (`exp`/`nbf` outside the tolerance).
    pub fn decode(&self, token: &str) -> Result<Map<String, Value>> {
        self.decode_at(token, SystemTime::now())
    }

    /// [`TokenCodec::decode`] as if the clock showed `now`.
    pub fn decode_at(&self, token: &str, now: SystemTime) -> Result<Map<String, Value>> {
        if token.len() > MAX_TOKEN_LEN {
            return Err(invalid("the token is too long"));
        }
        let parts: Vec<&str> = token.trim().split('.').collect();
        let [header_b64, key_b64, iv_b64, ct_b64, tag_b64] = parts[..] else {
            return Err(invalid(
                "the token is not a JWE in compact serialization (five parts)",
            ));
        };
        let b64 = |s: &str, what: &str| {
            B64.decode(s)
                .map_err(|_| invalid(format!("the token's {what} is not base64url")))
        };
        let header: Map<String, Value> = serde_json::from_slice(&b64(header_b64, "header")?)
            .map_err(|_| invalid("the token's header is not a JSON object"))?;
        let alg = header.get("alg").and_then(Value::as_str);
        if alg != Some("dir") {
            return Err(invalid("unsupported token: alg is not \"dir\""));
        }
        let enc = header
            .get("enc")
            .and_then(Value::as_str)
            .and_then(Enc::from_name)
            .filter(|e| self.version == TokenVersion::V5 || *e == Enc::A256Gcm)
            .ok_or_else(|| {
                invalid(match self.version {
                    TokenVersion::V4 => "unsupported token: enc is not A256GCM (v4)",
                    TokenVersion::V5 => {
                        "unsupported token: enc is neither A256CBC-HS512 nor A256GCM (v5)"
                    }
                })
            })?;
        if header.contains_key("zip") || header.contains_key("crit") {
            return Err(invalid("unsupported token: zip or crit header"));
        }
        if !key_b64.is_empty() {
            return Err(invalid("the token has an encrypted key, which dir forbids"));
        }
        let iv = b64(iv_b64, "iv")?;
        let ciphertext = b64(ct_b64, "ciphertext")?;
        let tag = b64(tag_b64, "tag")?;
        if iv.len() != enc.iv_len() {
            return Err(invalid("the token's iv has the wrong length"));
        }
        let kid = match header.get("kid") {
            None => None,
            Some(Value::String(k)) => Some(k.as_str()),
            Some(_) => return Err(invalid("the token's kid is not a string")),
        };
        let mut plain = None;
        let mut kid_matched = false;
        for secret in &self.secrets {
            let key = self.key(secret, enc);
            if let (Some(kid), TokenVersion::V5) = (kid, self.version) {
                if !bool::from(thumbprint(&key).as_bytes().ct_eq(kid.as_bytes())) {
                    continue;
                }
                kid_matched = true;
            }
            if let Some(p) = decrypt(enc, &key, header_b64.as_bytes(), &iv, &ciphertext, &tag) {
                plain = Some(p);
                break;
            }
        }
        let Some(plain) = plain else {
            return Err(invalid(
                if kid.is_some() && self.version == TokenVersion::V5 && !kid_matched {
                    "no secret matches the token's key id (wrong secret, or the token \
                     belongs to another cookie name)"
                } else {
                    "the token does not decrypt (wrong secret, another cookie name, or \
                     tampered)"
                },
            ));
        };
        let claims: Map<String, Value> = serde_json::from_slice(&plain)
            .map_err(|_| invalid("the token's payload is not a JSON object"))?;
        self.check_times(&claims, now)?;
        Ok(claims)
    }

    /// `exp`, `nbf` and `iat` as jose checks them: numbers when present; `exp` must
    /// be after now minus the tolerance, `nbf` at most now plus the tolerance.
    fn check_times(&self, claims: &Map<String, Value>, now: SystemTime) -> Result<()> {
        let now = now
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs_f64()
            .floor();
        let tol = self.clock_tolerance.as_secs_f64();
        let number = |name: &str| -> Result<Option<f64>> {
            match claims.get(name) {
                None => Ok(None),
                Some(Value::Number(n)) => Ok(n.as_f64()),
                Some(_) => Err(invalid(format!("the token's {name} claim is not a number"))),
            }
        };
        number("iat")?;
        if let Some(nbf) = number("nbf")?
            && nbf > now + tol
        {
            return Err(Error::new(
                ErrorKind::TokenExpired,
                "the token is not valid yet (nbf)",
            ));
        }
        if let Some(exp) = number("exp")?
            && exp <= now - tol
        {
            return Err(Error::new(ErrorKind::TokenExpired, "the token has expired"));
        }
        Ok(())
    }

    /// The claims of the session cookie in a `Cookie` header value, its chunks
    /// (`name.0`, `name.1`, …) joined in numeric order as the servers do. A whole
    /// cookie of that name wins over chunks. `TokenInvalid` when the header has no
    /// such cookie.
    pub fn decode_cookie_header(&self, cookie_header: &str) -> Result<Map<String, Value>> {
        let token = session_token_from_header(cookie_header, &self.cookie_name)
            .ok_or_else(|| invalid("the Cookie header has no session cookie of that name"))?;
        self.decode(&token)
    }

    /// The claims of an `Authorization: Bearer <token>` header value (the token
    /// percent-encoded or not), which `getToken()` also accepts.
    pub fn decode_authorization(&self, authorization: &str) -> Result<Map<String, Value>> {
        let token = bearer_token(authorization)?;
        self.decode(&token)
    }

    /// Encrypts `claims` into a token the server accepts as its own: `iat` (now),
    /// `exp` (now + max age) and `jti` (a random UUID) are added unless `claims`
    /// has them, so a test can also mint an expired token on purpose.
    pub fn encode(&self, claims: &Map<String, Value>) -> Result<String> {
        self.encode_at(claims, SystemTime::now())
    }

    /// [`TokenCodec::encode`] as if the clock showed `now`.
    pub fn encode_at(&self, claims: &Map<String, Value>, now: SystemTime) -> Result<String> {
        let now = now.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
        let mut claims = claims.clone();
        claims.entry("iat").or_insert(now.into());
        claims
            .entry("exp")
            .or_insert(now.saturating_add(self.max_age.as_secs()).into());
        if !claims.contains_key("jti") {
            claims.insert("jti".into(), uuid_v4()?.into());
        }
        let enc = match self.version {
            TokenVersion::V4 => Enc::A256Gcm,
            TokenVersion::V5 => Enc::A256CbcHs512,
        };
        let key = self.key(&self.secrets[0], enc);
        let mut header = Map::new();
        header.insert("alg".into(), "dir".into());
        header.insert("enc".into(), enc.name().into());
        if self.version == TokenVersion::V5 {
            header.insert("kid".into(), thumbprint(&key).into());
        }
        self.seal(
            &Value::Object(header).to_string(),
            &key,
            enc,
            Value::Object(claims).to_string().as_bytes(),
        )
    }

    /// Encrypts `plain` (any bytes: the fuzz target seals non-JSON too) under this
    /// codec's first secret, with the header the servers write.
    #[cfg(feature = "fuzzing")]
    pub(crate) fn seal_raw(&self, plain: &[u8]) -> Result<String> {
        let (enc, header) = match self.version {
            TokenVersion::V4 => (Enc::A256Gcm, r#"{"alg":"dir","enc":"A256GCM"}"#.to_string()),
            TokenVersion::V5 => {
                let key = self.key(&self.secrets[0], Enc::A256CbcHs512);
                let kid = thumbprint(&key);
                (
                    Enc::A256CbcHs512,
                    format!(r#"{{"alg":"dir","enc":"A256CBC-HS512","kid":"{kid}"}}"#),
                )
            }
        };
        let key = self.key(&self.secrets[0], enc);
        self.seal(&header, &key, enc, plain)
    }

    /// The compact serialization of `plain` encrypted under `key` with `header`.
    fn seal(&self, header: &str, key: &[u8], enc: Enc, plain: &[u8]) -> Result<String> {
        let header_b64 = B64.encode(header);
        let mut iv = vec![0u8; enc.iv_len()];
        random(&mut iv)?;
        let (ct, tag) = encrypt(enc, key, header_b64.as_bytes(), &iv, plain);
        Ok(format!(
            "{header_b64}..{}.{}.{}",
            B64.encode(iv),
            B64.encode(ct),
            B64.encode(tag)
        ))
    }

    /// Mints a session cookie for `claims` (see [`TokenCodec::encode`]), cut into
    /// chunks the way the server does when it is longer than one cookie may be.
    pub fn mint(&self, claims: &Map<String, Value>) -> Result<MintedSession> {
        let now = SystemTime::now();
        let token = self.encode_at(claims, now)?;
        // The token's own `exp`: the caller's, or the one encode_at gave it.
        let exp = match claims.get("exp") {
            Some(v) => v.as_f64().map(|f| f as i64),
            None => {
                let secs = now.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
                i64::try_from(secs.saturating_add(self.max_age.as_secs())).ok()
            }
        };
        let size = self.version.chunk_size();
        let cookies = if token.len() <= size {
            vec![(self.cookie_name.clone(), token)]
        } else {
            token
                .as_bytes()
                .chunks(size)
                .enumerate()
                .map(|(i, c)| {
                    (
                        format!("{}.{i}", self.cookie_name),
                        String::from_utf8_lossy(c).into_owned(),
                    )
                })
                .collect()
        };
        Ok(MintedSession { cookies, exp })
    }
}

/// A minted session cookie: one `(name, value)` pair, or its chunks in order. The
/// values are credentials: they never appear in `Debug` output.
#[derive(Clone)]
pub struct MintedSession {
    cookies: Vec<(String, String)>,
    exp: Option<i64>,
}

impl fmt::Debug for MintedSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.cookies.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("MintedSession")
            .field("cookies", &names)
            .field("values", &"<redacted>")
            .finish()
    }
}

impl MintedSession {
    /// The cookies, `(name, value)`, chunks in order.
    pub fn cookies(&self) -> &[(String, String)] {
        &self.cookies
    }

    /// The token (the chunks joined).
    pub fn token(&self) -> String {
        self.cookies.iter().map(|(_, v)| v.as_str()).collect()
    }

    /// The `Cookie` header value: `name=value`, or `name.0=…; name.1=…`.
    pub fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// `Set-Cookie` header values as the server would send them (`Path=/; HttpOnly;
    /// SameSite=Lax`, `Secure` for https or a `__Secure-` name, `Expires` from `exp`).
    pub fn set_cookie_headers(&self, secure: bool) -> Vec<String> {
        let expires = self.exp.and_then(|e| {
            time::OffsetDateTime::from_unix_timestamp(e)
                .ok()
                .map(http_date)
        });
        self.cookies
            .iter()
            .map(|(n, v)| {
                let mut s = format!("{n}={v}; Path=/; HttpOnly; SameSite=Lax");
                if let Some(e) = &expires {
                    s.push_str("; Expires=");
                    s.push_str(e);
                }
                if secure || n.starts_with("__Secure-") {
                    s.push_str("; Secure");
                }
                s
            })
            .collect()
    }

    /// A Playwright `storageState` JSON for the server at `url` (its origin), to hand
    /// the session to a browser (`browser.newContext({ storageState })`).
    pub fn playwright_storage_state(&self, url: &str) -> Result<String> {
        let url = url::Url::parse(url).map_err(|_| Error::invalid("the URL is not valid"))?;
        if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
            return Err(Error::invalid("the URL is not an http(s) URL with a host"));
        }
        let mut jar = Jar::default();
        jar.store(
            &self.set_cookie_headers(url.scheme() == "https"),
            &url,
            &StorePolicy {
                keep_session: true,
                sent: None,
            },
        );
        if jar.len() != self.cookies.len() {
            // A `__Secure-` name for an http URL: a browser would refuse it too.
            return Err(Error::invalid(
                "these cookies cannot be stored for that URL (a __Secure- name needs https)",
            ));
        }
        crate::cookie_formats::export(&jar, crate::CookieFormat::Playwright, &url)
    }
}

impl MintedSession {
    /// The session in one of the hand-off formats, by name (the CLI's `--format`, the
    /// C `format` argument): `"header"` ([`MintedSession::cookie_header`]),
    /// `"set-cookie"` ([`MintedSession::set_cookie_headers`], one per line, `Secure`
    /// when `url` is https) or `"playwright"` (a storageState; needs `url`).
    pub fn render(&self, format: &str, url: Option<&str>) -> Result<String> {
        match format {
            "header" => Ok(self.cookie_header()),
            "set-cookie" => Ok(self
                .set_cookie_headers(url.is_some_and(|u| u.starts_with("https:")))
                .join("\n")),
            "playwright" => {
                self.playwright_storage_state(url.ok_or_else(|| {
                    Error::invalid("the playwright format needs the server's URL")
                })?)
            }
            _ => Err(Error::invalid(
                "unknown format (header, set-cookie or playwright)",
            )),
        }
    }
}

/// The formatted `Expires` date (IMF-fixdate).
fn http_date(t: time::OffsetDateTime) -> String {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{}, {:02} {} {} {:02}:{:02}:{:02} GMT",
        DAYS[t.weekday().number_days_from_monday() as usize],
        t.day(),
        MONTHS[t.month() as usize - 1],
        t.year(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// The session token in a `Cookie` header: the cookie `name`, else its chunks
/// `name.N` joined in numeric order. `None` when neither is there.
pub fn session_token_from_header(cookie_header: &str, name: &str) -> Option<String> {
    let mut chunks: Vec<(u64, &str)> = Vec::new();
    for pair in cookie_header.split(';') {
        let Some((n, v)) = pair.trim().split_once('=') else {
            continue;
        };
        let (n, v) = (n.trim(), v.trim());
        if n == name {
            return Some(v.to_string());
        }
        if let Some(k) = n
            .strip_prefix(name)
            .and_then(|rest| rest.strip_prefix('.'))
            .filter(|k| !k.is_empty() && k.bytes().all(|c| c.is_ascii_digit()))
            .and_then(|k| k.parse().ok())
        {
            chunks.push((k, v));
        }
    }
    if chunks.is_empty() {
        return None;
    }
    chunks.sort_by_key(|(k, _)| *k);
    Some(chunks.into_iter().map(|(_, v)| v).collect())
}

/// The first Auth.js session cookie in a `Cookie` header (names of
/// [`SESSION_COOKIE_NAMES`], chunks joined): `(name, token)`.
pub fn find_session_token(cookie_header: &str) -> Option<(&'static str, String)> {
    SESSION_COOKIE_NAMES
        .iter()
        .find_map(|n| session_token_from_header(cookie_header, n).map(|t| (*n, t)))
}

/// The token of an `Authorization` value `Bearer <token>`, percent-decoded as
/// `getToken()` does. `TokenInvalid` for another scheme or bad percent-encoding.
pub fn bearer_token(authorization: &str) -> Result<String> {
    let mut words = authorization.trim().split(' ');
    if words.next() != Some("Bearer") {
        return Err(invalid(
            "the Authorization header is not of the Bearer scheme",
        ));
    }
    let raw = words.next().unwrap_or("");
    if raw.is_empty() {
        return Err(invalid("the Authorization header has no token"));
    }
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| invalid("the Bearer token's percent-encoding is malformed"))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| invalid("the Bearer token is not UTF-8"))
}

/// A token read by [`decode_any`]: the session cookie name it was found under (or
/// decrypted for) and its claims.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DecodedToken {
    /// The session cookie name, without a chunk suffix.
    pub cookie_name: String,
    /// The token's claims.
    pub claims: Map<String, Value>,
}

/// What the CLI and the bindings decode: `input` is a `Cookie` header value, an
/// `Authorization: Bearer …` value or a bare token; `cookie_name` is the session
/// cookie's name, or `None` to know it from the header (the names of
/// [`SESSION_COOKIE_NAMES`]) or, for a bare or Bearer token, to try the known names in
/// turn (the name is the v5 key's salt, so only the right one decrypts; a v4 token is
/// reported as `next-auth.session-token`, its key being the same for both names).
///
/// The input kind is told by its shape: `Bearer ` first, or a `=` (tokens are
/// base64url and dots, so never contain one) for a `Cookie` header. Errors as for
/// [`TokenCodec::decode`]; `TokenInvalid` when no session cookie is in the header.
pub fn decode_any<S: AsRef<str>>(
    input: &str,
    cookie_name: Option<&str>,
    secrets: &[S],
) -> Result<DecodedToken> {
    let secrets: Vec<&str> = secrets.iter().map(AsRef::as_ref).collect();
    let input = input.trim();
    // For a bare token: each v5 name (the salt tells them apart), then v4, whose key
    // does not depend on the name, so its `__Secure-` form cannot be told apart and
    // is reported as `next-auth.session-token`.
    let trial = || {
        cookie_name.map_or(
            vec![
                "authjs.session-token",
                "__Secure-authjs.session-token",
                "next-auth.session-token",
            ],
            |n| vec![n],
        )
    };
    let (names, token): (Vec<&str>, String) = if input.starts_with("Bearer ") {
        (trial(), bearer_token(input)?)
    } else if input.contains('=') {
        match cookie_name {
            Some(n) => {
                let t = session_token_from_header(input, n).ok_or_else(|| {
                    invalid("the Cookie header has no session cookie of that name")
                })?;
                (vec![n], t)
            }
            None => {
                let (n, t) = find_session_token(input)
                    .ok_or_else(|| invalid("the Cookie header has no Auth.js session cookie"))?;
                (vec![n], t)
            }
        }
    } else {
        (trial(), input.to_string())
    };
    let mut first_err = None;
    for name in names {
        let codec = TokenCodec::new(name, secrets.iter().copied())?;
        match codec.decode(&token) {
            Ok(claims) => {
                return Ok(DecodedToken {
                    cookie_name: codec.cookie_name,
                    claims,
                });
            }
            // An expired token did decrypt: that is the answer, not a wrong name.
            Err(e) if e.kind() == ErrorKind::TokenExpired => return Err(e),
            Err(e) => {
                first_err.get_or_insert(e);
            }
        }
    }
    Err(first_err.unwrap_or_else(|| invalid("no session cookie name to try")))
}

/// The session cookie name the server behind `client` uses, learned from the CSRF
/// cookie it sets (one `GET csrf` unless the jar already holds it): `next-auth.*` is
/// v4, `authjs.*` v5, and a `__Host-` CSRF cookie means the `__Secure-` session name.
pub fn server_session_cookie_name(client: &crate::Client) -> Result<String> {
    let csrf_name = |c: &crate::Client| {
        c.cookies()
            .into_iter()
            .map(|c| c.name)
            .find(|n| crate::is_csrf_cookie_name(n))
    };
    let name = match csrf_name(client) {
        Some(n) => n,
        None => {
            client.get_csrf_token()?;
            csrf_name(client).ok_or_else(|| {
                Error::protocol("the server set no CSRF cookie, so its cookie names are unknown")
            })?
        }
    };
    let (secure, base) = match name.strip_prefix("__Host-") {
        Some(b) => ("__Secure-", b),
        None => ("", name.as_str()),
    };
    match base {
        "next-auth.csrf-token" => Ok(format!("{secure}next-auth.session-token")),
        "authjs.csrf-token" => Ok(format!("{secure}authjs.session-token")),
        _ => Err(Error::protocol(
            "the server's CSRF cookie has a custom name; give the session cookie name",
        )),
    }
}

/// RFC 7638 thumbprint of the symmetric key, as jose's `calculateJwkThumbprint` with
/// SHA-(key bits): base64url of the hash of `{"k":"…","kty":"oct"}`.
fn thumbprint(key: &[u8]) -> String {
    let jwk = format!(r#"{{"k":"{}","kty":"oct"}}"#, B64.encode(key));
    if key.len() == 64 {
        B64.encode(sha2::Sha512::digest(jwk.as_bytes()))
    } else {
        B64.encode(sha2::Sha256::digest(jwk.as_bytes()))
    }
}

type HmacSha512 = hmac::Hmac<sha2::Sha512>;

/// The A256CBC-HS512 tag (RFC 7518 §5.2.2.1): the first half of
/// HMAC-SHA512(MAC key, AAD || IV || ciphertext || AAD length in bits, 64-bit BE).
fn cbc_hs512_tag(mac_key: &[u8], aad: &[u8], iv: &[u8], ct: &[u8]) -> Vec<u8> {
    let mut mac =
        <HmacSha512 as hmac::Mac>::new_from_slice(mac_key).expect("HMAC takes any key length");
    mac.update(aad);
    mac.update(iv);
    mac.update(ct);
    mac.update(&((aad.len() as u64) * 8).to_be_bytes());
    mac.finalize().into_bytes()[..32].to_vec()
}

/// The plaintext, or `None` when the tag does not verify (compared in constant time).
fn decrypt(enc: Enc, key: &[u8], aad: &[u8], iv: &[u8], ct: &[u8], tag: &[u8]) -> Option<Vec<u8>> {
    match enc {
        Enc::A256Gcm => {
            if tag.len() != 16 {
                return None;
            }
            let cipher = aes_gcm::Aes256Gcm::new_from_slice(key).ok()?;
            let mut msg = Vec::with_capacity(ct.len() + 16);
            msg.extend_from_slice(ct);
            msg.extend_from_slice(tag);
            cipher
                .decrypt(aes_gcm::Nonce::from_slice(iv), Payload { msg: &msg, aad })
                .ok()
        }
        Enc::A256CbcHs512 => {
            use cbc::cipher::{BlockDecryptMut, KeyIvInit, block_padding::Pkcs7};
            let (mac_key, enc_key) = key.split_at(32);
            let expected = cbc_hs512_tag(mac_key, aad, iv, ct);
            if tag.len() != 32 || !bool::from(expected.ct_eq(tag)) {
                return None;
            }
            cbc::Decryptor::<aes::Aes256>::new_from_slices(enc_key, iv)
                .ok()?
                .decrypt_padded_vec_mut::<Pkcs7>(ct)
                .ok()
        }
    }
}

/// `(ciphertext, tag)`.
fn encrypt(enc: Enc, key: &[u8], aad: &[u8], iv: &[u8], plain: &[u8]) -> (Vec<u8>, Vec<u8>) {
    match enc {
        Enc::A256Gcm => {
            let cipher = aes_gcm::Aes256Gcm::new_from_slice(key).expect("a 32-byte key");
            let mut out = cipher
                .encrypt(aes_gcm::Nonce::from_slice(iv), Payload { msg: plain, aad })
                .expect("AES-GCM encrypts any message this size");
            let tag = out.split_off(out.len() - 16);
            (out, tag)
        }
        Enc::A256CbcHs512 => {
            use cbc::cipher::{BlockEncryptMut, KeyIvInit, block_padding::Pkcs7};
            let (mac_key, enc_key) = key.split_at(32);
            let ct = cbc::Encryptor::<aes::Aes256>::new_from_slices(enc_key, iv)
                .expect("a 32-byte key and a 16-byte iv")
                .encrypt_padded_vec_mut::<Pkcs7>(plain);
            let tag = cbc_hs512_tag(mac_key, aad, iv, &ct);
            (ct, tag)
        }
    }
}

fn random(buf: &mut [u8]) -> Result<()> {
    getrandom::getrandom(buf).map_err(|_| {
        Error::new(
            ErrorKind::Io,
            "the operating system's random number generator failed",
        )
    })
}

/// A random (version 4) UUID, the `jti` the servers give their tokens.
fn uuid_v4() -> Result<String> {
    let mut b = [0u8; 16];
    random(&mut b)?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    Ok(format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims() -> Map<String, Value> {
        serde_json::json!({"name": "Alice", "email": "alice@example.com", "sub": "1"})
            .as_object()
            .unwrap()
            .clone()
    }

    #[test]
    fn roundtrip_both_versions_and_rotation() {
        for name in SESSION_COOKIE_NAMES {
            let c = TokenCodec::new(name, ["new", "old"]).unwrap();
            let t = c.encode(&claims()).unwrap();
            assert_eq!(c.decode(&t).unwrap()["email"], "alice@example.com");
            let old = TokenCodec::new(name, ["old"]).unwrap();
            let rotated = TokenCodec::new(name, ["newer", "old"]).unwrap();
            let t = old.encode(&claims()).unwrap();
            assert_eq!(rotated.decode(&t).unwrap()["name"], "Alice");
            let wrong = TokenCodec::new(name, ["wrong"]).unwrap();
            assert_eq!(
                wrong.decode(&t).unwrap_err().kind(),
                ErrorKind::TokenInvalid
            );
        }
    }

    #[test]
    fn every_byte_flip_fails_typed() {
        for name in ["authjs.session-token", "next-auth.session-token"] {
            let c = TokenCodec::new(name, ["s"]).unwrap();
            let t = c.encode(&claims()).unwrap();
            for i in 0..t.len() {
                let mut b = t.clone().into_bytes();
                b[i] = if b[i] == b'A' { b'B' } else { b'A' };
                let s = String::from_utf8(b).unwrap();
                if s == t {
                    continue;
                }
                let e = c.decode(&s);
                // Base64url's last character may carry unused bits: same bytes, valid.
                if let Err(e) = e {
                    assert_eq!(e.kind(), ErrorKind::TokenInvalid);
                    assert!(!e.message().contains(&t[..20]));
                }
            }
        }
    }

    #[test]
    fn expiry_and_nbf() {
        let c = TokenCodec::new("authjs.session-token", ["s"]).unwrap();
        let now = SystemTime::now();
        let mut cl = claims();
        cl.insert("exp".into(), 1000.into());
        let t = c.encode(&cl).unwrap();
        assert_eq!(c.decode(&t).unwrap_err().kind(), ErrorKind::TokenExpired);
        let secs = now.duration_since(UNIX_EPOCH).unwrap().as_secs();
        let mut cl = claims();
        cl.insert("exp".into(), (secs - 10).into());
        let t = c.encode(&cl).unwrap();
        assert!(c.decode(&t).is_ok(), "within the 15 s tolerance");
        assert_eq!(
            c.decode_at(&t, now + Duration::from_secs(6))
                .unwrap_err()
                .kind(),
            ErrorKind::TokenExpired
        );
        let mut cl = claims();
        cl.insert("nbf".into(), (secs + 100).into());
        let t = c.encode(&cl).unwrap();
        assert_eq!(c.decode(&t).unwrap_err().kind(), ErrorKind::TokenExpired);
    }

    #[test]
    fn header_and_bearer() {
        let c = TokenCodec::new("authjs.session-token", ["s"]).unwrap();
        let t = c.encode(&claims()).unwrap();
        let (a, b) = t.split_at(10);
        let h = format!("x=1; authjs.session-token.1={b}; authjs.session-token.0={a}");
        assert_eq!(c.decode_cookie_header(&h).unwrap()["sub"], "1");
        assert_eq!(find_session_token(&h).unwrap().1, t);
        assert!(c.decode_authorization(&format!("Bearer {t}")).is_ok());
        assert_eq!(
            c.decode_authorization("Basic x").unwrap_err().kind(),
            ErrorKind::TokenInvalid
        );
        assert_eq!(
            c.decode_authorization("Bearer %zz").unwrap_err().kind(),
            ErrorKind::TokenInvalid
        );
    }

    #[test]
    fn bad_input_is_typed_never_panics() {
        let c = TokenCodec::new("authjs.session-token", ["s"]).unwrap();
        for t in [
            "",
            ".",
            "....",
            "a.b.c.d.e",
            "e30..AAAA.AAAA.AAAA",
            "\u{1F600}....",
        ] {
            assert_eq!(c.decode(t).unwrap_err().kind(), ErrorKind::TokenInvalid);
        }
        assert_eq!(
            TokenCodec::new("session", ["s"]).unwrap_err().kind(),
            ErrorKind::InvalidArgument
        );
        assert_eq!(
            TokenCodec::new("authjs.session-token", [""])
                .unwrap_err()
                .kind(),
            ErrorKind::InvalidArgument
        );
        let dbg = format!("{c:?}");
        assert!(!dbg.contains("\"s\""), "{dbg}");
    }

    #[test]
    fn huge_max_age_does_not_overflow() {
        let c = TokenCodec::new("authjs.session-token", ["s"])
            .unwrap()
            .max_age(Duration::MAX);
        let m = c.mint(&claims()).unwrap();
        assert!(c.decode(&m.token()).is_ok());
        assert_eq!(m.set_cookie_headers(false).len(), 1);
    }

    #[test]
    fn mint_chunks_large_sessions() {
        let c = TokenCodec::new("authjs.session-token", ["s"]).unwrap();
        let mut cl = claims();
        cl.insert("big".into(), "x".repeat(6000).into());
        let m = c.mint(&cl).unwrap();
        assert_eq!(m.cookies().len(), 3);
        assert_eq!(m.cookies()[2].0, "authjs.session-token.2");
        assert_eq!(
            c.decode_cookie_header(&m.cookie_header()).unwrap()["big"],
            cl["big"]
        );
        assert!(!format!("{m:?}").contains(&m.cookies()[0].1[..20]));
        let st = m.playwright_storage_state("http://127.0.0.1:3000").unwrap();
        assert!(st.contains("authjs.session-token.1"));
    }
}
