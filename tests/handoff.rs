//! Handing the session to browsers and test tools and back (issue 15), against the real
//! Auth.js servers: every export format round-trips a (chunked) session into a fresh
//! client, a browser-like storageState is imported with only this server's cookies,
//! the Netscape export loads in the real `curl -b` and `wget --load-cookies`, and the
//! CLI exports and imports.
//!
//! Run with `bash tests/servers/with-servers.sh cargo test --test handoff`. Without the
//! servers' environment these tests fail (they never skip).

mod support;

use authjs::{Client, CookieFormat, CookieInfo, ErrorKind, SameSite};
use serde_json::{Value, json};
use std::process::Command;
use support::{Server, ca_file, creds, v4, v4_22, v5, v5_next, v5_next_tls, v5_tls};

const BIN: &str = env!("CARGO_BIN_EXE_authjs");

/// The servers of the issue: both generations, http and https (`__Host-`/`__Secure-`
/// cookies), Express and Next.js, 127.0.0.1 and `localhost`.
fn handoff_servers() -> Vec<Server> {
    vec![v4(), v4_22(), v5(), v5_tls(), v5_next(), v5_next_tls()]
}

fn sign_in(s: &Server, user: &str) -> Client {
    let c = s.client();
    let r = c
        .sign_in(
            Some("credentials"),
            creds(user, &format!("{user}-password")),
        )
        .expect("sign in");
    assert!(r.ok, "{}: {user} could not sign in: {r:?}", s.name);
    c
}

fn session_chunks(c: &Client) -> Vec<CookieInfo> {
    c.cookies()
        .into_iter()
        .filter(|c| authjs::is_session_cookie_name(&c.name))
        .collect()
}

#[track_caller]
fn assert_signed_in_as(s: &Server, c: &Client, email: &str, what: &str) {
    let session = c
        .get_session()
        .unwrap_or_else(|e| panic!("{}: {what}: {e}", s.name))
        .unwrap_or_else(|| panic!("{}: {what}: not signed in", s.name));
    assert_eq!(
        session.user.email.as_deref(),
        Some(email),
        "{}: {what}",
        s.name
    );
}

/// Carol's session comes in three chunks; every format carries all of them, with
/// their attributes, into a fresh client that the server then recognises as carol.
#[test]
fn every_format_round_trips_a_chunked_session() {
    for s in handoff_servers() {
        let carol = sign_in(&s, "carol");
        let chunks = session_chunks(&carol);
        assert_eq!(chunks.len(), 3, "{}: {chunks:?}", s.name);
        for c in &chunks {
            assert!(c.host_only && c.http_only, "{}: {c:?}", s.name);
            assert_eq!(c.same_site, Some(SameSite::Lax), "{}: {c:?}", s.name);
            assert_eq!(c.secure, s.tls, "{}: {c:?}", s.name);
            assert!(c.expires_unix.is_some(), "{}: {c:?}", s.name);
        }
        for format in CookieFormat::ALL {
            let text = carol.export_cookies_as(format).unwrap();
            for auto in [false, true] {
                let fresh = s.client();
                let report = fresh
                    .import_cookies_as((!auto).then_some(format), &text)
                    .unwrap_or_else(|e| panic!("{}: {format:?} (auto {auto}): {e}", s.name));
                assert_eq!(report.skipped, 0, "{}: {format:?}", s.name);
                let what = format!("import of the {} export (auto {auto})", format.name());
                // Before any request: the server re-issues the session on every read.
                let got = session_chunks(&fresh);
                assert_eq!(got.len(), 3, "{}: {what}", s.name);
                for (a, b) in got.iter().zip(&chunks) {
                    // Values are credentials: compared, never printed.
                    assert!(
                        a.name == b.name && a.value == b.value,
                        "{}: {what}: {}",
                        s.name,
                        a.name
                    );
                    if matches!(format, CookieFormat::Jar | CookieFormat::Playwright) {
                        // Exactly: expiry, SameSite, host-only, flags (Debug hides values).
                        assert_eq!(a, b, "{}: {what}", s.name);
                    }
                }
                assert_signed_in_as(&s, &fresh, "carol@example.com", &what);
            }
        }
    }
}

