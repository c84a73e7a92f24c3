//! Sign-in and sign-out inputs and results, and the reading of Auth.js's redirect URLs.
//!
//! Every Auth.js flow ends in a redirect whose query carries the outcome
//! (`?error=CredentialsSignin&code=credentials`, v4's `?csrf=true`, …). With the JSON
//! flags the redirect arrives as `{"url": …}`; without them as a 3xx `Location`. This
//! module turns either into a [`SignInResponse`].

use crate::endpoint::{Endpoint, RedactedUrl};
use crate::error::{Error, Result};
use serde::Serialize;
use serde_json::Value;
use url::Url;

/// Form fields the client sets itself; a caller may not override them.
const RESERVED_FIELDS: [&str; 2] = ["csrfToken", "json"];

/// Options of [`Client::sign_in`](crate::Client::sign_in), the JS `SignInOptions`.
#[derive(Clone, Default)]
pub struct SignInOptions {
    /// Where the server should send the user afterwards: an absolute http(s) URL or a
    /// path starting with `/`. Defaults to the server origin, so a stale callback-url
    /// cookie from an earlier flow cannot redirect somewhere old.
    pub callback_url: Option<String>,
    /// Form fields: credentials (`username`, `password`) or `email`.
    pub fields: Vec<(String, String)>,
    /// Authorization parameters, appended to the sign-in URL's query (OAuth:
    /// `prompt`, `login_hint`, …).
    pub authorization_params: Vec<(String, String)>,
}

impl std::fmt::Debug for SignInOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Field *names* only: values are passwords and addresses.
        let names: Vec<&str> = self.fields.iter().map(|(k, _)| k.as_str()).collect();
        let params: Vec<&str> = self
            .authorization_params
            .iter()
            .map(|(k, _)| k.as_str())
            .collect();
        f.debug_struct("SignInOptions")
            .field(
                "callback_url",
                &self.callback_url.as_deref().map(RedactedUrl),
            )
            .field("fields", &names)
            .field("authorization_params", &params)
            .finish()
    }
}

impl SignInOptions {
    /// Empty options.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `callbackUrl`.
    pub fn callback_url(mut self, url: impl Into<String>) -> Self {
        self.callback_url = Some(url.into());
        self
    }

    /// Adds a form field (`username`, `password`, `email`, …).
    pub fn field(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.fields.push((name.into(), value.into()));
        self
    }

    /// Adds an authorization parameter.
    pub fn authorization_param(
        mut self,
        name: impl Into<String>,
        value: impl Into<String>,
    ) -> Self {
        self.authorization_params.push((name.into(), value.into()));
        self
    }

    /// Builds options from the JS `signIn()` arguments: an options object
    /// (`{callbackUrl, redirectTo, redirect, ...fields}`) and an authorization-params
    /// object. `redirect` is ignored (this client never navigates); `redirectTo` is
    /// v5's name for `callbackUrl`. Values that are numbers or booleans are sent as
    /// their text, like a browser form; objects and arrays are refused.
    ///
    /// This is the one place the JS shape is interpreted, for the C ABI, Python and
    /// the CLI alike.
    pub fn from_js(options: Option<&Value>, authorization_params: Option<&Value>) -> Result<Self> {
        let mut out = SignInOptions::default();
        if let Some(options) = options {
            let obj = match options {
                Value::Null => None,
                Value::Object(o) => Some(o),
                other => {
                    return Err(Error::invalid(format!(
                        "sign-in options must be a JSON object, not {}",
                        json_type_name(other)
                    )));
                }
            };
            for (k, v) in obj.into_iter().flatten() {
                match k.as_str() {
                    "redirect" => continue,
                    "callbackUrl" | "redirectTo" => {
                        if v.is_null() {
                            continue;
                        }
                        let s = v
                            .as_str()
                            .ok_or_else(|| Error::invalid(format!("{k} must be a string")))?;
                        out.callback_url = Some(s.to_string());
                    }
                    _ => out.fields.push((k.clone(), form_value(k, v)?)),
                }
            }
        }
        if let Some(params) = authorization_params {
            match params {
                Value::Null => {}
                Value::Object(o) => {
                    for (k, v) in o {
                        out.authorization_params
                            .push((k.clone(), form_value(k, v)?));
                    }
                }
                other => {
                    return Err(Error::invalid(format!(
                        "authorization params must be a JSON object, not {}",
                        json_type_name(other)
                    )));
                }
            }
        }
        Ok(out)
    }

