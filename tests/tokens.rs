//! Session tokens (feature `jwt`, src/token.rs) against the real servers: cookies the
//! servers issue decode to what `GET session` reports, cookies minted here are
//! sessions to the servers, and every way a token can be wrong fails typed.
//!
//! Run with `bash tests/servers/with-servers.sh cargo test --features jwt --test tokens`
//! (the launcher exports the servers' secrets as `AUTHJS_TEST_V4_SECRET` /
//! `AUTHJS_TEST_V5_SECRET`).
#![cfg(feature = "jwt")]

mod support;

use authjs::{Client, ErrorKind, TokenCodec, TokenVersion};
use serde_json::{Map, Value, json};
use std::time::{Duration, SystemTime};
use support::{Server, creds};

/// The servers the tokens are tested on: both v4 lines, v5 over http and https (the
/// `__Secure-` name is the v5 salt) and next-auth 5 in Next.js, http and https.
fn token_servers() -> Vec<Server> {
    vec![
        support::v4(),
        support::v4_22(),
        support::v5(),
        support::v5_tls(),
        support::v5_next(),
        support::v5_next_tls(),
    ]
}

fn secret(s: &Server) -> String {
    let var = if s.v4 {
        "AUTHJS_TEST_V4_SECRET"
    } else {
        "AUTHJS_TEST_V5_SECRET"
    };
    std::env::var(var).unwrap_or_else(|_| {
        panic!("{var} is not set: run under tests/servers/with-servers.sh (see its README)")
    })
}

/// The session cookie name the server uses.
fn cookie_name(s: &Server) -> String {
    let secure = if s.tls { "__Secure-" } else { "" };
    format!("{secure}{}.session-token", s.cookie_prefix())
}

fn codec(s: &Server) -> TokenCodec {
    TokenCodec::new(&cookie_name(s), [secret(s)]).expect("codec")
}

fn signed_in(s: &Server, user: &str) -> Client {
    let c = s.client();
    let r = c
        .sign_in(
            Some("credentials"),
            creds(user, &format!("{user}-password")),
        )
        .expect("sign in");
    assert!(r.ok, "{}: {user} could not sign in", s.name);
    c
}

/// The token in the client's session cookie(s), chunks joined.
fn token_of(s: &Server, c: &Client) -> String {
    authjs::session_token_from_header(&c.cookie_header(), &cookie_name(s))
        .unwrap_or_else(|| panic!("{}: no session cookie after sign-in", s.name))
}

