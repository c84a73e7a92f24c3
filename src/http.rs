//! The transport: one `ureq` agent per client, redirects never followed, statuses
//! never turned into errors, bodies read with a size cap, and transport failures
//! mapped onto [`ErrorKind`]s.

use crate::endpoint::redact;
use crate::error::{Error, ErrorKind, Result};
use std::borrow::Cow;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use ureq::http;
use url::Url;

/// A request body.
#[derive(Clone)]
pub enum Body {
    /// `application/json`.
    Json(serde_json::Value),
    /// `application/x-www-form-urlencoded`.
    Form(Vec<(String, String)>),
    /// Bytes the caller gave without naming a type (the CLI's `-d`, C's body text,
    /// Python's `data=` `str`/`bytes`). The type is the same in every front end:
    /// valid UTF-8 that parses as a JSON object or array is `application/json`, other
    /// UTF-8 text `text/plain; charset=utf-8`, anything else
    /// `application/octet-stream`. A `Content-Type` request header overrides it.
    Bytes(Vec<u8>),
    /// Anything else, with its content type.
    Raw {
        /// The `Content-Type` header.
        content_type: String,
        /// The bytes to send.
        bytes: Vec<u8>,
    },
}

impl std::fmt::Debug for Body {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Bodies carry passwords and tokens: never print them.
        match self {
            Body::Json(_) => f.write_str("Body::Json(<redacted>)"),
            Body::Form(fields) => {
                let names: Vec<&str> = fields.iter().map(|(k, _)| k.as_str()).collect();
                write!(f, "Body::Form(fields: {names:?})")
            }
            Body::Raw {
                content_type,
                bytes,
            } => {
                write!(f, "Body::Raw({content_type}, {} bytes)", bytes.len())
            }
            Body::Bytes(bytes) => write!(f, "Body::Bytes({} bytes)", bytes.len()),
        }
    }
}

impl Body {
    /// A form body from a JSON object, with the same value rules as sign-in fields:
    /// strings as they are, numbers and booleans as their text, `null` as empty;
    /// nested objects and arrays are refused.
    pub fn form_from_json(value: &serde_json::Value) -> Result<Body> {
        let obj = value.as_object().ok_or_else(|| {
            Error::invalid(format!(
                "a form body must be a JSON object, not {}",
                crate::signin::json_type_name(value)
            ))
        })?;
        obj.iter()
            .map(|(k, v)| Ok((k.clone(), crate::signin::form_value(k, v)?)))
            .collect::<Result<Vec<_>>>()
            .map(Body::Form)
    }

    fn encode(&self) -> Result<(String, Vec<u8>)> {
        Ok(match self {
            Body::Json(v) => (
                "application/json".to_string(),
                serde_json::to_vec(v)
                    .map_err(|e| Error::invalid(format!("cannot encode JSON: {e}")))?,
            ),
            Body::Form(fields) => {
                let mut s = url::form_urlencoded::Serializer::new(String::new());
                for (k, v) in fields {
                    s.append_pair(k, v);
                }
                (
                    "application/x-www-form-urlencoded".to_string(),
                    s.finish().into_bytes(),
                )
            }
            Body::Raw {
                content_type,
                bytes,
            } => (content_type.clone(), bytes.clone()),
            Body::Bytes(bytes) => (Self::inferred_type(bytes).to_string(), bytes.clone()),
        })
    }

    /// The content type of [`Body::Bytes`].
    pub fn inferred_type(bytes: &[u8]) -> &'static str {
        match std::str::from_utf8(bytes) {
            Ok(text) => {
                let t = text.trim_start();
                if (t.starts_with('{') || t.starts_with('['))
                    && serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok()
                {
                    "application/json"
                } else {
                    "text/plain; charset=utf-8"
                }
            }
            Err(_) => "application/octet-stream",
        }
    }
}

