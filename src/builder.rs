//! [`ClientBuilder`]: what a client is configured with, checked once when it is built.

use crate::client::Client;
use crate::cookie_file;
use crate::endpoint::Endpoint;
use crate::error::{Error, ErrorKind, Result};
use crate::http::{Transport, TransportConfig};
use std::path::PathBuf;
use std::time::Duration;

/// Default overall timeout of one request (ureq has none).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default connect timeout.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest timeout accepted (a year): longer ones overflow the clock arithmetic.
pub const MAX_TIMEOUT: Duration = Duration::from_secs(365 * 86_400);
/// A CA file larger than this is refused (a full system bundle is about 200 KiB).
const MAX_CA_FILE_BYTES: u64 = 8 * 1024 * 1024;
/// Default cap on a reply body.
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 2 * 1024 * 1024;

/// Configuration of a [`Client`]; see [`Client::builder`].
#[derive(Clone)]
pub struct ClientBuilder {
    url: String,
    base_path: Option<String>,
    timeout: Duration,
    connect_timeout: Duration,
    ca_pems: Vec<Vec<u8>>,
    ca_files: Vec<PathBuf>,
    user_agent: Option<String>,
    proxy: Option<String>,
    cookie_header: Option<String>,
    cookie_file: Option<PathBuf>,
    allow_insecure_http: bool,
    max_response_bytes: u64,
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("url", &crate::endpoint::RedactedUrl(&self.url))
            .field("base_path", &self.base_path)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("extra_cas", &(self.ca_pems.len() + self.ca_files.len()))
            .field("user_agent", &self.user_agent)
            .field("proxy", &self.proxy.as_ref().map(|_| "<set>"))
            .field(
                "cookie_header",
                &self.cookie_header.as_ref().map(|_| "<redacted>"),
            )
            .field("cookie_file", &self.cookie_file)
            .finish()
    }
}

impl ClientBuilder {
    /// The defaults for `url` (see [`Client::builder`]).
    pub(crate) fn new(url: String) -> ClientBuilder {
        ClientBuilder {
            url,
            base_path: None,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            ca_pems: Vec::new(),
            ca_files: Vec::new(),
            user_agent: None,
            proxy: None,
            cookie_header: None,
            cookie_file: None,
            allow_insecure_http: false,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
        }
    }

    /// Overrides the base path (the `basePath` prop of `SessionProvider`).
    pub fn base_path(mut self, path: impl Into<String>) -> Self {
        self.base_path = Some(path.into());
        self
    }

    /// Overall timeout of each request, body included (default 30 s).
    pub fn timeout(mut self, t: Duration) -> Self {
        self.timeout = t;
        self
    }

    /// Connect timeout, TLS handshake included (default 10 s).
    pub fn connect_timeout(mut self, t: Duration) -> Self {
        self.connect_timeout = t;
        self
    }

