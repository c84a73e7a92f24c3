//! Behaviour that differs between the supported servers (docs/servers.md lists each
//! difference with the test here that pins it): database sessions, a base path other
//! than `/api/auth`, the replies of Next.js and Express to requests Auth.js does not
//! route, next-auth 5's `localhost` URLs, next-auth 4.22's chunk joining and custom
//! `pages`. The full operation set runs against every server in `tests/client.rs`.

mod support;

use authjs::{Body, Client, ErrorKind, SignInOptions, SignOutOptions};
use serde_json::json;
use support::*;

fn session_cookies(c: &Client) -> Vec<authjs::CookieInfo> {
    c.cookies()
        .into_iter()
        .filter(|k| k.name.contains("session-token"))
        .collect()
}

/// A client of `s` that starts from the `Cookie` header `header` (a replayed cookie).
fn replay(s: &Server, header: &str) -> Client {
    s.builder().cookie_header(header).build().unwrap()
}

// ---------------------------------------------------------------------------------
// Database sessions
// ---------------------------------------------------------------------------------

#[test]
fn database_session_email_sign_in_update_and_sign_out_deletes_it_server_side() {
    for s in [v4_db(), v5_db()] {
        let c = s.client();
        let email = unique_email("db");
        let done = s.sign_in_by_email(&c, &email);
        assert_eq!(done.url.as_deref(), Some(s.origin().as_str()), "{}", s.name);

        // The cookie is the database session's token (a UUID), not a JWT.
        let cookies = session_cookies(&c);
        assert_eq!(cookies.len(), 1, "{}: {cookies:?}", s.name);
        assert_eq!(
            cookies[0].name,
            format!("{}.session-token", s.cookie_prefix())
        );
        let token = &cookies[0].value;
        assert!(
            token.len() == 36 && token.bytes().filter(|&b| b == b'-').count() == 4,
            "{}: a session token, not a JWE ({} bytes)",
            s.name,
            token.len()
        );

        let session = c.get_session().unwrap().expect("a database session");
        assert_eq!(session.user.email.as_deref(), Some(email.as_str()));
        let uid = session.extra["uid"].as_str().unwrap().to_string();
        assert_eq!(
            uid.len(),
            36,
            "{}: a new user of the adapter: {uid}",
            s.name
        );

        // An update goes through the adapter: another client with the same cookie sees it.
        let updated = c
            .update_session(json!({"name": "Db Renamed"}))
            .unwrap()
            .expect("still signed in");
        assert_eq!(
            updated.user.name.as_deref(),
            Some("Db Renamed"),
            "{}",
            s.name
        );
        let header = c.cookie_header();
        let other = replay(&s, &header);
        assert_eq!(
            other.get_session().unwrap().unwrap().user.name.as_deref(),
            Some("Db Renamed"),
            "{}: the update is stored server-side",
            s.name
        );

        // Sign-out deletes the session in the database: the old cookie is worthless.
        c.sign_out(SignOutOptions::default()).unwrap();
        assert!(!c.has_session_cookie(), "{}", s.name);
        let replayed = replay(&s, &header);
        assert!(
            replayed.get_session().unwrap().is_none(),
            "{}: the replayed cookie names a deleted session",
            s.name
        );
    }
}

#[test]
fn credentials_on_a_database_server_set_a_cookie_the_server_cannot_read() {
    // What the server does (client.rs asserts what the client reports): the sign-in is
    // answered like a success with a JWT cookie, and the first session read answers
    // "no session" (v4 `{}`, v5 `null`) and deletes that cookie.
    for s in [v4_db(), v5_db()] {
        let c = s.client();
        let r = c
            .sign_in(Some("credentials"), creds("alice", "alice-password"))
            .unwrap();
        assert!(r.ok, "{}: {r:?}", s.name);
        let cookie = session_cookies(&c);
        assert_eq!(cookie.len(), 1, "{}", s.name);
        assert_eq!(
            cookie[0].value.matches('.').count(),
            4,
            "{}: a JWE (five dot-separated parts), not a session token",
            s.name
        );
        let reply = c.request("GET", &s.auth_url("session"), None, &[]).unwrap();
        assert_eq!(reply.status, 200, "{}", s.name);
        assert_eq!(reply.text(), if s.v4 { "{}" } else { "null" }, "{}", s.name);
        // The reply's Set-Cookie (never handed out: cookies are credentials) deleted it.
        assert!(!c.has_session_cookie(), "{}", s.name);
    }
}