/// A header value ureq will send: tab, or visible characters and spaces (no CR, LF,
/// NUL or other controls, which would split the request or make ureq panic).
pub(crate) fn is_header_value(v: &str) -> bool {
    v.bytes().all(|b| b == b'\t' || (b >= 0x20 && b != 0x7f))
}

/// A reply, with the cookies already separated out.
pub(crate) struct Reply {
    pub status: u16,
    /// The reply's headers as ureq parsed them, `Set-Cookie` included (copied into
    /// `set_cookies`). Kept as they are, not copied into strings: most replies are
    /// only read for a header or two (issue 17: ten headers copied and freed were
    /// ≈ 4,000 instructions a request).
    header_map: http::HeaderMap,
    pub set_cookies: Vec<String>,
    pub body: Vec<u8>,
    /// The request carried a session cookie (set by the client, which knows).
    pub sent_session: bool,
    /// A sign-out or clear happened while the request was in flight (the jar's epoch
    /// moved on; set by the client): the reply no longer describes this client.
    pub superseded: bool,
}

impl Reply {
    /// The first header of that name (case-insensitive) whose value is UTF-8;
    /// `Set-Cookie` is in `set_cookies`, not here.
    pub fn header(&self, name: &str) -> Option<&str> {
        if name.eq_ignore_ascii_case("set-cookie") {
            return None;
        }
        self.header_map
            .get_all(name)
            .iter()
            .find_map(|v| v.to_str().ok())
    }

    /// Headers other than `Set-Cookie`, in the order received (values that are not
    /// UTF-8 are dropped).
    pub fn headers(&self) -> Vec<(String, String)> {
        self.header_map
            .iter()
            .filter(|(name, _)| *name != http::header::SET_COOKIE)
            .filter_map(|(name, value)| {
                Some((name.as_str().to_string(), value.to_str().ok()?.to_string()))
            })
            .collect()
    }

    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    pub fn is_redirect(&self) -> bool {
        (300..400).contains(&self.status)
    }
}

/// Transport settings.
#[derive(Clone)]
pub(crate) struct TransportConfig {
    pub timeout: Option<Duration>,
    pub connect_timeout: Option<Duration>,
    pub user_agent: String,
    pub proxy: Option<ureq::Proxy>,
    /// Extra trusted roots (DER), on top of the Mozilla roots.
    pub extra_roots: Vec<Vec<u8>>,
    pub max_body: u64,
}

/// The ureq agent (and so the connection pool) is per *process*, not only per client.
///
/// After a `fork()` (gunicorn `--preload`, Celery, Python `multiprocessing`) the child
/// inherits the parent's pooled sockets. Reusing one from both processes interleaves
/// their requests on one TCP (or TLS) stream, and each process then reads the other's
/// replies: the parent's session read returns the child's user. So every request
/// checks the process id (one `getpid()` system call, about 0.1 µs here against a
/// request's ~90 µs; there is no fork hook without a `pthread_atfork` dependency), and a
/// process other than the one that built `agent` gets an agent of its own. The cookie
/// jar is not touched: a forked worker stays signed in.
pub(crate) struct Transport {
    /// The agent of the process that built the transport (`pid`). Always `Some` until
    /// `Drop`, which drops it only in that process.
    agent: Option<ureq::Agent>,
    pid: u32,
    /// The agent of a forked child, with the child's process id. Locked only for a
    /// comparison and a clone (never during I/O) and only outside the original
    /// process, so the parent's threads never hold it at the moment of a fork (a
    /// multi-threaded child that forks again has the usual fork-with-locks hazard, for
    /// a few instructions).
    forked: Mutex<Option<(u32, ureq::Agent)>>,
    /// To build the child's agent like the original one.
    config: TransportConfig,
    /// The (shared) TLS configuration of `agent`.
    tls: Arc<rustls::ClientConfig>,
    max_body: u64,
}

