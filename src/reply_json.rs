//! Reading a reply body as JSON: one reading for [`Response::json`](crate::Response::json)
//! and for the bindings, which hold a reply's status and bytes but no `Response` (the
//! Python `authjs.Response` is built from them), so a body that is not JSON is the same
//! `Protocol` error everywhere.

use crate::{Error, Result};
use serde_json::Value;

/// A reply body (`status`, `body`) parsed as JSON. A body that is not JSON is an
/// [`ErrorKind::Protocol`](crate::ErrorKind::Protocol) error carrying the status and an
/// excerpt of the body, as every other reply the protocol cannot read.
pub fn parse_json_reply(status: u16, body: &[u8]) -> Result<Value> {
    serde_json::from_slice(body).map_err(|e| {
        Error::protocol(format!("the reply body is not JSON: {e}"))
            .with_status(status)
            .with_body(body)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn json_or_a_protocol_error_with_status_and_excerpt() {
        assert_eq!(
            parse_json_reply(200, br#"{"a":1}"#).unwrap(),
            serde_json::json!({"a": 1})
        );
        let e = parse_json_reply(502, b"<html>bad gateway</html>").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Protocol);
        assert_eq!(e.status(), Some(502));
        assert!(e.body_excerpt().unwrap().contains("bad gateway"));
    }
}
