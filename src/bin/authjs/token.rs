//! `authjs token decode|mint`: the core's session-token codec (src/token.rs) for the
//! shell. The secret comes from the environment or a file, never argv (argv is visible
//! to every user of the machine in `ps`).

use crate::args::{MintFormat, TokenAction};
use crate::{Failure, input, out, print_json};
use authjs::{Client, TokenCodec};
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};

/// The global options `mint --url` needs to reach the server.
pub struct Reach {
    pub url: Option<String>,
    pub ca_cert: Vec<PathBuf>,
    pub base_path: Option<String>,
    pub allow_http: bool,
}

/// The secrets, first one encrypting: `--secret-file` (one per line, or commas), else
/// `AUTH_SECRET`, else `NEXTAUTH_SECRET` (commas separate rotated secrets).
fn secrets(file: Option<&Path>) -> Result<Vec<String>, Failure> {
    let text = match file {
        Some(p) => std::fs::read_to_string(p)
            .map_err(|e| Failure::io(format!("cannot read the secret file {}: {e}", p.display())))?
            .replace(['\r', '\n'], ","),
        None => ["AUTH_SECRET", "NEXTAUTH_SECRET"]
            .iter()
            .filter_map(|v| std::env::var(v).ok())
            .find(|v| !v.trim().is_empty())
            .ok_or_else(|| {
                Failure::usage(
                    "no secret: set AUTH_SECRET (or NEXTAUTH_SECRET; new,old for rotation) \
                     or pass --secret-file FILE",
                )
            })?,
    };
    let list = TokenCodec::split_secrets(&text);
    if list.is_empty() {
        return Err(Failure::usage("the secret is empty"));
    }
    Ok(list)
}

fn stdin_text(what: &str) -> Result<String, Failure> {
    String::from_utf8(input::stdin_bytes(what)?)
        .map_err(|_| Failure::usage(format!("{what} on stdin is not valid UTF-8")))
}

pub fn run(action: TokenAction, reach: Reach) -> Result<u8, Failure> {
    match action {
        TokenAction::Decode {
            cookie_name,
            secret_file,
        } => {
            let secrets = secrets(secret_file.as_deref())?;
            let text = stdin_text("the Cookie header or token")?;
            let mut text = text.trim();
            // A pasted header line: `Cookie: …` or `Authorization: Bearer …`.
            for prefix in ["cookie:", "authorization:"] {
                if text.len() > prefix.len()
                    && text.is_char_boundary(prefix.len())
                    && text[..prefix.len()].eq_ignore_ascii_case(prefix)
                {
                    text = text[prefix.len()..].trim_start();
                }
            }
            if text.is_empty() {
                return Err(Failure::usage(
                    "nothing on stdin: pass a Cookie header or a token",
                ));
            }
            let decoded = authjs::decode_any(text, cookie_name.as_deref(), &secrets)?;
            print_json(&Value::Object(decoded.claims))?;
            Ok(0)
        }
        TokenAction::Mint {
            cookie_name,
            secret_file,
            format,
            max_age,
        } => {
            let secrets = secrets(secret_file.as_deref())?;
            let text = stdin_text("the claims JSON")?;
            let claims: Map<String, Value> = match serde_json::from_str(&text) {
                Ok(Value::Object(m)) => m,
                _ => return Err(Failure::usage("the claims on stdin are not a JSON object")),
            };
            let client = match &reach.url {
                Some(url) if cookie_name.is_none() || format == MintFormat::Playwright => {
                    Some(client(url, &reach)?)
                }
                _ => None,
            };
            let name = match (cookie_name, &client) {
                (Some(n), _) => n,
                (None, Some(c)) => authjs::server_session_cookie_name(c)?,
                (None, None) => {
                    return Err(Failure::usage(
                        "pass --cookie-name NAME, or --url URL to learn it from the server",
                    ));
                }
            };
            let mut codec = TokenCodec::new(&name, secrets)?;
            if let Some(secs) = max_age {
                codec = codec.max_age(std::time::Duration::from_secs(secs));
            }
            let minted = codec.mint(&claims)?;
            let format = match format {
                MintFormat::Header => "header",
                MintFormat::SetCookie => "set-cookie",
                MintFormat::Playwright => "playwright",
            };
            if format == "playwright" && reach.url.is_none() {
                return Err(Failure::usage(
                    "--format playwright needs --url (the cookies' origin)",
                ));
            }
            let text = minted.render(format, reach.url.as_deref())? + "\n";
            out(text.as_bytes())?;
            Ok(0)
        }
    }
}

/// A client without a cookie file: one request to learn the cookie names.
fn client(url: &str, reach: &Reach) -> Result<Client, Failure> {
    let mut b = Client::builder(url).allow_insecure_http(reach.allow_http);
    if let Some(p) = &reach.base_path {
        b = b.base_path(p);
    }
    for ca in &reach.ca_cert {
        b = b.add_root_certificate_file(ca);
    }
    Ok(b.build()?)
}