impl Drop for Transport {
    fn drop(&mut self) {
        // In a forked child the inherited pool is leaked, not dropped: its sockets are
        // the parent's live connections, and its state may have been caught mid-update
        // by a parent thread at the moment of the fork. Dropping would only close()
        // the child's copies of the descriptors (ureq calls shutdown() only from
        // `Agent::shutdown`, and rustls sends no close_notify on drop), but leaking
        // runs no code at all on that state; the descriptors close when the child
        // exits. The same holds for a grandchild's copy of a child's agent.
        let pid = std::process::id();
        if let Some(agent) = self.agent.take()
            && pid != self.pid
        {
            std::mem::forget(agent);
        }
        let forked = self
            .forked
            .get_mut()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if let Some((owner, agent)) = forked
            && owner != pid
        {
            std::mem::forget(agent);
        }
    }
}

impl Transport {
    /// Fails (with [`ErrorKind::Tls`]) when an extra root is not a usable certificate.
    pub fn new(cfg: &TransportConfig) -> Result<Transport> {
        let tls = crate::conn::shared_tls_config(&cfg.extra_roots).map_err(|e| {
            Error::new(
                ErrorKind::Tls,
                format!("the extra CA certificate cannot be used: {e}"),
            )
        })?;
        Ok(Transport {
            agent: Some(Self::agent_for(cfg, tls.clone())),
            tls,
            pid: std::process::id(),
            forked: Mutex::new(None),
            config: cfg.clone(),
            max_body: cfg.max_body,
        })
    }

    /// The agent this process may use: the original one in the process that built the
    /// transport, otherwise one built for (and owned by) the current process.
    fn agent(&self) -> Cow<'_, ureq::Agent> {
        let pid = std::process::id();
        if pid == self.pid
            && let Some(agent) = &self.agent
        {
            return Cow::Borrowed(agent);
        }
        let mut forked = self.forked.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((owner, agent)) = forked.as_ref()
            && *owner == pid
        {
            return Cow::Owned(agent.clone());
        }
        // A new process (a child, or a grandchild that inherited a child's agent). Its
        // TLS configuration is its own too: the shared one's session cache has a lock
        // that a parent thread may have held at the moment of the fork. Built before,
        // it cannot fail now; if it does, the child gets no https.
        // (Building cannot fail where it succeeded before; if it did, the parent's is
        // the fallback.)
        let tls = crate::conn::build_tls_config(&self.config.extra_roots)
            .unwrap_or_else(|_| self.tls.clone());
        let fresh = Self::agent_for(&self.config, tls);
        if let Some((_, inherited)) = forked.replace((pid, fresh.clone())) {
            // Another process's connections: leaked, never reused (see `Drop`).
            std::mem::forget(inherited);
        }
        Cow::Owned(fresh)
    }

    fn agent_for(cfg: &TransportConfig, tls: Arc<rustls::ClientConfig>) -> ureq::Agent {
        use ureq::unversioned::transport::{ConnectProxyConnector, Connector, TcpConnector};
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .save_redirect_history(false)
            .proxy(cfg.proxy.clone())
            .user_agent(cfg.user_agent.as_str())
            .accept("application/json")
            .timeout_global(cfg.timeout)
            .timeout_connect(cfg.connect_timeout)
            .max_idle_connections(32)
            .max_idle_connections_per_host(32)
            // The TCP and TLS layers' buffers; `Lean` grows its own (see crate::conn).
            .input_buffer_size(crate::conn::LAYER_BUFFER)
            .output_buffer_size(crate::conn::LAYER_BUFFER)
            .build();
        // ureq's default chain minus its rustls connector (ours shares the
        // configuration) and its SOCKS warning, plus `Lean` around every connection.
        let connector =
            ().chain(ConnectProxyConnector::default())
                .chain(TcpConnector::default())
                .chain(crate::conn::TlsConnector(tls))
                .chain(crate::conn::LeanConnector);
        ureq::Agent::with_parts(config, connector, LiteralFirstResolver::default())
    }

    /// Sends one request. `cookie` is the `Cookie` header (empty for none).
    pub fn send(
        &self,
        method: &str,
        url: &Url,
        cookie: &str,
        headers: &[(String, String)],
        body: Option<&Body>,
    ) -> Result<Reply> {
        let method = http::Method::from_bytes(method.as_bytes())
            .map_err(|_| Error::invalid(format!("invalid HTTP method {method:?}")))?;
        let method_len = method.as_str().len();
        let mut builder = http::Request::builder().method(method).uri(url.as_str());
        for (k, v) in headers {
            builder = builder.header(k.as_str(), v.as_str());
        }
        if !cookie.is_empty() {
            builder = builder.header("cookie", cookie);
        }
        // The longest line ureq will write: the output buffer is sized for it.
        let longest = headers
            .iter()
            .map(|(k, v)| k.len() + v.len())
            .chain([
                cookie.len(),
                url.as_str().len() + method_len,
                self.config.user_agent.len(),
            ])
            .max()
            .unwrap_or(0);
        crate::conn::set_request_line_hint(longest + 16);
        let payload = match body {
            Some(b) => {
                let (ct, bytes) = b.encode()?;
                // A Content-Type the caller set overrides the body's own.
                if !headers
                    .iter()
                    .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
                {
                    builder = builder.header("content-type", ct);
                }
                bytes
            }
            None => Vec::new(),
        };
        let request = builder
            .body(payload)
            .map_err(|e| Error::invalid(format!("cannot build the request: {e}")))?;
        let response = self
            .agent()
            .run(request)
            .map_err(|e| map_ureq_error(e, url))?;
        let status = response.status().as_u16();
        let set_cookies = response
            .headers()
            .get_all(http::header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_string))
            .collect();
        let (parts, mut body) = response.into_parts();
        // Sized for the declared length (up to 64 KiB: the header is the server's
        // word, not a promise) plus room to see the end: `read_to_vec` starts from an
        // empty Vec and grows it through probe reads, each a trip through ureq's body
        // reader (issue 17).
        let declared = parts
            .headers
            .get(http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok()?.parse::<usize>().ok())
            .unwrap_or(0)
            .min(64 * 1024);
        let mut bytes = Vec::with_capacity(declared + 64);
        std::io::Read::read_to_end(
            &mut body.with_config().limit(self.max_body).reader(),
            &mut bytes,
        )
        .map_err(|e| map_ureq_error(ureq::Error::from(e), url))?;
        let body = bytes;
        Ok(Reply {
            status,
            header_map: parts.headers,
            set_cookies,
            body,
            sent_session: false,
            superseded: false,
        })
    }
}

