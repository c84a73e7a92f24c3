//! Fault injection: what a real Auth.js server will not do, staged by the one fault
//! server of the test suites (`tests/fault-server`, whose scenarios the C, C++ and
//! Python suites reach over HTTP). Each test starts its own in-process instance of it,
//! so request counts never mix; `contract_scenarios_over_http` checks the binary the
//! launcher started. For each fault the client must return the right typed error (or
//! the right result), never panic, never hang past its timeout, and leave the cookie
//! jar as it was.

mod support;

use authjs::{Client, ErrorKind, SignInOptions, SignOutOptions};
use authjs_fault_server::{FaultServer, scenarios};
use std::io::Read;
use std::net::TcpListener;
use std::time::{Duration, Instant};

/// A client of `scenario` with a short timeout (the hang and stall faults).
fn client(server: &FaultServer, scenario: &str) -> Client {
    Client::builder(server.url(scenario))
        .timeout(Duration::from_millis(800))
        .build()
        .unwrap()
}

/// A client of `scenario` that is signed in through its Auth.js-like happy path.
fn signed_in(server: &FaultServer, scenario: &str) -> Client {
    let c = client(server, scenario);
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

/// Signs in against `scenario` (whose fault is on GET session only), reads the
/// session, and checks the error kind, the time taken and that the jar did not change.
fn check_session_fault(scenario: &str, expect: Result<bool, ErrorKind>) {
    let server = FaultServer::start();
    let c = signed_in(&server, scenario);
    let before = c.export_cookies().unwrap();
    let t0 = Instant::now();
    let result = c.get_session();
    let took = t0.elapsed();
    assert!(
        took < Duration::from_secs(3),
        "{scenario}: took {took:?}: must not hang past the 800 ms timeout"
    );
    match (result, expect) {
        (Ok(s), Ok(has)) => assert_eq!(s.is_some(), has, "{scenario}"),
        (Err(e), Err(kind)) => {
            assert_eq!(e.kind(), kind, "{scenario}: {e:?}");
            assert!(!e.message().contains("tok"), "no cookie value in {e}");
        }
        (r, e) => panic!("{scenario}: expected {e:?}, got {r:?}"),
    }
    assert_eq!(
        c.export_cookies().unwrap(),
        before,
        "{scenario}: the jar is unchanged"
    );
}

#[test]
fn connection_refused() {
    let c = Client::builder(format!("http://127.0.0.1:{}", support::closed_port()))
        .build()
        .unwrap();
    assert_eq!(c.get_session().unwrap_err().kind(), ErrorKind::Network);
    assert_eq!(c.get_csrf_token().unwrap_err().kind(), ErrorKind::Network);
}

#[test]
fn accept_then_never_answer_is_a_timeout() {
    check_session_fault("session-hang", Err(ErrorKind::Timeout));
}

#[test]
fn headers_then_stalled_body_is_a_timeout() {
    check_session_fault("session-stall", Err(ErrorKind::Timeout));
}

#[test]
fn reset_mid_body_is_a_network_error() {
    check_session_fault("session-reset", Err(ErrorKind::Network));
}

#[test]
fn server_errors_with_html_are_http_errors_with_status() {
    let server = FaultServer::start();
    for &status in scenarios::ERROR_STATUSES {
        let e = client(&server, &format!("status-{status}"))
            .get_session()
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Http);
        assert_eq!(e.status(), Some(status));
        assert!(e.body_excerpt().unwrap().contains("Bad Gateway"));
    }
}

#[test]
fn html_with_200_is_a_protocol_error_that_names_the_base_path() {
    check_session_fault("session-html-200", Err(ErrorKind::Protocol));
    let server = FaultServer::start();
    let c = client(&server, "html-200");
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
    check_session_fault("session-truncated", Err(ErrorKind::Protocol));
}

#[test]
fn wrong_shapes_mean_no_session() {
    for (scenario, _) in scenarios::SESSION_SHAPES {
        if *scenario != "session-error-object" {
            check_session_fault(scenario, Ok(false));
        }
    }
}

#[test]
fn error_shaped_session_body_means_no_session() {
    check_session_fault("session-error-object", Ok(false));
}

#[test]
fn wrong_shaped_providers_are_a_protocol_error() {
    let server = FaultServer::start();
    for (scenario, body) in scenarios::PROVIDER_SHAPES {
        let e = client(&server, scenario).get_providers().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Protocol, "{body}");
    }
}

