//! The trust issue's cookie and input cases against the real servers: a full jar,
//! forwarded browser `Cookie` headers, exports read by curl and wget, options that
//! used to panic inside ureq, special files. (Chunk order on next-auth 4.22:
//! `tests/servers.rs`.)
//!
//! Run with `bash tests/servers/with-servers.sh cargo test --test trust`.

mod support;

use authjs::{Client, ErrorKind};
use std::process::{Command, Stdio};
use std::time::Duration;
use support::{Server, creds, servers, sign_in_alice};

const BIN: &str = env!("CARGO_BIN_EXE_authjs");

/// A jar holding about 250 cookies (an app with many of its own) still replaces the
/// session cookie: signing in as bob after alice reports bob. Before the fix the
/// replacement was refused because the jar was "full", and the session said alice.
#[test]
fn full_jar_still_replaces_the_session() {
    for s in servers() {
        // Exactly full once alice is signed in (the server's own cookies included).
        let probe = s.client();
        sign_in_alice(&probe);
        let own = probe.cookies().len();
        let many: Vec<String> = (0..256 - own).map(|i| format!("app{i}=v{i}")).collect();
        let c = s.builder().cookie_header(many.join("; ")).build().unwrap();
        sign_in_alice(&c);
        assert_eq!(c.cookies().len(), 256, "{}", s.name);
        let r = c
            .sign_in(Some("credentials"), creds("bob", "bob-password"))
            .unwrap();
        assert!(r.ok, "{}: {r:?}", s.name);
        let session = c.get_session().unwrap().expect("signed in");
        assert_eq!(session.user.name.as_deref(), Some("Bob"), "{}", s.name);
        // A jar that is really full refuses new cookies, and says so.
        let full: Vec<String> = (0..256).map(|i| format!("app{i}=v{i}")).collect();
        let c = s.builder().cookie_header(full.join("; ")).build().unwrap();
        let e = c
            .sign_in(Some("credentials"), creds("alice", "alice-password"))
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Protocol, "{}: {e}", s.name);
        assert!(e.to_string().contains("jar is full"), "{e}");
        assert!(!e.to_string().contains("alice-password"));
    }
}

/// A real browser's `Cookie` header, junk included, forwarded to the client
/// (`getCsrfToken({ req })`): the session and CSRF cookies are used, the rest
/// skipped. Before the fix any one malformed cookie made the header an error.
#[test]
fn forwarded_browser_cookie_header_with_junk() {
    for s in servers() {
        let browser = s.client();
        sign_in_alice(&browser);
        let real = browser.cookie_header();
        let header = format!(
            "prefs=a,b; city=Zürich; ab test=1; x=\"quoted val\"; flag; {real}; _ga=GA1.1.2"
        );
        let backend = s.builder().cookie_header(header).build().unwrap();
        let session = backend
            .get_session()
            .unwrap()
            .expect("the forwarded session");
        assert_eq!(session.user.name.as_deref(), Some("Alice Liddell"));
        assert_eq!(
            backend.get_csrf_token().unwrap(),
            browser.get_csrf_token().unwrap(),
            "{}: the CSRF token comes from the forwarded cookie",
            s.name
        );
        // Nothing usable: a typed error naming no value.
        let e = s
            .builder()
            .cookie_header("city=Zürich; flag")
            .build()
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument);
        assert!(!e.to_string().contains("Zürich"), "{e}");
    }
}

fn cli(s: &Server, jar: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .args(["--url", &s.url, "--jar"])
        .arg(jar)
        .args(args)
        .env_remove("AUTH_URL")
        .env_remove("NEXTAUTH_URL")
        .stdin(Stdio::null())
        .output()
        .expect("authjs")
}

