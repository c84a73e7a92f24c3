//! The Rust client against the real Auth.js servers: the full operation set against
//! every server it applies to (`all_servers()`: next-auth 4.24 and 4.22, @auth/express,
//! next-auth 5 in the App Router, over http and https, JWT and database sessions, base
//! path `/api/auth` and `/auth`). Where an operation does not apply (credentials on a
//! database server) the test asserts what the client reports instead. Every test
//! asserts what the server really did; server-specific behaviour is in
//! `tests/servers.rs`.

mod support;

use authjs::{Body, Client, ErrorKind, SignInOptions, SignOutOptions};
use serde_json::json;
use support::*;

#[test]
fn providers_are_listed_with_their_types() {
    for s in all_servers() {
        let c = s.client();
        let p = c.get_providers().unwrap();
        assert_eq!(p["credentials"].kind, "credentials", "{}", s.name);
        assert_eq!(p["email"].kind, "email", "{}", s.name);
        assert_eq!(p["github"].kind, "oauth", "{}", s.name);
        assert_eq!(
            p["github"].signin_url,
            s.auth_url("signin/github"),
            "{}",
            s.name
        );
        assert_eq!(
            p["credentials"].callback_url,
            s.auth_url("callback/credentials"),
            "{}",
            s.name
        );
    }
}

#[test]
fn csrf_token_is_hex_and_reused_from_the_cookie() {
    for s in all_servers() {
        let (c, ua) = s.counted_client();
        let t1 = c.get_csrf_token().unwrap();
        assert_eq!(t1.len(), 64, "{}", s.name);
        assert!(t1.bytes().all(|b| b.is_ascii_hexdigit()), "{}", s.name);
        let t2 = c.get_csrf_token().unwrap();
        assert_eq!(t1, t2, "{}", s.name);
        assert_eq!(
            s.total_requests(&ua),
            1,
            "{}: the second call must not hit the server",
            s.name
        );
        let names: Vec<String> = c.cookies().into_iter().map(|c| c.name).collect();
        let expected = match (s.v4, s.tls) {
            (true, _) => "next-auth.csrf-token",
            (false, false) => "authjs.csrf-token",
            (false, true) => "__Host-authjs.csrf-token",
        };
        assert!(names.iter().any(|n| n == expected), "{}: {names:?}", s.name);
    }
}

#[test]
fn signed_out_session_is_none() {
    for s in all_servers() {
        let c = s.client();
        assert!(c.get_session().unwrap().is_none(), "{}", s.name);
        assert!(!c.has_session_cookie(), "{}", s.name);
    }
}

#[test]
fn credentials_sign_in_session_me_update_sign_out() {
    for s in all_servers() {
        let c = s.client();
        let r = c
            .sign_in(Some("credentials"), creds("alice", "alice-password"))
            .unwrap();
        if s.database {
            assert_credentials_make_no_database_session(&s, &c, &r);
            s.sign_in_alice(&c);
        } else {
            assert!(r.ok, "{}: {r:?}", s.name);
            assert_eq!(r.status, 200, "{}", s.name);
            assert_eq!(r.error, None, "{}", s.name);
            assert_eq!(
                r.url.as_deref(),
                Some(s.origin().as_str()),
                "{}: callbackUrl defaults to the origin",
                s.name
            );
        }
        assert!(c.has_session_cookie(), "{}", s.name);

        let session = c.get_session().unwrap().expect("a session");
        assert_eq!(
            session.user.name.as_deref(),
            Some("Alice Liddell"),
            "{}",
            s.name
        );
        assert_eq!(
            session.user.email.as_deref(),
            Some("alice@example.com"),
            "{}",
            s.name
        );
        assert_eq!(
            session.user.image.as_deref(),
            Some("https://example.com/alice.png"),
            "{}",
            s.name
        );
        assert_eq!(session.get("role"), Some(&json!("admin")), "{}", s.name);
        assert_eq!(session.extra["uid"], json!("1"), "{}", s.name);
        let expires = session.expires.clone().expect("expires");
        assert!(
            expires.len() >= 20 && expires.ends_with('Z'),
            "{}: {expires}",
            s.name
        );

        let me = c.request("GET", "/api/me", None, &[]).unwrap();
        assert_eq!(me.status, 200, "{}", s.name);
        assert_eq!(
            me.json().unwrap()["user"]["email"],
            json!("alice@example.com")
        );

        // A database update writes the stored user (see common/testapp.mjs): rename a
        // user of this test's own, so that concurrent tests keep alice's name.
        let c = if s.database {
            let own = s.client();
            s.sign_in_by_email(&own, &unique_email("update"));
            own
        } else {
            c
        };
        let updated = c
            .update_session(json!({"name": "Alice Updated"}))
            .unwrap()
            .expect("still signed in");
        assert_eq!(
            updated.user.name.as_deref(),
            Some("Alice Updated"),
            "{}",
            s.name
        );
        let again = c.get_session().unwrap().unwrap();
        assert_eq!(
            again.user.name.as_deref(),
            Some("Alice Updated"),
            "{}: the update sticks",
            s.name
        );

        let out = c
            .sign_out(SignOutOptions {
                callback_url: Some("/goodbye".into()),
            })
            .unwrap();
        assert_eq!(out.url, format!("{}/goodbye", s.origin()), "{}", s.name);
        assert!(!c.has_session_cookie(), "{}", s.name);
        assert!(c.get_session().unwrap().is_none(), "{}", s.name);
        assert_eq!(
            c.request("GET", "/api/me", None, &[]).unwrap().status,
            401,
            "{}",
            s.name
        );
    }
}