/// The jar file is version 2 with explicit fields; before issue 15 it held
/// cookie_store's internals (`raw_cookie`, `{"HostOnly": …}`, `{"AtUtc": …}`).
#[test]
fn the_jar_file_has_explicit_fields() {
    for s in [v4(), v5_tls()] {
        let alice = sign_in(&s, "alice");
        let text = alice.export_cookies().unwrap();
        for internal in ["raw_cookie", "HostOnly", "AtUtc", "SessionEnd"] {
            assert!(
                !text.contains(internal),
                "{}: {internal} in the file",
                s.name
            );
        }
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["version"], 2, "{}", s.name);
        let session = v["cookies"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"].as_str().unwrap().contains("session-token"))
            .unwrap()
            .clone();
        let keys: Vec<&str> = session
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut keys = keys;
        keys.sort();
        assert_eq!(
            keys,
            [
                "domain", "expires", "hostOnly", "httpOnly", "name", "path", "sameSite", "secure",
                "value"
            ],
            "{}",
            s.name
        );
        assert_eq!(session["domain"], "127.0.0.1");
        assert_eq!(session["hostOnly"], true);
        assert_eq!(session["sameSite"], "Lax");
        assert_eq!(session["secure"], s.tls);
        assert!(session["expires"].as_i64().unwrap() > 1_700_000_000);
    }
}

/// A cookie file written by version 1 (cookie_store's serialisation) still loads, as
/// a `cookieFile`, and is rewritten as version 2 by the next change.
#[test]
fn a_version_1_cookie_file_still_loads() {
    let s = v4();
    let alice = sign_in(&s, "alice");
    let token = alice
        .cookies()
        .into_iter()
        .find(|c| c.name == "next-auth.session-token")
        .unwrap()
        .value;
    let fixture = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/jar-v1.json"
    ))
    .unwrap();
    assert!(fixture.contains("raw_cookie") && fixture.contains("\"version\": 1"));
    let v1 = fixture
        .replace("http://127.0.0.1:3000", &s.origin())
        .replace("eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..fixture", &token);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("jar.json");
    std::fs::write(&path, &v1).unwrap();
    let c = s.builder().cookie_file(&path).build().unwrap();
    assert_signed_in_as(&s, &c, "alice@example.com", "v1 cookie file");
    c.update_session(json!({"name": "Alice v2"})).unwrap();
    let now: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(now["version"], 2);
    assert_signed_in_as(&s, &c, "alice@example.com", "after the rewrite");
}

/// A storageState as a browser writes it after visiting several sites: only this
/// server's cookies are taken; the rest are skipped and counted.
#[test]
fn a_browser_storage_state_is_imported() {
    for s in handoff_servers() {
        let bob = sign_in(&s, "bob");
        let host = url::Url::parse(&s.url)
            .unwrap()
            .host_str()
            .unwrap()
            .to_string();
        let mut cookies: Vec<Value> = bob
            .cookies()
            .iter()
            .map(|c| {
                json!({
                    "name": c.name, "value": c.value, "domain": host, "path": "/",
                    "expires": c.expires_unix.map(|t| t as f64 + 0.25).unwrap_or(-1.0),
                    "httpOnly": c.http_only, "secure": c.secure, "sameSite": "Lax",
                })
            })
            .collect();
        let n = cookies.len();
        // Other sites, as a browser's context holds them.
        cookies.push(
            json!({"name": "_gh_sess", "value": "gh", "domain": "github.com",
            "path": "/", "expires": -1, "httpOnly": true, "secure": true, "sameSite": "Lax"}),
        );
        cookies.push(json!({"name": "NID", "value": "g", "domain": ".google.com",
            "path": "/", "expires": 4102444800.0, "httpOnly": true, "secure": true,
            "sameSite": "None"}));
        // This server's host name, but as another's host-only cookie.
        let other = if host == "localhost" {
            "127.0.0.1"
        } else {
            "localhost"
        };
        cookies.push(
            json!({"name": format!("{}.session-token", s.cookie_prefix()),
            "value": "not-ours", "domain": other, "path": "/", "expires": -1,
            "httpOnly": true, "secure": false, "sameSite": "Lax"}),
        );
        let state = json!({
            "cookies": cookies,
            "origins": [{"origin": s.origin(), "localStorage": [{"name": "k", "value": "v"}]}],
        });
        let fresh = s.client();
        let report = fresh
            .import_cookies_as(Some(CookieFormat::Playwright), &state.to_string())
            .unwrap();
        assert_eq!((report.imported, report.skipped), (n, 3), "{}", s.name);
        assert_signed_in_as(&s, &fresh, "bob@example.com", "storageState import");
        assert!(!fresh.cookie_header().contains("not-ours"), "{}", s.name);
        // The import replaced alice's session in a signed-in client.
        let alice = sign_in(&s, "alice");
        alice.import_cookies_as(None, &state.to_string()).unwrap();
        assert_signed_in_as(&s, &alice, "bob@example.com", "import over a session");
    }
}