/// The Netscape export works with wget (which reads `#HttpOnly_` lines as comments:
/// before the fix it sent no cookie and got 401) and with curl; for a session past
/// curl's 8 KiB Cookie-header cap the CLI says to use `-H "Cookie: …"`, which works.
#[test]
fn netscape_export_works_with_wget_and_curl() {
    let s = &servers()[0];
    let dir = tempfile::tempdir().unwrap();
    let jar = dir.path().join("jar.json");
    let file = dir.path().join("cookies.txt");
    let me = format!("{}/api/me", s.url);
    for (user, chunked) in [("alice", false), ("carol", true)] {
        let c = s.builder().cookie_file(&jar).build().unwrap();
        let r = c
            .sign_in(
                Some("credentials"),
                creds(user, &format!("{user}-password")),
            )
            .unwrap();
        assert!(r.ok);
        let out = cli(s, &jar, &["cookies", "--format", "netscape"]);
        assert!(out.status.success());
        std::fs::write(&file, &out.stdout).unwrap();
        let warned = String::from_utf8_lossy(&out.stderr).contains("curl -H");
        assert_eq!(
            warned,
            chunked,
            "{user}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let wget = Command::new("wget")
            .args(["-q", "-O", "-", "--load-cookies"])
            .arg(&file)
            .arg(&me)
            .output()
            .expect("wget");
        assert!(wget.status.success(), "wget as {user}: {wget:?}");
        assert!(String::from_utf8_lossy(&wget.stdout).contains(&format!("{user}@example.com")));
        if !chunked {
            let curl = Command::new("curl")
                .args(["-sf", "-b"])
                .arg(&file)
                .arg(&me)
                .output()
                .expect("curl");
            assert!(curl.status.success(), "curl -b as {user}: {curl:?}");
        }
        let header = cli(s, &jar, &["cookies"]);
        let header = String::from_utf8(header.stdout).unwrap();
        let curl = Command::new("curl")
            .args(["-sf", "-H"])
            .arg(format!("Cookie: {}", header.trim()))
            .arg(&me)
            .output()
            .expect("curl");
        assert!(curl.status.success(), "curl -H as {user}: {curl:?}");
        assert!(String::from_utf8_lossy(&curl.stdout).contains(&format!("{user}@example.com")));
    }
}

/// Options that reached ureq unchecked and panicked there are refused at build time.
#[test]
fn options_that_panicked_in_ureq_are_refused() {
    let url = &servers()[1].url;
    for t in [Duration::from_secs_f64(1.8e19), Duration::MAX] {
        for b in [
            Client::builder(url).timeout(t),
            Client::builder(url).connect_timeout(t),
        ] {
            let e = b.build().unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{e}");
        }
    }
    for ua in ["a\r\nX-Injected: 1", "a\nb", "nul\0", "bell\u{7}"] {
        let e = Client::builder(url).user_agent(ua).build().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{ua:?}: {e}");
    }
    // The longest accepted timeout works.
    let c = Client::builder(url)
        .timeout(authjs::MAX_TIMEOUT)
        .connect_timeout(authjs::MAX_TIMEOUT)
        .build()
        .unwrap();
    assert!(c.get_session().unwrap().is_none());
    // The CLI: exit 11 (invalid argument), not a panic.
    let out = Command::new(BIN)
        .args(["--url", url, "--timeout", "1.8e19", "session"])
        .env("XDG_STATE_HOME", tempfile::tempdir().unwrap().path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(11), "{out:?}");
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
}

/// A FIFO at the cookie-file or CA path fails at once. Before the fix the client
/// blocked forever in `open`, waiting for a writer.
#[test]
fn fifo_paths_fail_at_once() {
    let s = &servers()[1];
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let attempts: Vec<Box<dyn FnOnce() -> Result<Client, authjs::Error> + Send>> = vec![
        Box::new({
            let (u, f) = (s.url.clone(), fifo.clone());
            move || Client::builder(u).cookie_file(f).build()
        }),
        Box::new({
            let (u, f) = (s.url.clone(), fifo.clone());
            move || Client::builder(u).add_root_certificate_file(f).build()
        }),
        Box::new({
            let (u, f) = (s.url.clone(), fifo.clone());
            move || {
                let c = Client::new(&u)?;
                c.load_cookies(&f)?;
                Ok(c)
            }
        }),
    ];
    for (i, attempt) in attempts.into_iter().enumerate() {
        let (tx, rx) = std::sync::mpsc::channel();
        let t = std::thread::spawn(move || {
            let _ = tx.send(attempt().map(|_| ()).map_err(|e| e.kind()));
        });
        let got = rx.recv_timeout(Duration::from_secs(5));
        if got.is_err() {
            // Stuck in open(): let it go so the test can report.
            let _ = std::fs::OpenOptions::new().write(true).open(&fifo);
        }
        t.join().unwrap();
        let kind = got
            .unwrap_or_else(|_| panic!("attempt {i} blocked on the FIFO"))
            .unwrap_err();
        assert!(
            matches!(kind, ErrorKind::InvalidArgument | ErrorKind::Tls),
            "attempt {i}: {kind:?}"
        );
    }
}