    pub(crate) fn check_fields(&self) -> Result<()> {
        for (k, _) in &self.fields {
            if RESERVED_FIELDS.contains(&k.as_str()) || k == "callbackUrl" {
                return Err(Error::invalid(format!(
                    "the form field {k:?} is set by the client and cannot be overridden"
                )));
            }
        }
        Ok(())
    }
}

pub(crate) fn form_value(key: &str, v: &Value) -> Result<String> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Null => Ok(String::new()),
        other => Err(Error::invalid(format!(
            "the value of {key:?} must be a string, number or boolean, not {}",
            json_type_name(other)
        ))),
    }
}

pub(crate) fn json_type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Options of [`Client::sign_out`](crate::Client::sign_out).
#[derive(Clone, Default)]
pub struct SignOutOptions {
    /// Where the server should send the user afterwards (default: the origin).
    pub callback_url: Option<String>,
}

impl std::fmt::Debug for SignOutOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The app's own query may carry a token: the URL without query or fragment.
        f.debug_struct("SignOutOptions")
            .field(
                "callback_url",
                &self.callback_url.as_deref().map(RedactedUrl),
            )
            .finish()
    }
}

impl SignOutOptions {
    /// Builds options from the JS `signOut()` argument (`{callbackUrl, redirectTo,
    /// redirect}`); unknown keys are refused.
    pub fn from_js(options: Option<&Value>) -> Result<Self> {
        let mut out = SignOutOptions::default();
        match options {
            None | Some(Value::Null) => {}
            Some(Value::Object(o)) => {
                for (k, v) in o {
                    match k.as_str() {
                        "redirect" => {}
                        "callbackUrl" | "redirectTo" => {
                            if !v.is_null() {
                                out.callback_url = Some(
                                    v.as_str()
                                        .ok_or_else(|| {
                                            Error::invalid(format!("{k} must be a string"))
                                        })?
                                        .to_string(),
                                );
                            }
                        }
                        _ => {
                            return Err(Error::invalid(format!(
                                "unknown sign-out option {k:?} (known: callbackUrl, redirectTo, redirect)"
                            )));
                        }
                    }
                }
            }
            Some(other) => {
                return Err(Error::invalid(format!(
                    "sign-out options must be a JSON object, not {}",
                    json_type_name(other)
                )));
            }
        }
        Ok(out)
    }
}

/// The result of a sign-in, shaped like the JS `SignInResponse`
/// (`{error, code, status, ok, url}`).
///
/// Unlike the JS client, `ok` is true only when the HTTP status is a success AND the
/// returned URL carries no error: the JS client reports `ok: true` for a failed v5
/// credentials sign-in (which answers 200) and for v4 CSRF failures.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SignInResponse {
    /// The `error` query parameter of the returned URL (`CredentialsSignin`,
    /// `AccessDenied`, `Verification`, v4's `?csrf=true` as `MissingCSRF`, …).
    pub error: Option<String>,
    /// The `code` query parameter (v5 credentials: `credentials` or the app's code).
    pub code: Option<String>,
    /// HTTP status of the reply (0 when no request was needed).
    pub status: u16,
    /// True only for a successful status and no error.
    pub ok: bool,
    /// Where the browser would go next: the callback URL, an OAuth authorize URL, the
    /// verify-request page. `None` when there is an error (as in the JS client).
    pub url: Option<String>,
}