#[test]
fn oversized_body_is_refused_with_a_bounded_read() {
    let server = FaultServer::start();
    let c = Client::builder(server.url("oversized-body"))
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
    let server = FaultServer::start();
    let c = client(&server, "session-redirect-loop");
    let e = c.get_session().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Http);
    assert_eq!(e.status(), Some(302));
    assert_eq!(
        server.count(),
        1,
        "exactly one request: redirects are never followed"
    );
    let session = "/session-redirect-loop/session";
    let r = c.request("GET", session, None, &[]).unwrap();
    assert_eq!(r.status, 302);
    assert_eq!(r.header("location"), Some(session));
}

#[test]
fn redirect_to_another_origin_is_returned_never_followed() {
    let elsewhere = FaultServer::start();
    let target = format!("{}/steal", elsewhere.origin());
    let server = FaultServer::start_redirecting_to(&elsewhere.origin());
    let c = client(&server, "redirect-elsewhere");
    let r = c
        .sign_in(
            Some("credentials"),
            SignInOptions::new().field("username", "a"),
        )
        .unwrap();
    assert_eq!(r.url.as_deref(), Some(target.as_str()), "the URL is data");
    assert!(!r.ok, "a 302 is not a JSON success");
    let resp = c
        .request("GET", "/redirect-elsewhere/app", None, &[])
        .unwrap();
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
    let server = FaultServer::start();
    let c = client(&server, "session-foreign-cookies");
    assert!(c.get_session().unwrap().is_none());
    assert!(c.cookies().is_empty(), "{:?}", c.cookies());
}

#[test]
fn thousands_of_cookies_are_refused_or_capped() {
    let server = FaultServer::start();
    // In one reply: more headers than the HTTP parser accepts, a clear error.
    let c = Client::builder(server.url("cookies-5000"))
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let e = c.get_session().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Protocol, "{e:?}");
    assert!(c.cookies().is_empty());

    // Spread over many replies: the jar keeps at most 256 cookies.
    let c = client(&server, "cookies-60-per-reply");
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
    let server = FaultServer::start();
    let c = client(&server, "session-invalid-utf8");
    let e = c.get_session().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Protocol, "{e:?}");
    assert!(c.cookies().is_empty(), "the non-UTF-8 cookie was dropped");
}

/// Both generations' refusals of a CSRF token (v4's `?csrf=true` and 400 for the
/// session; @auth/core's `?error=MissingCSRF` and 400 for the session): each is
/// retried exactly once with a fresh token, then a CSRF error without the password.
#[test]
fn csrf_rejected_twice_is_a_csrf_error_after_exactly_one_retry() {
    for scenario in ["csrf-rejected-v4", "csrf-rejected-v5"] {
        let server = FaultServer::start();
        let c = client(&server, scenario);
        c.get_providers().unwrap();
        let before = server.count();
        let e = c
            .sign_in(
                Some("credentials"),
                SignInOptions::new().field("password", "pw-secret"),
            )
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Csrf, "{scenario}");
        assert!(!e.message().contains("pw-secret"));
        assert_eq!(
            server.count() - before,
            4,
            "{scenario}: csrf, POST, csrf, POST: {:?}",
            server.routes()
        );
        assert_eq!(
            c.update_session(serde_json::json!({"a": 1}))
                .unwrap_err()
                .kind(),
            ErrorKind::Csrf,
            "{scenario}"
        );
        assert_eq!(
            c.sign_out(SignOutOptions::default()).unwrap_err().kind(),
            ErrorKind::Csrf,
            "{scenario}"
        );
    }
}

#[test]
fn v4_csrf_flag_in_a_sign_in_reply_is_never_success() {
    // The JS client would answer ok: true here.
    let server = FaultServer::start();
    let e = client(&server, "csrf-rejected-v4")
        .sign_in(Some("credentials"), SignInOptions::new())
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Csrf);
}

#[test]
fn webauthn_is_refused_as_unsupported() {
    let server = FaultServer::start();
    let c = client(&server, "webauthn");
    let e = c
        .sign_in(Some("passkey"), SignInOptions::new())
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::UnsupportedProvider);
    assert_eq!(
        server
            .routes()
            .iter()
            .filter(|s| s.starts_with("POST"))
            .count(),
        0
    );
}

#[test]
fn sign_in_reply_without_url_is_a_protocol_error() {
    let server = FaultServer::start();
    let e = client(&server, "signin-html-reply")
        .sign_in(Some("credentials"), SignInOptions::new())
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Protocol);
}

