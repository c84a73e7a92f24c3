//! Fault injection: what a real Auth.js server will not do, produced by a tiny
//! loopback server written for these tests. For each fault the client must return the
//! right typed error (or the right result), never panic, never hang past its timeout,
//! and leave the cookie jar as it was.

use authjs::{Client, ErrorKind, SignInOptions, SignOutOptions};
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What the fault server does with one request.
enum Action {
    /// Send these bytes (a whole HTTP response) and keep the connection.
    Respond(Vec<u8>),
    /// Read the request, then say nothing until the client gives up.
    Hang,
    /// Send these bytes, then stall without closing.
    Stall(Vec<u8>),
    /// Send these bytes, then reset the connection (RST).
    Reset(Vec<u8>),
}

struct Request {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

type Handler = dyn Fn(&Request) -> Action + Send + Sync;

struct FaultServer {
    port: u16,
    requests: Arc<AtomicUsize>,
    seen: Arc<Mutex<Vec<String>>>,
    stop: Arc<std::sync::atomic::AtomicBool>,
    conns: Arc<Mutex<Vec<TcpStream>>>,
}

impl FaultServer {
    fn start(handler: impl Fn(&Request) -> Action + Send + Sync + 'static) -> FaultServer {
        Self::start_on(TcpListener::bind("127.0.0.1:0").unwrap(), Arc::new(handler))
    }

    fn start_on(listener: TcpListener, handler: Arc<Handler>) -> FaultServer {
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(AtomicUsize::new(0));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let conns = Arc::new(Mutex::new(Vec::new()));
        let (r, s, st, cs) = (requests.clone(), seen.clone(), stop.clone(), conns.clone());
        listener.set_nonblocking(true).unwrap();
        std::thread::spawn(move || {
            // Bounded: the server lives at most 60 s, whatever the test does.
            let deadline = Instant::now() + Duration::from_secs(60);
            while Instant::now() < deadline && !st.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        stream.set_nonblocking(false).unwrap();
                        if let Ok(clone) = stream.try_clone() {
                            cs.lock().unwrap().push(clone);
                        }
                        let (h, r, s, st) = (handler.clone(), r.clone(), s.clone(), st.clone());
                        std::thread::spawn(move || serve(stream, &*h, &r, &s, &st));
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                        std::thread::sleep(Duration::from_millis(2));
                    }
                    Err(_) => break,
                }
            }
        });
        FaultServer {
            port,
            requests,
            seen,
            stop,
            conns,
        }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn client(&self) -> Client {
        Client::builder(self.url())
            .timeout(Duration::from_millis(800))
            .build()
            .unwrap()
    }

    fn count(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

impl Drop for FaultServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        // Like a process exit: every open connection goes away.
        for c in self.conns.lock().unwrap().drain(..) {
            let _ = c.shutdown(Shutdown::Both);
        }
    }
}

fn serve(
    mut stream: TcpStream,
    handler: &Handler,
    count: &AtomicUsize,
    seen: &Mutex<Vec<String>>,
    stop: &std::sync::atomic::AtomicBool,
) {
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok();
    loop {
        let Some(req) = read_request(&mut stream) else {
            return;
        };
        count.fetch_add(1, Ordering::SeqCst);
        seen.lock()
            .unwrap()
            .push(format!("{} {}", req.method, req.path));
        match handler(&req) {
            Action::Respond(bytes) => {
                if stream.write_all(&bytes).is_err() {
                    return;
                }
            }
            Action::Hang => {
                hold(stop);
                return;
            }
            Action::Stall(bytes) => {
                let _ = stream.write_all(&bytes);
                hold(stop);
                return;
            }
            Action::Reset(bytes) => {
                let _ = stream.write_all(&bytes);
                let _ = socket_linger_zero(&stream);
                drop(stream);
                return;
            }
        }
    }
}

