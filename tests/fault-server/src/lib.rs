//! The one fault server of the test suites: the faults a real Auth.js server will not
//! produce (a hang, a reset mid-body, HTML where JSON belongs, a CSRF token rejected
//! twice, a WebAuthn provider, thousands of cookies, ...), each staged once as a named
//! scenario in [`scenarios`].
//!
//! Every scenario is mounted at `/<name>`, so a client configured with
//! `http://127.0.0.1:PORT/<name>` (the path is the base path, as with `NEXTAUTH_URL`)
//! sends its actions to `/<name>/csrf`, `/<name>/session`, ... The Rust suite starts
//! a [`FaultServer`] in process (one per test, so request counts and per-client state
//! never mix); the C, C++ and Python suites use the `authjs-fault-server` binary,
//! which serves the same code on the port `tests/servers/with-servers.sh` gives it.
//!
//! `GET /__requests?ua=UA` answers `{"total":n,"byRoute":{"GET /S/csrf":2,...}}` for
//! the requests that came with that `User-Agent`, like the real servers'
//! `/api/test/requests`, so a suite can assert "exactly one retry" with a unique user
//! agent per test.

pub mod scenarios;

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// What the server does with one request.
pub enum Action {
    /// Send these bytes (a whole HTTP response) and keep the connection.
    Respond(Vec<u8>),
    /// Read the request, then say nothing until the client gives up.
    Hang,
    /// Send these bytes, then stall without closing.
    Stall(Vec<u8>),
    /// Send these bytes, then reset the connection (RST).
    Reset(Vec<u8>),
}

/// One request as the server read it.
#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    /// The request target: path and query (`/S/session?x=1`).
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    /// The first header called `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The target without its query.
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }

    /// `METHOD /path`, the key of the request log.
    pub fn route(&self) -> String {
        format!("{} {}", self.method, self.path())
    }

    fn user_agent(&self) -> String {
        self.header("user-agent").unwrap_or("").to_string()
    }
}

/// What a scenario knows besides the request.
pub struct Ctx<'a> {
    /// `http://<Host header>`: where URLs in replies point.
    pub origin: String,
    /// `/<scenario>`: the base path the client was configured with.
    pub base: &'a str,
    /// The path after the base path, without the query or slashes at either end
    /// (`session`, `callback/credentials`), like the real servers' action names.
    pub action: &'a str,
    /// How many earlier requests this user agent sent to this scenario: the only state
    /// a scenario has, so concurrent clients with their own user agents never mix.
    pub nth: usize,
    /// An origin that is not this server's, for redirects that must not be followed.
    pub elsewhere: &'a str,
}

impl Ctx<'_> {
    /// The URL of `action` under this scenario's base path, as a server names it.
    pub fn url(&self, action: &str) -> String {
        format!("{}{}/{action}", self.origin, self.base)
    }
}

/// A whole HTTP/1.1 response.
pub fn response(status: u16, content_type: &str, extra_headers: &[&str], body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n",
        body.len()
    );
    for h in extra_headers {
        out.push_str(h);
        out.push_str("\r\n");
    }
    out.push_str("\r\n");
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

/// A JSON reply.
pub fn json(status: u16, body: &str) -> Action {
    Action::Respond(response(status, "application/json", &[], body.as_bytes()))
}

/// Requests per user agent: `ua -> "METHOD /path" -> n`.
type Counts = HashMap<String, BTreeMap<String, usize>>;

#[derive(Default)]
struct Log {
    /// Every request, in order (in-process servers only: a test reads them back).
    requests: Vec<Request>,
    keep_requests: bool,
    counts: Counts,
    /// `(ua, scenario) -> n`, for [`Ctx::nth`].
    per_scenario: HashMap<(String, String), usize>,
}

struct Shared {
    log: Mutex<Log>,
    stop: AtomicBool,
    /// Open connections by id, so that stopping can close them; each connection
    /// thread removes its own entry when it ends.
    conns: Mutex<HashMap<u64, TcpStream>>,
    next_conn: AtomicU64,
    elsewhere: String,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panicking connection thread must not take the server down with it.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A running fault server. Dropping it stops it like a process exit: the listener is
/// closed (the accept thread is joined first, so the port is free when `drop`
/// returns) and every open connection goes away.
pub struct FaultServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
}