impl std::fmt::Debug for SignInResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // `url` may be an OAuth authorize URL whose query holds `state` and the PKCE
        // challenge: printed without query or fragment.
        f.debug_struct("SignInResponse")
            .field("error", &self.error)
            .field("code", &self.code)
            .field("status", &self.status)
            .field("ok", &self.ok)
            .field("url", &self.url.as_deref().map(RedactedUrl))
            .finish()
    }
}

impl SignInResponse {
    /// Builds the response from the HTTP status and the URL the server redirected to.
    pub(crate) fn from_redirect(
        status: u16,
        url: &Url,
        text: &str,
        success_statuses: std::ops::Range<u16>,
    ) -> Self {
        let outcome = RedirectOutcome::read(url);
        let ok = success_statuses.contains(&status) && outcome.error.is_none();
        SignInResponse {
            url: outcome.error.is_none().then(|| text.to_string()),
            error: outcome.error,
            code: outcome.code,
            status,
            ok,
        }
    }

    /// The response as the JS-shaped JSON object (`null` for absent values).
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

/// The result of a sign-out (`{url}`).
#[derive(Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SignOutResponse {
    /// Where the browser would go next (the validated callback URL).
    pub url: String,
}

impl std::fmt::Debug for SignOutResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignOutResponse")
            .field("url", &RedactedUrl(&self.url))
            .finish()
    }
}

/// What a redirect URL says about the flow's outcome.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct RedirectOutcome {
    pub error: Option<String>,
    pub code: Option<String>,
    /// The server rejected the CSRF token (v4 `csrf=true`, v5 `MissingCSRF`).
    pub csrf_rejected: bool,
}

pub(crate) const MISSING_CSRF: &str = "MissingCSRF";

impl RedirectOutcome {
    pub fn read(url: &Url) -> RedirectOutcome {
        let mut error = None;
        let mut code = None;
        let mut csrf = false;
        for (k, v) in outcome_pairs(url) {
            match k.as_str() {
                "error" if error.is_none() => error = Some(v),
                "code" if code.is_none() => code = Some(v),
                "csrf" if v == "true" => csrf = true,
                _ => {}
            }
        }
        // v4 reports a CSRF failure as `?csrf=true` with no `error`: surface it with
        // v5's name so callers see one code for both versions.
        if csrf && error.is_none() {
            error = Some(MISSING_CSRF.to_string());
        }
        let csrf_rejected = error.as_deref() == Some(MISSING_CSRF);
        RedirectOutcome {
            error: error.filter(|e| !e.is_empty()),
            code: code.filter(|c| !c.is_empty()),
            csrf_rejected,
        }
    }
}

/// The `key=value` pairs that can carry a flow's outcome, wherever the server put them.
///
/// A custom page's own query or fragment (`pages.signIn: "/login?from=app"` or
/// `"/login#signin"`) is not taken into account when Auth.js appends the outcome:
/// @auth/core appends `?error=…` to any page (`/login?from=app?error=CredentialsSignin`,
/// `/login#signin?error=…`), next-auth 4's sign-in page appends `?…` after a fragment.
/// A plain query parser then finds no `error` and a refused sign-in reads as a success.
/// So the query is split at `?` as well as `&`, and a fragment's part after its first
/// `?` is read as a query too. Keys still have to match exactly, so an app's own
/// `?from=error` or `#errors` is not an error.
fn outcome_pairs(url: &Url) -> impl Iterator<Item = (String, String)> + '_ {
    let query = url.query().unwrap_or("");
    let in_fragment = url
        .fragment()
        .and_then(|f| f.split_once('?'))
        .map_or("", |(_, q)| q);
    [query, in_fragment]
        .into_iter()
        .flat_map(|q| q.split(['&', '?']))
        .flat_map(|piece| url::form_urlencoded::parse(piece.as_bytes()))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
}

