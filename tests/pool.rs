//! Many users on one connection pool (issue 17): `Client::user` handles and the
//! backend lookup `Client::lookup`, against the real servers.
//!
//! Run with `bash tests/servers/with-servers.sh cargo test --test pool`.

mod support;

use authjs::{Client, CookieInfo, SignOutOptions};
use std::time::{SystemTime, UNIX_EPOCH};
use support::{Server, creds, v4, v5, v5_next, v5_next_tls, v5_tls};

/// One server per library generation and transport: next-auth 4, @auth/core over http
/// and https, next-auth 5 in Next.js over http and https.
fn pool_servers() -> Vec<Server> {
    vec![v4(), v5(), v5_tls(), v5_next(), v5_next_tls()]
}

fn sign_in(c: &Client, user: &str) {
    let r = c
        .sign_in(
            Some("credentials"),
            creds(user, &format!("{user}-password")),
        )
        .expect("sign in");
    assert!(r.ok, "{user} could not sign in: {r:?}");
}

fn name_of(c: &Client) -> Option<String> {
    c.get_session().expect("session").and_then(|s| s.user.name)
}

fn session_cookie(cookies: &[CookieInfo]) -> &CookieInfo {
    cookies
        .iter()
        .find(|c| authjs::is_session_cookie_name(&c.name))
        .expect("a session cookie")
}

/// The TLS counters (`authjs::tls_stats`) are per process: the tests of this binary
/// run one at a time so that each sees only its own handshakes and builds.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|p| p.into_inner())
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// alice and bob on one pool, signing in and reading their sessions at the same
/// time: each sees only their own session, and the base client stays signed out.
#[test]
fn users_on_one_pool_are_isolated() {
    let _serial = serial();
    for s in pool_servers() {
        let base = s.client();
        let users: Vec<(Client, &str, &str)> = [("alice", "Alice Liddell"), ("bob", "Bob")]
            .into_iter()
            .map(|(u, n)| (base.user(), u, n))
            .collect();
        std::thread::scope(|scope| {
            for (c, user, name) in &users {
                scope.spawn(move || {
                    sign_in(c, user);
                    for _ in 0..5 {
                        assert_eq!(name_of(c).as_deref(), Some(*name), "{}", s.name);
                    }
                });
            }
        });
        let (alice, bob) = (&users[0].0, &users[1].0);
        assert_ne!(alice.cookie_header(), bob.cookie_header(), "{}", s.name);
        assert!(
            base.cookies().is_empty(),
            "{}: a user's cookie reached the base client",
            s.name
        );
        assert_eq!(name_of(&base), None, "{}", s.name);
        // A sign-out of one user leaves the other signed in.
        alice.sign_out(SignOutOptions::default()).unwrap();
        assert_eq!(name_of(alice), None, "{}", s.name);
        assert_eq!(name_of(bob).as_deref(), Some("Bob"), "{}", s.name);
    }
}

/// A user handle has the base client's endpoint and options (its user agent here) but
/// not its cookies; `user_with_cookies` starts from a browser's header.
#[test]
fn user_handles_share_options_not_cookies() {
    let _serial = serial();
    for s in pool_servers() {
        let (base, ua) = s.counted_client();
        sign_in(&base, "carol");
        let header = base.cookie_header();
        let user = base.user();
        assert_eq!(user.endpoint(), base.endpoint());
        assert!(user.cookies().is_empty(), "{}", s.name);
        assert_eq!(name_of(&user), None, "{}", s.name);
        let seeded = base.user_with_cookies(&header).unwrap();
        assert_eq!(name_of(&seeded).as_deref(), Some("Carol"), "{}", s.name);
        // Every request went out with the base client's user agent.
        let by_route = s.requests(&ua)["byRoute"].clone();
        assert!(
            by_route["GET session"].as_u64().unwrap() == 2,
            "{}: {by_route}",
            s.name
        );
        // Bad input is a typed error that names no cookie value.
        let e = base
            .user_with_cookies(&format!("{}.session-token=a b", s.cookie_prefix()))
            .unwrap_err();
        assert_eq!(e.kind(), authjs::ErrorKind::InvalidArgument);
    }
}