impl FaultServer {
    /// Starts a server on a free 127.0.0.1 port, in this process.
    pub fn start() -> FaultServer {
        Self::start_on(TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0"))
    }

    /// Starts a server on `listener` (to come back on the same port after a "restart").
    pub fn start_on(listener: TcpListener) -> FaultServer {
        Self::start_with(listener, None, true)
    }

    /// Starts a server whose `redirect-elsewhere` scenario redirects to `elsewhere`
    /// (another server's origin, whose request count then proves nothing went there).
    pub fn start_redirecting_to(elsewhere: &str) -> FaultServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        Self::start_with(listener, Some(elsewhere.to_string()), true)
    }

    /// The general form: `elsewhere` defaults to `http://localhost:PORT` (another
    /// origin of the same server, to cookies a different host); `keep_requests` keeps
    /// every request for [`FaultServer::requests`] (off for the long-lived binary).
    pub fn start_with(
        listener: TcpListener,
        elsewhere: Option<String>,
        keep_requests: bool,
    ) -> FaultServer {
        let addr = listener.local_addr().expect("local_addr");
        let shared = Arc::new(Shared {
            log: Mutex::new(Log {
                keep_requests,
                ..Log::default()
            }),
            stop: AtomicBool::new(false),
            conns: Mutex::new(HashMap::new()),
            next_conn: AtomicU64::new(0),
            elsewhere: elsewhere.unwrap_or_else(|| format!("http://localhost:{}", addr.port())),
        });
        let s = shared.clone();
        let accept = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if s.stop.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let id = s.next_conn.fetch_add(1, Ordering::SeqCst);
                if let Ok(clone) = stream.try_clone() {
                    lock(&s.conns).insert(id, clone);
                }
                let s = s.clone();
                std::thread::spawn(move || {
                    serve(stream, &s);
                    lock(&s.conns).remove(&id);
                });
            }
        });
        FaultServer {
            addr,
            shared,
            accept: Some(accept),
        }
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// `http://127.0.0.1:PORT`.
    pub fn origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.addr.port())
    }

    /// The URL a client of `scenario` is configured with: `http://127.0.0.1:PORT/<name>`.
    pub fn url(&self, scenario: &str) -> String {
        format!("{}/{scenario}", self.origin())
    }

    /// How many requests the server has read, from anyone.
    pub fn count(&self) -> usize {
        lock(&self.shared.log)
            .counts
            .values()
            .flat_map(|m| m.values())
            .sum()
    }

    /// Every request read so far, in order.
    pub fn requests(&self) -> Vec<Request> {
        lock(&self.shared.log).requests.clone()
    }

    /// `METHOD /path` of every request read so far, in order.
    pub fn routes(&self) -> Vec<String> {
        self.requests().iter().map(Request::route).collect()
    }

    /// `(total, byRoute)` for the requests sent with user agent `ua`.
    pub fn requests_by(&self, ua: &str) -> (usize, BTreeMap<String, usize>) {
        let by = lock(&self.shared.log)
            .counts
            .get(ua)
            .cloned()
            .unwrap_or_default();
        (by.values().sum(), by)
    }

    /// Serves until the process ends (the binary).
    pub fn wait(mut self) {
        if let Some(t) = self.accept.take() {
            let _ = t.join();
        }
    }
}

impl Drop for FaultServer {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wake the blocking accept so the thread sees `stop` and drops the listener.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(t) = self.accept.take() {
            let _ = t.join();
        }
        for (_, c) in lock(&self.shared.conns).drain() {
            let _ = c.shutdown(Shutdown::Both);
        }
    }
}

fn serve(stream: TcpStream, shared: &Shared) {
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok();
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let mut stream = stream;
    loop {
        let Some(req) = read_request(&mut reader) else {
            return;
        };
        let action = dispatch(&req, shared);
        match action {
            Action::Respond(bytes) => {
                if stream.write_all(&bytes).is_err() {
                    return;
                }
            }
            Action::Hang => {
                hold(&shared.stop);
                return;
            }
            Action::Stall(bytes) => {
                let _ = stream.write_all(&bytes);
                hold(&shared.stop);
                return;
            }
            Action::Reset(bytes) => {
                let _ = stream.write_all(&bytes);
                linger_zero(&stream);
                return;
            }
        }
    }
}