/// Cookies of another site only: nothing is taken, the client is signed out, and
/// malformed input changes nothing.
#[test]
fn foreign_and_bad_input_change_nothing() {
    for s in [v4(), v5_tls()] {
        let alice = sign_in(&s, "alice");
        let before = alice.cookie_header();
        let token = session_chunks(&alice)[0].value.clone();
        let foreign = json!({"cookies": [{"name": session_chunks(&alice)[0].name,
            "value": token, "domain": "evil.test", "path": "/", "expires": -1,
            "httpOnly": true, "secure": true, "sameSite": "Lax"}], "origins": []});
        let fresh = s.client();
        let report = fresh
            .import_cookies_as(Some(CookieFormat::Playwright), &foreign.to_string())
            .unwrap();
        assert_eq!((report.imported, report.skipped), (0, 1));
        assert!(fresh.get_session().unwrap().is_none(), "{}", s.name);
        for bad in [
            "{\"cookies\": 1}".to_string(),
            "[{\"name\": 1}]".to_string(),
            format!("{{\"cookies\": [{{\"name\": \"x\", \"value\": \"{token}\"}}]}}"),
        ] {
            let e = alice.import_cookies_as(None, &bad).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{bad}");
            assert!(!e.to_string().contains(&token), "{}: value in {e}", s.name);
            assert_eq!(alice.cookie_header(), before, "{}: jar changed", s.name);
        }
        // An authjs cookie file is bound to its origin.
        let other = if s.tls { v5() } else { v5_tls() };
        let e = other
            .client()
            .import_cookies(&alice.export_cookies().unwrap())
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument);
        assert_signed_in_as(&s, &alice, "alice@example.com", "after the refusals");
    }
}