fn obj(v: Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

#[test]
fn cookies_issued_by_the_servers_decode_to_the_session() {
    for s in token_servers() {
        for user in ["alice", "carol"] {
            let c = signed_in(&s, user);
            let session = c.get_session().unwrap().expect("session");
            let header = c.cookie_header();
            if user == "carol" {
                assert!(
                    header.contains(&format!("{}.1=", cookie_name(&s))),
                    "{}: carol's session is chunked",
                    s.name
                );
            }
            let claims = codec(&s)
                .decode_cookie_header(&header)
                .unwrap_or_else(|e| panic!("{}: {user}'s cookie does not decode: {e}", s.name));
            assert_eq!(
                claims["email"].as_str(),
                session.user.email.as_deref(),
                "{}",
                s.name
            );
            assert_eq!(
                claims["name"].as_str(),
                session.user.name.as_deref(),
                "{}",
                s.name
            );
            assert_eq!(claims["uid"], session.extra["uid"], "{}", s.name);
            let padding = claims
                .get("padding")
                .and_then(Value::as_str)
                .map_or(0, str::len);
            assert_eq!(
                json!(padding),
                session.extra["paddingLength"],
                "{}: {user}",
                s.name
            );
            for claim in ["iat", "exp", "jti"] {
                assert!(claims.contains_key(claim), "{}: {claim}", s.name);
            }
            // The CLI's and bindings' entry point finds the cookie by itself.
            let any = authjs::decode_any(&header, None, &[secret(&s)]).unwrap();
            assert_eq!(any.cookie_name, cookie_name(&s));
            assert_eq!(any.claims["jti"], claims["jti"]);
            // getToken's other form: `Authorization: Bearer <token>`.
            let bearer = format!("Bearer {}", token_of(&s, &c));
            assert_eq!(
                codec(&s).decode_authorization(&bearer).unwrap()["jti"],
                claims["jti"]
            );
            let bare = authjs::decode_any(&token_of(&s, &c), None, &[secret(&s)]).unwrap();
            // v5: the name is the salt, so the trial finds it; v4's key ignores it.
            let want = if s.v4 {
                "next-auth.session-token".into()
            } else {
                cookie_name(&s)
            };
            assert_eq!(bare.cookie_name, want, "{}: name found by trial", s.name);
        }
    }
}

/// A client of `s` holding only `header` as its cookies.
fn client_with(s: &Server, header: &str) -> Client {
    s.builder().cookie_header(header).build().expect("client")
}

#[test]
fn minted_cookies_are_sessions_to_the_servers() {
    for s in token_servers() {
        for padding in [0usize, 9000] {
            let mut claims = obj(json!({
                "name": "Minted Mina", "email": "mina@example.com", "sub": "42", "uid": "42"
            }));
            if padding > 0 {
                claims.insert("padding".into(), "p".repeat(padding).into());
            }
            let minted = codec(&s).mint(&claims).unwrap();
            assert_eq!(
                minted.cookies().len() > 1,
                padding > 0,
                "{}: chunks",
                s.name
            );
            let c = client_with(&s, &minted.cookie_header());
            let session = c
                .get_session()
                .unwrap()
                .unwrap_or_else(|| panic!("{}: minted cookie (padding {padding}) refused", s.name));
            assert_eq!(session.user.email.as_deref(), Some("mina@example.com"));
            assert_eq!(session.user.name.as_deref(), Some("Minted Mina"));
            assert_eq!(session.extra["uid"], "42");
            assert_eq!(session.extra["paddingLength"], json!(padding));
            let me = c.request("GET", "/api/me", None, &[]).unwrap();
            assert_eq!(me.status, 200, "{}: /api/me with a minted cookie", s.name);
            assert_eq!(me.json().unwrap()["user"]["email"], "mina@example.com");
            // The server re-issues the session: what it writes back decodes too.
            let again = codec(&s).decode(&token_of(&s, &c)).unwrap();
            assert_eq!(again["email"], "mina@example.com");
        }
    }
}

#[test]
fn rotation_first_secret_encrypts_any_decrypts() {
    for s in token_servers() {
        let c = signed_in(&s, "alice");
        let token = token_of(&s, &c);
        let name = cookie_name(&s);
        // The server's secret is now the old one.
        let rotated = TokenCodec::new(&name, ["a-newer-secret-0123456789", &secret(&s)]).unwrap();
        assert_eq!(
            rotated.decode(&token).unwrap()["email"],
            "alice@example.com"
        );
        // Minted with the server's secret first and an old one after: accepted.
        let minting = TokenCodec::new(&name, [secret(&s), "an-older-secret".into()]).unwrap();
        let m = minting
            .mint(&obj(json!({"email": "rot@example.com", "sub": "7"})))
            .unwrap();
        let session = client_with(&s, &m.cookie_header()).get_session().unwrap();
        assert_eq!(
            session
                .expect("rotated mint accepted")
                .user
                .email
                .as_deref(),
            Some("rot@example.com")
        );
        // Minted with another secret first: the server refuses it (no session).
        let other = TokenCodec::new(&name, ["not-the-server-secret"]).unwrap();
        let m = other.mint(&obj(json!({"email": "x@example.com"}))).unwrap();
        assert!(
            client_with(&s, &m.cookie_header())
                .get_session()
                .unwrap()
                .is_none(),
            "{}",
            s.name
        );
    }
}

#[test]
fn wrong_secret_tampered_expired_and_wrong_name_fail_typed() {
    for s in token_servers() {
        let c = signed_in(&s, "alice");
        let token = token_of(&s, &c);
        let name = cookie_name(&s);
        let kind = |r: authjs::Result<Map<String, Value>>| r.map(|_| ()).unwrap_err();

        let e = kind(
            TokenCodec::new(&name, ["wrong-secret"])
                .unwrap()
                .decode(&token),
        );
        assert_eq!(
            e.kind(),
            ErrorKind::TokenInvalid,
            "{}: wrong secret",
            s.name
        );
        assert!(!e.message().contains(&token[..30]) && !e.message().contains(&secret(&s)));

        // One byte of the ciphertext (the fourth part) changed.
        let mut parts: Vec<String> = token.split('.').map(String::from).collect();
        let ct = &mut parts[3];
        let flipped = if ct.starts_with('A') { "B" } else { "A" };
        ct.replace_range(0..1, flipped);
        let tampered = parts.join(".");
        let e = kind(codec(&s).decode(&tampered));
        assert_eq!(e.kind(), ErrorKind::TokenInvalid, "{}: tampered", s.name);
        assert!(
            client_with(&s, &format!("{name}={tampered}"))
                .get_session()
                .unwrap()
                .is_none(),
            "{}: the server refuses the tampered token too",
            s.name
        );

        // Past `exp` + 15 s (the servers' maxAge is 30 days).
        let later = SystemTime::now() + Duration::from_secs(31 * 24 * 3600);
        let e = kind(codec(&s).decode_at(&token, later));
        assert_eq!(e.kind(), ErrorKind::TokenExpired, "{}: expired", s.name);

        // Minted already expired: typed here, and no session to the server.
        let expired = codec(&s)
            .mint(&obj(json!({"email": "old@example.com", "exp": 1_000_000})))
            .unwrap();
        let e = kind(codec(&s).decode_cookie_header(&expired.cookie_header()));
        assert_eq!(e.kind(), ErrorKind::TokenExpired);
        assert!(
            client_with(&s, &expired.cookie_header())
                .get_session()
                .unwrap()
                .is_none()
        );

        // The other cookie name: the v5 key's salt is the name (`__Secure-` or not);
        // v4's key does not depend on it.
        let other_name = match name.strip_prefix("__Secure-") {
            Some(n) => n.to_string(),
            None => format!("__Secure-{name}"),
        };
        let other = TokenCodec::new(&other_name, [secret(&s)]).unwrap();
        if s.v4 {
            assert!(other.decode(&token).is_ok(), "{}: v4 has no salt", s.name);
        } else {
            let e = kind(other.decode(&token));
            assert_eq!(
                e.kind(),
                ErrorKind::TokenInvalid,
                "{}: wrong cookie name",
                s.name
            );
        }
        // The other version's codec under the same name fails typed, not panics.
        let v = if s.v4 {
            TokenVersion::V5
        } else {
            TokenVersion::V4
        };
        let e = kind(
            TokenCodec::with_version(v, &name, [secret(&s)])
                .unwrap()
                .decode(&token),
        );
        assert_eq!(
            e.kind(),
            ErrorKind::TokenInvalid,
            "{}: other version",
            s.name
        );
    }
}

#[test]
fn minted_storage_state_and_set_cookie_hand_the_session_to_a_client() {
    for s in token_servers() {
        let m = codec(&s)
            .mint(&obj(json!({"email": "pw@example.com", "sub": "9"})))
            .unwrap();
        let state = m.playwright_storage_state(&s.url).unwrap();
        let c = s.client();
        c.import_cookies_as(Some(authjs::CookieFormat::Playwright), &state)
            .unwrap();
        let session = c.get_session().unwrap().expect("storageState session");
        assert_eq!(
            session.user.email.as_deref(),
            Some("pw@example.com"),
            "{}",
            s.name
        );
        for line in m.set_cookie_headers(s.tls) {
            assert!(line.contains("HttpOnly") && line.contains("Path=/"));
            assert_eq!(line.contains("Secure"), s.tls, "{}", s.name);
        }
    }
}

/// `authjs token …` with `env` (the secret travels in the environment, never argv),
/// `stdin` in: (exit status, stdout, stderr).
fn cli(args: &[&str], env: &[(&str, &str)], stdin: &str) -> (i32, String, String) {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_authjs"));
    cmd.args(args)
        .env_remove("AUTH_SECRET")
        .env_remove("NEXTAUTH_SECRET")
        .env_remove("AUTH_URL")
        .env_remove("NEXTAUTH_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("authjs");
    // A command refused before it reads stdin (a usage error) may exit first: the pipe
    // is then closed, which is not the test's concern.
    match child.stdin.take().unwrap().write_all(stdin.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        other => other.unwrap(),
    }
    let o = child.wait_with_output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn cli_decodes_real_cookies_and_mints_accepted_ones() {
    let exit = |k: ErrorKind| 10 + k as i32;
    for s in token_servers() {
        let sec = secret(&s);
        let c = signed_in(&s, "carol");
        let header = c.cookie_header();
        // NEXTAUTH_SECRET is the fallback; `new,old` rotation.
        let rotated = format!("another-secret,{sec}");
        let (code, stdout, stderr) = cli(
            &["token", "decode"],
            &[("NEXTAUTH_SECRET", &rotated)],
            &format!("Cookie: {header}\n"),
        );
        assert_eq!(code, 0, "{}: {stderr}", s.name);
        let claims: Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(claims["email"], "carol@example.com", "{}", s.name);

        let (code, _, stderr) = cli(&["token", "decode"], &[("AUTH_SECRET", "wrong")], &header);
        assert_eq!(code, exit(ErrorKind::TokenInvalid), "{}", s.name);
        assert!(!stderr.contains(&sec) && !stderr.contains(&token_of(&s, &c)[..30]));

        // Mint, learning the cookie name from the server (one request).
        let mut args = vec!["token", "mint", "--url", s.url.as_str()];
        let ca = support::ca_file().display().to_string();
        if s.tls {
            args.extend(["--ca-cert", ca.as_str()]);
        }
        let (code, cookie, stderr) = cli(
            &args,
            &[("AUTH_SECRET", &sec)],
            r#"{"name":"Cli Cleo","email":"cleo@example.com","sub":"5"}"#,
        );
        assert_eq!(code, 0, "{}: {stderr}", s.name);
        assert!(
            cookie.starts_with(&format!("{}=", cookie_name(&s))),
            "{}",
            s.name
        );
        let session = client_with(&s, cookie.trim()).get_session().unwrap();
        assert_eq!(
            session.expect("CLI-minted cookie").user.email.as_deref(),
            Some("cleo@example.com")
        );

        // storageState for a browser.
        let mut args = args.clone();
        args.extend(["--format", "playwright"]);
        let (code, state, stderr) = cli(
            &args,
            &[("AUTH_SECRET", &sec)],
            r#"{"email":"pw2@example.com","sub":"6"}"#,
        );
        assert_eq!(code, 0, "{}: {stderr}", s.name);
        let c2 = s.client();
        c2.import_cookies_as(Some(authjs::CookieFormat::Playwright), &state)
            .unwrap();
        assert!(c2.get_session().unwrap().is_some(), "{}", s.name);
    }
}

#[test]
fn cli_token_errors_are_typed_and_secret_free() {
    let name = "authjs.session-token";
    let codec = TokenCodec::new(name, ["cli-secret"]).unwrap();
    let expired = codec
        .mint(&obj(json!({"sub": "1", "exp": 1_000_000})))
        .unwrap();
    let env = [("AUTH_SECRET", "cli-secret")];
    let (code, _, stderr) = cli(&["token", "decode"], &env, &expired.cookie_header());
    assert_eq!(code, 10 + ErrorKind::TokenExpired as i32, "{stderr}");
    let (code, _, _) = cli(&["token", "decode"], &env, "x=1; y=2");
    assert_eq!(code, 10 + ErrorKind::TokenInvalid as i32);
    let (code, _, stderr) = cli(&["token", "decode"], &[], "x=1");
    assert_eq!(code, 2, "no secret is a usage error: {stderr}");
    let (code, _, _) = cli(&["token", "mint"], &env, "{}");
    assert_eq!(code, 2, "mint needs --cookie-name or --url");
    let (code, _, _) = cli(&["token", "mint", "--cookie-name", name], &env, "[1]");
    assert_eq!(code, 2, "claims must be an object");
    // --secret-file, one secret per line; a bare token with its cookie name given.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("secret");
    std::fs::write(&file, "other\ncli-secret\n").unwrap();
    let f = file.display().to_string();
    let big = json!({"sub": "3", "big": "b".repeat(5000)}).to_string();
    let (code, header, stderr) = cli(
        &["token", "mint", "--cookie-name", name, "--secret-file", &f],
        &[],
        &big,
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(
        header.starts_with("authjs.session-token.0=")
            && header.contains("; authjs.session-token.1=")
    );
    // The first line of the file encrypts: a codec of "other" reads it.
    let other = TokenCodec::new(name, ["other"]).unwrap();
    assert_eq!(
        other.decode_cookie_header(header.trim()).unwrap()["sub"],
        "3"
    );
    let minted = codec.mint(&obj(json!({"sub": "3"}))).unwrap();
    let (code, out, stderr) = cli(
        &[
            "token",
            "decode",
            "--cookie-name",
            name,
            "--secret-file",
            &f,
        ],
        &[],
        &minted.token(),
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(serde_json::from_str::<Value>(&out).unwrap()["sub"], "3");
}