/// The lookup forwards the server's `Set-Cookie` exactly: the re-issued session cookie
/// has the attributes the server gives a plain client reading the same session, and a
/// browser holding it stays signed in (sliding expiry).
#[test]
fn lookup_returns_the_servers_set_cookie() {
    let _serial = serial();
    for s in pool_servers() {
        let browser = s.client();
        sign_in(&browser, "alice");
        let header = browser.cookie_header();
        let backend = s.client();

        let found = backend.lookup(&header).unwrap();
        let session = found.session.as_ref().expect("alice's session");
        assert_eq!(
            session.user.name.as_deref(),
            Some("Alice Liddell"),
            "{}",
            s.name
        );
        assert!(
            !found.set_cookies.is_empty(),
            "{}: no re-issued cookie",
            s.name
        );

        // What the server sends a plain client for the same read.
        let plain = s.builder().cookie_header(header.clone()).build().unwrap();
        assert!(plain.get_session().unwrap().is_some());
        let plain_cookies = plain.cookies();
        let expected = session_cookie(&plain_cookies);

        let reissued: Vec<cookie::Cookie<'_>> = found
            .set_cookies
            .iter()
            .map(|h| cookie::Cookie::parse(h.as_str()).expect("a Set-Cookie header"))
            .filter(|c| authjs::is_session_cookie_name(c.name()))
            .collect();
        let got = reissued
            .iter()
            .find(|c| c.name() == expected.name)
            .unwrap_or_else(|| panic!("{}: {} not re-issued", s.name, expected.name));
        assert_eq!(got.path(), Some(expected.path.as_str()), "{}", s.name);
        assert_eq!(got.http_only(), Some(expected.http_only), "{}", s.name);
        assert_eq!(got.secure().unwrap_or(false), expected.secure, "{}", s.name);
        assert_eq!(
            got.same_site().map(|v| v.to_string()),
            expected.same_site.map(|v| v.as_str().to_string()),
            "{}",
            s.name
        );
        let exp = got
            .expires_datetime()
            .expect("an Expires attribute")
            .unix_timestamp();
        let plain_exp = expected.expires_unix.expect("a persistent cookie");
        assert!(
            (exp - plain_exp).abs() <= 5,
            "{}: {exp} vs {plain_exp}",
            s.name
        );
        assert!(exp > now() + 3600, "{}: not a fresh expiry", s.name);
        // The header text itself is the server's: attribute names as it spells them.
        assert!(
            found.set_cookies.iter().any(|h| h.contains("; Path=/")),
            "{}",
            s.name
        );

        // The browser that stores the re-issued cookie is still alice.
        let pairs: Vec<String> = reissued
            .iter()
            .map(|c| format!("{}={}", c.name(), c.value()))
            .collect();
        let again = backend.lookup(&pairs.join("; ")).unwrap();
        assert_eq!(
            again.session.and_then(|s| s.user.name).as_deref(),
            Some("Alice Liddell"),
            "{}",
            s.name
        );
    }
}

/// A chunked session cookie (carol's, three chunks) is looked up whole, whatever order
/// the browser sends the chunks in.
#[test]
fn lookup_reads_chunked_sessions() {
    let _serial = serial();
    for s in pool_servers() {
        let browser = s.client();
        sign_in(&browser, "carol");
        let header = browser.cookie_header();
        let mut parts: Vec<&str> = header.split("; ").collect();
        parts.reverse();
        let found = s.client().lookup(&parts.join("; ")).unwrap();
        assert_eq!(
            found.session.and_then(|s| s.user.name).as_deref(),
            Some("Carol"),
            "{}",
            s.name
        );
    }
}

/// No session cookie in the header: no request at all. A session cookie: exactly one
/// `GET session`, carrying only the session cookie.
#[test]
fn lookup_without_a_session_cookie_makes_no_request() {
    let _serial = serial();
    for s in pool_servers() {
        let signed_out = s.client();
        signed_out.get_csrf_token().unwrap();
        let csrf_only = signed_out.cookie_header();
        assert!(csrf_only.contains("csrf-token"), "{}: {csrf_only}", s.name);

        let (backend, ua) = s.counted_client();
        for h in ["", "theme=dark; flag; prefs=a,b", csrf_only.as_str()] {
            let found = backend.lookup(h).unwrap();
            assert!(found.session.is_none() && found.set_cookies.is_empty());
        }
        assert_eq!(s.total_requests(&ua), 0, "{}", s.name);

        let browser = s.client();
        sign_in(&browser, "bob");
        let header = format!("theme=dark; {}", browser.cookie_header());
        assert!(backend.lookup(&header).unwrap().session.is_some());
        let counted = s.requests(&ua);
        assert_eq!(counted["total"], 1, "{}: {counted}", s.name);
        assert_eq!(
            counted["byRoute"]["GET session"], 1,
            "{}: {counted}",
            s.name
        );
    }
}