#[test]
fn jwt_sign_out_does_not_revoke_a_replayed_cookie() {
    // The contrast to the database strategy: a JWT session lives in the cookie, so
    // signing out only deletes it from this client's jar.
    for s in [v4(), v4_22(), v5(), v5_next()] {
        let c = s.client();
        sign_in_alice(&c);
        let header = c.cookie_header();
        c.sign_out(SignOutOptions::default()).unwrap();
        assert!(c.get_session().unwrap().is_none(), "{}", s.name);
        let replayed = replay(&s, &header);
        assert!(
            replayed.get_session().unwrap().is_some(),
            "{}: a JWT stays valid until it expires",
            s.name
        );
    }
}

#[test]
fn database_session_persists_in_a_cookie_file_across_two_clients() {
    for s in [v4_db(), v5_db()] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("jar.json");
        let email = unique_email("db-file");
        {
            let first = s.builder().cookie_file(&path).build().unwrap();
            s.sign_in_by_email(&first, &email);
        }
        let second = s.builder().cookie_file(&path).build().unwrap();
        let session = second
            .get_session()
            .unwrap()
            .expect("signed in from the file");
        assert_eq!(
            session.user.email.as_deref(),
            Some(email.as_str()),
            "{}",
            s.name
        );
        second.sign_out(SignOutOptions::default()).unwrap();
        let third = s.builder().cookie_file(&path).build().unwrap();
        assert!(!third.has_session_cookie(), "{}", s.name);
        assert!(third.get_session().unwrap().is_none(), "{}", s.name);
    }
}

// ---------------------------------------------------------------------------------
// Base path /auth
// ---------------------------------------------------------------------------------

#[test]
fn base_path_is_discovered_from_the_url_or_configured() {
    let s = v5_basepath();
    let origin = s.origin();
    assert_eq!(
        s.url,
        format!("{origin}/auth"),
        "the launcher's URL names it"
    );
    let discovered = s.builder().build().unwrap();
    let trailing = Client::builder(format!("{origin}/auth/"))
        .user_agent(unique_ua())
        .build()
        .unwrap();
    let configured = Client::builder(&origin)
        .base_path("/auth")
        .user_agent(unique_ua())
        .build()
        .unwrap();
    for c in [discovered, trailing, configured] {
        let p = c.get_providers().unwrap();
        assert_eq!(
            p["github"].signin_url,
            format!("{origin}/auth/signin/github")
        );
        sign_in_alice(&c);
        let session = c.get_session().unwrap().expect("signed in under /auth");
        assert_eq!(session.user.email.as_deref(), Some("alice@example.com"));
        // The app's own routes stay at /api/...
        assert_eq!(c.request("GET", "/api/me", None, &[]).unwrap().status, 200);
        c.sign_out(SignOutOptions::default()).unwrap();
        assert_eq!(c.request("GET", "/api/me", None, &[]).unwrap().status, 401);
    }

    // The default /api/auth is not this server's API: a 404 with the hint.
    let default = Client::new(&origin).unwrap();
    let e = default.get_session().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Http, "{e:?}");
    assert_eq!(e.status(), Some(404));
    assert!(e.message().contains("base path"), "{}", e.message());
    assert!(e.message().contains("/api/auth"), "{}", e.message());
}

// ---------------------------------------------------------------------------------
// Replies to requests Auth.js does not route
// ---------------------------------------------------------------------------------

#[test]
fn unknown_action_400_is_an_http_error_with_a_base_path_hint() {
    // A base path inside the auth mount reaches Auth.js with an action it does not
    // know: v4 answers 400 "This action with HTTP GET is not supported by NextAuth.js",
    // v5 (Express and Next.js) 400 "Bad request.".
    for s in http_servers() {
        let c = Client::builder(s.origin())
            .base_path(format!("{}/nested", s.base_path))
            .build()
            .unwrap();
        for e in [
            c.get_session().unwrap_err(),
            c.get_csrf_token().unwrap_err(),
            c.get_providers().unwrap_err(),
            c.sign_in(Some("credentials"), creds("alice", "alice-password"))
                .unwrap_err(),
        ] {
            assert_eq!(e.kind(), ErrorKind::Http, "{}: {e:?}", s.name);
            assert_eq!(e.status(), Some(400), "{}", s.name);
            assert!(
                e.message().contains("base path") && e.message().contains("/nested"),
                "{}: the message says which base path was used: {}",
                s.name,
                e.message()
            );
        }
    }
}

