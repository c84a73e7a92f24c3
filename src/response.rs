//! What [`Client::request`](crate::Client::request) returns.

use crate::error::{Error, Result};
use serde_json::Value;

/// A reply from [`Client::request`](crate::Client::request).
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Response {
    /// HTTP status.
    pub status: u16,
    /// Reply headers, `Set-Cookie` excluded (cookies go to the jar).
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl std::fmt::Debug for Response {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("headers", &self.headers.len())
            .field("body_bytes", &self.body.len())
            .finish()
    }
}

impl Response {
    /// A response from its parts, for code that holds a reply it received some other
    /// way (a binding's own response object) and wants the core's reading of it
    /// ([`json`](Self::json), [`to_json`](Self::to_json)).
    pub fn new(status: u16, headers: Vec<(String, String)>, body: Vec<u8>) -> Response {
        Response {
            status,
            headers,
            body,
        }
    }

    /// The first header of that name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body parsed as JSON.
    pub fn json(&self) -> Result<Value> {
        serde_json::from_slice(&self.body).map_err(|e| {
            Error::protocol(format!("the reply body is not JSON: {e}"))
                .with_status(self.status)
                .with_body(&self.body)
        })
    }

    /// `{"status", "headers", "body"}`: headers as an object (repeated headers joined
    /// with `", "`), body as text.
    pub fn to_json(&self) -> Value {
        let mut headers = serde_json::Map::new();
        for (k, v) in &self.headers {
            match headers.get_mut(k) {
                Some(Value::String(s)) => {
                    s.push_str(", ");
                    s.push_str(v);
                }
                _ => {
                    headers.insert(k.clone(), Value::String(v.clone()));
                }
            }
        }
        serde_json::json!({"status": self.status, "headers": headers, "body": self.text()})
    }
}