/// Keeps a connection open without answering, for a bounded time.
fn hold(stop: &std::sync::atomic::AtomicBool) {
    let until = Instant::now() + Duration::from_secs(5);
    while Instant::now() < until && !stop.load(Ordering::Relaxed) {
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// SO_LINGER 0, so that closing sends RST instead of FIN.
fn socket_linger_zero(stream: &TcpStream) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::fd::AsRawFd;
        #[repr(C)]
        struct Linger {
            l_onoff: i32,
            l_linger: i32,
        }
        unsafe extern "C" {
            fn setsockopt(fd: i32, level: i32, name: i32, val: *const Linger, len: u32) -> i32;
        }
        const SOL_SOCKET: i32 = 1;
        const SO_LINGER: i32 = 13;
        let l = Linger {
            l_onoff: 1,
            l_linger: 0,
        };
        // SAFETY: a valid fd and a correctly sized option value.
        let rc = unsafe {
            setsockopt(
                stream.as_raw_fd(),
                SOL_SOCKET,
                SO_LINGER,
                &l,
                std::mem::size_of::<Linger>() as u32,
            )
        };
        if rc != 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    let _ = stream.shutdown(Shutdown::Write);
    Ok(())
}

fn read_request(stream: &mut TcpStream) -> Option<Request> {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => buf.push(byte[0]),
            _ => return None,
        }
        if buf.len() > 64 * 1024 {
            return None;
        }
    }
    let head = String::from_utf8_lossy(&buf).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_string();
    let path = first.next()?.to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let len: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; len];
    stream.read_exact(&mut body).ok()?;
    Some(Request {
        method,
        path,
        headers,
        body,
    })
}

fn response(status: u16, content_type: &str, extra_headers: &[&str], body: &[u8]) -> Vec<u8> {
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

fn json(status: u16, body: &str) -> Action {
    Action::Respond(response(status, "application/json", &[], body.as_bytes()))
}

const CSRF_COOKIE: &str = "next-auth.csrf-token=aaaa%7Cbbbb; Path=/; HttpOnly; SameSite=Lax";
const PROVIDERS: &str = r#"{
  "credentials": {"id":"credentials","name":"Credentials","type":"credentials","signinUrl":"x","callbackUrl":"x"},
  "passkey": {"id":"passkey","name":"Passkey","type":"webauthn","signinUrl":"x","callbackUrl":"x"}
}"#;

/// A minimal Auth.js-like happy path, used as the base that single faults replace.
fn authjs_like(req: &Request) -> Action {
    match (req.method.as_str(), req.path.split('?').next().unwrap()) {
        ("GET", "/api/auth/csrf") => Action::Respond(response(
            200,
            "application/json",
            &[&format!("set-cookie: {CSRF_COOKIE}")],
            br#"{"csrfToken":"aaaa"}"#,
        )),
        ("GET", "/api/auth/providers") => json(200, PROVIDERS),
        ("POST", "/api/auth/callback/credentials") => Action::Respond(response(
            200,
            "application/json",
            &["set-cookie: next-auth.session-token=tok; Path=/; HttpOnly; SameSite=Lax"],
            br#"{"url":"http://127.0.0.1/"}"#,
        )),
        ("GET", "/api/auth/session") => json(
            200,
            r#"{"user":{"name":"A"},"expires":"2030-01-01T00:00:00.000Z"}"#,
        ),
        ("POST", "/api/auth/signout") => json(200, r#"{"url":"http://127.0.0.1/"}"#),
        _ => json(404, "null"),
    }
}

/// A client that is signed in against the fault server's happy path.
fn signed_in(server: &FaultServer) -> Client {
    let c = server.client();
    let r = c
        .sign_in(
            Some("credentials"),
            SignInOptions::new()
                .field("username", "a")
                .field("password", "pw"),
        )
        .unwrap();
    assert!(r.ok, "{r:?}");
    assert!(c.has_session_cookie());
    c
}

/// Runs `op` against a server answering `session` with `fault`, and checks the error
/// kind, the time taken and that the jar did not change.
fn check_session_fault(
    fault: impl Fn(&Request) -> Action + Send + Sync + 'static,
    expect: Result<bool, ErrorKind>,
) {
    let fault = Arc::new(fault);
    let f2 = fault.clone();
    let faulty = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = faulty.clone();
    let server = FaultServer::start(move |req| {
        if flag.load(Ordering::SeqCst) && req.path.starts_with("/api/auth/session") {
            f2(req)
        } else {
            authjs_like(req)
        }
    });
    let c = signed_in(&server);
    let before = c.export_cookies().unwrap();
    faulty.store(true, Ordering::SeqCst);
    let t0 = Instant::now();
    let result = c.get_session();
    let took = t0.elapsed();
    assert!(
        took < Duration::from_secs(3),
        "took {took:?}: must not hang past the 800 ms timeout"
    );
    match (result, expect) {
        (Ok(s), Ok(has)) => assert_eq!(s.is_some(), has),
        (Err(e), Err(kind)) => {
            assert_eq!(e.kind(), kind, "{e:?}");
            assert!(!e.message().contains("tok"), "no cookie value in {e}");
        }
        (r, e) => panic!("expected {e:?}, got {r:?}"),
    }
    assert_eq!(c.export_cookies().unwrap(), before, "the jar is unchanged");
}

#[test]
fn connection_refused() {
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let c = Client::builder(format!("http://127.0.0.1:{port}"))
        .build()
        .unwrap();
    assert_eq!(c.get_session().unwrap_err().kind(), ErrorKind::Network);
    assert_eq!(c.get_csrf_token().unwrap_err().kind(), ErrorKind::Network);
}

#[test]
fn accept_then_never_answer_is_a_timeout() {
    check_session_fault(|_| Action::Hang, Err(ErrorKind::Timeout));
}

#[test]
fn headers_then_stalled_body_is_a_timeout() {
    check_session_fault(
        |_| {
            Action::Stall(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"user\":".to_vec())
        },
        Err(ErrorKind::Timeout),
    );
}

#[test]
fn reset_mid_body_is_a_network_error() {
    check_session_fault(
        |_| {
            Action::Reset(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"user\":".to_vec())
        },
        Err(ErrorKind::Network),
    );
}

#[test]
fn server_errors_with_html_are_http_errors_with_status() {
    for status in [500u16, 502, 503] {
        let server = FaultServer::start(move |_| {
            Action::Respond(response(
                status,
                "text/html",
                &[],
                b"<html><body>Bad Gateway</body></html>",
            ))
        });
        let e = server.client().get_session().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Http);
        assert_eq!(e.status(), Some(status));
        assert!(e.body_excerpt().unwrap().contains("Bad Gateway"));
    }
}

