//! Human-readable output. Everything that came from the server is cleaned of control
//! characters before it reaches a terminal.

use authjs::{Event, Providers, Session, SignOutReason, Status};

/// Replaces control characters (escape sequences, newlines) with U+FFFD.
pub fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
        .collect()
}

/// `Signed in as Alice Liddell <alice@example.com>, session expires 2026-12-27 10:00 UTC`
pub fn session_line(session: &Session) -> String {
    let who = match (&session.user.name, &session.user.email) {
        (Some(n), Some(e)) => format!("{} <{}>", clean(n), clean(e)),
        (Some(n), None) => clean(n),
        (None, Some(e)) => clean(e),
        (None, None) => "a user without name or email".to_string(),
    };
    match &session.expires {
        Some(exp) => format!("Signed in as {who}, session expires {}", human_time(exp)),
        None => format!("Signed in as {who}"),
    }
}

/// One line per `watch` event.
pub fn event_line(event: &Event) -> String {
    match event {
        Event::Initial {
            session: Some(s), ..
        } => session_line(s),
        Event::Initial {
            status: Status::Loading,
            ..
        } => "Session unknown (the server could not be asked)".to_string(),
        Event::Initial { .. } => "Not signed in".to_string(),
        Event::SignedIn(s) => session_line(s),
        Event::Updated(s) => format!("Updated: {}", session_line(s)),
        Event::Refreshed(s) => format!(
            "Refreshed: session expires {}",
            s.expires.as_deref().map(human_time).unwrap_or_default()
        ),
        Event::SignedOut(reason) => match reason {
            SignOutReason::Local => "Signed out".to_string(),
            SignOutReason::OtherProcess => "Signed out by another process".to_string(),
            SignOutReason::Expired => "Signed out: the session expired".to_string(),
            SignOutReason::Server => {
                "Signed out: the server no longer accepts the session".to_string()
            }
            _ => "Signed out".to_string(),
        },
        Event::Offline { message, .. } => format!("Offline: {}", clean(message)),
        Event::Online => "Online again".to_string(),
        _ => event.name().to_string(),
    }
}

/// `2026-12-27T10:00:00.000Z` → `2026-12-27 10:00 UTC`; an offset other than zero is
/// kept (`2026-12-27 12:00 +02:00`). Anything unexpected is shown as it is (cleaned).
pub fn human_time(s: &str) -> String {
    parse_iso(s).unwrap_or_else(|| clean(s))
}

fn parse_iso(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|x| x.iter().all(u8::is_ascii_digit));
    if b.len() < 16
        || !digits(0..4)
        || b[4] != b'-'
        || !digits(5..7)
        || b[7] != b'-'
        || !digits(8..10)
        || !matches!(b[10], b'T' | b't' | b' ')
        || !digits(11..13)
        || b[13] != b':'
        || !digits(14..16)
    {
        return None;
    }
    let mut rest = &s[16..];
    if let Some(r) = rest.strip_prefix(':') {
        let sec_len = r.bytes().take_while(u8::is_ascii_digit).count();
        if sec_len != 2 {
            return None;
        }
        rest = &r[2..];
        if let Some(r) = rest.strip_prefix('.') {
            let frac_len = r.bytes().take_while(u8::is_ascii_digit).count();
            if frac_len == 0 {
                return None;
            }
            rest = &r[frac_len..];
        }
    }
    let zone = match rest {
        "Z" | "z" | "+00:00" | "-00:00" | "+0000" => "UTC".to_string(),
        "" => return Some(format!("{} {}", &s[..10], &s[11..16])),
        z if (z.starts_with('+') || z.starts_with('-'))
            && z.len() == 6
            && z.as_bytes()[3] == b':'
            && z.as_bytes()[1..3]
                .iter()
                .chain(&z.as_bytes()[4..6])
                .all(u8::is_ascii_digit) =>
        {
            z.to_string()
        }
        _ => return None,
    };
    Some(format!("{} {} {}", &s[..10], &s[11..16], zone))
}

/// The providers as a table: ID, TYPE, NAME.
pub fn providers_table(providers: &Providers) -> String {
    let rows: Vec<[String; 3]> = providers
        .values()
        .map(|p| [clean(&p.id), clean(&p.kind), clean(&p.name)])
        .collect();
    if rows.is_empty() {
        return "The server offers no providers\n".to_string();
    }
    let header = ["ID".to_string(), "TYPE".to_string(), "NAME".to_string()];
    let width = |i: usize| {
        rows.iter()
            .chain(std::iter::once(&header))
            .map(|r| r[i].chars().count())
            .max()
            .unwrap_or(0)
    };
    let (w0, w1) = (width(0), width(1));
    let mut out = String::new();
    for r in std::iter::once(&header).chain(rows.iter()) {
        out.push_str(&format!("{:<w0$}  {:<w1$}  {}\n", r[0], r[1], r[2]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn times() {
        assert_eq!(
            human_time("2026-12-27T10:00:00.000Z"),
            "2026-12-27 10:00 UTC"
        );
        assert_eq!(human_time("2026-12-27T10:00:00Z"), "2026-12-27 10:00 UTC");
        assert_eq!(human_time("2026-12-27T10:00Z"), "2026-12-27 10:00 UTC");
        assert_eq!(
            human_time("2026-12-27T12:00:00+02:00"),
            "2026-12-27 12:00 +02:00"
        );
        assert_eq!(human_time("2026-12-27T10:00:00"), "2026-12-27 10:00");
        assert_eq!(human_time("tomorrow"), "tomorrow");
        assert_eq!(human_time("2026-12-27T10:00+é:00"), "2026-12-27T10:00+é:00");
        assert_eq!(human_time("2026-12-27T10:00:00.Z"), "2026-12-27T10:00:00.Z");
        assert_eq!(human_time("\u{1b}[31m"), "\u{FFFD}[31m");
        assert_eq!(
            human_time("2026-12-27T10:00:00Zjunk"),
            "2026-12-27T10:00:00Zjunk"
        );
    }

    #[test]
    fn session_lines() {
        let s = Session::from_json(json!({
            "user": {"name": "Alice Liddell", "email": "alice@example.com"},
            "expires": "2026-12-27T10:00:00.000Z"
        }))
        .unwrap();
        assert_eq!(
            session_line(&s),
            "Signed in as Alice Liddell <alice@example.com>, session expires 2026-12-27 10:00 UTC"
        );
        let s = Session::from_json(json!({"user": {"name": "Eve\u{1b}]0;x\u{7}"}})).unwrap();
        assert_eq!(session_line(&s), "Signed in as Eve\u{FFFD}]0;x\u{FFFD}");
    }

    #[test]
    fn table() {
        let mut p = Providers::new();
        p.insert(
            "github".into(),
            serde_json::from_value(json!({"id": "github", "name": "GitHub", "type": "oauth",
                "signinUrl": "u", "callbackUrl": "c"}))
            .unwrap(),
        );
        assert_eq!(
            providers_table(&p),
            "ID      TYPE   NAME\ngithub  oauth  GitHub\n"
        );
    }
}