#[test]
fn put_and_delete_on_the_auth_api_are_refused_by_the_framework_or_auth_js() {
    // Auth.js routes only GET and POST. Next.js App Router route handlers answer other
    // methods with an empty 405; next-auth 4 (pages router) with a 400 text; Express
    // with Auth.js's 400 "Bad request.". `request` hands these back as they are.
    for s in http_servers() {
        let c = s.client();
        for method in ["PUT", "DELETE"] {
            let r = c
                .request(method, &s.auth_url("session"), None, &[])
                .unwrap();
            let (status, body) = if s.rewrites_loopback {
                (405, String::new())
            } else if s.v4 {
                (
                    400,
                    format!(
                        "Error: This action with HTTP {method} is not supported by NextAuth.js"
                    ),
                )
            } else {
                (400, "\"Bad request.\"".to_string())
            };
            assert_eq!((r.status, r.text()), (status, body), "{}: {method}", s.name);
        }
    }
}

#[test]
fn trailing_slash_308_of_next_js_is_an_error_not_a_completed_sign_in() {
    // Next.js answers `<path>/` with a 308 to `<path>` (no Auth.js involved). A magic
    // link with a slash added must not read as a completed sign-in.
    for s in http_servers() {
        let c = s.client();
        let email = unique_email("slash");
        c.sign_in(
            Some("email"),
            SignInOptions::new().field("email", email.clone()),
        )
        .unwrap();
        let link = s.magic_link(&email);
        let slashed = link.replacen("/callback/email?", "/callback/email/?", 1);
        assert_ne!(slashed, link);
        let r = c.complete_sign_in(&slashed);
        if s.next {
            let e = r.unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Protocol, "{}: {e:?}", s.name);
            assert_eq!(e.status(), Some(308), "{}", s.name);
            assert!(
                e.message().contains("308") && e.message().contains("trailing slash"),
                "{}: {}",
                s.name,
                e.message()
            );
            assert!(
                !e.message().contains("token="),
                "{}: no link secrets in the message",
                s.name
            );
            assert!(!c.has_session_cookie(), "{}", s.name);
            // The link was not used up: as sent, it still signs in.
            assert!(c.complete_sign_in(&link).unwrap().ok, "{}", s.name);
        } else {
            // Express routes `/callback/email/` like `/callback/email`.
            assert!(r.unwrap().ok, "{}", s.name);
        }
        assert!(c.get_session().unwrap().is_some(), "{}", s.name);
    }
}

#[test]
fn html_404_outside_the_auth_mount_names_the_base_path() {
    for s in http_servers() {
        let c = Client::builder(s.origin())
            .base_path("/api")
            .build()
            .unwrap();
        let e = c.get_session().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Http, "{}: {e:?}", s.name);
        assert_eq!(e.status(), Some(404), "{}", s.name);
        assert!(
            e.message().contains("base path") && e.message().contains("/api"),
            "{}: {}",
            s.name,
            e.message()
        );
    }
}

// ---------------------------------------------------------------------------------
// next-auth 5 in Next.js names itself localhost
// ---------------------------------------------------------------------------------