/// On a database server a credentials sign-in does not apply: both versions still
/// answer it like a success (200 and the callback URL) and set a JWT session cookie,
/// which their database strategy cannot read, so the first session read finds no
/// session and deletes the cookie. The client reports exactly that, as `signIn()` and
/// `getSession()` of the JS client would.
fn assert_credentials_make_no_database_session(s: &Server, c: &Client, r: &authjs::SignInResponse) {
    assert!(r.ok, "{}: the server answers like a success: {r:?}", s.name);
    assert_eq!(r.status, 200, "{}", s.name);
    assert_eq!(r.error, None, "{}", s.name);
    assert_eq!(r.url.as_deref(), Some(s.origin().as_str()), "{}", s.name);
    assert!(c.has_session_cookie(), "{}: a JWT cookie was set", s.name);
    assert!(
        c.get_session().unwrap().is_none(),
        "{}: no database session behind it",
        s.name
    );
    assert!(
        !c.has_session_cookie(),
        "{}: the server deleted the unusable cookie",
        s.name
    );
}

#[test]
fn session_read_reissues_the_cookie() {
    for s in http_servers() {
        let c = s.client();
        s.sign_in_alice(&c);
        let before: Vec<_> = c
            .cookies()
            .into_iter()
            .filter(|k| k.name.contains("session-token"))
            .collect();
        std::thread::sleep(std::time::Duration::from_millis(1100)); // expiry has 1 s resolution
        c.get_session().unwrap().unwrap();
        let after: Vec<_> = c
            .cookies()
            .into_iter()
            .filter(|k| k.name.contains("session-token"))
            .collect();
        assert_eq!(before.len(), after.len());
        assert!(
            after[0].expires_unix > before[0].expires_unix,
            "{}: sliding expiry: the re-issued cookie was stored",
            s.name
        );
        if s.database {
            // The cookie holds the database session's token: same value, new expiry.
            assert_eq!(after[0].value, before[0].value, "{}", s.name);
        } else {
            assert_ne!(after[0].value, before[0].value, "{}", s.name);
        }
    }
}

#[test]
fn wrong_password_is_a_refused_sign_in_not_ok() {
    for s in all_servers() {
        let c = s.client();
        let r = c
            .sign_in(Some("credentials"), creds("alice", "wrong"))
            .unwrap();
        assert!(!r.ok, "{}: {r:?}", s.name);
        assert_eq!(r.error.as_deref(), Some("CredentialsSignin"), "{}", s.name);
        // v4 answers 401, v5 answers 200 (the JS client then says ok: true).
        assert_eq!(r.status, if s.v4 { 401 } else { 200 }, "{}", s.name);
        if !s.v4 {
            assert_eq!(r.code.as_deref(), Some("credentials"), "{}", s.name);
        }
        assert_eq!(r.url, None, "{}", s.name);
        assert!(!c.has_session_cookie(), "{}", s.name);
        assert!(c.get_session().unwrap().is_none(), "{}", s.name);
    }
}