/// Checks a `callbackUrl`: an absolute http(s) URL or a path starting with `/`.
pub(crate) fn check_callback_url(s: &str) -> Result<()> {
    if s.starts_with('/') && !s.starts_with("//") {
        return Ok(());
    }
    match Url::parse(s) {
        Ok(u) if (u.scheme() == "http" || u.scheme() == "https") && u.host().is_some() => Ok(()),
        _ => Err(Error::invalid(
            "callbackUrl must be an absolute http(s) URL or a path starting with '/'",
        )),
    }
}

/// The URL a flow's reply points at: `{"url": …}` in a JSON body, else the `Location`
/// of a redirect (`location`, given only for 3xx replies). Relative URLs are resolved
/// against the endpoint's origin. Returns the parsed URL and the text to hand to the
/// caller: the server's own string when it was absolute (so `http://host:3000` is not
/// rewritten as `http://host:3000/`). `None` when the reply names no usable URL.
///
/// Pure, so the client and the fuzz targets read replies with the same code.
pub(crate) fn redirect_target(
    endpoint: &Endpoint,
    body: &[u8],
    location: Option<&str>,
) -> Option<(Url, String)> {
    let from_json = serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| v.get("url").and_then(Value::as_str).map(str::to_string));
    let raw = from_json.or_else(|| location.map(str::to_string))?;
    let url = endpoint.resolve_returned(&raw)?;
    let text = if Url::parse(&raw).is_ok() {
        raw
    } else {
        url.to_string()
    };
    Some((url, text))
}

/// Tidies a callback URL that a person pasted or an app handed over, the one place
/// paste debris is tolerated: whitespace anywhere (a URL holds none, so a line-wrapped
/// paste is rejoined), surrounding quotes, backticks or angle brackets (`<URL>` as mail
/// clients and Markdown write it), and a trailing `#_=_` (Facebook appends it to every
/// redirect) or a lone `#`. A fragment never reaches the server, so dropping these
/// changes nothing the server sees.
pub(crate) fn tidy_pasted_url(input: &str) -> String {
    let mut s: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    loop {
        let pair = [('"', '"'), ('\'', '\''), ('<', '>'), ('`', '`')]
            .into_iter()
            .find(|&(open, close)| s.len() >= 2 && s.starts_with(open) && s.ends_with(close));
        match pair {
            Some(_) => s = s[1..s.len() - 1].to_string(),
            None => break,
        }
    }
    for tail in ["#_=_", "#"] {
        if let Some(rest) = s.strip_suffix(tail) {
            s = rest.to_string();
        }
    }
    s
}

/// A callback the provider delivers as an auto-submitting HTML form
/// (`response_mode=form_post`, as Apple and many OIDC providers answer): where the
/// browser would POST, and the fields (`code`, `state`, `id_token`, `error`, …).
///
/// @auth/core reads such a callback only from a POST body, so the URL alone cannot
/// complete it: hand this to [`Client::complete_sign_in_form`](crate::Client::complete_sign_in_form).
#[derive(Clone, PartialEq, Eq)]
pub struct FormPost {
    /// The form's `action`: the Auth.js callback URL.
    pub action: String,
    /// The form's named `<input>` fields, in page order.
    pub fields: Vec<(String, String)>,
}

impl std::fmt::Debug for FormPost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The code and state are one-time secrets: field names only.
        let names: Vec<&str> = self.fields.iter().map(|(k, _)| k.as_str()).collect();
        f.debug_struct("FormPost")
            .field("action", &RedactedUrl(&self.action))
            .field("fields", &names)
            .finish()
    }
}