#[test]
fn next_auth_5_in_next_js_returns_localhost_urls_for_127_0_0_1() {
    for s in [v5_next(), v5_next_tls()] {
        let localhost = s.origin();
        assert!(localhost.contains("://localhost:"), "{localhost}");
        // A client configured with the address the server listens on.
        let mut b = Client::builder(&s.listen_url).user_agent(unique_ua());
        if s.tls {
            b = b.add_root_certificate_file(ca_file());
        }
        let c = b.build().unwrap();
        let p = c.get_providers().unwrap();
        assert_eq!(
            p["github"].signin_url,
            format!("{localhost}/api/auth/signin/github"),
            "{}: even AUTH_URL's host is rewritten",
            s.name
        );
        // Requests still work: cookies come from the 127.0.0.1 replies.
        let r = c
            .sign_in(Some("credentials"), creds("alice", "alice-password"))
            .unwrap();
        assert!(r.ok, "{}: {r:?}", s.name);
        assert_eq!(r.url.as_deref(), Some(localhost.as_str()), "{}", s.name);
        assert!(c.get_session().unwrap().is_some(), "{}", s.name);
        c.sign_out(SignOutOptions::default()).unwrap();
        // An absolute callbackUrl naming 127.0.0.1 is another origin to the server: its
        // redirect callback replaces it with its own (localhost) origin.
        let r = c
            .sign_in(
                Some("credentials"),
                creds("alice", "alice-password").callback_url(format!("{}/welcome", s.listen_url)),
            )
            .unwrap();
        assert!(r.ok, "{}: {r:?}", s.name);
        assert_eq!(r.url.as_deref(), Some(localhost.as_str()), "{}", s.name);
        let r = c
            .sign_in(
                Some("credentials"),
                creds("alice", "alice-password").callback_url("/welcome"),
            )
            .unwrap();
        assert_eq!(
            r.url,
            Some(format!("{localhost}/welcome")),
            "{}: a relative one is kept",
            s.name
        );
        c.sign_out(SignOutOptions::default()).unwrap();

        // The magic link names localhost: another origin for this client, which
        // refuses to send its cookies there and says which URL to use.
        let email = unique_email("localhost");
        let r = c
            .sign_in(
                Some("email"),
                SignInOptions::new().field("email", email.clone()),
            )
            .unwrap();
        assert!(r.ok, "{}: {r:?}", s.name);
        let link = s.magic_link(&email);
        assert!(link.starts_with(&format!("{localhost}/")), "{}", s.name);
        let e = c.complete_sign_in(&link).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{}: {e:?}", s.name);
        println!("{}: {}", s.name, e.message());
        assert!(
            e.message().contains(&localhost),
            "{}: the message names {localhost}: {}",
            s.name,
            e.message()
        );
        assert!(!e.message().contains("token="), "{}", s.name);
        assert!(!c.has_session_cookie(), "{}: nothing changed", s.name);

        // With the localhost URL (what the server calls itself) the same link works.
        let lc = s.client();
        let done = lc.complete_sign_in(&link).unwrap();
        assert!(done.ok, "{}: {done:?}", s.name);
        assert_eq!(
            lc.get_session().unwrap().unwrap().user.email.as_deref(),
            Some(email.as_str())
        );
    }
}

// ---------------------------------------------------------------------------------
// Smaller differences between versions
// ---------------------------------------------------------------------------------

#[test]
fn next_auth_4_22_accepts_an_address_without_a_dot_in_the_domain() {
    // next-auth 4.24 refuses `a@b` (EmailSignin); 4.22 sends it a link.
    for s in [v4(), v4_22()] {
        let r = s
            .client()
            .sign_in(Some("email"), SignInOptions::new().field("email", "a@b"))
            .unwrap();
        if s.id == "v4-22" {
            assert!(r.ok, "{}: {r:?}", s.name);
            assert!(
                r.url
                    .as_deref()
                    .unwrap()
                    .starts_with(&s.auth_url("verify-request")),
                "{}: {r:?}",
                s.name
            );
        } else {
            assert!(!r.ok, "{}: {r:?}", s.name);
            assert_eq!(r.error.as_deref(), Some("EmailSignin"), "{}", s.name);
        }
    }
}

// ---------------------------------------------------------------------------------
// Chunked session cookies: next-auth <= 4.22 joins them in Cookie-header order
// ---------------------------------------------------------------------------------

#[test]
fn chunked_session_is_read_whatever_the_order_of_the_jar() {
    // carol's JWT comes in 3 chunks. next-auth 4.23+ and v5 sort the chunks by index;
    // 4.22 joins them in the order of the Cookie header. Each fresh client gets a new
    // jar (a new hash order), so many fresh clients probe the order the client sends.
    const READS: usize = 24;
    for s in [v4_22(), v4(), v5()] {
        let c = s.client();
        let r = c
            .sign_in(Some("credentials"), creds("carol", "carol-password"))
            .unwrap();
        assert!(r.ok, "{}: {r:?}", s.name);
        assert_eq!(session_cookies(&c).len(), 3, "{}", s.name);
        let exported = c.export_cookies().unwrap();
        let mut missing = 0;
        for _ in 0..READS {
            let fresh = s.client();
            fresh.import_cookies(&exported).unwrap();
            if fresh.get_session().unwrap().is_none() {
                missing += 1;
            }
        }
        assert_eq!(
            missing, 0,
            "{}: {missing} of {READS} fresh clients sent the chunks in an order the server \
             could not join",
            s.name
        );
    }
}

