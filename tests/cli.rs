//! The `authjs` command-line tool, driven as a real process against the real Auth.js
//! servers (next-auth v4 and @auth/express v5).
//!
//! Run with `bash tests/servers/with-servers.sh cargo test --test cli`. Without the
//! servers' environment variables these tests fail (they never skip).

mod support;

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use support::{Server, servers, unique_email, v5, v5_tls};

const BIN: &str = env!("CARGO_BIN_EXE_authjs");
const ALICE_PASSWORD: &str = "alice-password";

/// One run of the binary.
#[derive(Debug)]
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    what: String,
}

impl Run {
    /// Asserts the exit status, showing everything on failure.
    #[track_caller]
    fn expect(&self, code: i32) -> &Self {
        assert_eq!(
            self.code, code,
            "`{}` exited {} (expected {code})\n--- stdout:\n{}\n--- stderr:\n{}",
            self.what, self.code, self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    fn ok(&self) -> &Self {
        self.expect(0)
    }

    #[track_caller]
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "`{}` did not print JSON ({e}):\n{}\n--- stderr:\n{}",
                self.what, self.stdout, self.stderr
            )
        })
    }
}

/// A private `$HOME` and `$XDG_STATE_HOME`, so every test has its own default jars.
struct Home {
    dir: tempfile::TempDir,
    /// Every run, to check afterwards that no secret was printed.
    runs: std::cell::RefCell<Vec<String>>,
}

impl Home {
    fn new() -> Home {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("home")).unwrap();
        Home {
            dir,
            runs: Default::default(),
        }
    }

    fn state(&self) -> PathBuf {
        self.dir.path().join("state")
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The binary with a clean environment: no server URL, no jar override.
    fn cmd(&self) -> Command {
        let mut c = Command::new(BIN);
        c.env_remove("AUTH_URL")
            .env_remove("NEXTAUTH_URL")
            .env_remove("AUTHJS_JAR")
            .env("XDG_STATE_HOME", self.state())
            .env("HOME", self.dir.path().join("home"));
        c
    }

    /// Runs `cmd` with `stdin` (stdin is always a pipe, so nothing waits on a terminal).
    fn run(&self, mut cmd: Command, stdin: &str) -> Run {
        let what = format!(
            "authjs {}",
            cmd.get_args()
                .map(|a| a.to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join(" ")
        );
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn authjs");
        let mut pipe = child.stdin.take().unwrap();
        // A command that never reads stdin may exit first: ignore a broken pipe.
        let _ = pipe.write_all(stdin.as_bytes());
        drop(pipe);
        let out = child.wait_with_output().expect("wait for authjs");
        let run = Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            what,
        };
        self.runs
            .borrow_mut()
            .push(format!("{}\n{}", run.stdout, run.stderr));
        run
    }

    /// `authjs --url <server> [--ca-cert …] ARGS…`
    fn at(&self, server: &Server, args: &[&str]) -> Run {
        self.at_in(server, args, "")
    }

    fn at_in(&self, server: &Server, args: &[&str], stdin: &str) -> Run {
        let mut c = self.cmd();
        c.arg("--url").arg(&server.url);
        if server.tls {
            c.arg("--ca-cert").arg(support::ca_file());
        }
        c.args(args);
        self.run(c, stdin)
    }

    /// Signs in as alice with the password on stdin.
    fn sign_in_alice(&self, server: &Server) -> Run {
        let r = self.at_in(
            server,
            &[
                "signin",
                "credentials",
                "-f",
                "username=alice",
                "-f",
                "password=-",
            ],
            &format!("{ALICE_PASSWORD}\n"),
        );
        r.ok();
        r
    }

    /// No output of any run so far contains `secret`.
    #[track_caller]
    fn assert_never_printed(&self, secret: &str) {
        for out in self.runs.borrow().iter() {
            assert!(!out.contains(secret), "a secret was printed:\n{out}");
        }
    }
}

