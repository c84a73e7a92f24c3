//! Servers with custom pages whose URL has its own query or fragment
//! (`pages.signIn`/`pages.error` = `/login?from=app` or `/login#signin`).
//!
//! @auth/core builds its error redirect as `${origin}${pagePath}?${params}`, so a wrong
//! password comes back as `/login?from=app?error=CredentialsSignin&code=credentials` or
//! `/login#signin?error=…`, where a plain query parser finds no `error` (and the JS
//! client reports `ok: true`). next-auth 4 answers a sign-in POST with
//! `<base>/error?error=…` whatever `pages` says; both must read as failures.
//!
//! The servers are the `pages` variants of `tests/servers/with-servers.sh`
//! (`AUTHJS_TEST_{V4,V5}_PAGES_{QUERY,FRAGMENT}_URL`).

mod support;

use authjs::Client;
use support::*;

struct Variant {
    name: String,
    url: String,
    v4: bool,
}

fn variants() -> Vec<Variant> {
    let mut out = Vec::new();
    for (version, v4) in [("V4", true), ("V5", false)] {
        for page in ["QUERY", "FRAGMENT"] {
            let var = format!("AUTHJS_TEST_{version}_PAGES_{page}_URL");
            let url = std::env::var(&var).unwrap_or_else(|_| {
                panic!(
                    "{var} is not set: these tests need the real Auth.js servers with custom \
                     pages; run them with `make test` or `bash tests/servers/with-servers.sh \
                     cargo test --test custom_pages`"
                )
            });
            out.push(Variant {
                name: format!("{version} pages {page}"),
                url,
                v4,
            });
        }
    }
    out
}

fn client(v: &Variant) -> Client {
    Client::builder(&v.url)
        .user_agent(unique_ua())
        .build()
        .expect("client")
}

#[test]
fn wrong_password_is_an_error_wherever_the_page_puts_it() {
    for v in variants() {
        let c = client(&v);
        let r = c
            .sign_in(Some("credentials"), creds("alice", "wrong-password"))
            .unwrap();
        assert!(!r.ok, "{}: {r:?}", v.name);
        assert_eq!(r.error.as_deref(), Some("CredentialsSignin"), "{}", v.name);
        let code = if v.v4 { None } else { Some("credentials") };
        assert_eq!(r.code.as_deref(), code, "{}", v.name);
        assert_eq!(r.url, None, "{}", v.name);
        assert!(!c.has_session_cookie(), "{}", v.name);
        assert!(c.get_session().unwrap().is_none(), "{}", v.name);
    }
}

#[test]
fn right_password_signs_in() {
    for v in variants() {
        let c = client(&v);
        // The app's own query may mention "error": that is not an error.
        let r = c
            .sign_in(
                Some("credentials"),
                creds("alice", "alice-password").callback_url("/welcome?from=error"),
            )
            .unwrap();
        assert!(r.ok, "{}: {r:?}", v.name);
        assert_eq!(r.error, None, "{}", v.name);
        assert_eq!(
            r.url.as_deref(),
            Some(format!("{}/welcome?from=error", v.url).as_str()),
            "{}",
            v.name
        );
        let s = c.get_session().unwrap().expect("signed in");
        assert_eq!(s.user.name.as_deref(), Some("Alice Liddell"), "{}", v.name);
    }
}

/// A bad magic link is a `Verification` error, which @auth/core sends to
/// `pages.error` (next-auth 4 to `<base>/error`).
#[test]
fn bad_magic_link_is_an_error_wherever_the_page_puts_it() {
    for v in variants() {
        let c = client(&v);
        let r = c
            .complete_sign_in(
                "/api/auth/callback/email?token=not-a-token&email=nobody%40example.com",
            )
            .unwrap();
        assert!(!r.ok, "{}: {r:?}", v.name);
        assert_eq!(r.error.as_deref(), Some("Verification"), "{}", v.name);
        assert!(c.get_session().unwrap().is_none(), "{}", v.name);
    }
}
