//! Shared helpers for the integration tests: where the real Auth.js servers are.
//!
//! The servers are started by `tests/servers/with-servers.sh`, which exports their
//! URLs. Without them these tests fail (they never skip): run `make test`.
#![allow(dead_code)]

use authjs::{Client, SignInOptions};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

/// One running test server and the facts about it that tests branch on.
pub struct Server {
    /// Short id, as in `tests/servers/README.md` (`v4`, `v5-next-tls`, ...).
    pub id: &'static str,
    pub name: &'static str,
    /// What a client is configured with. For next-auth 5 in Next.js this is the
    /// `localhost` form, because that server names itself `localhost` in every URL it
    /// returns (see [`Server::listen_url`] and docs/servers.md).
    pub url: String,
    /// `scheme://127.0.0.1:port`, where the server listens (the launcher's URL).
    pub listen_url: String,
    pub mail_dir: PathBuf,
    /// next-auth 4 (`next-auth.*` cookies, 401 on refused credentials, ...).
    pub v4: bool,
    pub tls: bool,
    /// `session: { strategy: "database" }`: credentials sign-in creates no session.
    pub database: bool,
    /// Where the auth API is mounted (`/api/auth` unless the variant says otherwise).
    pub base_path: &'static str,
    /// Next.js (`next-auth` in a Next app): 308 for a trailing slash, HTML 404 pages.
    pub next: bool,
    /// next-auth 5 in Next.js rewrites `127.x`/`[::1]` to `localhost` in returned URLs.
    pub rewrites_loopback: bool,
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!(
            "{name} is not set: these tests need the real Auth.js servers; run them with \
             `make test` or `bash tests/servers/with-servers.sh cargo test`"
        )
    })
}

/// The origin of a launcher URL (`http://127.0.0.1:P/auth` -> `http://127.0.0.1:P`).
fn origin_of(url: &str) -> String {
    url::Url::parse(url)
        .unwrap_or_else(|e| panic!("{url}: {e}"))
        .origin()
        .ascii_serialization()
}

/// A server started by the launcher; `var` is the middle of `AUTHJS_TEST_<var>_URL`.
fn server(id: &'static str, name: &'static str, var: &str) -> Server {
    let launched = env(&format!("AUTHJS_TEST_{var}_URL"));
    let listen_url = origin_of(&launched);
    let rewrites_loopback = id.starts_with("v5-next");
    let url = if rewrites_loopback {
        listen_url.replacen("127.0.0.1", "localhost", 1)
    } else {
        launched.clone()
    };
    Server {
        id,
        name,
        url,
        listen_url,
        mail_dir: env(&format!("AUTHJS_TEST_{var}_MAIL_DIR")).into(),
        v4: id.starts_with("v4"),
        tls: launched.starts_with("https:"),
        database: id.ends_with("-db"),
        base_path: if id == "v5-basepath" {
            "/auth"
        } else {
            "/api/auth"
        },
        next: id.starts_with("v4") || id.starts_with("v5-next"),
        rewrites_loopback,
    }
}

pub fn v4() -> Server {
    server("v4", "next-auth 4.24 (Next.js 16, pages router)", "V4")
}

pub fn v4_22() -> Server {
    server(
        "v4-22",
        "next-auth 4.22 (Next.js 13, pages router)",
        "V4_22",
    )
}

pub fn v4_db() -> Server {
    server("v4-db", "next-auth 4.24, database sessions", "V4_DB")
}

pub fn v4_pages_query() -> Server {
    server(
        "v4-pages-query",
        "next-auth 4.24, pages.signIn with a query",
        "V4_PAGES_QUERY",
    )
}

pub fn v4_pages_fragment() -> Server {
    server(
        "v4-pages-fragment",
        "next-auth 4.24, pages.signIn with a fragment",
        "V4_PAGES_FRAGMENT",
    )
}

pub fn v5() -> Server {
    server("v5", "@auth/express v5", "V5")
}

pub fn v5_tls() -> Server {
    server("v5-tls", "@auth/express v5 over https", "V5_TLS")
}

pub fn v5_db() -> Server {
    server("v5-db", "@auth/express v5, database sessions", "V5_DB")
}

pub fn v5_basepath() -> Server {
    server(
        "v5-basepath",
        "@auth/express v5 mounted at /auth",
        "V5_BASEPATH",
    )
}

pub fn v5_pages_query() -> Server {
    server(
        "v5-pages-query",
        "@auth/express v5, pages.signIn with a query",
        "V5_PAGES_QUERY",
    )
}

