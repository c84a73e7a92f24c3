//! OAuth / OpenID Connect end to end, against the real servers and the real OpenID
//! provider of the tests (`tests/servers/oidc/`, oidc-provider): `sign_in` gives the
//! authorize URL, the provider's pages are driven over HTTP with a jar of their own
//! (a web view's part, `support::oidc`), the redirect back to the Auth.js callback is
//! captured and handed to `complete_sign_in` (or, for `response_mode=form_post`, the
//! page's form to `complete_sign_in_form`).
//!
//! The error cases pin each server's error code (recorded in docs/oauth.md) and that
//! the server rejects them before it redeems the code at the provider (the provider's
//! token-endpoint counter for that code stays 0).

mod support;

use authjs::{Client, FormPost, SignInOptions};
use support::oidc::{Act, Browser, code_of, query_param, token_requests, with_param};
use support::{Server, sign_in_alice};

/// Every library version and router (and one https server).
fn oauth_servers() -> Vec<Server> {
    vec![
        support::v4(),
        support::v4_22(),
        support::v5(),
        support::v5_tls(),
        support::v5_next(),
    ]
}

/// The names of the OAuth check cookies in the client's jar (state, PKCE, nonce).
fn check_cookies(c: &Client) -> Vec<String> {
    c.cookies()
        .into_iter()
        .map(|k| k.name)
        .filter(|n| n.ends_with(".state") || n.contains(".pkce.") || n.ends_with(".nonce"))
        .collect()
}

/// `GET /api/me`: (status, email of the signed-in user).
fn me(c: &Client) -> (u16, Option<String>) {
    let r = c.request("GET", "/api/me", None, &[]).unwrap();
    let email = r
        .json()
        .ok()
        .and_then(|v: serde_json::Value| v["user"]["email"].as_str().map(str::to_string));
    (r.status, email)
}

/// Starts a sign-in with `provider` on `c` and checks the authorize URL and the jar.
fn start(s: &Server, c: &Client, provider: &str) -> String {
    let r = c.sign_in(Some(provider), SignInOptions::new()).unwrap();
    assert!(r.ok, "{}: {r:?}", s.name);
    let url = r.url.unwrap();
    assert!(
        url.starts_with(&format!("{}/auth?", support::oidc::issuer())),
        "{}: {url}",
        s.name
    );
    let mut checks = check_cookies(c);
    checks.sort();
    assert_eq!(
        checks.len(),
        3,
        "{}: state, PKCE and nonce cookies: {checks:?}",
        s.name
    );
    url
}

/// A whole sign-in by redirect for `user`, up to the captured callback URL.
fn callback_for(s: &Server, c: &Client, user: &'static str) -> String {
    let authorize = start(s, c, "oidc");
    let cb = Browser::new()
        .authorize(&authorize, Act::Allow(user))
        .redirect();
    assert!(
        cb.starts_with(&format!("{}?", s.auth_url("callback/oidc"))),
        "{}: {cb}",
        s.name
    );
    cb
}

#[test]
fn redirect_sign_in_end_to_end() {
    for s in oauth_servers() {
        let c = s.client();
        assert_eq!(me(&c).0, 401, "{}", s.name);
        let cb = callback_for(&s, &c, "dana");
        let code = code_of(&cb);
        let r = c.complete_sign_in(&cb).unwrap();
        assert!(r.ok, "{}: {r:?}", s.name);
        assert_eq!(r.error, None, "{}", s.name);
        assert_eq!(
            r.url.as_deref().map(|u| u.trim_end_matches('/')),
            Some(s.origin().as_str()),
            "{}: back at the callbackUrl",
            s.name
        );
        assert_eq!(
            me(&c),
            (200, Some("dana@oidc.example".to_string())),
            "{}",
            s.name
        );
        let session = c.get_session().unwrap().expect("a session");
        assert_eq!(
            session.user.name.as_deref(),
            Some("Dana Scully"),
            "{}",
            s.name
        );
        assert!(c.has_session_cookie(), "{}", s.name);
        assert_eq!(
            check_cookies(&c),
            Vec::<String>::new(),
            "{}: checks used up",
            s.name
        );
        assert_eq!(
            token_requests(&code),
            1,
            "{}: the code was redeemed once",
            s.name
        );
    }
}

