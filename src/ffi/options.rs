//! The `options_json` of `authjs_client_new`, mapped onto [`crate::ClientBuilder`].
//!
//! Keys are checked by hand rather than through serde so that error messages can name
//! the offending key without ever quoting its value (a `cookieHeader` is a credential).

use super::{Failure, FfiResult, parse_json};
use crate::{Client, ClientBuilder};
use serde_json::Value;
use std::time::Duration;

/// Every key `options_json` accepts.
pub(crate) const CLIENT_OPTION_KEYS: [&str; 10] = [
    "timeoutMs",
    "connectTimeoutMs",
    "caCertPem",
    "caCertFile",
    "userAgent",
    "cookieFile",
    "cookieHeader",
    "basePath",
    "proxy",
    "allowInsecureHttp",
];

/// Builds a client from a base URL and optional options JSON.
pub(crate) fn build_client(base_url: &str, options_json: Option<&str>) -> FfiResult<Client> {
    let mut builder = Client::builder(base_url);
    if let Some(text) = options_json {
        builder = apply_options(builder, parse_json(text, "options_json")?)?;
    }
    Ok(builder.build()?)
}

fn apply_options(mut b: ClientBuilder, value: Value) -> FfiResult<ClientBuilder> {
    let obj = match value {
        Value::Null => return Ok(b),
        Value::Object(o) => o,
        other => {
            return Err(Failure::invalid(format!(
                "options_json must be a JSON object, not {}",
                type_name(&other)
            )));
        }
    };
    for (key, v) in obj {
        if !CLIENT_OPTION_KEYS.contains(&key.as_str()) {
            return Err(Failure::invalid(format!(
                "options_json: unknown option {:?} (known: {})",
                shorten(&key),
                CLIENT_OPTION_KEYS.join(", ")
            )));
        }
        // null means "not set", as in JS.
        if v.is_null() {
            continue;
        }
        b = match key.as_str() {
            "timeoutMs" => b.timeout(Duration::from_millis(millis(&key, &v)?)),
            "connectTimeoutMs" => b.connect_timeout(Duration::from_millis(millis(&key, &v)?)),
            "caCertPem" => b.add_root_certificate_pem(string(&key, &v)?.as_bytes()),
            "caCertFile" => b.add_root_certificate_file(string(&key, &v)?),
            "userAgent" => b.user_agent(string(&key, &v)?),
            "cookieFile" => b.cookie_file(string(&key, &v)?),
            "cookieHeader" => b.cookie_header(string(&key, &v)?),
            "basePath" => b.base_path(string(&key, &v)?),
            "proxy" => b.proxy(string(&key, &v)?),
            "allowInsecureHttp" => b.allow_insecure_http(boolean(&key, &v)?),
            _ => unreachable!("checked against CLIENT_OPTION_KEYS"),
        };
    }
    Ok(b)
}

fn millis(key: &str, v: &Value) -> FfiResult<u64> {
    v.as_u64().ok_or_else(|| {
        Failure::invalid(format!(
            "options_json: {key} must be a non-negative integer (milliseconds), not {}",
            type_name(v)
        ))
    })
}

fn string<'a>(key: &str, v: &'a Value) -> FfiResult<&'a str> {
    v.as_str().ok_or_else(|| {
        Failure::invalid(format!(
            "options_json: {key} must be a string, not {}",
            type_name(v)
        ))
    })
}

fn boolean(key: &str, v: &Value) -> FfiResult<bool> {
    v.as_bool().ok_or_else(|| {
        Failure::invalid(format!(
            "options_json: {key} must be a boolean, not {}",
            type_name(v)
        ))
    })
}

/// The JSON type of a value, for messages (never the value itself).
pub(crate) fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_u64() => "an integer",
        Value::Number(n) if n.is_i64() => "a negative integer",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// At most 40 characters of a key, for messages.
fn shorten(key: &str) -> String {
    let mut s: String = key.chars().take(40).collect();
    if s.len() < key.len() {
        s.push('…');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::AuthjsStatus;

    fn err(json: &str) -> Failure {
        build_client("http://127.0.0.1:9", Some(json)).unwrap_err()
    }

    #[test]
    fn accepts_every_documented_key() {
        let json = r#"{"timeoutMs": 1000, "connectTimeoutMs": 500, "userAgent": "ua",
            "cookieHeader": "a=b", "basePath": "/auth", "proxy": null,
            "allowInsecureHttp": true, "caCertPem": null, "caCertFile": null,
            "cookieFile": null}"#;
        let c = build_client("http://127.0.0.1:9", Some(json)).unwrap();
        assert_eq!(c.endpoint().base_path(), "/auth");
        assert!(build_client("http://127.0.0.1:9", Some("null")).is_ok());
        assert!(build_client("http://127.0.0.1:9", None).is_ok());
    }

    #[test]
    fn rejects_unknown_keys_and_wrong_types_without_echoing_values() {
        let e = err(r#"{"timeout": 5}"#);
        assert_eq!(e.status, AuthjsStatus::AUTHJS_ERR_INVALID_ARGUMENT);
        assert!(e.message.contains("\"timeout\""), "{}", e.message);
        for json in [
            r#"{"cookieHeader": 12345678}"#,
            r#"{"timeoutMs": "12345678"}"#,
            r#"{"allowInsecureHttp": "12345678"}"#,
            r#"{"timeoutMs": -12345678}"#,
            r#"{"timeoutMs": 1.2345678}"#,
            r#"["12345678"]"#,
        ] {
            let e = err(json);
            assert_eq!(
                e.status,
                AuthjsStatus::AUTHJS_ERR_INVALID_ARGUMENT,
                "{json}"
            );
            assert!(!e.message.contains("12345678"), "{}", e.message);
        }
    }

    #[test]
    fn core_errors_keep_their_kind() {
        let e = err(r#"{"caCertFile": "/nonexistent/ca.pem"}"#);
        assert_eq!(e.status, AuthjsStatus::AUTHJS_ERR_TLS);
        let e = err(r#"{"timeoutMs": 0}"#);
        assert_eq!(e.status, AuthjsStatus::AUTHJS_ERR_INVALID_ARGUMENT);
    }
}
