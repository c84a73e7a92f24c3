//! The providers list (`GET <base>/providers`).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One sign-in provider, as the server lists it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Provider {
    /// Provider id (`credentials`, `github`, `email`, …).
    pub id: String,
    /// Display name.
    pub name: String,
    /// `oauth`, `oidc`, `email`, `credentials` or `webauthn`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Absolute URL of `POST signin/<id>` as the server sees itself.
    #[serde(rename = "signinUrl")]
    pub signin_url: String,
    /// Absolute URL of `callback/<id>` as the server sees itself.
    #[serde(rename = "callbackUrl")]
    pub callback_url: String,
}

impl std::fmt::Debug for Provider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URLs come from the server; like every URL in `Debug`, without a query.
        use crate::endpoint::RedactedUrl;
        f.debug_struct("Provider")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("kind", &self.kind)
            .field("signin_url", &RedactedUrl(&self.signin_url))
            .field("callback_url", &RedactedUrl(&self.callback_url))
            .finish()
    }
}

impl Provider {
    /// Credentials providers POST to `callback/<id>`; every other type to `signin/<id>`.
    pub fn is_credentials(&self) -> bool {
        self.kind == "credentials"
    }
}

/// Providers by id, in id order.
pub type Providers = BTreeMap<String, Provider>;

/// Parses the providers body. An object of provider objects is required; an entry that
/// lacks a field is a protocol error rather than silently dropped.
pub(crate) fn parse(value: serde_json::Value) -> Result<Providers, String> {
    match value {
        serde_json::Value::Null => Ok(Providers::new()),
        serde_json::Value::Object(map) => map
            .into_iter()
            .map(|(id, v)| {
                serde_json::from_value::<Provider>(v)
                    .map(|p| (id.clone(), p))
                    .map_err(|e| format!("provider {id:?} is malformed: {e}"))
            })
            .collect(),
        other => Err(format!(
            "expected an object of providers, got {}",
            crate::signin::json_type_name(&other)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_providers() {
        let p = parse(json!({
            "github": {"id": "github", "name": "GitHub", "type": "oauth",
                       "signinUrl": "http://h/api/auth/signin/github",
                       "callbackUrl": "http://h/api/auth/callback/github"}
        }))
        .unwrap();
        assert_eq!(p["github"].kind, "oauth");
        assert!(!p["github"].is_credentials());
        assert!(parse(json!({})).unwrap().is_empty());
        assert!(parse(json!(null)).unwrap().is_empty());
        assert!(parse(json!([])).is_err());
        assert!(parse(json!({"x": {"id": "x"}})).is_err());
    }
}