#[test]
fn form_post_sign_in_end_to_end() {
    for s in oauth_servers() {
        let c = s.client();
        let authorize = start(&s, &c, "oidc-form");
        assert_eq!(
            query_param(&authorize, "response_mode").as_deref(),
            Some("form_post"),
            "{}",
            s.name
        );
        let html = Browser::new()
            .authorize(&authorize, Act::Allow("erin"))
            .form_post();
        let form = FormPost::from_html(&html).unwrap();
        assert_eq!(form.action, s.auth_url("callback/oidc-form"), "{}", s.name);
        let code = form
            .fields
            .iter()
            .find(|(k, _)| k == "code")
            .map(|(_, v)| v.clone())
            .expect("a code field");
        let r = c.complete_sign_in_form(&form.action, &form.fields).unwrap();
        assert!(r.ok, "{}: {r:?}", s.name);
        assert_eq!(
            me(&c),
            (200, Some("erin@oidc.example".to_string())),
            "{}",
            s.name
        );
        assert_eq!(check_cookies(&c), Vec::<String>::new(), "{}", s.name);
        assert_eq!(token_requests(&code), 1, "{}", s.name);
    }
}

/// The page's HTML as a web view captures it, handed over as it is.
#[test]
fn form_post_from_the_page_html() {
    for s in [support::v4(), support::v5()] {
        let c = s.client();
        let authorize = start(&s, &c, "oidc-form");
        let html = Browser::new()
            .authorize(&authorize, Act::Allow("dana"))
            .form_post();
        let r = c.complete_sign_in_form_html(&html).unwrap();
        assert!(r.ok, "{}: {r:?}", s.name);
        assert_eq!(me(&c).0, 200, "{}", s.name);
    }
}

/// @auth/core reads a form_post callback only from the POST body: the fields as a
/// query of a GET are refused (why `complete_sign_in_form` exists). next-auth 4 reads
/// the query of a GET whatever the response mode.
#[test]
fn form_post_fields_as_a_get_query() {
    for s in oauth_servers() {
        let c = s.client();
        let authorize = start(&s, &c, "oidc-form");
        let form = FormPost::from_html(
            &Browser::new()
                .authorize(&authorize, Act::Allow("dana"))
                .form_post(),
        )
        .unwrap();
        let mut url = url::Url::parse(&form.action).unwrap();
        url.query_pairs_mut().extend_pairs(form.fields.iter());
        let r = c.complete_sign_in(url.as_str()).unwrap();
        if s.v4 {
            assert!(r.ok, "{}: {r:?}", s.name);
        } else {
            assert!(!r.ok, "{}: {r:?}", s.name);
            assert_eq!(r.error.as_deref(), Some("Configuration"), "{}", s.name);
            assert_eq!(me(&c).0, 401, "{}", s.name);
        }
    }
}

#[test]
fn a_pasted_url_with_debris_completes() {
    for s in [support::v4(), support::v5(), support::v5_next()] {
        let c = s.client();
        let cb = callback_for(&s, &c, "erin");
        let pasted = format!("  \"<{cb}#_=_>\"\r\n");
        let r = c.complete_sign_in(&pasted).unwrap();
        assert!(r.ok, "{}: {r:?}", s.name);
        assert_eq!(me(&c).1.as_deref(), Some("erin@oidc.example"), "{}", s.name);
    }
}

/// The error code each server gives for a callback it refuses because a check failed
/// (no or another state, a used-up state cookie): see docs/oauth.md.
fn check_failed_code(s: &Server) -> &'static str {
    if s.v4 {
        "OAuthCallback"
    } else {
        "Configuration"
    }
}

/// Signs alice in with credentials on `c`, then starts and plays an OAuth sign-in.
fn alice_then(s: &Server, act: Act) -> (Client, String) {
    let c = s.client();
    sign_in_alice(&c);
    let authorize = start(s, &c, "oidc");
    let cb = Browser::new().authorize(&authorize, act).redirect();
    (c, cb)
}

fn assert_still_alice(s: &Server, c: &Client) {
    assert_eq!(
        me(c),
        (200, Some("alice@example.com".to_string())),
        "{}: the existing session is untouched",
        s.name
    );
}

#[test]
fn consent_denied_is_refused_and_the_session_kept() {
    for s in oauth_servers() {
        for act in [Act::Deny("dana"), Act::CancelLogin] {
            let (c, cb) = alice_then(&s, act);
            assert_eq!(query_param(&cb, "error").as_deref(), Some("access_denied"));
            let r = c.complete_sign_in(&cb).unwrap();
            assert!(!r.ok, "{}: {r:?}", s.name);
            let want = if s.v4 {
                "Callback"
            } else {
                "OAuthCallbackError"
            };
            assert_eq!(r.error.as_deref(), Some(want), "{}: {act:?}", s.name);
            assert_eq!(r.url, None);
            assert_still_alice(&s, &c);
        }
    }
}