#[test]
fn html_with_200_is_a_protocol_error_that_names_the_base_path() {
    check_session_fault(
        |_| {
            Action::Respond(response(
                200,
                "text/html",
                &[],
                b"<!DOCTYPE html><html>app page</html>",
            ))
        },
        Err(ErrorKind::Protocol),
    );
    let server = FaultServer::start(|_| {
        Action::Respond(response(
            200,
            "text/html",
            &[],
            b"<!DOCTYPE html><html></html>",
        ))
    });
    let c = server.client();
    for e in [
        c.get_session().unwrap_err(),
        c.get_providers().unwrap_err(),
        c.get_csrf_token().unwrap_err(),
    ] {
        assert_eq!(e.kind(), ErrorKind::Protocol);
        assert!(e.message().contains("base path"), "{e}");
    }
}

#[test]
fn truncated_json_is_a_protocol_error() {
    check_session_fault(
        |_| json(200, r#"{"user":{"name":"A""#),
        Err(ErrorKind::Protocol),
    );
}

#[test]
fn wrong_shapes_mean_no_session() {
    for body in ["[]", "\"session\"", r#"{"user":42}"#, "{}", "null", "42"] {
        check_session_fault(move |_| json(200, body), Ok(false));
    }
}

#[test]
fn error_shaped_session_body_means_no_session() {
    check_session_fault(
        |_| {
            json(
                200,
                r#"{"message":"There is a problem with the server configuration."}"#,
            )
        },
        Ok(false),
    );
}

#[test]
fn wrong_shaped_providers_are_a_protocol_error() {
    for body in ["[]", "\"x\"", r#"{"a":{"id":"a"}}"#] {
        let server = FaultServer::start(move |_| json(200, body));
        let e = server.client().get_providers().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Protocol, "{body}");
    }
}

#[test]
fn oversized_body_is_refused_with_a_bounded_read() {
    let server = FaultServer::start(|_| {
        let mut head = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 50000000\r\n\r\n".to_vec();
        head.extend(std::iter::repeat_n(b' ', 3_000_000));
        Action::Respond(head)
    });
    let c = Client::builder(server.url())
        .timeout(Duration::from_secs(5))
        .max_response_bytes(1024 * 1024)
        .build()
        .unwrap();
    let e = c.get_session().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Protocol, "{e:?}");
    assert!(e.message().contains("limit"), "{e}");
}

#[test]
fn redirect_loop_is_not_followed() {
    let server = FaultServer::start(|req| {
        if req.path.starts_with("/api/auth/session") {
            Action::Respond(response(
                302,
                "text/plain",
                &["location: /api/auth/session"],
                b"",
            ))
        } else {
            authjs_like(req)
        }
    });
    let c = server.client();
    let e = c.get_session().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Http);
    assert_eq!(e.status(), Some(302));
    assert_eq!(
        server.count(),
        1,
        "exactly one request: redirects are never followed"
    );
    let r = c.request("GET", "/api/auth/session", None, &[]).unwrap();
    assert_eq!(r.status, 302);
    assert_eq!(r.header("location"), Some("/api/auth/session"));
}