/// A session cookie the server does not accept is no session (not an error).
#[test]
fn lookup_of_a_garbage_cookie_is_no_session() {
    let _serial = serial();
    for s in pool_servers() {
        let browser = s.client();
        sign_in(&browser, "alice");
        let name = session_cookie(&browser.cookies()).name.clone();
        let found = s
            .client()
            .lookup(&format!("{name}=not-a-session-token"))
            .unwrap();
        assert!(found.session.is_none(), "{}", s.name);
        // Malformed cookies are refused before anything is sent.
        let (backend, ua) = s.counted_client();
        let e = backend.lookup(&format!("{name}=bad value")).unwrap_err();
        assert_eq!(e.kind(), authjs::ErrorKind::InvalidArgument);
        assert!(!e.to_string().contains("bad value"), "{e}");
        assert_eq!(s.total_requests(&ua), 0, "{}", s.name);
    }
}

/// A lookup neither reads nor changes the client's own jar: a backend client signed in
/// as carol looks alice up and stays carol, and its own cookies are never sent.
#[test]
fn lookup_never_touches_the_clients_jar() {
    let _serial = serial();
    for s in pool_servers() {
        let backend = s.client();
        sign_in(&backend, "carol");
        let before = backend.cookie_header();
        let browser = s.client();
        sign_in(&browser, "alice");

        let found = backend.lookup(&browser.cookie_header()).unwrap();
        assert_eq!(
            found.session.and_then(|s| s.user.name).as_deref(),
            Some("Alice Liddell"),
            "{}",
            s.name
        );
        assert_eq!(backend.cookie_header(), before, "{}", s.name);
        assert!(backend.lookup("").unwrap().session.is_none(), "{}", s.name);
        assert_eq!(name_of(&backend).as_deref(), Some("Carol"), "{}", s.name);
    }
}

/// Lookups from many threads through one client, for two users at once: each answer
/// is its own user's.
#[test]
fn concurrent_lookups_are_not_mixed_up() {
    let _serial = serial();
    for s in pool_servers() {
        let headers: Vec<(String, &str)> = [("alice", "Alice Liddell"), ("bob", "Bob")]
            .into_iter()
            .map(|(u, n)| {
                let c = s.client();
                sign_in(&c, u);
                (c.cookie_header(), n)
            })
            .collect();
        let backend = s.client();
        std::thread::scope(|scope| {
            for t in 0..4 {
                let (header, name) = &headers[t % 2];
                let backend = &backend;
                scope.spawn(move || {
                    for _ in 0..10 {
                        let found = backend.lookup(header).unwrap();
                        assert_eq!(
                            found.session.and_then(|s| s.user.name).as_deref(),
                            Some(*name)
                        );
                    }
                });
            }
        });
    }
}