/// Runs a tool, returning (exit status, stdout).
fn run(cmd: &mut Command) -> (i32, String) {
    let out = cmd.output().expect("run the tool");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// The Netscape export loads in the real curl and wget, with a chunked session and
/// (over https) `__Host-`/`__Secure-` cookies: `/api/me` answers 200 with the user.
/// bob's session is made chunked but kept under curl's 8190-byte `Cookie` header cap
/// (docs/cookies.md); wget has no cap and also gets carol's three chunks.
#[test]
fn curl_and_wget_load_the_netscape_export() {
    let dir = tempfile::tempdir().unwrap();
    for s in handoff_servers() {
        let bob = sign_in(&s, "bob");
        bob.update_session(json!({"padding": 3000})).unwrap();
        assert_eq!(session_chunks(&bob).len(), 2, "{}", s.name);
        assert!(bob.cookie_header().len() < 8000, "{}", s.name);
        let carol = sign_in(&s, "carol");
        let me = format!("{}/api/me", s.origin());
        for (who, c, tools) in [
            ("bob", &bob, &["curl", "wget"][..]),
            ("carol", &carol, &["wget"][..]),
        ] {
            let file = dir.path().join(format!("{}-{who}.txt", s.id));
            c.save_cookies_as(&file, CookieFormat::Netscape).unwrap();
            let text = std::fs::read_to_string(&file).unwrap();
            if s.tls {
                assert!(text.contains("\t__Secure-"), "{}: {who}", s.name);
                assert!(text.contains("\t__Host-"), "{}: {who}", s.name);
            }
            for tool in tools {
                let mut cmd = if *tool == "curl" {
                    let mut c = Command::new("curl");
                    c.args(["-sS", "--fail", "-b"]).arg(&file).arg("--cacert");
                    c
                } else {
                    let mut c = Command::new("/usr/bin/wget");
                    c.args(["-q", "-O", "-", "--load-cookies"])
                        .arg(&file)
                        .arg("--ca-certificate");
                    c
                };
                cmd.arg(ca_file()).arg(&me);
                let (code, body) = run(&mut cmd);
                assert_eq!(code, 0, "{}: {tool} -b for {who}: {body}", s.name);
                let v: Value = serde_json::from_str(&body)
                    .unwrap_or_else(|e| panic!("{}: {tool}: {e}: {body}", s.name));
                assert_eq!(
                    v["user"]["email"],
                    format!("{who}@example.com"),
                    "{}: {tool}",
                    s.name
                );
            }
        }
        // And the Cookie header, for `curl -H` (no cap there).
        let (code, body) = run(Command::new("curl")
            .args(["-sS", "--fail", "-H"])
            .arg(format!("Cookie: {}", carol.cookie_header()))
            .arg("--cacert")
            .arg(ca_file())
            .arg(&me));
        assert_eq!(code, 0, "{}: curl -H: {body}", s.name);
        assert!(body.contains("carol@example.com"), "{}", s.name);
    }
}

fn cli(
    s: &Server,
    jar: &std::path::Path,
    args: &[&str],
    stdin: Option<&str>,
) -> (i32, String, String) {
    use std::io::Write;
    let mut cmd = Command::new(BIN);
    cmd.arg("--url")
        .arg(&s.url)
        .arg("--jar")
        .arg(jar)
        .arg("--ca-cert")
        .arg(ca_file())
        .args(args)
        .env_remove("AUTH_URL")
        .env_remove("NEXTAUTH_URL")
        .env_remove("AUTHJS_JAR")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).unwrap();
    }
    drop(input);
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `authjs cookies --format …` prints every format; `authjs cookies import FILE`
/// (or `-` for stdin) reads each of them back into another jar.
#[test]
fn the_cli_exports_and_imports_every_format() {
    let dir = tempfile::tempdir().unwrap();
    for s in [v4(), v5_tls()] {
        let jar = dir.path().join(format!("{}-source.json", s.id));
        let (code, _, err) = cli(
            &s,
            &jar,
            &[
                "signin",
                "credentials",
                "-f",
                "username=carol",
                "--password-stdin",
            ],
            Some("carol-password\n"),
        );
        assert_eq!(code, 0, "{}: {err}", s.name);
        for format in ["header", "netscape", "playwright", "webdriver", "json"] {
            let (code, text, err) = cli(&s, &jar, &["cookies", "--format", format], None);
            assert_eq!(code, 0, "{}: {format}: {err}", s.name);
            if format == "playwright" {
                let v: Value = serde_json::from_str(&text).unwrap();
                assert_eq!(v["origins"], json!([]));
            }
            let file = dir.path().join(format!("{}-{format}.txt", s.id));
            std::fs::write(&file, &text).unwrap();
            for (how, arg, stdin) in [
                ("file", file.to_str().unwrap(), None),
                ("stdin", "-", Some(text.as_str())),
            ] {
                let target = dir.path().join(format!("{}-{format}-{how}.json", s.id));
                let (code, out, err) = cli(&s, &target, &["cookies", "import", arg], stdin);
                assert_eq!(code, 0, "{}: import {format} from {how}: {err}", s.name);
                assert!(out.contains("Imported"), "{}: {out}", s.name);
                let (code, out, err) = cli(&s, &target, &["session", "--json"], None);
                assert_eq!(code, 0, "{}: {err}", s.name);
                let v: Value = serde_json::from_str(&out).unwrap();
                assert_eq!(
                    v["user"]["email"], "carol@example.com",
                    "{}: {format} via {how}",
                    s.name
                );
            }
        }
        // Bad input: a typed error, exit status 2 (usage/invalid), nothing imported.
        let bad = dir.path().join("bad.json");
        std::fs::write(&bad, "{\"cookies\": 7}").unwrap();
        let target = dir.path().join(format!("{}-bad.json", s.id));
        let (code, _, err) = cli(
            &s,
            &target,
            &["cookies", "import", bad.to_str().unwrap()],
            None,
        );
        assert_ne!(code, 0, "{}: {err}", s.name);
        assert!(err.contains("cookies"), "{}: {err}", s.name);
        assert!(!target.exists(), "{}: nothing was written", s.name);
    }
}

/// An import into a client with a cookie file replaces the session for every client
/// sharing the file, in a new sign-out epoch; a later sign-out by a sharer wins.
#[test]
fn an_import_reaches_every_sharer_of_the_cookie_file() {
    let dir = tempfile::tempdir().unwrap();
    for s in [v4(), v5_tls()] {
        let path = dir.path().join(format!("{}-shared.json", s.id));
        let a = s.builder().cookie_file(&path).build().unwrap();
        let b = s.builder().cookie_file(&path).build().unwrap();
        let r = a
            .sign_in(Some("credentials"), creds("alice", "alice-password"))
            .unwrap();
        assert!(r.ok);
        assert_signed_in_as(&s, &b, "alice@example.com", "sharer before");
        let epoch = |p: &std::path::Path| -> u64 {
            let v: Value = serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
            v["signOutEpoch"].as_u64().unwrap()
        };
        let before = epoch(&path);
        let bob = sign_in(&s, "bob");
        let state = bob.export_cookies_as(CookieFormat::Playwright).unwrap();
        let report = a.import_cookies_as(None, &state).unwrap();
        assert_eq!(report.skipped, 0);
        assert!(
            epoch(&path) > before,
            "{}: the import starts a new epoch",
            s.name
        );
        assert_signed_in_as(&s, &b, "bob@example.com", "sharer after the import");
        b.sign_out(Default::default()).unwrap();
        assert!(
            a.get_session().unwrap().is_none(),
            "{}: the sign-out wins",
            s.name
        );
    }
}