#[test]
fn authorize_that_throws() {
    for s in http_servers() {
        let r = s
            .client()
            .sign_in(Some("credentials"), creds("crash", "x"))
            .unwrap();
        assert!(!r.ok, "{}", s.name);
        // v4 passes the thrown message through; v5 hides it behind Configuration.
        let expected = if s.v4 {
            "AuthorizeCrashed"
        } else {
            "Configuration"
        };
        assert_eq!(r.error.as_deref(), Some(expected), "{}", s.name);
    }
}

#[test]
fn unknown_provider_is_a_typed_error_naming_the_known_ids() {
    for s in http_servers() {
        let e = s
            .client()
            .sign_in(Some("nope"), SignInOptions::new())
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::UnknownProvider, "{}", s.name);
        assert_eq!(
            e.known_ids(),
            ["credentials", "email", "github", "oidc", "oidc-form"],
            "{}",
            s.name
        );
        assert!(e.message().contains("github"), "{}", s.name);
    }
}

#[test]
fn invalid_provider_ids_and_reserved_fields_are_refused_without_a_request() {
    let s = v4();
    let (c, ua) = s.counted_client();
    for bad in ["", "a/b", "a?b", "../x"] {
        let e = c.sign_in(Some(bad), SignInOptions::new()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{bad:?}");
    }
    let e = c
        .sign_in(
            Some("credentials"),
            SignInOptions::new().field("csrfToken", "x"),
        )
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    let e = c
        .sign_in(
            Some("credentials"),
            SignInOptions::new().callback_url("javascript:alert(1)"),
        )
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    assert_eq!(s.total_requests(&ua), 0);
}

#[test]
fn no_provider_returns_the_sign_in_page() {
    for s in http_servers() {
        let (c, ua) = s.counted_client();
        let r = c
            .sign_in(None, SignInOptions::new().callback_url("/after"))
            .unwrap();
        assert_eq!(
            r.url.as_deref(),
            Some(s.auth_url("signin?callbackUrl=%2Fafter").as_str()),
            "{}",
            s.name
        );
        assert_eq!(r.status, 0);
        assert_eq!(s.total_requests(&ua), 0, "no request is needed");
    }
}

#[test]
fn oauth_sign_in_returns_the_authorize_url_and_keeps_check_cookies() {
    for s in all_servers() {
        let c = s.client();
        let r = c
            .sign_in(
                Some("github"),
                SignInOptions::new().authorization_param("prompt", "login"),
            )
            .unwrap();
        assert!(r.ok, "{}: {r:?}", s.name);
        let url = url::Url::parse(r.url.as_deref().unwrap()).unwrap();
        assert_eq!(url.host_str(), Some("github.com"), "{}", s.name);
        assert_eq!(url.path(), "/login/oauth/authorize", "{}", s.name);
        let q: std::collections::HashMap<String, String> = url.query_pairs().into_owned().collect();
        assert_eq!(q["client_id"], "fake-client-id", "{}", s.name);
        assert_eq!(
            q["prompt"], "login",
            "{}: authorization params reach the provider",
            s.name
        );
        assert_eq!(
            q["redirect_uri"],
            s.auth_url("callback/github"),
            "{}",
            s.name
        );
        let names: Vec<String> = c.cookies().into_iter().map(|k| k.name).collect();
        assert!(
            names
                .iter()
                .any(|n| n.ends_with(".state") || n.ends_with("pkce.code_verifier")),
            "{}: check cookies stay in the jar: {names:?}",
            s.name
        );
        // The authorize URL is another origin: the client never sends cookies there.
        let e = c.complete_sign_in(url.as_str()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{}", s.name);
    }
}

#[test]
fn oauth_callback_without_the_provider_is_an_error_redirect() {
    // The code exchange would need github.com; a callback carrying a provider error
    // is answered locally and must come back as an error, not a session.
    for s in http_servers() {
        let c = s.client();
        c.sign_in(Some("github"), SignInOptions::new()).unwrap();
        let r = c
            .complete_sign_in(&s.auth_url("callback/github?error=access_denied"))
            .unwrap();
        assert!(!r.ok, "{}: {r:?}", s.name);
        assert!(r.error.is_some(), "{}", s.name);
        assert!(!c.has_session_cookie(), "{}", s.name);
    }
}

#[test]
fn email_magic_link_round_trip() {
    for s in all_servers() {
        let c = s.client();
        let email = unique_email("magic");
        let r = c
            .sign_in(
                Some("email"),
                SignInOptions::new()
                    .field("email", email.clone())
                    .callback_url("/welcome"),
            )
            .unwrap();
        assert!(r.ok, "{}: {r:?}", s.name);
        assert!(
            r.url
                .as_deref()
                .unwrap()
                .starts_with(&s.auth_url("verify-request")),
            "{}: {r:?}",
            s.name
        );
        assert!(!c.has_session_cookie());

        // The link may be redeemed by any client: use a fresh one, as a phone would.
        let other = s.client();
        let link = s.magic_link(&email);
        let done = other.complete_sign_in(&link).unwrap();
        assert!(done.ok, "{}: {done:?}", s.name);
        assert_eq!(
            done.url.as_deref(),
            Some(format!("{}/welcome", s.origin()).as_str()),
            "{}",
            s.name
        );
        let session = other.get_session().unwrap().expect("signed in by the link");
        assert_eq!(
            session.user.email.as_deref(),
            Some(email.as_str()),
            "{}",
            s.name
        );

        // A link works once.
        let again = s.client().complete_sign_in(&link).unwrap();
        assert!(!again.ok, "{}", s.name);
        assert_eq!(again.error.as_deref(), Some("Verification"), "{}", s.name);
    }
}

#[test]
fn invalid_email_is_refused() {
    for s in http_servers() {
        let r = s
            .client()
            .sign_in(
                Some("email"),
                SignInOptions::new().field("email", "not-an-address"),
            )
            .unwrap();
        assert!(!r.ok, "{}: {r:?}", s.name);
        let expected = if s.v4 { "EmailSignin" } else { "Configuration" };
        assert_eq!(r.error.as_deref(), Some(expected), "{}", s.name);
    }
}

#[test]
fn chunked_session_cookie_works_and_shrinks() {
    let chunks = |c: &Client| -> Vec<String> {
        let mut v: Vec<String> = c
            .cookies()
            .into_iter()
            .map(|k| k.name)
            .filter(|n| n.contains("session-token"))
            .collect();
        v.sort();
        v
    };
    for s in all_servers() {
        let c = s.client();
        if s.database {
            // A database session cookie holds a token, not the session: however big the
            // session grows, it stays one small cookie (carol's padding lives in a JWT).
            s.sign_in_by_email(&c, "carol@example.com");
            c.update_session(json!({"padding": 9000})).unwrap().unwrap();
            let names = chunks(&c);
            assert_eq!(
                names,
                [format!("{}.session-token", s.cookie_prefix())],
                "{}",
                s.name
            );
            c.sign_out(SignOutOptions::default()).unwrap();
            assert!(chunks(&c).is_empty(), "{}", s.name);
            continue;
        }
        let r = c
            .sign_in(Some("credentials"), creds("carol", "carol-password"))
            .unwrap();
        assert!(r.ok, "{}: {r:?}", s.name);
        let names = chunks(&c);
        assert!(
            names.len() >= 2
                && names
                    .iter()
                    .all(|n| n.ends_with(".0") || n.ends_with(".1") || n.ends_with(".2")),
            "{}: {names:?}",
            s.name
        );
        let session = c.get_session().unwrap().unwrap_or_else(|| {
            panic!(
                "{}: the server did not reassemble the chunks {names:?}",
                s.name
            )
        });
        assert_eq!(session.user.name.as_deref(), Some("Carol"));
        assert!(session.extra["paddingLength"].as_u64().unwrap() >= 6000);

        let small = c
            .update_session(json!({"padding": false}))
            .unwrap()
            .unwrap();
        assert_eq!(small.extra["paddingLength"], json!(0), "{}", s.name);
        let names = chunks(&c);
        assert_eq!(
            names.len(),
            1,
            "{}: stale chunks were deleted: {names:?}",
            s.name
        );
        assert!(!names[0].ends_with(".0"), "{}: {names:?}", s.name);
        assert!(
            c.get_session().unwrap().is_some(),
            "{}: no leftover chunk corrupts the token",
            s.name
        );

        c.update_session(json!({"padding": 9000})).unwrap().unwrap();
        assert!(chunks(&c).len() >= 2, "{}", s.name);
        c.sign_out(SignOutOptions::default()).unwrap();
        assert!(chunks(&c).is_empty(), "{}: every chunk removed", s.name);
    }
}

#[test]
fn stale_csrf_cookie_is_replaced_and_the_post_retried_once() {
    for s in http_servers() {
        let prefix = s.cookie_prefix();
        let ua = unique_ua();
        // A CSRF cookie signed with another secret: the server rejects its token.
        let c = Client::builder(&s.url)
            .user_agent(ua.clone())
            .cookie_header(format!(
                "{prefix}.csrf-token={}%7C{}",
                "ab".repeat(32),
                "cd".repeat(32)
            ))
            .build()
            .unwrap();
        // Warm the providers cache so only the CSRF exchange is counted.
        c.get_providers().unwrap();
        let before = s.total_requests(&ua);
        let r = if s.database {
            // Credentials make no database session: the email POST is CSRF-checked too.
            let email = unique_email("stale-csrf");
            c.sign_in(Some("email"), SignInOptions::new().field("email", email))
                .unwrap()
        } else {
            c.sign_in(Some("credentials"), creds("bob", "bob-password"))
                .unwrap()
        };
        assert!(r.ok, "{}: {r:?}", s.name);
        assert_eq!(
            s.total_requests(&ua) - before,
            3,
            "{}: rejected POST, GET csrf, POST again",
            s.name
        );
        if !s.database {
            assert_eq!(
                c.get_session().unwrap().unwrap().user.name.as_deref(),
                Some("Bob")
            );
        }
    }
}

#[test]
fn request_counts_are_minimal() {
    for s in http_servers() {
        // A database sign-in is two requests (POST signin/email, GET the link), as a
        // user of its own (the update below renames the stored user).
        let link = u64::from(s.database);
        let email = unique_email("counted");
        let sign_in = |c: &Client| {
            if s.database {
                s.sign_in_by_email(c, &email);
            } else {
                sign_in_alice(c);
            }
        };
        let (c, ua) = s.counted_client();
        let mut last = 0;
        let mut delta = |what: &str| {
            let now = s.total_requests(&ua);
            let d = now - last;
            last = now;
            println!("{}: {what}: {d} request(s)", s.name);
            d
        };
        sign_in(&c);
        assert!(delta("cold sign-in") <= 3 + link, "{}", s.name);
        c.get_session().unwrap().unwrap();
        assert_eq!(delta("get_session"), 1, "{}", s.name);
        c.update_session(json!({"name": "Counted"}))
            .unwrap()
            .unwrap();
        assert_eq!(delta("update"), 1, "{}", s.name);
        c.sign_out(SignOutOptions::default()).unwrap();
        assert_eq!(delta("sign-out"), 1, "{}", s.name);
        sign_in(&c);
        assert_eq!(delta("warm sign-in"), 1 + link, "{}", s.name);
        let by_route = &s.requests(&ua)["byRoute"];
        assert_eq!(
            by_route["GET providers"],
            json!(1),
            "{}: providers cached: {by_route}",
            s.name
        );
        assert_eq!(
            by_route["GET csrf"],
            json!(1),
            "{}: token reused: {by_route}",
            s.name
        );
    }
}

#[test]
fn cookie_file_persists_the_session_across_clients() {
    for s in http_servers() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("jar.json");
        let c = s.builder().cookie_file(&path).build().unwrap();
        s.sign_in_alice(&c);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{}", s.name);
        }
        let second = s.builder().cookie_file(&path).build().unwrap();
        let session = second
            .get_session()
            .unwrap()
            .expect("signed in from the file");
        assert_eq!(session.user.email.as_deref(), Some("alice@example.com"));
        // A sign-out through the second client is seen by a third.
        second.sign_out(SignOutOptions::default()).unwrap();
        let third = s.builder().cookie_file(&path).build().unwrap();
        assert!(!third.has_session_cookie(), "{}", s.name);
    }
}