/// Logs the request, then answers it: the server's own routes, or the scenario named
/// by the first path segment.
fn dispatch(req: &Request, shared: &Shared) -> Action {
    let path = req.path().to_string();
    let mut segments = path.trim_start_matches('/').splitn(2, '/');
    let name = segments.next().unwrap_or("").to_string();
    let action = segments
        .next()
        .unwrap_or("")
        .trim_end_matches('/')
        .to_string();
    if name == "__requests" {
        return requests_reply(req, shared);
    }
    if name == "__health" || path == "/api/health" {
        return Action::Respond(response(200, "text/plain", &[], b"ok"));
    }
    let ua = req.user_agent();
    let nth = {
        let mut log = lock(&shared.log);
        *log.counts
            .entry(ua.clone())
            .or_default()
            .entry(req.route())
            .or_default() += 1;
        if log.keep_requests {
            log.requests.push(req.clone());
        }
        let n = log.per_scenario.entry((ua, name.clone())).or_default();
        *n += 1;
        *n - 1
    };
    let Some(scenario) = scenarios::find(&name) else {
        return Action::Respond(response(
            404,
            "text/plain",
            &[],
            format!("no fault scenario {name:?}; see tests/servers/README.md").as_bytes(),
        ));
    };
    let host = req.header("host").unwrap_or("127.0.0.1").to_string();
    let base = format!("/{name}");
    let ctx = Ctx {
        origin: format!("http://{host}"),
        base: &base,
        action: &action,
        nth,
        elsewhere: &shared.elsewhere,
    };
    (scenario.handler)(req, &ctx)
}

/// `GET /__requests?ua=UA`: the request log of one user agent, as JSON.
fn requests_reply(req: &Request, shared: &Shared) -> Action {
    let query = req.target.split_once('?').map(|(_, q)| q).unwrap_or("");
    let ua = query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == "ua")
        .map(|(_, v)| percent_decode(v))
        .unwrap_or_default();
    let by = lock(&shared.log)
        .counts
        .get(&ua)
        .cloned()
        .unwrap_or_default();
    let total: usize = by.values().sum();
    let routes: Vec<String> = by
        .iter()
        .map(|(route, n)| format!("{}:{n}", json_string(route)))
        .collect();
    json(
        200,
        &format!("{{\"total\":{total},\"byRoute\":{{{}}}}}", routes.join(",")),
    )
}

/// `application/x-www-form-urlencoded` decoding of one value (`+` is a space).
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = |b: u8| (b as char).to_digit(16);
                match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                    (Some(h), Some(l)) => {
                        out.push((h * 16 + l) as u8);
                        i += 2;
                    }
                    _ => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A JSON string literal.
pub fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Keeps a connection open without answering, for a bounded time (or until the
/// server stops), so a client that never times out still ends.
fn hold(stop: &AtomicBool) {
    let until = Instant::now() + Duration::from_secs(5);
    while Instant::now() < until && !stop.load(Ordering::SeqCst) {
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Closes with RST instead of FIN (SO_LINGER 0).
fn linger_zero(stream: &TcpStream) {
    #[cfg(unix)]
    {
        use std::os::fd::AsRawFd;
        let l = libc::linger {
            l_onoff: 1,
            l_linger: 0,
        };
        // SAFETY: a valid open fd and an option value of the size given.
        unsafe {
            libc::setsockopt(
                stream.as_raw_fd(),
                libc::SOL_SOCKET,
                libc::SO_LINGER,
                (&l as *const libc::linger).cast(),
                std::mem::size_of::<libc::linger>() as libc::socklen_t,
            );
        }
    }
    #[cfg(not(unix))]
    let _ = stream.shutdown(Shutdown::Write);
}

/// Reads one request (head and `Content-Length` body); `None` at end of stream or on
/// anything malformed.
fn read_request(reader: &mut BufReader<TcpStream>) -> Option<Request> {
    let mut head = Vec::new();
    loop {
        let mut line = Vec::new();
        let n = reader.read_until(b'\n', &mut line).ok()?;
        if n == 0 {
            return None;
        }
        let blank = line == b"\r\n" || line == b"\n";
        head.extend_from_slice(&line);
        if head.len() > 64 * 1024 {
            return None;
        }
        if blank {
            break;
        }
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let mut lines = head.lines();
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_string();
    let target = first.next()?.to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let len: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    if len > 16 * 1024 * 1024 {
        return None;
    }
    let mut body = vec![0u8; len];
    reader.read_exact(&mut body).ok()?;
    Some(Request {
        method,
        target,
        headers,
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("a%2Fb+c%7"), "a/b c%7");
        assert_eq!(percent_decode("%"), "%");
        assert_eq!(percent_decode("x%41"), "xA");
    }

    #[test]
    fn json_strings() {
        assert_eq!(json_string("a\"b\\\n"), "\"a\\\"b\\\\\\u000a\"");
    }
}
