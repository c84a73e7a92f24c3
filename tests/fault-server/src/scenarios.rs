//! The scenarios, each defined once: a name (the base path a client is configured
//! with), what it stages, and the handler. Most are [`auth_like`], a minimal Auth.js,
//! with one thing changed; `tests/servers/README.md` lists them for the C, C++ and
//! Python suites.

use crate::{Action, Ctx, Request, json, json_string, response};

/// One named scenario.
pub struct Scenario {
    pub name: &'static str,
    pub summary: &'static str,
    pub handler: fn(&Request, &Ctx) -> Action,
}

/// The session bodies that must read as "no session" (fail closed): scenario name and
/// body. Every other request gets the [`auth_like`] answer.
pub const SESSION_SHAPES: &[(&str, &str)] = &[
    ("session-array", "[]"),
    ("session-string", "\"session\""),
    ("session-user-number", r#"{"user":42}"#),
    ("session-empty-object", "{}"),
    ("session-null", "null"),
    ("session-number", "42"),
    (
        "session-error-object",
        r#"{"message":"There is a problem with the server configuration."}"#,
    ),
];

/// Provider lists of the wrong shape (every request answers it): name and body.
pub const PROVIDER_SHAPES: &[(&str, &str)] = &[
    ("providers-array", "[]"),
    ("providers-string", "\"x\""),
    ("providers-incomplete", r#"{"a":{"id":"a"}}"#),
];

/// HTML error pages with these statuses, on every request (`status-500`, ...).
pub const ERROR_STATUSES: &[u16] = &[500, 502, 503];

const FIXED: &[Scenario] = &[
    Scenario {
        name: "webauthn",
        summary: "a minimal Auth.js (the base of the session-* and other one-change \
                  scenarios): csrf gives a token and a CSRF cookie; providers are a \
                  `credentials` provider and a `passkey` of type `webauthn`; any \
                  credentials sign in (cookie next-auth.session-token=tok); the session \
                  is a user while that cookie is sent, else null",
        handler: auth_like,
    },
    Scenario {
        name: "no-session",
        summary: "a well-formed anonymous server: csrf works, providers are credentials \
                  only, the session is null, every sign-in is refused as @auth/core \
                  refuses a wrong password (200, ?error=CredentialsSignin)",
        handler: no_session,
    },
    Scenario {
        name: "html-200",
        summary: "every request: 200 text/html (an app page: a wrong base path)",
        handler: |_, _| {
            Action::Respond(response(
                200,
                "text/html; charset=utf-8",
                &[],
                b"<!DOCTYPE html><html><body>an app page, not the API</body></html>",
            ))
        },
    },
    Scenario {
        name: "server-error",
        summary: "every request: 500 text/plain \"boom\"",
        handler: |_, _| Action::Respond(response(500, "text/plain", &[], b"boom")),
    },
    Scenario {
        name: "csrf-rejected-v4",
        summary: "next-auth v4 refusing every CSRF token: csrf gives a token and a CSRF \
                  cookie; POST session answers 400 {}; every other POST answers 200 \
                  {\"url\":\".../signin?csrf=true\"}",
        handler: |req, ctx| match req.method.as_str() {
            "POST" if ctx.action == "session" => json(400, "{}"),
            "POST" => json(
                200,
                &format!("{{\"url\":{}}}", json_string(&ctx.url("signin?csrf=true"))),
            ),
            _ => auth_like(req, ctx),
        },
    },
    Scenario {
        name: "csrf-rejected-v5",
        summary: "@auth/core refusing every CSRF token: POST session answers 400 null; \
                  every other POST answers 200 {\"url\":\".../signin?error=MissingCSRF\"} \
                  (what @auth/core sends to a client that asks for JSON)",
        handler: |req, ctx| match req.method.as_str() {
            "POST" if ctx.action == "session" => json(400, "null"),
            "POST" => json(
                200,
                &format!(
                    "{{\"url\":{}}}",
                    json_string(&ctx.url("signin?error=MissingCSRF"))
                ),
            ),
            _ => auth_like(req, ctx),
        },
    },
    Scenario {
        name: "signin-html-reply",
        summary: "sign-in POSTs answer 200 text/html (no URL to read)",
        handler: |req, ctx| {
            if ctx.action.starts_with("callback/") {
                Action::Respond(response(200, "text/html", &[], b"<html>login</html>"))
            } else {
                auth_like(req, ctx)
            }
        },
    },
    Scenario {
        name: "session-hang",
        summary: "GET session: the request is read, nothing is ever answered",
        handler: |req, ctx| on_session(req, ctx, |_| Action::Hang),
    },
    Scenario {
        name: "session-stall",
        summary: "GET session: headers and the start of the body, then silence",
        handler: |req, ctx| on_session(req, ctx, |_| Action::Stall(partial_session())),
    },
    Scenario {
        name: "session-reset",
        summary: "GET session: headers and the start of the body, then a TCP reset",
        handler: |req, ctx| on_session(req, ctx, |_| Action::Reset(partial_session())),
    },
    Scenario {
        name: "session-html-200",
        summary: "GET session: 200 text/html",
        handler: |req, ctx| {
            on_session(req, ctx, |_| {
                Action::Respond(response(
                    200,
                    "text/html",
                    &[],
                    b"<!DOCTYPE html><html>app page</html>",
                ))
            })
        },
    },
    Scenario {
        name: "session-truncated",
        summary: "GET session: JSON cut short",
        handler: |req, ctx| on_session(req, ctx, |_| json(200, r#"{"user":{"name":"A""#)),
    },
    Scenario {
        name: "session-redirect-loop",
        summary: "GET session: 302 to itself",
        handler: |req, ctx| {
            on_session(req, ctx, |ctx| {
                Action::Respond(response(
                    302,
                    "text/plain",
                    &[&format!("location: {}/session", ctx.base)],
                    b"",
                ))
            })
        },
    },
    Scenario {
        name: "session-foreign-cookies",
        summary: "GET session: {} with cookies for other domains (evil.test, example.com)",
        handler: |req, ctx| {
            on_session(req, ctx, |_| {
                Action::Respond(response(
                    200,
                    "application/json",
                    &[
                        "set-cookie: next-auth.session-token=evil; Domain=evil.test; Path=/",
                        "set-cookie: tracker=1; Domain=example.com; Path=/",
                    ],
                    b"{}",
                ))
            })
        },
    },
    Scenario {
        name: "session-invalid-utf8",
        summary: "GET session: a cookie, a header and a JSON body that are not UTF-8",
        handler: |req, ctx| {
            on_session(req, ctx, |_| {
                Action::Respond(
                    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nset-cookie: bad=\xff\xfe; Path=/\r\nx-junk: \xc3\x28\r\ncontent-length: 9\r\n\r\n{\"a\":\"\xff\"}".to_vec(),
                )
            })
        },
    },
    Scenario {
        name: "redirect-elsewhere",
        summary: "the credentials callback and the app route `<base>/app` answer 302 to \
                  another origin's /steal, with a session cookie",
        handler: |req, ctx| {
            if ctx.action == "callback/credentials" || ctx.action == "app" {
                Action::Respond(response(
                    302,
                    "text/plain",
                    &[
                        &format!("location: {}/steal", ctx.elsewhere),
                        "set-cookie: next-auth.session-token=tok; Path=/",
                    ],
                    b"",
                ))
            } else {
                auth_like(req, ctx)
            }
        },
    },
    Scenario {
        name: "oversized-body",
        summary: "every request: Content-Length 50 MB, 3 MB of it sent",
        handler: |_, _| {
            let mut head = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 50000000\r\n\r\n".to_vec();
            head.extend(std::iter::repeat_n(b' ', 3_000_000));
            Action::Respond(head)
        },
    },
    Scenario {
        name: "cookies-5000",
        summary: "every request: null with 5000 Set-Cookie headers in one reply",
        handler: |_, _| with_cookies(5000, |i| format!("c{i}=v; Path=/")),
    },
    Scenario {
        name: "cookies-60-per-reply",
        summary: "every request: null with 60 new cookies (names differ per request of \
                  one user agent: c<n>x<i>)",
        handler: |_, ctx| with_cookies(60, |i| format!("c{}x{i}=v; Path=/", ctx.nth)),
    },
    Scenario {
        name: "cookies-40-large",
        summary: "every request: null with 40 cookies of 1200 bytes (a 50 kB jar)",
        handler: |_, _| {
            with_cookies(40, |i| {
                format!("c{i}={}; Path=/; Max-Age=3600", "v".repeat(1200))
            })
        },
    },
];

/// Every scenario.
pub fn all() -> Vec<Scenario> {
    let mut all: Vec<Scenario> = FIXED
        .iter()
        .map(|s| Scenario {
            name: s.name,
            summary: s.summary,
            handler: s.handler,
        })
        .collect();
    all.extend(SESSION_SHAPES.iter().map(|&(name, _)| Scenario {
        name,
        summary: "GET session: a body of the wrong shape (see SESSION_SHAPES)",
        handler: |req, ctx| {
            on_session(req, ctx, |ctx| {
                json(200, table_body(SESSION_SHAPES, ctx).unwrap_or("null"))
            })
        },
    }));
    all.extend(PROVIDER_SHAPES.iter().map(|&(name, _)| Scenario {
        name,
        summary: "every request: a provider list of the wrong shape (see PROVIDER_SHAPES)",
        handler: |_, ctx| json(200, table_body(PROVIDER_SHAPES, ctx).unwrap_or("null")),
    }));
    all.extend(ERROR_STATUSES.iter().map(|status| Scenario {
        name: match status {
            500 => "status-500",
            502 => "status-502",
            _ => "status-503",
        },
        summary: "every request: this status with an HTML error page (\"Bad Gateway\")",
        handler: |_, ctx| {
            let status = ctx
                .base
                .trim_start_matches("/status-")
                .parse()
                .unwrap_or(500);
            Action::Respond(response(
                status,
                "text/html",
                &[],
                b"<html><body>Bad Gateway</body></html>",
            ))
        },
    }));
    all
}

/// The scenario called `name`.
pub fn find(name: &str) -> Option<Scenario> {
    all().into_iter().find(|s| s.name == name)
}

fn table_body(table: &'static [(&str, &str)], ctx: &Ctx) -> Option<&'static str> {
    let name = ctx.base.trim_start_matches('/');
    table.iter().find(|(n, _)| *n == name).map(|(_, b)| *b)
}

/// `fault` for GET session, [`auth_like`] for everything else (so a client can sign
/// in first and then meet the fault).
fn on_session(req: &Request, ctx: &Ctx, fault: impl Fn(&Ctx) -> Action) -> Action {
    if req.method == "GET" && ctx.action == "session" {
        fault(ctx)
    } else {
        auth_like(req, ctx)
    }
}

fn partial_session() -> Vec<u8> {
    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"user\":"
        .to_vec()
}

fn with_cookies(n: usize, cookie: impl Fn(usize) -> String) -> Action {
    let headers: Vec<String> = (0..n)
        .map(|i| format!("set-cookie: {}", cookie(i)))
        .collect();
    let refs: Vec<&str> = headers.iter().map(String::as_str).collect();
    Action::Respond(response(200, "application/json", &refs, b"null"))
}

/// The CSRF token [`auth_like`] hands out (the cookie holds `token|hash`).
pub const CSRF_TOKEN: &str = "aaaa";
const CSRF_COOKIE: &str = "next-auth.csrf-token=aaaa%7Cbbbb; Path=/; HttpOnly; SameSite=Lax";
/// The session cookie a sign-in sets.
pub const SESSION_COOKIE: &str = "next-auth.session-token=tok";

fn provider(ctx: &Ctx, id: &str, name: &str, kind: &str) -> String {
    format!(
        "{}:{{\"id\":{0},\"name\":{},\"type\":{},\"signinUrl\":{},\"callbackUrl\":{}}}",
        json_string(id),
        json_string(name),
        json_string(kind),
        json_string(&ctx.url(&format!("signin/{id}"))),
        json_string(&ctx.url(&format!("callback/{id}"))),
    )
}

fn csrf_reply() -> Action {
    Action::Respond(response(
        200,
        "application/json",
        &[&format!("set-cookie: {CSRF_COOKIE}")],
        format!("{{\"csrfToken\":\"{CSRF_TOKEN}\"}}").as_bytes(),
    ))
}

fn signed_in(req: &Request) -> bool {
    req.header("cookie")
        .is_some_and(|c| c.split(';').any(|kv| kv.trim() == SESSION_COOKIE))
}

/// A minimal Auth.js-like happy path, the base that single faults replace.
pub fn auth_like(req: &Request, ctx: &Ctx) -> Action {
    match (req.method.as_str(), ctx.action) {
        ("GET", "csrf") => csrf_reply(),
        ("GET", "providers") => json(
            200,
            &format!(
                "{{{},{}}}",
                provider(ctx, "credentials", "Credentials", "credentials"),
                provider(ctx, "passkey", "Passkey", "webauthn")
            ),
        ),
        ("POST", "callback/credentials") => Action::Respond(response(
            200,
            "application/json",
            &[&format!(
                "set-cookie: {SESSION_COOKIE}; Path=/; HttpOnly; SameSite=Lax"
            )],
            format!("{{\"url\":{}}}", json_string(&format!("{}/", ctx.origin))).as_bytes(),
        )),
        ("GET", "session") if signed_in(req) => json(
            200,
            r#"{"user":{"name":"A"},"expires":"2030-01-01T00:00:00.000Z"}"#,
        ),
        ("GET", "session") => json(200, "null"),
        ("POST", "signout") => json(
            200,
            &format!("{{\"url\":{}}}", json_string(&format!("{}/", ctx.origin))),
        ),
        _ => json(404, "null"),
    }
}

fn no_session(req: &Request, ctx: &Ctx) -> Action {
    match (req.method.as_str(), ctx.action) {
        ("GET", "csrf") => csrf_reply(),
        ("GET", "providers") => json(
            200,
            &format!(
                "{{{}}}",
                provider(ctx, "credentials", "Credentials", "credentials")
            ),
        ),
        ("GET" | "POST", "session") => json(200, "null"),
        ("POST", a) if a.starts_with("callback/") => json(
            200,
            &format!(
                "{{\"url\":{}}}",
                json_string(&ctx.url("signin?error=CredentialsSignin&code=credentials"))
            ),
        ),
        ("POST", "signout") => json(
            200,
            &format!("{{\"url\":{}}}", json_string(&format!("{}/", ctx.origin))),
        ),
        _ => json(404, "null"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_are_unique_and_path_safe() {
        let all = super::all();
        let mut names: Vec<&str> = all.iter().map(|s| s.name).collect();
        names.sort_unstable();
        let n = names.len();
        names.dedup();
        assert_eq!(names.len(), n, "a scenario is defined twice");
        for name in names {
            assert!(
                name.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{name}"
            );
            assert!(!name.starts_with("__") && name != "api", "{name}");
        }
    }
}