/// A resolver that answers IP-literal hosts (`127.0.0.1`, `[::1]`) itself and hands
/// names to ureq's default resolver.
///
/// With a timeout configured (always, here), ureq's resolver starts a thread for every
/// new connection so that a slow DNS lookup can be abandoned; for an address that needs
/// no lookup that thread is pure cost (and it is the only cross-thread hand-off a
/// thread sanitizer sees in a request). Uses ureq's `unversioned` API, pinned by
/// `Cargo.lock`.
#[derive(Debug, Default)]
struct LiteralFirstResolver(ureq::unversioned::resolver::DefaultResolver);

impl ureq::unversioned::resolver::Resolver for LiteralFirstResolver {
    fn resolve(
        &self,
        uri: &http::Uri,
        config: &ureq::config::Config,
        timeout: ureq::unversioned::transport::NextTimeout,
    ) -> std::result::Result<ureq::unversioned::resolver::ResolvedSocketAddrs, ureq::Error> {
        if let Some(authority) = uri.authority() {
            let host = authority.host();
            let bare = host
                .strip_prefix('[')
                .and_then(|h| h.strip_suffix(']'))
                .unwrap_or(host);
            if let Ok(ip) = bare.parse::<std::net::IpAddr>() {
                let port = authority.port_u16().unwrap_or(match uri.scheme_str() {
                    Some("https") => 443,
                    _ => 80,
                });
                let mut addrs = self.empty();
                addrs.push(std::net::SocketAddr::new(ip, port));
                return Ok(addrs);
            }
        }
        self.0.resolve(uri, config, timeout)
    }
}

