//! Where the cookie jar lives when `--jar` is not given: one file per server origin in
//! the user's state directory.

use crate::Failure;
use authjs::Endpoint;
use std::path::{Path, PathBuf};

/// `$XDG_STATE_HOME/authjs/<origin>.json`, else `~/.local/state/authjs/<origin>.json`.
/// The directory is created with mode 0700; the core writes the file with mode 0600.
pub fn default_path(endpoint: &Endpoint) -> Result<PathBuf, Failure> {
    let base = state_dir().ok_or_else(|| {
        Failure::io(
            "cannot find a directory for the cookie jar: set XDG_STATE_HOME or HOME, or pass \
             --jar FILE",
        )
    })?;
    let dir = base.join("authjs");
    create_private_dir(&dir).map_err(|e| {
        Failure::io(format!(
            "cannot create the cookie jar directory {}: {e}",
            dir.display()
        ))
    })?;
    Ok(dir.join(file_name(&endpoint.origin())))
}

/// The XDG base directory for state; relative values are ignored, as the spec says.
fn state_dir() -> Option<PathBuf> {
    let absolute = |v: std::ffi::OsString| {
        let p = PathBuf::from(v);
        p.is_absolute().then_some(p)
    };
    if let Some(p) = std::env::var_os("XDG_STATE_HOME").and_then(absolute) {
        return Some(p);
    }
    std::env::var_os("HOME")
        .and_then(absolute)
        .map(|h| h.join(".local").join("state"))
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// `http://127.0.0.1:3000` → `http_127.0.0.1_3000.json`. The port is always present
/// (`https://example.com` → `https_example.com_443.json`).
pub fn file_name(origin: &str) -> String {
    let (scheme, rest) = origin.split_once("://").unwrap_or(("", origin));
    let with_port = if has_port(rest) {
        rest.to_string()
    } else {
        let port = if scheme == "http" { 80 } else { 443 };
        format!("{rest}:{port}")
    };
    let safe: String = format!("{scheme}_{with_port}")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{safe}.json")
}

fn has_port(host_port: &str) -> bool {
    // `[::1]:3000`, `host:3000`; but not `[::1]`.
    match host_port.rfind(':') {
        Some(i) => !host_port[i..].contains(']'),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(
            file_name("http://127.0.0.1:3000"),
            "http_127.0.0.1_3000.json"
        );
        assert_eq!(
            file_name("https://example.com"),
            "https_example.com_443.json"
        );
        assert_eq!(file_name("http://example.com"), "http_example.com_80.json");
        assert_eq!(file_name("http://[::1]:3000"), "http____1__3000.json");
        assert_eq!(file_name("https://[::1]"), "https____1__443.json");
        assert_eq!(
            file_name("https://xn--bcher-kva.de"),
            "https_xn--bcher-kva.de_443.json"
        );
    }
}