#[test]
fn save_and_load_cookies_and_origin_binding() {
    let s = v5();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("saved.json");
    let c = s.client();
    sign_in_alice(&c);
    c.save_cookies(&path).unwrap();
    let fresh = s.client();
    fresh.load_cookies(&path).unwrap();
    assert!(fresh.get_session().unwrap().is_some());
    assert!(fresh.get_csrf_token().is_ok());

    // The file belongs to this origin: another server's client refuses it.
    let other = v4().client();
    let e = other.load_cookies(&path).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    assert!(!other.has_session_cookie(), "nothing changed");
    // A malformed file changes nothing either.
    std::fs::write(&path, "{not json").unwrap();
    let e = fresh.load_cookies(&path).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    assert!(fresh.has_session_cookie());
    let e = fresh
        .load_cookies(dir.path().join("missing.json"))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Io);
}

#[test]
fn forwarded_cookie_header_is_used_like_get_csrf_token_req() {
    for s in http_servers() {
        let browser = s.client();
        s.sign_in_alice(&browser);
        let header = browser.cookie_header();
        // A server-side program forwards the browser's Cookie header.
        let forwarded = Client::builder(&s.url)
            .cookie_header(header)
            .build()
            .unwrap();
        assert_eq!(
            forwarded.get_csrf_token().unwrap(),
            browser.get_csrf_token().unwrap()
        );
        assert_eq!(
            forwarded
                .get_session()
                .unwrap()
                .unwrap()
                .user
                .name
                .as_deref(),
            Some("Alice Liddell"),
            "{}",
            s.name
        );
        let e = Client::builder(&s.url)
            .cookie_header("garbage")
            .build()
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    }
}

