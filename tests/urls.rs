//! Server URLs as people type them, against the real servers: scheme case, a missing
//! scheme in front of a plain-http server, and a server that calls itself by another
//! loopback name than the one the client was given.

mod support;

use authjs::{Client, ErrorKind, SignInOptions};
use support::*;

/// `127.0.0.1:<port>` of a test server URL.
fn host_port(url: &str) -> &str {
    url.split_once("://").unwrap().1.trim_end_matches('/')
}

fn port(url: &str) -> &str {
    host_port(url).rsplit_once(':').unwrap().1
}

#[test]
fn scheme_is_case_insensitive() {
    for s in servers() {
        for scheme in ["HTTP", "Http"] {
            let url = format!("{scheme}://{}", host_port(&s.url));
            let c = Client::builder(&url)
                .user_agent(unique_ua())
                .build()
                .unwrap();
            assert_eq!(
                c.endpoint().base_url(),
                format!("{}/api/auth", s.url),
                "{}: {url}",
                s.name
            );
            sign_in_alice(&c);
            let session = c.get_session().unwrap().expect("signed in");
            assert_eq!(session.user.name.as_deref(), Some("Alice Liddell"), "{url}");
        }
    }
    let s = v5_tls();
    let c = Client::builder(format!("HTTPS://{}", host_port(&s.url)))
        .add_root_certificate_file(ca_file())
        .build()
        .unwrap();
    assert_eq!(c.endpoint().base_url(), format!("{}/api/auth", s.url));
    assert!(c.get_session().unwrap().is_none());
}

/// `localhost:3000` means `https://localhost:3000` (like `NEXTAUTH_URL`); against a
/// plain-http server the TLS handshake gets an HTTP reply, and the error says so and
/// names the URL to use.
#[test]
fn missing_scheme_against_plain_http_says_use_http() {
    for s in servers() {
        let bare = format!("localhost:{}", port(&s.url));
        let c = Client::builder(&bare)
            .user_agent(unique_ua())
            .build()
            .unwrap();
        assert_eq!(c.endpoint().origin(), format!("https://{bare}"));
        let err = c.get_session().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Tls, "{}: {err:?}", s.name);
        let want = format!("use http://{bare}");
        assert!(
            err.message().contains("plain HTTP") && err.message().contains(&want),
            "{}: {:?} should say the server answered in plain HTTP and {want:?}",
            s.name,
            err.message()
        );
    }
}

/// The client is configured with `localhost`, the server calls itself `127.0.0.1`
/// (next-auth 4 builds the magic link from `NEXTAUTH_URL`; next-auth 5 in Next.js
/// rewrites `127.0.0.1` to `localhost`, the same mismatch the other way round). The
/// link is refused (cookies are per host name) and the error names the URL to
/// configure.
#[test]
fn loopback_name_mismatch_names_the_url_to_configure() {
    let s = v4();
    let configured = format!("http://localhost:{}", port(&s.url));
    let c = Client::builder(&configured)
        .user_agent(unique_ua())
        .build()
        .unwrap();
    let email = unique_email("loopback");
    let r = c
        .sign_in(
            Some("email"),
            SignInOptions::new().field("email", email.clone()),
        )
        .unwrap();
    assert!(r.ok, "{r:?}");
    let link = s.magic_link(&email);
    assert!(
        link.starts_with(&s.url),
        "the server calls itself {}: {link}",
        s.url
    );
    let err = c.complete_sign_in(&link).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{err:?}");
    let msg = err.message();
    assert!(msg.contains("refusing to send"), "{msg}");
    assert!(
        msg.contains(&format!("the server calls itself {}", s.url))
            && msg.contains("configure the client with"),
        "{msg}"
    );
    assert!(!msg.contains("token="), "{msg}");
    // The same client configured as the server calls itself redeems the link.
    let right = Client::builder(&s.url).build().unwrap();
    let done = right.complete_sign_in(&link).unwrap();
    assert!(done.ok, "{done:?}");
    assert!(right.get_session().unwrap().is_some());
}