    /// Trusts an extra root CA (PEM, one or more certificates) on top of the
    /// built-in Mozilla roots.
    pub fn add_root_certificate_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.ca_pems.push(pem.into());
        self
    }

    /// Trusts the root CA(s) in a PEM file on top of the built-in roots.
    pub fn add_root_certificate_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.ca_files.push(path.into());
        self
    }

    /// The `User-Agent` header (default `authjs/<version>`).
    pub fn user_agent(mut self, ua: impl Into<String>) -> Self {
        self.user_agent = Some(ua.into());
        self
    }

    /// Sends requests through a proxy: a proxy URL (`http://host:port`,
    /// `socks5://…`), or `"env"` to read `HTTPS_PROXY`/`HTTP_PROXY`/`ALL_PROXY` and
    /// `NO_PROXY`. Without this call no proxy is used, whatever the environment says.
    pub fn proxy(mut self, proxy: impl Into<String>) -> Self {
        self.proxy = Some(proxy.into());
        self
    }

    /// Seeds the jar from a `Cookie:` request header (`name=value; …`), e.g. the one a
    /// browser sent to your server: the analogue of `getCsrfToken({ req })`.
    pub fn cookie_header(mut self, header: impl Into<String>) -> Self {
        self.cookie_header = Some(header.into());
        self
    }

    /// Persists the jar in this file: loaded when the client is built (if it exists)
    /// and rewritten atomically, mode 0600, whenever the cookies change.
    ///
    /// The file is a store shared with every client and process that names it:
    /// writers merge under an advisory lock (`.NAME.lock` beside it), a session or CSRF
    /// read never overwrites cookies changed since it was sent, a sign-out (or
    /// [`Client::clear_cookies`], or deleting the file) wins over replies still in
    /// flight, and before each request the client re-reads the file if another process
    /// wrote it (one `stat`). See docs/cli.md, "Sharing one jar".
    pub fn cookie_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.cookie_file = Some(path.into());
        self
    }

    /// Allows plain `http://` to a host that is not loopback. Refused by default: the
    /// session cookie and the password would cross the network in clear text.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Caps the size of a reply body (default 2 MiB); larger replies fail with
    /// [`ErrorKind::Protocol`] without being read into memory.
    pub fn max_response_bytes(mut self, n: u64) -> Self {
        self.max_response_bytes = n;
        self
    }

    /// Builds the client. Fails with [`ErrorKind::InvalidArgument`] for a bad URL,
    /// proxy or cookie header, [`ErrorKind::Tls`] for an unreadable CA, and
    /// [`ErrorKind::Io`]/[`ErrorKind::InvalidArgument`] for an unreadable cookie file.
    pub fn build(self) -> Result<Client> {
        let endpoint = Endpoint::parse(&self.url, self.base_path.as_deref())?;
        if !endpoint.is_https() && !endpoint.is_loopback() && !self.allow_insecure_http {
            return Err(Error::invalid(format!(
                "refusing plain http to {}: cookies and passwords would travel unencrypted; \
                 use https, or allow insecure http explicitly (Rust: allow_insecure_http, \
                 C: \"allowInsecureHttp\", Python: allow_insecure_http=True, CLI: --allow-http)",
                endpoint.origin()
            )));
        }
        for (what, t) in [
            ("timeout", self.timeout),
            ("connect timeout", self.connect_timeout),
        ] {
            if t.is_zero() {
                return Err(Error::invalid(format!(
                    "the {what} must be greater than zero"
                )));
            }
            // ureq adds timeouts to `Instant::now()`, which panics on overflow.
            if t > MAX_TIMEOUT {
                return Err(Error::invalid(format!(
                    "the {what} must be at most {} days",
                    MAX_TIMEOUT.as_secs() / 86_400
                )));
            }
        }
        if let Some(ua) = &self.user_agent
            && !crate::http::is_header_value(ua)
        {
            // ureq panics on a header value it cannot send (CR, LF, NUL, …).
            return Err(Error::invalid(
                "the user agent may not contain control characters (CR, LF, NUL, …)",
            ));
        }
        let mut certs = Vec::new();
        for path in &self.ca_files {
            let pem = cookie_file::read_regular_file(path, MAX_CA_FILE_BYTES).map_err(|e| {
                let why = match e {
                    cookie_file::ReadError::Io(e) => e.to_string(),
                    cookie_file::ReadError::NotRegular => "not a regular file".to_string(),
                    cookie_file::ReadError::TooLarge => {
                        format!("larger than {MAX_CA_FILE_BYTES} bytes")
                    }
                };
                Error::new(
                    ErrorKind::Tls,
                    format!("cannot read the CA file {}: {why}", path.display()),
                )
            })?;
            certs.extend(parse_pem_certs(&pem, &path.display().to_string())?);
        }
        for pem in &self.ca_pems {
            certs.extend(parse_pem_certs(pem, "the CA PEM")?);
        }
        let proxy = match self.proxy.as_deref() {
            None => None,
            Some("env") => ureq::Proxy::try_from_env(),
            Some(p) => Some(
                ureq::Proxy::new(p)
                    .map_err(|_| Error::invalid("the proxy is not a valid proxy URL"))?,
            ),
        };
        let transport = Transport::new(&TransportConfig {
            timeout: Some(self.timeout),
            connect_timeout: Some(self.connect_timeout),
            user_agent: self
                .user_agent
                .unwrap_or_else(|| format!("authjs/{}", crate::VERSION)),
            proxy,
            extra_roots: certs.iter().map(|c| c.der().to_vec()).collect(),
            max_body: self.max_response_bytes,
        })?;
        let store = crate::store::Store::open(endpoint.origin(), self.cookie_file)?;
        if let Some(h) = &self.cookie_header {
            store
                .lock()
                .jar
                .add_cookie_header(h, endpoint.origin_url())?;
        }
        Ok(Client::from_parts(endpoint, transport, store))
    }
}

fn parse_pem_certs(pem: &[u8], what: &str) -> Result<Vec<ureq::tls::Certificate<'static>>> {
    let mut out = Vec::new();
    for item in ureq::tls::parse_pem(pem) {
        match item {
            Ok(ureq::tls::PemItem::Certificate(c)) => out.push(c),
            Ok(_) => {}
            Err(e) => {
                return Err(Error::new(
                    ErrorKind::Tls,
                    format!("{what} is not valid PEM: {e}"),
                ));
            }
        }
    }
    if out.is_empty() {
        return Err(Error::new(
            ErrorKind::Tls,
            format!("{what} holds no certificate"),
        ));
    }
    Ok(out)
}