impl FormPost {
    /// Reads the first `<form>` of the provider's page: its `action` and the `name` and
    /// `value` of each `<input>` in it (HTML character references decoded). A form whose
    /// `method` is not POST is refused: it is not a `form_post` callback. Errors never
    /// quote the page, which holds the code.
    pub fn from_html(html: &str) -> Result<FormPost> {
        let lower = html.to_ascii_lowercase();
        let start = find_tag(&lower, "form", 0).ok_or_else(|| {
            Error::invalid("the page holds no <form>: it is not a form_post callback page")
        })?;
        let (form_attrs, body_start) = tag_attributes(html, start + "<form".len());
        let method = attr(&form_attrs, "method").unwrap_or_default();
        if !method.eq_ignore_ascii_case("post") {
            return Err(Error::invalid(
                "the page's <form> is not method=post: it is not a form_post callback page",
            ));
        }
        let action = attr(&form_attrs, "action")
            .filter(|a| !a.is_empty())
            .ok_or_else(|| Error::invalid("the page's <form> has no action URL"))?;
        let end = lower[body_start..]
            .find("</form")
            .map_or(html.len(), |i| body_start + i);
        let mut fields = Vec::new();
        let mut at = body_start;
        while let Some(i) = find_tag(&lower[..end], "input", at) {
            let (attrs, next) = tag_attributes(html, i + "<input".len());
            at = next;
            let kind = attr(&attrs, "type").unwrap_or_default();
            if ["submit", "button", "reset", "image"]
                .iter()
                .any(|k| kind.eq_ignore_ascii_case(k))
            {
                continue;
            }
            if let Some(name) = attr(&attrs, "name").filter(|n| !n.is_empty()) {
                fields.push((name, attr(&attrs, "value").unwrap_or_default()));
            }
        }
        if fields.is_empty() {
            return Err(Error::invalid(
                "the page's <form> has no named fields: it is not a form_post callback page",
            ));
        }
        Ok(FormPost { action, fields })
    }

    /// Builds the fields from a JS-shaped object (`{"code": "…", "state": "…"}`;
    /// numbers and booleans as their text), for the C ABI and the CLI.
    pub fn fields_from_js(fields: &Value) -> Result<Vec<(String, String)>> {
        match fields {
            Value::Object(o) => o
                .iter()
                .map(|(k, v)| Ok((k.clone(), form_value(k, v)?)))
                .collect(),
            other => Err(Error::invalid(format!(
                "form fields must be a JSON object, not {}",
                json_type_name(other)
            ))),
        }
    }
}

/// The byte offset of the next `<name` tag (followed by whitespace, `>` or `/`) in
/// `lower` (the page lower-cased) at or after `from`.
fn find_tag(lower: &str, name: &str, from: usize) -> Option<usize> {
    let needle = format!("<{name}");
    let mut at = from;
    while let Some(i) = lower.get(at..)?.find(&needle) {
        let i = at + i;
        match lower.as_bytes().get(i + needle.len()) {
            Some(b) if b.is_ascii_whitespace() || *b == b'>' || *b == b'/' => return Some(i),
            _ => at = i + needle.len(),
        }
    }
    None
}

/// The attributes of the tag whose name ends at `from`, and the offset after its `>`.
/// Names are lower-cased; values are unquoted and their character references decoded.
fn tag_attributes(html: &str, from: usize) -> (Vec<(String, String)>, usize) {
    let b = html.as_bytes();
    let mut i = from;
    let mut out = Vec::new();
    loop {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        if i >= b.len() {
            return (out, i);
        }
        if b[i] == b'>' {
            return (out, i + 1);
        }
        let name_start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && !b"=>/".contains(&b[i]) {
            i += 1;
        }
        if i == name_start {
            // A stray `=` (the only byte that can end an empty name): skip it. It is
            // ASCII, so the next byte starts a character.
            i += 1;
            continue;
        }
        let name = html[name_start..i].to_ascii_lowercase();
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = String::new();
        if i < b.len() && b[i] == b'=' {
            i += 1;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                let quote = b[i];
                let start = i + 1;
                let stop = b[start..]
                    .iter()
                    .position(|&c| c == quote)
                    .map_or(b.len(), |p| start + p);
                value = decode_entities(&html[start..stop]);
                i = (stop + 1).min(b.len());
            } else {
                let start = i;
                while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                    i += 1;
                }
                value = decode_entities(&html[start..i]);
            }
        }
        out.push((name, value));
    }
}