#[test]
fn redirect_to_another_origin_is_returned_never_followed() {
    let elsewhere = FaultServer::start(|_| json(200, "{}"));
    let target = format!("{}/steal", elsewhere.url());
    let t2 = target.clone();
    let server = FaultServer::start(move |req| {
        let p = req.path.split('?').next().unwrap();
        if p == "/api/auth/callback/credentials" || p == "/app" {
            Action::Respond(response(
                302,
                "text/plain",
                &[
                    &format!("location: {t2}"),
                    "set-cookie: next-auth.session-token=tok; Path=/",
                ],
                b"",
            ))
        } else {
            authjs_like(req)
        }
    });
    let c = server.client();
    let r = c
        .sign_in(
            Some("credentials"),
            SignInOptions::new().field("username", "a"),
        )
        .unwrap();
    assert_eq!(r.url.as_deref(), Some(target.as_str()), "the URL is data");
    assert!(!r.ok, "a 302 is not a JSON success");
    let resp = c.request("GET", "/app", None, &[]).unwrap();
    assert_eq!(resp.status, 302);
    assert_eq!(
        elsewhere.count(),
        0,
        "nothing, and so no cookie, went to the other origin"
    );
    let e = c.complete_sign_in(&target).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    assert_eq!(elsewhere.count(), 0);
}

#[test]
fn cookies_for_other_domains_are_rejected() {
    let server = FaultServer::start(|req| {
        if req.path.starts_with("/api/auth/session") {
            Action::Respond(response(
                200,
                "application/json",
                &[
                    "set-cookie: next-auth.session-token=evil; Domain=evil.test; Path=/",
                    "set-cookie: tracker=1; Domain=example.com; Path=/",
                ],
                b"{}",
            ))
        } else {
            authjs_like(req)
        }
    });
    let c = server.client();
    assert!(c.get_session().unwrap().is_none());
    assert!(c.cookies().is_empty(), "{:?}", c.cookies());
}

#[test]
fn thousands_of_cookies_are_refused_or_capped() {
    // In one reply: more headers than the HTTP parser accepts, a clear error.
    let server = FaultServer::start(|_| {
        let headers: Vec<String> = (0..5000)
            .map(|i| format!("set-cookie: c{i}=v; Path=/"))
            .collect();
        let refs: Vec<&str> = headers.iter().map(String::as_str).collect();
        Action::Respond(response(200, "application/json", &refs, b"null"))
    });
    let c = Client::builder(server.url())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let e = c.get_session().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Protocol, "{e:?}");
    assert!(c.cookies().is_empty());

    // Spread over many replies: the jar keeps at most 256 cookies.
    let round = Arc::new(AtomicUsize::new(0));
    let server = FaultServer::start(move |_| {
        let k = round.fetch_add(1, Ordering::SeqCst);
        let headers: Vec<String> = (0..60)
            .map(|i| format!("set-cookie: c{k}x{i}=v; Path=/"))
            .collect();
        let refs: Vec<&str> = headers.iter().map(String::as_str).collect();
        Action::Respond(response(200, "application/json", &refs, b"null"))
    });
    let c = server.client();
    for round in 0..10 {
        match c.get_session() {
            Ok(s) => {
                assert!(s.is_none());
                assert!(round < 4, "round {round}: the jar overflowed silently");
            }
            // From the reply that fills the jar on, the refusal is reported.
            Err(e) => {
                assert!(round >= 4, "round {round}: {e}");
                assert_eq!(e.kind(), ErrorKind::Protocol);
                assert!(e.to_string().contains("jar is full"), "{e}");
            }
        }
    }
    assert_eq!(c.cookies().len(), 256, "600 offered, 256 kept");
}

#[test]
fn invalid_utf8_in_headers_and_bodies() {
    let server = FaultServer::start(|req| {
        if req.path.starts_with("/api/auth/session") {
            let mut r = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nset-cookie: bad=\xff\xfe; Path=/\r\nx-junk: \xc3\x28\r\ncontent-length: 9\r\n\r\n{\"a\":\"\xff\"}".to_vec();
            r.truncate(r.len());
            Action::Respond(r)
        } else {
            json(200, "null")
        }
    });
    let c = server.client();
    let e = c.get_session().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Protocol, "{e:?}");
    assert!(c.cookies().is_empty(), "the non-UTF-8 cookie was dropped");
}