#[test]
fn https_uses_secure_prefixed_cookies_and_rejects_untrusted_certificates() {
    for s in [v5_tls(), v5_next_tls()] {
        https_server_checks(&s);
    }
}

fn https_server_checks(s: &Server) {
    let c = s.client();
    sign_in_alice(&c);
    let names: Vec<String> = c.cookies().into_iter().map(|k| k.name).collect();
    assert!(
        names.contains(&"__Secure-authjs.session-token".to_string()),
        "{names:?}"
    );
    assert!(
        names.contains(&"__Host-authjs.csrf-token".to_string()),
        "{names:?}"
    );
    assert!(c.get_session().unwrap().is_some());
    c.sign_out(SignOutOptions::default()).unwrap();
    assert!(!c.has_session_cookie());

    // Without the test CA the certificate is not trusted.
    let untrusted = Client::new(&s.url).unwrap();
    let e = untrusted.get_session().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Tls, "{e:?}");
    // A CA file that is not PEM is a TLS configuration error.
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.pem");
    std::fs::write(&bad, "not a certificate").unwrap();
    let e = Client::builder(&s.url)
        .add_root_certificate_file(&bad)
        .build()
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Tls);
    // The CA as PEM bytes works too.
    let pem = std::fs::read(ca_file()).unwrap();
    let c = Client::builder(&s.url)
        .add_root_certificate_pem(pem)
        .build()
        .unwrap();
    assert!(c.get_providers().is_ok());
}