/// The single JSON file of the default jar directory.
fn default_jar_file(home: &Home) -> PathBuf {
    let dir = home.state().join("authjs");
    let files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("no jar directory {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    assert_eq!(files.len(), 1, "jar files: {files:?}");
    files.into_iter().next().unwrap()
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

// ---------------------------------------------------------------------------------

#[test]
fn providers_table_and_json() {
    for s in servers() {
        let home = Home::new();
        let r = home.at(&s, &["providers"]);
        r.ok();
        let lines: Vec<&str> = r.stdout.lines().collect();
        assert!(lines[0].starts_with("ID"), "{}: {}", s.name, r.stdout);
        for (id, kind) in [
            ("credentials", "credentials"),
            ("email", "email"),
            ("github", "oauth"),
            ("oidc", if s.v4 { "oauth" } else { "oidc" }),
            ("oidc-form", if s.v4 { "oauth" } else { "oidc" }),
        ] {
            assert!(
                lines.iter().any(|l| {
                    let cols: Vec<&str> = l.split_whitespace().collect();
                    cols.first() == Some(&id) && cols.get(1) == Some(&kind)
                }),
                "{}: no row for {id}:\n{}",
                s.name,
                r.stdout
            );
        }

        let v = home.at(&s, &["--json", "providers"]).ok().json();
        let obj = v.as_object().expect("providers object");
        assert_eq!(obj.len(), 5, "{}: {v}", s.name);
        for (id, p) in obj {
            assert_eq!(p["id"], Value::String(id.clone()));
            for key in ["id", "name", "type", "signinUrl", "callbackUrl"] {
                assert!(p[key].is_string(), "{}: {id}.{key} in {p}", s.name);
            }
            assert!(
                p["signinUrl"]
                    .as_str()
                    .unwrap()
                    .ends_with(&format!("/signin/{id}")),
                "{p}"
            );
        }
        assert_eq!(v["github"]["type"], "oauth");
    }
}

#[test]
fn csrf_token_human_and_json() {
    for s in servers() {
        let home = Home::new();
        let r = home.at(&s, &["csrf"]);
        r.ok();
        let token = r.stdout.trim();
        assert!(
            token.len() >= 32 && token.bytes().all(|b| b.is_ascii_hexdigit()),
            "{}: {token:?}",
            s.name
        );
        // The token comes from the CSRF cookie now in the jar: it is stable.
        let v = home.at(&s, &["csrf", "--json"]).ok().json();
        assert_eq!(v["csrfToken"], token, "{}", s.name);
        assert_eq!(v.as_object().unwrap().len(), 1);
    }
}

#[test]
fn credentials_flow_end_to_end() {
    for s in servers() {
        let home = Home::new();

        // Signed out.
        let r = home.at(&s, &["session"]);
        r.ok();
        assert_eq!(r.stdout, "Not signed in\n", "{}", s.name);
        home.at(&s, &["session", "--require"]).expect(3);
        assert_eq!(home.at(&s, &["session", "--json"]).ok().json(), Value::Null);

        // Sign in with the password on stdin.
        let r = home.sign_in_alice(&s);
        assert!(
            r.stdout
                .starts_with("Signed in as Alice Liddell <alice@example.com>, session expires "),
            "{}: {}",
            s.name,
            r.stdout
        );

        // A second invocation reads the jar: still signed in.
        let r = home.at(&s, &["session", "--require"]);
        r.ok();
        let line = r.stdout.trim_end();
        let expires = line
            .strip_prefix("Signed in as Alice Liddell <alice@example.com>, session expires ")
            .unwrap_or_else(|| panic!("{}: {line}", s.name));
        // `2026-12-27 10:00 UTC`
        let b = expires.as_bytes();
        assert!(
            expires.len() == 20
                && expires.ends_with(" UTC")
                && b[4] == b'-'
                && b[7] == b'-'
                && b[10] == b' '
                && b[13] == b':',
            "{}: expiry {expires:?}",
            s.name
        );

        let v = home.at(&s, &["session", "--json"]).ok().json();
        assert_eq!(v["user"]["email"], "alice@example.com", "{v}");
        assert_eq!(v["role"], "admin", "{v}");
        assert!(v["expires"].is_string());

        // The default jar: per origin, private.
        let jar = default_jar_file(&home);
        #[cfg(unix)]
        {
            assert_eq!(mode(&jar), 0o600, "{}", jar.display());
            assert_eq!(mode(jar.parent().unwrap()), 0o700);
        }

        // Authenticated requests to the app's routes.
        let r = home.at(&s, &["fetch", "/api/me"]);
        r.ok();
        let me = r.json();
        assert_eq!(me["user"]["name"], "Alice Liddell", "{}: {me}", s.name);
        assert_eq!(me["role"], "admin");
        let v = home.at(&s, &["fetch", "--json", "/api/me"]).ok().json();
        assert_eq!(v["status"], 200);
        assert!(
            v["headers"]["content-type"]
                .as_str()
                .unwrap()
                .starts_with("application/json")
        );
        let body: Value = serde_json::from_str(v["body"].as_str().unwrap()).unwrap();
        assert_eq!(body["uid"], "1");

        // POST bodies: JSON by default for a JSON object, a given Content-Type wins,
        // `@-` reads stdin, `-i` shows the status and headers.
        let echo = home
            .at(&s, &["fetch", "-d", r#"{"a":1}"#, "/api/echo"])
            .ok()
            .json();
        assert_eq!(echo["method"], "POST");
        assert_eq!(echo["contentType"], "application/json");
        assert_eq!(echo["body"], r#"{"a":1}"#);
        let echo = home
            .at_in(
                &s,
                &[
                    "fetch",
                    "-X",
                    "PUT",
                    "-H",
                    "Content-Type: text/plain",
                    "-d",
                    "@-",
                    "/api/echo",
                ],
                "from stdin",
            )
            .ok()
            .json();
        assert_eq!(echo["method"], "PUT");
        assert_eq!(echo["contentType"], "text/plain");
        assert_eq!(echo["body"], "from stdin");
        let r = home.at(&s, &["fetch", "-i", "/api/me"]);
        r.ok();
        assert!(r.stdout.starts_with("HTTP 200\r\n"), "{}", r.stdout);
        assert!(
            r.stdout
                .to_ascii_lowercase()
                .contains("\r\ncontent-type: application/json")
        );

        // Update the session.
        let r = home.at(&s, &["update", r#"{"name":"New"}"#]);
        r.ok();
        assert!(
            r.stdout
                .starts_with("Signed in as New <alice@example.com>, session expires "),
            "{}: {}",
            s.name,
            r.stdout
        );
        let v = home.at(&s, &["session", "--json"]).ok().json();
        assert_eq!(v["user"]["name"], "New", "{}: {v}", s.name);
        let v = home
            .at_in(&s, &["--json", "update", "-"], r#"{"name":"Newer"}"#)
            .ok()
            .json();
        assert_eq!(v["user"]["name"], "Newer", "{}: {v}", s.name);

        // Cookies for other tools.
        let r = home.at(&s, &["cookies"]);
        r.ok();
        assert!(r.stdout.contains("session-token="), "{}", s.name);
        assert_eq!(r.stdout.lines().count(), 1);
        let r = home.at(&s, &["cookies", "--format", "netscape"]);
        r.ok();
        assert!(r.stdout.starts_with("# Netscape HTTP Cookie File\n"));
        let session_line = r
            .stdout
            .lines()
            .find(|l| l.contains("session-token\t"))
            .unwrap_or_else(|| panic!("{}: no session cookie line:\n{}", s.name, r.stdout));
        assert_eq!(session_line.split('\t').count(), 7, "{session_line}");
        let v = home.at(&s, &["cookies", "--format", "json"]).ok().json();
        assert_eq!(v["format"], "authjs-cookies");
        assert_eq!(v["origin"], s.url.as_str());
        let mut cookies = v["cookies"].as_array().unwrap().clone();
        assert!(cookies.len() >= 2, "{v}");
        let mut again = home.at(&s, &["--json", "cookies"]).ok().json()["cookies"]
            .as_array()
            .unwrap()
            .clone();
        // The jar file's own fields (version 2, docs/cookies.md).
        assert_eq!(v["version"], 2);
        let key = |c: &Value| c["name"].as_str().unwrap().to_string();
        cookies.sort_by_key(key);
        again.sort_by_key(key);
        assert_eq!(cookies, again);

        // Sign out.
        let r = home.at(&s, &["signout"]);
        r.ok();
        assert_eq!(r.stdout, "Signed out\n");
        assert_eq!(home.at(&s, &["session"]).ok().stdout, "Not signed in\n");
        assert!(
            !home
                .at(&s, &["cookies"])
                .ok()
                .stdout
                .contains("session-token")
        );

        // HTTP >= 400 from `fetch`: body on stdout, exit 15, unless --no-fail.
        let r = home.at(&s, &["fetch", "/api/me"]);
        r.expect(15);
        assert_eq!(r.json()["error"], "unauthenticated");
        assert!(r.stderr.contains("HTTP 401"), "{}", r.stderr);
        home.at(&s, &["fetch", "--no-fail", "/api/me"]).ok();
        let v = home
            .at(&s, &["fetch", "--json", "/api/me"])
            .expect(15)
            .json();
        assert_eq!(v["status"], 401);

        // Updating without a session: status 3.
        let r = home.at(&s, &["update", r#"{"name":"X"}"#]);
        r.expect(3);
        assert_eq!(r.stdout, "Not signed in\n");

        home.assert_never_printed(ALICE_PASSWORD);
    }
}

#[test]
fn json_outputs_of_signin_and_signout() {
    for s in servers() {
        let home = Home::new();
        let v = home
            .at_in(
                &s,
                &[
                    "--json",
                    "signin",
                    "credentials",
                    "-f",
                    "username=alice",
                    "--password-stdin",
                ],
                ALICE_PASSWORD,
            )
            .ok()
            .json();
        assert_eq!(v["ok"], true, "{}: {v}", s.name);
        assert_eq!(v["error"], Value::Null);
        assert!(v["status"].is_u64());
        assert!(v["url"].is_string());
        for key in ["error", "code", "status", "ok", "url"] {
            assert!(v.get(key).is_some(), "{}: {key} missing in {v}", s.name);
        }
        let v = home
            .at(&s, &["signout", "--json", "--callback-url", "/bye"])
            .ok()
            .json();
        assert!(
            v["url"].as_str().unwrap().ends_with("/bye"),
            "{}: {v}",
            s.name
        );
        assert_eq!(v.as_object().unwrap().len(), 1);
        home.assert_never_printed(ALICE_PASSWORD);
    }
}

#[test]
fn explicit_jar_persists_chunked_session() {
    for s in servers() {
        let home = Home::new();
        let jar = home.path("my-jar.json");
        let jar_arg = jar.to_str().unwrap();
        let r = home.at_in(
            &s,
            &[
                "--jar",
                jar_arg,
                "signin",
                "credentials",
                "-f",
                "username=carol",
                "--password-stdin",
            ],
            "carol-password\n",
        );
        r.ok();
        assert!(
            r.stdout
                .starts_with("Signed in as Carol <carol@example.com>"),
            "{}",
            r.stdout
        );
        #[cfg(unix)]
        assert_eq!(mode(&jar), 0o600);
        // Carol's session cookie is chunked (.0, .1, …); the jar keeps every chunk.
        let cookies = home
            .at(&s, &["--jar", jar_arg, "cookies"])
            .ok()
            .stdout
            .clone();
        assert!(
            cookies.contains("session-token.0="),
            "{}: {cookies}",
            s.name
        );
        assert!(
            cookies.contains("session-token.1="),
            "{}: {cookies}",
            s.name
        );

        let v = home
            .at(&s, &["--jar", jar_arg, "session", "--json"])
            .ok()
            .json();
        assert_eq!(v["user"]["name"], "Carol", "{}: {v}", s.name);
        // AUTHJS_JAR is the same as --jar.
        let mut c = home.cmd();
        c.env("AUTHJS_JAR", &jar)
            .args(["--url", &s.url, "session", "--require"]);
        home.run(c, "").ok();
        // The default jar was never touched.
        assert!(!home.state().join("authjs").exists());
        // Clearing the jar is a local sign-out.
        home.at(&s, &["--jar", jar_arg, "cookies", "--clear"]).ok();
        home.at(&s, &["--jar", jar_arg, "session", "--require"])
            .expect(3);
        home.assert_never_printed("carol-password");
    }
}

#[test]
fn refused_sign_in_exits_1() {
    for s in servers() {
        let home = Home::new();
        let r = home.at_in(
            &s,
            &[
                "signin",
                "credentials",
                "-f",
                "username=alice",
                "--password-stdin",
            ],
            "not-the-password\n",
        );
        r.expect(1);
        assert_eq!(
            r.stderr.trim_end(),
            "Sign-in refused: CredentialsSignin",
            "{}",
            s.name
        );
        assert_eq!(r.stdout, "");

        let r = home.at_in(
            &s,
            &[
                "--json",
                "signin",
                "credentials",
                "-f",
                "username=alice",
                "-f",
                "password=-",
            ],
            "not-the-password\n",
        );
        r.expect(1);
        let v = r.json();
        assert_eq!(v["ok"], false);
        assert_eq!(v["error"], "CredentialsSignin");
        assert_eq!(v["url"], Value::Null);

        // A password on the command line works but draws a warning that does not
        // repeat it.
        let r = home.at(
            &s,
            &[
                "signin",
                "credentials",
                "-f",
                "username=alice",
                "-f",
                "password=typed-in-argv",
            ],
        );
        r.expect(1);
        assert!(r.stderr.contains("warning"), "{}", r.stderr);

        // authorize() throwing is a refusal too (v4: the message; v5: Configuration).
        let r = home.at_in(
            &s,
            &[
                "signin",
                "credentials",
                "-f",
                "username=crash",
                "--password-stdin",
            ],
            "x\n",
        );
        r.expect(1);
        assert!(r.stderr.starts_with("Sign-in refused: "), "{}", r.stderr);

        home.at(&s, &["session", "--require"]).expect(3);
        home.assert_never_printed("not-the-password");
        home.assert_never_printed("typed-in-argv");
    }
}

#[test]
fn unknown_provider_exits_18() {
    for s in servers() {
        let home = Home::new();
        let r = home.at_in(
            &s,
            &["signin", "nope", "--password-stdin"],
            "secret-never-read\n",
        );
        r.expect(18);
        assert!(r.stderr.starts_with("authjs: "), "{}", r.stderr);
        assert!(r.stderr.contains("credentials"), "known ids: {}", r.stderr);
        home.assert_never_printed("secret-never-read");
    }
}

#[test]
fn server_down_exits_12() {
    let home = Home::new();
    let url = format!("http://127.0.0.1:{}", support::closed_port());
    for args in [
        &["session"][..],
        &["providers"],
        &["csrf"],
        &["fetch", "/api/me"],
    ] {
        let mut c = home.cmd();
        c.arg("--url").arg(&url).args(args);
        let r = home.run(c, "");
        r.expect(12);
        assert!(r.stderr.starts_with("authjs: "), "{}", r.stderr);
        assert_eq!(r.stdout, "");
    }
    let mut c = home.cmd();
    c.arg("--url").arg(&url).args([
        "signin",
        "credentials",
        "-f",
        "username=alice",
        "--password-stdin",
    ]);
    home.run(c, "alice-password\n").expect(12);
    home.assert_never_printed(ALICE_PASSWORD);
}

#[test]
fn url_from_environment() {
    let s = v5();
    let home = Home::new();
    let closed = format!("http://127.0.0.1:{}", support::closed_port());

    let mut c = home.cmd();
    c.env("AUTH_URL", &s.url).arg("providers");
    home.run(c, "").ok();

    let mut c = home.cmd();
    c.env("NEXTAUTH_URL", &s.url).arg("providers");
    home.run(c, "").ok();

    // AUTH_URL comes first, --url before both.
    let mut c = home.cmd();
    c.env("AUTH_URL", &s.url)
        .env("NEXTAUTH_URL", &closed)
        .arg("providers");
    home.run(c, "").ok();
    let mut c = home.cmd();
    c.env("AUTH_URL", &closed)
        .args(["--url", &s.url, "providers"]);
    home.run(c, "").ok();

    // None at all: a usage error.
    let mut c = home.cmd();
    c.arg("session");
    let r = home.run(c, "");
    r.expect(2);
    assert!(r.stderr.contains("AUTH_URL"), "{}", r.stderr);

    // A full sign-in with the URL from the environment only.
    let mut c = home.cmd();
    c.env("AUTH_URL", &s.url).args([
        "signin",
        "credentials",
        "-f",
        "username=bob",
        "--password-stdin",
    ]);
    let r = home.run(c, "bob-password\n");
    r.ok();
    assert!(
        r.stdout.starts_with("Signed in as Bob <bob@example.com>"),
        "{}",
        r.stdout
    );
    let mut c = home.cmd();
    c.env("NEXTAUTH_URL", &s.url).args(["session", "--require"]);
    home.run(c, "").ok();
}

#[test]
fn email_magic_link_and_complete() {
    for s in servers() {
        let home = Home::new();
        let email = unique_email("cli");
        let r = home.at(&s, &["signin", "email", "-f", &format!("email={email}")]);
        r.ok();
        assert!(r.stdout.contains("authjs complete"), "{}", r.stdout);
        let link = s.magic_link(&email);

        // The link is a credential: read from stdin, never printed back.
        let r = home.at_in(&s, &["complete", "-"], &format!("{link}\n"));
        r.ok();
        assert!(
            r.stdout.starts_with(&format!("Signed in as {email}")),
            "{}: {}",
            s.name,
            r.stdout
        );
        let v = home.at(&s, &["session", "--json"]).ok().json();
        assert_eq!(v["user"]["email"], email.as_str(), "{}: {v}", s.name);

        // A used link is refused (Verification), exit 1.
        let other = Home::new();
        let r = other.at_in(&s, &["complete", "-"], &link);
        r.expect(1);
        assert!(r.stderr.starts_with("Sign-in refused: "), "{}", r.stderr);

        let token = url::Url::parse(&link)
            .unwrap()
            .query_pairs()
            .find(|(k, _)| k == "token")
            .map(|(_, v)| v.into_owned())
            .expect("token in the magic link");
        home.assert_never_printed(&token);
        other.assert_never_printed(&token);

        // The JSON form of `complete` and a link of another origin.
        let email2 = unique_email("cli-json");
        home.at(&s, &["signin", "email", "-f", &format!("email={email2}")])
            .ok();
        let link2 = s.magic_link(&email2);
        let v = home
            .at_in(&s, &["--json", "complete", "-"], &link2)
            .ok()
            .json();
        assert_eq!(v["ok"], true, "{}: {v}", s.name);
        home.at(
            &s,
            &[
                "complete",
                "https://evil.example/api/auth/callback/email?token=x",
            ],
        )
        .expect(11);
    }
}

#[test]
fn tls_needs_the_ca() {
    let s = v5_tls();
    let home = Home::new();
    // Without the CA: exit 14.
    let mut c = home.cmd();
    c.args(["--url", &s.url, "providers"]);
    let r = home.run(c, "");
    r.expect(14);
    assert!(r.stderr.starts_with("authjs: "), "{}", r.stderr);
    // With it: the whole flow.
    home.sign_in_alice(&s);
    home.at(&s, &["session", "--require"]).ok();
    assert_eq!(home.at(&s, &["fetch", "/api/me"]).ok().json()["uid"], "1");
    home.at(&s, &["signout"]).ok();
    home.at(&s, &["session", "--require"]).expect(3);
    // The jar of an https server is its own file.
    assert!(
        default_jar_file(&home)
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("https_127.0.0.1_")
    );
    home.assert_never_printed(ALICE_PASSWORD);
}

#[test]
fn timeouts_exit_13() {
    for s in servers() {
        let home = Home::new();
        let started = Instant::now();
        let r = home.at(&s, &["--timeout", "0.5", "fetch", "/api/slow?ms=5000"]);
        r.expect(13);
        assert!(
            started.elapsed() < Duration::from_secs(4),
            "{:?}",
            started.elapsed()
        );
        home.at(&s, &["--timeout", "5", "fetch", "/api/slow?ms=10"])
            .ok();
    }
}

#[test]
fn wrong_base_path_and_plain_http() {
    for s in servers() {
        let home = Home::new();
        let r = home.at(&s, &["--base-path", "/nope", "providers"]);
        r.expect(15);
        assert!(r.stderr.contains("base path"), "{}", r.stderr);
        home.at(&s, &["--base-path", "/api/auth", "providers"]).ok();
    }
    // Plain http to a host that is not loopback is refused before any connection…
    let home = Home::new();
    let mut c = home.cmd();
    c.args(["--url", "http://192.0.2.1:9", "session"]);
    let r = home.run(c, "");
    r.expect(11);
    assert!(r.stderr.contains("--allow-http"), "{}", r.stderr);
    // … and allowed with --allow-http (then the unroutable address fails to connect).
    let mut c = home.cmd();
    c.args([
        "--url",
        "http://192.0.2.1:9",
        "--allow-http",
        "--timeout",
        "0.5",
        "session",
    ]);
    let r = home.run(c, "");
    assert!(r.code == 12 || r.code == 13, "{r:?}");
}

#[test]
fn usage_errors_exit_2_without_echoing_values() {
    let s = v5();
    let home = Home::new();
    let r = home.run(home.cmd(), "");
    r.expect(2);

    let r = home.at(&s, &["signin", "credentials", "-f", "hunter2-typo"]);
    r.expect(2);
    assert!(!r.stderr.contains("hunter2"), "{}", r.stderr);

    let r = home.at(&s, &["fetch", "-H", "Bearer sekrit-token", "/api/me"]);
    r.expect(2);
    assert!(!r.stderr.contains("sekrit"), "{}", r.stderr);

    home.at(&s, &["update", "{not json"]).expect(2);
    home.at(&s, &["--timeout", "0", "session"]).expect(2);
    home.at(&s, &["--timeout", "soon", "session"]).expect(2);
    home.at(&s, &["cookies", "--format", "yaml"]).expect(2);
    home.at(
        &s,
        &[
            "signin",
            "credentials",
            "--password-stdin",
            "-f",
            "password=-",
        ],
    )
    .expect(2);
    home.at(&s, &["signin", "credentials", "-f", "a=-", "-f", "b=-"])
        .expect(2);
    // Nothing on stdin for the password.
    let r = home.at_in(
        &s,
        &[
            "signin",
            "credentials",
            "-f",
            "username=alice",
            "--password-stdin",
        ],
        "",
    );
    r.expect(2);
    assert!(r.stderr.contains("stdin"), "{}", r.stderr);
    // A reserved form field is the core's InvalidArgument.
    home.at_in(
        &s,
        &[
            "signin",
            "credentials",
            "-f",
            "csrfToken=x",
            "--password-stdin",
        ],
        "x\n",
    )
    .expect(11);
}

#[test]
fn help_documents_exit_statuses() {
    let home = Home::new();
    let mut c = home.cmd();
    c.arg("--help");
    let r = home.run(c, "");
    r.ok();
    for needle in [
        "Exit status",
        "sign-in refused",
        "12   network",
        "18   unknown provider",
        "AUTH_URL",
    ] {
        assert!(
            r.stdout.contains(needle),
            "--help lacks {needle:?}:\n{}",
            r.stdout
        );
    }
    for sub in [
        "providers",
        "csrf",
        "session",
        "signin",
        "complete",
        "update",
        "signout",
        "fetch",
        "cookies",
    ] {
        assert!(r.stdout.contains(sub), "--help lacks {sub}");
        let mut c = home.cmd();
        c.args([sub, "--help"]);
        home.run(c, "").ok();
    }
    let mut c = home.cmd();
    c.arg("--version");
    let r = home.run(c, "");
    r.ok();
    assert_eq!(
        r.stdout.trim(),
        format!("authjs {}", env!("CARGO_PKG_VERSION"))
    );
}

/// `--password-stdin` on a real terminal (a pty made by util-linux `script`): the prompt
/// appears, what is typed after it is not echoed, and the terminal echoes again after.
#[cfg(target_os = "linux")]
#[test]
fn password_prompt_on_a_terminal_does_not_echo() {
    use std::io::Read;
    use std::sync::{Arc, Mutex};

    let s = v5();
    let home = Home::new();
    // After authjs, `stty -a` shows whether echo is back on.
    let inner = format!(
        "'{BIN}' --url '{}' signin credentials -f username=alice --password-stdin; \
         status=$?; stty -a | tr ' ' '\\n' | grep -x -- '-\\?echo'; exit $status",
        s.url
    );
    let mut child = Command::new("script")
        .args(["-q", "-e", "-c", &inner, "/dev/null"])
        .env_remove("AUTH_URL")
        .env_remove("NEXTAUTH_URL")
        .env_remove("AUTHJS_JAR")
        .env("XDG_STATE_HOME", home.state())
        .env("HOME", home.path("home"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("util-linux `script` is needed for the terminal test");
    let output = Arc::new(Mutex::new(Vec::new()));
    let reader = {
        let output = output.clone();
        let mut stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            let mut buf = [0u8; 1024];
            while let Ok(n) = stdout.read(&mut buf) {
                if n == 0 {
                    break;
                }
                output.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        })
    };
    let text = || String::from_utf8_lossy(&output.lock().unwrap()).into_owned();
    // The prompt is printed once echo is off: typing after it is safe.
    let deadline = Instant::now() + Duration::from_secs(20);
    while !text().contains("Password: ") {
        assert!(
            Instant::now() < deadline,
            "no prompt; the terminal shows:\n{}",
            text()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(format!("{ALICE_PASSWORD}\r").as_bytes())
        .unwrap();
    stdin.flush().unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        assert!(
            Instant::now() < deadline,
            "authjs did not finish:\n{}",
            text()
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    drop(stdin);
    reader.join().unwrap();
    let shown = text();
    assert!(status.success(), "{status}: {shown}");
    assert!(shown.contains("Signed in as Alice Liddell"), "{shown}");
    assert!(
        !shown.contains(ALICE_PASSWORD),
        "the password was echoed:\n{shown}"
    );
    let echo_flag = shown.lines().last().unwrap_or("").trim();
    assert_eq!(echo_flag, "echo", "echo not restored:\n{shown}");
    // And the session is in the default jar.
    home.at(&s, &["session", "--require"]).ok();
}
