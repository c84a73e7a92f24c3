//! Reading values the user should not have to put on the command line: secrets from
//! stdin (without echo on a terminal), magic links, request bodies.

use crate::Failure;
use std::io::{BufRead, IsTerminal, Read};
use std::process::{Command, Stdio};

/// Splits `key=value` (the first `=`). The error never repeats the argument: it may be
/// a password typed in the wrong place.
pub fn key_value(arg: &str, option: &str) -> Result<(String, String), Failure> {
    match arg.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
        _ => Err(Failure::usage(format!(
            "{option} expects KEY=VALUE (an argument of {option} has no key or no '=')"
        ))),
    }
}

/// Splits a `Name: value` header (the value is not repeated in errors).
pub fn header(arg: &str) -> Result<(String, String), Failure> {
    match arg.split_once(':') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.trim().to_string())),
        _ => Err(Failure::usage(
            "-H expects 'Name: value' (an argument of -H has no name or no ':')",
        )),
    }
}

/// Reads one line: from the terminal without echo when stdin is one (after printing
/// `prompt` on stderr), otherwise the first line of stdin. The line ending is removed.
pub fn secret_line(prompt: &str, what: &str) -> Result<String, Failure> {
    if std::io::stdin().is_terminal() {
        read_tty_hidden(prompt)
    } else {
        stdin_line(what)
    }
}

fn stdin_line(what: &str) -> Result<String, Failure> {
    let mut line = String::new();
    let n = std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| Failure::io(format!("cannot read {what} from stdin: {e}")))?;
    if n == 0 {
        return Err(Failure::usage(format!(
            "expected {what} on stdin, but stdin is empty"
        )));
    }
    Ok(strip_line_ending(line))
}

fn strip_line_ending(mut line: String) -> String {
    if line.ends_with('\n') {
        line.pop();
        if line.ends_with('\r') {
            line.pop();
        }
    }
    line
}

/// The whole of stdin, as bytes.
pub fn stdin_bytes(what: &str) -> Result<Vec<u8>, Failure> {
    let mut buf = Vec::new();
    std::io::stdin()
        .lock()
        .read_to_end(&mut buf)
        .map_err(|e| Failure::io(format!("cannot read {what} from stdin: {e}")))?;
    Ok(buf)
}

/// Reads a line from the terminal with echo off.
///
/// A small `sh` script does the reading so that the terminal is restored even when the
/// user presses Ctrl-C (the script traps it; this process has no termios access without
/// a new dependency). The prompt is printed only once echo is off, so whatever is typed
/// after it appears is never shown. The secret comes back through a pipe, never argv.
fn read_tty_hidden(prompt: &str) -> Result<String, Failure> {
    const SCRIPT: &str = r#"trap 'stty echo 2>/dev/null; printf "\n" >&2; exit 130' INT TERM HUP
stty -echo 2>/dev/null || exit 3
printf '%s' "$AUTHJS_PROMPT" >&2
IFS= read -r line
status=$?
stty echo 2>/dev/null
printf '\n' >&2
[ "$status" -eq 0 ] || exit 4
printf '%s' "$line"
"#;
    let out = Command::new("sh")
        .arg("-c")
        .arg(SCRIPT)
        .env("AUTHJS_PROMPT", prompt)
        .stdin(Stdio::inherit())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| Failure::io(format!("cannot run sh to read from the terminal: {e}")))?;
    match out.status.code() {
        Some(0) => String::from_utf8(out.stdout)
            .map_err(|_| Failure::usage("the value typed is not valid UTF-8")),
        Some(3) => Err(Failure::io(
            "cannot turn off terminal echo (stty failed); pipe the value on stdin instead",
        )),
        Some(4) => Err(Failure::usage("no value was typed (end of input)")),
        _ => Err(Failure::interrupted()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_values() {
        assert_eq!(
            key_value("a=b=c", "-f").unwrap(),
            ("a".to_string(), "b=c".to_string())
        );
        assert_eq!(
            key_value("a=", "-f").unwrap(),
            ("a".to_string(), String::new())
        );
        let e = key_value("hunter2", "-f").unwrap_err();
        assert!(!e.message.contains("hunter2"));
        assert!(key_value("=x", "-f").is_err());
    }

    #[test]
    fn headers() {
        assert_eq!(
            header("X-A:  b: c ").unwrap(),
            ("X-A".to_string(), "b: c".to_string())
        );
        let e = header("Bearer secret").unwrap_err();
        assert!(!e.message.contains("secret"));
    }

    #[test]
    fn line_endings() {
        assert_eq!(strip_line_ending("pw\r\n".into()), "pw");
        assert_eq!(strip_line_ending("pw\n".into()), "pw");
        assert_eq!(strip_line_ending("pw".into()), "pw");
        assert_eq!(strip_line_ending("pw \n".into()), "pw ");
    }
}