#[test]
fn csrf_rejected_twice_is_a_csrf_error_after_exactly_one_retry() {
    let server = FaultServer::start(|req| {
        let p = req.path.split('?').next().unwrap();
        match p {
            "/api/auth/callback/credentials" | "/api/auth/signout" => json(
                200,
                r#"{"url":"http://127.0.0.1/api/auth/signin?csrf=true"}"#,
            ),
            "/api/auth/session" if req.method == "POST" => json(400, "{}"),
            _ => authjs_like(req),
        }
    });
    let c = server.client();
    c.get_providers().unwrap();
    let before = server.count();
    let e = c
        .sign_in(
            Some("credentials"),
            SignInOptions::new().field("password", "pw-secret"),
        )
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Csrf);
    assert!(!e.message().contains("pw-secret"));
    assert_eq!(
        server.count() - before,
        4,
        "csrf, POST, csrf, POST: {:?}",
        server.seen.lock().unwrap()
    );
    assert_eq!(
        c.update_session(serde_json::json!({"a": 1}))
            .unwrap_err()
            .kind(),
        ErrorKind::Csrf
    );
    assert_eq!(
        c.sign_out(SignOutOptions::default()).unwrap_err().kind(),
        ErrorKind::Csrf
    );
}

#[test]
fn v4_csrf_flag_in_a_sign_in_reply_is_never_success() {
    // The JS client would answer ok: true here.
    let server = FaultServer::start(|req| {
        if req.path.starts_with("/api/auth/callback/") {
            json(
                200,
                r#"{"url":"http://127.0.0.1/api/auth/signin?csrf=true"}"#,
            )
        } else {
            authjs_like(req)
        }
    });
    let e = server
        .client()
        .sign_in(Some("credentials"), SignInOptions::new())
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Csrf);
}

#[test]
fn webauthn_is_refused_as_unsupported() {
    let server = FaultServer::start(authjs_like);
    let c = server.client();
    let e = c
        .sign_in(Some("passkey"), SignInOptions::new())
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::UnsupportedProvider);
    assert_eq!(
        server
            .seen
            .lock()
            .unwrap()
            .iter()
            .filter(|s| s.starts_with("POST"))
            .count(),
        0
    );
}

#[test]
fn sign_in_reply_without_url_is_a_protocol_error() {
    let server = FaultServer::start(|req| {
        if req.path.starts_with("/api/auth/callback/") {
            Action::Respond(response(200, "text/html", &[], b"<html>login</html>"))
        } else {
            authjs_like(req)
        }
    });
    let e = server
        .client()
        .sign_in(Some("credentials"), SignInOptions::new())
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Protocol);
}

#[test]
fn server_restarted_between_calls_reconnects() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let first = FaultServer::start_on(listener, Arc::new(authjs_like));
    let c = signed_in(&first);
    assert!(
        c.get_session().unwrap().is_some(),
        "a kept-alive connection is now pooled"
    );
    drop(first);
    // Rebind the same port (the old accept loop stops within a few ms).
    let listener = (0..200)
        .find_map(|_| {
            std::thread::sleep(Duration::from_millis(10));
            TcpListener::bind(addr).ok()
        })
        .expect("port free again");
    let second = FaultServer::start_on(listener, Arc::new(authjs_like));
    let s = c.get_session().unwrap();
    assert!(s.is_some(), "the session still works after the restart");
    assert!(second.count() >= 1);
}

#[test]
fn request_header_injection_is_refused() {
    let server = FaultServer::start(authjs_like);
    let c = server.client();
    for (k, v) in [
        ("X-A", "a\r\nInjected: 1"),
        ("Bad Name", "v"),
        ("Host", "evil"),
    ] {
        let e = c
            .request("GET", "/x", None, &[(k.into(), v.into())])
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{k}");
    }
    assert_eq!(server.count(), 0);
}

