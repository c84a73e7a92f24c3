//! The session object (`GET/POST <base>/session`).
//!
//! Auth.js answers `{}` (v4) or `null` (v5) when signed out, and the app's `session`
//! callback may add any field. Parsing fails closed: anything that is not a
//! session-shaped object means "no session", never a half-filled one.

use serde_json::{Map, Value};

/// The signed-in user as the server describes it.
#[derive(Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct User {
    /// `user.name`, when present and not null.
    pub name: Option<String>,
    /// `user.email`, when present and not null.
    pub email: Option<String>,
    /// `user.image`, when present and not null.
    pub image: Option<String>,
    /// Any other field of `user` (e.g. an `id` added by the app).
    pub extra: Map<String, Value>,
}

/// A session, as `getSession()` returns it.
///
/// Auth.js keeps its own tokens in the cookie, but the app's `session` callback may copy
/// one into the body (the next-auth docs show `session.accessToken =
/// token.accessToken`), and `user.image` may be a presigned URL. So `Debug` prints the
/// standard fields (the image without its query) and only the *names* of the others.
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub struct Session {
    /// The user.
    pub user: User,
    /// `expires` as the server sent it (ISO 8601, server time).
    pub expires: Option<String>,
    /// Top-level fields other than `user` and `expires` (added by the `session`
    /// callback).
    pub extra: Map<String, Value>,
    raw: Value,
}

impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("name", &self.name)
            .field("email", &self.email)
            .field(
                "image",
                &self.image.as_deref().map(crate::endpoint::RedactedUrl),
            )
            .field("extra", &self.extra.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // `raw` repeats everything: left out.
        f.debug_struct("Session")
            .field("user", &self.user)
            .field("expires", &self.expires)
            .field("extra", &self.extra.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl Session {
    /// Parses a session body. Returns `None` for every anonymous or malformed shape:
    /// `{}`, `null`, arrays, strings, error objects like `{"message": …}`, a `user` that
    /// is not an object, or fields of the wrong type.
    pub fn from_json(value: Value) -> Option<Session> {
        let obj = value.as_object()?;
        let user_v = obj.get("user");
        let expires_v = obj.get("expires");
        if user_v.is_none() && expires_v.is_none() {
            return None;
        }
        let user = match user_v {
            None | Some(Value::Null) => User::default(),
            Some(Value::Object(u)) => {
                let field = |k: &str| -> Result<Option<String>, ()> {
                    match u.get(k) {
                        None | Some(Value::Null) => Ok(None),
                        Some(Value::String(s)) => Ok(Some(s.clone())),
                        Some(_) => Err(()),
                    }
                };
                let extra = u
                    .iter()
                    .filter(|(k, _)| !matches!(k.as_str(), "name" | "email" | "image"))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                User {
                    name: field("name").ok()?,
                    email: field("email").ok()?,
                    image: field("image").ok()?,
                    extra,
                }
            }
            Some(_) => return None,
        };
        let expires = match expires_v {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => return None,
        };
        let extra = obj
            .iter()
            .filter(|(k, _)| k.as_str() != "user" && k.as_str() != "expires")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        Some(Session {
            user,
            expires,
            extra,
            raw: value,
        })
    }

    /// Sets `expires` (and the raw body's copy of it): a refreshed session, kept by the
    /// lifecycle observer without copying the whole session again.
    pub(crate) fn set_expires(&mut self, expires: Option<String>) {
        if let Value::Object(obj) = &mut self.raw {
            match &expires {
                Some(e) => {
                    obj.insert("expires".into(), Value::String(e.clone()));
                }
                None => {
                    obj.remove("expires");
                }
            }
        }
        self.expires = expires;
    }

    /// The session exactly as the server sent it.
    pub fn raw(&self) -> &Value {
        &self.raw
    }

    /// Any top-level field, including `user` and `expires` (e.g. `get("role")`).
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.raw.get(key)
    }

    /// The session as compact JSON.
    pub fn to_json_string(&self) -> String {
        self.raw.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn full_session() {
        let s = Session::from_json(json!({
            "user": {"name": "Alice", "email": "a@x", "id": 7},
            "expires": "2026-12-27T10:00:00.000Z",
            "role": "admin"
        }))
        .unwrap();
        assert_eq!(s.user.name.as_deref(), Some("Alice"));
        assert_eq!(s.user.image, None);
        assert_eq!(s.user.extra["id"], json!(7));
        assert_eq!(s.expires.as_deref(), Some("2026-12-27T10:00:00.000Z"));
        assert_eq!(s.extra["role"], json!("admin"));
        assert_eq!(s.get("role"), Some(&json!("admin")));
    }

    #[test]
    fn anonymous_and_malformed_shapes_are_no_session() {
        for v in [
            json!({}),
            json!(null),
            json!([]),
            json!("session"),
            json!(42),
            json!({"message": "There is a problem with the server configuration."}),
            json!({"user": 42}),
            json!({"user": "alice", "expires": "x"}),
            json!({"user": {"name": 5}, "expires": "x"}),
            json!({"user": {"name": "a"}, "expires": 5}),
        ] {
            assert!(Session::from_json(v.clone()).is_none(), "{v}");
        }
    }

    #[test]
    fn null_fields_are_absent() {
        let s = Session::from_json(json!({"user": {"name": null, "email": "e"}, "expires": "x"}))
            .unwrap();
        assert_eq!(s.user.name, None);
        assert_eq!(s.user.email.as_deref(), Some("e"));
    }
}