#[test]
fn a_tampered_state_is_refused_before_the_code_is_redeemed() {
    for s in oauth_servers() {
        let (c, cb) = alice_then(&s, Act::Allow("dana"));
        let code = code_of(&cb);
        let state = query_param(&cb, "state").unwrap();
        let tampered = with_param(&cb, "state", &format!("{state}x"));
        let r = c.complete_sign_in(&tampered).unwrap();
        assert!(!r.ok, "{}: {r:?}", s.name);
        assert_eq!(
            r.error.as_deref(),
            Some(check_failed_code(&s)),
            "{}",
            s.name
        );
        assert_eq!(
            token_requests(&code),
            0,
            "{}: no code sent to the provider",
            s.name
        );
        assert_still_alice(&s, &c);
    }
}

/// Another flow's callback (its code and state) completed by this client: refused on
/// the state, the code never redeemed, and the flow it belongs to still completes.
#[test]
fn a_foreign_state_is_refused_and_the_owner_still_completes() {
    for s in oauth_servers() {
        let (victim, _own) = alice_then(&s, Act::Allow("dana"));
        let owner = s.client();
        let foreign = callback_for(&s, &owner, "erin");
        let code = code_of(&foreign);
        let r = victim.complete_sign_in(&foreign).unwrap();
        assert!(!r.ok, "{}: {r:?}", s.name);
        assert_eq!(
            r.error.as_deref(),
            Some(check_failed_code(&s)),
            "{}",
            s.name
        );
        assert_eq!(token_requests(&code), 0, "{}", s.name);
        assert_still_alice(&s, &victim);
        let r = owner.complete_sign_in(&foreign).unwrap();
        assert!(r.ok, "{}: {r:?}", s.name);
        assert_eq!(me(&owner).1.as_deref(), Some("erin@oidc.example"));
    }
}

#[test]
fn a_replayed_callback_is_refused_and_the_session_kept() {
    for s in oauth_servers() {
        let c = s.client();
        let cb = callback_for(&s, &c, "dana");
        let code = code_of(&cb);
        assert!(c.complete_sign_in(&cb).unwrap().ok, "{}", s.name);
        let r = c.complete_sign_in(&cb).unwrap();
        assert!(!r.ok, "{}: {r:?}", s.name);
        assert_eq!(
            r.error.as_deref(),
            Some(check_failed_code(&s)),
            "{}",
            s.name
        );
        assert_eq!(token_requests(&code), 1, "{}: not redeemed again", s.name);
        assert_eq!(me(&c).1.as_deref(), Some("dana@oidc.example"), "{}", s.name);
    }
}

/// A callback completed by a client that never started the flow, which is also what
/// the user's browser does when the provider redirects it to the callback (it has
/// none of the client's check cookies): refused before the code is redeemed, so the
/// URL the user then pastes into the app still completes.
#[test]
fn a_client_that_never_started_the_flow_is_refused_and_the_url_still_completes() {
    for s in oauth_servers() {
        let c = s.client();
        let cb = callback_for(&s, &c, "dana");
        let code = code_of(&cb);
        let stranger = s.client();
        let r = stranger.complete_sign_in(&cb).unwrap();
        assert!(!r.ok, "{}: {r:?}", s.name);
        assert_eq!(
            r.error.as_deref(),
            Some(check_failed_code(&s)),
            "{}",
            s.name
        );
        assert_eq!(me(&stranger).0, 401, "{}", s.name);
        assert_eq!(token_requests(&code), 0, "{}: not redeemed", s.name);
        let r = c.complete_sign_in(&cb).unwrap();
        assert!(r.ok, "{}: {r:?}", s.name);
        assert_eq!(token_requests(&code), 1, "{}", s.name);
    }
}

/// The callback URL and the form's fields are one-time secrets: never in a message.
#[test]
fn callback_secrets_are_in_no_error_or_debug() {
    let s = support::v5();
    let c = s.client();
    let cb = callback_for(&s, &c, "dana");
    let code = code_of(&cb);
    let state = query_param(&cb, "state").unwrap();
    let elsewhere = cb.replacen("127.0.0.1", "localhost", 1);
    let e = c.complete_sign_in(&elsewhere).unwrap_err();
    let foreign_form = c
        .complete_sign_in_form(&elsewhere, &[("code".into(), code.clone())])
        .unwrap_err();
    for text in [
        e.to_string(),
        format!("{e:?}"),
        foreign_form.to_string(),
        format!(
            "{:?}",
            FormPost {
                action: cb.clone(),
                fields: vec![("code".into(), code.clone())]
            }
        ),
    ] {
        assert!(!text.contains(&code) && !text.contains(&state), "{text}");
    }
    let r = c.complete_sign_in(&cb).unwrap();
    assert!(!format!("{r:?}").contains(&code));
}
