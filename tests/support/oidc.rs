//! The part a web view plays in an OAuth sign-in, over plain HTTP: the test OpenID
//! provider's pages (`tests/servers/oidc/server.mjs`) driven with a cookie jar of their
//! own, never the client's, until the provider sends the user back to the Auth.js
//! callback. That last navigation is captured, not followed, as an app intercepts it.
//!
//! Plain ureq, so nothing of the library under test is involved in the provider's part.

use std::collections::BTreeMap;

/// The test OpenID provider's issuer (`AUTHJS_TEST_OIDC_URL`).
pub fn issuer() -> String {
    std::env::var("AUTHJS_TEST_OIDC_URL").unwrap_or_else(|_| {
        panic!(
            "AUTHJS_TEST_OIDC_URL is not set: these tests need the test servers; run them \
             with `make test` or `bash tests/servers/with-servers.sh cargo test`"
        )
    })
}

/// What the user does at the provider.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Act {
    /// Signs in (`dana` or `erin`, see the provider) and allows the consent.
    Allow(&'static str),
    /// Signs in, then denies the consent.
    Deny(&'static str),
    /// Cancels on the login page.
    CancelLogin,
}

/// Where the provider sent the user back to the Auth.js server.
#[derive(Debug)]
pub enum Landing {
    /// A redirect (302/303) to the callback URL: `?code=…&state=…` or `?error=…`.
    Redirect(String),
    /// `response_mode=form_post`: the auto-submitting page (status, HTML).
    FormPost(u16, String),
}

impl Landing {
    pub fn redirect(self) -> String {
        match self {
            Landing::Redirect(u) => u,
            other => panic!("expected a redirect to the callback, got {other:?}"),
        }
    }

    pub fn form_post(self) -> String {
        match self {
            Landing::FormPost(_, html) => html,
            other => panic!("expected a form_post page, got {other:?}"),
        }
    }
}

/// A browser at the provider: its own cookies, no redirects followed by ureq.
pub struct Browser {
    agent: ureq::Agent,
    cookies: BTreeMap<String, String>,
    issuer: url::Url,
}

impl Default for Browser {
    fn default() -> Self {
        Self::new()
    }
}

impl Browser {
    pub fn new() -> Browser {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .build()
            .into();
        Browser {
            agent,
            cookies: BTreeMap::new(),
            issuer: url::Url::parse(&issuer()).unwrap(),
        }
    }

    /// Opens `authorize_url` (from `sign_in`) and plays `act` until the provider sends
    /// the user back to another origin (the Auth.js server).
    pub fn authorize(&mut self, authorize_url: &str, act: Act) -> Landing {
        let mut url = url::Url::parse(authorize_url).expect("authorize URL");
        assert_eq!(
            url.origin(),
            self.issuer.origin(),
            "the authorize URL is not the test provider's: {authorize_url}"
        );
        let mut form: Option<Vec<(String, String)>> = None;
        for _ in 0..20 {
            let (status, location, body) = self.send(&url, form.take());
            if let Some(location) = location {
                let next = url.join(&location).expect("Location");
                if next.origin() != self.issuer.origin() {
                    return Landing::Redirect(next.to_string());
                }
                url = next;
                continue;
            }
            if body.contains("<title>Submitting Callback</title>") {
                return Landing::FormPost(status, body);
            }
            assert_eq!(status, 200, "provider page {url}: {body}");
            let (action, fields) = if body.contains("id=\"login\"") {
                match act {
                    Act::CancelLogin => (form_action(&body, "abort"), vec![]),
                    Act::Allow(user) | Act::Deny(user) => (
                        form_action(&body, "login"),
                        vec![
                            ("login".to_string(), user.to_string()),
                            ("password".to_string(), format!("{user}-password")),
                        ],
                    ),
                }
            } else if body.contains("id=\"confirm\"") {
                match act {
                    Act::Allow(_) => (form_action(&body, "confirm"), vec![]),
                    _ => (form_action(&body, "abort"), vec![]),
                }
            } else {
                panic!("unexpected provider page at {url}: {body}");
            };
            url = url.join(&action).unwrap();
            form = Some(fields);
        }
        panic!("the provider did not send the user back within 20 steps");
    }

    fn send(
        &mut self,
        url: &url::Url,
        form: Option<Vec<(String, String)>>,
    ) -> (u16, Option<String>, String) {
        let cookie = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let result = match form {
            Some(fields) => self
                .agent
                .post(url.as_str())
                .header("Cookie", &cookie)
                .send_form(fields),
            None => self
                .agent
                .get(url.as_str())
                .header("Cookie", &cookie)
                .call(),
        };
        let mut resp = result.unwrap_or_else(|e| panic!("provider request {url}: {e}"));
        for sc in resp.headers().get_all("set-cookie") {
            let sc = sc.to_str().unwrap();
            let pair = sc.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            let lower = sc.to_ascii_lowercase();
            if value.is_empty()
                || lower.contains("max-age=0")
                || lower.contains("expires=thu, 01 jan 1970")
            {
                self.cookies.remove(name.trim());
            } else {
                self.cookies
                    .insert(name.trim().to_string(), value.to_string());
            }
        }
        let status = resp.status().as_u16();
        let location = (300..400)
            .contains(&status)
            .then(|| {
                resp.headers()
                    .get("location")
                    .map(|l| l.to_str().unwrap().to_string())
            })
            .flatten();
        let body = resp.body_mut().read_to_string().unwrap_or_default();
        (status, location, body)
    }
}

/// The `action` of the form with `id="<id>"` on a provider page.
fn form_action(html: &str, id: &str) -> String {
    let at = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no form {id} in {html}"));
    let tag_start = html[..at].rfind("<form").unwrap();
    let tag = &html[tag_start..tag_start + html[tag_start..].find('>').unwrap()];
    let a = tag.find("action=\"").unwrap() + "action=\"".len();
    tag[a..a + tag[a..].find('"').unwrap()].to_string()
}

/// Token-endpoint requests that carried `code`: did a server redeem (or try to redeem)
/// the code of this callback?
pub fn token_requests(code: &str) -> u64 {
    let q: String = url::form_urlencoded::byte_serialize(code.as_bytes()).collect();
    let mut resp = ureq::get(&format!("{}/__token-requests?code={q}", issuer()))
        .call()
        .expect("GET /__token-requests");
    let v: serde_json::Value = resp.body_mut().read_json().expect("JSON");
    v["count"].as_u64().unwrap()
}

/// The `code` query parameter (or form field) of a callback.
pub fn code_of(callback: &str) -> String {
    query_param(callback, "code").unwrap_or_else(|| panic!("no code in {callback}"))
}

pub fn query_param(url: &str, name: &str) -> Option<String> {
    url::Url::parse(url)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// `url` with query parameter `name` set to `value`.
pub fn with_param(url: &str, name: &str, value: &str) -> String {
    let mut u = url::Url::parse(url).unwrap();
    let pairs: Vec<(String, String)> = u
        .query_pairs()
        .map(|(k, v)| {
            let v = if k == name {
                value.to_string()
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    u.query_pairs_mut().clear().extend_pairs(pairs);
    u.to_string()
}
