//! One cookie file shared by several processes and clients: the CLI run in parallel, a
//! long-lived client next to CLI commands, several clients in one process. The file is
//! a shared store: writers merge under a lock, a sign-out wins, and a long-lived
//! client sees what is on disk at its next call.
//!
//! Run with `bash tests/servers/with-servers.sh cargo test --test shared_jar`.

mod support;

use authjs::{Client, SignOutOptions};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use support::{Server, creds, servers, sign_in_alice};

const BIN: &str = env!("CARGO_BIN_EXE_authjs");

/// `authjs --jar JAR ARGS…` against `s`, started (not waited for).
fn cli(s: &Server, jar: &Path, args: &[&str]) -> Child {
    let mut cmd = Command::new(BIN);
    cmd.arg("--url")
        .arg(&s.url)
        .arg("--jar")
        .arg(jar)
        .args(args)
        .env_remove("AUTH_URL")
        .env_remove("NEXTAUTH_URL")
        .env_remove("AUTHJS_JAR")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd.spawn().expect("spawn authjs")
}

/// Waits for `child`, returning its exit code and output.
fn finish(child: Child) -> (i32, String) {
    let out = child.wait_with_output().expect("wait authjs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

fn file_client(s: &Server, jar: &Path) -> Client {
    s.builder().cookie_file(jar).build().expect("client")
}

/// An update run in parallel with four session reads on the same jar is never lost.
/// Before the fix the last writer won and the reads (which re-issue the old session
/// cookie) overwrote the update in most rounds.
#[test]
fn parallel_cli_update_is_not_lost() {
    for s in servers() {
        let dir = tempfile::tempdir().unwrap();
        let jar = dir.path().join("jar.json");
        sign_in_alice(&file_client(&s, &jar));
        for round in 0..8 {
            let name = format!("UpdN-{round}");
            let data = format!("{{\"name\":\"{name}\"}}");
            let mut children: Vec<Child> = (0..4).map(|_| cli(&s, &jar, &["session"])).collect();
            children.insert(2, cli(&s, &jar, &["update", &data]));
            for c in children {
                let (code, out) = finish(c);
                assert_eq!(code, 0, "{}: round {round}: {out}", s.name);
            }
            let session = file_client(&s, &jar)
                .get_session()
                .unwrap()
                .unwrap_or_else(|| panic!("{}: round {round}: signed out", s.name));
            assert_eq!(
                session.user.name.as_deref(),
                Some(name.as_str()),
                "{}: round {round}: the update was lost",
                s.name
            );
        }
    }
}

/// A sign-out run in parallel with four session reads wins: afterwards no process
/// sees the session. Before the fix a read that finished after the sign-out wrote the
/// session cookie back.
#[test]
fn parallel_cli_sign_out_wins() {
    for s in servers() {
        let dir = tempfile::tempdir().unwrap();
        let jar = dir.path().join("jar.json");
        for round in 0..8 {
            sign_in_alice(&file_client(&s, &jar));
            let mut children: Vec<Child> = (0..4).map(|_| cli(&s, &jar, &["session"])).collect();
            children.insert(1, cli(&s, &jar, &["signout"]));
            for c in children {
                let (code, out) = finish(c);
                assert_eq!(code, 0, "{}: round {round}: {out}", s.name);
            }
            let after = file_client(&s, &jar);
            assert!(
                !after.has_session_cookie(),
                "{}: round {round}: the session cookie came back",
                s.name
            );
            assert!(after.get_session().unwrap().is_none(), "{}", s.name);
            let (code, out) = finish(cli(&s, &jar, &["session", "--require"]));
            assert_eq!(code, 3, "{}: round {round}: {out}", s.name);
        }
    }
}

/// A client built before another process signs out notices at its next call (with no
/// extra request) and does not write the session back. Before the fix its next
/// `get_session()` sent the old cookie, stored the re-issued one and restored the
/// session for every process.
#[test]
fn long_lived_client_sees_sign_out_by_another_process() {
    for s in servers() {
        let dir = tempfile::tempdir().unwrap();
        let jar = dir.path().join("jar.json");
        let (daemon, ua) = {
            let ua = support::unique_ua();
            let mut b = Client::builder(&s.url).user_agent(ua.clone());
            if s.tls {
                b = b.add_root_certificate_file(support::ca_file());
            }
            (b.cookie_file(&jar).build().unwrap(), ua)
        };
        sign_in_alice(&daemon);
        assert!(daemon.get_session().unwrap().is_some());
        let (code, out) = finish(cli(&s, &jar, &["signout"]));
        assert_eq!(code, 0, "{}: {out}", s.name);
        // Without a request, the daemon already knows the cookie is gone.
        let before = s.total_requests(&ua);
        assert!(!daemon.has_session_cookie(), "{}", s.name);
        assert_eq!(s.total_requests(&ua), before, "no request to notice it");
        assert!(daemon.get_session().unwrap().is_none(), "{}", s.name);
        let (code, out) = finish(cli(&s, &jar, &["session", "--require"]));
        assert_eq!(code, 3, "{}: signed in again: {out}", s.name);
        // And a sign-in elsewhere is seen too.
        let (code, out) = finish({
            let mut c = Command::new(BIN);
            c.args(["--url", &s.url, "--jar"])
                .arg(&jar)
                .args([
                    "signin",
                    "credentials",
                    "-f",
                    "username=bob",
                    "--password-stdin",
                ])
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped());
            let mut child = c.spawn().unwrap();
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(b"bob-password\n")
                .unwrap();
            child
        });
        assert_eq!(code, 0, "{}: {out}", s.name);
        let session = daemon.get_session().unwrap().expect("bob, from the file");
        assert_eq!(session.user.name.as_deref(), Some("Bob"), "{}", s.name);
    }
}

/// Several clients of one process sharing a file (each with its own in-memory jar,
/// like separate processes) keep reading while one updates and another signs out and
/// in again: the last operation decides, every time.
#[test]
fn clients_sharing_a_file_merge_their_writes() {
    for s in servers() {
        let dir = tempfile::tempdir().unwrap();
        let jar = dir.path().join("jar.json");
        let writer = file_client(&s, &jar);
        sign_in_alice(&writer);
        let readers: Vec<Client> = (0..3).map(|_| file_client(&s, &jar)).collect();
        for round in 0..10 {
            let name = format!("Round {round}");
            std::thread::scope(|scope| {
                for r in &readers {
                    scope.spawn(move || {
                        for _ in 0..3 {
                            r.get_session().unwrap();
                        }
                    });
                }
                writer
                    .update_session(serde_json::json!({ "name": name }))
                    .unwrap();
            });
            for r in &readers {
                let got = r.get_session().unwrap().expect("signed in");
                assert_eq!(got.user.name.as_deref(), Some(name.as_str()), "{}", s.name);
            }
        }
        std::thread::scope(|scope| {
            for r in &readers {
                scope.spawn(move || {
                    for _ in 0..3 {
                        r.get_session().unwrap();
                    }
                });
            }
            writer.sign_out(SignOutOptions::default()).unwrap();
        });
        for r in &readers {
            assert!(r.get_session().unwrap().is_none(), "{}", s.name);
        }
        let res = readers[0]
            .sign_in(Some("credentials"), creds("bob", "bob-password"))
            .unwrap();
        assert!(res.ok);
        let got = writer.get_session().unwrap().expect("bob");
        assert_eq!(got.user.name.as_deref(), Some("Bob"), "{}", s.name);
    }
}

/// Deleting the file signs every sharer out; a corrupt file is a typed error that
/// changes nothing.
#[test]
fn deleted_and_corrupt_files() {
    let s = &servers()[1];
    let dir = tempfile::tempdir().unwrap();
    let jar = dir.path().join("jar.json");
    let c = file_client(s, &jar);
    sign_in_alice(&c);
    std::fs::remove_file(&jar).unwrap();
    assert!(!c.has_session_cookie());
    assert!(c.get_session().unwrap().is_none());
    sign_in_alice(&c);
    std::fs::write(&jar, "{ not json").unwrap();
    let e = c.get_session().unwrap_err();
    assert_eq!(e.kind(), authjs::ErrorKind::InvalidArgument);
    assert!(e.to_string().contains("jar.json"), "{e}");
}