/// `authjs lookup`: the Cookie header on stdin (a copied `Cookie:` line too), the
/// lookup as JSON on stdout; `--require` exits 3 without a session; the jar file is
/// neither read for the lookup nor written.
#[test]
fn cli_lookup() {
    let _serial = serial();
    use std::io::Write;
    use std::process::{Command, Stdio};
    for s in [v4(), v5_tls()] {
        let browser = s.client();
        sign_in(&browser, "alice");
        let header = browser.cookie_header();
        let dir = tempfile::tempdir().unwrap();
        let jar = dir.path().join("jar.json");
        let run = |input: &str, extra: &[&str]| {
            let mut cmd = Command::new(env!("CARGO_BIN_EXE_authjs"));
            cmd.arg("--url").arg(&s.url).arg("--jar").arg(&jar);
            if s.tls {
                cmd.arg("--ca-cert").arg(support::ca_file());
            }
            let mut child = cmd
                .arg("lookup")
                .args(extra)
                .env_remove("AUTH_URL")
                .env_remove("NEXTAUTH_URL")
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn authjs");
            child
                .stdin
                .take()
                .unwrap()
                .write_all(input.as_bytes())
                .unwrap();
            let out = child.wait_with_output().unwrap();
            (
                out.status.code().unwrap_or(-1),
                String::from_utf8_lossy(&out.stdout).into_owned(),
                String::from_utf8_lossy(&out.stderr).into_owned(),
            )
        };
        let (code, stdout, stderr) = run(&format!("Cookie: {header}\n"), &[]);
        assert_eq!(code, 0, "{}: {stderr}", s.name);
        let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(v["session"]["user"]["name"], "Alice Liddell", "{}", s.name);
        let cookies = v["setCookies"].as_array().unwrap();
        assert!(
            cookies
                .iter()
                .any(|c| c.as_str().unwrap().contains("session-token")),
            "{}: {stdout}",
            s.name
        );
        assert!(!jar.exists(), "{}: the lookup wrote the jar", s.name);

        let (code, stdout, _) = run("theme=dark\n", &["--require"]);
        assert_eq!(code, 3, "{}", s.name);
        let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(v, serde_json::json!({"session": null, "setCookies": []}));

        let (code, stdout, stderr) = run("authjs.session-token=bad value", &[]);
        assert_eq!(code, 11, "{}: {stderr}", s.name);
        assert!(
            stdout.is_empty() && !stderr.contains("bad value"),
            "{stderr}"
        );
        let (code, _, _) = run("a=1\nb=2\n", &[]);
        assert_eq!(code, 2, "{}", s.name);
        // Text shorter than "Cookie:" in bytes but not in characters: no panic.
        let (code, stdout, _) = run("éééé=1", &[]);
        assert_eq!(code, 0, "{}", s.name);
        assert!(stdout.contains("\"session\": null"), "{stdout}");
    }
}

/// The TLS configuration (rustls `ClientConfig` and root store) is built once for many
/// clients and users with the same trust, not once per client; a warm pool makes no
/// new handshake for lookups or for its users' requests.
#[test]
fn tls_is_configured_once_and_warm_pools_do_not_handshake() {
    let _serial = serial();
    // The process-wide default configuration, built at most once, out of the count.
    drop(v4().client());
    for s in [v5_tls(), v5_next_tls()] {
        let base = s.client();
        let before = authjs::tls_stats();
        let clients: Vec<Client> = (0..50).map(|_| s.client()).collect();
        let users: Vec<Client> = (0..500).map(|_| base.user()).collect();
        assert_eq!(
            authjs::tls_stats().configs_built,
            before.configs_built,
            "{}: 50 clients and 500 users with the same CA built a TLS configuration",
            s.name
        );
        // Another CA set is another configuration, built once for all its clients.
        let pem = std::fs::read(support::ca_file()).unwrap();
        let other: Vec<Client> = (0..5)
            .map(|_| {
                s.builder()
                    .add_root_certificate_pem(pem.clone())
                    .build()
                    .unwrap()
            })
            .collect();
        assert_eq!(
            authjs::tls_stats().configs_built,
            before.configs_built + 1,
            "{}",
            s.name
        );

        let browser = &users[0];
        sign_in(browser, "alice");
        let header = browser.cookie_header();
        // Warm: the first lookup may open a connection; the next ones reuse it.
        assert!(base.lookup(&header).unwrap().session.is_some());
        let warm = authjs::tls_stats().handshakes;
        for _ in 0..20 {
            assert!(base.lookup(&header).unwrap().session.is_some());
        }
        for u in &users[1..20] {
            assert_eq!(name_of(u), None);
        }
        assert_eq!(
            authjs::tls_stats().handshakes,
            warm,
            "{}: lookups and users on a warm pool made new TLS handshakes",
            s.name
        );
        // Standalone clients each have a pool of their own: one handshake each.
        for c in &clients[..3] {
            assert_eq!(name_of(c), None);
        }
        assert_eq!(authjs::tls_stats().handshakes, warm + 3, "{}", s.name);
        drop((clients, users, other));
    }
}