pub fn v5_pages_fragment() -> Server {
    server(
        "v5-pages-fragment",
        "@auth/express v5, pages.signIn with a fragment",
        "V5_PAGES_FRAGMENT",
    )
}

pub fn v5_next() -> Server {
    server(
        "v5-next",
        "next-auth 5 beta (Next.js 16, App Router)",
        "V5_NEXT",
    )
}

pub fn v5_next_tls() -> Server {
    server(
        "v5-next-tls",
        "next-auth 5 beta (Next.js 16, App Router) over https",
        "V5_NEXT_TLS",
    )
}

pub fn ca_file() -> PathBuf {
    env("AUTHJS_TEST_CA").into()
}

/// The original plain-http pair (next-auth 4.24 and @auth/express), for tests of the
/// client's own behaviour where one server per generation is enough.
pub fn servers() -> Vec<Server> {
    vec![v4(), v5()]
}

/// Every server the full operation set applies to: every library version, router,
/// transport, session strategy and base path the tests run. (The custom-pages
/// variants differ only in refused sign-ins; `tests/servers.rs` covers them.)
pub fn all_servers() -> Vec<Server> {
    vec![
        v4(),
        v4_22(),
        v4_db(),
        v5(),
        v5_tls(),
        v5_db(),
        v5_basepath(),
        v5_next(),
        v5_next_tls(),
    ]
}

/// The plain-http servers of [`all_servers`].
pub fn http_servers() -> Vec<Server> {
    all_servers().into_iter().filter(|s| !s.tls).collect()
}

/// The custom-pages variants.
pub fn pages_servers() -> Vec<Server> {
    vec![
        v4_pages_query(),
        v4_pages_fragment(),
        v5_pages_query(),
        v5_pages_fragment(),
    ]
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

/// Magic-link files are per address and overwritten: sign-ins of one address by
/// email are serialised within a test binary so that no test reads another's link.
static EMAIL_SIGN_IN: std::sync::Mutex<()> = std::sync::Mutex::new(());

impl Server {
    /// `scheme://host:port` of [`Server::url`] (what returned URLs start with).
    pub fn origin(&self) -> String {
        origin_of(&self.url)
    }

    /// The API URL of `action`, as the server names it (`<origin><base path>/<action>`).
    pub fn auth_url(&self, action: &str) -> String {
        format!("{}{}/{action}", self.origin(), self.base_path)
    }

    /// Session cookie name prefix: `next-auth` (v4) or `authjs` (v5).
    pub fn cookie_prefix(&self) -> &'static str {
        if self.v4 { "next-auth" } else { "authjs" }
    }

    /// Signs `email` in by magic link (the only way to a database session) and
    /// returns the completed sign-in. The link is redeemed by `c` itself.
    pub fn sign_in_by_email(&self, c: &Client, email: &str) -> authjs::SignInResponse {
        let _serial = EMAIL_SIGN_IN.lock().unwrap_or_else(|e| e.into_inner());
        let r = c
            .sign_in(Some("email"), SignInOptions::new().field("email", email))
            .expect("email sign-in");
        assert!(r.ok, "{}: email sign-in refused: {r:?}", self.name);
        let done = c
            .complete_sign_in(&self.magic_link(email))
            .expect("magic link");
        assert!(done.ok, "{}: magic link refused: {done:?}", self.name);
        done
    }

    /// Signs alice in the way the server supports: credentials, or on a database
    /// server her magic link (the adapter knows alice@example.com as user "1").
    pub fn sign_in_alice(&self, c: &Client) {
        if self.database {
            self.sign_in_by_email(c, "alice@example.com");
        } else {
            sign_in_alice(c);
        }
    }

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
        (self.builder().user_agent(ua.clone()).build().unwrap(), ua)
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

/// The URL a client of fault scenario `scenario` is configured with: the fault server
/// the launcher started (`tests/fault-server`), scenario as the base path.
pub fn fault_url(scenario: &str) -> String {
    format!("{}/{scenario}", env("AUTHJS_TEST_FAULT_URL"))
}

/// `{total, byRoute}` of the requests the fault server received from user agent `ua`.
pub fn fault_requests(ua: &str) -> serde_json::Value {
    let q: String = url::form_urlencoded::byte_serialize(ua.as_bytes()).collect();
    let probe = Client::new(&env("AUTHJS_TEST_FAULT_URL")).expect("fault server client");
    let r = probe
        .request("GET", &format!("/__requests?ua={q}"), None, &[])
        .expect("GET /__requests");
    assert_eq!(r.status, 200, "{}", r.text());
    r.json().expect("the request log is JSON")
}
pub mod oidc;