#[test]
fn transport_errors_have_kinds() {
    let port = closed_port();
    let c = Client::new(&format!("http://127.0.0.1:{port}")).unwrap();
    let e = c.get_session().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Network, "{e:?}");
    assert!(
        e.message()
            .contains(&format!("127.0.0.1:{port}/api/auth/session"))
    );
    let e = c
        .sign_in(Some("credentials"), creds("alice", "alice-password"))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Network);

    let s = v4();
    let slow = s
        .builder()
        .timeout(std::time::Duration::from_millis(300))
        .build()
        .unwrap();
    let t0 = std::time::Instant::now();
    let e = slow
        .request("GET", "/api/slow?ms=3000", None, &[])
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout, "{e:?}");
    assert!(
        t0.elapsed() < std::time::Duration::from_millis(2500),
        "gave up at the timeout"
    );
}

#[test]
fn wrong_base_path_is_reported_with_a_hint() {
    for s in http_servers() {
        let c = Client::builder(s.origin())
            .base_path("/wrong")
            .build()
            .unwrap();
        let e = c.get_session().unwrap_err();
        assert!(
            matches!(e.kind(), ErrorKind::Http | ErrorKind::Protocol),
            "{}: {e:?}",
            s.name
        );
        assert_eq!(e.status(), Some(404), "{}", s.name);
        assert!(
            e.message().contains("base path"),
            "{}: {}",
            s.name,
            e.message()
        );
    }
}

