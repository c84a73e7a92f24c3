//! `authjs signin <oauth-id>`, driven as a person at a terminal would, against the real
//! servers and the test OpenID provider: the authorize URL on stderr (and to the
//! browser with `--open`, here a fake `xdg-open` on `PATH`), the provider's pages in a
//! "browser" (`support::oidc`), the browser's own visit to the callback (refused: it
//! has none of the CLI's check cookies), then the URL from the address bar pasted on
//! stdin, with paste debris, and the sign-in completed.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};
use support::Server;
use support::oidc::{Act, Browser, code_of, token_requests};

const BIN: &str = env!("CARGO_BIN_EXE_authjs");

/// A private home (default jar directory) and a directory with a fake `xdg-open` that
/// records the URL it was asked to open.
struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new() -> Home {
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join("bin");
        std::fs::create_dir(&bin).unwrap();
        std::fs::create_dir(dir.path().join("home")).unwrap();
        let opener = bin.join("xdg-open");
        std::fs::write(
            &opener,
            format!(
                "#!/bin/sh\nprintf '%s\\n' \"$1\" > '{}'\n",
                dir.path().join("opened").display()
            ),
        )
        .unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&opener, std::fs::Permissions::from_mode(0o755)).unwrap();
        Home { dir }
    }

    fn cmd(&self, s: &Server, args: &[&str]) -> Command {
        let mut c = Command::new(BIN);
        let path = format!(
            "{}:{}",
            self.dir.path().join("bin").display(),
            std::env::var("PATH").unwrap_or_default()
        );
        c.env_remove("AUTH_URL")
            .env_remove("NEXTAUTH_URL")
            .env_remove("AUTHJS_JAR")
            .env_remove("AUTHJS_BROWSER")
            .env("PATH", path)
            .env("XDG_STATE_HOME", self.dir.path().join("state"))
            .env("HOME", self.dir.path().join("home"))
            .arg("--url")
            .arg(&s.url);
        if s.tls {
            c.arg("--ca-cert").arg(support::ca_file());
        }
        c.args(args);
        c
    }

    fn opened(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("opened"))
            .expect("the fake xdg-open was not run")
            .trim()
            .to_string()
    }

    /// A command that needs no interaction: (status, stdout, stderr).
    fn run(&self, s: &Server, args: &[&str]) -> (i32, String, String) {
        let out = self
            .cmd(s, args)
            .stdin(Stdio::null())
            .output()
            .expect("run authjs");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }
}