// ---------------------------------------------------------------------------------
// Custom pages (pages.signIn / pages.error with their own query or fragment)
// ---------------------------------------------------------------------------------

/// The `{url}` the server answers a POST of `action` with, read without the client's
/// interpretation (the JS client's request: `X-Auth-Return-Redirect`, `json=true`).
fn raw_post(s: &Server, action: &str, fields: &[(&str, &str)]) -> (u16, String) {
    let c = s.client();
    let token = c.get_csrf_token().unwrap();
    let mut form = vec![
        ("csrfToken".to_string(), token),
        ("callbackUrl".to_string(), s.origin()),
        ("json".to_string(), "true".to_string()),
    ];
    form.extend(fields.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let r = c
        .request(
            "POST",
            &s.auth_url(action),
            Some(Body::Form(form)),
            &[("X-Auth-Return-Redirect".into(), "1".into())],
        )
        .unwrap();
    let url = r.json().unwrap()["url"].as_str().unwrap().to_string();
    (r.status, url)
}

#[test]
fn custom_pages_urls_the_servers_return() {
    // Refused credentials: v4 sends them to its own /error action; v5 appends
    // "?error=" to pages.signIn verbatim, even after a query or inside a fragment.
    // An invalid email address: v4 again its /error action, v5 pages.error with the
    // same verbatim "?error=". GET /error: both redirect to pages.error, joining with
    // "&" after a query but still appending "?error=" after a fragment.
    const V4_REFUSED: &str = "/api/auth/error?error=CredentialsSignin&provider=credentials";
    let expect = [
        (
            v4_pages_query(),
            (401, V4_REFUSED),
            (200, "/api/auth/error?error=EmailSignin"),
            "/login#signin?error=Configuration",
        ),
        (
            v4_pages_fragment(),
            (401, V4_REFUSED),
            (200, "/api/auth/error?error=EmailSignin"),
            "/login?from=app&error=Configuration",
        ),
        (
            v5_pages_query(),
            (
                200,
                "/login?from=app?error=CredentialsSignin&code=credentials",
            ),
            (200, "/login#signin?error=Configuration"),
            "/login#signin?error=Configuration",
        ),
        (
            v5_pages_fragment(),
            (
                200,
                "/login#signin?error=CredentialsSignin&code=credentials",
            ),
            (200, "/login?from=app?error=Configuration"),
            "/login?from=app&error=Configuration",
        ),
    ];
    for (s, refused, bad_email, error_page) in expect {
        let creds_reply = raw_post(
            &s,
            "callback/credentials",
            &[("username", "alice"), ("password", "wrong")],
        );
        assert_eq!(
            creds_reply,
            (refused.0, format!("{}{}", s.origin(), refused.1)),
            "{}",
            s.name
        );
        let email_reply = raw_post(&s, "signin/email", &[("email", "not-an-address")]);
        assert_eq!(
            email_reply,
            (bad_email.0, format!("{}{}", s.origin(), bad_email.1)),
            "{}",
            s.name
        );
        let r = s
            .client()
            .request("GET", &s.auth_url("error?error=Configuration"), None, &[])
            .unwrap();
        assert_eq!(r.status, 302, "{}", s.name);
        assert_eq!(
            r.header("location"),
            Some(error_page),
            "{}: relative",
            s.name
        );
        // A good password still signs in, with the callback URL.
        let ok = raw_post(
            &s,
            "callback/credentials",
            &[("username", "alice"), ("password", "alice-password")],
        );
        assert_eq!(ok, (200, s.origin()), "{}", s.name);
    }
}

#[test]
fn custom_pages_refused_sign_in_is_read_as_refused() {
    // Every variant is checked before the verdict, so a failure lists all of them.
    let mut misread = Vec::new();
    for s in pages_servers() {
        let c = s.client();
        let r = c
            .sign_in(Some("credentials"), creds("alice", "wrong"))
            .unwrap();
        if r.ok || r.error.as_deref() != Some("CredentialsSignin") {
            misread.push(format!("{}: {r:?}", s.name));
        }
        assert!(!c.has_session_cookie(), "{}", s.name);
        // And the good password works on the same server.
        sign_in_alice(&c);
        assert!(c.get_session().unwrap().is_some(), "{}", s.name);
    }
    assert!(
        misread.is_empty(),
        "refused sign-ins read as something else:\n{}",
        misread.join("\n")
    );
}