#[test]
fn request_to_the_app_is_authenticated_and_origin_bound() {
    for s in http_servers() {
        let c = s.client();
        assert_eq!(c.request("GET", "/api/me", None, &[]).unwrap().status, 401);
        s.sign_in_alice(&c);
        let r = c
            .request("POST", "/api/echo", Some(Body::Json(json!({"a": 1}))), &[])
            .unwrap();
        assert_eq!(r.status, 200, "{}: {}", s.name, r.text());
        let echo = r.json().unwrap();
        assert_eq!(echo["method"], json!("POST"));
        assert!(
            echo["contentType"]
                .as_str()
                .unwrap()
                .starts_with("application/json")
        );
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(echo["body"].as_str().unwrap()).unwrap(),
            json!({"a": 1})
        );
        let abs = c
            .request("GET", &format!("{}/api/me", s.origin()), None, &[])
            .unwrap();
        assert_eq!(abs.status, 200);
        for other in [
            "http://127.0.0.1:1/api/me",
            "https://evil.test/x",
            "//evil.test/x",
        ] {
            let e = c.request("GET", other, None, &[]).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{other}");
        }
        let e = c
            .request("GET", "/api/me", None, &[("Cookie".into(), "x=1".into())])
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument);
        let j = r.to_json();
        assert_eq!(j["status"], json!(200));
        assert!(j["headers"]["content-type"].is_string());
    }
}

#[test]
fn secrets_never_appear_in_debug_or_errors() {
    let s = v4();
    let c = s.client();
    let opts = creds("alice", "alice-password");
    assert!(!format!("{opts:?}").contains("alice-password"));
    sign_in_alice(&c);
    let header = c.cookie_header();
    let token = c.get_csrf_token().unwrap();
    let dbg = format!("{c:?}");
    for cookie in c.cookies() {
        assert!(!dbg.contains(&cookie.value), "client Debug leaks a cookie");
        assert!(!format!("{cookie:?}").contains(&cookie.value));
    }
    assert!(!dbg.contains(&token));
    let b = Client::builder(&s.url).cookie_header(header.clone());
    assert!(!format!("{b:?}").contains(&header));
    // An error on a request carrying the password does not echo it.
    let down = Client::new(&format!("http://127.0.0.1:{}", closed_port())).unwrap();
    let e = down
        .sign_in(Some("credentials"), creds("alice", "s3cret-pw"))
        .unwrap_err();
    assert!(!format!("{e} {e:?}").contains("s3cret-pw"));
    // A magic-link token in a URL is not echoed either.
    let e = Client::new(&format!("http://127.0.0.1:{}", closed_port()))
        .unwrap()
        .complete_sign_in("/api/auth/callback/email?token=TOPSECRETTOKEN&email=a")
        .unwrap_err();
    assert!(!format!("{e} {e:?}").contains("TOPSECRETTOKEN"));
}

#[test]
fn sign_out_clears_local_session_even_when_the_server_is_gone() {
    let s = v5();
    let c = s.client();
    sign_in_alice(&c);
    let exported = c.export_cookies().unwrap();
    // Same jar, but the server address now points at a closed port.
    let dead_url = format!("http://127.0.0.1:{}", closed_port());
    let dead = Client::new(&dead_url).unwrap();
    let rewritten = exported.replace(&s.url, &dead_url);
    dead.import_cookies(&rewritten).unwrap();
    assert!(dead.has_session_cookie());
    let e = dead.sign_out(SignOutOptions::default()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Network);
    assert!(
        !dead.has_session_cookie(),
        "the local session is gone anyway"
    );
}

#[test]
fn one_client_many_threads() {
    for s in http_servers() {
        let c = s.client();
        s.sign_in_alice(&c);
        std::thread::scope(|scope| {
            for _ in 0..6 {
                let c = c.clone();
                scope.spawn(move || {
                    for _ in 0..10 {
                        let session = c.get_session().unwrap();
                        if let Some(session) = session {
                            assert!(session.user.email.is_some());
                        }
                    }
                });
            }
            let c = c.clone();
            let s = &s;
            scope.spawn(move || {
                for _ in 0..3 {
                    c.sign_out(SignOutOptions::default()).unwrap();
                    s.sign_in_alice(&c);
                }
            });
        });
        // Consistent at the end: signed in (last action), and the server agrees.
        assert!(c.get_session().unwrap().is_some(), "{}", s.name);
    }
}