/// The result of an interactive `signin`: the authorize URL it showed, the callback
/// URL the browser landed on, and the finished process.
struct Interactive {
    authorize: String,
    callback: String,
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs `authjs ARGS` (an OAuth `signin`), reads its instructions on stderr up to the
/// paste prompt, lets the "browser" play `act`, visits the callback as the browser
/// would (no cookies of the CLI), then pastes `paste(callback)` on stdin.
fn interactive(
    home: &Home,
    s: &Server,
    args: &[&str],
    act: Act,
    paste: impl Fn(&str) -> String,
) -> Interactive {
    let mut child = home
        .cmd(s, args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn authjs");
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut shown = String::new();
    let mut authorize = None;
    loop {
        let mut line = String::new();
        if stderr.read_line(&mut line).unwrap() == 0 {
            let _ = child.kill();
            panic!(
                "{}: authjs exited before asking for the URL:\n{shown}",
                s.name
            );
        }
        shown.push_str(&line);
        if line.starts_with(&support::oidc::issuer()) {
            authorize = Some(line.trim().to_string());
        }
        // The last line before it reads stdin.
        if line.starts_with("Copy the whole URL") {
            break;
        }
    }
    let authorize =
        authorize.unwrap_or_else(|| panic!("{}: no authorize URL in:\n{shown}", s.name));
    let callback = Browser::new().authorize(&authorize, act).redirect();
    // The browser's own visit to the callback: none of the CLI's cookies.
    let visit: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .tls_config(
            ureq::tls::TlsConfig::builder()
                .root_certs(ureq::tls::RootCerts::new_with_certs(&[
                    ureq::tls::Certificate::from_pem(&std::fs::read(support::ca_file()).unwrap())
                        .unwrap()
                        .to_owned(),
                ]))
                .build(),
        )
        .build()
        .into();
    // (127.0.0.1 for next-auth 5's localhost URLs: the servers listen on IPv4 only.)
    let seen = visit
        .get(callback.replacen("//localhost:", "//127.0.0.1:", 1))
        .call()
        .expect("the browser's visit");
    assert!(
        (300..400).contains(&seen.status().as_u16()),
        "{}: {}",
        s.name,
        seen.status()
    );
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(paste(&callback).as_bytes()).unwrap();
    drop(stdin);
    let mut rest = String::new();
    stderr.read_to_string(&mut rest).unwrap();
    shown.push_str(&rest);
    let out = child.wait_with_output().unwrap();
    Interactive {
        authorize,
        callback,
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: shown,
    }
}

fn cli_servers() -> Vec<Server> {
    vec![
        support::v4(),
        support::v4_22(),
        support::v5(),
        support::v5_tls(),
        support::v5_next(),
    ]
}

#[test]
fn signin_open_then_paste_the_callback_url() {
    for s in cli_servers() {
        let home = Home::new();
        let r = interactive(
            &home,
            &s,
            &["signin", "oidc", "--open"],
            Act::Allow("dana"),
            |cb| format!("  {cb}#_=_\r\n"),
        );
        assert_eq!(r.code, 0, "{}: {}\n{}", s.name, r.stdout, r.stderr);
        assert_eq!(
            home.opened(),
            r.authorize,
            "{}: --open ran the opener",
            s.name
        );
        assert!(
            r.stdout
                .starts_with("Signed in as Dana Scully <dana@oidc.example>"),
            "{}: {}",
            s.name,
            r.stdout
        );
        // The browser's visit was refused before the code was redeemed; the paste
        // redeemed it once.
        assert_eq!(token_requests(&code_of(&r.callback)), 1, "{}", s.name);
        // The callback URL (code, state) is printed nowhere.
        for text in [&r.stdout, &r.stderr] {
            assert!(!text.contains(&code_of(&r.callback)), "{}: {text}", s.name);
        }
        let (code, me, _) = home.run(&s, &["fetch", "/api/me"]);
        assert_eq!(code, 0, "{}", s.name);
        assert!(me.contains("dana@oidc.example"), "{}: {me}", s.name);
    }
}

#[test]
fn signin_json_without_open_and_a_refused_consent() {
    let s = support::v5();
    let home = Home::new();
    let r = interactive(
        &home,
        &s,
        &["--json", "signin", "oidc"],
        Act::Allow("erin"),
        |cb| format!("<{cb}>\n"),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("Open this URL in a browser"),
        "{}",
        r.stderr
    );
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["ok"], true, "{v}");
    assert!(
        !home.dir.path().join("opened").exists(),
        "opened without --open"
    );

    let home = Home::new();
    let r = interactive(&home, &s, &["signin", "oidc"], Act::Deny("dana"), |cb| {
        format!("{cb}\n")
    });
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("Sign-in refused: OAuthCallbackError"),
        "{}",
        r.stderr
    );
}

/// `--no-wait`: the URL alone on stdout for scripts, then `authjs complete -`.
#[test]
fn signin_no_wait_then_complete() {
    for s in [support::v4(), support::v5()] {
        let home = Home::new();
        let (code, stdout, stderr) = home.run(&s, &["signin", "oidc", "--no-wait"]);
        assert_eq!(code, 0, "{}: {stderr}", s.name);
        let authorize = stdout.trim();
        assert!(authorize.starts_with(&support::oidc::issuer()), "{stdout}");
        let cb = Browser::new()
            .authorize(authorize, Act::Allow("erin"))
            .redirect();
        let out = home
            .cmd(&s, &["complete", "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .and_then(|mut child| {
                child
                    .stdin
                    .take()
                    .unwrap()
                    .write_all(format!("{cb}\n").as_bytes())?;
                child.wait_with_output()
            })
            .unwrap();
        assert!(
            out.status.success(),
            "{}: {}",
            s.name,
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("erin@oidc.example"));
    }
}

/// `complete-form --html -`: the provider's form_post page on stdin.
#[test]
fn complete_form_from_the_page() {
    for s in [support::v4(), support::v5()] {
        let home = Home::new();
        let (code, stdout, stderr) = home.run(&s, &["signin", "oidc-form", "--no-wait"]);
        assert_eq!(code, 0, "{}: {stderr}", s.name);
        let html = Browser::new()
            .authorize(stdout.trim(), Act::Allow("dana"))
            .form_post();
        let out = home
            .cmd(&s, &["--json", "complete-form", "--html", "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .and_then(|mut child| {
                child.stdin.take().unwrap().write_all(html.as_bytes())?;
                child.wait_with_output()
            })
            .unwrap();
        assert!(
            out.status.success(),
            "{}: {}",
            s.name,
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["ok"], true, "{}: {v}", s.name);
        let (_, me, _) = home.run(&s, &["fetch", "/api/me"]);
        assert!(me.contains("dana@oidc.example"), "{}: {me}", s.name);
        // Not a form_post page: a usage-level refusal, exit 11 (invalid argument).
        let (code, _, stderr) = home.run(&s, &["complete-form", "--html", "/dev/null"]);
        assert_eq!(code, 11, "{stderr}");
    }
}
