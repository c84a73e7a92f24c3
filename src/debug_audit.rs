//! `Debug` of every public type, with secrets inside: none may appear in `{:?}` or
//! `{:#?}` (logs are where `Debug` output ends up). URLs keep their scheme, host and
//! path; queries, fragments and user info are redacted; cookie values, tokens,
//! passwords and form field values never show.
//!
//! Needs no server. A unit test (not in `tests/`) because the result types are
//! `#[non_exhaustive]`: only the crate can build them with secrets inside.

use crate::{
    Body, Client, Endpoint, Provider, Response, Session, SignInOptions, SignInResponse,
    SignOutOptions, SignOutResponse,
};
// A separate import keeps the list above as it is on other branches.
use crate::FormPost;
use serde_json::json;

/// Every secret below contains this marker.
const MARK: &str = "SECRET";

/// Records (in `failures`) a secret in `value`'s Debug output, or a lost detail.
fn check(failures: &mut Vec<String>, what: &str, value: &dyn std::fmt::Debug, show: &[&str]) {
    for out in [format!("{value:?}"), format!("{value:#?}")] {
        if out.contains(MARK) {
            failures.push(format!("{what}: a secret in Debug: {out}"));
            return;
        }
        for s in show {
            if !out.contains(s) {
                failures.push(format!("{what}: Debug lost {s:?}: {out}"));
                return;
            }
        }
    }
}

#[test]
fn no_public_type_prints_a_secret_in_debug() {
    let mut failures = Vec::new();
    let f = &mut failures;
    let builder = Client::builder("https://user:pwSECRET@auth.example.com/api/auth")
        .cookie_header("next-auth.session-token=cookieSECRET")
        .proxy("http://proxyuser:proxySECRET@proxy.example:3128")
        .user_agent("ua/1");
    check(f, "ClientBuilder", &builder, &["auth.example.com/api/auth"]);

    let builder = Client::builder("https://auth.example.com/?q=querySECRET#fragSECRET");
    check(f, "ClientBuilder (query)", &builder, &["auth.example.com"]);
    let err = builder.build().unwrap_err();
    check(f, "Error (query)", &err, &["query"]);
    let err = Client::builder("https://user:pwSECRET@auth.example.com")
        .build()
        .unwrap_err();
    check(f, "Error (user info)", &err, &["InvalidArgument"]);

    let client = Client::builder("http://127.0.0.1:3000")
        .cookie_header("next-auth.session-token=cookieSECRET; next-auth.csrf-token=csrfSECRET")
        .build()
        .unwrap();
    check(f, "Client", &client, &["127.0.0.1:3000"]);
    for cookie in client.cookies() {
        check(f, "CookieInfo", &cookie, &[&cookie.name]);
    }
    check(
        f,
        "Endpoint",
        client.endpoint(),
        &["127.0.0.1:3000/api/auth"],
    );
    let endpoint = Endpoint::parse("http://127.0.0.1:3000", None).unwrap();
    check(f, "Endpoint", &endpoint, &["/api/auth"]);

    check(
        f,
        "Body::Json",
        &Body::Json(json!({"password": "pwSECRET"})),
        &["Json"],
    );
    check(
        f,
        "Body::Form",
        &Body::Form(vec![("password".into(), "pwSECRET".into())]),
        &["password"],
    );
    check(
        f,
        "Body::Raw",
        &Body::Raw {
            content_type: "text/plain".into(),
            bytes: b"bodySECRET".to_vec(),
        },
        &["text/plain"],
    );

    let options = SignInOptions::new()
        .callback_url("https://app.example.com/after?next=nextSECRET#fragSECRET")
        .field("username", "alice")
        .field("password", "pwSECRET")
        .authorization_param("login_hint", "hintSECRET");
    check(
        f,
        "SignInOptions",
        &options,
        &["app.example.com/after", "password", "login_hint"],
    );
    let options = SignInOptions::new().callback_url("/after?next=nextSECRET");
    check(f, "SignInOptions (path)", &options, &["/after"]);
    let options = SignOutOptions {
        callback_url: Some("https://app.example.com/bye?t=tokSECRET#fragSECRET".into()),
    };
    check(f, "SignOutOptions", &options, &["app.example.com/bye"]);

    let oauth = SignInResponse {
        error: None,
        code: None,
        status: 200,
        ok: true,
        url: Some(
            "https://github.com/login/oauth/authorize?client_id=fake&state=stateSECRET\
             &code_challenge=pkceSECRET&redirect_uri=x"
                .into(),
        ),
    };
    check(
        f,
        "SignInResponse",
        &oauth,
        &["https://github.com/login/oauth/authorize", "ok: true"],
    );
    let magic = SignOutResponse {
        url: "http://127.0.0.1:3000/api/auth/callback/email?token=tokenSECRET&email=a".into(),
    };
    check(f, "SignOutResponse", &magic, &["/api/auth/callback/email"]);

    // A form_post callback: the code and state are one-time secrets, and the action
    // (the server's callback URL) may carry a query.
    let form = FormPost {
        action: "http://127.0.0.1:3000/api/auth/callback/apple?x=qSECRET".into(),
        fields: vec![
            ("code".into(), "codeSECRET".into()),
            ("state".into(), "stateSECRET".into()),
        ],
    };
    check(
        f,
        "FormPost",
        &form,
        &["/api/auth/callback/apple", "code", "state"],
    );

    let provider = Provider {
        id: "github".into(),
        name: "GitHub".into(),
        kind: "oauth".into(),
        signin_url: "http://h/api/auth/signin/github?x=qSECRET".into(),
        callback_url: "http://h/api/auth/callback/github#fSECRET".into(),
    };
    check(
        f,
        "Provider",
        &provider,
        &["github", "/api/auth/signin/github"],
    );

    // The session callback may copy an OAuth access token into the session (the
    // next-auth docs show `session.accessToken = token.accessToken`), and images are
    // often presigned URLs.
    let session = Session::from_json(json!({
        "user": {
            "name": "Alice",
            "email": "alice@example.com",
            "image": "https://cdn.example.com/a.png?X-Amz-Signature=sigSECRET",
            "apiKey": "keySECRET"
        },
        "expires": "2030-01-01T00:00:00.000Z",
        "accessToken": "accessSECRET"
    }))
    .unwrap();
    check(
        f,
        "Session",
        &session,
        &[
            "Alice",
            "cdn.example.com/a.png",
            "accessToken",
            "apiKey",
            "2030",
        ],
    );
    check(f, "User", &session.user, &["Alice", "apiKey"]);

    let response = Response {
        status: 200,
        headers: vec![("x-token".into(), "headerSECRET".into())],
        body: b"bodySECRET".to_vec(),
    };
    check(f, "Response", &response, &["200"]);

    let lookup = crate::Lookup {
        session: Some(session.clone()),
        set_cookies: vec![
            "__Secure-authjs.session-token=tokSECRET; Path=/; Expires=Wed, 01 Jan 2030 \
             00:00:00 GMT; HttpOnly; Secure; SameSite=Lax"
                .into(),
            "authjs.session-token.0=chunkSECRET".into(),
        ],
    };
    check(
        f,
        "Lookup",
        &lookup,
        &[
            "Alice",
            "__Secure-authjs.session-token",
            "authjs.session-token.0",
        ],
    );

    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
