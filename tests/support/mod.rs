//! Shared helpers for the integration tests: where the real Auth.js servers are.
//!
//! The servers are started by `tests/servers/with-servers.sh`, which exports their
//! URLs. Without them these tests fail (they never skip): run `make test`.
#![allow(dead_code)]

use authjs::{Client, SignInOptions};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

pub struct Server {
    pub name: &'static str,
    pub url: String,
    pub mail_dir: PathBuf,
    pub v4: bool,
    pub tls: bool,
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!(
            "{name} is not set: these tests need the real Auth.js servers; run them with \
             `make test` or `bash tests/servers/with-servers.sh cargo test`"
        )
    })
}

pub fn v4() -> Server {
    Server {
        name: "next-auth v4",
        url: env("AUTHJS_TEST_V4_URL"),
        mail_dir: env("AUTHJS_TEST_V4_MAIL_DIR").into(),
        v4: true,
        tls: false,
    }
}

pub fn v5() -> Server {
    Server {
        name: "@auth/express v5",
        url: env("AUTHJS_TEST_V5_URL"),
        mail_dir: env("AUTHJS_TEST_V5_MAIL_DIR").into(),
        v4: false,
        tls: false,
    }
}

pub fn v5_tls() -> Server {
    Server {
        name: "@auth/express v5 over https",
        url: env("AUTHJS_TEST_V5_TLS_URL"),
        mail_dir: env("AUTHJS_TEST_V5_TLS_MAIL_DIR").into(),
        v4: false,
        tls: true,
    }
}

pub fn ca_file() -> PathBuf {
    env("AUTHJS_TEST_CA").into()
}

/// Both plain-http servers.
pub fn servers() -> Vec<Server> {
    vec![v4(), v5()]
}

/// Both plain-http servers and the https one.
pub fn all_servers() -> Vec<Server> {
    vec![v4(), v5(), v5_tls()]
}

/// A user agent no other test uses, so the server's request counter can be read per
/// client.
pub fn unique_ua() -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    format!(
        "authjs-test/{}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    )
}

pub fn unique_email(tag: &str) -> String {
    let ua = unique_ua();
    let id = ua.rsplit('/').next().unwrap().replace('-', "");
    format!("{tag}-{id}@example.com")
}

impl Server {
    pub fn builder(&self) -> authjs::ClientBuilder {
        let b = Client::builder(&self.url).user_agent(unique_ua());
        if self.tls {
            b.add_root_certificate_file(ca_file())
        } else {
            b
        }
    }

    pub fn client(&self) -> Client {
        self.builder().build().expect("client")
    }

    /// A client plus its user agent, for request counting.
    pub fn counted_client(&self) -> (Client, String) {
        let ua = unique_ua();
        let mut b = Client::builder(&self.url).user_agent(ua.clone());
        if self.tls {
            b = b.add_root_certificate_file(ca_file());
        }
        (b.build().unwrap(), ua)
    }

    /// `{total, byRoute}` of the requests the server received from user agent `ua`.
    pub fn requests(&self, ua: &str) -> serde_json::Value {
        let probe = self.client();
        let q: String = url::form_urlencoded::byte_serialize(ua.as_bytes()).collect();
        let r = probe
            .request("GET", &format!("/api/test/requests?ua={q}"), None, &[])
            .unwrap();
        assert_eq!(r.status, 200, "{}", r.text());
        r.json().unwrap()
    }

    pub fn total_requests(&self, ua: &str) -> u64 {
        self.requests(ua)["total"].as_u64().unwrap()
    }

    /// The magic link the server "mailed" to `email`.
    pub fn magic_link(&self, email: &str) -> String {
        let path = self.mail_dir.join(format!("{email}.txt"));
        std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: no magic link at {}: {e}", self.name, path.display()))
            .trim()
            .to_string()
    }
}

pub fn creds(user: &str, password: &str) -> SignInOptions {
    SignInOptions::new()
        .field("username", user)
        .field("password", password)
}

pub fn sign_in_alice(c: &Client) {
    let r = c
        .sign_in(Some("credentials"), creds("alice", "alice-password"))
        .expect("sign in");
    assert!(r.ok, "alice could not sign in: {r:?}");
}

/// A 127.0.0.1 port nothing listens on.
pub fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    drop(l);
    port
}
