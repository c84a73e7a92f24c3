//! URL redaction for front ends that show URLs themselves (the Python reprs of
//! `SignInResponse` and `SignOutResponse`): the core's one rule, so no binding writes
//! its own and forgets a case (user info, a fragment, a relative URL).

/// A URL string fit to show: scheme, host, port and path are kept; user info, query
/// and fragment become `<redacted>` markers, since magic-link tokens, OAuth `state`
/// and `code` and passwords live there. The same text as the core's own `Debug`
/// output.
pub fn redact_url(url: &str) -> String {
    crate::endpoint::redact_text(url)
}