#[test]
fn server_restarted_between_calls_reconnects() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let first = FaultServer::start_on(listener);
    let c = signed_in(&first, "webauthn");
    assert!(
        c.get_session().unwrap().is_some(),
        "a kept-alive connection is now pooled"
    );
    // Like a process exit; when drop returns the listener is closed.
    drop(first);
    let second = FaultServer::start_on(TcpListener::bind(addr).expect("the same port again"));
    let s = c.get_session().unwrap();
    assert!(s.is_some(), "the session still works after the restart");
    assert!(second.count() >= 1);
}

#[test]
fn request_header_injection_is_refused() {
    let server = FaultServer::start();
    let c = client(&server, "webauthn");
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
    let server = FaultServer::start();
    let c = client(&server, "webauthn");
    c.sign_in(
        Some("credentials"),
        SignInOptions::new()
            .field("username", "a b&c")
            .callback_url("/next"),
    )
    .unwrap();
    let requests = server.requests();
    let req = requests
        .iter()
        .find(|r| r.path() == "/webauthn/callback/credentials")
        .expect("the sign-in POST");
    assert_eq!(req.header("x-auth-return-redirect"), Some("1"), "v5 flag");
    assert_eq!(
        req.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(&req.body)
        .into_owned()
        .collect();
    assert!(
        pairs.contains(&("json".into(), "true".into())),
        "v4 flag: {pairs:?}"
    );
    assert!(pairs.contains(&("csrfToken".into(), scenarios::CSRF_TOKEN.into())));
    assert!(pairs.contains(&("callbackUrl".into(), "/next".into())));
    assert!(pairs.contains(&("username".into(), "a b&c".into())));
}

/// The contract the C, C++ and Python suites code against, checked on the binary the
/// launcher started (`AUTHJS_TEST_FAULT_URL`): the named scenarios and the request
/// log per user agent.
#[test]
fn contract_scenarios_over_http() {
    let fault = |scenario: &str| {
        let ua = support::unique_ua();
        let c = Client::builder(support::fault_url(scenario))
            .user_agent(ua.clone())
            .timeout(Duration::from_secs(5))
            .build()
            .unwrap();
        (c, ua)
    };

    let (c, _) = fault("html-200");
    let e = c.get_session().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Protocol);
    assert!(e.message().contains("base path"), "{e}");

    let (c, _) = fault("server-error");
    let e = c.get_session().unwrap_err();
    assert_eq!((e.kind(), e.status()), (ErrorKind::Http, Some(500)));
    assert_eq!(e.body_excerpt(), Some("boom"));

    let (c, ua) = fault("webauthn");
    assert!(c.get_session().unwrap().is_none());
    let e = c
        .sign_in(Some("passkey"), SignInOptions::new())
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::UnsupportedProvider);
    let log = support::fault_requests(&ua);
    assert_eq!(log["total"], 2, "{log}");
    assert_eq!(log["byRoute"]["GET /webauthn/providers"], 1, "{log}");

    for scenario in ["csrf-rejected-v4", "csrf-rejected-v5"] {
        let (c, ua) = fault(scenario);
        let e = c
            .sign_in(Some("credentials"), support::creds("a", "pw"))
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Csrf, "{scenario}");
        let log = support::fault_requests(&ua);
        let by = &log["byRoute"];
        assert_eq!(by[format!("GET /{scenario}/csrf")], 2, "{log}");
        assert_eq!(
            by[format!("POST /{scenario}/callback/credentials")],
            2,
            "exactly one retry: {log}"
        );
        assert_eq!(
            c.update_session(serde_json::Value::Null)
                .unwrap_err()
                .kind(),
            ErrorKind::Csrf
        );
    }

    let (c, ua) = fault("no-session");
    assert!(c.get_session().unwrap().is_none());
    let ids: Vec<String> = c.get_providers().unwrap().keys().cloned().collect();
    assert_eq!(ids, ["credentials"]);
    let r = c
        .sign_in(Some("credentials"), support::creds("a", "pw"))
        .unwrap();
    assert!(!r.ok);
    assert_eq!(r.error.as_deref(), Some("CredentialsSignin"));
    assert_eq!(support::fault_requests(&ua)["total"], 4);
    assert_eq!(support::fault_requests("nobody sent this")["total"], 0);
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
    let server = FaultServer::start();
    let c = client(&server, "cookies-40-large");
    c.get_session().unwrap();
    let other = Client::new(&server.url("cookies-40-large")).unwrap();
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