#[test]
fn forwarded_headers_reach_the_server_and_json_flags_are_sent() {
    let seen = Arc::new(Mutex::new(None::<(String, String, String)>));
    let s2 = seen.clone();
    let server = FaultServer::start(move |req| {
        if req.path.starts_with("/api/auth/callback/") {
            let body = String::from_utf8_lossy(&req.body).into_owned();
            *s2.lock().unwrap() = Some((
                req.header("x-auth-return-redirect")
                    .unwrap_or("")
                    .to_string(),
                req.header("content-type").unwrap_or("").to_string(),
                body,
            ));
        }
        authjs_like(req)
    });
    let c = server.client();
    c.sign_in(
        Some("credentials"),
        SignInOptions::new()
            .field("username", "a b&c")
            .callback_url("/next"),
    )
    .unwrap();
    let (hdr, ct, body) = seen.lock().unwrap().clone().unwrap();
    assert_eq!(hdr, "1", "v5 flag");
    assert_eq!(ct, "application/x-www-form-urlencoded");
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    assert!(
        pairs.contains(&("json".into(), "true".into())),
        "v4 flag: {pairs:?}"
    );
    assert!(pairs.contains(&("csrfToken".into(), "aaaa".into())));
    assert!(pairs.contains(&("callbackUrl".into(), "/next".into())));
    assert!(pairs.contains(&("username".into(), "a b&c".into())));
}

#[test]
fn plain_http_to_a_remote_host_is_refused_unless_allowed() {
    for url in [
        "http://example.com",
        "http://10.1.2.3:3000/api/auth",
        "http://auth.internal",
    ] {
        let e = Client::new(url).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{url}");
        assert!(e.message().contains("unencrypted"), "{e}");
        assert!(
            Client::builder(url)
                .allow_insecure_http(true)
                .build()
                .is_ok(),
            "{url}"
        );
    }
    for url in [
        "http://127.0.0.1:1",
        "http://localhost:1",
        "http://[::1]:1",
        "https://example.com",
    ] {
        assert!(Client::new(url).is_ok(), "{url}");
    }
}

/// Child half of `cookie_file_survives_a_crash_mid_write`: rewrites the cookie file
/// forever with alternating contents until it is killed.
#[test]
fn child_cookie_writer() {
    let Ok(path) = std::env::var("AUTHJS_CHILD_COOKIE_FILE") else {
        return; // only meaningful when spawned by the test below
    };
    let server = FaultServer::start(|_| {
        let headers: Vec<String> = (0..40)
            .map(|i| {
                format!(
                    "set-cookie: c{i}={}; Path=/; Max-Age=3600",
                    "v".repeat(1200)
                )
            })
            .collect();
        let refs: Vec<&str> = headers.iter().map(String::as_str).collect();
        Action::Respond(response(200, "application/json", &refs, b"null"))
    });
    let c = server.client();
    c.get_session().unwrap();
    let other = Client::new(&server.url()).unwrap();
    // The file exists before the parent starts killing.
    c.save_cookies(&path).unwrap();
    println!("READY");
    loop {
        c.save_cookies(&path).unwrap();
        other.save_cookies(&path).unwrap();
    }
}

#[test]
fn cookie_file_survives_a_crash_mid_write() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("jar.json");
    for round in 0..8 {
        let mut child = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "child_cookie_writer",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("AUTHJS_CHILD_COOKIE_FILE", &path)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Wait for the child to start writing, then kill it at an arbitrary point.
        let mut out = child.stdout.take().unwrap();
        let mut buf = [0u8; 256];
        let mut seen = String::new();
        while !seen.contains("READY") {
            let n = out.read(&mut buf).unwrap();
            assert!(n > 0, "child exited early");
            seen.push_str(&String::from_utf8_lossy(&buf[..n]));
        }
        std::thread::sleep(Duration::from_millis(5 + round * 7));
        child.kill().unwrap();
        child.wait().unwrap();
        // Whatever moment it died, the file is one complete jar or the other.
        let text = std::fs::read_to_string(&path).unwrap();
        let v: serde_json::Value = serde_json::from_str(&text).expect("a complete JSON file");
        let n = v["cookies"].as_array().unwrap().len();
        assert!(n == 0 || n == 40, "round {round}: {n} cookies");
    }
}

/// Form bodies from JSON objects. (A `Content-Type` header given with a body overrides
/// the body's type; that is tested against the real servers in
/// `tests/request_bodies.rs`.)
#[test]
fn form_bodies_from_json() {
    let form =
        authjs::Body::form_from_json(&serde_json::json!({"a": 1, "b": "x", "c": true})).unwrap();
    assert!(format!("{form:?}").contains("fields"));
    assert!(authjs::Body::form_from_json(&serde_json::json!({"a": [1]})).is_err());
    assert!(authjs::Body::form_from_json(&serde_json::json!([])).is_err());
}