/// Maps a transport failure to an [`ErrorKind`], with a message naming the URL
/// (without its query) and no secrets.
fn map_ureq_error(e: ureq::Error, url: &Url) -> Error {
    let target = redact(url);
    let (kind, what) = match &e {
        ureq::Error::Timeout(t) => (ErrorKind::Timeout, format!("timed out ({t})")),
        ureq::Error::HostNotFound => (ErrorKind::Network, "host not found".to_string()),
        ureq::Error::ConnectionFailed => (ErrorKind::Network, "connection failed".to_string()),
        ureq::Error::Io(io) => classify_io(io, url),
        ureq::Error::Tls(m) => (ErrorKind::Tls, format!("TLS error: {m}")),
        ureq::Error::Pem(p) => (ErrorKind::Tls, format!("bad certificate: {p}")),
        ureq::Error::Rustls(r) => (ErrorKind::Tls, tls_message(r, url)),
        ureq::Error::BodyExceedsLimit(n) => (
            ErrorKind::Protocol,
            format!("the reply body is larger than the {n}-byte limit"),
        ),
        ureq::Error::Protocol(p) => (ErrorKind::Protocol, format!("malformed HTTP reply: {p}")),
        ureq::Error::LargeResponseHeader(a, b) => (
            ErrorKind::Protocol,
            format!("reply headers too large ({a} > {b} bytes)"),
        ),
        ureq::Error::BadUri(_) | ureq::Error::Http(_) => {
            (ErrorKind::InvalidArgument, format!("invalid request: {e}"))
        }
        ureq::Error::InvalidProxyUrl | ureq::Error::ConnectProxyFailed(_) => {
            (ErrorKind::Network, format!("proxy error: {e}"))
        }
        ureq::Error::BodyStalled => (ErrorKind::Timeout, "the reply body stalled".to_string()),
        other => (ErrorKind::Network, other.to_string()),
    };
    Error::new(kind, format!("{target}: {what}")).with_source(e)
}

fn classify_io(io: &std::io::Error, url: &Url) -> (ErrorKind, String) {
    use std::io::ErrorKind as K;
    if let Some(tls) = io.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
        return (ErrorKind::Tls, tls_message(tls, url));
    }
    match io.kind() {
        K::TimedOut | K::WouldBlock => (ErrorKind::Timeout, format!("timed out: {io}")),
        K::ConnectionRefused => (ErrorKind::Network, "connection refused".to_string()),
        K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe | K::UnexpectedEof => {
            (ErrorKind::Network, format!("connection broken: {io}"))
        }
        _ => (ErrorKind::Network, io.to_string()),
    }
}

/// The message of a rustls failure. A plain-http server answers the TLS ClientHello
/// with an HTTP reply (`HTTP/1.1 400 …`), whose first byte rustls reads as a record
/// type: "received corrupt message of type InvalidContentType". The usual cause is a
/// URL without a scheme (`localhost:3000` means `https://`, as in `NEXTAUTH_URL`), so
/// the message names the http URL to use instead. Still a TLS error: the handshake
/// is what failed.
fn tls_message(tls: &rustls::Error, url: &Url) -> String {
    if matches!(
        tls,
        rustls::Error::InvalidMessage(rustls::InvalidMessage::InvalidContentType)
    ) && url.scheme() == "https"
    {
        let mut plain = url.clone();
        let _ = plain.set_scheme("http");
        // An explicit port stays; the default https port becomes an explicit 443.
        if url.port().is_none() {
            let _ = plain.set_port(Some(443));
        }
        return format!(
            "TLS error: the server answered in plain HTTP, not TLS: use {} (a URL \
             without a scheme means https://) ({tls})",
            plain.origin().ascii_serialization()
        );
    }
    format!("TLS error: {tls}")
}