fn attr(attrs: &[(String, String)], name: &str) -> Option<String> {
    attrs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
}

/// Decodes the character references a provider writes into attribute values
/// (`&amp;`, `&quot;`, `&#39;`, `&#x2F;`, …); anything else is kept as written.
fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest[1..].find(';').map(|j| j + 1).filter(|&j| j <= 10);
        let decoded = end.and_then(|j| {
            let name = &rest[1..j];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .map(|h| u32::from_str_radix(h, 16))
                    .or_else(|| name.strip_prefix('#').map(str::parse::<u32>))
                    .and_then(|r| r.ok())
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, j + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn outcome(s: &str) -> RedirectOutcome {
        RedirectOutcome::read(&Url::parse(s).unwrap())
    }

    #[test]
    fn reads_errors_from_redirects() {
        let o = outcome("http://h/api/auth/signin?error=CredentialsSignin&code=credentials");
        assert_eq!(o.error.as_deref(), Some("CredentialsSignin"));
        assert_eq!(o.code.as_deref(), Some("credentials"));
        assert!(!o.csrf_rejected);
        let o = outcome("http://h/api/auth/error?error=CredentialsSignin&provider=credentials");
        assert_eq!(o.error.as_deref(), Some("CredentialsSignin"));
        assert_eq!(o.code, None);
        let o = outcome("http://h/api/auth/error?error=Authorize%20crashed");
        assert_eq!(o.error.as_deref(), Some("Authorize crashed"));
        let o = outcome("http://h/");
        assert_eq!(
            o,
            RedirectOutcome {
                error: None,
                code: None,
                csrf_rejected: false
            }
        );
    }

    /// `pages.signIn` / `pages.error` with their own query or fragment: @auth/core
    /// appends `?error=…` whatever the page already holds
    /// (`${origin}${pagePath}?${params}` in `core/src/index.ts`), next-auth 4's GET
    /// `signin` page appends `&` after a `?` but not after a `#`.
    #[test]
    fn errors_are_found_after_a_custom_page_query_or_fragment() {
        for (url, error, code) in [
            (
                "http://127.0.0.1:3000/login?from=app?error=CredentialsSignin&code=credentials",
                "CredentialsSignin",
                Some("credentials"),
            ),
            (
                "http://127.0.0.1:3000/login#signin?error=CredentialsSignin&code=credentials",
                "CredentialsSignin",
                Some("credentials"),
            ),
            (
                "http://127.0.0.1:3000/oops?from=app?error=Verification",
                "Verification",
                None,
            ),
            (
                "http://127.0.0.1:3000/oops#top?error=AccessDenied",
                "AccessDenied",
                None,
            ),
            (
                "http://127.0.0.1:3000/login?from=app&callbackUrl=http%3A%2F%2F127.0.0.1%3A3000&error=CredentialsSignin",
                "CredentialsSignin",
                None,
            ),
            (
                "http://127.0.0.1:3000/login#signin?callbackUrl=http%3A%2F%2F127.0.0.1%3A3000&error=CredentialsSignin",
                "CredentialsSignin",
                None,
            ),
        ] {
            let o = outcome(url);
            assert_eq!(o.error.as_deref(), Some(error), "{url}");
            assert_eq!(o.code.as_deref(), code, "{url}");
            let r = SignInResponse::from_redirect(200, &Url::parse(url).unwrap(), url, 200..300);
            assert!(!r.ok, "{url}");
            assert_eq!(r.url, None, "{url}");
        }
        let o = outcome("http://127.0.0.1:3000/login#signin?csrf=true");
        assert!(o.csrf_rejected);
    }

    #[test]
    fn an_app_query_that_mentions_error_is_not_an_error() {
        for url in [
            "http://127.0.0.1:3000/login?from=error",
            "http://127.0.0.1:3000/dashboard?tab=errors&view=error?x=1",
            "http://127.0.0.1:3000/dashboard#error",
            "http://127.0.0.1:3000/dashboard#errors?tab=error",
            "http://127.0.0.1:3000/error",
            "http://127.0.0.1:3000/?myerror=1&error_count=2",
        ] {
            let o = outcome(url);
            assert_eq!(o.error, None, "{url}");
            let r = SignInResponse::from_redirect(200, &Url::parse(url).unwrap(), url, 200..300);
            assert!(r.ok, "{url}");
        }
    }

    #[test]
    fn v4_csrf_flag_is_a_csrf_error() {
        let o = outcome("http://h/api/auth/signin?csrf=true");
        assert_eq!(o.error.as_deref(), Some("MissingCSRF"));
        assert!(o.csrf_rejected);
        let o = outcome("http://h/api/auth/signin?error=MissingCSRF");
        assert!(o.csrf_rejected);
    }

    #[test]
    fn ok_needs_success_status_and_no_error() {
        let u = Url::parse("http://h/api/auth/signin?error=CredentialsSignin&code=credentials")
            .unwrap();
        let r = SignInResponse::from_redirect(200, &u, u.as_str(), 200..300);
        assert!(!r.ok, "v5 answers 200 for a failed sign-in");
        assert_eq!(r.url, None);
        let u = Url::parse("http://h/dashboard").unwrap();
        let r = SignInResponse::from_redirect(200, &u, u.as_str(), 200..300);
        assert!(r.ok);
        assert_eq!(r.url.as_deref(), Some("http://h/dashboard"));
        assert!(!SignInResponse::from_redirect(401, &u, u.as_str(), 200..300).ok);
        assert_eq!(
            r.to_json(),
            json!({"error": null, "code": null, "status": 200, "ok": true, "url": "http://h/dashboard"})
        );
    }

    #[test]
    fn js_options() {
        let o = SignInOptions::from_js(
            Some(&json!({"callbackUrl": "/x", "redirect": false, "username": "a", "n": 1, "b": true})),
            Some(&json!({"prompt": "login"})),
        )
        .unwrap();
        assert_eq!(o.callback_url.as_deref(), Some("/x"));
        assert_eq!(o.fields.len(), 3);
        assert!(o.fields.contains(&("n".into(), "1".into())));
        assert_eq!(
            o.authorization_params,
            vec![("prompt".into(), "login".into())]
        );
        let o = SignInOptions::from_js(Some(&json!({"redirectTo": "/y"})), None).unwrap();
        assert_eq!(o.callback_url.as_deref(), Some("/y"));
        assert!(SignInOptions::from_js(Some(&json!([])), None).is_err());
        assert!(SignInOptions::from_js(Some(&json!({"a": {}})), None).is_err());
        assert!(SignInOptions::from_js(None, Some(&json!("x"))).is_err());
        assert!(SignInOptions::from_js(Some(&json!({"callbackUrl": 3})), None).is_err());
        let reserved = SignInOptions::new().field("csrfToken", "x");
        assert!(reserved.check_fields().is_err());
    }

    #[test]
    fn debug_hides_field_values() {
        let o = SignInOptions::new().field("password", "hunter2");
        assert!(!format!("{o:?}").contains("hunter2"));
    }

    #[test]
    fn sign_out_options() {
        let o = SignOutOptions::from_js(Some(&json!({"callbackUrl": "/bye", "redirect": false})))
            .unwrap();
        assert_eq!(o.callback_url.as_deref(), Some("/bye"));
        assert!(SignOutOptions::from_js(Some(&json!({"nope": 1}))).is_err());
    }

    #[test]
    fn callback_urls() {
        for ok in ["/", "/x?y=1", "http://h/", "https://h:1/a"] {
            assert!(check_callback_url(ok).is_ok(), "{ok}");
        }
        for bad in ["", "x", "//evil", "javascript:alert(1)", "ftp://h/"] {
            assert!(check_callback_url(bad).is_err(), "{bad}");
        }
    }
    #[test]
    fn pasted_urls_are_tidied() {
        let want = "http://h:3000/api/auth/callback/oidc?code=c&state=s";
        for pasted in [
            want.to_string(),
            format!("  {want}\n"),
            format!("{want}#_=_"),
            format!("{want}#"),
            format!("\"{want}\""),
            format!("'{want}'"),
            format!("<{want}>"),
            format!("`{want}`"),
            format!(" \"<{want}#_=_>\" \r\n"),
            "http://h:3000/api/auth/callback/oidc?code=c\n&state=s".to_string(),
        ] {
            assert_eq!(tidy_pasted_url(&pasted), want, "{pasted:?}");
        }
        // A fragment that is not debris stays (it is never sent anyway).
        assert_eq!(tidy_pasted_url("http://h/#top"), "http://h/#top");
        assert_eq!(tidy_pasted_url("\""), "\"");
        assert_eq!(tidy_pasted_url(""), "");
    }

    #[test]
    fn form_post_pages_are_read() {
        // What oidc-provider's form_post response mode answers (htmlSafe-escaped values).
        let html = r#"<!DOCTYPE html><html><head><title>Submitting Callback</title>
<script>document.addEventListener('DOMContentLoaded', function () { document.forms[0].submit() });</script>
</head><body>
  <FORM method="POST" action="http://127.0.0.1:3000/api/auth/callback/oidc-form?x=1&amp;y=2">
    <input type="hidden" name="code" value="a&#x2F;b&amp;c"/>
    <input type="hidden" name='state' value='s&quot;t&#39;'>
    <input type=hidden name=iss value=http://127.0.0.1:9>
    <noscript><button autofocus type="submit">Continue</button><input type="submit" name="go" value="x"></noscript>
  </form><form method="post" action="/other"><input name="later" value="no"></form></body></html>"#;
        let f = FormPost::from_html(html).unwrap();
        assert_eq!(
            f.action,
            "http://127.0.0.1:3000/api/auth/callback/oidc-form?x=1&y=2"
        );
        assert_eq!(
            f.fields,
            vec![
                ("code".to_string(), "a/b&c".to_string()),
                ("state".to_string(), "s\"t'".to_string()),
                ("iss".to_string(), "http://127.0.0.1:9".to_string()),
            ]
        );
        let debug = format!("{f:?}");
        assert!(!debug.contains("a/b") && !debug.contains("x=1"), "{debug}");
    }

    #[test]
    fn pages_that_are_not_form_posts_are_refused() {
        for html in [
            "",
            "<p>hello</p>",
            "<formx method=post action=/a><input name=a value=b></formx>",
            "<form action=/a><input name=code value=secret-code></form>",
            "<form method=post><input name=code value=secret-code></form>",
            "<form method=post action=/a></form><input name=code value=secret-code>",
            "<form method=post action=/a",
            "<form method=\"post\" action=\"/a",
            "<form method=post action=/a><input name=code value=\"secret-code",
            // A stray `=` at the end (was: a slice past the end, found by
            // fuzz::tests::form_post_pages_never_panic).
            "<form method=post action= method=post =",
            "<form method=post action=/a><input name=a =é value=b>",
        ] {
            match FormPost::from_html(html) {
                Err(e) => {
                    assert_eq!(e.kind(), crate::ErrorKind::InvalidArgument, "{html}");
                    assert!(!e.message().contains("secret-code"), "{e}");
                }
                Ok(f) => assert!(!f.fields.is_empty(), "{html}: {f:?}"),
            }
        }
        assert_eq!(
            decode_entities("&amp;&bogus;&#99999999;&"),
            "&&bogus;&#99999999;&"
        );
    }

    #[test]
    fn form_fields_from_js() {
        let f = FormPost::fields_from_js(&json!({"code": "c", "n": 1})).unwrap();
        assert_eq!(
            f,
            vec![("code".into(), "c".into()), ("n".into(), "1".into())]
        );
        assert!(FormPost::fields_from_js(&json!([])).is_err());
        assert!(FormPost::fields_from_js(&json!({"a": []})).is_err());
    }
}
